using ElectrodeSim.Native.Klu;

namespace ElectrodeSim.Native.Tests;

public sealed class KluFactorizationTests
{
    /// <summary>A square matrix in compressed-sparse-column form.</summary>
    private sealed record SparseMatrix(int Size, int[] ColPointers, int[] RowIndices, double[] Values)
    {
        public double[] Multiply(ReadOnlySpan<double> x, bool transposed = false)
        {
            var y = new double[Size];
            for (var column = 0; column < Size; column++)
            {
                for (var p = ColPointers[column]; p < ColPointers[column + 1]; p++)
                {
                    if (transposed)
                        y[column] += Values[p] * x[RowIndices[p]];
                    else
                        y[RowIndices[p]] += Values[p] * x[column];
                }
            }
            return y;
        }

        public SparseMatrix WithValues(double[] values) => this with { Values = values };
    }

    /// <summary>
    /// Random sparse matrix with a few off-diagonal entries per column and a diagonal larger
    /// than each row's off-diagonal sum, so it is nonsingular but still needs real pivoting work.
    /// </summary>
    private static SparseMatrix RandomDiagonallyDominant(int n, int seed, int offDiagonalPerColumn = 5)
    {
        var random = new Random(seed);
        var columns = new List<int>[n];
        for (var column = 0; column < n; column++)
        {
            var rows = new HashSet<int> { column };
            while (rows.Count < offDiagonalPerColumn + 1)
                rows.Add(random.Next(n));
            columns[column] = [.. rows.Order()];
        }
        var colPointers = new int[n + 1];
        for (var column = 0; column < n; column++)
            colPointers[column + 1] = colPointers[column] + columns[column].Count;
        var rowIndices = columns.SelectMany(rows => rows).ToArray();
        var pattern = new SparseMatrix(n, colPointers, rowIndices, new double[rowIndices.Length]);
        return pattern.WithValues(RandomValues(pattern, random));
    }

    private static double[] RandomValues(SparseMatrix pattern, Random random)
    {
        var values = new double[pattern.RowIndices.Length];
        var rowSums = new double[pattern.Size];
        var diagonalPositions = new int[pattern.Size];
        for (var column = 0; column < pattern.Size; column++)
        {
            for (var p = pattern.ColPointers[column]; p < pattern.ColPointers[column + 1]; p++)
            {
                var row = pattern.RowIndices[p];
                if (row == column)
                {
                    diagonalPositions[column] = p;
                    continue;
                }
                values[p] = random.NextDouble() * 2 - 1;
                rowSums[row] += Math.Abs(values[p]);
            }
        }
        for (var i = 0; i < pattern.Size; i++)
            values[diagonalPositions[i]] = (rowSums[i] + 1) * (random.Next(2) == 0 ? 1 : -1);
        return values;
    }

    private static double RelativeResidual(SparseMatrix a, double[] x, double[] b, bool transposed = false)
    {
        var ax = a.Multiply(x, transposed);
        var residual = Math.Sqrt(ax.Zip(b, (l, r) => (l - r) * (l - r)).Sum());
        return residual / Math.Sqrt(b.Sum(v => v * v));
    }

