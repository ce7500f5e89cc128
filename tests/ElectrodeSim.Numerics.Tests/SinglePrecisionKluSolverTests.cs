using ElectrodeSim.Native.Klu;
using ElectrodeSim.Numerics.Sparse;
using static ElectrodeSim.Numerics.Tests.GmresTests;

namespace ElectrodeSim.Numerics.Tests;

/// <summary>
/// The float copies of KLU's factors (<see cref="SinglePrecisionKluSolver"/>) against KLU's own double solve, on matrices
/// where KLU pivots off the diagonal and scales rows, with a caller's fill-reducing ordering and block triangular form off.
/// </summary>
public sealed class SinglePrecisionKluSolverTests
{
    /// <summary>Convection–diffusion with rows scaled over eight decades and every seventh diagonal made tiny, so partial pivoting moves rows.</summary>
    private static double[] Awkward(SparsityPattern p, int k, bool scaleRows = true, bool tinyDiagonals = true)
    {
        var a = ConvectionDiffusion(p, k, bx: 3.0, by: 1.0, sigma: 0.2);
        var random = new Random(3);
        var rowScale = Enumerable.Range(0, p.Size).Select(_ => Math.Pow(10, 8 * random.NextDouble() - 4)).ToArray();
        if (tinyDiagonals) for (int i = 0; i < p.Size; i += 7) a[p.SlotOf(i, i)] = 1e-7;
        if (scaleRows) for (int e = 0; e < a.Length; e++) a[e] *= rowScale[p.RowIndices[e]];
        return a;
    }

    private static KluLinearSolver Klu(SparsityPattern p) =>
        new(p, new KluOptions { BlockTriangular = false, Permutation = FillReducingOrdering.NestedDissection(p) });

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Float_factor_solves_match_the_double_KLU_solve_to_single_precision_and_leave_a_small_residual(bool scaleRows, bool tinyDiagonals)
    {
        const int k = 24;
        var p = GridPattern(k);
        var a = Awkward(p, k, scaleRows, tinyDiagonals);
        using var reference = Klu(p);
        reference.Factor(a);
        using var single = new SinglePrecisionKluSolver(Klu(p), p.Size);
        single.Factor(a);
        Assert.Equal(reference.FactorEntries, single.FactorEntries);
        var (lnz, unz) = ((KluLinearSolver)reference).FactorNonZeros;
        Assert.True(lnz > p.Size && unz > p.Size, $"L {lnz}, U {unz} entries");
        for (int seed = 0; seed < 3; seed++)
        {
            var exact = Manufactured(p.Size, seed);
            var b = new double[p.Size];
            p.Multiply(a, exact, b);
            var x = (double[])b.Clone();
            single.Solve(x);
            var y = (double[])b.Clone();
            reference.Solve(y);
            double worst = 0, scale = exact.Max(Math.Abs);
            for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(x[i] - y[i]));
            // Float factors: 24-bit values, errors amplified by the conditioning of the tiny-pivot rows.
            Assert.True(worst <= 1e-4 * scale, $"seed {seed}: max difference {worst:E3} from KLU's double solve (|x*| up to {scale:E3})");
            Assert.True(worst > 0, "the float copies should differ from the double factors at round-off");
            // Row-scaled residual: each row relative to its largest entry times |x|.
            var r = new double[b.Length];
            p.Multiply(a, x, r);
            var rowMax = new double[p.Size];
            for (int e = 0; e < a.Length; e++) rowMax[p.RowIndices[e]] = Math.Max(rowMax[p.RowIndices[e]], Math.Abs(a[e]));
            double residual = 0;
            for (int i = 0; i < r.Length; i++) residual = Math.Max(residual, Math.Abs(r[i] - b[i]) / (rowMax[i] * scale));
            Assert.True(residual <= 1e-5, $"seed {seed}: scaled residual {residual:E3}");
        }
    }

    [Fact]
    public void A_refactorisation_replaces_the_float_factors()
    {
        const int k = 12;
        var p = GridPattern(k);
        using var single = new SinglePrecisionKluSolver(Klu(p), p.Size);
        single.Factor(ConvectionDiffusion(p, k, 1.0, 1.0, 0.0));
        var a = ConvectionDiffusion(p, k, 5.0, 0.5, 2.0);
        single.Factor(a);
        var exact = Manufactured(p.Size, 9);
        var b = new double[p.Size];
        p.Multiply(a, exact, b);
        single.Solve(b);
        for (int i = 0; i < b.Length; i++) Assert.Equal(exact[i], b[i], 5);
    }

    [Fact]
    public void Solving_before_a_factorisation_or_with_a_wrong_length_is_refused()
    {
        var p = GridPattern(4);
        using var single = new SinglePrecisionKluSolver(Klu(p), p.Size);
        Assert.Throws<InvalidOperationException>(() => single.Solve(new double[p.Size]));
        single.Factor(ConvectionDiffusion(p, 4, 1.0, 1.0, 0.0));
        Assert.Throws<ArgumentException>(() => single.Solve(new double[p.Size + 1]));
    }
}
