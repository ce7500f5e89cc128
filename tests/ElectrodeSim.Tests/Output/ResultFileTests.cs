using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Output;

/// <summary>The HDF5 result file of MODEL.md §6: round trip, metadata, and what a failed run leaves behind.</summary>
public class ResultFileTests
{
    private static IEnumerable<string> Datasets(Hdf5File file, string group)
    {
        foreach (var name in file.ListChildren(group))
        {
            string path = (group == "/" ? "" : group) + "/" + name;
            if (IsDataset(file, path)) yield return path;
            else foreach (var child in Datasets(file, path)) yield return child;
        }
    }

    private static bool IsDataset(Hdf5File file, string path)
    {
        try { file.GetDims(path); return true; } catch (Hdf5Exception) { return false; }
    }

    [Fact]
    public void Result_file_round_trips_the_time_series_and_fields_with_units_on_every_dataset()
    {
        using var temp = new Repository.TemporaryDirectory();
        var setup = Repository.LoadCase("sio-c-l.yaml");
        string path = Path.Combine(temp.Path, "sio-c-l.h5");
        var result = Simulator.Run(setup, path);
        Assert.Equal(path, result.OutputPath);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial").Concat(Directory.GetFiles(temp.Path, "*.lock")));   // no temporary file, no lock

        using var file = Hdf5File.OpenRead(path);
        Assert.Equal("complete", file.ReadStringAttribute("/", "status"));
        Assert.Equal(File.ReadAllText(Repository.Case("sio-c-l.yaml")), file.ReadStringAttribute("/", "case_text"));
        Assert.Contains("10.1007/s40820-023-01267-3", file.ReadStringAttribute("/", "provenance"));
        Assert.Contains("calibrated", file.ReadStringAttribute("/", "parameter_notes"));
        Assert.False(string.IsNullOrEmpty(file.ReadStringAttribute("/", "program_version")));

        var solution = result.Solution;
        int nt = solution.Time.Count;
        var time = file.ReadArray("/time", out var timeDims);
        Assert.Equal(new long[] { nt }, timeDims);
        Assert.Equal(solution.Time, time);
        Assert.Equal(solution.Voltage, file.ReadArray("/voltage", out _));
        var capacity = file.ReadArray("/specific_capacity", out _);
        Assert.Equal(result.Summary.Capacity, capacity[^1], 9);
        Assert.Equal(result.Summary.Capacity, file.ReadDoubleAttribute("/", "summary_capacity_mAh_g"), 12);

        var model = result.Model;
        var sol = file.ReadArray("/fields/state_of_lithiation", out var solDims);
        Assert.Equal(new long[] { nt, setup.Mesh.ElectrodeCells, setup.Mesh.ParticleShells }, solDims);
        var y = solution.FinalState;
        int first = model.Mesh.ElectrodeLayers.Single().FirstCell;
        int offset = (nt - 1) * setup.Mesh.ElectrodeCells * setup.Mesh.ParticleShells;
        for (int i = 0; i < setup.Mesh.ElectrodeCells; i++)
            for (int k = 0; k < setup.Mesh.ParticleShells; k++)
                Assert.Equal(y[model.Layout.SolidConcentration(first + i, k)] / setup.Cell.WorkingElectrode.MaxConcentration,
                             sol[offset + i * setup.Mesh.ParticleShells + k], 14);
        Assert.Equal(new long[] { nt, model.Mesh.CellCount }, file.GetDims("/fields/electrolyte_concentration"));
        Assert.Equal(new long[] { setup.Mesh.ElectrodeCells }, file.GetDims("/mesh/x_electrode"));

        var datasets = Datasets(file, "/").ToList();
        Assert.Contains("/fields/interfacial_current_density", datasets);
        Assert.Contains("/mesh/r", datasets);
        foreach (var dataset in datasets)
        {
            Assert.True(file.HasAttribute(dataset, "units"), $"{dataset} has no units");
            Assert.True(file.HasAttribute(dataset, "description"), $"{dataset} has no description");
        }
        Assert.True(file.ReadLongAttribute("/solver", "steps") > 10);
    }

