using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ElectrodeSim.Cases;

namespace ElectrodeSim.Sweeps;

/// <summary>What <c>sweep --emit-slurm</c> writes: the shards as one job array and the merge as a job that waits for it.</summary>
/// <param name="Shards">Array tasks: task K runs <c>sweep --shard K/Shards</c>.</param>
/// <param name="ArrayLimit">At most this many tasks at once (<c>--array=0-N%M</c>); 0 for no limit.</param>
/// <param name="CpusPerTask">Cores per task, used as the shard's <c>--parallel</c>.</param>
/// <param name="Partition">Slurm partition, or null for the cluster's default.</param>
/// <param name="TimeLimit">Slurm time limit per task (<c>30</c>, <c>1:00:00</c>, <c>1-12</c>), or null.</param>
public sealed record SlurmJobArrayOptions(int Shards, int ArrayLimit, int CpusPerTask, string? Partition, string? TimeLimit)
{
    private static readonly Regex Time = new(@"^(\d+-)?\d+(:\d+){0,2}$", RegexOptions.CultureInvariant);
    private static readonly Regex PartitionName = new(@"^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$", RegexOptions.CultureInvariant);

    /// <summary>Every problem of the options, each naming its option, for a sweep of <paramref name="caseCount"/> cases.</summary>
    public IReadOnlyList<CaseError> Check(int caseCount)
    {
        var errors = new List<CaseError>();
        if (Shards < 1 || Shards > Math.Max(1, caseCount))
            errors.Add(new CaseError("--shards", Shards.ToString(CultureInfo.InvariantCulture), $"from 1 to the sweep's {caseCount} cases"));
        if (ArrayLimit < 0) errors.Add(new CaseError("--array-limit", ArrayLimit.ToString(CultureInfo.InvariantCulture), ">= 1 (0: no limit)"));
        if (CpusPerTask < 1) errors.Add(new CaseError("--parallel", CpusPerTask.ToString(CultureInfo.InvariantCulture), ">= 1 (cores per array task)"));
        if (Partition is { } p && !PartitionName.IsMatch(p)) errors.Add(new CaseError("--partition", InputLimits.Shorten(p), "a Slurm partition name (letters, digits, _ . -; several separated by commas)"));
        if (TimeLimit is { } t && !Time.IsMatch(t)) errors.Add(new CaseError("--time", InputLimits.Shorten(t), "a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"));
        return errors;
    }
}

/// <summary>
/// Writes the Slurm batch scripts of a sweep into <c>OUT/slurm/</c>: <c>shards.sbatch</c> (a job array, one task per
/// shard), <c>merge.sbatch</c> (<c>sweep-merge OUT</c>) and <c>submit.sh</c>, which submits the array and then the merge
/// with <c>--dependency=afterany</c>: the merge runs however the shards end, so a failed case is reported in the summary and
/// a missing one by the merge's error, instead of the merge waiting forever on a dependency that can never be met
/// (<c>afterok</c> after a task that exits 1). The output folder must be one the nodes share; a requeued or repeated task
/// resumes from its shard's manifest and does no case twice.
/// </summary>
public static class SlurmJobArray
{
    public const string FolderName = "slurm";

