using ElectrodeSim.Cases;
using System.CommandLine;
using ElectrodeSim.Sweeps;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim sweep-merge DIR… [--out DIR]</c>: one summary of a sweep run as shards.</summary>
public static class SweepMergeCommand
{
    public static Command Create(IAnsiConsole console, Action<System.CommandLine.Parsing.ArgumentResult> rejectOptionLikeTokens)
    {
        var folders = new Argument<DirectoryInfo[]>("dir") { Description = "Output folders of the shards (sweep --shard K/N --out DIR): one shared folder, or one per shard", Arity = ArgumentArity.OneOrMore };
        folders.Validators.Add(rejectOptionLikeTokens);
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for summary.csv, .md and .h5 (default: the first DIR)" };
        var command = new Command("sweep-merge",
            "Gather the shards of a sweep into one summary (summary.csv, summary.md, summary.h5) listing every case once, with the\n" +
            "numbers read from the result files. Every case index must be in some shard's manifest, always with one fingerprint.\n" +
            "Exit 0 when every case is complete, 1 when some failed or did not run, 2 when a case is missing or listed with two\n" +
            "fingerprints (each named; nothing is written).")
        {
            folders, output,
        };
        command.SetAction(parse => Execute(console, parse.GetValue(folders)!.Select(d => d.FullName).ToList(), parse.GetValue(output)?.FullName));
        return command;
    }

    public static int Execute(IAnsiConsole console, IReadOnlyList<string> folders, string? outputDirectory)
    {
        string output = Path.GetFullPath(outputDirectory ?? folders[0]);
        MergedSweep merged;
        try
        {
            merged = SweepMerge.Merge(folders, output);
        }
        catch (SweepMergeException e)
        {
            Console.Error.WriteLine($"error: the shards in {string.Join(", ", folders)} do not make one sweep; nothing was written:");
            foreach (var problem in e.Problems.Take(50)) Console.Error.WriteLine($"  {problem}");
            if (e.Problems.Count > 50) Console.Error.WriteLine($"  … and {e.Problems.Count - 50} more");
            return RunCommand.BadInput;
        }
        Directory.CreateDirectory(output);
        var rows = merged.Rows;
        var written = SweepSummary.Write(merged.Name, merged.SourceName, merged.SweptKeys, rows, output,
            $"Merged from {merged.Manifests.Count} manifest(s): {string.Join(", ", merged.Manifests.Select(m => Path.GetRelativePath(output, m)))}.");
        int complete = rows.Count(r => r.Status == SweepRow.Complete), failed = rows.Count(r => r.Status == SweepRow.Failed), notRun = rows.Count - complete - failed;
        console.WriteLine($"{merged.SourceName}: {merged.Manifests.Count} manifest(s), {rows.Count} cases: {complete} complete, {failed} failed{(notRun > 0 ? $", {notRun} not run" : "")}");
        foreach (var r in rows.Where(r => r.Status != SweepRow.Complete).Take(20)) Console.Error.WriteLine($"  {r.Name} {r.Status}: {r.Reason}");
        foreach (var path in written) console.WriteLine($"  wrote {DisplayPath.Of(path)}");
        return complete == rows.Count ? RunCommand.Ok : RunCommand.RunFailed;
    }
}
