using ElectrodeSim.Model;

namespace ElectrodeSim.Mesh;

/// <summary>
/// Mesh sizes. Defaults give a capacity within 0.1 % of the Richardson-extrapolated value for the
/// SiO@C cases. <see cref="ElectrodeCells"/> and <see cref="ParticleShells"/> hold for every
/// electrode unless the per-electrode lists (in stack order from x = 0: the working electrode of a
/// half cell; negative, positive of a full cell) give their own counts.
/// </summary>
public sealed record MeshSettings
{
    public int SeparatorCells { get; init; } = 8;
    public int ElectrodeCells { get; init; } = 16;
    public int ParticleShells { get; init; } = 10;
    /// <summary>Cells across each electrode, in stack order; null: <see cref="ElectrodeCells"/> for all.</summary>
    public IReadOnlyList<int>? ElectrodeCellCounts { get; init; }
    /// <summary>Radial shells of each electrode's particles, in stack order; null: <see cref="ParticleShells"/> for all.</summary>
    public IReadOnlyList<int>? ParticleShellCounts { get; init; }
    /// <summary>
    /// Grading of the shells toward the particle surface, β in [0, 1): faces at r = R ξ (1 + β (1 − ξ)) for
    /// ξ = k/n, so the outer shell is (1 − β) and the centre shell (1 + β) times the uniform width R/n.
    /// 0 (default) gives uniform shells. The surface concentration drives the kinetics and the equilibrium
    /// potential, and its error is set by the outer shells.
    /// </summary>
    public double ParticleSurfaceRefinement { get; init; }

    /// <summary>Cells across electrode <paramref name="electrode"/> (stack order).</summary>
    public int CellsOf(int electrode) => ElectrodeCellCounts is { } counts ? counts[electrode] : ElectrodeCells;

    /// <summary>Radial shells of electrode <paramref name="electrode"/> (stack order).</summary>
    public int ShellsOf(int electrode) => ParticleShellCounts is { } counts ? counts[electrode] : ParticleShells;

    // Value equality over the lists' contents (records compare references otherwise).
    public bool Equals(MeshSettings? other) =>
        other is not null && SeparatorCells == other.SeparatorCells && ElectrodeCells == other.ElectrodeCells && ParticleShells == other.ParticleShells
        && ParticleSurfaceRefinement == other.ParticleSurfaceRefinement
        && SameCounts(ElectrodeCellCounts, other.ElectrodeCellCounts) && SameCounts(ParticleShellCounts, other.ParticleShellCounts);

    public override int GetHashCode() => HashCode.Combine(SeparatorCells, ElectrodeCells, ParticleShells, ParticleSurfaceRefinement,
        ElectrodeCellCounts is null ? 0 : ElectrodeCellCounts.Aggregate(17, HashCode.Combine),
        ParticleShellCounts is null ? 0 : ParticleShellCounts.Aggregate(17, HashCode.Combine));

    private static bool SameCounts(IReadOnlyList<int>? a, IReadOnlyList<int>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);

    public override string ToString()
    {
        string electrodes = ElectrodeCellCounts is { } e ? string.Join("/", e) : ElectrodeCells.ToString();
        string shells = ParticleShellCounts is { } r ? string.Join("/", r) : ParticleShells.ToString();
        string grading = ParticleSurfaceRefinement > 0 ? $" (surface refinement {ParticleSurfaceRefinement:G3})" : "";
        return $"separator {SeparatorCells}, electrode(s) {electrodes}, shells {shells}{grading}";
    }
}

public enum LayerKind { Separator, Electrode }

/// <summary>Boundary tags of the P2D graphs (<see cref="FiniteVolumeGraph.FaceTag"/>).</summary>
public static class FaceTags
{
    /// <summary>x = 0: the lithium foil of a half cell, the negative collector of a full cell.</summary>
    public const int XStart = 1;
    /// <summary>x = L: the working (positive) electrode's current collector.</summary>
    public const int XEnd = 2;
    /// <summary>r = 0 of a particle (area 0: no flux by symmetry).</summary>
    public const int ParticleCentre = 3;
    /// <summary>r = R_p of a particle: the reacting surface.</summary>
    public const int ParticleSurface = 4;
}

/// <summary>One layer of the stack: a contiguous block of x cells.</summary>
public sealed record Layer(LayerKind Kind, int FirstCell, int CellCount, double Start, double End, int ElectrodeIndex);