    /// <param name="cli">The command that runs electrodesim on the nodes (<c>dotnet …/ElectrodeSim.Cli.dll</c>); the
    /// scripts use <c>$ELECTRODESIM</c> instead when it is set at run time.</param>
    /// <returns>The paths written: shards.sbatch, merge.sbatch, submit.sh.</returns>
    public static IReadOnlyList<string> Write(SweepPlan plan, string sweepFile, string outputDirectory, SlurmJobArrayOptions options, IReadOnlyList<string> cli)
    {
        string output = Path.GetFullPath(outputDirectory), folder = Path.Combine(output, FolderName), sweep = Path.GetFullPath(sweepFile);
        Directory.CreateDirectory(folder);
        string name = JobName(plan.Definition.Name);
        int n = options.Shards;
        string cliLine = $"if [ -n \"${{ELECTRODESIM:-}}\" ]; then read -ra cli <<<\"$ELECTRODESIM\"; else cli=({string.Join(" ", cli.Select(Quote))}); fi";

        var shards = new StringBuilder();
        shards.Append("#!/bin/bash\n");
        shards.Append($"# Sweep {plan.Definition.Name} ({plan.Cases.Count} cases of {sweep}) as {n} array tasks: task K runs the cases whose index mod {n} is K.\n");
        shards.Append("# Written by electrodesim sweep --emit-slurm. Submit with submit.sh next to this file (it adds the merge job).\n");
        shards.Append($"#SBATCH --job-name={name}\n");
        shards.Append($"#SBATCH --array=0-{n - 1}{(options.ArrayLimit > 0 ? "%" + options.ArrayLimit.ToString(CultureInfo.InvariantCulture) : "")}\n");
        shards.Append($"#SBATCH --cpus-per-task={options.CpusPerTask}\n");
        if (options.Partition is { } partition) shards.Append($"#SBATCH --partition={partition}\n");
        if (options.TimeLimit is { } time) shards.Append($"#SBATCH --time={time}\n");
        shards.Append("set -euo pipefail\n");
        shards.Append(cliLine).Append('\n');
        shards.Append($"exec \"${{cli[@]}}\" sweep {Quote(sweep)} --shard \"${{SLURM_ARRAY_TASK_ID:?not an array task: submit with sbatch}}/{n}\" --out {Quote(output)} --parallel \"${{SLURM_CPUS_PER_TASK:-{options.CpusPerTask}}}\"\n");

        var merge = new StringBuilder();
        merge.Append("#!/bin/bash\n");
        merge.Append($"# Merges the {n} shards of sweep {plan.Definition.Name} into {output}/summary.csv, .md and .h5 (every case once).\n");
        merge.Append($"#SBATCH --job-name={name}-merge\n");
        merge.Append("#SBATCH --cpus-per-task=1\n");
        if (options.Partition is { } p2) merge.Append($"#SBATCH --partition={p2}\n");
        merge.Append("set -euo pipefail\n");
        merge.Append(cliLine).Append('\n');
        merge.Append($"exec \"${{cli[@]}}\" sweep-merge {Quote(output)}\n");

        var submit = new StringBuilder();
        submit.Append("#!/usr/bin/env bash\n");
        submit.Append($"# Submits the shards of sweep {plan.Definition.Name} as a job array and the merge as a job that starts when the array has ended.\n");
        submit.Append("# Prints shards=JOBID and merge=JOBID. Logs: shard-K.out and merge.out next to this file.\n");
        submit.Append("set -euo pipefail\n");
        submit.Append("here=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n");
        submit.Append("shards=$(sbatch --parsable --output=\"$here/shard-%a.out\" \"$here/shards.sbatch\")\n");
        submit.Append("shards=${shards%%;*}\n");
        submit.Append("merge=$(sbatch --parsable --dependency=\"afterany:$shards\" --output=\"$here/merge.out\" \"$here/merge.sbatch\")\n");
        submit.Append("echo \"shards=$shards\"\n");
        submit.Append("echo \"merge=${merge%%;*}\"\n");

        var written = new List<string>();
        foreach (var (file, text) in new[] { ("shards.sbatch", shards), ("merge.sbatch", merge), ("submit.sh", submit) })
        {
            string path = Path.Combine(folder, file);
            AtomicFile.Write(path, temporary =>
            {
                File.WriteAllText(temporary, text.ToString());
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            });
            written.Add(path);
        }
        return written;
    }

    /// <summary>A job name of safe characters: <c>es-current-density</c>.</summary>
    private static string JobName(string sweepName)
    {
        string safe = Regex.Replace(sweepName, "[^A-Za-z0-9_.-]", "_");
        return "es-" + (safe.Length > 40 ? safe[..40] : safe);
    }

    /// <summary>A word for bash, single-quoted.</summary>
    internal static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
