using System.Text.Json;
using ElectrodeSim.Cases;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Sweeps;

/// <summary>
/// Shards of a sweep (<c>--shard K/N</c>) and their merge. Six coarse SiO@C-l cases of a few milliseconds each;
/// shards run in process through <see cref="SweepRunner"/>, the merge as the library call and as the command.
/// </summary>
public class SweepShardTests
{
    internal const string Columns = "capacity_mAh_g,capacity_Ah_m2,average_voltage_V,energy_mWh_g,final_mean_sol,final_sol_spread,final_sol_min,final_sol_max,j_separator_side_A_m2,j_collector_side_A_m2,solver_steps";

    /// <summary>A 3 x 2 sweep file in <paramref name="folder"/>; <paramref name="cells"/> changes the second axis (another version of the sweep).</summary>
    internal static string WriteSweep(string folder, string name = "shards", string cells = "[4, 5]")
    {
        string path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, $"""
            name: shards
            base: {Repository.Case("sio-c-l.yaml")}
            set: {"{"}output.fields: false, mesh.separator_cells: 3, mesh.particle_shells: 4{"}"}
            axes:
              protocol[0].current_density_mA_cm2: [2, 3, 4]
              mesh.electrode_cells: {cells}
            """);
        return path;
    }

    private static SweepPlan Plan(string sweep) => SweepPlan.Build(SweepDefinition.Load(sweep));

    private static IReadOnlyList<SweepRow> RunShard(string sweep, string output, SweepShard? shard) =>
        new SweepRunner(Plan(sweep), output, 1, shard).Run(null, CancellationToken.None);

    internal static Hdf5Table ReadSummary(string folder)
    {
        using var file = Hdf5File.OpenRead(Path.Combine(folder, "summary.h5"));
        return file.ReadTable("/summary");
    }

    /// <summary>The merged table has every case once, in order, with the numbers of the whole run (all but wall time).</summary>
    internal static void AssertSameCases(Hdf5Table merged, IReadOnlyList<SweepRow> whole)
    {
        Assert.Equal(Enumerable.Range(0, whole.Count).Select(i => (double)i), merged.Numbers("index"));
        Assert.All(merged.Strings("status"), s => Assert.Equal(SweepRow.Complete, s));
        foreach (var column in Columns.Split(','))
        {
            int at = CaseMetrics.Headers.ToList().IndexOf(column);
            var numbers = merged.Numbers(column);
            for (int i = 0; i < whole.Count; i++)
            {
                double expected = whole[i].Metrics.Values[at];
                Assert.True(Math.Abs(numbers[i] - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{column} of case {i}: {numbers[i]} merged, {expected} in one process");
            }
        }
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    public void A_shard_is_read_as_K_of_N(string text, int k, int n) => Assert.Equal(new SweepShard(k, n), SweepShard.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void A_shard_outside_0_to_N_minus_1_is_an_error_naming_the_option_and_the_value(string text)
    {
        var e = Assert.Throws<CaseValidationException>(() => SweepShard.Parse(text));
        Assert.Equal($"--shard: {text} is not K/N with whole numbers 0 <= K < N <= 100000, e.g. 0/4 (Slurm: $SLURM_ARRAY_TASK_ID/N)", e.Errors[0].ToString());
    }

    [Fact]
    public void Shards_partition_the_cases_by_index_mod_N_so_each_case_is_in_exactly_one()
    {
        for (int n = 1; n <= 7; n++)
            for (int i = 0; i < 50; i++)
                Assert.Equal(1, Enumerable.Range(0, n).Count(k => new SweepShard(k, n).Contains(i)));
        Assert.Equal([1, 4, 7], Enumerable.Range(0, 9).Where(new SweepShard(1, 3).Contains));
    }

    [Fact]
    public void Two_shards_in_one_folder_merge_into_a_summary_listing_every_case_once_with_the_numbers_of_one_process()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path), shared = Path.Combine(temp.Path, "shared"), whole = Path.Combine(temp.Path, "whole");
        var reference = RunShard(sweep, whole, null);
        Assert.Equal(6, reference.Count);

        var first = RunShard(sweep, shared, new SweepShard(0, 2));
        var second = RunShard(sweep, shared, new SweepShard(1, 2));
        Assert.Equal([0, 2, 4], first.Select(r => r.Index));
        Assert.Equal([1, 3, 5], second.Select(r => r.Index));
        Assert.True(File.Exists(Path.Combine(shared, "manifest.shard-0-of-2.json")));
        Assert.True(File.Exists(Path.Combine(shared, "manifest.shard-1-of-2.json")));
        Assert.False(File.Exists(Path.Combine(shared, "manifest.json")));

        var (code, stdout, stderr) = Support.Cli.Run("sweep-merge", shared);
        Assert.True(code == 0, stdout + stderr);
        AssertSameCases(ReadSummary(shared), reference);
        Assert.Equal(7, File.ReadAllLines(Path.Combine(shared, "summary.csv")).Length);
    }

    [Fact]
    public void Shards_in_separate_folders_merge_with_result_files_named_relative_to_the_summary()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path), a = Path.Combine(temp.Path, "a"), b = Path.Combine(temp.Path, "b"), merged = Path.Combine(temp.Path, "merged");
        var reference = RunShard(sweep, Path.Combine(temp.Path, "whole"), null);
        for (int k = 0; k < 3; k++) RunShard(sweep, k == 1 ? b : a, new SweepShard(k, 3));

        var result = SweepMerge.Merge([a, b], merged);
        Assert.Equal(6, result.Rows.Count);
        Assert.Equal(Path.Combine("..", "b", "case-0001.h5"), result.Rows[1].ResultFile);
        Assert.Equal(Path.Combine("..", "a", "case-0002.h5"), result.Rows[2].ResultFile);
        var (code, stdout, stderr) = Support.Cli.Run("sweep-merge", a, b, "--out", merged);
        Assert.True(code == 0, stdout + stderr);
        AssertSameCases(ReadSummary(merged), reference);
    }

    [Fact]
    public void A_merge_with_a_shard_missing_exits_2_naming_every_missing_case_and_writes_nothing()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path), shared = Path.Combine(temp.Path, "shared");
        RunShard(sweep, shared, new SweepShard(1, 3));
        var (code, _, stderr) = Support.Cli.Run("sweep-merge", shared);
        Assert.Equal(2, code);
        Assert.Contains("4 of 6 cases are in no manifest: case-0000 (index 0), case-0002 (index 2), case-0003 (index 3), case-0005 (index 5)", stderr);
        Assert.False(File.Exists(Path.Combine(shared, "summary.csv")));
    }

    [Fact]
    public void A_case_listed_by_two_shards_with_different_fingerprints_is_an_error_naming_it()
    {
        using var temp = new Repository.TemporaryDirectory();
        string shared = Path.Combine(temp.Path, "shared");
        RunShard(WriteSweep(temp.Path), shared, new SweepShard(1, 2));                           // cases 1, 3, 5 with 5 cells
        RunShard(WriteSweep(temp.Path, "changed", "[4, 6]"), shared, new SweepShard(0, 3));       // cases 0, 3; case 3 now has 6 cells
        var e = Assert.Throws<SweepMergeException>(() => SweepMerge.Merge([shared], shared));
        var conflicts = e.Problems.Where(p => p.Contains("different fingerprints")).ToList();
        Assert.Single(conflicts);
        Assert.StartsWith("case-0003 (index 3) has different fingerprints: ", conflicts[0]);
        Assert.Contains("manifest.shard-0-of-3.json", conflicts[0]);
        Assert.Contains("manifest.shard-1-of-2.json", conflicts[0]);
        Assert.Contains(e.Problems, p => p.Contains("sweep fingerprint"));
    }

    [Fact]
    public void A_case_listed_twice_with_one_fingerprint_is_listed_once()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path), shared = Path.Combine(temp.Path, "shared");
        var reference = RunShard(sweep, shared, null);                 // the whole sweep (manifest.json) ...
        RunShard(sweep, shared, new SweepShard(0, 2));                 // ... and a shard of it, found complete
        var merged = SweepMerge.Merge([shared], shared);
        Assert.Equal(2, merged.Manifests.Count);
        Assert.Equal(Enumerable.Range(0, 6), merged.Rows.Select(r => r.Index));
        for (int i = 0; i < 6; i++) Assert.Equal(reference[i].Metrics with { WallTime = 0 }, merged.Rows[i].Metrics with { WallTime = 0 });
    }

    [Fact]
    public void A_repeated_shard_runs_no_case_again()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path), shared = Path.Combine(temp.Path, "shared");
        RunShard(sweep, shared, new SweepShard(1, 2));
        RunShard(sweep, shared, new SweepShard(1, 2));   // a requeued array task
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(shared, "manifest.shard-1-of-2.json")));
        Assert.Equal("1/2", manifest.RootElement.GetProperty("shard").GetString());
        var entries = manifest.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal([1, 3, 5], entries.Select(e => e.GetProperty("index").GetInt32()));
        Assert.All(entries, e => Assert.Equal(1, e.GetProperty("runs").GetInt32()));
    }

    [Fact]
    public void A_result_completed_after_its_shard_manifest_was_last_written_counts_as_complete_in_the_merge()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path), shared = Path.Combine(temp.Path, "shared");
        RunShard(sweep, shared, new SweepShard(0, 2));
        RunShard(sweep, shared, new SweepShard(1, 2));
        // A shard killed between a result's rename and its manifest's update: the manifest still says "not run".
        string path = Path.Combine(shared, "manifest.shard-1-of-2.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"status\": \"complete\"", "\"status\": \"not run\""));
        var merged = SweepMerge.Merge([shared], shared);
        Assert.All(merged.Rows, r => Assert.Equal(SweepRow.Complete, r.Status));

        // A result file that holds another case is not taken for it.
        File.Copy(Path.Combine(shared, "case-0000.h5"), Path.Combine(shared, "case-0003.h5"), overwrite: true);
        var rows = SweepMerge.Merge([shared], shared).Rows;
        Assert.Equal(SweepRow.NotRun, rows[3].Status);
        Assert.Equal(SweepRow.Complete, rows[1].Status);
    }

    [Fact]
    public void Sweep_with_a_bad_shard_or_a_slurm_option_without_emit_slurm_exits_2_naming_the_option()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path);
        var (code, _, stderr) = Support.Cli.Run("sweep", sweep, "--shard", "2/2", "--out", Path.Combine(temp.Path, "out"));
        Assert.Equal(2, code);
        Assert.Contains("--shard: 2/2 is not K/N", stderr);
        (code, _, stderr) = Support.Cli.Run("sweep", sweep, "--array-limit", "2", "--out", Path.Combine(temp.Path, "out"));
        Assert.Equal(2, code);
        Assert.Contains("--array-limit is an option of --emit-slurm", stderr);
        (code, _, stderr) = Support.Cli.Run("sweep", sweep, "--emit-slurm", "--shards", "7", "--time", "1h", "--out", Path.Combine(temp.Path, "out"));
        Assert.Equal(2, code);
        Assert.Contains("--shards: 7 is not from 1 to the sweep's 6 cases", stderr);
        Assert.Contains("--time: 1h is not a Slurm time limit", stderr);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }

    [Fact]
    public void Emit_slurm_writes_a_job_array_of_one_task_per_shard_and_a_merge_that_waits_for_it()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path), output = Path.Combine(temp.Path, "out");
        var (code, stdout, stderr) = Support.Cli.Run("sweep", sweep, "--emit-slurm", "--shards", "3", "--array-limit", "2", "-j", "1", "--partition", "debug", "--time", "10:00", "--out", output);
        Assert.True(code == 0, stdout + stderr);
        string folder = Path.Combine(output, "slurm");
        string shards = File.ReadAllText(Path.Combine(folder, "shards.sbatch"));
        Assert.Contains("#SBATCH --array=0-2%2\n", shards);
        Assert.Contains("#SBATCH --cpus-per-task=1\n", shards);
        Assert.Contains("#SBATCH --partition=debug\n", shards);
        Assert.Contains("#SBATCH --time=10:00\n", shards);
        Assert.Contains($"sweep '{sweep}' --shard \"${{SLURM_ARRAY_TASK_ID:?", shards);
        Assert.Contains($"/3\" --out '{output}'", shards);
        Assert.Contains($"sweep-merge '{output}'", File.ReadAllText(Path.Combine(folder, "merge.sbatch")));
        Assert.Contains("--dependency=\"afterany:$shards\"", File.ReadAllText(Path.Combine(folder, "submit.sh")));
        Assert.False(File.Exists(Path.Combine(output, "case-0000.h5")), "--emit-slurm runs nothing");
        Assert.True(File.GetUnixFileMode(Path.Combine(folder, "submit.sh")).HasFlag(UnixFileMode.UserExecute));
    }
}