/// <summary>
/// Cell-centred finite-volume mesh through the thickness (x), uniform inside each layer, with
/// one spherical particle mesh per electrode (r, uniform shells).
/// </summary>
public sealed class CellMesh
{
    public CellMesh(CellParameters cell, MeshSettings settings)
    {
        foreach (var counts in new[] { settings.ElectrodeCellCounts, settings.ParticleShellCounts })
            if (counts != null && counts.Count != cell.Electrodes.Count)
                throw new ArgumentException($"per-electrode mesh counts list {counts.Count} values for {cell.Electrodes.Count} electrode(s)");
        var layers = new List<Layer>();
        var widths = new List<double>();
        double x = 0;
        void AddLayer(LayerKind kind, double thickness, int cells, int electrode)
        {
            if (cells < 1) throw new ArgumentException($"a layer needs at least one cell, got {cells}");
            layers.Add(new Layer(kind, widths.Count, cells, x, x + thickness, electrode));
            for (int i = 0; i < cells; i++) widths.Add(thickness / cells);
            x += thickness;
        }
        if (cell.IsHalfCell)
        {
            if (cell.Electrodes.Count != 1) throw new ArgumentException("a half cell has exactly one working electrode");
            AddLayer(LayerKind.Separator, cell.Separator.Thickness, settings.SeparatorCells, -1);
            AddLayer(LayerKind.Electrode, cell.Electrodes[0].Thickness, settings.CellsOf(0), 0);
        }
        else
        {
            if (cell.Electrodes.Count != 2) throw new ArgumentException("a full cell has a negative and a positive electrode");
            AddLayer(LayerKind.Electrode, cell.Electrodes[0].Thickness, settings.CellsOf(0), 0);
            AddLayer(LayerKind.Separator, cell.Separator.Thickness, settings.SeparatorCells, -1);
            AddLayer(LayerKind.Electrode, cell.Electrodes[1].Thickness, settings.CellsOf(1), 1);
        }
        Layers = layers;
        Widths = widths.ToArray();
        CellCount = Widths.Length;
        Faces = new double[CellCount + 1];
        for (int i = 0; i < CellCount; i++) Faces[i + 1] = Faces[i] + Widths[i];
        Centres = new double[CellCount];
        for (int i = 0; i < CellCount; i++) Centres[i] = 0.5 * (Faces[i] + Faces[i + 1]);
        LayerOf = new int[CellCount];
        foreach (var (layer, index) in layers.Select((l, k) => (l, k)))
            for (int i = 0; i < layer.CellCount; i++) LayerOf[layer.FirstCell + i] = index;
        Particles = cell.Electrodes.Select((e, k) => new ParticleMesh(e.ParticleRadius, settings.ShellsOf(k), settings.ParticleSurfaceRefinement)).ToArray();
        // One radial mesh per size class, the same shells and refinement (so shell s sits at the same r/R in every class);
        // a single size is its electrode's mesh itself.
        ClassParticles = cell.Electrodes.Select((e, k) => e.ParticleSizeClasses is null ? [Particles[k]]
            : Enumerable.Range(0, e.ParticleClassCount).Select(c => new ParticleMesh(e.ClassRadius(c), settings.ShellsOf(k), settings.ParticleSurfaceRefinement)).ToArray()).ToArray();
        Graph = BuildGraph();
    }

    /// <summary>
    /// The x cells as a finite-volume graph per unit cross-section: volume = width [m], region = layer index,
    /// interior faces of area 1 between neighbours with the half widths as distances (also where two layers
    /// meet: the electrolyte crosses there, and a field that lives in one layer only leaves the face out
    /// through its unknown map), and boundary faces tagged <see cref="FaceTags.XStart"/> (x = 0) and
    /// <see cref="FaceTags.XEnd"/> (x = L), each half a width from its cell's centre.
    /// </summary>
    public FiniteVolumeGraph Graph { get; }

    private FiniteVolumeGraph BuildGraph()
    {
        var builder = new FiniteVolumeGraph.Builder(CellCount, CellCount + 1);
        for (int i = 0; i < CellCount; i++) builder.AddCell(Widths[i], LayerOf[i]);
        builder.AddBoundaryFace(0, 1.0, 0.5 * Widths[0], FaceTags.XStart);
        for (int i = 0; i < CellCount - 1; i++) builder.AddFace(i, i + 1, 1.0, 0.5 * Widths[i], 0.5 * Widths[i + 1]);
        builder.AddBoundaryFace(CellCount - 1, 1.0, 0.5 * Widths[CellCount - 1], FaceTags.XEnd);
        return builder.Build();
    }

