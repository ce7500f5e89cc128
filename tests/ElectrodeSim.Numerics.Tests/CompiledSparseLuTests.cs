using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Numerics.Tests;

/// <summary>
/// The compiled sparse LU against KLU on random sparse matrices: a banded part with global rows and columns (the shape of
/// the condensed P2D matrix), zero diagonals that force row pivoting, new values on the same pattern, a pivot sequence
/// that turns unsound, and singular or non-finite matrices.
/// </summary>
public sealed class CompiledSparseLuTests
{
    private static (SparsityPattern Pattern, double[] Values) Build(int seed, int n, int band, int globals, double zeroDiagonalFraction)
    {
        var random = new Random(seed);
        var entries = new Dictionary<(int, int), double>();
        void Add(int r, int c, double v) => entries[(r, c)] = entries.GetValueOrDefault((r, c)) + v;
        for (int i = 0; i < n; i++)
        {
            bool zeroDiagonal = random.NextDouble() < zeroDiagonalFraction;
            Add(i, i, zeroDiagonal ? 0.0 : 2 + random.NextDouble());
            for (int d = 1; d <= band; d++)
            {
                if (i + d < n && random.NextDouble() < 0.7) Add(i, i + d, random.NextDouble() - 0.5);
                if (i - d >= 0 && random.NextDouble() < 0.7) Add(i, i - d, 2 * (random.NextDouble() - 0.5));
            }
        }
        for (int g = 0; g < globals; g++)
        {
            int u = n - 1 - g;
            for (int i = 0; i < n - globals; i += 3) { Add(u, i, random.NextDouble() - 0.5); Add(i, u, random.NextDouble() - 0.5); }
        }
        var builder = new SparsityPatternBuilder(n);
        builder.AddDiagonal();
        foreach (var (r, c) in entries.Keys) builder.Add(r, c);
        var pattern = builder.Build();
        var values = new double[pattern.NonZeroCount];
        foreach (var ((r, c), v) in entries) values[pattern.SlotOf(r, c)] = v;
        return (pattern, values);
    }

    private static void AssertSolvesLikeKlu(SparsityPattern pattern, double[] values, CompiledSparseLu lu, Random random)
    {
        using var klu = new KluLinearSolver(pattern);
        lu.Factor(values);
        klu.Factor(values);
        int n = pattern.Size;
        var b = Enumerable.Range(0, 2 * n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var x = b.ToArray();
        var reference = b.ToArray();
        lu.Solve(x);
        klu.Solve(reference);
        double scale = reference.Max(Math.Abs);
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - reference[i]) <= 1e-10 * scale, $"x[{i}] = {x[i]:R}, KLU {reference[i]:R}");
        for (int s = 0; s < 2; s++)
        {
            var ax = new double[n];
            pattern.Multiply(values, x.AsSpan(s * n, n), ax);
            for (int i = 0; i < n; i++) Assert.True(Math.Abs(ax[i] - b[s * n + i]) <= 1e-11 * (1 + scale), $"residual of right side {s} at {i}: {ax[i] - b[s * n + i]:G3}");
        }
    }

    [Theory]
    [InlineData(1, 98, 6, 2, 0.0)]
    [InlineData(2, 222, 8, 2, 0.1)]
    [InlineData(3, 40, 2, 1, 0.3)]
    [InlineData(4, 1, 0, 0, 0.0)]
    public void SolvesLikeKluAndKeepsItsPivotsForNewValues(int seed, int n, int band, int globals, double zeroDiagonals)
    {
        var (pattern, values) = Build(seed, n, band, globals, zeroDiagonals);
        if (n == 1) values[0] = 3.0;
        var lu = new CompiledSparseLu(pattern);
        var random = new Random(seed + 100);
        AssertSolvesLikeKlu(pattern, values, lu, random);
        // Values within ±10 %: the pivot sequence is kept.
        for (int k = 0; k < values.Length; k++) values[k] *= 1 + 0.2 * (random.NextDouble() - 0.5);
        AssertSolvesLikeKlu(pattern, values, lu, random);
        Assert.Equal(1, lu.Analyses);
    }

    [Fact]
    public void RedoesThePivotSequenceWhenAKeptPivotVanishes()
    {
        var (pattern, values) = Build(5, 60, 4, 1, 0.0);
        var lu = new CompiledSparseLu(pattern);
        var random = new Random(7);
        AssertSolvesLikeKlu(pattern, values, lu, random);
        // The first values pivot on the (dominant) diagonal; with every diagonal zero the kept sequence meets a zero pivot at
        // its first step, and a fresh one pivots off the diagonal.
        for (int i = 0; i < pattern.Size; i++) values[pattern.SlotOf(i, i)] = 0.0;
        AssertSolvesLikeKlu(pattern, values, lu, random);
        Assert.Equal(2, lu.Analyses);
    }

    /// <summary>
    /// Instances on equal patterns share the column order and the compiled eliminations (one per pivot sequence): built at
    /// once on 16 threads, half of them with zero diagonals (another pivot sequence), each solves like KLU and gives the
    /// bits an instance built alone afterwards gives for its values.
    /// </summary>
    [Fact]
    public void InstancesOnEqualPatternsShareTheirStructureAcrossThreads()
    {
        const int count = 16;
        var solutions = new double[count][];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, i =>
        {
            var (pattern, values) = Build(9, 70, 4, 2, i % 2 == 0 ? 0.0 : 0.2);
            for (int k = 0; k < values.Length; k++) values[k] *= 1 + 0.01 * i;
            var lu = new CompiledSparseLu(pattern);
            AssertSolvesLikeKlu(pattern, values, lu, new Random(i));
            solutions[i] = Enumerable.Range(0, pattern.Size).Select(r => 1.0 + r).ToArray();
            lu.Solve(solutions[i]);
        });
        for (int i = 0; i < count; i++)
        {
            var (pattern, values) = Build(9, 70, 4, 2, i % 2 == 0 ? 0.0 : 0.2);
            for (int k = 0; k < values.Length; k++) values[k] *= 1 + 0.01 * i;
            var lu = new CompiledSparseLu(pattern);
            lu.Factor(values);
            var x = Enumerable.Range(0, pattern.Size).Select(r => 1.0 + r).ToArray();
            lu.Solve(x);
            Assert.Equal(x, solutions[i]);
        }
    }

    [Fact]
    public void ASingularOrNonFiniteMatrixIsASingularIterationMatrix()
    {
        var (pattern, values) = Build(6, 30, 3, 0, 0.0);
        var lu = new CompiledSparseLu(pattern);
        // A zero column.
        var singular = values.ToArray();
        for (int k = pattern.ColumnPointers[10]; k < pattern.ColumnPointers[11]; k++) singular[k] = 0.0;
        Assert.Throws<SingularIterationMatrixException>(() => lu.Factor(singular));
        lu.Factor(values);
        var nonFinite = values.ToArray();
        nonFinite[5] = double.NaN;
        Assert.Throws<SingularIterationMatrixException>(() => lu.Factor(nonFinite));
        nonFinite[5] = double.PositiveInfinity;
        Assert.Throws<SingularIterationMatrixException>(() => lu.Factor(nonFinite));
    }
}
