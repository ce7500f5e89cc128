using ElectrodeSim.Fitting;
using ElectrodeSim.Measured;
using ElectrodeSim.Tests.Support;
using ElectrodeSim.Validation;

namespace ElectrodeSim.Tests.Fitting;

/// <summary>
/// A synthetic twin: SiO@C-l lithiation curves at two rates simulated with known solid diffusivity and
/// exchange-current prefactor, Gaussian noise added, then both fitted back from a start a factor 3 off.
/// </summary>
public class SyntheticTwinFitTests
{
    private const double TrueDiffusivity = 2e-15;        // m²/s: particle time R²/D ≈ 1100 s, comparable to the lithiation
    private const double TruePrefactor = 300;            // A/m²: tens of mV of kinetic overpotential at 5 mA/cm²

    private static readonly Dictionary<string, string> Coarse = new()
    {
        ["mesh.separator_cells"] = "4", ["mesh.electrode_cells"] = "8", ["mesh.particle_shells"] = "10",
        ["solver.relative_tolerance"] = "1e-6", ["output.fields"] = "false",
    };

    private static Dictionary<string, string> At(double currentDensity, double diffusivity, double prefactor) => new(Coarse)
    {
        ["protocol[0].current_density_mA_cm2"] = currentDensity.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["electrode.solid_diffusivity_m2_s"] = diffusivity.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["electrode.kinetics.exchange_current_prefactor_A_m2"] = prefactor.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The true curve at 60 times over the lithiation, with N(0, noise²) added (seeded).</summary>
    private static MeasuredCurve Synthetic(double currentDensity, double noise, int seed)
    {
        string path = Repository.Case("sio-c-l.yaml");
        var setup = MeasuredComparison.LoadCase(path, At(currentDensity, TrueDiffusivity, TruePrefactor));
        var first = Simulator.Run(setup).Solution;
        double end = first.Time[^1] - first.Time[0];
        // Run again as the fit runs it (largest step capped for the compared span), so that the twin is exact but for the noise.
        var span = new MeasuredCurve { File = "span", Time = [0, end * 59.5 / 60], Voltage = [0, 0] };
        var s = Simulator.Run(MeasuredComparison.ForCurve(setup, span)).Solution;
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var time = Enumerable.Range(0, 60).Select(k => end * (k + 0.5) / 60).ToArray();
        var simTime = s.Time.Select(t => t - s.Time[0]).ToArray();
        var voltage = time.Select(t => MeasuredComparison.Interpolate(simTime, s.Voltage, t, hold: true) + noise * Normal()).ToArray();
        return new MeasuredCurve { File = $"synthetic {currentDensity} mA/cm2", Time = time, Voltage = voltage };
    }

    private static FitResult Fit(double noise)
    {
        string path = Repository.Case("sio-c-l.yaml");
        var datasets = new[] { 2.0, 5.0 }.Select(i =>
            new FitDataset($"{i} mA/cm2", path, new Dictionary<string, string>(Coarse) { ["protocol[0].current_density_mA_cm2"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Synthetic(i, noise, seed: (int)(10 * i)), null)).ToList();
        var parameters = new[]
        {
            new FitParameter("electrode.solid_diffusivity_m2_s", 3 * TrueDiffusivity, 1e-17, 1e-12, Log: true),
            new FitParameter("electrode.kinetics.exchange_current_prefactor_A_m2", TruePrefactor / 3, 1, 1e6, Log: true),
        };
        return new Fitter(parameters, datasets) { MaxIterations = 40 }.Run();
    }

    [Fact]
    public void Diffusivity_and_exchange_current_prefactor_are_recovered_within_their_95_percent_intervals_from_2mV_noise()
    {
        var fit = Fit(noise: 2e-3);
        var d = fit.Values[0];
        var j = fit.Values[1];
        Assert.InRange(TrueDiffusivity, d.Lower95, d.Upper95);
        Assert.InRange(TruePrefactor, j.Lower95, j.Upper95);
        // Intervals that say something: narrower than a factor 1.1 between their ends.
        Assert.True(d.Upper95 / d.Lower95 < 1.1 && j.Upper95 / j.Lower95 < 1.1,
            $"D_s {d.Value:G4} [{d.Lower95:G4}, {d.Upper95:G4}], j0' {j.Value:G4} [{j.Lower95:G4}, {j.Upper95:G4}], r = {fit.Correlation[0, 1]:F3}, sigma {fit.ResidualSigma:G3}, {fit.Evaluations} evaluations");
        Assert.InRange(d.Value / TrueDiffusivity, 0.8, 1.25);
        Assert.InRange(j.Value / TruePrefactor, 0.8, 1.25);
        Assert.InRange(fit.ResidualSigma, 1.5e-3, 2.6e-3);           // the residual spread is the noise put in
        Assert.True(fit.Iterations >= 1);
        // The intervals shrink with less noise (roughly in proportion: the same Jacobian, a quarter of the spread).
        var quiet = Fit(noise: 0.5e-3);
        Assert.True(quiet.Values[0].ScaledStandardError < 0.5 * d.ScaledStandardError, $"{quiet.Values[0].ScaledStandardError} vs {d.ScaledStandardError}");
        Assert.True(quiet.Values[1].ScaledStandardError < 0.5 * j.ScaledStandardError, $"{quiet.Values[1].ScaledStandardError} vs {j.ScaledStandardError}");
        Assert.InRange(TrueDiffusivity, quiet.Values[0].Lower95, quiet.Values[0].Upper95);
        Assert.InRange(TruePrefactor, quiet.Values[1].Lower95, quiet.Values[1].Upper95);
    }
}
