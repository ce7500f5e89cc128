using System.CommandLine;
using ElectrodeSim.Cases;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Output;
using ElectrodeSim.Plotting;
using ElectrodeSim.Sweeps;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim compare RESULT.h5… | CASE.yaml… [--out DIR]</c></summary>
public static class CompareCommand
{
    public static Command Create(IAnsiConsole console, Action<System.CommandLine.Parsing.ArgumentResult> rejectOptionLikeTokens)
    {
        var inputs = new Argument<FileInfo[]>("input") { Description = "Result files (RESULT.h5) or case files (CASE.yaml, run first), e.g. cases/sio-c-l.yaml cases/sio-c-h.yaml", Arity = ArgumentArity.OneOrMore };
        inputs.Validators.Add(rejectOptionLikeTokens);
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for compare.csv, compare.md, the case results and the overlaid figures", DefaultValueFactory = _ => new DirectoryInfo("compare") };
        var command = new Command("compare",
            "The summary quantities of several runs side by side, with each one's difference to the first (Δ columns):\n" +
            "capacity, average voltage, energy, final state of lithiation, interfacial current at both sides, steps, wall time.\n" +
            "Case files are run first (results into --out). Writes compare.csv and compare.md, and overlaid figures where the plotter can draw them.")
        {
            inputs, output,
        };
        command.SetAction(parse => Execute(console, parse.GetValue(inputs)!.Select(f => f.FullName).ToList(), parse.GetValue(output)!.FullName));
        return command;
    }

