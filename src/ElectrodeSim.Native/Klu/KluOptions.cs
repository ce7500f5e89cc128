namespace ElectrodeSim.Native.Klu;

/// <summary>KLU's fill-reducing orderings (klu_common.ordering).</summary>
public enum KluOrdering
{
    /// <summary>Approximate minimum degree on A + Aᵀ (KLU's default).</summary>
    Amd = 0,
    /// <summary>Column approximate minimum degree on AᵀA.</summary>
    Colamd = 1,
}

/// <summary>How <see cref="KluFactorization"/> analyses the pattern.</summary>
public sealed record KluOptions
{
    /// <summary>KLU's defaults: block triangular form, then AMD within each block.</summary>
    public static KluOptions Default { get; } = new();

    /// <summary>Fill-reducing ordering when no <see cref="Permutation"/> is given.</summary>
    public KluOrdering Ordering { get; init; } = KluOrdering.Amd;

    /// <summary>Permute to block triangular form first (klu_common.btf).</summary>
    public bool BlockTriangular { get; init; } = true;

    /// <summary>
    /// A fill-reducing ordering computed by the caller (e.g. nested dissection), used for rows and columns
    /// (klu_analyze_given with P = Q): entry k is the original index of the k-th pivot. Null: <see cref="Ordering"/>.
    /// </summary>
    public int[]? Permutation { get; init; }

    /// <summary>
    /// Partial-pivoting threshold (klu_common.tol, in (0, 1]): the diagonal entry is the pivot when its magnitude is at least
    /// this fraction of the largest in its column of the active submatrix. KLU's default 0.001; a smaller value keeps
    /// pivots on the diagonal more often (fewer row swaps, less stability margin).
    /// </summary>
    public double PivotTolerance { get; init; } = 0.001;
}
