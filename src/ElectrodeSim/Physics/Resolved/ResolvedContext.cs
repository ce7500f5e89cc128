using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Mesh.Resolved;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics.Resolved;

/// <summary>How a particle's cells hold its lithium: the staircase particle's cell area differs from πR² by a fraction of a cell per disc.</summary>
public enum CapacityScaling
{
    /// <summary>c_s,max of disc k is multiplied by <see cref="ResolvedMesh.CapacityScale"/>[k] = πR²/(cell area), so the disc holds πR² c_s,max at θ = 1 (the true capacity; θ = c_s / (scale c_s,max)).</summary>
    TrueDiscArea,
    /// <summary>c_s,max as given: the disc holds (its cells' area) × c_s,max (the staircase capacity).</summary>
    CellArea,
    /// <summary>
    /// Cut cells: each particle cell holds lithium over the disc area it stands for, <see cref="ResolvedMesh.CutArea"/> (its own
    /// cell ∩ disc plus the disc's slivers in the matrix cells beside it), as a volume fraction κ = CutArea / cell area on
    /// ∂c_s/∂t; c_s,max as given, so θ = c_s / c_s,max and diffusion acts on the true concentration. Each disc holds πR² c_s,max.
    /// </summary>
    CutCell,
}

/// <summary>The state of lithiation at which an interface face's kinetics (U(θ), j0(θ)) are evaluated.</summary>
public enum InterfaceState
{
    /// <summary>The particle cell's own θ_p, at its grid centre: an O(h) surface error (the centre lies up to ~0.7 h from the circle, on either side for cut cells).</summary>
    CellValue,
    /// <summary>
    /// θ at the circle: θ linear in r through the grid centres of the particle cell p and of its neighbour q of the same disc that lies most nearly
    /// inwards (across one of p's faces), evaluated at r = R: θ_s = θ_p + w (θ_q − θ_p), w = (r_p − R)/(r_p − r_q) — an interpolation for a sliver
    /// (its centre lies outside the disc), an extrapolation by at most ~0.7 h for a cell whose centre is inside. Linear in the state, so it adds no
    /// feedback to the kinetics (extrapolating with the face's own flux, as the P2D model does, made j implicit and lost its root under strong
    /// kinetics). Second order in the normal direction; the tangential offset of q enters with the tangential gradient. The embedded-boundary
    /// case geometry uses it.
    /// </summary>
    Surface,
}

/// <summary>How each disc's reactive area 2πR is shared among its staircase interface faces.</summary>
public enum InterfaceAreaDistribution
{
    /// <summary>
    /// Face k of disc i gets A_k |n·e_k| scaled so the disc's faces sum to 2πR, n the disc's outward normal at the face
    /// centre, e_k the face's axis: a staircase along an arc ds has x faces of length |n_x| ds and y faces of |n_y| ds, so
    /// the weighted sum is n_x² + n_y² = 1 per ds — the true local area, not just the true total.
    /// </summary>
    Projected,
    /// <summary>Every face of disc i scaled by the same 2πR / (raw staircase length) (<see cref="ResolvedMesh"/>'s graph areas): the
    /// total is right but the area per arc length swings by ±17 % with the angle (π/4 (|cos| + |sin|)).</summary>
    Uniform,
    /// <summary>
    /// Each particle cell reacts over the arc of the circle it stands for in the cut-cell geometry (<see cref="ResolvedMesh.CutArc"/>),
    /// shared among its interface faces in proportion to A_k |n·e_k| (as <see cref="Projected"/>): the lithium enters the cell whose
    /// cut volume lies behind the arc.
    /// </summary>
    Arc,
}

/// <summary>
/// The 2-D resolved-particle cell, SI: the material data of a half cell (<see cref="CellParameters"/>: electrolyte,
/// separator, the working electrode's active material, kinetics and ε_e, the lithium foil) plus what only the
/// resolved geometry needs. The electrode's <see cref="ElectrodeParameters.Porosity"/> ε_e is the electrolyte
/// fraction of the whole electrode; the matrix between the discs holds all of it, ε_m = ε_e/(1 − φ).
/// </summary>
public sealed record ResolvedCellParameters
{
    public required CellParameters Cell { get; init; }
    /// <summary>Electronic conductivity σ_s inside a particle [S/m] (also across particle–particle contact faces).</summary>
    public required double ParticleConductivity { get; init; }
    /// <summary>Bulk electronic conductivity σ_cb of the carbon/binder network [S/m]; σ_m,eff = σ_cb (1 − ε_m)^b_el (<see cref="MatrixEffectiveProperties"/>).</summary>
    public required double CarbonBinderConductivity { get; init; }
    /// <summary>
    /// Electronic contact conductance G_c [S/m²] between a particle's surface and the matrix's electronic network, per
    /// unit interface area: the interface conductive network of the coating (a worse coating conducts less).
    /// </summary>
    public required double ContactConductance { get; init; }
    public CapacityScaling Capacity { get; init; } = CapacityScaling.TrueDiscArea;
    public InterfaceAreaDistribution InterfaceArea { get; init; } = InterfaceAreaDistribution.Projected;
    /// <summary>Which θ the interface kinetics (U, j0) see: the particle cell's value (default) or the value extrapolated to the circle (<see cref="InterfaceState"/>).</summary>
    public InterfaceState InterfaceState { get; init; } = InterfaceState.CellValue;

