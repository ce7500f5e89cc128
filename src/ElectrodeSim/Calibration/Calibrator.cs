using ElectrodeSim.Cases;
using ElectrodeSim.Fitting;

namespace ElectrodeSim.Calibration;

/// <summary>The calibrated values, the model's results at them and the residuals.</summary>
public sealed record CalibrationResult(
    IReadOnlyList<(CalibrationParameter Parameter, double Value)> Values,
    IReadOnlyList<(CalibrationTarget Target, double Model)> Targets,
    string ExitReason, int Iterations, int Evaluations, FitResult Fit);

/// <summary>
/// Least-squares calibration of case parameters to target results: a special case of a fit (<see cref="Fitter"/>,
/// MathNet's bounded Levenberg–Marquardt, finite-difference Jacobian in parallel). Each evaluation edits the case texts
/// (<see cref="CaseOverrides"/>) and runs every case, so the calibrated values are exactly what
/// the case files will hold.
/// </summary>
public sealed class Calibrator(CalibrationSpec spec, string specDirectory)
{
    private readonly Dictionary<string, string> _texts = spec.Cases.ToDictionary(c => c, c => InputFiles.ReadText(Path.Combine(specDirectory, c), InputLimits.MaxCaseBytes));
    private int _evaluations;

    public Action<string>? Log { get; init; }

    public string CasePath(string name) => Path.GetFullPath(Path.Combine(specDirectory, name));

    /// <summary>The case texts with the given parameter values applied.</summary>
    public IReadOnlyDictionary<string, string> Texts(IReadOnlyList<double> values)
    {
        var result = new Dictionary<string, string>();
        foreach (var c in spec.Cases)
        {
            var overrides = new Dictionary<string, double>();
            for (int k = 0; k < spec.Parameters.Count; k++)
                if (spec.Parameters[k].Cases.Contains(c)) overrides[spec.Parameters[k].Key] = spec.Parameters[k].ValueIn(c, values[k]);
            // Value tokens only, so that `calibrate --write` keeps every comment and note of the case files.
            var assignments = overrides.Select(o => new Cases.CaseOverride(o.Key, Cases.CaseOverride.Format(o.Value))).ToList();
            result[c] = Cases.CaseOverrides.ApplyInPlace(_texts[c], assignments)
                ?? throw new ArgumentException($"{c}: the calibrated keys ({string.Join(", ", overrides.Keys)}) must each be a one-line plain value in the case file");
        }
        return result;
    }

    /// <summary>Model values of the targets at the given parameter values.</summary>
    public double[] Evaluate(IReadOnlyList<double> values)
    {
        Interlocked.Increment(ref _evaluations);
        var texts = Texts(values);
        var summaries = new Dictionary<string, Simulation.RunSummary>();
        foreach (var (name, text) in texts)
        {
            var setup = CaseBuilder.Build(CaseFile.Parse(text, CasePath(name), Path.GetDirectoryName(CasePath(name))!));
            summaries[name] = Simulator.Run(setup).Summary;
        }
        return spec.Targets.Select(t => t.Kind switch
        {
            "capacity_mAh_g" => summaries[t.Cases[0]].Capacity,
            "average_voltage_gap_V" => summaries[t.Cases[0]].AverageVoltage - summaries[t.Cases[1]].AverageVoltage,
            _ => throw new InvalidOperationException(t.Kind),
        }).ToArray();
    }

    /// <summary>
    /// The calibration as a fit (<see cref="Fitter"/>, the same bounded LM, forward-difference Jacobian in parallel,
    /// intervals and correlations as <c>electrodesim fit</c>): the levers are linear fit parameters within their
    /// bounds, the residual of target k is (model − value) / scale. With as many targets as levers the system is
    /// solved exactly and has no degrees of freedom, so the result has correlations but no confidence intervals.
    /// </summary>
    public CalibrationResult Run(int maxIterations = 100, int maxDegreeOfParallelism = 0)
    {
        var parameters = spec.Parameters.Select(p => new FitParameter(p.Key, p.Initial, p.Lower, p.Upper, Log: false)).ToList();
        IReadOnlyList<(string, double[])> Residuals(IReadOnlyList<double> values)
        {
            var model = Evaluate(values);
            Log?.Invoke($"  {string.Join(", ", spec.Parameters.Select((q, k) => $"{q.Key.Split('.').Last()}={values[k]:G6}"))} -> {string.Join(", ", model.Select(v => v.ToString("G6")))}");
            return spec.Targets.Select((t, k) => (Label(t), new[] { (model[k] - t.Value) / t.Scale })).ToList();
        }
        var fitter = new Fitter(parameters, Residuals)
        {
            MaxIterations = maxIterations,
            // Targets are smooth summaries (the cut-off is located inside the step), so a small step: 1e-4 of each lever's range.
            DifferenceStep = 1e-4,
            MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount,
        };
        var fit = fitter.Run();
        var best = fit.Values.Select(v => v.Value).ToArray();
        var modelValues = Evaluate(best);
        return new CalibrationResult(
            spec.Parameters.Select((p, k) => (p, best[k])).ToList(),
            spec.Targets.Select((t, k) => (t, modelValues[k])).ToList(),
            fit.ExitReason, fit.Iterations, _evaluations, fit);
    }

    /// <summary>A target's label: its kind and cases (<c>capacity_mAh_g sio-c-l</c>, <c>average_voltage_gap_V sio-c-l - sio-c-h</c>).</summary>
    public static string Label(CalibrationTarget t) => $"{t.Kind} {string.Join(" - ", t.Cases.Select(Path.GetFileNameWithoutExtension))}";

    /// <summary>Writes the calibrated values into the case files (only the value tokens change).</summary>
    public void WriteCases(IReadOnlyList<double> values)
    {
        foreach (var (name, text) in Texts(values)) File.WriteAllText(CasePath(name), text);
    }
}
