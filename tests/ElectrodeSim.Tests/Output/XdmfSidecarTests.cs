using ElectrodeSim.Output;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Output;

/// <summary>The XDMF sidecar read back by meshio (Debian python3-meshio), the XDMF reader tools/setup.sh installs.</summary>
public class XdmfSidecarTests
{
    /// <summary>
    /// Reads every temporal collection of the sidecar with meshio's TimeSeriesReader and checks the
    /// points against /mesh and every attribute, at every time, against its HDF5 dataset. meshio reads
    /// only the last collection of a file, so each is read from a copy holding it alone; and it has no
    /// HyperSlab DataItem, so that one item kind is evaluated here (start, stride and count per
    /// dimension, as the XDMF model defines it) from the two child items meshio itself reads.
    /// </summary>
    private const string ReadWithMeshio = """
        import sys, copy, numpy as np, h5py
        import xml.etree.ElementTree as ET
        from meshio.xdmf.time_series import TimeSeriesReader

        class Reader(TimeSeriesReader):
            def _read_data_item(self, item):
                if item.get("ItemType") != "HyperSlab":
                    return super()._read_data_item(item)
                spec, source = list(item)
                start, stride, count = super()._read_data_item(spec).astype(int)
                data = super()._read_data_item(source)
                return data[tuple(slice(b, b + s * n, s) for b, s, n in zip(start, stride, count))]

        xmf, h5 = sys.argv[1], h5py.File(sys.argv[2], "r")
        meshes = {"electrode particles (x, r)": ("/fields/", "/mesh/x_electrode", "/mesh/r"),
                  "electrode (x)": ("/fields/", "/mesh/x_electrode", None),
                  "electrolyte (x)": ("/fields/", "/mesh/x", None)}
        tree = ET.parse(xmf)
        collections = list(tree.getroot()[0])
        for n, c in enumerate(collections):
            one = copy.deepcopy(tree)
            domain = one.getroot()[0]
            for other in list(domain)[:n] + list(domain)[n + 1:]:
                domain.remove(other)
            path = f"{xmf}.{n}.xmf"
            one.write(path)
            prefix, x, r = meshes[c.get("Name")]
            with Reader(path) as reader:
                points, cells = reader.read_points_cells()
                xs = h5[x][:]
                if r is None:
                    expected = np.column_stack([xs, np.zeros_like(xs)])
                else:
                    rs = h5[r][:]
                    expected = np.column_stack([np.repeat(xs, len(rs)), np.tile(rs, len(xs))])
                assert np.array_equal(points, expected), c.get("Name") + ": points differ from " + x
                names, checked = None, 0
                for k in range(reader.num_steps):
                    t, point_data, _ = reader.read_data(k)
                    assert t == h5["/time"][k], (c.get("Name"), k, t)
                    for name, values in point_data.items():
                        assert np.array_equal(values.ravel(), h5[prefix + name][k].ravel()), (name, k)
                        checked += values.size
                    names = sorted(point_data)
                print(c.get("Name"), reader.num_steps, cells[0].type, len(cells[0].data), ",".join(names), checked)
        """;

    private static string[] Meshio(string xmf, string h5) =>
        SystemPython.Run(ReadWithMeshio, "meshio could not read the sidecar (tools/setup.sh installs python3-meshio)", xmf, h5).Lines;

