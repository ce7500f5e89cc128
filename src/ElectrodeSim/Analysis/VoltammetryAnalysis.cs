namespace ElectrodeSim.Analysis;

/// <summary>A straight-line least-squares fit y = Intercept + Slope x with the standard errors of both.</summary>
public readonly record struct LineFit(double Slope, double Intercept, double SlopeError, double InterceptError, double RSquared, int Points)
{
    public static LineFit Of(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        if (n < 2 || y.Count != n) throw new ArgumentException("a line fit needs at least two (x, y) pairs");
        double mx = x.Average(), my = y.Average(), sxx = 0, sxy = 0, syy = 0;
        for (int k = 0; k < n; k++) { sxx += (x[k] - mx) * (x[k] - mx); sxy += (x[k] - mx) * (y[k] - my); syy += (y[k] - my) * (y[k] - my); }
        double slope = sxy / sxx, intercept = my - slope * mx;
        double residual = Math.Max(0, syy - slope * sxy);
        double s2 = n > 2 ? residual / (n - 2) : double.NaN;
        double slopeError = Math.Sqrt(s2 / sxx);
        double interceptError = Math.Sqrt(s2 * (1.0 / n + mx * mx / sxx));
        return new LineFit(slope, intercept, slopeError, interceptError, syy > 0 ? 1 - residual / syy : 1, n);
    }
}

/// <summary>One cyclic voltammogram at one scan rate: potential [V] and current density [A/m²] in time order.</summary>
/// <param name="ScanRate">[V/s]</param>
/// <param name="Potential">[V]</param>
/// <param name="Current">[A/m²], any sign convention, as long as all voltammograms share it.</param>
public sealed record Voltammogram(double ScanRate, double[] Potential, double[] Current);

/// <summary>
/// Peak currents of one voltammogram [A/m²] and where they are [V]: the largest current of each sign (NaN when none has
/// it), and whether it is no maximum (<see cref="PositivePeakAtVertex"/>, <see cref="NegativePeakAtVertex"/>): the current
/// at a vertex or end of its sweep segment is within 5 % of it, so the current was still rising when the sweep turned (or
/// highest just after the turn), there is no peak in the papers' sense, and a b-value of such currents measures the vertex.
/// </summary>
public readonly record struct VoltammogramPeaks(double ScanRate, double PositivePeak, double PositivePeakPotential, double NegativePeak, double NegativePeakPotential,
                                                bool PositivePeakAtVertex = false, bool NegativePeakAtVertex = false);

/// <summary>
/// The analyses the seed papers apply to cyclic voltammetry, for simulated or measured curves alike: peak current per
/// scan rate, the power law i_p = a v^b fitted on log i_p against log v (b = 1 surface/capacitive, b = ½ semi-infinite
/// diffusion), and Dunn's split i(V) = k₁ v + k₂ v^½ at each potential across the scan rates, whose k₁ v share of the
/// voltammogram's charge is the "capacitive fraction" per scan rate.
/// </summary>
public static class VoltammetryAnalysis
{
    public static VoltammogramPeaks Peaks(Voltammogram cv)
    {
        var (hi, hiAtVertex) = Peak(cv, +1);
        var (lo, loAtVertex) = Peak(cv, -1);
        return new VoltammogramPeaks(cv.ScanRate, hi < 0 ? double.NaN : cv.Current[hi], hi < 0 ? double.NaN : cv.Potential[hi],
                                     lo < 0 ? double.NaN : cv.Current[lo], lo < 0 ? double.NaN : cv.Potential[lo], hiAtVertex, loAtVertex);
    }

