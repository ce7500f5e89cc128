namespace ElectrodeSim.Mesh.Resolved;

/// <summary>
/// The 2-D resolved-particle geometry (MODEL.md §7): a homogenised separator on <c>x in [0, Ls]</c>, the
/// electrode on <c>x in [Ls, Ls + Le]</c> holding discs on a porous matrix, height <c>H</c>, periodic in y.
/// Lengths in m, fractions dimensionless. Everything the packing draws follows from <see cref="Seed"/>.
/// </summary>
/// <param name="SeparatorThickness">Ls [m], the homogenised separator between the Li foil (x = 0) and the electrode.</param>
/// <param name="ElectrodeThickness">Le [m], from the separator to the current collector (x = Ls + Le).</param>
/// <param name="Height">H [m], the periodic length in y.</param>
/// <param name="Radii">Disc radii [m].</param>
/// <param name="ParticleAreaFraction">Target fraction [1] of the electrode area Le·H covered by discs.</param>
/// <param name="MinimumGap">Smallest surface-to-surface distance between two discs [m] (0: they may touch).</param>
/// <param name="SeparatorGap">Smallest distance from a disc to the separator (x = Ls) [m]; a mesh needs at least h/2 so no particle cell borders the separator.</param>
/// <param name="CollectorGap">Smallest distance from a disc to the current collector (x = Ls + Le) [m]; below h/2 a disc can own cells on the collector (it touches it).</param>
/// <param name="ContactDistance">Two discs whose surface gap is at most this [m] touch (a particle–particle contact); null: no contacts. Not below <paramref name="MinimumGap"/>.</param>
/// <param name="Seed">Seed of the <see cref="SplitMix64"/> stream that draws radii and positions.</param>
public sealed record ResolvedGeometrySettings(
    double SeparatorThickness,
    double ElectrodeThickness,
    double Height,
    DiscRadiusDistribution Radii,
    double ParticleAreaFraction,
    double MinimumGap = 0.0,
    double SeparatorGap = 0.0,
    double CollectorGap = 0.0,
    double? ContactDistance = null,
    ulong Seed = 1)
{
    /// <summary>
    /// Scale every drawn radius by √(φ* / φ_drawn) so the area fraction is the target exactly instead of within half
    /// a disc (for 24 discs of 1.5 µm the radii change by under 1 %); off by default, so given radii stay as given.
    /// </summary>
    public bool ScaleRadiiToFraction { get; init; }

    /// <summary>Random positions tried for one disc before it is placed overlapping and left to the relaxation.</summary>
    public int SequentialAdditionAttempts { get; init; } = 2_000;

    /// <summary>Overlap-removal sweeps allowed before the packing is declared unreachable.</summary>
    public int MaximumRelaxationSweeps { get; init; } = 20_000;

    /// <summary>x of the separator–electrode boundary [m].</summary>
    public double ElectrodeStart => SeparatorThickness;

    /// <summary>x of the current collector [m].</summary>
    public double ElectrodeEnd => SeparatorThickness + ElectrodeThickness;

    /// <summary>Smallest centre x [m] of a disc of radius <paramref name="radius"/> [m].</summary>
    public double LowestCentreX(double radius) => ElectrodeStart + SeparatorGap + radius;

    /// <summary>Largest centre x [m] of a disc of radius <paramref name="radius"/> [m].</summary>
    public double HighestCentreX(double radius) => ElectrodeEnd - CollectorGap - radius;

    /// <summary>Area of the electrode region per unit depth [m²].</summary>
    public double ElectrodeArea => ElectrodeThickness * Height;

    /// <summary>Every problem with the settings, each naming the setting, its value and what it must be.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Positive(string name, double value)
        {
            if (!(value > 0) || !double.IsFinite(value)) problems.Add($"{name}: {value} m is not > 0");
        }
        Positive(nameof(SeparatorThickness), SeparatorThickness);
        Positive(nameof(ElectrodeThickness), ElectrodeThickness);
        Positive(nameof(Height), Height);
        if (Radii is null) { problems.Add($"{nameof(Radii)}: no radius distribution"); return problems; }
        if (Radii.Problem() is { } radiusProblem) { problems.Add($"{nameof(Radii)}: {radiusProblem}"); return problems; }
        if (!(ParticleAreaFraction > 0 && ParticleAreaFraction < 1))
            problems.Add($"{nameof(ParticleAreaFraction)}: {ParticleAreaFraction} is not in (0, 1)");
        if (!(MinimumGap >= 0) || !double.IsFinite(MinimumGap)) problems.Add($"{nameof(MinimumGap)}: {MinimumGap} m is not >= 0");
        if (!(SeparatorGap >= 0) || !double.IsFinite(SeparatorGap)) problems.Add($"{nameof(SeparatorGap)}: {SeparatorGap} m is not >= 0");
        if (!(CollectorGap >= 0) || !double.IsFinite(CollectorGap)) problems.Add($"{nameof(CollectorGap)}: {CollectorGap} m is not >= 0");
        if (ContactDistance is { } contact && !(contact >= MinimumGap && double.IsFinite(contact)))
            problems.Add($"{nameof(ContactDistance)}: {contact} m is below {nameof(MinimumGap)} {MinimumGap} m, so no two discs could touch");
        if (problems.Count > 0) return problems;

        double rMax = Radii.MaximumRadius;
        if (2 * rMax + SeparatorGap + CollectorGap > ElectrodeThickness)
            problems.Add($"{nameof(ElectrodeThickness)}: {ElectrodeThickness} m does not hold the largest disc (diameter {2 * rMax} m) with {nameof(SeparatorGap)} {SeparatorGap} m and {nameof(CollectorGap)} {CollectorGap} m");
        // Nearest-image distances in y are exact only while a pair that can overlap is less than H/2 apart.
        if (2 * (2 * rMax + MinimumGap) > Height)
            problems.Add($"{nameof(Height)}: {Height} m is less than twice (2·R_max + {nameof(MinimumGap)}) = {2 * (2 * rMax + MinimumGap)} m, so a disc could meet two images of another: raise the height or use smaller discs");
        if (SequentialAdditionAttempts < 1) problems.Add($"{nameof(SequentialAdditionAttempts)}: {SequentialAdditionAttempts} is not >= 1");
        if (MaximumRelaxationSweeps < 0) problems.Add($"{nameof(MaximumRelaxationSweeps)}: {MaximumRelaxationSweeps} is not >= 0");
        return problems;
    }
}
