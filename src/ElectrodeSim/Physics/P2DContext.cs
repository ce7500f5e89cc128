using System.Runtime.CompilerServices;
using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// What the conservation laws share: mesh, unknown layout, cell parameters, per-cell constants
/// and, per evaluation, the effective electrolyte transport coefficients of every cell.
/// </summary>
public sealed class P2DContext
{
    public P2DContext(CellParameters cell, CellMesh mesh, FaceAverage faceAverage)
    {
        Cell = cell;
        Mesh = mesh;
        Layout = new UnknownLayout(mesh, cell.Electrodes.Select(e => e.HasDoubleLayer).ToArray(), cell.Electrodes.Select(e => e.HasHysteresis).ToArray(),
            thermal: cell.Thermal is not null);
        FaceAverage = faceAverage;
        Temperature = cell.Thermal?.InitialTemperature ?? cell.Temperature;
        int n = mesh.CellCount;
        Porosity = new double[n];
        Bruggeman = new double[n];
        SpecificArea = new double[n];
        for (int i = 0; i < n; i++)
        {
            var layer = mesh.LayerOfCell(i);
            if (layer.Kind == LayerKind.Separator)
            {
                Porosity[i] = cell.Separator.Porosity;
                Bruggeman[i] = cell.Separator.Bruggeman;
            }
            else
            {
                var e = cell.Electrodes[layer.ElectrodeIndex];
                Porosity[i] = e.Porosity;
                Bruggeman[i] = e.BruggemanElectrolyte;
                SpecificArea[i] = e.SpecificArea;
            }
        }
        Tortuosity = new double[n];
        for (int i = 0; i < n; i++) Tortuosity[i] = Math.Pow(Porosity[i], Bruggeman[i]);
        ReferenceExchangeCurrentDensity = cell.Electrodes.Select(e => e.ReferenceExchangeCurrentDensity(Temperature)).ToArray();
        SolidDiffusivity = cell.Electrodes.Select(e => e.SolidDiffusivityAt(Temperature)).ToArray();
        _inverseSolidDiffusivity = SolidDiffusivity.Select(d => 1.0 / d).ToArray();
        _variableSolidDiffusivity = cell.Electrodes.Select(e => e.HasConcentrationDependentDiffusivity).ToArray();
        InverseMaxConcentration = cell.Electrodes.Select(e => 1.0 / e.MaxConcentration).ToArray();
        SurfaceThetaByCurrent = mesh.ClassParticles.Select((classes, e) => classes.Select(p =>
            p.Graph.LeftDistance[p.SurfaceFace] / (PhysicalConstants.Faraday * cell.Electrodes[e].MaxConcentration)).ToArray()).ToArray();
        EffectiveDiffusivity = new double[n];
        EffectiveDiffusivitySlope = new double[n];
        EffectiveConductivity = new double[n];
        EffectiveConductivitySlope = new double[n];
        TransportFactor = new double[n];
        TransportFactorSlope = new double[n];
        CollectorFace = mesh.Graph.FacesOf(FaceKind.Boundary, FaceTags.XEnd).Single();
        SurfaceShell = new int[n];
        for (int i = 0; i < n; i++)
        {
            int e = Layout.ElectrodeOf(i);
            if (e < 0) { SurfaceShell[i] = -1; continue; }
            var particle = mesh.Particles[e];
            SurfaceShell[i] = Maps.SolidConcentration[i] + Maps.Shells[e][particle.Graph.LeftCell[particle.SurfaceFace]];
        }
        ClassSurfaceShell = new int[n][];
        for (int i = 0; i < n; i++)
        {
            int e = Layout.ElectrodeOf(i);
            if (e < 0) continue;
            ClassSurfaceShell[i] = new int[Layout.ClassCount(i)];
            ClassSurfaceShell[i][0] = SurfaceShell[i];
            for (int k = 1; k < ClassSurfaceShell[i].Length; k++)
            {
                var particle = mesh.ClassParticles[e][k];
                ClassSurfaceShell[i][k] = Layout.ClassSolidConcentration(i, k, 0) + Maps.Shells[e][particle.Graph.LeftCell[particle.SurfaceFace]];
            }
        }
        ClassSpecificArea = cell.Electrodes.Select(e => Enumerable.Range(0, e.ParticleClassCount).Select(e.ClassSpecificArea).ToArray()).ToArray();
        HasSizeDistribution = cell.Electrodes.Any(e => e.ParticleClassCount > 1);
    }