    public ElectrodeParameters Electrode => Cell.WorkingElectrode;
}

/// <summary>
/// What the laws of the 2-D resolved-particle model share: the mesh graph, where each field's unknowns are,
/// per-cell constants and, per evaluation, the effective electrolyte transport coefficients of each cell.
/// Unknowns are interleaved cell by cell in graph order (particle: c_s, φ_s; matrix: c_e, φ_e, φ_m; separator:
/// c_e, φ_e) so neighbours in the mesh are near in the state; then the collector potential φ_cc [V], the applied
/// current density I [A/m²] and the charge passed Q [C/m²]. All rows are per unit volume (per m² of mesh area per
/// unit depth) except φ_cc's (A/m² of cross-section) and the control rows.
/// </summary>
public sealed class ResolvedContext
{
    public ResolvedContext(ResolvedCellParameters parameters, ResolvedMesh mesh, FaceAverage faceAverage = FaceAverage.Harmonic)
    {
        Parameters = parameters;
        Mesh = mesh;
        FaceAverage = faceAverage;
        var cell = parameters.Cell;
        if (!cell.IsHalfCell || cell.Electrodes.Count != 1) throw new ArgumentException("the resolved-particle model is a half cell: one working electrode against a lithium foil");
        var g = mesh.Graph;
        int n = g.CellCount;
        if (mesh.EmbeddedBoundary && (parameters.Capacity != CapacityScaling.CutCell || parameters.InterfaceArea != InterfaceAreaDistribution.Arc))
            throw new ArgumentException($"an embedded-boundary mesh (sliver cells of their own) needs capacity {CapacityScaling.CutCell} and interface area {InterfaceAreaDistribution.Arc}, " +
                                        $"got {parameters.Capacity} and {parameters.InterfaceArea}");
        ParticleConcentration = Fill(n); ParticlePotential = Fill(n);
        ElectrolyteConcentration = Fill(n); ElectrolytePotential = Fill(n); MatrixPotential = Fill(n);
        Disc = Fill(n);
        int next = 0;
        for (int c = 0; c < n; c++)
        {
            int region = g.CellRegion[c];
            if (ResolvedRegions.IsParticle(region))
            {
                Disc[c] = ResolvedRegions.DiscOf(region);
                ParticleConcentration[c] = next++;
                ParticlePotential[c] = next++;
                continue;
            }
            ElectrolyteConcentration[c] = next++;
            ElectrolytePotential[c] = next++;
            if (region == ResolvedRegions.Matrix) MatrixPotential[c] = next++;
        }
        CollectorPotential = next++;
        Current = next++;
        Charge = next++;
        Size = next;

        var electrode = parameters.Electrode;
        double phi = mesh.Packing.AreaFraction;
        MatrixPorosity = MatrixEffectiveProperties.MatrixPorosity(electrode.Porosity, phi);
        MatrixElectronicConductivity = parameters.CarbonBinderConductivity * MatrixEffectiveProperties.ElectronicFactor(electrode.Porosity, phi, electrode.BruggemanElectrolyte);
        Porosity = new double[n];
        Tortuosity = new double[n];
        MaxConcentration = new double[n];
        SolidVolumeFraction = new double[n];
        for (int c = 0; c < n; c++)
        {
            int region = g.CellRegion[c];
            if (region == ResolvedRegions.Separator)
            {
                Porosity[c] = cell.Separator.Porosity;
                Tortuosity[c] = Math.Pow(cell.Separator.Porosity, cell.Separator.Bruggeman);
            }
            else if (region == ResolvedRegions.Matrix)
            {
                Porosity[c] = MatrixPorosity;
                Tortuosity[c] = MatrixEffectiveProperties.IonicFactor(electrode.Porosity, phi, electrode.BruggemanElectrolyte);
            }
            else
            {
                MaxConcentration[c] = electrode.MaxConcentration * (parameters.Capacity == CapacityScaling.TrueDiscArea ? mesh.CapacityScale[Disc[c]] : 1.0);
                SolidVolumeFraction[c] = parameters.Capacity == CapacityScaling.CutCell ? mesh.CutArea[c] / g.CellVolume[c] : 1.0;
            }
        }
        ReferenceExchangeCurrentDensity = electrode.ReferenceExchangeCurrentDensity(cell.Temperature);
        EffectiveDiffusivity = new double[n]; EffectiveDiffusivitySlope = new double[n];
        EffectiveConductivity = new double[n]; EffectiveConductivitySlope = new double[n];
        TransportFactor = new double[n]; TransportFactorSlope = new double[n];
        Height = mesh.Packing.Settings.Height;
    }

