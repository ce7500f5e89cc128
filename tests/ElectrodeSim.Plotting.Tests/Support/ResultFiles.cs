using ElectrodeSim.Cases;
using ElectrodeSim.Model;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Output;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Plotting.Tests.Support;

/// <summary>
/// Result files the plotting tests read, made once per test run in one temporary folder: the three
/// SiO@C variants, a run without fields, two failed runs, a file cut short mid-record and a
/// synthetic full cell (whose model is not there yet, but whose layout the writer already defines).
/// </summary>
internal static class ResultFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    private static readonly string Scratch = CreateScratch();

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "ElectrodeSim.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new DirectoryNotFoundException("ElectrodeSim.sln not found above " + AppContext.BaseDirectory);
    }

    private static string CreateScratch()
    {
        var path = Directory.CreateTempSubdirectory("electrodesim-plot-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(path, recursive: true); } catch (IOException) { } };
        return path;
    }

    /// <summary>A fresh empty folder under the scratch folder.</summary>
    public static string NewFolder(string name)
    {
        var path = Path.Combine(Scratch, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static SimulationSetup LoadCase(string name) => CaseBuilder.Build(CaseFile.Load(Path.Combine(RepositoryRoot, "cases", name)));

    private static readonly Lazy<string> VariantsFolder = new(() =>
    {
        string folder = Path.Combine(Scratch, "variants");
        Directory.CreateDirectory(folder);
        foreach (var v in new[] { "l", "m", "h" })
            Simulator.Run(LoadCase($"sio-c-{v}.yaml"), Path.Combine(folder, $"sio-c-{v}.h5"));
        return folder;
    });

    /// <summary>Folder holding sio-c-l.h5, sio-c-m.h5 and sio-c-h.h5 (complete runs). Do not write into it.</summary>
    public static string Variants => VariantsFolder.Value;

    public static string Variant(string v) => Path.Combine(Variants, $"sio-c-{v}.h5");

    private static readonly Lazy<string> WithoutFieldsFile = new(() =>
    {
        var setup = LoadCase("sio-c-l.yaml");
        setup = setup with { Output = setup.Output with { Fields = false } };
        return Simulator.Run(setup, Path.Combine(Scratch, "no-fields", "sio-c-l.h5")).OutputPath!;
    });

    /// <summary>A complete SiO@C-l run written with <c>output.fields: false</c>.</summary>
    public static string WithoutFields => WithoutFieldsFile.Value;

    private sealed class StopAfter(int records, CancellationTokenSource source) : ISolutionObserver
    {
        private int _count;
        public void Record(double time, ReadOnlySpan<double> state, int protocolStep)
        {
            if (++_count >= records) source.Cancel();
        }
    }

    private static readonly Lazy<string> FailedMidRunFile = new(() =>
    {
        // Simulator.Run's pipeline with an observer that cancels the run after 12 records: the
        // writer leaves CASE.failed.h5 with what it had, as after any failure mid-run.
        var setup = LoadCase("sio-c-l.yaml");
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var runner = new ProtocolRunner(model, setup.Solver);
        string path = Path.Combine(Scratch, "failed", "sio-c-l.h5");
        var writer = new ResultWriter(path, model, new RunMetadata(setup.Name, setup.CaseText, setup.ProvenanceJson, "{}"));
        using var cancel = new CancellationTokenSource();
        try
        {
            runner.Run(setup.Protocol, [writer, new StopAfter(12, cancel)], cancel.Token);
            throw new InvalidOperationException("the run was expected to be cancelled");
        }
        catch (OperationCanceledException e)
        {
            writer.Fail($"{e.GetType().Name}: stopped by the test after 12 records");
        }
        return writer.FailedPath;
    });

    /// <summary>A SiO@C-l run that failed after 12 records (<c>sio-c-l.failed.h5</c>).</summary>
    public static string FailedMidRun => FailedMidRunFile.Value;

    private static readonly Lazy<string> FailedAtStartFile = new(() =>
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        string path = Path.Combine(Scratch, "failed-at-start", "sio-c-h.h5");
        Assert.ThrowsAny<OperationCanceledException>(() => Simulator.Run(LoadCase("sio-c-h.yaml"), path, cancel.Token));
        return Path.Combine(Scratch, "failed-at-start", "sio-c-h.failed.h5");
    });

    /// <summary>A SiO@C-h run cancelled before its first step: one record at most.</summary>
    public static string FailedAtStart => FailedAtStartFile.Value;

    private static readonly Lazy<string> InterruptedFile = new(() =>
    {
        // What a process killed mid-record leaves: /time one record ahead of /voltage, the fields
        // three records behind, no summary and no solver report.
        string path = Path.Combine(Scratch, "interrupted", "cut-short.h5");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var source = Hdf5File.OpenRead(Variant("m"));
        using var file = Hdf5File.Create(path);
        file.SetAttribute("/", "program", "ElectrodeSim");
        file.SetAttribute("/", "case_name", "SiO@C-m cut short");
        file.SetAttribute("/", "status", "running");
        file.SetAttribute("/", "model", source.ReadStringAttribute("/", "model"));
        int nt = (int)source.GetDims("/time")[0];
        foreach (var (name, keep) in new[] { ("time", nt), ("voltage", nt - 1), ("specific_capacity", nt), ("current_density", nt), ("protocol_step", nt) })
            Copy(source, file, "/" + name, keep);
        foreach (var name in new[] { "x", "x_faces", "x_electrode", "r", "r_faces" }) Copy(source, file, "/mesh/" + name, null);
        file.WriteArray("/mesh/region", source.ReadIntArray("/mesh/region", out _));
        foreach (var name in new[] { "state_of_lithiation", "mean_state_of_lithiation", "interfacial_current_density", "electrolyte_concentration" })
            Copy(source, file, "/fields/" + name, nt - 3);
        return path;
    });

    /// <summary>A SiO@C-m result cut short mid-record (status running, ragged series).</summary>
    public static string Interrupted => InterruptedFile.Value;

    private static void Copy(Hdf5File source, Hdf5File target, string path, int? records)
    {
        var data = source.ReadArray(path, out var dims);
        if (records is int n)
        {
            int slice = (int)dims.Skip(1).Aggregate(1L, (p, d) => p * d);
            data = data[..(n * slice)];
            dims = [n, .. dims.Skip(1)];
        }
        target.WriteArray(path, data, dims);
        target.SetAttribute(path, "units", source.ReadStringAttribute(path, "units"));
        target.SetAttribute(path, "description", source.ReadStringAttribute(path, "description"));
    }

    private static readonly Lazy<string> FullCellFile = new(() =>
    {
        // The full-cell layout of ResultWriter: electrode meshes and fields under negative/ and
        // positive/. Negative 0–30 µm (6 cells), separator 30–45 µm (3), positive 45–80 µm (5);
        // fields made up but smooth, SOL rising towards the separator in both electrodes.
        string path = Path.Combine(Scratch, "full-cell", "full-cell.h5");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = Hdf5File.Create(path);
        file.SetAttribute("/", "program", "ElectrodeSim");
        file.SetAttribute("/", "case_name", "made-up full cell");
        file.SetAttribute("/", "status", "complete");
        file.SetAttribute("/", "model", "P2D full cell (negative | separator | positive)");
        file.SetAttribute("/", "summary_capacity_mAh_g", double.NaN);
        file.SetAttribute("/", "summary_capacity_Ah_m2", 2.0);
        const int nt = 6, nr = 4;
        var faces = new List<double>();
        for (int i = 0; i <= 6; i++) faces.Add(i * 5e-6);
        for (int i = 1; i <= 3; i++) faces.Add(30e-6 + i * 5e-6);
        for (int i = 1; i <= 5; i++) faces.Add(45e-6 + i * 7e-6);
        var xFaces = faces.ToArray();
        var x = Enumerable.Range(0, xFaces.Length - 1).Select(i => 0.5 * (xFaces[i] + xFaces[i + 1])).ToArray();
        var region = Enumerable.Range(0, x.Length).Select(i => i < 6 ? 1 : i < 9 ? 0 : 2).ToArray();
        var time = Enumerable.Range(0, nt).Select(k => 60.0 * k).ToArray();
        Write(file, "/time", time, "s");
        Write(file, "/voltage", time.Select(t => 4.1 - 2e-3 * t).ToArray(), "V");
        Write(file, "/current_density", time.Select(_ => 20.0).ToArray(), "A/m^2");
        // A full cell has no single active mass: specific capacity NaN, the charge per area instead.
        Write(file, "/specific_capacity", time.Select(_ => double.NaN).ToArray(), "mAh/g");
        Write(file, "/charge", time.Select(t => 20.0 * t).ToArray(), "C/m^2");
        Write(file, "/protocol_step", time.Select(_ => 0.0).ToArray(), "1");
        Write(file, "/mesh/x", x, "m");
        Write(file, "/mesh/x_faces", xFaces, "m");
        file.WriteArray("/mesh/region", region);
        Write(file, "/fields/electrolyte_concentration", Enumerable.Range(0, nt * x.Length).Select(n => 1000 + 2 * (n / x.Length) * (x[n % x.Length] * 1e6 - 40)).ToArray(), "mol/m^3", nt, x.Length);
        foreach (var (name, cells, separatorAtEnd) in new[] { ("negative", Enumerable.Range(0, 6).ToArray(), true), ("positive", Enumerable.Range(9, 5).ToArray(), false) })
        {
            int n = cells.Length;
            var r = Enumerable.Range(0, nr).Select(k => (k + 0.5) * 1e-6 / nr * 5).ToArray();
            var rFaces = Enumerable.Range(0, nr + 1).Select(k => k * 1e-6 / nr * 5).ToArray();
            Write(file, $"/mesh/{name}/x_electrode", cells.Select(i => x[i]).ToArray(), "m");
            Write(file, $"/mesh/{name}/r", r, "m");
            Write(file, $"/mesh/{name}/r_faces", rFaces, "m");
            double Closeness(int i) => separatorAtEnd ? (double)i / (n - 1) : 1 - (double)i / (n - 1);
            var sol = new double[nt * n * nr];
            for (int t = 0; t < nt; t++)
                for (int i = 0; i < n; i++)
                    for (int k = 0; k < nr; k++)
                        sol[(t * n + i) * nr + k] = 0.1 + 0.1 * t * (0.5 + 0.5 * Closeness(i)) * (0.6 + 0.4 * k / (nr - 1.0));
            Write(file, $"/fields/{name}/state_of_lithiation", sol, "1", nt, n, nr);
            var mean = Enumerable.Range(0, nt * n).Select(m => sol[m * nr + nr - 1] * 0.9).ToArray();
            Write(file, $"/fields/{name}/mean_state_of_lithiation", mean, "1", nt, n);
            Write(file, $"/fields/{name}/interfacial_current_density", Enumerable.Range(0, nt * n).Select(m => (name == "negative" ? 1 : -1) * (2 + Closeness(m % n))).ToArray(), "A/m^2", nt, n);
        }
        return path;
    });

    /// <summary>A made-up full-cell result in the writer's full-cell layout.</summary>
    public static string FullCell => FullCellFile.Value;

    private static void Write(Hdf5File file, string path, double[] data, string units, params long[] dims)
    {
        file.WriteArray(path, data, dims);
        file.SetAttribute(path, "units", units);
        file.SetAttribute(path, "description", "test data");
    }
}
