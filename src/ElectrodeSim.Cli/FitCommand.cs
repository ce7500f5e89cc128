using System.CommandLine;
using System.Globalization;
using System.Text;
using ElectrodeSim.Cases;
using ElectrodeSim.Fitting;
using ElectrodeSim.Measured;
using ElectrodeSim.Plotting;
using ElectrodeSim.Simulation;
using ElectrodeSim.Validation;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary>
/// <c>electrodesim fit FIT.yaml [--out DIR] [--write] [--parallel N]</c>: fits case keys to measured curves and rate
/// tables (<see cref="FitSpec"/>, <see cref="Fitter"/>); prints one line per model evaluation, the fitted values with
/// 95 % intervals, the correlation matrix (|r| &gt; 0.95 flagged) and per-dataset RMS; writes into DIR (default
/// <c>results/fit/SPEC</c>) <c>fit.md</c>, <c>parameters.csv</c>, <c>correlation.csv</c>, <c>cost-history.csv</c>, the
/// fitted case <c>CASE.fitted.yaml</c> with its provenance and one overlay figure per curve dataset; <c>--write</c>
/// also sets the fitted values in the case file itself (value tokens only, as <c>calibrate --write</c>).
/// </summary>
public static class FitCommand
{
    public static Command Create(Action<System.CommandLine.Parsing.ArgumentResult> rejectOptionLike)
    {
        var spec = new Argument<FileInfo>("spec") { Description = "Fit spec (YAML): parameters (case keys, bounds, scale) and datasets (measured-data sidecars, weights)" };
        spec.Validators.Add(rejectOptionLike);
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for the report, the fitted case and the figures (default results/fit/SPEC)" };
        var write = new Option<bool>("--write") { Description = "Also write the fitted values into the spec's case file (value tokens only; keys must be one-line values in the file)" };
        var parallel = new Option<int>("--parallel", "-j") { Description = "Parallel runs of the finite-difference Jacobian (default: the machine's cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("fit", "Fit case keys to measured curves and rate tables by bounded Levenberg-Marquardt (finite-difference Jacobian in parallel);\n" +
            "reports values with 95 % confidence intervals, correlations (|r| > 0.95: not identifiable together), residuals, and writes the fitted case.")
        { spec, output, write, parallel };
        command.SetAction(parse => Execute(parse.GetValue(spec)!, parse.GetValue(output)?.FullName, parse.GetValue(write), parse.GetValue(parallel)));
        return command;
    }

    private static string N(double x, string f = "G5") => x.ToString(f, CultureInfo.InvariantCulture);

    public static int Execute(FileInfo specFile, string? outputDirectory, bool write, int parallel)
    {
        FitSpec spec;
        string directory;
        IReadOnlyList<FitDataset> datasets;
        try
        {
            (spec, directory) = FitSpec.Load(specFile.FullName);
            datasets = spec.FitDatasets(directory);
            foreach (var c in datasets.Select(d => d.CasePath).Distinct()) MeasuredComparison.LoadCase(c, null);
        }
        catch (CaseValidationException e)
        {
            // The spec itself, or a measured-data sidecar or case it names.
            RunCommand.ReportInvalid(e, e.SourceName == specFile.Name ? "fit spec" : e.SourceName.EndsWith(".data.yaml", StringComparison.Ordinal) ? "measured-data sidecar" : "case");
            return RunCommand.BadInput;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.BadInput;
        }
        if (parallel < 1)
        {
            Console.Error.WriteLine($"error: --parallel: {parallel} is not an integer >= 1");
            return RunCommand.BadInput;
        }
        string output = outputDirectory ?? Path.Combine("results", "fit", Path.GetFileNameWithoutExtension(specFile.Name).Replace(".fit", ""));
        var parameters = spec.FitParameters();
        // Redirected: one line per evaluation. On a terminal: a live line (Spectre) with the latest evaluation, then its summary.
        string? latest = null;
        Action<string> log = Terminal.Plain ? Console.Out.WriteLine : line => Volatile.Write(ref latest, line);
        var fitter = new Fitter(parameters, datasets)
        {
            MaxIterations = spec.MaxIterations, DifferenceStep = spec.DifferenceStep, MaxDegreeOfParallelism = parallel, Log = log,
        };
        FitResult result;
        try { result = Terminal.Plain ? fitter.Run() : RunWithBar(fitter, () => Volatile.Read(ref latest)); }
        catch (CaseValidationException e)
        {
            Console.Error.WriteLine($"error: a trial value made a case invalid: {string.Join("; ", e.Errors)}");
            return RunCommand.RunFailed;
        }
        catch (Exception e) when (e is InvalidDataException or SimulationFailedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.RunFailed;
        }
        string report = Report(spec, specFile.FullName, result, parallel);
        Console.Out.Write(report);
        var fittedValues = result.Values.Select(v => v.Value).ToList();
        string casePath = Path.GetFullPath(Path.Combine(directory, spec.Case.Length > 0 ? spec.Case : spec.Datasets[0].Case));
        string caseText = File.ReadAllText(casePath);
        var assignments = result.Values.Select(v => new CaseOverride(v.Parameter.Key, CaseOverride.Format(v.Value))).ToList();
        string fitted = CaseOverrides.ApplyInPlace(caseText, assignments) ?? CaseOverrides.Apply(caseText, assignments, Path.GetFileName(casePath));
        string provenance = Provenance(spec, specFile.FullName, result);
        string fittedPath = Path.Combine(output, Path.GetFileNameWithoutExtension(casePath) + ".fitted.yaml");
        Directory.CreateDirectory(output);
        // The fitted case sits in another folder: relative paths of the case (tables) would break, so it is marked as a copy.
        MeasuredValidateReport.WriteAtomic(fittedPath, provenance + fitted);
        MeasuredValidateReport.WriteAtomic(Path.Combine(output, "fit.md"), report);
        MeasuredValidateReport.WriteAtomic(Path.Combine(output, "parameters.csv"), ParametersCsv(result));
        MeasuredValidateReport.WriteAtomic(Path.Combine(output, "correlation.csv"), CorrelationCsv(result));
        MeasuredValidateReport.WriteAtomic(Path.Combine(output, "cost-history.csv"),
            "evaluation,cost\n" + string.Concat(result.CostHistory.Select(h => $"{h.Evaluation},{N(h.Cost, "R")}\n")));
        Figures(output, datasets, fittedValues, parameters);
        Console.Out.WriteLine($"wrote {fittedPath}, fit.md, parameters.csv, correlation.csv, cost-history.csv and the figures in {output}");
        if (write)
        {
            if (CaseOverrides.ApplyInPlace(caseText, assignments) is not { } inPlace)
            {
                Console.Error.WriteLine($"error: --write: {Path.GetFileName(casePath)} does not write every fitted key as a one-line value ({string.Join(", ", parameters.Select(p => p.Key))}); " +
                    $"the fitted case is {fittedPath}");
                return RunCommand.BadInput;
            }
            MeasuredValidateReport.WriteAtomic(casePath, inPlace);
            Console.Out.WriteLine($"wrote the fitted values into {casePath}");
        }
        return RunCommand.Ok;
    }

