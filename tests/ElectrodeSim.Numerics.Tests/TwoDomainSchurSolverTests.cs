using ElectrodeSim.Native.Klu;
using ElectrodeSim.Numerics.Sparse;
using static ElectrodeSim.Numerics.Tests.GmresTests;

namespace ElectrodeSim.Numerics.Tests;

/// <summary>
/// <see cref="TwoDomainSchurSolver"/> (two interiors factorised on two threads, dense Schur complement on the separator)
/// against KLU with nested dissection on the whole matrix.
/// </summary>
public sealed class TwoDomainSchurSolverTests
{
    private static KluLinearSolver Klu(SparsityPattern p) =>
        new(p, new KluOptions { BlockTriangular = false, Permutation = FillReducingOrdering.NestedDissection(p) });

    /// <summary>A k × k grid plus, with <paramref name="global"/>, one unknown coupled to every cell both ways (as the collector potential or the current).</summary>
    private static SparsityPattern GridWithGlobal(int k, bool global)
    {
        int n = k * k + (global ? 1 : 0);
        var b = new SparsityPatternBuilder(n);
        for (int j = 0; j < k; j++)
            for (int i = 0; i < k; i++)
            {
                int c = j * k + i;
                b.Add(c, c);
                if (i > 0) b.Add(c, c - 1);
                if (i < k - 1) b.Add(c, c + 1);
                if (j > 0) b.Add(c, c - k);
                if (j < k - 1) b.Add(c, c + k);
                if (global) { b.Add(c, n - 1); b.Add(n - 1, c); }
            }
        if (global) b.Add(n - 1, n - 1);
        return b.Build();
    }

    private static double[] Values(SparsityPattern p, int k, double bx, double by, double sigma, bool global, int seed)
    {
        var random = new Random(seed);
        var v = new double[p.NonZeroCount];
        int n = p.Size;
        for (int j = 0; j < k; j++)
            for (int i = 0; i < k; i++)
            {
                int c = j * k + i;
                double d = 1 + 0.5 * random.NextDouble(); // a varying conductance
                v[p.SlotOf(c, c)] = (4 + bx + by) * d + sigma;
                if (i > 0) v[p.SlotOf(c, c - 1)] = (-1 - bx) * d;
                if (i < k - 1) v[p.SlotOf(c, c + 1)] = -d;
                if (j > 0) v[p.SlotOf(c, c - k)] = (-1 - by) * d;
                if (j < k - 1) v[p.SlotOf(c, c + k)] = -d;
                if (global)
                {
                    v[p.SlotOf(c, n - 1)] = -0.01 * random.NextDouble();
                    v[p.SlotOf(n - 1, c)] = 1.0 / (k * k);
                }
            }
        if (global) v[p.SlotOf(n - 1, n - 1)] = -1;
        return v;
    }

