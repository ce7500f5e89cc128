using System.CommandLine;
using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Mesh;
using ElectrodeSim.Validation;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary>
/// <c>electrodesim validate [DIR] [--reference DIR] [--only TEXT] [--mesh-factors 0.5,1,2] [--out DIR]</c>:
/// runs the cases of a validation directory (its <c>validation.yaml</c>) and compares them with their
/// reference results, one line per case, exit code 1 when a tolerance is exceeded.
/// </summary>
public static class ValidateCommand
{
    public const string DefaultDirectory = "validation/marquis2019";

    public static Command Create(IAnsiConsole console)
    {
        var directory = new Argument<DirectoryInfo>("dir")
        {
            Description = $"Validation directory holding {ValidationManifest.FileName} and its cases (default {DefaultDirectory})",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var reference = new Option<DirectoryInfo>("--reference", "-r") { Description = "Directory of the reference files (default: reference_directory of the manifest)" };
        var only = new Option<string>("--only") { Description = "Run only the cases whose file name is this or has it as a '-'-separated part, e.g. 1C (not 0.1C) or marquis2019-3C" };
        var factors = new Option<string>("--mesh-factors", "-m")
        {
            Description = "Mesh-convergence study: run every case with its cell and shell counts scaled by each factor, e.g. 0.5,1,2,4, and print the table",
        };
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Write CASE.voltage.csv (time, reference, simulated and field-implied voltage) and CASE.steps.csv (the reference's recovered internal steps) per case to this directory; " +
                          "for measured-data entries validation.csv, validation.md, ENTRY.png and ENTRY.points.csv (default results/validation/NAME)",
        };
        var command = new Command("validate",
            "Run the cases of a validation directory and compare them with their reference results: per case the max and RMS |dV| over the\n" +
            "window where the reference voltage is above the manifest's threshold, the same at the reference solver's internal steps where they can be\n" +
            "recovered from its (piecewise-quadratic) output, and where reference fields are given the max relative error of\n" +
            "the electrolyte concentration and potential and the electrode surface concentrations. Measured-data entries (entries: curve, rate_table,\n" +
            "summary) report RMSE, MAE, max |dV| and capacity errors and write validation.csv/.md and figures to --out (default results/validation/NAME).\n" +
            "Exit code 1 when a tolerance is exceeded.")
        {
            directory, reference, only, factors, output,
        };
        command.SetAction(parse => Execute(console, parse.GetValue(directory)?.FullName ?? DefaultDirectory, parse.GetValue(reference)?.FullName,
            parse.GetValue(only), parse.GetValue(factors), parse.GetValue(output)?.FullName));
        return command;
    }

    public static int Execute(IAnsiConsole console, string directory, string? referenceDirectory, string? only, string? meshFactors, string? outputDirectory)
    {
        ValidationManifest manifest;
        double[] factors = [1.0];
        try
        {
            manifest = ValidationManifest.Load(directory);
            if (meshFactors != null) factors = ParseFactors(meshFactors);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or YamlDotNet.Core.YamlException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.BadInput;
        }
        var cases = manifest.Cases!.Where(c => only == null || Matches(c.Case!, only)).ToList();
        var entries = manifest.Entries!.Select((e, k) => (e, k)).Where(e => only == null || Matches(e.e.Label(e.k), only) || (e.e.Case != null && Matches(e.e.Case, only))).ToList();
        if (cases.Count == 0 && entries.Count == 0)
        {
            Console.Error.WriteLine($"error: no case or entry of {manifest.Path} matches --only {only}");
            return RunCommand.BadInput;
        }
        string references = manifest.ReferencePath(referenceDirectory);
        if (cases.Count > 0 && !Directory.Exists(references))
        {
            Console.Error.WriteLine($"error: reference directory not found: {references} (give --reference DIR)");
            return RunCommand.BadInput;
        }
        if (cases.Count == 0) return MeasuredValidateReport.Execute(manifest, entries, outputDirectory, RunCommand.Ok);

        var window = manifest.VoltageWindowAboveV is { } v ? $"where the reference voltage is above {Number(v)} V" : "over the whole run";
        Console.Out.WriteLine($"{manifest.Title ?? manifest.Path}");
        Console.Out.WriteLine($"reference: {references}; |dV| {window}, on the reference's output times");
        int status = RunCommand.Ok;
        foreach (var entry in cases)
        {
            var rows = new List<CaseComparison>();
            foreach (double factor in factors)
            {
                CaseComparison result;
                try
                {
                    result = ReferenceComparison.Run(manifest, entry, references, factor == 1.0 ? null : s => s with { Mesh = Scale(s.Mesh, factor) });
                }
                catch (CaseValidationException e)
                {
                    Console.Error.WriteLine($"error: {e.Message}");
                    return RunCommand.BadInput;
                }
                catch (Exception e) when (e is IOException or InvalidDataException)
                {
                    Console.Error.WriteLine($"error: {entry.Case}: {e.Message}");
                    return RunCommand.BadInput;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Console.Error.WriteLine($"error: {entry.Case}: the run failed: {e.Message}");
                    status = RunCommand.RunFailed;
                    continue;
                }
                rows.Add(result);
                if (factors.Length == 1) Report(result);
                else ReportConvergenceRow(result, factor, rows.Count == 1);
                if (factor == 1.0 && !result.Passed && status == RunCommand.Ok) status = RunCommand.RunFailed;
                if (outputDirectory != null) WriteVoltage(outputDirectory, entry, result, factors.Length == 1 ? null : factor);
            }
        }
        if (entries.Count > 0) return MeasuredValidateReport.Execute(manifest, entries, outputDirectory, status);
        return status;
    }

    private static void Report(CaseComparison r)
    {
        string limit = r.VoltageLimit is { } l ? $" (limit {Number(1e3 * l)} mV: {(r.VoltageWithinLimit ? "ok" : "EXCEEDED")})" : "";
        Console.Out.WriteLine(
            Invariant($"{r.CaseName}: max |dV| {r.Voltage.MaxMillivolts:F3} mV at t = {r.Voltage.TimeOfMax:G6} s, RMS {r.Voltage.RmsMillivolts:F3} mV over {r.Voltage.Points} points{limit}; ") +
            Invariant($"mesh {r.MeshDescription}, {r.Unknowns} unknowns, {r.WallTime.TotalSeconds:F2} s"));
        string stepLimit = r.StepVoltageLimit is { } sl ? $" (limit {Number(1e3 * sl)} mV: {(r.StepVoltageWithinLimit ? "ok" : "EXCEEDED")})" : "";
        Console.Out.WriteLine("  " + StepSummary(r) + stepLimit);
        foreach (var f in r.Fields)
        {
            string absolute = f.Unit == "V" ? $"{1e3 * f.MaxAbsolute:F3} mV" : $"{f.MaxAbsolute:G4} {f.Unit}";
            string fieldLimit = f.Quantity == ReferenceComparison.ElectrolyteConcentration && r.ElectrolyteConcentrationLimit is { } cl
                ? $" (limit {Number(100 * cl)} %: {(r.FieldsWithinLimit ? "ok" : "EXCEEDED")})" : "";
            Console.Out.WriteLine(Invariant($"  {f.Quantity}: max relative error {100 * f.MaxRelative:F3} % (max |d| {absolute}) at t = {f.Time:G6} s, x = {1e6 * f.Position:F2} um{fieldLimit}"));
        }
        if (r.Implied is { } implied)
        {
            Console.Out.WriteLine(
                Invariant($"  voltage implied by the reference's own fields: reference vs implied max {implied.ReferenceVsImplied.MaxMillivolts:F3} mV at t = {implied.ReferenceVsImplied.TimeOfMax:G6} s; ") +
                Invariant($"simulation vs implied max {implied.SimulationVsImplied.MaxMillivolts:F3} mV at t = {implied.SimulationVsImplied.TimeOfMax:G6} s, RMS {implied.SimulationVsImplied.RmsMillivolts:F3} mV"));
        }
    }

    /// <summary>The comparison at the reference's recovered internal steps, or why there is none.</summary>
    private static string StepSummary(CaseComparison r)
    {
        if (r.ReferenceSteps is not { } steps) return "internal steps of the reference: not analysed";
        if (steps.NotApplicable != null) return $"internal steps of the reference: not analysed ({steps.NotApplicable})";
        string found = Invariant($"{steps.Steps.Count} steps recovered from its piecewise-quadratic output, {steps.Dropped} found once and dropped");
        if (r.StepVoltage is not { Points: > 0 } e) return $"at the reference's internal steps: none to compare ({found})";
        return Invariant($"at the reference's internal steps: max |dV| {e.MaxMillivolts:F3} mV at t = {e.TimeOfMax:G6} s, RMS {e.RmsMillivolts:F3} mV over {e.Points} steps ") +
               Invariant($"({steps.Steps[0].Time:F0}-{steps.Steps[^1].Time:F0} s; {found}; estimates agree within {1e6 * steps.MaxValueDifference:F1} uV)");
    }

    private static void ReportConvergenceRow(CaseComparison r, double factor, bool first)
    {
        if (first)
            Console.Out.WriteLine($"{r.CaseName}:\n  factor | mesh | unknowns | max |dV| mV (t s) | RMS mV | at internal steps: max |dV| mV (t s) | RMS mV | c_e / c_s,n / c_s,p max rel % | sim vs field-implied max mV | V(end) V | wall s");
        string Relative(string quantity) => r.Fields.FirstOrDefault(f => f.Quantity == quantity) is { } f ? (100 * f.MaxRelative).ToString("F3", CultureInfo.InvariantCulture) : "-";
        string ceText = r.Fields.Count == 0 ? "-" : string.Join(" / ", new[]
            { ReferenceComparison.ElectrolyteConcentration, ReferenceComparison.NegativeSurfaceConcentration, ReferenceComparison.PositiveSurfaceConcentration }.Select(Relative));
        string impliedText = r.Implied != null ? r.Implied.SimulationVsImplied.MaxMillivolts.ToString("F3", CultureInfo.InvariantCulture) : "-";
        string stepText = r.StepVoltage is { Points: > 0 } e ? Invariant($"{e.MaxMillivolts:F3} ({e.TimeOfMax:G6}) | {e.RmsMillivolts:F3}") : "- | -";
        Console.Out.WriteLine(Invariant(
            $"  {factor:G4} | {r.MeshDescription} | {r.Unknowns} | {r.Voltage.MaxMillivolts:F3} ({r.Voltage.TimeOfMax:G6}) | {r.Voltage.RmsMillivolts:F3} | {stepText} | {ceText} | {impliedText} | {r.SimulatedVoltage[^1]:F6} | {r.WallTime.TotalSeconds:F1}"));
    }

    private static void WriteVoltage(string directory, ValidationCase entry, CaseComparison r, double? factor)
    {
        Directory.CreateDirectory(directory);
        string name = Path.GetFileNameWithoutExtension(entry.Case!) + (factor is { } f ? Invariant($".mesh-x{f:G4}") : "") + ".voltage.csv";
        using (var writer = new StreamWriter(Path.Combine(directory, name)))
        {
            writer.WriteLine("time_s,reference_voltage_V,simulated_voltage_V,field_implied_voltage_V");
            for (int k = 0; k < r.Time.Length; k++)
                writer.WriteLine(Invariant($"{r.Time[k]:R},{r.ReferenceVoltage[k]:R},{r.SimulatedVoltage[k]:R},{(r.Implied != null ? r.Implied.Voltage[k] : double.NaN):R}"));
        }
        if (r.ReferenceSteps is not { NotApplicable: null } steps) return;
        // The reference's recovered internal steps (confirmed = 1) and the dropped single-intersection candidates (0).
        using var stepWriter = new StreamWriter(Path.Combine(directory, name.Replace(".voltage.csv", ".steps.csv")));
        stepWriter.WriteLine("time_s,reference_voltage_V,simulated_voltage_V,confirmed,estimate_time_difference_s,estimate_voltage_difference_V");
        var rows = steps.Steps.Select((s, k) => (s, Simulated: r.StepSimulatedVoltage[k], Confirmed: 1))
            .Concat(steps.Unconfirmed.Select((s, k) => (s, Simulated: r.UnconfirmedSimulatedVoltage[k], Confirmed: 0)))
            .OrderBy(row => row.s.Time);
        foreach (var (s, simulated, confirmed) in rows)
            stepWriter.WriteLine(Invariant($"{s.Time:R},{s.Value:R},{simulated:R},{confirmed},{s.TimeDifference:R},{s.ValueDifference:R}"));
    }

    /// <summary>Every cell and shell count of <paramref name="mesh"/> times <paramref name="factor"/>, rounded, at least 1.</summary>
    public static MeshSettings Scale(MeshSettings mesh, double factor)
    {
        int S(int n) => Math.Max(1, (int)Math.Round(n * factor));
        return mesh with
        {
            SeparatorCells = S(mesh.SeparatorCells),
            ElectrodeCells = S(mesh.ElectrodeCells),
            ParticleShells = S(mesh.ParticleShells),
            ElectrodeCellCounts = mesh.ElectrodeCellCounts?.Select(S).ToArray(),
            ParticleShellCounts = mesh.ParticleShellCounts?.Select(S).ToArray(),
        };
    }

    private static double[] ParseFactors(string text)
    {
        var factors = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) || !(f > 0) || !double.IsFinite(f))
                throw new FormatException($"--mesh-factors: '{part}' is not a number > 0");
            factors.Add(f);
        }
        if (factors.Count == 0) throw new FormatException("--mesh-factors: give at least one factor, e.g. 0.5,1,2");
        return factors.ToArray();
    }

    /// <summary>Whether a case file name is <paramref name="only"/> or has it as one of its '-'-separated parts (<c>1C</c> selects marquis2019-1C.yaml, not -0.1C).</summary>
    private static bool Matches(string caseFile, string only)
    {
        string stem = Path.GetFileNameWithoutExtension(caseFile);
        return stem.Equals(only, StringComparison.OrdinalIgnoreCase) || caseFile.Equals(only, StringComparison.OrdinalIgnoreCase)
               || stem.Split('-').Any(part => part.Equals(only, StringComparison.OrdinalIgnoreCase));
    }

    private static string Number(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