    private static FitResult RunWithBar(Fitter fitter, Func<string?> latest)
    {
        FitResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("fitting", maxValue: 1);
                task.IsIndeterminate = true;
                var work = Task.Run(() => result = fitter.Run());
                while (!work.Wait(200))
                    if (latest() is { } line) task.Description = Markup.Escape(line.Trim().Length > 110 ? line.Trim()[..110] + "…" : line.Trim());
                task.IsIndeterminate = false;
                task.Value = 1;
                work.GetAwaiter().GetResult();
            });
        return result!;
    }

    private static string Report(FitSpec spec, string specPath, FitResult r, int parallel)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"# Fit: {(spec.Description.Length > 0 ? spec.Description : Path.GetFileName(specPath))}\n\n");
        b.Append(CultureInfo.InvariantCulture, $"Levenberg-Marquardt: {r.ExitReason} after {r.Iterations} iterations (model calls of the minimiser), {r.Evaluations} model evaluations (each one run per curve, one per rate), {r.WallTime.TotalSeconds:F1} s wall time ({parallel} runs at a time, --parallel, on {Environment.ProcessorCount} cores).\n");
        b.Append(CultureInfo.InvariantCulture, $"{r.Points} residuals, {r.DegreesOfFreedom} degrees of freedom, residual standard deviation s = {N(r.ResidualSigma, "G4")} (V for curves; weighted).\n\n");
        b.Append("| key | fitted | 95 % interval | scale | bounds |\n| --- | --- | --- | --- | --- |\n");
        foreach (var v in r.Values)
            b.Append(CultureInfo.InvariantCulture, $"| {v.Parameter.Key} | {N(v.Value)} | {Interval(v)} | {(v.Parameter.Log ? "log" : "linear")} | [{N(v.Parameter.Lower, "G3")}, {N(v.Parameter.Upper, "G3")}]{(v.AtBound ? " AT BOUND" : "")} |\n");
        var names = FitParameter.ShortNames(r.Values.Select(v => v.Parameter).ToList());
        b.Append("\nCorrelation matrix:\n\n| | ").Append(string.Join(" | ", names)).Append(" |\n|---|").Append(string.Concat(r.Values.Select(_ => "---|"))).Append('\n');
        for (int i = 0; i < r.Values.Count; i++)
            b.Append("| ").Append(names[i]).Append(" | ").Append(string.Join(" | ", r.Values.Select((_, j) => N(r.Correlation[i, j], "F3")))).Append(" |\n");
        var pairs = r.Correlated().ToList();
        b.Append(pairs.Count == 0 ? "\nNo pair with |r| > 0.95.\n"
            : "\n" + string.Concat(pairs.Select(p => $"NOT IDENTIFIABLE TOGETHER: {r.Values[p.I].Parameter.Key} and {r.Values[p.J].Parameter.Key} (r = {N(p.R, "F3")})\n")));
        b.Append("\n| dataset | points | RMS residual |\n| --- | --- | --- |\n");
        foreach (var (label, rms, points) in r.DatasetRms) b.Append(CultureInfo.InvariantCulture, $"| {label} | {points} | {N(rms, "G4")} |\n");
        b.Append("\nCost (sum of squared weighted residuals) by evaluation: ").Append(string.Join(", ", r.CostHistory.Select(h => $"{h.Evaluation}: {N(h.Cost, "G4")}"))).Append('\n');
        return b.ToString();
    }

    private static string Provenance(FitSpec spec, string specPath, FitResult r)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"# Fitted by `electrodesim fit {Path.GetFileName(specPath)}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC ({r.ExitReason}, {r.Evaluations} evaluations).\n");
        foreach (var v in r.Values) b.Append(CultureInfo.InvariantCulture, $"#   {v.Parameter.Key} = {N(v.Value)}  (95 %: {Interval(v)}, initial {N(v.Parameter.Initial)})\n");
        foreach (var (d, (label, rms, points)) in spec.Datasets.Zip(r.DatasetRms))
            b.Append(CultureInfo.InvariantCulture, $"#   data {d.Data} (weight {N(d.Weight)}, {(MeasuredDataReader.KindOf(Path.Combine(Path.GetDirectoryName(specPath)!, d.Data)) == MeasuredSidecar.RateTable ? "rate table, relative capacity error" : $"axis {d.Axis}, V")}): RMS residual {N(rms, "G4")} over {points} points\n");
        b.Append("# Paths inside this copy are relative to the folder of the original case.\n");
        return b.ToString();
    }

    /// <summary>The 95 % interval, or why there is none: an interval spanning more than the bounds says the data do not constrain the value.</summary>
    private static string Interval(FittedValue v) =>
        !double.IsFinite(v.ScaledStandardError) ? "not determined (JᵀJ singular: the data do not depend on it)"
        : v.Lower95 < v.Parameter.Lower && v.Upper95 > v.Parameter.Upper ? $"[{N(v.Lower95, "G4")}, {N(v.Upper95, "G4")}]: wider than the bounds, not determined by these data"
        : $"[{N(v.Lower95, "G4")}, {N(v.Upper95, "G4")}]";

    private static string ParametersCsv(FitResult r) =>
        "key,value,lower95,upper95,scaled_standard_error,scale,lower_bound,upper_bound,initial\n" + string.Concat(r.Values.Select(v =>
            $"{v.Parameter.Key},{N(v.Value, "R")},{N(v.Lower95, "R")},{N(v.Upper95, "R")},{N(v.ScaledStandardError, "R")},{(v.Parameter.Log ? "log" : "linear")},{N(v.Parameter.Lower, "R")},{N(v.Parameter.Upper, "R")},{N(v.Parameter.Initial, "R")}\n"));

    private static string CorrelationCsv(FitResult r) =>
        "key," + string.Join(",", r.Values.Select(v => v.Parameter.Key)) + "\n" +
        string.Concat(r.Values.Select((v, i) => v.Parameter.Key + "," + string.Join(",", r.Values.Select((_, j) => N(r.Correlation[i, j], "F6"))) + "\n"));

    private static void Figures(string output, IReadOnlyList<FitDataset> datasets, IReadOnlyList<double> values, IReadOnlyList<FitParameter> parameters)
    {
        var series = new List<OverlaySeries>();
        string? axis = null, unit = null;
        foreach (var d in datasets.Where(d => d.Curve != null))
        {
            var set = new Dictionary<string, string>(d.Set ?? new Dictionary<string, string>());
            for (int k = 0; k < parameters.Count; k++) set[parameters[k].Key] = CaseOverride.Format(values[k]);
            try
            {
                var run = Simulator.Run(MeasuredComparison.ForCurve(MeasuredComparison.LoadCase(d.CasePath, set), d.Curve!));
                var s = MeasuredComparison.Samples(run, d.Curve!, d.Axis, d.Window);
                axis ??= s.Axis;
                unit ??= s.AxisUnit;
                if (s.Axis != axis) continue;
                series.Add(new OverlaySeries(d.Label, s.X, s.Measured, s.SimulatedX, s.SimulatedV, s.X, s.X.Select((_, k) => 1e3 * (s.Simulated[k] - s.Measured[k])).ToArray()));
            }
            catch (Exception e) when (e is not OutOfMemoryException) { Console.Error.WriteLine($"warning: {d.Label}: no figure ({e.Message})"); }
        }
        if (series.Count == 0) return;
        try
        {
            ValidationFigure.Write(Path.Combine(output, "fit.png"), "fitted", axis == MeasuredComparison.TimeAxis ? "time (s)" : $"capacity ({unit})", "voltage (V)", "sim − meas (mV)", series);
        }
        catch (FigureException e) { Console.Error.WriteLine($"warning: no figure: {e.Message}"); }
    }
}
