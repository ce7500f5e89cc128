using ElectrodeSim.Native.Klu;
using ElectrodeSim.Native.Metis;
using ElectrodeSim.Native.Umfpack;

namespace ElectrodeSim.Native.Tests;

/// <summary>KLU's ordering options, METIS nested dissection and UMFPACK on the 5-point Laplacian of a k × k grid (+ 4 on the diagonal).</summary>
public sealed class SparseOrderingTests
{
    private sealed record Grid(int Size, int[] ColPointers, int[] RowIndices, double[] Values, int[] AdjacencyPointers, int[] Adjacency)
    {
        public double[] Multiply(double[] x)
        {
            var y = new double[Size];
            for (int c = 0; c < Size; c++)
                for (int p = ColPointers[c]; p < ColPointers[c + 1]; p++) y[RowIndices[p]] += Values[p] * x[c];
            return y;
        }
    }

    private static Grid Laplacian(int k)
    {
        int n = k * k;
        var cp = new List<int> { 0 };
        var ri = new List<int>();
        var v = new List<double>();
        var ap = new List<int> { 0 };
        var adj = new List<int>();
        for (int c = 0; c < n; c++)
        {
            int i = c % k, j = c / k;
            var rows = new List<int>();
            if (j > 0) rows.Add(c - k);
            if (i > 0) rows.Add(c - 1);
            rows.Add(c);
            if (i < k - 1) rows.Add(c + 1);
            if (j < k - 1) rows.Add(c + k);
            foreach (int r in rows)
            {
                ri.Add(r);
                // Unsymmetric values (convection-like) so LU, not Cholesky, is exercised; diagonally dominant.
                v.Add(r == c ? 8.0 : r < c ? -1.5 : -0.5);
                if (r != c) adj.Add(r);
            }
            cp.Add(ri.Count);
            ap.Add(adj.Count);
        }
        return new Grid(n, [.. cp], [.. ri], [.. v], [.. ap], [.. adj]);
    }

    private static double[] Solution(int n) => [.. Enumerable.Range(0, n).Select(i => Math.Sin(0.37 * i) + 2)];

    private static void AssertSolves(Grid g, Action<double[]> solve)
    {
        var x = Solution(g.Size);
        var b = g.Multiply(x);
        solve(b);
        for (int i = 0; i < g.Size; i++) Assert.Equal(x[i], b[i], 10);
    }

    [Fact]
    public void METIS_nested_dissection_is_a_permutation_and_needs_far_fewer_KLU_flops_than_the_natural_order_on_a_2D_grid()
    {
        var g = Laplacian(60);
        var order = MetisOrdering.NestedDissection(g.Size, g.AdjacencyPointers, g.Adjacency);
        Assert.Equal(Enumerable.Range(0, g.Size), order.Order());
        var identity = Enumerable.Range(0, g.Size).ToArray();
        using var natural = new KluFactorization(g.Size, g.ColPointers, g.RowIndices, new KluOptions { BlockTriangular = false, Permutation = identity });
        using var dissected = new KluFactorization(g.Size, g.ColPointers, g.RowIndices, new KluOptions { BlockTriangular = false, Permutation = order });
        natural.Factor(g.Values);
        dissected.Factor(g.Values);
        // Banded natural order: ~ n k² flops; nested dissection ~ n^1.5 with a smaller constant.
        Assert.True(dissected.FlopCount < 0.5 * natural.FlopCount, $"nested dissection {dissected.FlopCount:G3} flops vs natural {natural.FlopCount:G3}");
        AssertSolves(g, b => dissected.Solve(b));
        AssertSolves(g, b => natural.Solve(b));
    }

    [Theory]
    [InlineData(KluOrdering.Amd, true)]
    [InlineData(KluOrdering.Colamd, true)]
    [InlineData(KluOrdering.Amd, false)]
    public void KLU_solves_with_each_ordering_and_block_triangular_setting(KluOrdering ordering, bool btf)
    {
        var g = Laplacian(20);
        using var klu = new KluFactorization(g.Size, g.ColPointers, g.RowIndices, new KluOptions { Ordering = ordering, BlockTriangular = btf });
        klu.Factor(g.Values);
        AssertSolves(g, b => klu.Solve(b));
        Assert.True(klu.FlopCount > 0);
    }

    [Fact]
    public void A_given_ordering_that_is_not_a_permutation_is_rejected()
    {
        var g = Laplacian(4);
        var twice = Enumerable.Range(0, g.Size).Select(i => i == 3 ? 2 : i).ToArray();
        Assert.Throws<ArgumentException>(() => new KluFactorization(g.Size, g.ColPointers, g.RowIndices, new KluOptions { Permutation = twice }));
        Assert.Throws<ArgumentException>(() => new KluFactorization(g.Size, g.ColPointers, g.RowIndices, new KluOptions { Permutation = [0, 1] }));
    }

    [Theory]
    [InlineData(UmfpackOrdering.Amd)]
    [InlineData(UmfpackOrdering.Metis)]
    public void UMFPACK_solves_and_refactors_with_new_values_on_the_same_analysis(UmfpackOrdering ordering)
    {
        var g = Laplacian(30);
        using var lu = new UmfpackFactorization(g.Size, g.ColPointers, g.RowIndices, ordering);
        lu.Factor(g.Values);
        AssertSolves(g, b => lu.Solve(b));
        var scaled = g with { Values = [.. g.Values.Select((v, i) => v * (1 + 0.1 * (i % 7)))] };
        lu.Factor(scaled.Values);
        AssertSolves(scaled, b => lu.Solve(b));
    }

    [Fact]
    public void UMFPACK_reports_a_singular_matrix_and_rejects_non_finite_values()
    {
        var g = Laplacian(5);
        using var lu = new UmfpackFactorization(g.Size, g.ColPointers, g.RowIndices);
        Assert.Throws<SingularMatrixException>(() => lu.Factor(new double[g.Values.Length]));
        var bad = (double[])g.Values.Clone();
        bad[3] = double.NaN;
        Assert.Throws<ArgumentException>(() => lu.Factor(bad));
    }
}
