using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ElectrodeSim.Cases;
using ElectrodeSim.Output;
using ElectrodeSim.Sweeps;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim sensitivity CASE --keys a,b,c [--step 1%] [--parallel N] [--out DIR]</c></summary>
public static class SensitivityCommand
{
    public static Command Create(IAnsiConsole console, Action<System.CommandLine.Parsing.ArgumentResult> rejectOptionLikeTokens)
    {
        var file = new Argument<FileInfo>("case") { Description = "Case file (YAML), e.g. cases/sio-c-l.yaml" };
        file.Validators.Add(rejectOptionLikeTokens);
        var keys = new Option<string>("--keys", "-k") { Description = "Real-valued case keys to vary, comma-separated: electrode.thickness_um,electrode.solid_diffusivity_m2_s", Required = true };
        var step = new Option<string>("--step") { Description = "Relative step h: each key is run at p(1+h) and p(1-h) (default 1%)", DefaultValueFactory = _ => "1%" };
        var parallel = new Option<int>("--parallel", "-j") { Description = "Cases run at once, in this process (default: the machine's cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for the runs (case-NNNN.h5, manifest.json, summary.*) and sensitivity.csv/.md (default: results/sensitivity-CASE)" };
        var command = new Command("sensitivity",
            "Normalised local sensitivities S = dln(y)/dln(p) of capacity (per gram and per area), average voltage, energy and final\n" +
            "mean SOL to each key, by central differences in log space: [ln y(p(1+h)) - ln y(p(1-h))] / [ln(1+h) - ln(1-h)].\n" +
            "The 2K+1 runs are one sweep (parallel, resumable on the same --out). Table on stdout; sensitivity.csv, .md and a tornado\n" +
            "figure sensitivity.png (capacity, average voltage, energy; keys by |S| of capacity) in --out.\n" +
            "Exit 0 when every run completed, 1 when some failed, 2 for a bad key, step or case, 130/143 when interrupted.")
        {
            file, keys, step, parallel, output,
        };
        command.SetAction(parse => Execute(console, parse.GetValue(file)!.FullName, parse.GetValue(keys) ?? "", parse.GetValue(step)!, parse.GetValue(parallel), parse.GetValue(output)?.FullName));
        return command;
    }

    public static int Execute(IAnsiConsole console, string casePath, string keyList, string stepText, int parallel, string? outputDirectory)
    {
        if (parallel < 1)
        {
            Console.Error.WriteLine($"error: --parallel {parallel}: must be at least 1");
            return RunCommand.BadInput;
        }
        var clock = Stopwatch.StartNew();
        double step;
        SweepDefinition definition;
        IReadOnlyList<SensitivityKey> keys;
        SweepPlan plan;
        try
        {
            step = SensitivityStudy.ParseStep(stepText);
            (definition, keys) = SensitivityStudy.Define(casePath, keyList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), step);
            plan = SweepPlan.Build(definition);
        }
        catch (CaseValidationException e) { RunCommand.ReportInvalid(e, "sensitivity study"); return RunCommand.BadInput; }
        catch (FileNotFoundException e) { Console.Error.WriteLine($"error: {e.Message}"); return RunCommand.BadInput; }
        catch (SweepValidationException e)
        {
            Console.Error.WriteLine($"error: {Path.GetFileName(casePath)}: {e.Cases.Count} of the {e.Total} perturbed cases are not valid (a smaller --step may keep them in range); nothing was run:");
            foreach (var c in e.Cases.Take(50))
            {
                Console.Error.WriteLine($"  case {c.Index} ({string.Join(", ", c.Inputs.Select(i => $"{i.Key}={i.Value}"))}):");
                foreach (var error in c.Error.Errors) Console.Error.WriteLine($"    {error}");
            }
            return RunCommand.BadInput;
        }

        string directory = outputDirectory ?? Path.Combine("results", definition.Name);
        int threads = Math.Min(parallel, plan.Cases.Count);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{definition.SourceName}: {keys.Count} key(s), step {step:P2}: {plan.Cases.Count} runs, {threads} at a time into {DisplayPath.Of(Path.GetFullPath(directory))}"));

        using var interruption = RunInterruption.Listen();
        var runner = new SweepRunner(plan, directory, threads);
        IReadOnlyList<SweepRow> rows;
        try { rows = runner.Run(null, interruption.Token, interruption.Reason); }
        catch (OutputTargetException e) { Console.Error.WriteLine($"error: {e.Message}"); return RunCommand.BadInput; }

