using ElectrodeSim.Cases;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace ElectrodeSim.Calibration;

/// <summary>The calibrated values, the model's results at them and the residuals.</summary>
public sealed record CalibrationResult(
    IReadOnlyList<(CalibrationParameter Parameter, double Value)> Values,
    IReadOnlyList<(CalibrationTarget Target, double Model)> Targets,
    string ExitReason, int Iterations, int Evaluations);

/// <summary>
/// Least-squares calibration of case parameters to target results with MathNet's bounded
/// Levenberg–Marquardt (finite-difference Jacobian). Each evaluation edits the case texts
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
        _evaluations++;
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

    public CalibrationResult Run(int maxIterations = 100)
    {
        var targets = Vector<double>.Build.DenseOfEnumerable(spec.Targets.Select(t => t.Value));
        var weights = Vector<double>.Build.DenseOfEnumerable(spec.Targets.Select(t => 1.0 / (t.Scale * t.Scale)));
        var index = Vector<double>.Build.Dense(spec.Targets.Count, i => i);
        Vector<double> Model(Vector<double> p, Vector<double> x)
        {
            var values = Evaluate(p.ToArray());
            Log?.Invoke($"  {string.Join(", ", spec.Parameters.Select((q, k) => $"{q.Key.Split('.').Last()}={p[k]:G6}"))} -> {string.Join(", ", values.Select(v => v.ToString("G6")))}");
            return Vector<double>.Build.DenseOfArray(values);
        }
        var objective = ObjectiveFunction.NonlinearModel(Model, index, targets, weights, accuracyOrder: 1);
        var lm = new LevenbergMarquardtMinimizer(maximumIterations: maxIterations);
        var initial = Vector<double>.Build.DenseOfEnumerable(spec.Parameters.Select(p => p.Initial));
        var lower = Vector<double>.Build.DenseOfEnumerable(spec.Parameters.Select(p => p.Lower));
        var upper = Vector<double>.Build.DenseOfEnumerable(spec.Parameters.Select(p => p.Upper));
        var scales = Vector<double>.Build.DenseOfEnumerable(spec.Parameters.Select(p => p.Upper - p.Lower));
        var result = lm.FindMinimum(objective, initial, lower, upper, scales);
        var best = result.MinimizingPoint.ToArray();
        var modelValues = Evaluate(best);
        return new CalibrationResult(
            spec.Parameters.Select((p, k) => (p, best[k])).ToList(),
            spec.Targets.Select((t, k) => (t, modelValues[k])).ToList(),
            result.ReasonForExit.ToString(), result.Iterations, _evaluations);
    }

    /// <summary>Writes the calibrated values into the case files (only the value tokens change).</summary>
    public void WriteCases(IReadOnlyList<double> values)
    {
        foreach (var (name, text) in Texts(values)) File.WriteAllText(CasePath(name), text);
    }
}
