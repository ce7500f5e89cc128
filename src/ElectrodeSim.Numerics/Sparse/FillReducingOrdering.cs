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
        var rows = pattern.RowIndices;
        var cols = pattern.EntryColumns;
        var degree = new int[n];
        for (int k = 0; k < rows.Length; k++)
        {
            if (rows[k] == cols[k]) continue;
            degree[rows[k]]++;
            if (!pattern.Contains(cols[k], rows[k])) degree[cols[k]]++;
        }
        double dense = Math.Max(16, 10 * Math.Sqrt(n));
        var vertex = new int[n];
        var original = new List<int>(n);
        var last = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (degree[i] > dense) { vertex[i] = -1; last.Add(i); continue; }
            vertex[i] = original.Count;
            original.Add(i);
        }
        int m = original.Count;
        if (m == 0) return [.. last];
        // Symmetric adjacency among the kept vertices.
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
        var order = MetisOrdering.NestedDissection(m, count, adjacency);
        var result = new int[n];
        for (int k = 0; k < m; k++) result[k] = original[order[k]];
        for (int k = 0; k < last.Count; k++) result[m + k] = last[k];
        return result;
    }
}
