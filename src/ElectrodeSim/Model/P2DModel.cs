using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;

namespace ElectrodeSim.Model;

/// <summary>
/// The pseudo-2D (Doyle–Fuller–Newman) model as a DAE <c>M dy/dt + g(y) = 0</c>: the sum of its
/// conservation laws over one mesh. Half cell and full cell are two layer stacks of the same model.
/// </summary>
public sealed class P2DModel : IElectrochemicalModel
{
    private readonly IModelEquation[] _equations;
    private readonly double[] _mass;
    private readonly double[] _scale;

    public P2DModel(CellParameters cell, MeshSettings meshSettings, FaceAverage faceAverage = FaceAverage.Harmonic)
    {
        Cell = cell;
        Mesh = new CellMesh(cell, meshSettings);
        Context = new P2DContext(cell, Mesh, faceAverage);
        Control = new OperatingControl(Context);
        _equations =
        [
            new ElectrolyteMassBalance(Context),
            new ElectrolyteChargeBalance(Context),
            new SolidChargeBalance(Context),
            new ButlerVolmerKinetics(Context),
            new ParticleDiffusion(Context),
            Control,
        ];
        // Left out without a double layer, so that such runs evaluate exactly the equations they always did.
        DoubleLayer = DoubleLayerCharging.IsPresent(Context) ? new DoubleLayerCharging(Context) : null;
        if (DoubleLayer is not null) _equations = [.. _equations, DoubleLayer];
        // Likewise the lumped thermal rows and the T column (every row may depend on T) only with cell.thermal.
        Thermal = Layout.IsThermal ? new ThermalBalance(Context) : null;
        if (Thermal is not null) _equations = [.. _equations, Thermal];
        // Likewise the OCP hysteresis state, only where an electrode has hysteresis.
        Hysteresis = OcpHysteresisState.IsPresent(Context) ? new OcpHysteresisState(Context) : null;
        if (Hysteresis is not null) _equations = [.. _equations, Hysteresis];
        var builder = new SparsityPatternBuilder(Layout.Size);
        builder.AddDiagonal();
        foreach (var equation in _equations) equation.DeclarePattern(builder);
        if (Thermal is not null)
            for (int row = 0; row < Layout.Size; row++) builder.Add(row, Layout.TemperatureRise);
        JacobianPattern = builder.Build();
        foreach (var equation in _equations) equation.Bind(JacobianPattern);
        // The particles' radial diffusion with a D_s of T only on an isothermal run has state-independent Jacobian entries:
        // formed once here, every Jacobian starts from a copy of them instead of from zero.
        var particles = (ParticleDiffusion)_equations[4];
        if (particles.HasConstantJacobian)
        {
            _constantJacobian = new double[JacobianPattern.NonZeroCount];
            particles.KeepConstantJacobian(_constantJacobian);
        }
        if (Thermal is not null)
        {
            _temperatureColumn = new int[Layout.Size];
            for (int row = 0; row < Layout.Size; row++) _temperatureColumn[row] = JacobianPattern.SlotOf(row, Layout.TemperatureRise);
            _plus = new double[Layout.Size];
            _minus = new double[Layout.Size];
            _shifted = new double[Layout.Size];
        }

        _mass = new double[Layout.Size];
        _scale = new double[Layout.Size];
        for (int i = 0; i < Mesh.CellCount; i++)
        {
            _mass[Layout.ElectrolyteConcentration(i)] = Context.Porosity[i];
            _scale[Layout.ElectrolyteConcentration(i)] = cell.InitialElectrolyteConcentration;
            _scale[Layout.ElectrolytePotential(i)] = 0.1;
            if (!Layout.IsElectrode(i)) continue;
            var electrode = cell.Electrodes[Layout.ElectrodeOf(i)];
            _scale[Layout.SolidPotential(i)] = 0.1;
            _scale[Layout.InterfacialCurrent(i)] = 1.0;
            for (int c = 0; c < Layout.ClassCount(i); c++)
            {
                _scale[Layout.ClassCurrent(i, c)] = 1.0;
                for (int k = 0; k < Mesh.Particles[Layout.ElectrodeOf(i)].Shells; k++)
                {
                    _mass[Layout.ClassSolidConcentration(i, c, k)] = 1.0;
                    _scale[Layout.ClassSolidConcentration(i, c, k)] = electrode.MaxConcentration;
                }
            }
        }
        DoubleLayer?.FillMass(_mass);
        Hysteresis?.FillMass(_mass);
        for (int i = 0; i < Mesh.CellCount; i++)
        {
            if (!Layout.HasDoubleLayer(i)) continue;
            _scale[Layout.DoubleLayerPotential(i)] = 0.1;
            _scale[Layout.DoubleLayerCurrent(i)] = 1.0;
        }
        for (int i = 0; i < Mesh.CellCount; i++)
            if (Layout.HasHysteresis(i)) _scale[Layout.HysteresisState(i)] = 1.0;
        _scale[Layout.Current] = 1.0;
        _mass[Layout.Charge] = 1.0;
        _scale[Layout.Charge] = 1.0;
        if (Thermal is not null)
        {
            _mass[Layout.TemperatureRise] = cell.Thermal!.ArealHeatCapacity;
            _scale[Layout.TemperatureRise] = 1.0;
            _mass[Layout.HeatGenerated] = 1.0;
            _scale[Layout.HeatGenerated] = 1.0;
        }
    }