    public IReadOnlyList<Layer> Layers { get; }
    public int CellCount { get; }
    /// <summary>Cell widths [m].</summary>
    public double[] Widths { get; }
    /// <summary>Face positions [m], CellCount + 1 of them.</summary>
    public double[] Faces { get; }
    /// <summary>Cell centres [m].</summary>
    public double[] Centres { get; }
    public int[] LayerOf { get; }
    public ParticleMesh[] Particles { get; }
    /// <summary>
    /// Per electrode, the radial mesh of each particle size class (<see cref="Model.ElectrodeParameters.ParticleSizeClasses"/>);
    /// without a distribution the one element is <see cref="Particles"/>[e]. With one, <see cref="Particles"/>[e] is the mesh of
    /// the Sauter mean radius, kept for the shell count and the output's r axis (every class has the same shells).
    /// </summary>
    public ParticleMesh[][] ClassParticles { get; }

    public Layer LayerOfCell(int cell) => Layers[LayerOf[cell]];
    public IEnumerable<Layer> ElectrodeLayers => Layers.Where(l => l.Kind == LayerKind.Electrode);
}

/// <summary>
/// Shells 0 = r_0 &lt; r_1 &lt; … &lt; r_n = R of a sphere, uniform or graded toward the surface
/// (r_k = R ξ (1 + β (1 − ξ)), ξ = k/n). The flux through face k is weighted by its area r_k² and the
/// balance of shell k by its volume (r_{k+1}³ − r_k³)/3, so the particle's lithium inventory is
/// conserved exactly; a shell's concentration sits at its mid-radius.
/// </summary>
public sealed class ParticleMesh
{
    public ParticleMesh(double radius, int shells, double surfaceRefinement = 0.0)
    {
        if (shells < 1) throw new ArgumentException($"a particle needs at least one shell, got {shells}");
        if (!(surfaceRefinement >= 0 && surfaceRefinement < 1)) throw new ArgumentException($"surface refinement {surfaceRefinement} is not in [0, 1)");
        Radius = radius;
        Shells = shells;
        SurfaceRefinement = surfaceRefinement;
        Faces = new double[shells + 1];
        for (int k = 0; k <= shells; k++)
        {
            double xi = (double)k / shells;
            Faces[k] = radius * xi * (1 + surfaceRefinement * (1 - xi));
        }
        Faces[shells] = radius;
        Centres = new double[shells];
        Volumes = new double[shells];
        for (int k = 0; k < shells; k++)
        {
            Centres[k] = 0.5 * (Faces[k] + Faces[k + 1]);
            Volumes[k] = (Math.Pow(Faces[k + 1], 3) - Math.Pow(Faces[k], 3)) / 3.0;
        }
        CentreDistances = new double[Math.Max(shells - 1, 0)];
        for (int k = 0; k < shells - 1; k++) CentreDistances[k] = Centres[k + 1] - Centres[k];
        SurfaceDistance = radius - Centres[shells - 1];
        var builder = new FiniteVolumeGraph.Builder(shells, shells + 1);
        for (int k = 0; k < shells; k++) builder.AddCell(Volumes[k], 0);
        builder.AddBoundaryFace(0, 0.0, Centres[0], FaceTags.ParticleCentre);
        for (int k = 0; k < shells - 1; k++)
            builder.AddFace(k, k + 1, Faces[k + 1] * Faces[k + 1], Faces[k + 1] - Centres[k], Centres[k + 1] - Faces[k + 1]);
        builder.AddBoundaryFace(shells - 1, radius * radius, SurfaceDistance, FaceTags.ParticleSurface);
        Graph = builder.Build();
        SurfaceFace = shells;
    }

    /// <summary>
    /// The shells as a finite-volume graph per unit solid angle: volume = shell volume / 4π [m³], face k between
    /// shells k − 1 and k of area r_k² [m²] with the centre-to-face distances [m]; boundary faces at the centre
    /// (<see cref="FaceTags.ParticleCentre"/>, area 0) and the surface (<see cref="FaceTags.ParticleSurface"/>, area R²).
    /// </summary>
    public FiniteVolumeGraph Graph { get; }
    /// <summary>The surface face of <see cref="Graph"/>; its cell is the outer shell.</summary>
    public int SurfaceFace { get; }

    public double Radius { get; }
    public int Shells { get; }
    /// <summary>Grading β of the shells toward the surface (0: uniform).</summary>
    public double SurfaceRefinement { get; }
    /// <summary>Shell faces [m]; area factor is Faces[k]².</summary>
    public double[] Faces { get; }
    /// <summary>Shell centres [m].</summary>
    public double[] Centres { get; }
    /// <summary>Shell volumes divided by 4π [m³].</summary>
    public double[] Volumes { get; }
    /// <summary>Distance between the centres of shells k and k+1 [m] (the flux stencil of face k+1).</summary>
    public double[] CentreDistances { get; }
    /// <summary>Distance from the outer shell's centre to the surface [m] (half the outer shell).</summary>
    public double SurfaceDistance { get; }
    /// <summary>Total volume / 4π = R³/3 [m³].</summary>
    public double TotalVolume => Radius * Radius * Radius / 3.0;
}
