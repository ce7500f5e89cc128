using System.Globalization;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Plotting.Tests.Support;

namespace ElectrodeSim.Plotting.Tests;

/// <summary>
/// <c>sweep</c> and <c>run --set</c> as real processes: a sweep killed with SIGKILL twice and started again, compared
/// with an uninterrupted run of the same sweep. Eight coarse SiO@C-l cases whose time step is capped (about a second
/// each), so that a kill lands while cases are still to run.
/// </summary>
public class SweepProcessTests
{
    private const int Cases = 8;

    private static string WriteSweep(string folder)
    {
        string path = Path.Combine(folder, "kill.yaml");
        File.WriteAllText(path, $"""
            base: {Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml")}
            set: {"{"}output.fields: false, mesh.separator_cells: 3, mesh.particle_shells: 4, solver.max_step_s: 0.25{"}"}
            axes:
              protocol[0].current_density_mA_cm2: [2, 3, 4, 5]
              mesh.electrode_cells: [4, 5]
            """);
        return path;
    }

    private static string[] CompleteResults(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "case-*.h5").Where(f => !f.EndsWith(".failed.h5")).Order().ToArray() : [];

    private static string CreatedUtc(string file)
    {
        using var h5 = Hdf5File.OpenRead(file);
        return h5.ReadStringAttribute("/", "created_utc");
    }

    [Fact]
    public void A_sweep_killed_twice_and_started_again_runs_every_case_once_and_summarises_like_an_uninterrupted_run()
    {
        string folder = ResultFiles.NewFolder("sweep-kill");
        string sweep = WriteSweep(folder);
        string killed = Path.Combine(folder, "killed"), straight = Path.Combine(folder, "straight");

        var created = new Dictionary<string, string>();
        foreach (int completeBeforeKill in new[] { 2, 5 })
        {
            using var run = CliProcess.Start(folder, "sweep", sweep, "--parallel", "2", "--out", killed);
            CliProcess.WaitUntil(() => run.HasExited || CompleteResults(killed).Length >= completeBeforeKill, $"{completeBeforeKill} complete cases", 60);
            Assert.False(run.HasExited, $"the sweep ended before it could be killed: {run.Stdout}{run.Stderr}");
            run.Signal(CliProcess.SIGKILL);
            run.WaitForExit(TimeSpan.FromSeconds(10));
            var done = CompleteResults(killed);
            Assert.True(done.Length < Cases, "every case had finished before the kill; the test would prove nothing");
            foreach (var file in done)
            {
                string stamp = CreatedUtc(file);
                if (created.TryGetValue(file, out var before)) Assert.Equal(before, stamp);   // not run again by the second attempt
                created[file] = stamp;
            }
        }

        var (code, stdout, stderr) = CliProcess.Run(folder, "sweep", sweep, "--parallel", "2", "--out", killed);
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(created.Count, stdout.Split('\n').Count(l => l.Contains("(earlier run)")));
        foreach (var (file, stamp) in created) Assert.Equal(stamp, CreatedUtc(file));
        var leftovers = Directory.GetFiles(killed).Where(f => f.EndsWith(".partial") || f.EndsWith(".h5.lock") || f.EndsWith(".tmp")).Select(Path.GetFileName).ToList();
        Assert.True(leftovers.Count == 0, "left behind: " + string.Join(", ", leftovers));

        using (var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(killed, "manifest.json"))))
        {
            var entries = manifest.RootElement.GetProperty("cases").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(0, Cases), entries.Select(e => e.GetProperty("index").GetInt32()));
            Assert.All(entries, e => Assert.Equal("complete", e.GetProperty("status").GetString()));
            Assert.All(entries, e => Assert.Equal(1, e.GetProperty("runs").GetInt32()));
        }

        var (straightCode, straightOut, straightErr) = CliProcess.Run(folder, "sweep", sweep, "--parallel", "2", "--out", straight);
        Assert.True(straightCode == 0, straightOut + straightErr);
        var resumed = ReadSummary(killed);
        var reference = ReadSummary(straight);
        Assert.Equal(Enumerable.Range(0, Cases).Select(i => (double)i), resumed.Numbers("index"));
        foreach (var column in new[] { "protocol[0].current_density_mA_cm2", "mesh.electrode_cells", "capacity_mAh_g", "average_voltage_V", "energy_mWh_g",
                                       "final_mean_sol", "final_sol_spread", "j_separator_side_A_m2", "j_collector_side_A_m2", "solver_steps" })
        {
            var a = resumed.Numbers(column);
            var b = reference.Numbers(column);
            Assert.Equal(Cases, a.Length);
            for (int i = 0; i < Cases; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-12 * Math.Max(1, Math.Abs(b[i])), $"{column} of case {i}: {a[i]} resumed, {b[i]} uninterrupted");
        }
        Assert.All(resumed.Strings("status"), s => Assert.Equal("complete", s));
        Assert.Equal(Cases + 1, File.ReadAllLines(Path.Combine(killed, "summary.csv")).Length);
    }

    private static Hdf5Table ReadSummary(string folder)
    {
        using var file = Hdf5File.OpenRead(Path.Combine(folder, "summary.h5"));
        return file.ReadTable("/summary");
    }

    [Fact]
    public void Run_with_a_bad_set_path_exits_2_and_names_the_key_like_a_file_error()
    {
        string folder = ResultFiles.NewFolder("run-set");
        var (code, _, stderr) = CliProcess.Run(folder, "run", Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml"), "--no-output",
                                               "--set", "mesh.electrode_cels=6", "--set", "electrode.porosity=1.5");
        Assert.Equal(2, code);
        Assert.Contains("mesh.electrode_cels: 'electrode_cels' is not a key of mesh (did you mean electrode_cells?)", stderr);
        Assert.Contains("electrode.porosity: 1.5 is not in (0, 1)", stderr);
    }

    [Fact]
    public void Run_of_a_folder_runs_every_case_file_in_it_with_the_overrides()
    {
        string folder = ResultFiles.NewFolder("run-dir");
        string cases = Path.Combine(folder, "cases");
        Directory.CreateDirectory(cases);
        foreach (var name in new[] { "sio-c-l.yaml", "sio-c-h.yaml" }) File.Copy(Path.Combine(ResultFiles.RepositoryRoot, "cases", name), Path.Combine(cases, name));
        var (code, stdout, stderr) = CliProcess.Run(folder, "run", cases, "--out", Path.Combine(folder, "out"),
                                                    "--set", "mesh.electrode_cells=4", "--set", "output.fields=false");
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(["sio-c-h.h5", "sio-c-l.h5"], Directory.GetFiles(Path.Combine(folder, "out"), "*.h5").Select(Path.GetFileName).Order());
        using var file = Hdf5File.OpenRead(Path.Combine(folder, "out", "sio-c-l.h5"));
        Assert.Contains("electrode_cells: 4", file.ReadStringAttribute("/", "case_text"));
        Assert.Equal(4, file.GetDims("/mesh/x_electrode")[0]);
    }
}