    private static double MaxRelativeDifference(double[] x, double[] y)
    {
        double worst = 0, scale = x.Max(Math.Abs);
        for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(x[i] - y[i]));
        return worst / scale;
    }

    private static void AssertAgreesWithKlu(SparsityPattern p, double[] a, TwoDomainSchurSolver two, double tolerance)
    {
        using var klu = Klu(p);
        klu.Factor(a);
        two.Factor(a);
        for (int seed = 0; seed < 3; seed++)
        {
            var b = Manufactured(p.Size, seed);
            var x = (double[])b.Clone();
            var y = (double[])b.Clone();
            two.Solve(x);
            klu.Solve(y);
            double d = MaxRelativeDifference(y, x);
            Assert.True(d <= tolerance, $"seed {seed}: max difference {d:E3} relative to KLU-ND's solution");
            double mine = ScaledResidual(p, a, b, x), klus = ScaledResidual(p, a, b, y);
            Assert.True(mine <= Math.Max(10 * klus, 1e-14), $"seed {seed}: scaled residual {mine:E3} against KLU-ND's {klus:E3}");
        }
    }

    /// <summary>max over rows of |A x − b| relative to the row's largest entry times max |x|.</summary>
    private static double ScaledResidual(SparsityPattern p, double[] a, double[] b, double[] x)
    {
        var r = new double[p.Size];
        p.Multiply(a, x, r);
        var rowMax = new double[p.Size];
        for (int e = 0; e < a.Length; e++) rowMax[p.RowIndices[e]] = Math.Max(rowMax[p.RowIndices[e]], Math.Abs(a[e]));
        double residual = 0, scale = x.Max(Math.Abs);
        for (int i = 0; i < r.Length; i++) residual = Math.Max(residual, Math.Abs(r[i] - b[i]) / (rowMax[i] * scale));
        return residual;
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0, false)] // Laplacian-type (symmetric, varying conductance)
    [InlineData(0.0, 0.0, 0.0, true)]
    [InlineData(3.0, 1.0, 0.2, false)] // convection–diffusion (nonsymmetric)
    [InlineData(8.0, 0.5, 0.0, true)]
    public void Matches_KLU_with_nested_dissection_to_1e_10(double bx, double by, double sigma, bool global)
    {
        const int k = 40;
        var p = GridWithGlobal(k, global);
        var a = Values(p, k, bx, by, sigma, global, seed: 5);
        using var two = new TwoDomainSchurSolver(p);
        // A k × k grid's top bisection: about one grid line (k) of separator, each interior near half.
        Assert.InRange(two.SeparatorSize, k / 2, 3 * k + 1);
        Assert.InRange(two.InteriorSizes.First, k * k / 3, 2 * k * k / 3);
        AssertAgreesWithKlu(p, a, two, 1e-10);
        Assert.Equal(0, two.Fallbacks);
        Assert.True(two.FactorTimes.Calls == 1 && two.SolveTimes.Calls == 3, "each factorisation and solve went through the split");
        // A second matrix on the same pattern (refactorisation on the kept pivot order).
        AssertAgreesWithKlu(p, Values(p, k, bx + 1, by, sigma + 0.5, global, seed: 6), two, 1e-10);
        Assert.Equal(0, two.Fallbacks);
    }

    [Fact]
    public void A_global_constraint_on_one_edge_only_still_splits()
    {
        // As a voltage-controlled step's current constraint: the global row sums cells on one edge (i = 0) and has no diagonal,
        // so the half without that edge sees an empty row in its trailing block (singular there, while S is not). The halves
        // factorise A33 shifted on the diagonal, S takes the shift off: no fallback to the whole-matrix KLU, same solution.
        const int k = 40;
        var p = GridWithGlobal(k, true);
        var a = Values(p, k, 3.0, 1.0, 0.0, true, seed: 7);
        int n = p.Size;
        for (int c = 0; c < k * k; c++) a[p.SlotOf(n - 1, c)] = c % k == 0 ? 1.0 / k : 0;
        a[p.SlotOf(n - 1, n - 1)] = 0;
        using var two = new TwoDomainSchurSolver(p);
        AssertAgreesWithKlu(p, a, two, 1e-10);
        Assert.True(two.Fallbacks == 0, $"fell back: {two.LastFallbackReason}");
    }

    [Fact]
    public void Rows_scaled_over_eight_decades_still_agree()
    {
        const int k = 30;
        var p = GridWithGlobal(k, true);
        var a = Values(p, k, 3.0, 1.0, 0.0, true, seed: 2);
        var random = new Random(3);
        var rowScale = Enumerable.Range(0, p.Size).Select(_ => Math.Pow(10, 8 * random.NextDouble() - 4)).ToArray();
        for (int e = 0; e < a.Length; e++) a[e] *= rowScale[p.RowIndices[e]];
        using var two = new TwoDomainSchurSolver(p);
        AssertAgreesWithKlu(p, a, two, 1e-10);
    }

    [Fact]
    public void Two_unconnected_grids_have_an_empty_separator_and_a_tiny_matrix_is_not_split()
    {
        // Block diagonal: two 20 × 20 grids with no entry between them.
        const int k = 20;
        var single = GridPattern(k);
        var b = new SparsityPatternBuilder(2 * k * k);
        for (int c = 0; c < k * k; c++)
            for (int e = single.ColumnPointers[c]; e < single.ColumnPointers[c + 1]; e++)
            {
                b.Add(single.RowIndices[e], c);
                b.Add(k * k + single.RowIndices[e], k * k + c);
            }
        var p = b.Build();
        var one = ConvectionDiffusion(single, k, 2.0, 1.0, 0.1);
        var a = new double[p.NonZeroCount];
        for (int c = 0; c < k * k; c++)
            for (int e = single.ColumnPointers[c]; e < single.ColumnPointers[c + 1]; e++)
            {
                a[p.SlotOf(single.RowIndices[e], c)] = one[e];
                a[p.SlotOf(k * k + single.RowIndices[e], k * k + c)] = 2 * one[e];
            }
        using var two = new TwoDomainSchurSolver(p);
        Assert.Equal(0, two.SeparatorSize);
        Assert.Equal(k * k, two.InteriorSizes.First);
        AssertAgreesWithKlu(p, a, two, 1e-10);
        Assert.Equal(0, two.Fallbacks);

        // 2 × 2: METIS cannot bisect it into two non-empty interiors; the whole-matrix KLU solves it.
        var tiny = new SparsityPatternBuilder(2);
        tiny.Add(0, 0); tiny.Add(0, 1); tiny.Add(1, 0); tiny.Add(1, 1);
        var tp = tiny.Build();
        using var small = new TwoDomainSchurSolver(tp);
        double[] t = [4, -1, -2, 3]; // column-major: (0,0), (1,0), (0,1), (1,1)
        AssertAgreesWithKlu(tp, t, small, 1e-14);
        Assert.Equal(1, small.Fallbacks);
    }

    [Fact]
    public void A_singular_matrix_is_reported_as_KLU_reports_it()
    {
        const int k = 30;
        var p = GridWithGlobal(k, true);
        using var two = new TwoDomainSchurSolver(p);
        using var klu = Klu(p);
        foreach (int column in new[] { 17, k * k / 2 + 3, k * k })
        {
            var a = Values(p, k, 3.0, 1.0, 0.0, true, seed: 4);
            for (int e = p.ColumnPointers[column]; e < p.ColumnPointers[column + 1]; e++) a[e] = 0; // a zero column
            Assert.Throws<SingularIterationMatrixException>(() => klu.Factor(a));
            Assert.Throws<SingularIterationMatrixException>(() => two.Factor(a));
            Assert.Throws<InvalidOperationException>(() => two.Solve(new double[p.Size]));
        }
        var nonFinite = Values(p, k, 3.0, 1.0, 0.0, true, seed: 4);
        nonFinite[100] = double.NaN;
        Assert.Throws<SingularIterationMatrixException>(() => two.Factor(nonFinite));
        // It recovers on the next regular matrix.
        AssertAgreesWithKlu(p, Values(p, k, 3.0, 1.0, 0.0, true, seed: 4), two, 1e-10);
    }

    [Fact]
    public void Repeated_solves_and_a_second_solver_are_bit_identical()
    {
        const int k = 40;
        var p = GridWithGlobal(k, true);
        var a = Values(p, k, 3.0, 1.0, 0.2, true, seed: 8);
        var b = Manufactured(p.Size, 11);
        using var first = new TwoDomainSchurSolver(p);
        using var second = new TwoDomainSchurSolver(p);
        first.Factor(a);
        var reference = (double[])b.Clone();
        first.Solve(reference);
        for (int repeat = 0; repeat < 30; repeat++)
        {
            if (repeat % 10 == 5) first.Factor(a);
            var x = (double[])b.Clone();
            first.Solve(x);
            Assert.Equal(reference, x); // exact equality of every double
        }
        second.Factor(a);
        var y = (double[])b.Clone();
        second.Solve(y);
        Assert.Equal(reference, y);
    }
}