    [Fact]
    public void Result_file_reads_back_in_h5py_with_chunked_extendable_fields()
    {
        // tools/setup.sh (called by tools/test.sh) installs python3-h5py for the system Python.
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "l.h5");
        var result = Simulator.Run(Repository.LoadCase("sio-c-l.yaml"), path);
        string script =
            "import h5py,sys\n" +
            "f=h5py.File(sys.argv[1],'r')\n" +
            "d=f['/fields/state_of_lithiation']\n" +
            "print(f.attrs['status'], d.shape[0], d.shape[1], d.shape[2], d.chunks is not None, d.maxshape[0] is None, d.attrs['units'], d.compression)\n" +
            "print(repr(float(f['/specific_capacity'][-1])))\n" +
            "o=f['/protocol/outcome']\n" +
            "print(f['/protocol_step'].dtype, o.dtype['index'], o.dtype['capacity_mAh_g'], ','.join(o.dtype.names))\n" +
            "print(' '.join(s.name for i in range(d.ndim) for s in d.dims[i].values()), f['/fields/electrolyte_potential'].dims[1][0].name, f['/voltage'].dims[0][0].name)\n";
        var lines = SystemPython.Run(script, "h5py could not read the file (run tools/setup.sh)", path).Lines;
        // Fields are chunked but not deflated (ResultWriter.Series: deflate cost 46 % of a run and saved 19 %).
        Assert.Equal($"complete {result.Solution.Time.Count} 16 10 True True 1 None", lines[0]);
        Assert.Equal(result.Summary.Capacity, double.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture), 9);
        Assert.Equal("int32 int32 float64 index,label,mode,start_s,end_s,duration_s,charge_C_m2,capacity_mAh_g,end,reason", lines[2]);
        Assert.Equal("/time /mesh/x_electrode /mesh/r /mesh/x /time", lines[3]);
    }

    [Fact]
    public void Every_time_series_and_field_has_time_as_the_scale_of_dimension_0_and_the_mesh_coordinates_after_it()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "l.h5");
        Simulator.Run(Repository.LoadCase("sio-c-l.yaml"), path);
        using var file = Hdf5File.OpenRead(path);
        foreach (var scale in new[] { "/time", "/mesh/x", "/mesh/x_electrode", "/mesh/r" })
            Assert.True(file.IsDimensionScale(scale), $"{scale} is not a dimension scale");
        var expected = new Dictionary<string, string[]>
        {
            ["/fields/state_of_lithiation"] = ["/mesh/x_electrode", "/mesh/r"],
            ["/fields/solid_concentration"] = ["/mesh/x_electrode", "/mesh/r"],
            ["/fields/electrolyte_concentration"] = ["/mesh/x"],
            ["/fields/electrolyte_potential"] = ["/mesh/x"],
        };
        var timeSeries = Datasets(file, "/").Where(d => d != "/time" && !d.StartsWith("/mesh/") && !d.StartsWith("/protocol/")).ToList();
        Assert.Contains("/protocol_step", timeSeries);
        Assert.Contains("/fields/overpotential", timeSeries);
        foreach (var dataset in timeSeries)
        {
            Assert.True(file.IsDimensionScaleAttached(dataset, 0, "/time"), $"{dataset}: /time is not the scale of dimension 0");
            Assert.Equal("time", file.DimensionLabel(dataset, 0));
            var axes = expected.GetValueOrDefault(dataset) ?? (file.GetDims(dataset).Length == 2 ? ["/mesh/x_electrode"] : []);
            Assert.Equal(axes.Length + 1, file.GetDims(dataset).Length);
            for (int d = 0; d < axes.Length; d++)
            {
                Assert.True(file.IsDimensionScaleAttached(dataset, d + 1, axes[d]), $"{dataset}: {axes[d]} is not the scale of dimension {d + 1}");
                Assert.Equal(1, file.DimensionScaleCount(dataset, d + 1));
            }
        }
    }

    [Fact]
    public void Overpotential_equilibrium_potential_and_solid_concentration_agree_with_the_kinetics_and_the_state()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "l.h5");
        var setup = Repository.LoadCase("sio-c-l.yaml");
        var result = Simulator.Run(setup, path);
        var model = result.Model;
        var electrode = setup.Cell.WorkingElectrode;
        using var file = Hdf5File.OpenRead(path);
        Assert.Equal("V", file.ReadStringAttribute("/fields/overpotential", "units"));
        Assert.Equal("V", file.ReadStringAttribute("/fields/equilibrium_potential", "units"));
        Assert.Equal("mol/m^3", file.ReadStringAttribute("/fields/solid_concentration", "units"));

        var sol = file.ReadArray("/fields/state_of_lithiation", out _);
        var cs = file.ReadArray("/fields/solid_concentration", out var csDims);
        Assert.Equal(file.GetDims("/fields/state_of_lithiation"), csDims);
        for (int k = 0; k < cs.Length; k++) Assert.Equal(sol[k] * electrode.MaxConcentration, cs[k], 1e-9 * electrode.MaxConcentration);

        // Per record and electrode cell: U is the curve at the surface state, and η is what carries j through
        // Butler–Volmer (the inverse the model uses for its start guesses, less the film drop).
        long[] dims = file.GetDims("/fields/overpotential");
        int nt = (int)dims[0], n = (int)dims[1];
        var eta = file.ReadArray("/fields/overpotential", out _);
        var u = file.ReadArray("/fields/equilibrium_potential", out _);
        var surface = file.ReadArray("/fields/surface_state_of_lithiation", out _);
        var j = file.ReadArray("/fields/interfacial_current_density", out _);
        var ce = file.ReadArray("/fields/electrolyte_concentration", out var ceDims);
        int first = model.Mesh.ElectrodeLayers.Single().FirstCell;
        double largest = 0;
        for (int t = 0; t < nt; t++)
            for (int i = 0; i < n; i++)
            {
                int a = t * n + i;
                Assert.Equal(electrode.OpenCircuitPotential.Evaluate(surface[a], out _), u[a], 1e-12);
                double expected = model.Overpotential(0, j[a], surface[a], ce[t * ceDims[1] + first + i]) - electrode.FilmResistance * j[a];
                Assert.Equal(expected, eta[a], 1e-6);
                largest = Math.Max(largest, Math.Abs(eta[a]));
            }
        Assert.True(largest > 1e-4, $"the largest overpotential is {largest} V: the check above would pass on zeros");
    }

    [Fact]
    public void Json_attributes_keep_their_characters_unescaped()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "l.h5");
        Simulator.Run(Repository.LoadCase("sio-c-l.yaml"), path);
        using var file = Hdf5File.OpenRead(path);
        string notes = file.ReadStringAttribute("/", "parameter_notes");
        Assert.Contains("16.7 um -> 1.8 mg/cm2", notes);     // from the case's provenance.notes, verbatim
        Assert.DoesNotContain("\\u00", notes);
        Assert.DoesNotContain("\\u00", file.ReadStringAttribute("/", "provenance"));
        Assert.Contains("->", System.Text.Json.JsonDocument.Parse(notes).RootElement.GetProperty("electrode.active_volume_fraction").GetString());
    }

    [Fact]
    public void A_run_that_fails_leaves_a_file_marked_failed_with_the_reason_and_no_complete_file()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "sio-c-l.h5");
        File.WriteAllText(path, "an older result that must not survive as if it were this run's");
        var setup = Repository.LoadCase("sio-c-l.yaml");
        using var cancel = new CancellationTokenSource();
        var stopper = new DelegateObserverCancelling(cancel, afterRecords: 5);
        var model = new Model.P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var writer = new ElectrodeSim.Output.ResultWriter(path, model, new ElectrodeSim.Output.RunMetadata(setup.Name, setup.CaseText, setup.ProvenanceJson, "{}"));
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            try { new ProtocolRunner(model, setup.Solver).Run(setup.Protocol, [writer, stopper], cancel.Token); }
            catch (Exception e) { writer.Fail(e.Message); throw; }
        });
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial").Concat(Directory.GetFiles(temp.Path, "*.lock")));   // no temporary file, no lock
        string failed = Path.Combine(temp.Path, "sio-c-l.failed.h5");
        using var file = Hdf5File.OpenRead(failed);
        Assert.Equal("failed", file.ReadStringAttribute("/", "status"));
        Assert.Contains("cancel", file.ReadStringAttribute("/", "failure_reason"), StringComparison.OrdinalIgnoreCase);
        Assert.True(file.GetDims("/time")[0] >= 5);
    }

    private sealed class DelegateObserverCancelling(CancellationTokenSource source, int afterRecords) : ISolutionObserver
    {
        private int _count;
        public void Record(double time, ReadOnlySpan<double> state, int protocolStep)
        {
            if (++_count == afterRecords) source.Cancel();
        }
    }
}
