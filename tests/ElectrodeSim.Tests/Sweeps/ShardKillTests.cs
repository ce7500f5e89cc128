using System.Diagnostics;
using System.Text.Json;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Sweeps;

/// <summary>
/// Two shards of one sweep run at once into a shared folder and are killed with SIGKILL at random moments, three times,
/// then finish and are merged: no case is lost, none runs twice, and the merged summary equals an uninterrupted
/// in-process run. Eight coarse cases whose time step is capped at 0.05 s (a few tenths of a second each) so that kills land while cases run.
/// A kill moment is "after k more results of the shard, plus a random delay", k and the delay drawn from a seeded
/// generator, so kills fall inside a case, between a result's rename and the manifest's update, or in a manifest write.
/// The delay is a random fraction of the shortest time between two results measured so far on this machine, so the
/// kills land before a shard finishes on a fast machine as on a loaded one.
/// </summary>
public class ShardKillTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Cases = 8, Shards = 2;

    private static string WriteSweep(string folder)
    {
        string path = Path.Combine(folder, "kill.yaml");
        File.WriteAllText(path, $"""
            base: {Repository.Case("sio-c-l.yaml")}
            set: {"{"}output.fields: false, mesh.separator_cells: 3, mesh.particle_shells: 4, solver.max_step_s: 0.05{"}"}
            axes:
              protocol[0].current_density_mA_cm2: [2, 3, 4, 5]
              mesh.electrode_cells: [4, 5]
            """);
        return path;
    }

    private static Process StartShard(string sweep, string output, int shard)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "ElectrodeSim.Cli.dll"), "sweep", sweep, "--shard", $"{shard}/{Shards}", "-j", "1", "--out", output })
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int[] Complete(string folder, int shard) =>
        Enumerable.Range(0, Cases).Where(i => i % Shards == shard && File.Exists(Path.Combine(folder, SweepPlan.CaseName(i, Cases) + ".h5"))).ToArray();

    private static string CreatedUtc(string file)
    {
        using var h5 = Hdf5File.OpenRead(file);
        return h5.ReadStringAttribute("/", "created_utc");
    }

    [Fact]
    public void Shards_killed_at_random_moments_and_started_again_run_every_case_once_and_merge_like_an_uninterrupted_run()
    {
        int seed = Environment.GetEnvironmentVariable("ELECTRODESIM_KILL_SEED") is { } s ? int.Parse(s) : 20261202;
        var random = new Random(seed);
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path), shared = Path.Combine(temp.Path, "shared");
        var stamps = new Dictionary<string, string>();
        int killedMidway = 0;
        double perCaseMs = double.NaN;   // the shortest case time measured [ms]; 200 ms is assumed until one is
        var log = new List<string>();

        for (int round = 0; round < 3; round++)
        {
            var processes = new Process[Shards];
            var targets = new int[Shards];
            var killAt = new DateTime?[Shards];
            var delays = new int[Shards];
            var fractions = new double[Shards];
            var seen = new int[Shards];
            var started = new int[Shards];
            var lastResult = new DateTime[Shards];
            for (int k = 0; k < Shards; k++)
            {
                int done = Complete(shared, k).Length, remaining = Cases / Shards - done;
                // At least one new result before the kill, and (from three left) two cases left for it to interrupt; with one
                // case left, a moment during start-up or inside that case.
                targets[k] = remaining >= 2 ? done + 1 + random.Next(0, Math.Max(1, remaining - 2)) : done;
                fractions[k] = remaining >= 2 ? 0.9 * random.NextDouble() : 0.1 + 0.8 * random.NextDouble();
                (seen[k], started[k]) = (done, done);
                processes[k] = StartShard(sweep, shared, k);
                lastResult[k] = DateTime.UtcNow;
            }
            var clock = Stopwatch.StartNew();
            while (processes.Any(p => !p.HasExited) && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                for (int k = 0; k < Shards; k++)
                {
                    if (processes[k].HasExited) continue;
                    int now = Complete(shared, k).Length;
                    if (now > seen[k])
                    {
                        // The shortest time between two results of one start (the first result's wait includes the start-up):
                        // the cases differ (a higher current ends sooner), so a kill within a fraction of the fastest lands
                        // before the next result of any of them.
                        if (seen[k] > started[k])
                        {
                            double interval = (DateTime.UtcNow - lastResult[k]).TotalMilliseconds / (now - seen[k]);
                            perCaseMs = double.IsNaN(perCaseMs) ? interval : Math.Min(perCaseMs, interval);
                        }
                        (seen[k], lastResult[k]) = (now, DateTime.UtcNow);
                    }
                    if (killAt[k] is null && now >= targets[k])
                    {
                        delays[k] = (int)(fractions[k] * (double.IsNaN(perCaseMs) ? 200 : perCaseMs));
                        killAt[k] = DateTime.UtcNow.AddMilliseconds(delays[k]);
                    }
                    if (killAt[k] is { } at && DateTime.UtcNow >= at)
                    {
                        int before = Complete(shared, k).Length;
                        processes[k].Kill();   // SIGKILL
                        processes[k].WaitForExit(10_000);
                        int after = Complete(shared, k).Length;
                        if (after < Cases / Shards) killedMidway++;
                        log.Add($"round {round} shard {k}: killed {delays[k]} ms after {targets[k]} results ({after} complete)");
                    }
                }
                Thread.Sleep(10);
            }
            foreach (var p in processes) { if (!p.HasExited) p.Kill(); p.WaitForExit(10_000); p.Dispose(); }
            foreach (var file in Directory.GetFiles(shared, "case-*.h5").Where(f => !f.EndsWith(".failed.h5", StringComparison.Ordinal)))
            {
                string stamp = CreatedUtc(file);
                if (stamps.TryGetValue(file, out var earlier))
                    Assert.True(earlier == stamp, $"{Path.GetFileName(file)} was run again after round {round} (seed {seed}): {string.Join("; ", log)}");
                stamps[file] = stamp;
            }
        }
        foreach (var line in log) output.WriteLine(line);
        output.WriteLine($"seed {seed}");
        Assert.True(killedMidway > 0, $"no kill landed before a shard had finished (seed {seed}); the test proved nothing: {string.Join("; ", log)}");

        // Started again, both shards finish; every case found complete earlier is read back, not run.
        for (int k = 0; k < Shards; k++)
        {
            var (code, stdout, stderr) = Support.Cli.Run("sweep", sweep, "--shard", $"{k}/{Shards}", "-j", "1", "--out", shared);
            Assert.True(code == 0, stdout + stderr);
        }
        foreach (var (file, stamp) in stamps) Assert.True(stamp == CreatedUtc(file), $"{Path.GetFileName(file)} was run again (seed {seed})");
        for (int k = 0; k < Shards; k++)
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(shared, $"manifest.shard-{k}-of-{Shards}.json")));
            var entries = manifest.RootElement.GetProperty("cases").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(0, Cases).Where(i => i % Shards == k), entries.Select(e => e.GetProperty("index").GetInt32()));
            Assert.All(entries, e => Assert.Equal("complete", e.GetProperty("status").GetString()));
            Assert.All(entries, e => Assert.True(e.GetProperty("runs").GetInt32() == 1, $"{e.GetProperty("name")} ran {e.GetProperty("runs")} times (seed {seed})"));
        }
        var leftovers = Directory.GetFiles(shared).Select(Path.GetFileName).Where(f => f!.EndsWith(".partial") || f.EndsWith(".h5.lock") || f.EndsWith(".tmp")).ToList();
        Assert.True(leftovers.Count == 0, "left behind: " + string.Join(", ", leftovers));

        var (mergeCode, mergeOut, mergeErr) = Support.Cli.Run("sweep-merge", shared);
        Assert.True(mergeCode == 0, mergeOut + mergeErr);
        var reference = new SweepRunner(SweepPlan.Build(SweepDefinition.Load(sweep)), Path.Combine(temp.Path, "straight"), 2).Run(null, CancellationToken.None);
        SweepShardTests.AssertSameCases(SweepShardTests.ReadSummary(shared), reference);
    }
}