    private static int[] Fill(int n) { var a = new int[n]; Array.Fill(a, -1); return a; }

    public ResolvedCellParameters Parameters { get; }
    public CellParameters Cell => Parameters.Cell;
    public ResolvedMesh Mesh { get; }
    public FiniteVolumeGraph Graph => Mesh.Graph;
    public FaceAverage FaceAverage { get; }
    public int Size { get; }
    /// <summary>Cell height H of the periodic domain [m]: the graph is per unit depth, so a face sum over x = const is per H.</summary>
    public double Height { get; }

    /// <summary>Unknown index per graph cell of c_s [mol/m³] (particle cells), −1 elsewhere; likewise below.</summary>
    public int[] ParticleConcentration { get; }
    /// <summary>φ_s [V] in particle cells.</summary>
    public int[] ParticlePotential { get; }
    /// <summary>c_e [mol/m³] in separator and matrix cells.</summary>
    public int[] ElectrolyteConcentration { get; }
    /// <summary>φ_e [V] in separator and matrix cells.</summary>
    public int[] ElectrolytePotential { get; }
    /// <summary>φ_m [V], the matrix's electronic potential, in matrix cells.</summary>
    public int[] MatrixPotential { get; }
    /// <summary>Disc of each particle cell, −1 elsewhere.</summary>
    public int[] Disc { get; }
    /// <summary>Index of the collector potential φ_cc [V] (= the cell voltage; φ_Li = 0).</summary>
    public int CollectorPotential { get; }
    public int Current { get; }
    public int Charge { get; }

    /// <summary>Electrolyte volume fraction per cell [1] (separator ε_sep, matrix ε_m; 0 in particles).</summary>
    public double[] Porosity { get; }
    /// <summary>Bruggeman factor per cell [1].</summary>
    public double[] Tortuosity { get; }
    public double MatrixPorosity { get; }
    /// <summary>σ_m,eff [S/m].</summary>
    public double MatrixElectronicConductivity { get; }
    /// <summary>Effective c_s,max per particle cell [mol/m³] (<see cref="CapacityScaling"/>); 0 elsewhere.</summary>
    public double[] MaxConcentration { get; }
    /// <summary>
    /// Fraction of each particle cell's area that holds lithium [1]: the mass coefficient of ∂c_s/∂t (<see cref="CapacityScaling.CutCell"/>:
    /// the cut area over the cell area, above 1 where the cell carries slivers; 1 otherwise); 0 off the particles.
    /// </summary>
    public double[] SolidVolumeFraction { get; }
    /// <summary>j0_ref(T) [A/m²].</summary>
    public double ReferenceExchangeCurrentDensity { get; }
    /// <summary>[K]</summary>
    public double Temperature => Cell.Temperature;
    /// <summary>F/RT [1/V].</summary>
    public double InverseThermalVoltage => PhysicalConstants.Faraday / (PhysicalConstants.GasConstant * Temperature);

    public double[] EffectiveDiffusivity { get; }
    public double[] EffectiveDiffusivitySlope { get; }
    public double[] EffectiveConductivity { get; }
    public double[] EffectiveConductivitySlope { get; }
    public double[] TransportFactor { get; }
    public double[] TransportFactorSlope { get; }

    /// <summary>Evaluates the electrolyte correlations (times each cell's Bruggeman factor) in every electrolyte cell.</summary>
    public void UpdateElectrolyteTransport(ReadOnlySpan<double> y, bool withSlopes) =>
        ElectrolyteTransport.Evaluate(Cell.Electrolyte, Temperature, InverseThermalVoltage, ElectrolyteConcentration, Tortuosity, y, withSlopes,
            EffectiveDiffusivity, EffectiveDiffusivitySlope, EffectiveConductivity, EffectiveConductivitySlope, TransportFactor, TransportFactorSlope);
}
