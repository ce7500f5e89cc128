using ElectrodeSim.Model;

namespace ElectrodeSim.Mesh;

/// <summary>Mesh sizes. Defaults give a capacity within 0.1 % of the Richardson-extrapolated value for the SiO@C cases.</summary>
public sealed record MeshSettings
{
    public int SeparatorCells { get; init; } = 8;
    public int ElectrodeCells { get; init; } = 16;
    public int ParticleShells { get; init; } = 10;
}

public enum LayerKind { Separator, Electrode }

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
            AddLayer(LayerKind.Electrode, cell.Electrodes[0].Thickness, settings.ElectrodeCells, 0);
        }
        else
        {
            if (cell.Electrodes.Count != 2) throw new ArgumentException("a full cell has a negative and a positive electrode");
            AddLayer(LayerKind.Electrode, cell.Electrodes[0].Thickness, settings.ElectrodeCells, 0);
            AddLayer(LayerKind.Separator, cell.Separator.Thickness, settings.SeparatorCells, -1);
            AddLayer(LayerKind.Electrode, cell.Electrodes[1].Thickness, settings.ElectrodeCells, 1);
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
        Particles = cell.Electrodes.Select(e => new ParticleMesh(e.ParticleRadius, settings.ParticleShells)).ToArray();
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

    public Layer LayerOfCell(int cell) => Layers[LayerOf[cell]];
    public IEnumerable<Layer> ElectrodeLayers => Layers.Where(l => l.Kind == LayerKind.Electrode);
}

/// <summary>
/// Uniform shells 0 = r_0 &lt; r_1 &lt; … &lt; r_n = R of a sphere. The flux through face k is
/// weighted by its area r_k² and the balance of shell k by its volume (r_{k+1}³ − r_k³)/3,
/// so the particle's lithium inventory is conserved exactly.
/// </summary>
public sealed class ParticleMesh
{
    public ParticleMesh(double radius, int shells)
    {
        if (shells < 1) throw new ArgumentException($"a particle needs at least one shell, got {shells}");
        Radius = radius;
        Shells = shells;
        Faces = new double[shells + 1];
        for (int k = 0; k <= shells; k++) Faces[k] = radius * k / shells;
        Centres = new double[shells];
        Volumes = new double[shells];
        for (int k = 0; k < shells; k++)
        {
            Centres[k] = 0.5 * (Faces[k] + Faces[k + 1]);
            Volumes[k] = (Math.Pow(Faces[k + 1], 3) - Math.Pow(Faces[k], 3)) / 3.0;
        }
        Spacing = radius / shells;
    }

    public double Radius { get; }
    public int Shells { get; }
    /// <summary>Shell faces [m]; area factor is Faces[k]².</summary>
    public double[] Faces { get; }
    /// <summary>Shell centres [m].</summary>
    public double[] Centres { get; }
    /// <summary>Shell volumes divided by 4π [m³].</summary>
    public double[] Volumes { get; }
    public double Spacing { get; }
    /// <summary>Total volume / 4π = R³/3 [m³].</summary>
    public double TotalVolume => Radius * Radius * Radius / 3.0;
}
