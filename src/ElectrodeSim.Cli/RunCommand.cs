using System.Diagnostics;
using ElectrodeSim.Cases;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Output;
using Spectre.Console;

namespace ElectrodeSim.Cli;

public static class RunCommand
{
    public const int Ok = 0, RunFailed = 1, BadInput = 2;

    public static int Execute(IAnsiConsole console, FileInfo[] cases, string? outputDirectory, bool plot = false, IReadOnlyList<string>? assignments = null)
    {
        // KLU (the solve) and HDF5 (the result file) load on the other core while the cases are read.
        ElectrodeSim.Native.NativePreload.Start(hdf5: outputDirectory != null, klu: true);
        var overrides = new List<CaseOverride>();
        try
        {
            foreach (var a in assignments ?? []) overrides.Add(CaseOverride.Parse(a));
        }
        catch (CaseValidationException e) { Console.Error.WriteLine($"error: {e.Errors[0]}"); return BadInput; }

        if (ExpandFolders(cases) is not { } files) return BadInput;

        // Validate everything first: a typo in the third case should not surface after two long runs.
        var setups = new List<(FileInfo File, SimulationSetup Setup)>();
        int status = Ok;
        foreach (var file in files)
        {
            try
            {
                var setup = CaseBuilder.Build(CaseOverrides.Load(file.FullName, overrides));
                ReportWarnings(file.Name, setup.Warnings);
                setups.Add((file, setup));
            }
            catch (CaseValidationException e) when (overrides.Count > 0)
            {
                // Lines would point into the rewritten text, not the file.
                ReportInvalid(new CaseValidationException(e.SourceName, e.Errors.Select(x => x with { Line = null, Column = null }).ToList()));
                status = BadInput;
            }
            catch (CaseValidationException e) { ReportInvalid(e); status = BadInput; }
            catch (FileNotFoundException e) { Console.Error.WriteLine($"error: {e.Message}"); status = BadInput; }
        }
        if (status != Ok) return status;

        if (outputDirectory != null && OutputDirectoryProblem(outputDirectory) is { } problem)
        {
            Console.Error.WriteLine($"error: --out {outputDirectory}: {problem}");
            return BadInput;
        }

        var written = new List<string>();
        using var interruption = RunInterruption.Listen();
        for (int k = 0; k < setups.Count && interruption.Signal is null; k++)
        {
            var (file, setup) = setups[k];
            string? output = outputDirectory is null ? null : Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(file.Name) + ".h5");
            if (Terminal.Plain || setups.Count > 1) console.WriteLine($"[{k + 1}/{setups.Count}] {file.Name}");
            ResultTarget? target = null;
            try
            {
                // Claimed before anything is solved: a second run on the same file stops here.
                if (output != null) target = ResultTarget.Claim(output, file.FullName);
            }
            catch (OutputTargetException e)
            {
                Console.Error.WriteLine($"error: {file.Name}: {e.Message}");
                status = BadInput;
                continue;
            }
            try
            {
                foreach (var note in target?.Notes ?? []) Console.Error.WriteLine($"warning: {note}");
                if (setup.Resolved is not null)
                {
                    // The 2-D mode writes its own file layout (ResolvedResultWriter) to the claimed path.
                    var resolved = Simulator.RunResolved(setup, target, interruption.Token, interruption.Reason);
                    Console.Out.WriteLine(resolved.ToString());
                    if (output != null) { console.WriteLine($"  wrote {DisplayPath.Of(output)}"); written.Add(output); }
                    continue;
                }
                var result = Simulator.Run(setup, target, interruption.Token, interruption.Reason);
                Console.Out.WriteLine(result.Summary.ToString());
                if (output != null) console.WriteLine($"  wrote {DisplayPath.Of(output)}");
                if (output != null) written.Add(output);
            }
            catch (OperationCanceledException) when (interruption.Signal is not null)
            {
                Console.Error.WriteLine($"error: {file.Name}: the run was {interruption.Reason()}");
                ReportFailedFile(target);
                status = interruption.ExitCode;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"error: {file.Name}: the run failed: {Hdf5Messages.Short(e)}");
                ReportFailedFile(target);
                status = Math.Max(status, RunFailed);
            }
            finally
            {
                target?.Dispose();
            }
        }
        if (interruption.Signal is not null) return interruption.ExitCode;
        if (plot && outputDirectory is null) Console.Error.WriteLine("note: --plot draws result files; with --no-output there are none");
        if (plot && outputDirectory != null) status = Math.Max(status, PlotCommand.AfterRun(console, written, outputDirectory));
        return status;
    }

    /// <summary>Names the failed file only if it exists; says so when not even that could be written.</summary>
    private static void ReportFailedFile(ResultTarget? target)
    {
        if (target is null) return;
        if (File.Exists(target.FailedPath))
            Console.Error.WriteLine($"  partial result marked failed: {DisplayPath.Of(target.FailedPath)}");
        else if (target.FailureMarkerProblem is { } problem)
            Console.Error.WriteLine($"  no result file was left: {problem}");
    }

    /// <summary>Why results cannot be written into <paramref name="directory"/> (a file in the way, no permission), or null.</summary>
    private static string? OutputDirectoryProblem(string directory)
    {
        if (CommandLineChecks.FolderProblem(directory) is { } inTheWay) return inTheWay;
        try
        {
            Directory.CreateDirectory(directory);
            string probe = Path.Combine(directory, $".electrodesim-probe-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot create or write there: {e.Message}";
        }
    }

    /// <summary>The case files of the arguments: a folder stands for every case file in it (*.yaml, in name order); null (reported) for a folder without one.</summary>
    private static List<FileInfo>? ExpandFolders(FileInfo[] cases)
    {
        var files = new List<FileInfo>();
        foreach (var entry in cases)
        {
            if (!Directory.Exists(entry.FullName)) { files.Add(entry); continue; }
            var inFolder = Directory.EnumerateFiles(entry.FullName, "*.yaml").Order(StringComparer.Ordinal).Select(f => new FileInfo(f)).ToList();
            if (inFolder.Count == 0) { Console.Error.WriteLine($"error: {DisplayPath.Of(entry.FullName)}: a folder with no *.yaml case files"); return null; }
            files.AddRange(inFolder);
        }
        return files;
    }

    /// <summary><c>check</c>: validate as <c>run</c> does (folders, <c>--set</c>), without solving.</summary>
    public static int Check(IAnsiConsole console, FileInfo[] cases, IReadOnlyList<string>? assignments = null)
    {
        var overrides = new List<CaseOverride>();
        try
        {
            foreach (var a in assignments ?? []) overrides.Add(CaseOverride.Parse(a));
        }
        catch (CaseValidationException e) { Console.Error.WriteLine($"error: {e.Errors[0]}"); return BadInput; }
        if (ExpandFolders(cases) is not { } files) return BadInput;
        int status = Ok;
        foreach (var file in files)
        {
            try
            {
                var setup = CaseBuilder.Build(CaseOverrides.Load(file.FullName, overrides));
                ReportWarnings(file.Name, setup.Warnings);
                console.WriteLine($"{file.Name}: valid ({setup.Name}, {setup.Protocol.Steps.Count} protocol step(s)" +
                                  (setup.Warnings.Count > 0 ? $", {setup.Warnings.Count} warning(s))" : ")"));
            }
            catch (CaseValidationException e) when (overrides.Count > 0)
            {
                // Lines would point into the rewritten text, not the file.
                ReportInvalid(new CaseValidationException(e.SourceName, e.Errors.Select(x => x with { Line = null, Column = null }).ToList()));
                status = BadInput;
            }
            catch (CaseValidationException e) { ReportInvalid(e); status = BadInput; }
            catch (FileNotFoundException e) { Console.Error.WriteLine($"error: {e.Message}"); status = BadInput; }
        }
        return status;
    }

    public static int Bench(IAnsiConsole console, string casePath, int repeats)
    {
        SimulationSetup setup;
        try { setup = CaseBuilder.Build(CaseFile.Load(casePath)); }
        catch (CaseValidationException e) { ReportInvalid(e); return BadInput; }
        catch (FileNotFoundException e) { Console.Error.WriteLine($"error: {e.Message}"); return BadInput; }
        for (int w = 0; w < 30; w++) Simulator.Run(setup);
        var times = new List<double>();
        RunResult? last = null;
        for (int r = 0; r < Math.Max(1, repeats); r++)
        {
            var clock = Stopwatch.StartNew();
            last = Simulator.Run(setup);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        console.WriteLine($"{setup.Name}: {last!.Model.Size} unknowns, {last.Solution.Statistics}");
        Console.Out.WriteLine($"wall time per run: min {times[0]:F2} ms, median {times[times.Count / 2]:F2} ms over {times.Count} runs (after 30 warm-up runs, one thread, no output file)");
        return Ok;
    }

    /// <summary>Every problem of an input file, one per line, on stderr.</summary>
    internal static void ReportInvalid(CaseValidationException e, string what = "case")
    {
        Console.Error.WriteLine($"error: {e.SourceName} is not a valid {what}:");
        foreach (var error in e.Errors) Console.Error.WriteLine($"  {Located(error)}");
        ReportWarnings(e.SourceName, e.Warnings);
    }

    /// <summary>Findings that do not stop a case (stale provenance notes), as <c>warning: FILE: …</c> on stderr.</summary>
    internal static void ReportWarnings(string source, IReadOnlyList<CaseError> warnings)
    {
        foreach (var warning in warnings) Console.Error.WriteLine($"warning: {source}: {Located(warning)}");
    }

    private static string Located(CaseError error) => error switch
    {
        { Line: { } line, Column: { } column } => $"{error} (line {line}, column {column})",
        { Line: { } line } => $"{error} (line {line})",
        _ => error.ToString(),
    };
}
