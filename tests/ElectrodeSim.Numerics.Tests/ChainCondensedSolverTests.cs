using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Numerics.Tests;

/// <summary>
/// The condensed solve against KLU on the whole matrix: a random sparse "x" block with, per attachment, a tridiagonal
/// chain (the shape of a P2D iteration matrix: kept unknowns coupled among themselves, each particle's inner shells a chain
/// hanging off its outer shell).
/// </summary>
public sealed class ChainCondensedSolverTests
{
    private static (SparsityPattern Pattern, double[] Values, int[][] Chains, int[] Attachments) Build(int seed, int kept, int chainCount, int chainLength, bool noUpperEntries = false, bool mixedLengths = false, int equalClasses = 0)
    {
        var random = new Random(seed);
        // Mixed lengths: runs of equal-length chains (2, 2, 1, … consecutive chains one shell longer), so that the solver's
        // interleaved groups have different lane counts and lengths.
        int Length(int c) => mixedLengths ? chainLength + (c % 5 < 2 ? 1 : 0) + (c % 5 == 4 ? 3 : 0) : chainLength;
        var offsets = new int[chainCount + 1];
        for (int c = 0; c < chainCount; c++) offsets[c + 1] = offsets[c] + Length(c);
        int n = kept + offsets[chainCount];
        var entries = new Dictionary<(int, int), double>();
        void Add(int r, int c, double v) => entries[(r, c)] = entries.GetValueOrDefault((r, c)) + v;
        for (int i = 0; i < kept; i++)
        {
            Add(i, i, 4 + random.NextDouble());
            for (int k = 0; k < 3; k++) Add(i, random.Next(kept), random.NextDouble() - 0.5);
        }
        var chains = new int[chainCount][];
        var attachments = new int[chainCount];
        for (int c = 0; c < chainCount; c++)
        {
            // Chains interleaved with each other in the numbering, attached to distinct kept unknowns.
            chains[c] = mixedLengths
                ? Enumerable.Range(0, Length(c)).Select(k => kept + offsets[c] + k).ToArray()
                : Enumerable.Range(0, chainLength).Select(k => kept + k * chainCount + c).ToArray();
            attachments[c] = (7 * c + 3) % kept;
            var nodes = chains[c].Append(attachments[c]).ToArray();
            // Equal classes: chain c has the entries of every chain of its class c mod equalClasses, except its
            // attachment's entry to it (row s, column i_{m−1}), which the declaration leaves free.
            var chainRandom = equalClasses > 0 ? new Random(1000 * seed + c % equalClasses) : random;
            for (int k = 0; k < nodes.Length - 1; k++)
            {
                double g = 0.5 + chainRandom.NextDouble();
                bool identity = noUpperEntries;
                Add(nodes[k], nodes[k], identity ? 1.0 : g + 0.1 + chainRandom.NextDouble());
                Add(nodes[k + 1], nodes[k + 1], g);
                if (!identity) Add(nodes[k], nodes[k + 1], -g);
                double toPrevious = -g * (0.5 + chainRandom.NextDouble());
                Add(nodes[k + 1], nodes[k], k + 2 < nodes.Length ? toPrevious : toPrevious * (0.5 + random.NextDouble()));
            }
        }
        var builder = new SparsityPatternBuilder(n);
        builder.AddDiagonal();
        foreach (var (r, c) in entries.Keys) builder.Add(r, c);
        var pattern = builder.Build();
        var values = new double[pattern.NonZeroCount];
        foreach (var ((r, c), v) in entries) values[pattern.SlotOf(r, c)] = v;
        return (pattern, values, chains, attachments);
    }