    private readonly int[] _temperatureColumn = [];
    /// <summary>The state-independent part of ∂g/∂y every Jacobian starts from (null: none, every Jacobian starts from zero).</summary>
    private readonly double[]? _constantJacobian;
    private readonly double[] _plus = [], _minus = [], _shifted = [];
    /// <summary>Step of the central differences of the T column [K].</summary>
    private const double TemperatureStep = 1e-3;

    /// <summary>The lumped thermal rows; null when the run is isothermal.</summary>
    public ThermalBalance? Thermal { get; }

    /// <summary>Cell temperature of state y [K] (the constant when isothermal).</summary>
    public double Temperature(ReadOnlySpan<double> y) => Context.TemperatureOf(y);

    /// <summary>The local heat sources of state y [W/m²] (<see cref="HeatRates"/>), also for an isothermal run.</summary>
    public HeatRates HeatSources(ReadOnlySpan<double> y) => HeatRates.Of(Context, y);

    /// <summary>Q [W/m²] of state y as the thermal row has it: −I V − Σ a j (U − T ∂U/∂T) Δx (<see cref="ThermalBalance.HeatRate"/>).</summary>
    public double HeatRate(ReadOnlySpan<double> y)
    {
        Context.SyncTemperature(y);
        return ThermalBalance.HeatRate(Context, y, Span<double>.Empty);
    }

    public CellParameters Cell { get; }
    public CellMesh Mesh { get; }
    public P2DContext Context { get; }
    public UnknownLayout Layout => Context.Layout;
    public OperatingControl Control { get; }
    /// <summary>The double-layer charging of the electrodes that have one; null when none has.</summary>
    public DoubleLayerCharging? DoubleLayer { get; }
    /// <summary>The OCP hysteresis state of the electrodes that have it; null when none has.</summary>
    public OcpHysteresisState? Hysteresis { get; }
    IOperatingControl IElectrochemicalModel.Control => Control;
    public int CurrentIndex => Layout.Current;
    public int ChargeIndex => Layout.Charge;
    public double ActiveMassPerArea => Cell.WorkingElectrode.ActiveMassPerArea;
    public double OneCCurrentDensity => Cell.WorkingElectrode.OneCCurrentDensity;
    public double InitialElectrolyteConcentration => Cell.InitialElectrolyteConcentration;