    public static int Execute(IAnsiConsole console, IReadOnlyList<string> inputs, string outputDirectory)
    {
        // Everything is read or validated first, so a typo in the third input costs no run.
        var entries = new List<(string Label, string Source, SimulationSetup? Setup, string? ResultPath)>();
        int status = RunCommand.Ok;
        foreach (var input in inputs)
        {
            if (input.EndsWith(".h5", StringComparison.OrdinalIgnoreCase))
            {
                if (!File.Exists(input)) { Console.Error.WriteLine($"error: result file not found: {DisplayPath.Of(input)}"); status = RunCommand.BadInput; continue; }
                entries.Add(("", Path.GetFileName(input), null, input));
                continue;
            }
            try
            {
                var setup = CaseBuilder.Build(CaseFile.Load(input));
                RunCommand.ReportWarnings(Path.GetFileName(input), setup.Warnings);
                entries.Add((setup.Name, Path.GetFileName(input), setup, null));
            }
            catch (CaseValidationException e) { RunCommand.ReportInvalid(e); status = RunCommand.BadInput; }
            catch (FileNotFoundException e) { Console.Error.WriteLine($"error: {e.Message}"); status = RunCommand.BadInput; }
        }
        if (status != RunCommand.Ok) return status;
        Directory.CreateDirectory(outputDirectory);
        var caseInputs = inputs.Where(i => !i.EndsWith(".h5", StringComparison.OrdinalIgnoreCase)).ToList();
        var stems = ResultStems(caseInputs);
        int nextCase = 0;

        var rows = new List<(string Label, string Source, string Status, CaseMetrics Metrics, string? Result)>();
        foreach (var (label, source, setup, resultPath) in entries)
        {
            if (setup is null)
            {
                try
                {
                    var info = CaseMetrics.Read(resultPath!);
                    rows.Add((info.CaseName.Length > 0 ? info.CaseName : source, source, info.Status, info.Metrics, resultPath));
                    if (info.Status != "complete") Console.Error.WriteLine($"warning: {source}: status {info.Status}{(info.Reason.Length > 0 ? ": " + info.Reason : "")}");
                }
                catch (Exception e) when (e is Hdf5Exception or IOException)
                {
                    Console.Error.WriteLine($"error: {source}: not a readable result file: {Hdf5Messages.Short(e)}");
                    return RunCommand.BadInput;
                }
                continue;
            }
            string output = Path.Combine(outputDirectory, stems[nextCase++] + ".h5");
            try
            {
                var result = Simulator.Run(setup, output);
                rows.Add((label, source, "complete", CaseMetrics.From(result.Summary), output));
                console.WriteLine($"ran {source}: {result.Summary.ToString().Split('\n')[0]}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"error: {source}: the run failed: {Hdf5Messages.Short(e)}");
                rows.Add((label, source, "failed", CaseMetrics.Missing, null));
                status = RunCommand.RunFailed;
            }
        }

        rows = DistinctLabels(rows);
        var table = Table(rows.Select(r => (r.Label, r.Source, r.Status, r.Metrics)).ToList());
        string csv = Path.Combine(outputDirectory, "compare.csv"), md = Path.Combine(outputDirectory, "compare.md");
        table.WriteCsv(csv);
        string markdown = table.ToMarkdown("Comparison", [$"Differences (Δ) are to the first run, {rows[0].Label}."]);
        AtomicFile.WriteAllText(md, markdown);
        Console.Out.Write(Brief(rows));
        console.WriteLine($"  wrote {DisplayPath.Of(csv)}");
        console.WriteLine($"  wrote {DisplayPath.Of(md)}");
        DrawFigures(console, rows.Where(r => r.Result != null && r.Status == "complete").Select(r => r.Result!).ToList(), outputDirectory);
        return status;
    }

    /// <summary>
    /// The result file stem of each case input: its file stem, or "FOLDER-STEM" when two inputs share a file stem (the same
    /// name in two folders), and "-2", "-3" … after that if still shared — as plot and report name their figures — so that
    /// no run overwrites another's result.
    /// </summary>
    internal static IReadOnlyList<string> ResultStems(IReadOnlyList<string> caseInputs)
    {
        var stems = caseInputs.Select(Path.GetFileNameWithoutExtension).Select(s => s!).ToArray();
        var shared = stems.GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < stems.Length; i++)
            if (shared.Contains(stems[i]))
                stems[i] = $"{Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(caseInputs[i])))}-{stems[i]}";
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < stems.Length; i++)
        {
            int n = seen[stems[i]] = seen.GetValueOrDefault(stems[i]) + 1;
            if (n > 1) stems[i] = $"{stems[i]}-{n}";
        }
        return stems;
    }

    /// <summary>
    /// Rows that share a case name (one case run twice, e.g. into two folders) are labelled "NAME (SOURCE)", and when the sources
    /// are one file name too, "NAME (PATH)" with the result's path relative to the working folder, so that no two rows read alike.
    /// </summary>
    internal static List<(string Label, string Source, string Status, CaseMetrics Metrics, string? Result)> DistinctLabels(
        List<(string Label, string Source, string Status, CaseMetrics Metrics, string? Result)> rows)
    {
        var names = rows.GroupBy(r => r.Label, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var sources = rows.Where(r => names.Contains(r.Label)).GroupBy(r => (r.Label, r.Source)).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return rows.Select(r => !names.Contains(r.Label) ? r
            : r with { Label = $"{r.Label} ({(sources.Contains((r.Label, r.Source)) && r.Result != null ? DisplayPath.Of(r.Result) : r.Source)})" }).ToList();
    }

    /// <summary>Name, source, status, then each metric followed by its difference to the first row.</summary>
    internal static SummaryTable Table(IReadOnlyList<(string Label, string Source, string Status, CaseMetrics Metrics)> rows)
    {
        var headers = new List<string> { "case", "source", "status" };
        var numeric = new List<bool> { false, false, false };
        foreach (var h in CaseMetrics.Headers) { headers.Add(h); headers.Add("delta_" + h); numeric.Add(true); numeric.Add(true); }
        var table = new SummaryTable(headers, numeric);
        var first = rows[0].Metrics.Values;
        foreach (var r in rows)
        {
            var cells = new List<object> { r.Label, r.Source, r.Status };
            var values = r.Metrics.Values;
            for (int k = 0; k < values.Count; k++) { cells.Add(values[k]); cells.Add(values[k] - first[k]); }
            table.Rows.Add(cells.ToArray());
        }
        return table;
    }

    private static string Brief(IEnumerable<(string Label, string Source, string Status, CaseMetrics Metrics, string? Result)> rows)
    {
        var list = rows.ToList();
        var first = list[0].Metrics;
        int width = Math.Max(14, list.Max(r => r.Label.Length));
        var text = new System.Text.StringBuilder(string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "{0} {1,14} {2,10} {3,14} {4,10} {5,14} {6,10}\n", "case".PadRight(width), "capacity mAh/g", "Δ", "avg voltage V", "Δ", "energy mWh/g", "Δ"));
        foreach (var r in list)
            text.Append(r.Label.PadRight(width)).Append(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                " {1,14:F1} {2,10:+0.0;-0.0;0.0} {3,14:F4} {4,10:+0.0000;-0.0000;0.0000} {5,14:F1} {6,10:+0.0;-0.0;0.0}\n",
                r.Label, r.Metrics.Capacity, r.Metrics.Capacity - first.Capacity, r.Metrics.AverageVoltage, r.Metrics.AverageVoltage - first.AverageVoltage,
                r.Metrics.SpecificEnergy, r.Metrics.SpecificEnergy - first.SpecificEnergy));
        return text.ToString();
    }

    /// <summary>
    /// Overlaid voltage curves and depth profiles through the plotting library's comparison figures. The plotting library
    /// is being rewritten; when it cannot draw them the table stands alone and a note says why.
    /// </summary>
    private static void DrawFigures(IAnsiConsole console, IReadOnlyList<string> results, string directory)
    {
        if (results.Count < 2) return;
        try
        {
            var data = results.Select(ResultData.Load).ToList();
            var outcome = new FigurePlotter(new PlotOptions()).PlotComparison(data, directory);
            foreach (var message in outcome.Messages) Console.Error.WriteLine($"note: {message}");
            foreach (var figure in outcome.Figures) console.WriteLine($"  wrote {DisplayPath.Of(figure.Path)}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"note: no overlaid figures: {e.Message}");
        }
    }
}
