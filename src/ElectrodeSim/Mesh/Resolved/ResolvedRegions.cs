namespace ElectrodeSim.Mesh.Resolved;

/// <summary>
/// How a resolved mesh numbers <see cref="FiniteVolumeGraph.CellRegion"/>: 0 separator (homogenised),
/// 1 matrix (electrolyte + carbon/binder), 2 + k particle k (the disc <c>Discs[k]</c>).
/// </summary>
public static class ResolvedRegions
{
    public const int Separator = 0;
    public const int Matrix = 1;
    public const int FirstParticle = 2;

    public static int Particle(int disc) => FirstParticle + disc;
    public static bool IsParticle(int region) => region >= FirstParticle;

    /// <summary>The disc index of a particle region, −1 for separator and matrix.</summary>
    public static int DiscOf(int region) => region >= FirstParticle ? region - FirstParticle : -1;
}

/// <summary>
/// How a resolved mesh numbers <see cref="FiniteVolumeGraph.FaceTag"/>. Interior faces: <see cref="Bulk"/>,
/// <see cref="SeparatorMatrix"/>, <see cref="PeriodicWrap"/>. Interface faces: the disc index. Contact faces:
/// the index in <see cref="DiscPacking.Contacts"/>. Boundary faces: <see cref="LithiumFoil"/>,
/// <see cref="CollectorMatrix"/>, <see cref="CollectorParticle"/>.
/// </summary>
public static class ResolvedFaceTags
{
    /// <summary>Interior face inside one region, not across the periodic seam.</summary>
    public const int Bulk = 0;
    /// <summary>Interior face at x = Ls between a separator cell (left) and a matrix cell (right): the electrolyte passes, the matrix's electronic network ends.</summary>
    public const int SeparatorMatrix = 1;
    /// <summary>Interior face across y = H ≡ 0: left cell in the top row, right cell in the bottom row.</summary>
    public const int PeriodicWrap = 2;
    /// <summary>Boundary face at x = 0 (separator cell against the lithium foil).</summary>
    public const int LithiumFoil = 10;
    /// <summary>Boundary face at x = Ls + Le of a matrix cell (current collector).</summary>
    public const int CollectorMatrix = 11;
    /// <summary>Boundary face at x = Ls + Le of a particle cell: the particle touches the current collector.</summary>
    public const int CollectorParticle = 12;
}
