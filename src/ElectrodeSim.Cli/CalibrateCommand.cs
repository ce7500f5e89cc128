using ElectrodeSim.Calibration;
using ElectrodeSim.Cases;
using Spectre.Console;

namespace ElectrodeSim.Cli;

public static class CalibrateCommand
{
    public static int Execute(IAnsiConsole console, FileInfo specFile, bool write, bool verbose)
    {
        CalibrationSpec spec;
        try { spec = CalibrationSpec.Load(specFile.FullName); }
        catch (CaseValidationException e)
        {
            RunCommand.ReportInvalid(e, "calibration spec");
            return RunCommand.BadInput;
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.BadInput;
        }
        // A case that is invalid as written is bad input, not a trial value gone wrong: check them all first.
        int status = RunCommand.Ok;
        foreach (var name in spec.Cases)
        {
            string path = Path.Combine(specFile.DirectoryName!, name);
            try { RunCommand.ReportWarnings(name, CaseBuilder.Build(CaseFile.Load(path)).Warnings); }
            catch (CaseValidationException e) { RunCommand.ReportInvalid(e); status = RunCommand.BadInput; }
            catch (FileNotFoundException e) { Console.Error.WriteLine($"error: {e.Message}"); status = RunCommand.BadInput; }
        }
        if (status != RunCommand.Ok) return status;
        var calibrator = new Calibrator(spec, specFile.DirectoryName!) { Log = verbose ? Console.Out.WriteLine : null };
        console.WriteLine($"calibrating {spec.Parameters.Count} parameter(s) to {spec.Targets.Count} target(s) over {spec.Cases.Count} case(s)...");
        CalibrationResult result;
        try { result = calibrator.Run(); }
        catch (CaseValidationException e)
        {
            Console.Error.WriteLine($"error: a trial value made a case invalid: {string.Join("; ", e.Errors)}");
            return RunCommand.RunFailed;
        }
        catch (InvalidDataException e)
        {
            // Fewer targets than levers: the fit cannot determine them.
            Console.Error.WriteLine($"error: {specFile.Name}: {e.Message}");
            return RunCommand.BadInput;
        }
        var fit = result.Fit;
        Console.Out.WriteLine($"Levenberg-Marquardt (the fit's): {result.ExitReason} after {result.Iterations} iterations, {result.Evaluations} model evaluations, {fit.WallTime.TotalSeconds:F1} s wall time on {Environment.ProcessorCount} cores");
        Console.Out.WriteLine("calibrated values:");
        foreach (var ((p, v), k) in result.Values.Select((x, k) => (x, k)))
        {
            var f = fit.Values[k];
            string interval = fit.DegreesOfFreedom == 0 ? "95 % interval: none (as many targets as levers, no degrees of freedom)"
                : double.IsFinite(f.Lower95) ? $"95 %: [{f.Lower95:G4}, {f.Upper95:G4}]" : "95 % interval: not determined (JᵀJ singular)";
            Console.Out.WriteLine(p.Coefficients == null
                ? $"  {p.Key} = {v:G6}   (range [{p.Lower:G4}, {p.Upper:G4}]{(f.AtBound ? " AT BOUND" : "")}; {interval}; cases: {string.Join(", ", p.Cases.Select(Path.GetFileName))})"
                : $"  {p.Key} = coefficient x {v:G6}   (range [{p.Lower:G4}, {p.Upper:G4}]{(f.AtBound ? " AT BOUND" : "")}; {interval}; {string.Join(", ", p.Cases.Select(c => $"{Path.GetFileName(c)}: {p.ValueIn(c, v):G6}"))})");
        }
        var names = Fitting.FitParameter.ShortNames(fit.Values.Select(v => v.Parameter).ToList());
        Console.Out.WriteLine("correlation matrix (from JᵀJ at the optimum):");
        for (int i = 0; i < names.Length; i++)
            Console.Out.WriteLine($"  {names[i],-36} {string.Join(" ", Enumerable.Range(0, names.Length).Select(j => fit.Correlation[i, j].ToString("+0.000;-0.000", System.Globalization.CultureInfo.InvariantCulture)))}");
        foreach (var (i, j, r) in fit.Correlated())
            Console.Out.WriteLine($"  NOT IDENTIFIABLE TOGETHER: {fit.Values[i].Parameter.Key} and {fit.Values[j].Parameter.Key} (r = {r:F3})");
        Console.Out.WriteLine("targets:");
        foreach (var (t, m) in result.Targets)
            Console.Out.WriteLine($"  {t.Kind} {string.Join(" - ", t.Cases.Select(Path.GetFileNameWithoutExtension))}: model {m:G6}, target {t.Value:G6}, residual {m - t.Value:E2} ({(m - t.Value) / t.Value * 100:E2} %)");
        if (write)
        {
            calibrator.WriteCases(result.Values.Select(v => v.Value).ToList());
            Console.Out.WriteLine($"wrote the values into {string.Join(", ", spec.Cases.Select(Path.GetFileName))}");
        }
        return RunCommand.Ok;
    }
}
