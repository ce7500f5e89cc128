using ElectrodeSim.Cases;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Output;

/// <summary>
/// The XDMF sidecars opened by ParaView's own XDMF reader (vtkXdmfReader, "XDMF Reader" in ParaView's open dialog; Debian
/// python3-paraview 5.11, which tools/setup.sh --tests installs): every field of every time of a P2D and of a 2-D result
/// equals its HDF5 record. ParaView's Xdmf3 readers do not implement the XDMF HyperSlab data item the sidecars use.
/// </summary>
public class ParaViewSidecarTests
{
    /// <summary>
    /// Reads the sidecar with vtkXdmfReader at each of its time steps (which must equal /time) and compares each point
    /// and cell array of each block with /fields/NAME[k] (or /mesh/phase), NaN where the file has NaN, and a rectilinear
    /// block's x and y vertices with /mesh/x_faces and /mesh/y_faces (listed as @faces). Prints one line per block:
    /// name | times | fields.
    /// </summary>
    private const string ReadWithParaView = """
        import sys, os, numpy as np, h5py
        import paraview
        from vtkmodules.vtkIOXdmf2 import vtkXdmfReader
        from vtkmodules.util.numpy_support import vtk_to_numpy
        from vtkmodules.vtkCommonDataModel import vtkCompositeDataSet
        from vtkmodules.vtkCommonExecutionModel import vtkStreamingDemandDrivenPipeline as SDDP
        xmf, h5 = os.path.abspath(sys.argv[1]), h5py.File(sys.argv[2], "r")
        reader = vtkXdmfReader(); reader.SetFileName(xmf); reader.UpdateInformation()
        times = list(reader.GetOutputInformation(0).Get(SDDP.TIME_STEPS()) or [])
        assert np.array_equal(times, h5["/time"][:]), ("time steps", len(times), h5["/time"].shape)
        checked = {}
        for k, t in enumerate(times):
            reader.UpdateTimeStep(t)
            data = reader.GetOutputDataObject(0)
            blocks = [(data.GetMetaData(i).Get(vtkCompositeDataSet.NAME()), data.GetBlock(i)) for i in range(data.GetNumberOfBlocks())] \
                if data.IsA("vtkMultiBlockDataSet") else [("grid", data)]
            for name, block in blocks:
                if block.IsA("vtkRectilinearGrid"):
                    # The 2-D grid's vertices are the file's cell faces (uneven columns in a graded separator).
                    for axis, coordinates in (("x", block.GetXCoordinates()), ("y", block.GetYCoordinates())):
                        assert np.array_equal(vtk_to_numpy(coordinates), h5[f"/mesh/{axis}_faces"][:]), (name, axis, k)
                    checked.setdefault(name, set()).add("@faces")
                for arrays in (block.GetPointData(), block.GetCellData()):
                    for a in range(arrays.GetNumberOfArrays()):
                        field = arrays.GetArrayName(a)
                        values = vtk_to_numpy(arrays.GetArray(a)).ravel()
                        source = h5["/mesh/phase"][:] if field == "phase" else h5["/fields/" + field][k]
                        assert np.array_equal(values, np.asarray(source).ravel(), equal_nan=True), (name, field, k)
                        checked.setdefault(name, set()).add(field)
        for name, fields in sorted(checked.items()):
            print(f"{name}|{len(times)}|{','.join(sorted(fields))}")
        """;

    private static string[] ParaView(string xmf, string h5)
    {
        var (lines, stderr) = SystemPython.Run(ReadWithParaView, "ParaView's XDMF reader could not read the sidecar", xmf, h5);
        // The reader reports its own HDF5 or XDMF errors on stderr and still returns: any of them is a failure.
        Assert.DoesNotContain("Error", stderr);
        return lines;
    }

    [ParaViewFact]
    public void ParaView_reads_every_field_of_a_p2d_result_at_every_time_with_the_values_of_the_hdf5_file()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "sio-c-l.h5");
        var result = Simulator.Run(Repository.LoadCase("sio-c-l.yaml"), path);
        int nt = result.Solution.Time.Count;
        Assert.Equal(
        [
            $"electrode (x)|{nt}|equilibrium_potential,interfacial_current_density,mean_state_of_lithiation,overpotential,solid_potential,surface_state_of_lithiation",
            $"electrode particles (x, r)|{nt}|solid_concentration,state_of_lithiation",
            $"electrolyte (x)|{nt}|electrolyte_concentration,electrolyte_potential",
        ], ParaView(Path.Combine(temp.Path, "sio-c-l.xmf"), path));
    }

    [ParaViewFact]
    public void ParaView_reads_every_field_of_a_2d_result_at_every_time_with_the_values_of_the_hdf5_file()
    {
        // SiO@C-l 2-D in a 7 µm high box at 0.5 µm cells (8 discs, 1 611 unknowns; the separator graded as the case has it), lithiated to 0.01 V.
        var setup = CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l-2d.yaml"),
            [.. new[] { "resolved.height_um=7", "resolved.cell_size_um=0.5", "resolved.separator_gap_um=0.3" }.Select(a => CaseOverride.Parse(a))]));
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "sio-c-l-2d.h5");
        Simulator.RunResolved(setup, path);
        long nt;
        using (var h5 = Native.Hdf5.Hdf5File.OpenRead(path)) nt = h5.GetDims("/time")[0];
        Assert.True(nt > 10);
        Assert.Equal(
            [$"grid|{nt}|@faces,electrolyte_concentration,electrolyte_potential,interfacial_current_density,phase,solid_potential,state_of_lithiation"],
            ParaView(Path.Combine(temp.Path, "sio-c-l-2d.xmf"), path));
    }
}

/// <summary>A fact skipped when the system Python cannot import ParaView's XDMF reader (Debian package python3-paraview).</summary>
public sealed class ParaViewFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(() => SystemPython.Succeeds("import paraview, h5py; from vtkmodules.vtkIOXdmf2 import vtkXdmfReader"));

    public ParaViewFactAttribute()
    {
        if (!Available.Value)
            Skip = "/usr/bin/python3 cannot import ParaView's vtkXdmfReader and h5py (Debian packages python3-paraview, python3-h5py; tools/setup.sh --tests installs them; issue 8 asks for this check).";
    }
}
