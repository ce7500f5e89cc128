namespace ElectrodeSim.Plotting;

/// <summary>
/// Shape-preserving piecewise cubic Hermite interpolation (Fritsch and Carlson 1980, the slopes of
/// MATLAB's and SciPy's PCHIP): through every recorded point, no overshoot between them, monotone
/// wherever the data are. The figures draw recorded series with it because the solver's dense
/// output (its BDF interpolating polynomial) is not stored in the result file; straight segments
/// between the few records of a fast run (44 for SiO@C-h) look polygonal, and a spline that
/// overshoots would invent voltage minima that the run never had.
/// </summary>
public static class MonotoneCubic
{
    /// <summary>
    /// The curve through (<paramref name="x"/>, <paramref name="y"/>) sampled at
    /// <paramref name="perInterval"/> points per interval; <paramref name="x"/> strictly increasing.
    /// </summary>
    public static (double[] X, double[] Y) Sample(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int perInterval)
    {
        int n = x.Length;
        if (n < 3 || perInterval <= 1) return (x.ToArray(), y.ToArray());
        var d = Slopes(x, y);
        int m = (n - 1) * perInterval + 1;
        var (sx, sy) = (new double[m], new double[m]);
        for (int i = 0; i < n - 1; i++)
        {
            double h = x[i + 1] - x[i];
            for (int k = 0; k < perInterval; k++)
            {
                double s = (double)k / perInterval;
                double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s);
                double h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
                sx[i * perInterval + k] = x[i] + s * h;
                sy[i * perInterval + k] = h00 * y[i] + h10 * h * d[i] + h01 * y[i + 1] + h11 * h * d[i + 1];
            }
        }
        (sx[^1], sy[^1]) = (x[n - 1], y[n - 1]);
        return (sx, sy);
    }

    /// <summary>Node slopes: weighted harmonic mean of the neighbouring secants, zero at a local extremum.</summary>
    private static double[] Slopes(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        var h = new double[n - 1];
        var delta = new double[n - 1];
        for (int i = 0; i < n - 1; i++) { h[i] = x[i + 1] - x[i]; delta[i] = (y[i + 1] - y[i]) / h[i]; }
        var d = new double[n];
        for (int i = 1; i < n - 1; i++)
        {
            if (delta[i - 1] * delta[i] <= 0) { d[i] = 0; continue; }
            double w1 = 2 * h[i] + h[i - 1], w2 = h[i] + 2 * h[i - 1];
            d[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]);
        }
        d[0] = EndSlope(h[0], h[1], delta[0], delta[1]);
        d[n - 1] = EndSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
        return d;
    }

    /// <summary>The one-sided three-point end slope, limited so the end interval stays monotone.</summary>
    private static double EndSlope(double h0, double h1, double del0, double del1)
    {
        double d = ((2 * h0 + h1) * del0 - h0 * del1) / (h0 + h1);
        if (Math.Sign(d) != Math.Sign(del0)) return 0;
        if (Math.Sign(del0) != Math.Sign(del1) && Math.Abs(d) > Math.Abs(3 * del0)) return 3 * del0;
        return d;
    }
}
