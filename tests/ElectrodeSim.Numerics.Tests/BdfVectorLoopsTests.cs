using ElectrodeSim.Numerics.TimeIntegration;
using static ElectrodeSim.Numerics.TimeIntegration.BdfVectorLoops;

namespace ElectrodeSim.Numerics.Tests;

/// <summary>
/// The BDF vector loops against the scalar operations they document, bit for bit, at every length from 0 to 13 (the
/// 4-wide loop where Vector256 is accelerated, then the 2-wide one and the scalar remainder): element-wise results equal,
/// and the sums of squares in the documented order — two lanes over the pairs of elements, lane 0 the even ones, lane 1
/// the odd ones, added, then the remaining element.
/// </summary>
public sealed class BdfVectorLoopsTests
{
    private static double[] Random(Random random, int n, double offset = -0.5) => Enumerable.Range(0, n).Select(_ => random.NextDouble() + offset).ToArray();

    /// <summary>The documented order of a sum of squares of x[i].</summary>
    private static double PairSum(double[] x)
    {
        double even = 0, odd = 0;
        int pairs = x.Length / 2 * 2;
        for (int i = 0; i < pairs; i += 2) { even += x[i] * x[i]; odd += x[i + 1] * x[i + 1]; }
        double sum = even + odd;
        for (int i = pairs; i < x.Length; i++) sum += x[i] * x[i];
        return sum;
    }

    public static TheoryData<int> Lengths() => new(Enumerable.Range(0, 14));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TwoDifferencesAndUpdateAreTheScalarOperations(int n)
    {
        var random = new Random(n + 1);
        double[] hi1 = Random(random, n), lo = Random(random, n), hi2 = Random(random, n), w = Random(random, n, 0.5);
        double inv1 = 1.7, inv2 = -0.3;
        var next1 = new double[n];
        var next2 = new double[n];
        TwoDifferences<On, On>(hi1, lo, inv1, next1, hi2, inv2, next2, w, out double sum1, out double sum2);
        var d1 = hi1.Select((h, i) => (h - lo[i]) * inv1).ToArray();
        var d2 = hi2.Select((h, i) => (h - d1[i]) * inv2).ToArray();
        Assert.Equal(d1, next1);
        Assert.Equal(d2, next2);
        Assert.Equal(PairSum(d1.Select((d, i) => d * w[i]).ToArray()), sum1);
        Assert.Equal(PairSum(d2.Select((d, i) => d * w[i]).ToArray()), sum2);

        double[] y = Random(random, n), delta = Random(random, n), scale = Random(random, n, 0.5);
        if (n > 0) delta[n / 2] *= 1e-15; // one update at round-off among the others
        var updated = y.ToArray();
        double sum = Update(updated, delta, w, scale, out bool atRoundOff);
        var expected = y.Select((v, i) => v - delta[i]).ToArray();
        Assert.Equal(expected, updated);
        Assert.Equal(PairSum(delta.Select((d, i) => d * w[i]).ToArray()), sum);
        Assert.Equal(Enumerable.Range(0, n).All(i => Math.Abs(delta[i]) <= 1e-13 * (Math.Abs(expected[i]) + scale[i])), atRoundOff);
        var tiny = delta.Select(d => d * 1e-16).ToArray();
        Update(y.ToArray(), tiny, w, scale, out bool tinyAtRoundOff);
        Assert.True(tinyAtRoundOff);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void PredictionFirstDifferencesAndResidualAreTheScalarOperations(int n)
    {
        var random = new Random(100 + n);
        var states = Enumerable.Range(0, 6).Select(_ => Random(random, n)).ToArray();
        double[] l = [0.9, -1.3, 2.1, 0.4, -0.2, 0.05], a = [3.2, -1.1, 0.6, -0.25, 0.125];
        var scale = Random(random, n, 0.5);
        const double rtol = 1e-6;
        foreach (var (count, last) in new[] { (6, false), (3, true), (1, true) })
        {
            double[] p = new double[n], b = new double[n], copy = new double[n], w = new double[n];
            Predict(states.AsSpan(0, count), last, l, a, p, b, copy, w, scale, rtol);
            int inHistory = last ? count : count - 1;
            for (int i = 0; i < n; i++)
            {
                double pv = 0.0, bv = 0.0;
                for (int j = 0; j < count; j++) pv += l[j] * states[j][i];
                for (int j = 0; j < inHistory; j++) bv += a[j] * states[j][i];
                if (inHistory == 0) bv = 0.0 + a[0] * states[0][i];
                Assert.Equal(pv, p[i]);
                Assert.Equal(pv, copy[i]);
                Assert.Equal(bv, b[i]);
                Assert.Equal(1.0 / (rtol * (Math.Abs(pv) + scale[i])), w[i]);
            }
        }

        double[] v = Random(random, n), hi1 = Random(random, n), hi2 = Random(random, n);
        double[] first = new double[n], weights = new double[n], next1 = new double[n], next2 = new double[n];
        FirstTwoDifferences<On>(v, first, weights, scale, rtol, hi1, 0.7, next1, hi2, 1.9, next2, out double sum2);
        var ew = v.Select((x, i) => 1.0 / (rtol * (Math.Abs(x) + scale[i]))).ToArray();
        var d1 = hi1.Select((h, i) => (h - v[i]) * 0.7).ToArray();
        var d2 = hi2.Select((h, i) => (h - d1[i]) * 1.9).ToArray();
        Assert.Equal(v, first);
        Assert.Equal(ew, weights);
        Assert.Equal(d1, next1);
        Assert.Equal(d2, next2);
        Assert.Equal(PairSum(d2.Select((d, i) => d * ew[i]).ToArray()), sum2);

        double[] g = Random(random, n), mass = Random(random, n), y = Random(random, n), history = Random(random, n);
        for (int i = 0; i < n; i += 3) mass[i] = 0;
        var delta = new double[n];
        Residual(g, mass, y, history, 2.5, delta);
        Assert.Equal(g.Select((gi, i) => mass[i] == 0 ? gi : gi + mass[i] * (2.5 * y[i] + history[i])).ToArray(), delta);
    }
}