    [Fact]
    public void The_sidecar_lists_every_field_the_run_writes_including_the_hysteresis_state()
    {
        // The sidecar's fields come from the datasets the writer created: with OCP hysteresis the state h is one more
        // electrode line field, read by meshio with the values of the HDF5 file.
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "cycle.h5");
        // Records every 2 h of the 40-h cycle keep meshio's read short.
        var setup = ElectrodeSim.Cases.CaseBuilder.Build(ElectrodeSim.Cases.CaseOverrides.Load(Repository.Case(Path.Combine("experiments", "sio-c-l-cycle.yaml")),
            [new ElectrodeSim.Cases.CaseOverride("output.every_s", "7200")]));
        Simulator.Run(setup, path);
        string xmf = Path.Combine(temp.Path, "cycle.xmf");
        Assert.Contains("cycle.h5:/fields/hysteresis_state", File.ReadAllText(xmf));
        long nt;
        using (var h5 = ElectrodeSim.Native.Hdf5.Hdf5File.OpenRead(path)) nt = h5.GetDims("/time")[0];
        int nx = setup.Mesh.ElectrodeCells;
        var line = Assert.Single(Meshio(xmf, path), l => l.StartsWith("electrode (x) ", StringComparison.Ordinal));
        Assert.Equal($"electrode (x) {nt} line {nx - 1} equilibrium_potential,hysteresis_state,interfacial_current_density,mean_state_of_lithiation,overpotential,solid_potential,surface_state_of_lithiation {7 * nt * nx}", line);
    }

    [Fact]
    public void Meshio_reads_every_field_of_the_sidecar_at_every_time_with_the_values_of_the_hdf5_file()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "sio-c-l.h5");
        var setup = Repository.LoadCase("sio-c-l.yaml");
        var result = Simulator.Run(setup, path);
        string xmf = Path.Combine(temp.Path, "sio-c-l.xmf");
        Assert.True(File.Exists(xmf));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial"));
        Assert.Contains("sio-c-l.h5:/fields/state_of_lithiation", File.ReadAllText(xmf));

        int nt = result.Solution.Time.Count, nx = setup.Mesh.ElectrodeCells, nr = setup.Mesh.ParticleShells, cells = result.Model.Mesh.CellCount;
        var lines = Meshio(xmf, path);
        Assert.Equal(
        [
            $"electrode particles (x, r) {nt} quad {(nx - 1) * (nr - 1)} solid_concentration,state_of_lithiation {2 * nt * nx * nr}",
            $"electrode (x) {nt} line {nx - 1} equilibrium_potential,interfacial_current_density,mean_state_of_lithiation,overpotential,solid_potential,surface_state_of_lithiation {6 * nt * nx}",
            $"electrolyte (x) {nt} line {cells - 1} electrolyte_concentration,electrolyte_potential {2 * nt * cells}",
        ], lines);
    }

    [Fact]
    public void A_failed_run_that_kept_its_records_has_a_sidecar_of_its_own_and_no_stale_one_of_a_complete_run()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "sio-c-l.h5");
        var setup = Repository.LoadCase("sio-c-l.yaml");
        string stale = XdmfSidecar.PathFor(path);
        File.WriteAllText(stale, "the sidecar of an older complete result");
        var model = new Model.P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var writer = new ResultWriter(path, model, new RunMetadata(setup.Name, setup.CaseText, setup.ProvenanceJson, "{}"));
        using var cancel = new CancellationTokenSource();
        var stopper = new CancelAfter(cancel, records: 7);
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            try { new Simulation.ProtocolRunner(model, setup.Solver).Run(setup.Protocol, [writer, stopper], cancel.Token); }
            catch (Exception e) { writer.Fail(e.Message); throw; }
        });
        Assert.False(File.Exists(stale));
        string failed = Path.Combine(temp.Path, "sio-c-l.failed.h5");
        string failedXmf = Path.Combine(temp.Path, "sio-c-l.failed.xmf");
        Assert.True(File.Exists(failedXmf));
        Assert.Contains("sio-c-l.failed.h5:/fields/", File.ReadAllText(failedXmf));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial"));
        using (var file = Native.Hdf5.Hdf5File.OpenRead(failed))
        {
            long records = file.GetDims("/time")[0];
            Assert.True(records >= 7);
            Assert.StartsWith($"electrode particles (x, r) {records} quad", Meshio(failedXmf, failed)[0]);
        }
    }

    private sealed class CancelAfter(CancellationTokenSource source, int records) : Simulation.ISolutionObserver
    {
        private int _count;
        public void Record(double time, ReadOnlySpan<double> state, int protocolStep)
        {
            if (++_count == records) source.Cancel();
        }
    }
}