    public string DescribeSolidLocation(StateExtreme e) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Cell.Electrodes[e.Electrode].Name}, x = {1e6 * Mesh.Centres[e.Cell]:F2} um, {(e.Shell < 0 ? "particle surface" : $"shell {e.Shell + 1} of {Mesh.Particles[e.Electrode].Shells}")}");

    public string DescribeElectrolyteLocation(StateExtreme e) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"x = {1e6 * Mesh.Centres[e.Cell]:F2} um");

    public int Size => Layout.Size;
    public SparsityPattern JacobianPattern { get; }
    public ReadOnlySpan<double> MassDiagonal => _mass;
    public ReadOnlySpan<double> Scale => _scale;

    public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        residual.Clear();
        if (_constantJacobian is null || jacobian.IsEmpty) jacobian.Clear();
        else _constantJacobian.CopyTo(jacobian);
        Control.Time = t;
        Context.SyncTemperature(y);
        Context.UpdateElectrolyteTransport(y, withSlopes: !jacobian.IsEmpty);
        foreach (var equation in _equations) equation.Evaluate(y, residual, jacobian);
        if (Thermal is null || jacobian.IsEmpty) return;

        // ∂g/∂ΔT of every row by central differences: T enters every correlation, rate and potential (j0, D_s, D_e, κ,
        // ν, F/RT, U(θ, T)), so one column is cheaper to difference than to thread through each law.
        y.CopyTo(_shifted);
        int k = Layout.TemperatureRise;
        foreach (var (target, sign) in new[] { (_plus, 1.0), (_minus, -1.0) })
        {
            _shifted[k] = y[k] + sign * TemperatureStep;
            Array.Clear(target);
            Context.SyncTemperature(_shifted);
            Context.UpdateElectrolyteTransport(_shifted, withSlopes: false);
            foreach (var equation in _equations) equation.Evaluate(_shifted, target, Span<double>.Empty);
        }
        for (int row = 0; row < _plus.Length; row++)
            jacobian[_temperatureColumn[row]] += (_plus[row] - _minus[row]) / (2 * TemperatureStep);
        Context.SyncTemperature(y);
        Context.UpdateElectrolyteTransport(y, withSlopes: false);
    }

    /// <summary>
    /// The linear solver of the iteration matrix: each particle's shells (a tridiagonal chain in r) condensed onto its
    /// size class's interfacial current j, the one kept unknown its surface shell couples to (<see cref="ChainCondensedSolver"/>),
    /// so the sparse LU factorises only the x unknowns; where some other row depends on the surface concentration, onto the
    /// surface shell (the sparse LU then has one surface unknown per particle). A particle of one shell is left to the LU.
    /// </summary>
    public ISparseLinearSolver CreateLinearSolver(SparsityPattern pattern)
    {
        var chains = new List<int[]>();
        var attachments = new List<int>();
        // The particles of a group with a state-independent radial Jacobian have equal chains in every iteration matrix
        // (a0 on the diagonal of each shell, the kept constant entries; identity rows during initialisation): each is
        // declared equal to the group's first, whose elimination the solver then copies.
        var sameValuesAs = new List<int>();
        var firstOfGroup = new Dictionary<(int, int), int>();
        var particles = (ParticleDiffusion)_equations[4];
        for (int i = 0; i < Mesh.CellCount; i++)
        {
            if (!Layout.IsElectrode(i)) continue;
            int electrode = Layout.ElectrodeOf(i);
            int shells = Mesh.Particles[electrode].Shells;
            if (shells < 2) continue;
            for (int c = 0; c < Layout.ClassCount(i); c++)
            {
                if (!particles.HasKeptConstantJacobian(electrode, c)) sameValuesAs.Add(-1);
                else if (firstOfGroup.TryGetValue((electrode, c), out int first)) sameValuesAs.Add(first);
                else { firstOfGroup[(electrode, c)] = chains.Count; sameValuesAs.Add(-1); }
                int surface = Context.ClassSurfaceShell[i][c];
                var chain = new int[shells];
                int at = 0;
                for (int k = 0; k < shells; k++)
                    if (Layout.ClassSolidConcentration(i, c, k) != surface) chain[at++] = Layout.ClassSolidConcentration(i, c, k);
                chain[at] = surface;
                chains.Add(chain);
                attachments.Add(Layout.ClassCurrent(i, c));
            }
        }
        if (chains.Count == 0) return new KluLinearSolver(pattern);
        // The surface shells condensed too (callgrind of the native bench -n 10, 2026-12-07): SiO@C-l 1109.0 → 1081.1 M
        // instructions (98 → 82 kept unknowns), Marquis2019 1C 10443 → 10278 M (222 → 182); the same bits in the SiO@C-l run.
        var solver = ChainCondensedSolver.TryCreate(pattern, chains, attachments, out _, sameValuesAs);
        if (solver is not null) return solver;
        var surfaces = chains.Select(chain => chain[^1]).ToList();
        // Condense only when every particle row stays inside its chain: a global unknown the shells depend on (the
        // lumped cell temperature through D_s(T)) couples them outside it, and the whole matrix goes to KLU instead.
        return ChainCondensedSolver.TryCreate(pattern, chains.Select(chain => chain[..^1]).ToList(), surfaces, out _, sameValuesAs)
               ?? (ISparseLinearSolver)new KluLinearSolver(pattern);
    }

    /// <summary>Sets the current scale of the error weights (so that |I| is resolved relative to the protocol's current).</summary>
    public void SetCurrentScale(double amperesPerSquareMetre) => _scale[Layout.Current] = Math.Max(Math.Abs(amperesPerSquareMetre), 1e-3);

    /// <summary>
    /// The rest state: uniform electrolyte and particles at their initial values, potentials at
    /// equilibrium (a first guess; the integrator makes the algebraic part consistent).
    /// </summary>
    public double[] InitialState()
    {
        var y = new double[Size];
        if (Thermal is not null) y[Layout.TemperatureRise] = Cell.Thermal!.InitialTemperature - Cell.Thermal.AmbientTemperature;
        Context.SyncTemperature(y);
        double T = Context.Temperature;
        double phiE = 0.0;
        if (!Cell.IsHalfCell)
        {
            var negative = Cell.Electrodes[0];
            phiE = -negative.EquilibriumPotential(negative.InitialStateOfLithiation, T, out _);
        }
        for (int i = 0; i < Mesh.CellCount; i++)
        {
            y[Layout.ElectrolyteConcentration(i)] = Cell.InitialElectrolyteConcentration;
            y[Layout.ElectrolytePotential(i)] = phiE;
            if (!Layout.IsElectrode(i)) continue;
            var electrode = Cell.Electrodes[Layout.ElectrodeOf(i)];
            double theta0 = electrode.InitialStateOfLithiation;
            y[Layout.SolidPotential(i)] = phiE + electrode.EquilibriumPotential(theta0, T, out _);
            for (int c = 0; c < Layout.ClassCount(i); c++)
                for (int k = 0; k < Mesh.Particles[Layout.ElectrodeOf(i)].Shells; k++)
                    y[Layout.ClassSolidConcentration(i, c, k)] = theta0 * electrode.MaxConcentration;
            if (Layout.HasDoubleLayer(i)) y[Layout.DoubleLayerPotential(i)] = y[Layout.SolidPotential(i)] - phiE;
            if (Layout.HasHysteresis(i)) y[Layout.HysteresisState(i)] = electrode.Hysteresis!.InitialState;
        }
        return y;
    }

    /// <summary>
    /// A first guess of the algebraic unknowns for current density <paramref name="current"/>
    /// [A/m²] with the differential ones as they are: uniform reaction in each electrode
    /// (∫a j dx = ∓I), Butler–Volmer inverted for η, foil overpotential for φ_e. It only has to
    /// put Newton in the basin of the consistent state; the exponential kinetics make j = 0 a
    /// poor start at high current and small exchange current densities.
    /// </summary>
    public void EstimateAlgebraicState(Span<double> y, double current)
    {
        y[Layout.Current] = current;
        Context.SyncTemperature(y);
        double f = Context.InverseThermalVoltage;
        double phiE = 0.0;
        if (Cell.IsHalfCell)
            phiE = -LithiumFoil.Overpotential(Cell.LithiumFoil!, current, y[Layout.ElectrolyteConcentration(0)], f);
        else
        {
            var negative = Cell.Electrodes[0];
            var firstCell = Mesh.ElectrodeLayers.First(l => l.ElectrodeIndex == 0).FirstCell;
            double j = current / (negative.SpecificArea * negative.Thickness);
            double theta = SurfaceStateOfLithiation(y, firstCell);
            phiE = -(EquilibriumPotential(y, firstCell, theta) + Overpotential(0, j, theta, y[Layout.ElectrolyteConcentration(firstCell)]));
        }
        for (int i = 0; i < Mesh.CellCount; i++)
        {
            y[Layout.ElectrolytePotential(i)] = phiE;
            if (!Layout.IsElectrode(i)) continue;
            int e = Layout.ElectrodeOf(i);
            var electrode = Cell.Electrodes[e];
            double sign = e == Cell.Electrodes.Count - 1 ? -1.0 : 1.0;
            double j = sign * current / (electrode.SpecificArea * electrode.Thickness);
            if (Layout.HasDoubleLayer(i))
            {
                // ψ cannot jump: φ_s − φ_e stays at it, the faradaic j with it (kept from the entry state), and the
                // rest of the current charges the double layer.
                y[Layout.DoubleLayerCurrent(i)] = j - y[Layout.InterfacialCurrent(i)];
                y[Layout.SolidPotential(i)] = phiE + y[Layout.DoubleLayerPotential(i)];
                continue;
            }
            y[Layout.InterfacialCurrent(i)] = j;
            // Every size class starts at the mean current (φ_s from class 0; Newton shares the current out).
            for (int c = 1; c < Layout.ClassCount(i); c++) y[Layout.ClassCurrent(i, c)] = j;
            if (Layout.ClassCount(i) > 1) y[Layout.ClassCurrent(i, 0)] = j;
            double theta = SurfaceStateOfLithiation(y, i);
            y[Layout.SolidPotential(i)] = phiE + EquilibriumPotential(y, i, theta) + Overpotential(e, j, theta, y[Layout.ElectrolyteConcentration(i)]);
        }
    }

    /// <summary>
    /// η + R_film j [V] that carries interfacial current j [A/m²] at surface state θ and electrolyte concentration
    /// c_e: Butler–Volmer, j = j0 [exp(α_a f η) − exp(−α_c f η)], inverted exactly (the right side is monotone in
    /// η; Newton on it from the larger branch's logarithm, safeguarded by a bracket).
    /// </summary>
    public double Overpotential(int electrodeIndex, double j, double theta, double electrolyteConcentration)
    {
        var electrode = Cell.Electrodes[electrodeIndex];
        double f = Context.InverseThermalVoltage;
        double aa = electrode.AnodicTransferCoefficient, ac = electrode.CathodicTransferCoefficient;
        double t = Math.Clamp(theta, 1e-9, 1 - 1e-9);
        double ce = Math.Max(electrolyteConcentration, 1e-6) / Cell.ReferenceElectrolyteConcentration;
        double j0 = Context.ReferenceExchangeCurrentDensity[electrodeIndex] * Math.Pow(ce, aa) * Math.Pow((1 - t) / 0.5, aa) * Math.Pow(t / 0.5, ac);
        double eta = ButlerVolmerKinetics.Overpotential(j, j0, aa, ac, f);
        return eta + electrode.FilmResistance * j;
    }

    /// <summary>
    /// What current density <paramref name="current"/> [A/m²] asks of the kinetics from state y, for messages: a
    /// uniform reaction's interfacial current, exchange current density and overpotential in the cell of each
    /// electrode where the overpotential is largest.
    /// </summary>
    public string DescribeKinetics(double current, ReadOnlySpan<double> y)
    {
        Context.SyncTemperature(y);
        var parts = new List<string>();
        foreach (var layer in Mesh.ElectrodeLayers)
        {
            int e = layer.ElectrodeIndex;
            var electrode = Cell.Electrodes[e];
            double sign = e == Cell.Electrodes.Count - 1 ? -1.0 : 1.0;
            double j = sign * current / (electrode.SpecificArea * electrode.Thickness);
            double worst = 0, worstTheta = 0, worstJ0 = 0;
            for (int i = layer.FirstCell; i < layer.FirstCell + layer.CellCount; i++)
            {
                double theta = Math.Clamp(y[Layout.SolidConcentration(i, Mesh.Particles[e].Shells - 1)] / electrode.MaxConcentration, 1e-9, 1 - 1e-9);
                double eta = Overpotential(e, j, theta, y[Layout.ElectrolyteConcentration(i)]);
                if (Math.Abs(eta) < Math.Abs(worst)) continue;
                double ce = Math.Max(y[Layout.ElectrolyteConcentration(i)], 1e-6) / Cell.ReferenceElectrolyteConcentration;
                (worst, worstTheta) = (eta, theta);
                worstJ0 = Context.ReferenceExchangeCurrentDensity[e] * Math.Pow(ce, electrode.AnodicTransferCoefficient)
                          * Math.Pow((1 - theta) / 0.5, electrode.AnodicTransferCoefficient) * Math.Pow(theta / 0.5, electrode.CathodicTransferCoefficient);
            }
            parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{electrode.Name}: a uniform reaction needs j = {j:G3} A/m^2 against j0 = {worstJ0:G3} A/m^2 (surface state of lithiation {worstTheta:G3}), an overpotential of {worst:G3} V"));
        }
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at I = {current:G4} A/m^2 ") + string.Join("; ", parts);
    }

    /// <summary>Cell voltage [V].</summary>
    public double Voltage(ReadOnlySpan<double> y) => SolidChargeBalance.Voltage(Context, y, out _, out _);

    /// <summary>Open-circuit voltage of the rest state [V].</summary>
    public double InitialOpenCircuitVoltage()
    {
        double T = Cell.Thermal?.InitialTemperature ?? Cell.Temperature;
        double u = Cell.WorkingElectrode.EquilibriumPotential(Cell.WorkingElectrode.InitialStateOfLithiation, T, out _);
        if (Cell.IsHalfCell) return u;
        var negative = Cell.Electrodes[0];
        return u - negative.EquilibriumPotential(negative.InitialStateOfLithiation, T, out _);
    }

    /// <summary>Lithium in the electrolyte and all particles per unit cell area [mol/m²].</summary>
    public double LithiumInventory(ReadOnlySpan<double> y)
    {
        double total = 0;
        for (int i = 0; i < Mesh.CellCount; i++)
        {
            double dx = Mesh.Widths[i];
            total += Context.Porosity[i] * y[Layout.ElectrolyteConcentration(i)] * dx;
            if (!Layout.IsElectrode(i)) continue;
            int e = Layout.ElectrodeOf(i);
            total += Cell.Electrodes[e].ActiveVolumeFraction * MeanParticleConcentration(y, i) * dx;
        }
        return total;
    }

    /// <summary>
    /// Volume-averaged lithium concentration of the particle in x cell <paramref name="cell"/> [mol/m³]; with a size
    /// distribution over all its classes, Σ_k w_k c̄_k (w_k the class's share of the active volume).
    /// </summary>
    public double MeanParticleConcentration(ReadOnlySpan<double> y, int cell)
    {
        int classes = Layout.ClassCount(cell);
        if (classes == 1) return ClassMeanConcentration(y, cell, 0);
        var electrode = Cell.Electrodes[Layout.ElectrodeOf(cell)];
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += electrode.ClassVolumeFraction(c) * ClassMeanConcentration(y, cell, c);
        return sum;
    }

    /// <summary>Volume-averaged lithium concentration of the particles of size class <paramref name="sizeClass"/> in x cell <paramref name="cell"/> [mol/m³].</summary>
    public double ClassMeanConcentration(ReadOnlySpan<double> y, int cell, int sizeClass)
    {
        var particle = Mesh.ClassParticles[Layout.ElectrodeOf(cell)][sizeClass];
        double sum = 0;
        for (int k = 0; k < particle.Shells; k++) sum += y[Layout.ClassSolidConcentration(cell, sizeClass, k)] * particle.Volumes[k];
        return sum / particle.TotalVolume;
    }

    /// <summary>Surface state of lithiation of size class <paramref name="sizeClass"/> in electrode cell <paramref name="cell"/> [1].</summary>
    public double ClassSurfaceStateOfLithiation(ReadOnlySpan<double> y, int cell, int sizeClass)
    {
        Context.SyncTemperature(y);
        return ButlerVolmerKinetics.SurfaceStateOfLithiation(Context, y, cell, sizeClass, out _, out _);
    }

    /// <summary>Σ_k w_k θ_surf,k [1]: the surface state of lithiation of x cell <paramref name="cell"/> volume-weighted over its size classes.</summary>
    public double VolumeWeightedSurfaceStateOfLithiation(ReadOnlySpan<double> y, int cell)
    {
        var electrode = Cell.Electrodes[Layout.ElectrodeOf(cell)];
        double sum = 0;
        for (int c = 0; c < Layout.ClassCount(cell); c++) sum += electrode.ClassVolumeFraction(c) * ClassSurfaceStateOfLithiation(y, cell, c);
        return sum;
    }

    /// <summary>
    /// c_s [mol/m³] of shell <paramref name="shell"/> of x cell <paramref name="cell"/>: the shell's value, or with a size
    /// distribution the volume-weighted Σ_k w_k c_k,shell over the classes (the same shell sits at the same r/R in each).
    /// </summary>
    public double ShellConcentration(ReadOnlySpan<double> y, int cell, int shell)
    {
        int classes = Layout.ClassCount(cell);
        if (classes == 1) return y[Layout.SolidConcentration(cell, shell)];
        var electrode = Cell.Electrodes[Layout.ElectrodeOf(cell)];
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += electrode.ClassVolumeFraction(c) * y[Layout.ClassSolidConcentration(cell, c, shell)];
        return sum;
    }

    /// <summary>Mean state of lithiation of electrode <paramref name="electrode"/> [1].</summary>
    public double MeanStateOfLithiation(ReadOnlySpan<double> y, int electrode = -1)
    {
        if (electrode < 0) electrode = Cell.Electrodes.Count - 1;
        var layer = Mesh.ElectrodeLayers.First(l => l.ElectrodeIndex == electrode);
        double sum = 0, thickness = 0;
        for (int i = layer.FirstCell; i < layer.FirstCell + layer.CellCount; i++)
        {
            sum += MeanParticleConcentration(y, i) * Mesh.Widths[i];
            thickness += Mesh.Widths[i];
        }
        return sum / thickness / Cell.Electrodes[electrode].MaxConcentration;
    }

    /// <summary>
    /// The extremes of the bounded quantities of state y: the state of lithiation over every shell and
    /// particle surface of every electrode, and the electrolyte concentration over every x cell.
    /// </summary>
    public StateBounds StateBounds(ReadOnlySpan<double> y)
    {
        var low = new StateExtreme(double.PositiveInfinity, 0, 0, 0);
        var high = new StateExtreme(double.NegativeInfinity, 0, 0, 0);
        var electrolyte = new StateExtreme(double.PositiveInfinity, -1, 0, -1);
        Context.SyncTemperature(y);
        for (int i = 0; i < Mesh.CellCount; i++)
        {
            double c = y[Layout.ElectrolyteConcentration(i)];
            if (Replaces(c, electrolyte.Value, lower: true)) electrolyte = new StateExtreme(c, -1, i, -1);
            if (!Layout.IsElectrode(i)) continue;
            int e = Layout.ElectrodeOf(i);
            double inverseMax = Context.InverseMaxConcentration[e]; // 1.0 / c_s,max, the same bits as forming it here
            int shellCount = Mesh.Particles[e].Shells;
            // The surface (shell −1, the value the kinetics see) first, then the shells from the centre out. Per step on
            // every shell of the mesh (the limits are watched after each step): the shells' own extremes in one vector
            // pass (ShellExtremes), merged after, the shell of an extreme looked up only when it is the new one; a cell
            // with a NaN goes the element-wise way (a NaN becomes the extreme and stays).
            // Every size class (one without a distribution); the shell reported is the class's own.
            for (int sizeClass = 0; sizeClass < Layout.ClassCount(i); sizeClass++)
            {
                double surface = ButlerVolmerKinetics.SurfaceStateOfLithiation(Context, y, i, sizeClass, out _, out _);
                if (Replaces(surface, low.Value, lower: true)) low = new StateExtreme(surface, e, i, -1);
                if (Replaces(surface, high.Value, lower: false)) high = new StateExtreme(surface, e, i, -1);
                var shells = y.Slice(Layout.ClassSolidConcentration(i, sizeClass, 0), shellCount);
                if (ShellExtremes(shells, inverseMax, out double lowest, out double highest))
                {
                    if (Replaces(lowest, low.Value, lower: true))
                    {
                        int k = FirstShellAt(shells, inverseMax, lowest);
                        low = new StateExtreme(shells[k] * inverseMax, e, i, k);
                    }
                    if (Replaces(highest, high.Value, lower: false))
                    {
                        int k = FirstShellAt(shells, inverseMax, highest);
                        high = new StateExtreme(shells[k] * inverseMax, e, i, k);
                    }
                    continue;
                }
                for (int k = 0; k < shells.Length; k++)
                {
                    double theta = shells[k] * inverseMax;
                    if (Replaces(theta, low.Value, lower: true)) low = new StateExtreme(theta, e, i, k);
                    if (Replaces(theta, high.Value, lower: false)) high = new StateExtreme(theta, e, i, k);
                }
            }
        }
        return new StateBounds(low, high, electrolyte);
    }

    /// <summary>
    /// The least and greatest θ = c inverseMax over <paramref name="shells"/> (+∞ and −∞ when empty); false when one θ may be
    /// NaN (the extremes are then meaningless, and the caller takes the element-wise way). The extremes of c are found four at
    /// a time and only they are multiplied: for inverseMax &gt; 0 rounding is monotone, so min(c) inverseMax is min(c inverseMax)
    /// to the bit (a ±0 tie may come out with the other sign, which <see cref="FirstShellAt"/>'s value then settles). A NaN shows
    /// in a running sum of the c (so does +∞ with −∞, which only sends the caller the element-wise way). In place of one vector of
    /// θ two at a time with a compare for NaN (which replaced the scalar loop that also tracked the shells, 85 % of StateBounds:
    /// callgrind, Marquis2019 1C, per run 10.3 → 5.5 M instructions): callgrind of the native bench -n 10, ShellExtremes
    /// Marquis2019 1C 125.0 → 101.0 M instructions (with Replaces inlined and c_s,max⁻¹ from the context, StateBounds and its
    /// callees 280.5 → 226.6 M).
    /// </summary>
    private static bool ShellExtremes(ReadOnlySpan<double> shells, double inverseMax, out double lowest, out double highest)
    {
        var low0 = Vector128.Create(double.PositiveInfinity);
        var high0 = Vector128.Create(double.NegativeInfinity);
        var low1 = low0;
        var high1 = high0;
        var sum0 = Vector128<double>.Zero;
        var sum1 = Vector128<double>.Zero;
        int k = 0;
        ref double r = ref MemoryMarshal.GetReference(shells);
        for (; k + 4 <= shells.Length; k += 4)
        {
            var c0 = Vector128.LoadUnsafe(ref r, (nuint)k);
            var c1 = Vector128.LoadUnsafe(ref r, (nuint)(k + 2));
            low0 = Vector128.MinNative(low0, c0);
            high0 = Vector128.MaxNative(high0, c0);
            sum0 += c0;
            low1 = Vector128.MinNative(low1, c1);
            high1 = Vector128.MaxNative(high1, c1);
            sum1 += c1;
        }
        if (k + 2 <= shells.Length)
        {
            var c0 = Vector128.LoadUnsafe(ref r, (nuint)k);
            low0 = Vector128.MinNative(low0, c0);
            high0 = Vector128.MaxNative(high0, c0);
            sum0 += c0;
            k += 2;
        }
        var low = Vector128.MinNative(low0, low1);
        var high = Vector128.MaxNative(high0, high1);
        var sum = sum0 + sum1;
        // The two lanes by a compare, not Math.Min/Max, whose NaN and ±0 rules cost more than the loop (a NaN is the sum's to find;
        // a ±0 tie as above): ShellExtremes, Marquis2019 1C, 101.0 → 83.0 M instructions.
        double least = low.GetElement(1) < low.GetElement(0) ? low.GetElement(1) : low.GetElement(0);
        double greatest = high.GetElement(1) > high.GetElement(0) ? high.GetElement(1) : high.GetElement(0);
        double total = sum.GetElement(0) + sum.GetElement(1);
        for (; k < shells.Length; k++)
        {
            double c = shells[k];
            if (c < least) least = c;
            if (c > greatest) greatest = c;
            total += c;
        }
        lowest = least * inverseMax;
        highest = greatest * inverseMax;
        return !double.IsNaN(total);
    }

    /// <summary>The first shell whose θ = c inverseMax equals <paramref name="theta"/> (one of the shells' extremes, so there is one).</summary>
    private static int FirstShellAt(ReadOnlySpan<double> shells, double inverseMax, double theta)
    {
        for (int k = 0; k < shells.Length; k++)
            if (shells[k] * inverseMax == theta) return k;
        throw new InvalidOperationException("no shell at the extreme");
    }

    /// <summary>Whether <paramref name="candidate"/> is the new extreme; a NaN becomes the extreme and stays (a non-finite state is outside every bound).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool Replaces(double candidate, double extreme, bool lower) =>
        !double.IsNaN(extreme) && (double.IsNaN(candidate) || (lower ? candidate < extreme : candidate > extreme));

    public double SurfaceStateOfLithiation(ReadOnlySpan<double> y, int cell)
    {
        Context.SyncTemperature(y);
        return ButlerVolmerKinetics.SurfaceStateOfLithiation(Context, y, cell, out _, out _);
    }

    /// <summary>Equilibrium potential U(θ_surf) [V vs Li/Li⁺] of the particle surface in electrode cell <paramref name="cell"/> (with hysteresis U(θ_surf, h); at the cell temperature).</summary>
    public double EquilibriumPotential(ReadOnlySpan<double> y, int cell)
    {
        Context.SyncTemperature(y);
        return EquilibriumPotential(y, cell, SurfaceStateOfLithiation(y, cell));
    }

    /// <summary>U(θ) [V] of electrode cell <paramref name="cell"/> at state of lithiation <paramref name="theta"/>: with hysteresis at the cell's state h; at the context's temperature (synchronised by the caller).</summary>
    public double EquilibriumPotential(ReadOnlySpan<double> y, int cell, double theta)
    {
        int e = Layout.ElectrodeOf(cell);
        return Layout.HasHysteresis(cell)
            ? Cell.Electrodes[e].EquilibriumPotential(theta, y[Layout.HysteresisState(cell)], Context.Temperature, out _, out _)
            : Context.EquilibriumPotential(e, theta, out _);
    }

    /// <summary>The OCP hysteresis state h [1] of electrode cell <paramref name="cell"/>; NaN where the electrode has none.</summary>
    public double HysteresisState(ReadOnlySpan<double> y, int cell) => Layout.HasHysteresis(cell) ? y[Layout.HysteresisState(cell)] : double.NaN;

    /// <summary>
    /// Reaction overpotential η = φ_s − φ_e − U(θ_surf) − R_film j [V] in electrode cell <paramref name="cell"/>, the η of
    /// <see cref="ButlerVolmerKinetics"/>: positive where the particle delithiates.
    /// </summary>
    public double SurfaceOverpotential(ReadOnlySpan<double> y, int cell) => SurfaceOverpotential(y, cell, EquilibriumPotential(y, cell));

    /// <summary>The overpotential of <see cref="SurfaceOverpotential(ReadOnlySpan{double}, int)"/> with the cell's U(θ_surf) [V] given (from <see cref="EquilibriumPotential(ReadOnlySpan{double}, int)"/>).</summary>
    public double SurfaceOverpotential(ReadOnlySpan<double> y, int cell, double equilibriumPotential) =>
        y[Layout.SolidPotential(cell)] - y[Layout.ElectrolytePotential(cell)] - equilibriumPotential
        - Cell.Electrodes[Layout.ElectrodeOf(cell)].FilmResistance * y[Layout.ClassCurrent(cell, 0)];
}

/// <summary>An extreme value of a bounded quantity and where it is: electrode, x cell, shell (−1: the particle surface).</summary>
public readonly record struct StateExtreme(double Value, int Electrode, int Cell, int Shell);

/// <summary>Extremes of the state of lithiation [1] and the electrolyte concentration [mol/m³] of one state.</summary>
public readonly record struct StateBounds(StateExtreme MinimumStateOfLithiation, StateExtreme MaximumStateOfLithiation, StateExtreme MinimumElectrolyteConcentration);
