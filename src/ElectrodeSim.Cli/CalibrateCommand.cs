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
        Console.Out.WriteLine($"Levenberg-Marquardt: {result.ExitReason} after {result.Iterations} iterations, {result.Evaluations} model evaluations");
        Console.Out.WriteLine("calibrated values:");
        foreach (var (p, v) in result.Values)
            Console.Out.WriteLine(p.Coefficients == null
                ? $"  {p.Key} = {v:G6}   (range [{p.Lower:G4}, {p.Upper:G4}]; cases: {string.Join(", ", p.Cases.Select(Path.GetFileName))})"
                : $"  {p.Key} = coefficient x {v:G6}   (range [{p.Lower:G4}, {p.Upper:G4}]; {string.Join(", ", p.Cases.Select(c => $"{Path.GetFileName(c)}: {p.ValueIn(c, v):G6}"))})");
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