    /// <summary>
    /// The record of the largest current of one sign (−1 when no current has that sign) and whether it is no maximum: the
    /// current at either end of its sweep segment (the records between two turns of the sweep direction) is within 5 % of it.
    /// </summary>
    private static (int Index, bool AtVertex) Peak(Voltammogram cv, int sign)
    {
        var v = cv.Potential;
        var i = cv.Current;
        int n = i.Length, peak = -1;
        for (int k = 0; k < n; k++)
            if (sign * i[k] > 0 && (peak < 0 || sign * i[k] > sign * i[peak])) peak = k;
        if (peak < 0) return (-1, false);
        int Direction(int k) => Math.Sign(v[k + 1] - v[k]);
        int direction = peak + 1 < n && Direction(peak) != 0 ? Direction(peak) : peak > 0 ? Direction(peak - 1) : 0;
        int end = peak, start = peak;
        while (end + 1 < n && Direction(end) * direction >= 0) end++;
        while (start > 0 && Direction(start - 1) * direction >= 0) start--;
        double top = sign * i[peak];
        return (peak, sign * i[end] >= 0.95 * top || sign * i[start] >= 0.95 * top);
    }

    /// <summary>b of |i_p| = a v^b: slope of log₁₀|i_p| against log₁₀ v, with its standard error.</summary>
    public static LineFit BValue(IReadOnlyList<double> scanRates, IReadOnlyList<double> peakCurrents) =>
        LineFit.Of(scanRates.Select(Math.Log10).ToList(), peakCurrents.Select(i => Math.Log10(Math.Abs(i))).ToList());

    /// <summary>
    /// Dunn's split on a potential grid of <paramref name="gridPoints"/> points across the potential range all
    /// voltammograms share, separately on the falling and the rising branch: at each potential, i/v^½ = k₁ v^½ + k₂
    /// by least squares over the scan rates. Returns, per voltammogram, ∫|k₁ v| dV / ∫|i| dV over both branches.
    /// </summary>
    public static double[] CapacitiveFractions(IReadOnlyList<Voltammogram> cvs, int gridPoints = 200)
    {
        if (cvs.Count < 2) throw new ArgumentException("Dunn's split needs voltammograms at two or more scan rates");
        double low = cvs.Max(c => c.Potential.Min()), high = cvs.Min(c => c.Potential.Max());
        var grid = Enumerable.Range(0, gridPoints).Select(k => low + (high - low) * (k + 0.5) / gridPoints).ToArray();
        var capacitive = new double[cvs.Count];
        var total = new double[cvs.Count];
        foreach (bool falling in new[] { true, false })
        {
            var branches = cvs.Select(c => Branch(c, falling)).ToList();
            foreach (double v in grid)
            {
                var currents = branches.Select(b => Interpolate(b.Potential, b.Current, v)).ToArray();
                var x = cvs.Select(c => Math.Sqrt(c.ScanRate)).ToList();
                var y = currents.Select((i, k) => i / x[k]).ToList();
                var fit = LineFit.Of(x, y);
                for (int k = 0; k < cvs.Count; k++)
                {
                    capacitive[k] += Math.Abs(fit.Slope * cvs[k].ScanRate);
                    total[k] += Math.Abs(currents[k]);
                }
            }
        }
        return capacitive.Select((c, k) => Math.Min(1.0, c / total[k])).ToArray();
    }

    /// <summary>The falling (or rising) part of a voltammogram, as potential-sorted arrays.</summary>
    private static (double[] Potential, double[] Current) Branch(Voltammogram cv, bool falling)
    {
        var points = new List<(double V, double I)>();
        for (int k = 1; k < cv.Potential.Length; k++)
        {
            double dv = cv.Potential[k] - cv.Potential[k - 1];
            if (falling ? dv < 0 : dv > 0) points.Add((cv.Potential[k], cv.Current[k]));
        }
        points.Sort((a, b) => a.V.CompareTo(b.V));
        return (points.Select(p => p.V).ToArray(), points.Select(p => p.I).ToArray());
    }

    private static double Interpolate(double[] x, double[] y, double at)
    {
        if (x.Length == 0) return double.NaN;
        int k = Array.BinarySearch(x, at);
        if (k >= 0) return y[k];
        k = ~k;
        if (k == 0) return y[0];
        if (k >= x.Length) return y[^1];
        double w = (at - x[k - 1]) / (x[k] - x[k - 1]);
        return y[k - 1] + w * (y[k] - y[k - 1]);
    }
}