    /// <summary>Per x cell (null in the separator), the unknown index of the surface shell's c_s of each particle size class (class 0: <see cref="SurfaceShell"/>).</summary>
    public int[][] ClassSurfaceShell { get; }
    /// <summary>Per electrode, a_k = 3 ε_s w_k / R_k of each size class [1/m] (one size: a itself).</summary>
    public double[][] ClassSpecificArea { get; }
    /// <summary>Whether any electrode has a particle-size distribution (more than one size class).</summary>
    public bool HasSizeDistribution { get; }

    /// <summary>Unknown index of c_s in the shell at the surface face of the particle of each x cell (−1 in the separator).</summary>
    public int[] SurfaceShell { get; }

    /// <summary>The x graph the electrolyte and solid balances live on (<see cref="CellMesh.Graph"/>).</summary>
    public FiniteVolumeGraph Graph => Mesh.Graph;
    /// <summary>Unknown index of each field per graph cell.</summary>
    public UnknownMaps Maps => Layout.Maps;
    /// <summary>The x graph's boundary face at the working electrode's current collector (x = L), where V is taken.</summary>
    public int CollectorFace { get; }
    /// <summary>Unknown index of φ_s in the cell at the collector face.</summary>
    public int CollectorPotential => Maps.SolidPotential[Graph.LeftCell[CollectorFace]];

    public CellParameters Cell { get; }
    public CellMesh Mesh { get; }
    public UnknownLayout Layout { get; }
    public FaceAverage FaceAverage { get; }
    /// <summary>
    /// Cell temperature of the current evaluation [K]: the case's constant when isothermal; with the lumped thermal model
    /// the state's (<see cref="SetTemperature"/>, which every evaluation calls first).
    /// </summary>
    public double Temperature { get; private set; }

    /// <summary>Sets the cell temperature [K] and the temperature-dependent constants with it (j0_ref(T), D_s(T)); a no-op when unchanged.</summary>
    public void SetTemperature(double temperature)
    {
        if (temperature == Temperature) return;
        Temperature = temperature;
        for (int e = 0; e < ReferenceExchangeCurrentDensity.Length; e++)
        {
            ReferenceExchangeCurrentDensity[e] = Cell.Electrodes[e].ReferenceExchangeCurrentDensity(temperature);
            SolidDiffusivity[e] = Cell.Electrodes[e].SolidDiffusivityAt(temperature);
            _inverseSolidDiffusivity[e] = 1.0 / SolidDiffusivity[e];
        }
    }

    /// <summary>The temperature [K] of state y: T_amb + (T − T_amb) with the thermal model, else the constant.</summary>
    public double TemperatureOf(ReadOnlySpan<double> y) =>
        Layout.IsThermal ? Cell.Thermal!.AmbientTemperature + y[Layout.TemperatureRise] : Temperature;

    /// <summary>Sets the temperature of state y (nothing when isothermal).</summary>
    public void SyncTemperature(ReadOnlySpan<double> y)
    {
        if (Layout.IsThermal) SetTemperature(TemperatureOf(y));
    }

    /// <summary>U(θ, T) [V] and ∂U/∂θ of electrode <paramref name="electrode"/> at the current temperature.</summary>
    public double EquilibriumPotential(int electrode, double theta, out double slope) =>
        Cell.Electrodes[electrode].EquilibriumPotential(theta, Temperature, out slope);
    /// <summary>F/RT [1/V].</summary>
    public double InverseThermalVoltage => PhysicalConstants.Faraday / (PhysicalConstants.GasConstant * Temperature);
    public double TransferenceNumber => Cell.Electrolyte.TransferenceNumber;

