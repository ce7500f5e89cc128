using ElectrodeSim.Native.Metis;

namespace ElectrodeSim.Numerics.Sparse;

/// <summary>Fill-reducing orderings of a <see cref="SparsityPattern"/> computed outside the factorisation.</summary>
public static class FillReducingOrdering
{
    /// <summary>
    /// METIS nested dissection of the graph of A + Aᵀ (diagonal dropped). Dense rows/columns (degree above
    /// max(16, 10 √n), AMD's threshold: global unknowns such as a collector potential or the applied current) are left
    /// out of the graph and eliminated last, so they do not end up in every separator. Returns order[k] = the unknown
    /// eliminated k-th.
    /// </summary>
    public static int[] NestedDissection(SparsityPattern pattern)
    {
        int n = pattern.Size;
        var dense = DenseUnknowns(pattern);
        var keep = new bool[n];
        for (int i = 0; i < n; i++) keep[i] = !dense[i];
        var (original, pointers, adjacency) = Subgraph(pattern, keep);
        var last = Enumerable.Range(0, n).Where(i => dense[i]).ToList();
        int m = original.Length;
        if (m == 0) return [.. last];
        var order = MetisOrdering.NestedDissection(m, pointers, adjacency);
        var result = new int[n];
        for (int k = 0; k < m; k++) result[k] = original[order[k]];
        for (int k = 0; k < last.Count; k++) result[m + k] = last[k];
        return result;
    }

    /// <summary>
    /// The first level of <see cref="NestedDissection"/>: METIS's vertex separator of the graph of A + Aᵀ without the dense
    /// unknowns, which join the separator. Returns part[i] = 0 or 1 (the two interiors, no entry of A joins them) or 2
    /// (the separator). A graph too small to split (fewer than 2 kept unknowns) is all separator.
    /// </summary>
    public static int[] TwoDomainPartition(SparsityPattern pattern)
    {
        int n = pattern.Size;
        var dense = DenseUnknowns(pattern);
        var keep = new bool[n];
        for (int i = 0; i < n; i++) keep[i] = !dense[i];
        var (original, pointers, adjacency) = Subgraph(pattern, keep);
        var part = new int[n];
        Array.Fill(part, 2);
        if (original.Length < 2) return part;
        var where = MetisOrdering.VertexSeparator(original.Length, pointers, adjacency);
        for (int v = 0; v < original.Length; v++) part[original[v]] = where[v];
        return part;
    }

    /// <summary>
    /// Nested dissection of the unknowns <paramref name="subset"/> (the graph of A + Aᵀ restricted to them, no dense-row
    /// test): returns the subset's unknowns in elimination order.
    /// </summary>
    public static int[] NestedDissection(SparsityPattern pattern, IReadOnlyList<int> subset)
    {
        var keep = new bool[pattern.Size];
        foreach (int i in subset) keep[i] = true;
        var (original, pointers, adjacency) = Subgraph(pattern, keep);
        if (original.Length == 0) return [];
        var order = MetisOrdering.NestedDissection(original.Length, pointers, adjacency);
        var result = new int[original.Length];
        for (int k = 0; k < result.Length; k++) result[k] = original[order[k]];
        return result;
    }

    /// <summary>Unknowns whose row or column has more off-diagonal entries than max(16, 10 √n) (AMD's dense threshold).</summary>
    private static bool[] DenseUnknowns(SparsityPattern pattern)
    {
        int n = pattern.Size;
        var rows = pattern.RowIndices;
        var cols = pattern.EntryColumns;
        var degree = new int[n];
        for (int k = 0; k < rows.Length; k++)
        {
            if (rows[k] == cols[k]) continue;
            degree[rows[k]]++;
            if (!pattern.Contains(cols[k], rows[k])) degree[cols[k]]++;
        }
        double threshold = Math.Max(16, 10 * Math.Sqrt(n));
        var dense = new bool[n];
        for (int i = 0; i < n; i++) dense[i] = degree[i] > threshold;
        return dense;
    }

    /// <summary>The symmetric adjacency (no self loops) of A + Aᵀ among the kept unknowns, numbered in ascending order.</summary>
    private static (int[] Original, int[] Pointers, int[] Adjacency) Subgraph(SparsityPattern pattern, bool[] keep)
    {
        int n = pattern.Size;
        var rows = pattern.RowIndices;
        var cols = pattern.EntryColumns;
        var vertex = new int[n];
        var original = new List<int>(n);
        for (int i = 0; i < n; i++)
        {
            if (!keep[i]) { vertex[i] = -1; continue; }
            vertex[i] = original.Count;
            original.Add(i);
        }
        int m = original.Count;
        var count = new int[m + 1];
        for (int k = 0; k < rows.Length; k++)
        {
            int a = vertex[rows[k]], b = vertex[cols[k]];
            if (a < 0 || b < 0 || a == b) continue;
            count[a + 1]++;
            if (!pattern.Contains(cols[k], rows[k])) count[b + 1]++;
        }
        for (int i = 0; i < m; i++) count[i + 1] += count[i];
        var adjacency = new int[count[m]];
        var fill = count[..m];
        for (int k = 0; k < rows.Length; k++)
        {
            int a = vertex[rows[k]], b = vertex[cols[k]];
            if (a < 0 || b < 0 || a == b) continue;
            adjacency[fill[a]++] = b;
            if (!pattern.Contains(cols[k], rows[k])) adjacency[fill[b]++] = a;
        }
        return ([.. original], count, adjacency);
    }
}