    [Theory]
    [InlineData(1, 30, 10, 12, false)]
    [InlineData(2, 50, 20, 1, false)]
    [InlineData(3, 25, 5, 40, true)]
    [InlineData(6, 40, 17, 3, false, true)]
    // 37 chains of one length: more than one group of the most lanes, and a last group of fewer.
    [InlineData(7, 60, 37, 6, false)]
    public void SolvesLikeKluOnTheWholeMatrix(int seed, int kept, int chainCount, int chainLength, bool noUpperEntries, bool mixedLengths = false)
    {
        var (pattern, values, chains, attachments) = Build(seed, kept, chainCount, chainLength, noUpperEntries, mixedLengths);
        using var condensed = new ChainCondensedSolver(pattern, chains, attachments);
        using var klu = new KluLinearSolver(pattern);
        Assert.Equal(kept, condensed.ReducedSize);
        var random = new Random(seed + 100);
        // Two factorisations with different values on the same pattern (the second one reuses the chain buffers).
        for (int round = 0; round < 2; round++)
        {
            if (round == 1) for (int k = 0; k < values.Length; k++) values[k] *= 1 + 0.2 * (random.NextDouble() - 0.5);
            condensed.Factor(values);
            klu.Factor(values);
            // Two right-hand sides stored one after the other.
            var b = Enumerable.Range(0, 2 * pattern.Size).Select(_ => random.NextDouble() - 0.5).ToArray();
            var x = b.ToArray();
            var reference = b.ToArray();
            condensed.Solve(x);
            klu.Solve(reference.AsSpan(0, pattern.Size));
            klu.Solve(reference.AsSpan(pattern.Size));
            double scale = reference.Max(Math.Abs);
            for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - reference[i]) <= 1e-12 * scale, $"x[{i}] = {x[i]:R}, KLU {reference[i]:R}");
            // And the residual of the condensed solution itself.
            var ax = new double[pattern.Size];
            pattern.Multiply(values, x.AsSpan(0, pattern.Size), ax);
            for (int i = 0; i < ax.Length; i++) Assert.True(Math.Abs(ax[i] - b[i]) <= 1e-12 * (1 + scale), $"residual at {i}: {ax[i] - b[i]:G3}");
        }
    }

    /// <summary>
    /// Chains declared equal to an earlier one copy its elimination: on a matrix where the declaration holds the solution is
    /// bit for bit that of eliminating every chain (the same arithmetic per chain), and KLU's to round-off. 37 chains in 3
    /// classes: copied chains in several groups of lanes, their sources in one.
    /// </summary>
    [Theory]
    [InlineData(8, 60, 37, 6, 3)]
    [InlineData(9, 30, 10, 1, 2)]
    [InlineData(10, 40, 12, 5, 1)]
    public void DeclaredEqualChainsGiveTheSolutionOfEliminatingEach(int seed, int kept, int chainCount, int chainLength, int classes)
    {
        var (pattern, values, chains, attachments) = Build(seed, kept, chainCount, chainLength, equalClasses: classes);
        var sameValuesAs = Enumerable.Range(0, chainCount).Select(c => c < classes ? -1 : c - classes).ToArray();
        using var declared = new ChainCondensedSolver(pattern, chains, attachments, sameValuesAs);
        using var each = new ChainCondensedSolver(pattern, chains, attachments);
        using var klu = new KluLinearSolver(pattern);
        Assert.Equal(classes, declared.EliminatedChains);
        Assert.Equal(chainCount, each.EliminatedChains);
        var random = new Random(seed + 100);
        for (int round = 0; round < 2; round++)
        {
            // The second round scales every value by one factor: the chains stay equal.
            if (round == 1) for (int k = 0; k < values.Length; k++) values[k] *= 1.3;
            declared.Factor(values);
            each.Factor(values);
            klu.Factor(values);
            var b = Enumerable.Range(0, pattern.Size).Select(_ => random.NextDouble() - 0.5).ToArray();
            var x = b.ToArray();
            var y = b.ToArray();
            var reference = b.ToArray();
            declared.Solve(x);
            each.Solve(y);
            klu.Solve(reference);
            Assert.Equal(y, x);
            double scale = reference.Max(Math.Abs);
            for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - reference[i]) <= 1e-12 * scale, $"x[{i}] = {x[i]:R}, KLU {reference[i]:R}");
        }
        // A declaration that does not hold (one chain's diagonal changed) is not detected: the copy is then wrong, which
        // shows the declared chains are indeed copied rather than eliminated.
        values[pattern.SlotOf(chains[classes][0], chains[classes][0])] *= 2;
        declared.Factor(values);
        klu.Factor(values);
        var wrong = Enumerable.Repeat(1.0, pattern.Size).ToArray();
        var right = wrong.ToArray();
        declared.Solve(wrong);
        klu.Solve(right);
        Assert.True(Enumerable.Range(0, right.Length).Max(i => Math.Abs(wrong[i] - right[i])) > 1e-6 * right.Max(Math.Abs));
    }

    /// <summary>
    /// A diagonal shift folded into the factorisation (the BDF a0 M) is bit for bit the shift added to the values first,
    /// leaves the values as they were, and is re-bound when another shift is passed: shifts on kept unknowns and on chain
    /// elements, some diagonals unshifted (algebraic rows), equal chains declared (their shifts equal too).
    /// </summary>
    [Theory]
    [InlineData(11, 40, 12, 5, 3)]
    [InlineData(12, 30, 10, 1, 0)]
    public void AFoldedDiagonalShiftIsTheShiftAddedFirst(int seed, int kept, int chainCount, int chainLength, int classes)
    {
        var (pattern, values, chains, attachments) = Build(seed, kept, chainCount, chainLength, equalClasses: classes);
        int[]? sameValuesAs = classes > 0 ? Enumerable.Range(0, chainCount).Select(c => c < classes ? -1 : c - classes).ToArray() : null;
        using var folded = new ChainCondensedSolver(pattern, chains, attachments, sameValuesAs);
        using var added = new ChainCondensedSolver(pattern, chains, attachments, sameValuesAs);
        // Every kept unknown but each third, and every chain element at an even position, shifted by 1 + its position.
        var shifted = Enumerable.Range(0, kept).Where(i => i % 3 != 0)
            .Concat(chains.SelectMany(chain => chain.Where((_, k) => k % 2 == 0))).ToArray();
        var shift = new DiagonalShift(shifted.Select(i => pattern.SlotOf(i, i)).ToArray(),
            shifted.Select(i => 1.0 + (chains.FirstOrDefault(c => c.Contains(i)) is { } chain ? Array.IndexOf(chain, i) : 0.3)).ToArray());
        var other = new DiagonalShift(shift.Slots, shift.Coefficients.Select(c => 2 * c).ToArray());
        var random = new Random(seed + 200);
        foreach (var (s, a) in new[] { (shift, 0.7), (shift, 3.1), (other, 0.7) })
        {
            var original = values.ToArray();
            folded.Factor(values, a, s);
            Assert.Equal(original, values);
            var withShift = values.ToArray();
            s.AddTo(withShift, a);
            added.Factor(withShift);
            var b = Enumerable.Range(0, pattern.Size).Select(_ => random.NextDouble() - 0.5).ToArray();
            var x = b.ToArray();
            var y = b.ToArray();
            folded.Solve(x);
            added.Solve(y);
            Assert.Equal(y, x);
        }
    }

    /// <summary>
    /// A second solver for equal inputs shares the first one's set-up (a template) but not its buffers: factorised with other
    /// values in between, each solves exactly as a solver made afresh for its own values.
    /// </summary>
    [Fact]
    public void ASolverFromATemplateKeepsBuffersOfItsOwn()
    {
        var (pattern, values, chains, attachments) = Build(13, 40, 17, 6, equalClasses: 2);
        var sameValuesAs = Enumerable.Range(0, chains.Length).Select(c => c < 2 ? -1 : c - 2).ToArray();
        using var first = ChainCondensedSolver.TryCreate(pattern, chains, attachments, out _, sameValuesAs)!;
        using var second = ChainCondensedSolver.TryCreate(pattern, chains, attachments, out _, sameValuesAs)!;
        using var fresh = new ChainCondensedSolver(pattern, chains, attachments, sameValuesAs);
        var other = values.Select(v => 1.7 * v).ToArray();
        first.Factor(values);
        second.Factor(other);
        var b = Enumerable.Range(0, pattern.Size).Select(i => Math.Sin(i)).ToArray();
        var x = b.ToArray();
        var y = b.ToArray();
        first.Solve(x);
        second.Solve(y);
        fresh.Factor(values);
        var reference = b.ToArray();
        fresh.Solve(reference);
        Assert.Equal(reference, x);
        fresh.Factor(other);
        reference = b.ToArray();
        fresh.Solve(reference);
        Assert.Equal(reference, y);
    }

    [Fact]
    public void RejectsAnEqualChainDeclarationThatIsNotAnEarlierChainOfItsLength()
    {
        var (pattern, _, chains, attachments) = Build(6, 40, 17, 3, mixedLengths: true);
        // Chains 0 and 1 have 4 elements, chain 2 has 3 (Build's mixed lengths).
        Assert.Throws<ArgumentException>(() => new ChainCondensedSolver(pattern, chains, attachments, [-1, -1, 0, .. Enumerable.Repeat(-1, 14)]));
        Assert.Throws<ArgumentException>(() => new ChainCondensedSolver(pattern, chains, attachments, [1, -1, .. Enumerable.Repeat(-1, 15)]));
        Assert.Throws<ArgumentException>(() => new ChainCondensedSolver(pattern, chains, attachments, [-1, 0]));
        using var valid = new ChainCondensedSolver(pattern, chains, attachments, [-1, 0, .. Enumerable.Repeat(-1, 15)]);
        Assert.Equal(16, valid.EliminatedChains);
    }

    [Fact]
    public void RejectsAChainUnknownCoupledOutsideItsChain()
    {
        var (pattern, _, chains, attachments) = Build(4, 20, 4, 6);
        // Couple an inner unknown of chain 0 to a kept unknown that is not its attachment.
        var builder = new SparsityPatternBuilder(pattern.Size);
        for (int c = 0; c < pattern.Size; c++)
            for (int k = pattern.ColumnPointers[c]; k < pattern.ColumnPointers[c + 1]; k++) builder.Add(pattern.RowIndices[k], c);
        int other = (attachments[0] + 1) % 20;
        builder.Add(other, chains[0][2]);
        var e = Assert.Throws<ArgumentException>(() => new ChainCondensedSolver(builder.Build(), chains, attachments));
        Assert.Contains($"({other}, {chains[0][2]})", e.Message);
        // Two chains sharing an unknown.
        var shared = chains.Select(c => c.ToArray()).ToArray();
        shared[1][0] = shared[0][0];
        Assert.Throws<ArgumentException>(() => new ChainCondensedSolver(pattern, shared, attachments));
    }

    // 3 chains: one group of three lanes; 16 chains: two groups of eight lanes,
    // the bad pivot in the second row of lane 5.
    [Theory]
    [InlineData(3, 1, 0)]
    [InlineData(16, 5, 1)]
    public void AZeroChainPivotIsASingularIterationMatrix(int chainCount, int chain, int element)
    {
        var (pattern, values, chains, attachments) = Build(5, 20, chainCount, 4);
        using var condensed = new ChainCondensedSolver(pattern, chains, attachments);
        int u = chains[chain][element];
        if (element == 0)
        {
            // A chain's first pivot is its diagonal.
            values[pattern.SlotOf(u, u)] = 0;
            var zero = Assert.Throws<SingularIterationMatrixException>(() => condensed.Factor(values));
            Assert.Contains($"unknown {u} ", zero.Message);
        }
        values[pattern.SlotOf(u, u)] = double.NaN;
        var nan = Assert.Throws<SingularIterationMatrixException>(() => condensed.Factor(values));
        Assert.Contains($"unknown {u} ", nan.Message);
    }
}
