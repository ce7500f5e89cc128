using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Output;
using ElectrodeSim.Sweeps;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim sweep SWEEP.yaml [--parallel N] [--out DIR] [--shard K/N | --emit-slurm …]</c></summary>
public static class SweepCommand
{
    public static Command Create(IAnsiConsole console, Action<System.CommandLine.Parsing.ArgumentResult> rejectOptionLikeTokens)
    {
        var file = new Argument<FileInfo>("sweep") { Description = "Sweep file (YAML): a base case plus axes, zip groups or samples, e.g. cases/coating-quality/current-density.yaml" };
        file.Validators.Add(rejectOptionLikeTokens);
        var parallel = new Option<int>("--parallel", "-j") { Description = "Cases run at once, in this process (default: the machine's cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for case-NNNN.h5, manifest.json and summary.csv/.md/.h5 (default: results/SWEEP-NAME)" };
        var shard = new Option<string>("--shard") { Description = "Run only shard K of N: the cases whose index mod N is K (0 <= K < N), with its own manifest (manifest.shard-K-of-N.json) in --out; gather the shards with sweep-merge" };
        var emitSlurm = new Option<bool>("--emit-slurm") { Description = "Run nothing: write OUT/slurm/shards.sbatch (a job array, one task per shard), merge.sbatch and submit.sh (submits both, the merge after the array)" };
        var shards = new Option<int?>("--shards") { Description = "With --emit-slurm: array tasks (default: the case count, at most 100)" };
        var arrayLimit = new Option<int>("--array-limit") { Description = "With --emit-slurm: at most M array tasks at once (--array=0-N%M); 0: no limit" };
        var partition = new Option<string>("--partition") { Description = "With --emit-slurm: the Slurm partition" };
        var time = new Option<string>("--time") { Description = "With --emit-slurm: the time limit per array task (minutes, HH:MM:SS, D-HH:MM:SS)" };
        var command = new Command("sweep",
            "Generate every case of a sweep, validate them all, then run them in parallel: one result file per case (case-0007.h5)\n" +
            "and a summary (summary.csv, summary.md, summary.h5) with one row per case. Started again on the same --out, cases that\n" +
            "are complete with the same fully resolved case text (manifest.json holds their SHA-256) are not run again.\n" +
            "With --shard K/N only the cases with index mod N = K run, under manifest.shard-K-of-N.json and no summary (sweep-merge\n" +
            "gathers the shards); --emit-slurm writes a Slurm job array of the shards plus a merge job, and runs nothing.\n" +
            "Exit 0 when every case completed, 1 when some failed, 2 for an invalid sweep or case, 130/143 when interrupted.")
        {
            file, parallel, output, shard, emitSlurm, shards, arrayLimit, partition, time,
        };
        command.SetAction(parse =>
        {
            SlurmJobArrayOptions? slurm = null;
            bool emit = parse.GetValue(emitSlurm);
            var slurmOnly = new (string Name, bool Given)[]
            {
                ("--shards", parse.GetResult(shards) is not null), ("--array-limit", parse.GetResult(arrayLimit) is not null),
                ("--partition", parse.GetResult(partition) is not null), ("--time", parse.GetResult(time) is not null),
            };
            if (!emit && slurmOnly.FirstOrDefault(o => o.Given) is { Name: { } stray })
            {
                Console.Error.WriteLine($"error: {stray} is an option of --emit-slurm; accepted: sweep SWEEP.yaml --emit-slurm {stray} …");
                return RunCommand.BadInput;
            }
            if (emit && parse.GetResult(shard) is not null)
            {
                Console.Error.WriteLine("error: --shard and --emit-slurm exclude each other (the emitted array tasks pass --shard themselves)");
                return RunCommand.BadInput;
            }
            if (emit) slurm = new SlurmJobArrayOptions(parse.GetValue(shards) ?? -1, parse.GetValue(arrayLimit), parse.GetValue(parallel), parse.GetValue(partition), parse.GetValue(time));
            SweepShard? slice = null;
            if (parse.GetValue(shard) is { } shardText)
            {
                try { slice = SweepShard.Parse(shardText); }
                catch (CaseValidationException e) { Console.Error.WriteLine($"error: {e.Errors[0]}"); return RunCommand.BadInput; }
            }
            return Execute(console, parse.GetValue(file)!.FullName, parse.GetValue(parallel), parse.GetValue(output)?.FullName, slice, slurm);
        });
        return command;
    }