        var written = SweepSummary.Write(definition, rows, runner.OutputDirectory).ToList();
        var results = SensitivityStudy.Evaluate(keys, rows, step);
        var table = SensitivityStudy.Table(results, step);
        string csv = Path.Combine(runner.OutputDirectory, "sensitivity.csv"), md = Path.Combine(runner.OutputDirectory, "sensitivity.md");
        table.WriteCsv(csv);
        var baseRow = rows.FirstOrDefault(r => r.Index == 0);
        table.WriteMarkdown(md, $"Sensitivities of {definition.SourceName}", [
            string.Create(CultureInfo.InvariantCulture, $"S = ∂ln y / ∂ln p by central differences in log space, relative step h = {step:G4}: [ln y(p(1+h)) − ln y(p(1−h))] / [ln(1+h) − ln(1−h)]."),
            baseRow?.Status == SweepRow.Complete
                ? "Base case: " + string.Join(", ", SensitivityStudy.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m} = {SensitivityStudy.Metric(baseRow.Metrics, m):G6}"))) + "."
                : $"Base case: {baseRow?.Status ?? SweepRow.NotRun} {baseRow?.Reason}.",
            "The runs are case-0000 (base), then each key up (odd) and down (even) in summary.csv.",
        ]);
        written.Add(csv);
        written.Add(md);
        string png = Path.Combine(runner.OutputDirectory, "sensitivity.png");
        try
        {
            var shown = new[] { ("capacity_mAh_g", "capacity (mAh/g)"), ("average_voltage_V", "average voltage"), ("energy_mWh_g", "energy (mWh/g)") };
            var model = Plotting.TornadoFigure.Of($"Sensitivities of {definition.SourceName} (step {step:P0})", keys.Select(k => k.Key).ToList(),
                shown.Select(m => (m.Item2, (IReadOnlyList<double>)results.Select(r => r.Sensitivities[SensitivityStudy.Metrics.ToList().IndexOf(m.Item1)]).ToList())).ToList());
            Plotting.FigureRenderer.Write(model, png, Plotting.FigureFormat.Png, 900, 140 + 70 * keys.Count);
            written.Add(png);
        }
        catch (Exception e) when (e is Plotting.FigureException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: the tornado figure was not drawn: {e.Message}");
        }

        Console.Out.Write(Text(results));
        int failed = rows.Count(r => r.Status == SweepRow.Failed);
        foreach (var r in rows.Where(r => r.Status == SweepRow.Failed).Take(20)) Console.Error.WriteLine($"  {r.Name} failed: {r.Reason}");
        console.WriteLine($"{rows.Count(r => r.Status == SweepRow.Complete)} of {rows.Count} runs complete; wall time {clock.Elapsed.TotalSeconds:F2} s");
        foreach (var path in written) console.WriteLine($"  wrote {DisplayPath.Of(path)}");
        if (interruption.Signal is not null) return interruption.ExitCode;
        return failed > 0 || results.Any(r => r.Status != SweepRow.Complete) ? RunCommand.RunFailed : RunCommand.Ok;
    }

    /// <summary>The table for a terminal: one row per key, the largest |S| of capacity first reads as a tornado order.</summary>
    private static string Text(IReadOnlyList<SensitivityRow> results)
    {
        var headers = new List<string> { "key", "value" };
        headers.AddRange(SensitivityStudy.Metrics.Select(m => "S_" + m));
        var lines = results.Select(r => (IReadOnlyList<string>)[r.Key.Key, r.Key.Value.ToString("G6", CultureInfo.InvariantCulture),
            .. r.Sensitivities.Select(s => double.IsNaN(s) ? "-" : s.ToString("F4", CultureInfo.InvariantCulture))]).ToList();
        var widths = headers.Select((h, c) => Math.Max(h.Length, lines.Select(l => l[c].Length).DefaultIfEmpty(0).Max())).ToList();
        var text = new StringBuilder();
        text.Append(string.Join("  ", headers.Select((h, c) => c < 1 ? h.PadRight(widths[c]) : h.PadLeft(widths[c])))).Append('\n');
        foreach (var l in lines) text.Append(string.Join("  ", l.Select((v, c) => c < 1 ? v.PadRight(widths[c]) : v.PadLeft(widths[c])))).Append('\n');
        return text.ToString();
    }
}