    private static double[] RandomVector(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() * 10 - 5).ToArray();
    }

    [Fact]
    public void Solves_a_random_sparse_diagonally_dominant_system_to_round_off()
    {
        var a = RandomDiagonallyDominant(200, seed: 1);
        var b = RandomVector(200, seed: 2);
        using var lu = new KluFactorization(a.Size, a.ColPointers, a.RowIndices);
        Assert.Equal(200, lu.Size);

        lu.Factor(a.Values);
        var x = (double[])b.Clone();
        lu.Solve(x);

        Assert.True(RelativeResidual(a, x, b) < 1e-12, $"residual {RelativeResidual(a, x, b)}");
        Assert.InRange(lu.ReciprocalConditionEstimate, 1e-6, 1.0);
    }

    [Fact]
    public void Factor_entries_count_the_fill_an_ordering_causes()
    {
        // Arrow matrix: diagonal 10, first row and column 1. Eliminating the head first fills L and U completely
        // (n (n + 1) entries with both diagonals); eliminating it last leaves no fill (the 4 n − 2 entries of the pattern's triangles).
        const int n = 8;
        var colPointers = new List<int> { 0 };
        var rows = new List<int>();
        var values = new List<double>();
        for (var column = 0; column < n; column++)
        {
            for (var row = 0; row < n; row++)
            {
                if (row != column && row != 0 && column != 0) continue;
                rows.Add(row);
                values.Add(row == column ? 10.0 : 1.0);
            }
            colPointers.Add(rows.Count);
        }
        double Entries(int[] order)
        {
            using var lu = new KluFactorization(n, [.. colPointers], [.. rows], new KluOptions { BlockTriangular = false, Permutation = order });
            Assert.True(double.IsNaN(lu.FactorEntries));
            lu.Factor([.. values]);
            return lu.FactorEntries;
        }
        Assert.Equal(n * (n + 1), Entries([.. Enumerable.Range(0, n)]));
        Assert.Equal(4 * n - 2, Entries([.. Enumerable.Range(1, n - 1), 0]));
    }

    [Fact]
    public void Refactoring_with_new_values_on_the_same_pattern_gives_the_new_solution()
    {
        var first = RandomDiagonallyDominant(200, seed: 3);
        var second = first.WithValues(RandomValues(first, new Random(4)));
        var b = RandomVector(200, seed: 5);
        using var lu = new KluFactorization(first.Size, first.ColPointers, first.RowIndices);

        lu.Factor(first.Values);
        var x1 = (double[])b.Clone();
        lu.Solve(x1);
        lu.Factor(second.Values);
        var x2 = (double[])b.Clone();
        lu.Solve(x2);

        Assert.True(RelativeResidual(first, x1, b) < 1e-12);
        Assert.True(RelativeResidual(second, x2, b) < 1e-12, $"residual {RelativeResidual(second, x2, b)}");
        Assert.NotEqual(x1, x2);
    }

    [Fact]
    public void Refactoring_falls_back_to_fresh_pivoting_when_the_old_pivot_vanishes()
    {
        // Dense 2×2 in column order: [a00, a10, a01, a11].
        using var lu = new KluFactorization(2, [0, 2, 4], [0, 1, 0, 1]);
        lu.Factor([4.0, 1.0, 1.0, 3.0]);

        // Whichever diagonal the first factorization pivoted on is now zero; the matrix is
        // still regular, but only with the off-diagonal pivots.
        lu.Factor([0.0, 2.0, 1.0, 0.0]);
        double[] x = [1.0, 8.0];
        lu.Solve(x);

        Assert.Equal(4.0, x[0], 12);
        Assert.Equal(1.0, x[1], 12);
        Assert.True(lu.ReciprocalConditionEstimate > 0);
    }

    [Fact]
    public void Transposed_solve_solves_the_transposed_system()
    {
        var a = RandomDiagonallyDominant(200, seed: 6);
        var b = RandomVector(200, seed: 7);
        using var lu = new KluFactorization(a.Size, a.ColPointers, a.RowIndices);
        lu.Factor(a.Values);

        var x = (double[])b.Clone();
        lu.SolveTransposed(x);
        var plain = (double[])b.Clone();
        lu.Solve(plain);

        Assert.True(RelativeResidual(a, x, b, transposed: true) < 1e-12, $"residual {RelativeResidual(a, x, b, transposed: true)}");
        Assert.NotEqual(plain, x);
    }

    [Fact]
    public void Several_right_hand_sides_are_solved_at_once()
    {
        var a = RandomDiagonallyDominant(50, seed: 8);
        var b1 = RandomVector(50, seed: 9);
        var b2 = RandomVector(50, seed: 10);
        using var lu = new KluFactorization(a.Size, a.ColPointers, a.RowIndices);
        lu.Factor(a.Values);

        var both = b1.Concat(b2).ToArray();
        lu.Solve(both);

        Assert.True(RelativeResidual(a, both[..50], b1) < 1e-12);
        Assert.True(RelativeResidual(a, both[50..], b2) < 1e-12);
    }

    [Fact]
    public void A_numerically_singular_matrix_raises_SingularMatrixException()
    {
        // Columns 0 and 2 are equal.
        using var lu = new KluFactorization(3, [0, 2, 4, 6], [0, 1, 1, 2, 0, 1]);
        Assert.Throws<SingularMatrixException>(() => lu.Factor([1.0, 2.0, 5.0, 1.0, 1.0, 2.0]));
        Assert.Throws<InvalidOperationException>(() => lu.Solve(new double[3]));
    }

    [Fact]
    public void A_structurally_singular_matrix_raises_SingularMatrixException()
    {
        // Column 1 has no entries.
        using var lu = new KluFactorization(3, [0, 1, 1, 3], [0, 1, 2]);
        Assert.Throws<SingularMatrixException>(() => lu.Factor([1.0, 1.0, 1.0]));
    }

    [Fact]
    public void A_matrix_turning_singular_after_a_good_factorization_raises_SingularMatrixException()
    {
        using var lu = new KluFactorization(2, [0, 2, 4], [0, 1, 0, 1]);
        lu.Factor([4.0, 1.0, 1.0, 3.0]);
        var error = Assert.Throws<SingularMatrixException>(() => lu.Factor([1.0, 2.0, 2.0, 4.0]));
        Assert.InRange(error.Column, -1, 1);

        lu.Factor([4.0, 1.0, 1.0, 3.0]);
        double[] x = [5.0, 4.0];
        lu.Solve(x);
        Assert.Equal(1.0, x[0], 12);
        Assert.Equal(1.0, x[1], 12);
    }

    [Fact]
    public void Non_finite_values_are_rejected()
    {
        using var lu = new KluFactorization(2, [0, 2, 4], [0, 1, 0, 1]);
        Assert.Throws<ArgumentException>(() => lu.Factor([double.NaN, 1.0, 1.0, 3.0]));
    }

    [Fact]
    public void Invalid_patterns_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new KluFactorization(2, [0, 2], [0, 1]));
        Assert.Throws<ArgumentException>(() => new KluFactorization(2, [0, 2, 3], [0, 2, 1]));
        Assert.Throws<ArgumentException>(() => new KluFactorization(2, [0, 2, 3], [0, 0, 1]));
        Assert.Throws<ArgumentException>(() => new KluFactorization(2, [0, 2, 1], [0, 1]));
    }

    [Fact]
    public async Task Two_instances_used_concurrently_from_two_threads_give_correct_results()
    {
        var matrices = new[] { RandomDiagonallyDominant(200, seed: 11), RandomDiagonallyDominant(300, seed: 12) };
        using var start = new Barrier(matrices.Length);

        var worst = matrices.Select((a, index) => Task.Factory.StartNew(() =>
        {
            using var lu = new KluFactorization(a.Size, a.ColPointers, a.RowIndices);
            var random = new Random(100 + index);
            start.SignalAndWait();
            var maxResidual = 0.0;
            for (var iteration = 0; iteration < 100; iteration++)
            {
                var current = a.WithValues(RandomValues(a, random));
                var b = RandomVector(a.Size, seed: iteration);
                lu.Factor(current.Values);
                var x = (double[])b.Clone();
                lu.Solve(x);
                maxResidual = Math.Max(maxResidual, RelativeResidual(current, x, b));
            }
            return maxResidual;
        }, TaskCreationOptions.LongRunning)).ToArray();

        var residuals = await Task.WhenAll(worst);
        Assert.All(residuals, residual => Assert.True(residual < 1e-12, $"residual {residual}"));
    }

    [Fact]
    public void Using_a_disposed_factorization_throws()
    {
        var lu = new KluFactorization(1, [0, 1], [0]);
        lu.Factor([2.0]);
        lu.Dispose();
        lu.Dispose();
        Assert.Throws<ObjectDisposedException>(() => lu.Solve(new double[1]));
    }
}