    public static int Execute(IAnsiConsole console, string sweepPath, int parallel, string? outputDirectory, SweepShard? shard = null, SlurmJobArrayOptions? slurm = null)
    {
        if (parallel < 1)
        {
            Console.Error.WriteLine($"error: --parallel {parallel}: must be at least 1");
            return RunCommand.BadInput;
        }
        SweepPlan plan;
        var clock = Stopwatch.StartNew();
        try
        {
            plan = SweepPlan.Build(SweepDefinition.Load(sweepPath));
        }
        catch (CaseValidationException e) { RunCommand.ReportInvalid(e, "sweep"); return RunCommand.BadInput; }
        catch (FileNotFoundException e) { Console.Error.WriteLine($"error: {e.Message}"); return RunCommand.BadInput; }
        catch (SweepValidationException e)
        {
            if (e.Cases.Count == 0) { Console.Error.WriteLine($"error: {Path.GetFileName(sweepPath)}: {e.Total} or more cases; at most 1000000"); return RunCommand.BadInput; }
            ReportInvalidCases(Path.GetFileName(sweepPath), e);
            return RunCommand.BadInput;
        }
        string directory = outputDirectory ?? Path.Combine("results", plan.Definition.Name);
        // A given --out is checked when the command line is read; the default one here.
        if (CommandLineChecks.FolderProblem(directory) is { } problem)
        {
            Console.Error.WriteLine($"error: output folder {DisplayPath.Of(directory)}: {problem}");
            return RunCommand.BadInput;
        }
        if (slurm is not null) return EmitSlurm(console, plan, sweepPath, directory, slurm);
        var slice = shard ?? SweepShard.Whole;
        int mine = plan.Cases.Count(c => slice.Contains(c.Index));
        int threads = Math.Min(parallel, Math.Max(1, mine));
        console.WriteLine($"{plan.Definition.SourceName}: {plan.Cases.Count} cases valid ({clock.Elapsed.TotalSeconds:F2} s)" +
            (slice.IsWhole ? "" : $"; shard {slice}: {mine} of them") +
            $"; {threads} at a time into {DisplayPath.Of(Path.GetFullPath(directory))}");

        using var interruption = RunInterruption.Listen();
        var runner = new SweepRunner(plan, directory, threads, slice);
        IReadOnlyList<SweepRow> rows;
        try
        {
            if (Terminal.Plain) rows = runner.Run(new PlainProgress(mine), interruption.Token, interruption.Reason);
            else rows = RunWithBar(console, runner, plan, interruption);
        }
        catch (OutputTargetException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.BadInput;
        }

        // A shard writes no summary (shards sharing a folder would replace each other's): sweep-merge gathers them.
        IReadOnlyList<string> written;
        string? summaryProblem = null;
        try { written = slice.IsWhole ? SweepSummary.Write(plan.Definition, rows, runner.OutputDirectory) : runner.ManifestProblem is null ? [Path.Combine(runner.OutputDirectory, slice.ManifestFileName)] : []; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException or Native.Hdf5.Hdf5Exception)
        {
            // A full disk or a folder made read-only while the cases ran: said once, not as an unhandled exception.
            written = [];
            summaryProblem = $"the summary could not be written to {DisplayPath.Of(runner.OutputDirectory)}: {e.Message}";
        }
        int complete = rows.Count(r => r.Status == SweepRow.Complete), failed = rows.Count(r => r.Status == SweepRow.Failed), notRun = rows.Count - complete - failed;
        console.WriteLine($"{complete} complete, {failed} failed{(notRun > 0 ? $", {notRun} not run" : "")} of {rows.Count}; wall time {clock.Elapsed.TotalSeconds:F2} s");
        foreach (var r in rows.Where(r => r.Status == SweepRow.Failed).Take(20)) Console.Error.WriteLine($"  {r.Name} failed: {r.Reason}");
        foreach (var path in written) console.WriteLine($"  wrote {DisplayPath.Of(path)}");
        if (runner.ManifestProblem is { } manifestProblem) Console.Error.WriteLine($"warning: {manifestProblem} (a resume still finds the complete cases by their result files)");
        if (summaryProblem is not null) Console.Error.WriteLine($"error: {summaryProblem}");
        if (!slice.IsWhole) console.WriteLine($"  gather the {slice.Count} shards with: electrodesim sweep-merge {DisplayPath.Of(runner.OutputDirectory)}");
        if (interruption.Signal is not null) return interruption.ExitCode;
        return failed > 0 || summaryProblem is not null ? RunCommand.RunFailed : RunCommand.Ok;
    }

