using System.Globalization;
using ElectrodeSim.Calibration;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Fitting;

/// <summary><c>calibrate</c> is a fit: the calibrator's targets become the residuals of the <see cref="ElectrodeSim.Fitting.Fitter"/>.</summary>
public class CalibrateAsFitTests
{
    private static string Spec(params double[] capacities) => $"""
        description: tied film resistance
        cases: [l.yaml, m.yaml, h.yaml]
        parameters:
          - key: electrode.kinetics.film_resistance_ohm_m2
            cases: [l.yaml, m.yaml, h.yaml]
            coefficients: [0, 16.9, 42.7]
            initial: 0.0001
            lower: 0
            upper: 0.001
        targets:
        {string.Join("\n", capacities.Select((c, k) => $"  - {{kind: capacity_mAh_g, cases: [{(k == 0 ? "m" : "h")}.yaml], value: {c.ToString("R", CultureInfo.InvariantCulture)}}}"))}
        """;

    private static (Calibrator Calibrator, double[] Truth) Setup(Repository.TemporaryDirectory dir, Func<double[], string> spec, double k)
    {
        foreach (var v in new[] { "l", "m", "h" }) File.Copy(Repository.Case($"sio-c-{v}.yaml"), Path.Combine(dir.Path, $"{v}.yaml"), overwrite: true);
        // The capacities at the true k, from a calibrator whose targets are placeholders.
        File.WriteAllText(Path.Combine(dir.Path, "spec.yaml"), spec([700, 650]));
        var probe = new Calibrator(CalibrationSpec.Load(Path.Combine(dir.Path, "spec.yaml")), dir.Path);
        var truth = probe.Evaluate([k]);
        File.WriteAllText(Path.Combine(dir.Path, "spec.yaml"), spec(truth));
        return (new Calibrator(CalibrationSpec.Load(Path.Combine(dir.Path, "spec.yaml")), dir.Path), truth);
    }

    [Fact]
    public void One_lever_and_one_target_recovers_the_true_value_with_no_degrees_of_freedom_and_so_no_interval()
    {
        using var dir = new Repository.TemporaryDirectory();
        var (calibrator, _) = Setup(dir, c => Spec(c[0]), 3e-4);
        var result = calibrator.Run();
        Assert.InRange(result.Values[0].Value / 3e-4, 0.999, 1.001);                      // from 1e-4: the truth to 0.1 %
        Assert.Equal(0, result.Fit.DegreesOfFreedom);
        Assert.True(double.IsNaN(result.Fit.Values[0].Lower95));                         // no residual variance: no interval
        Assert.Equal(1.0, result.Fit.Correlation[0, 0], 12);
        Assert.True(result.Evaluations > result.Fit.Iterations);                         // the Jacobian's runs count too
    }

    [Fact]
    public void With_more_targets_than_levers_the_calibration_reports_an_interval_that_holds_the_truth()
    {
        using var dir = new Repository.TemporaryDirectory();
        // -m and -h targets from k = 3e-4, each moved by 0.3 mAh/g in opposite directions: a residual variance, an interval.
        var (_, truth) = Setup(dir, c => Spec(c), 3e-4);
        File.WriteAllText(Path.Combine(dir.Path, "spec.yaml"), Spec(truth[0] + 0.3, truth[1] - 0.3));
        var result = new Calibrator(CalibrationSpec.Load(Path.Combine(dir.Path, "spec.yaml")), dir.Path).Run();
        var v = result.Fit.Values[0];
        Assert.Equal(1, result.Fit.DegreesOfFreedom);
        Assert.True(double.IsFinite(v.Lower95) && double.IsFinite(v.Upper95), $"{v.Lower95} {v.Upper95}");
        Assert.InRange(3e-4, v.Lower95, v.Upper95);
        Assert.InRange(v.Value, v.Lower95, v.Upper95);
        Assert.True(v.Upper95 - v.Lower95 < 3e-4, $"[{v.Lower95}, {v.Upper95}]");         // the data do constrain k
    }
}