    /// <summary>Electrolyte volume fraction per x cell [1].</summary>
    public double[] Porosity { get; }
    public double[] Bruggeman { get; }
    /// <summary>j0_ref(T) of each electrode [A/m²] at <see cref="Temperature"/> (evaluated again only when T changes).</summary>
    public double[] ReferenceExchangeCurrentDensity { get; }
    /// <summary>
    /// The constant-form D_s(T) of each electrode [m²/s] at <see cref="Temperature"/> (<see cref="ElectrodeParameters.SolidDiffusivityAt(double)"/>,
    /// an exp, evaluated again only when T changes; the surface state of lithiation of every cell needs it per evaluation).
    /// </summary>
    public double[] SolidDiffusivity { get; }
    /// <summary>D_s(θ, T) [m²/s] and ∂D_s/∂θ of electrode <paramref name="electrode"/> at <see cref="Temperature"/>: a constant D_s from <see cref="SolidDiffusivity"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double SolidDiffusivityAt(int electrode, double theta, out double dDdTheta)
    {
        if (_variableSolidDiffusivity[electrode]) return Cell.Electrodes[electrode].SolidDiffusivityAt(theta, Temperature, out dDdTheta);
        dDdTheta = 0.0;
        return SolidDiffusivity[electrode];
    }
    private readonly bool[] _variableSolidDiffusivity;
    /// <summary>
    /// 1/D_s(θ, T) [s/m²] and ∂D_s/∂θ of electrode <paramref name="electrode"/> at <see cref="Temperature"/>: for a constant D_s
    /// the reciprocal formed when T is set (the same bits as dividing here), not a division per call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double InverseSolidDiffusivityAt(int electrode, double theta, out double dDdTheta)
    {
        if (_variableSolidDiffusivity[electrode]) return 1.0 / Cell.Electrodes[electrode].SolidDiffusivityAt(theta, Temperature, out dDdTheta);
        dDdTheta = 0.0;
        return _inverseSolidDiffusivity[electrode];
    }
    private readonly double[] _inverseSolidDiffusivity;
    /// <summary>1/c_s,max of each electrode [m³/mol].</summary>
    public double[] InverseMaxConcentration { get; }
    /// <summary>
    /// Per electrode and size class, l/(F c_s,max) [m⁴/C], l the distance from the outer shell's centre to
    /// the particle surface: the surface state of lithiation lags the outer shell's by j times this over D_s.
    /// </summary>
    public double[][] SurfaceThetaByCurrent { get; }
    /// <summary>Bruggeman factor ε^b per x cell [1] (effective = factor × bulk property).</summary>
    public double[] Tortuosity { get; }
    /// <summary>a = 3 ε_s / R_p per x cell [1/m]; 0 in the separator.</summary>
    public double[] SpecificArea { get; }

    /// <summary>ε^b D_e(c) [m²/s] and its derivative in c, per cell, for the current evaluation.</summary>
    public double[] EffectiveDiffusivity { get; }
    public double[] EffectiveDiffusivitySlope { get; }
    /// <summary>ε^b κ(c) [S/m] and its derivative in c.</summary>
    public double[] EffectiveConductivity { get; }
    public double[] EffectiveConductivitySlope { get; }
    /// <summary>ν(c) = (2RT/F)(1 − t+)(1 + dln f/dln c) [V], the diffusion-potential factor, and dν/dc.</summary>
    public double[] TransportFactor { get; }
    public double[] TransportFactorSlope { get; }

    /// <summary>Evaluates the electrolyte correlations in every cell; their slopes only when a Jacobian is assembled.</summary>
    public void UpdateElectrolyteTransport(ReadOnlySpan<double> y, bool withSlopes) =>
        ElectrolyteTransport.Evaluate(Cell.Electrolyte, Temperature, InverseThermalVoltage, Maps.ElectrolyteConcentration, Tortuosity, y, withSlopes,
            EffectiveDiffusivity, EffectiveDiffusivitySlope, EffectiveConductivity, EffectiveConductivitySlope, TransportFactor, TransportFactorSlope);
}

/// <summary>
/// One conservation law (or constitutive relation) of the P2D model: it declares which Jacobian
/// entries it touches, learns their slots once, then adds its residual rows and their derivatives.
/// </summary>
public interface IModelEquation
{
    void DeclarePattern(SparsityPatternBuilder pattern);
    void Bind(SparsityPattern pattern);
    /// <summary>Adds g(y) rows into <paramref name="residual"/> and ∂g/∂y into <paramref name="jacobian"/> (skipped when empty).</summary>
    void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian);
}