    /// <summary>
    /// The invalid cases of a sweep, each distinct list of errors once with the cases it affects (a bad key in the base case
    /// or in <c>set</c> is the same error in every case; printing it per case buried the one that differs).
    /// </summary>
    internal static void ReportInvalidCases(string sweepName, SweepValidationException e)
    {
        const int casesNamed = 20, groupsShown = 50;
        Console.Error.WriteLine($"error: {sweepName}: {e.Cases.Count} of {e.Total} generated cases are not valid; nothing was run:");
        var groups = e.Cases.GroupBy(c => string.Join("\n", c.Error.Errors.Select(x => x.ToString())), StringComparer.Ordinal).ToList();
        foreach (var group in groups.Take(groupsShown))
        {
            var cases = group.ToList();
            if (cases.Count == 1)
                Console.Error.WriteLine($"  case {cases[0].Index} ({Inputs(cases[0])}):");
            else
            {
                string which = cases.Count == e.Total ? $"all {e.Total} cases" : $"{cases.Count} cases";
                string named = string.Join(", ", cases.Take(casesNamed).Select(c => c.Index.ToString(CultureInfo.InvariantCulture)))
                    + (cases.Count > casesNamed ? $", … and {cases.Count - casesNamed} more" : "");
                Console.Error.WriteLine($"  {which} ({named}):");
            }
            foreach (var error in cases[0].Error.Errors) Console.Error.WriteLine($"    {error}");
        }
        if (groups.Count > groupsShown)
            Console.Error.WriteLine($"  … and {groups.Skip(groupsShown).Sum(g => g.Count())} more cases with {groups.Count - groupsShown} other lists of errors");

        static string Inputs(InvalidSweepCase c) => string.Join(", ", c.Inputs.Select(i => $"{i.Key}={i.Value}"));
    }

    private static int EmitSlurm(IAnsiConsole console, SweepPlan plan, string sweepPath, string directory, SlurmJobArrayOptions options)
    {
        if (options.Shards == -1) options = options with { Shards = Math.Min(plan.Cases.Count, 100) };
        var errors = options.Check(plan.Cases.Count);
        if (errors.Count > 0)
        {
            foreach (var e in errors) Console.Error.WriteLine($"error: {e}");
            return RunCommand.BadInput;
        }
        var written = SlurmJobArray.Write(plan, sweepPath, directory, options, SelfCommand());
        console.WriteLine($"{plan.Definition.SourceName}: {plan.Cases.Count} cases valid; {options.Shards} array tasks of {options.CpusPerTask} core(s)" +
            (options.ArrayLimit > 0 ? $", at most {options.ArrayLimit} at once" : "") + "; nothing run");
        foreach (var path in written) console.WriteLine($"  wrote {DisplayPath.Of(path)}");
        console.WriteLine($"  submit with: {DisplayPath.Of(written[^1])}   (the output folder must be shared by the nodes)");
        return RunCommand.Ok;
    }

    /// <summary>This tool as a command line for the cluster's nodes: <c>dotnet …/ElectrodeSim.Cli.dll</c>, or the app host.</summary>
    private static IReadOnlyList<string> SelfCommand()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        string assembly = typeof(SweepCommand).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, assembly] : [process];
    }

    private static IReadOnlyList<SweepRow> RunWithBar(IAnsiConsole console, SweepRunner runner, SweepPlan plan, RunInterruption interruption)
    {
        var counts = new LiveCounts();
        IReadOnlyList<SweepRow> rows = [];
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: Math.Max(1, runner.ShardCases.Count));
                var work = Task.Run(() => rows = runner.Run(counts, interruption.Token, interruption.Reason));
                var clock = Stopwatch.StartNew();
                while (!work.Wait(100))
                    Update(task, counts, clock);
                Update(task, counts, clock);
                work.GetAwaiter().GetResult();
            });
        return rows;

        static void Update(ProgressTask task, LiveCounts counts, Stopwatch clock)
        {
            int done = Volatile.Read(ref counts.Done), failed = Volatile.Read(ref counts.Failed), running = Volatile.Read(ref counts.Running);
            double rate = (done + failed - counts.Skipped) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
            task.Description = string.Create(CultureInfo.InvariantCulture, $"done {done}  failed {failed}  running {running}  {rate:F1} cases/s");
            task.Value = done + failed;
        }
    }

    private sealed class LiveCounts : ISweepProgress
    {
        public int Done, Failed, Running, Skipped;
        public void Started(SweepCase c) => Interlocked.Increment(ref Running);
        public void Finished(SweepCase c, SweepRow row, bool skipped)
        {
            if (skipped) Interlocked.Increment(ref Skipped); else Interlocked.Decrement(ref Running);
            Interlocked.Increment(ref row.Status == SweepRow.Complete ? ref Done : ref Failed);
        }
    }

    /// <summary>Redirected output: one <c>[k/N]</c> line per finished case.</summary>
    private sealed class PlainProgress(int total) : ISweepProgress
    {
        private int _finished;
        public void Started(SweepCase c) { }
        public void Finished(SweepCase c, SweepRow row, bool skipped)
        {
            int k = Interlocked.Increment(ref _finished);
            var m = row.Metrics;
            string what = row.Status != SweepRow.Complete ? $"failed: {row.Reason}"
                : string.Create(CultureInfo.InvariantCulture, $"complete{(skipped ? " (earlier run)" : "")}: {m.Capacity:F1} mAh/g, {m.AverageVoltage:F4} V, {m.WallTime:F3} s");
            Console.Out.WriteLine($"[{k}/{total}] {c.Name} {what}");
        }
    }
}
