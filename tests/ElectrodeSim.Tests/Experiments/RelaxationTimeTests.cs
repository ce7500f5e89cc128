using System.Numerics;
using ElectrodeSim.Analysis;

namespace ElectrodeSim.Tests.Experiments;

/// <summary>The distribution of relaxation times of <see cref="ImpedanceAnalysis.DistributionOfRelaxationTimes"/> on spectra of known RC circuits.</summary>
public class RelaxationTimeTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Z = R_s + Σ R_k / (1 + iωτ_k) at 10 points per decade from 1e-2 to 1e6 Hz.</summary>
    private static (double[] F, double[] Re, double[] Im) Spectrum(double series, params (double R, double Tau)[] pairs)
    {
        var f = Enumerable.Range(0, 81).Select(k => Math.Pow(10, 6 - k / 10.0)).ToArray();
        var z = f.Select(x => new Complex(series, 0) + pairs.Aggregate(Complex.Zero, (s, p) => s + p.R / new Complex(1, 2 * Math.PI * x * p.Tau))).ToArray();
        return (f, z.Select(c => c.Real).ToArray(), z.Select(c => c.Imaginary).ToArray());
    }

    [Fact]
    public void One_RC_pair_gives_one_peak_at_its_time_constant_holding_its_resistance()
    {
        const double rs = 0.01, r = 0.05, tau = 2e-3;
        var (f, re, im) = Spectrum(rs, (r, tau));
        var drt = ImpedanceAnalysis.DistributionOfRelaxationTimes(f, re, im);
        var peaks = drt.PeakTimes();
        output.WriteLine($"peaks {string.Join(", ", peaks.Select(p => p.ToString("G4")))} s (τ = {tau} s); Σg = {drt.TotalResistance:G5} (R = {r}), R_∞ = {drt.HighFrequencyResistance:G5} (R_s = {rs}), misfit {drt.Residual:E2} Ω·m²");
        Assert.Single(peaks);
        // The grid has 10 τ per decade (a factor 1.26); the parabola puts the peak well inside one spacing.
        Assert.InRange(Math.Abs(Math.Log10(peaks[0] / tau)), 0, 0.05);
        Assert.Equal(r, drt.TotalResistance, 0.02 * r);
        Assert.Equal(rs, drt.HighFrequencyResistance, 0.02 * rs);
        Assert.True(drt.Residual < 1e-3 * (rs + r), $"misfit {drt.Residual:E3}");
    }

    [Fact]
    public void Two_RC_pairs_three_decades_apart_give_two_peaks_with_their_resistances()
    {
        var (f, re, im) = Spectrum(0.005, (0.02, 1e-4), (0.08, 1e-1));
        var drt = ImpedanceAnalysis.DistributionOfRelaxationTimes(f, re, im);
        var peaks = drt.PeakTimes().OrderBy(t => t).ToList();
        output.WriteLine($"peaks {string.Join(", ", peaks.Select(p => p.ToString("G4")))} s (1e-4, 0.1 s); Σg = {drt.TotalResistance:G5} (0.1)");
        Assert.Equal(2, peaks.Count);
        Assert.InRange(Math.Abs(Math.Log10(peaks[0] / 1e-4)), 0, 0.05);
        Assert.InRange(Math.Abs(Math.Log10(peaks[1] / 1e-1)), 0, 0.05);
        // The weight of each peak (g summed over the half between the two time constants) is its pair's R.
        double split = Math.Sqrt(1e-4 * 1e-1);
        double fast = drt.Times.Zip(drt.Weights).Where(p => p.First < split).Sum(p => p.Second);
        double slow = drt.Times.Zip(drt.Weights).Where(p => p.First >= split).Sum(p => p.Second);
        Assert.Equal(0.02, fast, 0.02 * 0.02);
        Assert.Equal(0.08, slow, 0.02 * 0.08);
        Assert.All(drt.Weights, g => Assert.True(g >= 0));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var (f, re, im) = Spectrum(0.01, (0.05, 1e-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImpedanceAnalysis.DistributionOfRelaxationTimes(f, re, im, regularisation: -1));
        Assert.Throws<ArgumentException>(() => ImpedanceAnalysis.DistributionOfRelaxationTimes(f[..2], re[..2], im[..2]));
    }
}
