using System.Globalization;
using ElectrodeSim.Mesh;
using ElectrodeSim.Mesh.Resolved;
using ElectrodeSim.Numerics.Sparse;
using ElectrodeSim.Physics;
using ElectrodeSim.Physics.Resolved;

namespace ElectrodeSim.Model;

/// <summary>
/// The 2-D resolved-particle half cell (MODEL.md §7) as a DAE <c>M dy/dt + g(y) = 0</c> on a <see cref="ResolvedMesh"/>:
/// discs of active material with c_s, φ_s in their cells; a homogenised matrix (electrolyte + carbon/binder) with
/// c_e, φ_e, φ_m; a homogenised separator with c_e, φ_e; the collector potential φ_cc, I and Q. Signs as P2D: j &gt; 0
/// delithiates, I &gt; 0 lithiates the working electrode, V = φ_cc − φ_Li with φ_Li = 0. The graph is per unit depth,
/// so per-cross-section quantities (I, Q, inventory) are face or cell sums divided by the height H.
/// </summary>
public sealed class ResolvedParticleModel : IElectrochemicalModel
{
    private readonly IModelEquation[] _equations;
    private readonly double[] _mass, _scale;

    /// <summary>
    /// The direct factorisation for this model's Jacobians: KLU on a METIS nested-dissection ordering of the Cartesian graph,
    /// without block triangular form (one strongly connected block anyway). Measured on the SiO@C-l benchmark geometry
    /// (tools/ElectrodeSim.Benchmarks resolved-2d, KLU flop counts, independent of the machine's load): over a whole
    /// lithiation 0.85 (0.4 µm) and 0.78 (0.2 µm, 5.4e10 vs 7.0e10 flops) of AMD's; for one Jacobian factorised afresh
    /// 0.5 (0.2 µm) and 0.35 (0.1 µm, 1.1e10 vs 3.1e10), nested dissection growing as n^1.5 against AMD's ~n^2.
    /// </summary>
    public static ISparseLinearSolver CreateDirectSolver(SparsityPattern pattern) => CreateDirectSolver(pattern, FillReducingOrdering.NestedDissection(pattern));

    private static KluLinearSolver CreateDirectSolver(SparsityPattern pattern, int[] order) =>
        new(pattern, new Native.Klu.KluOptions { BlockTriangular = false, Permutation = order });

    /// <summary>
    /// GMRES settings of <see cref="CreateKrylovSolver"/>: relative residual 1e-3 (on the SiO@C-l benchmark the capacity is
    /// unchanged to 1e-3 mAh/g against fresh factorisations, Newton iterations 188 → 197 at 0.4 µm), a refactorisation
    /// after any solve needing more than 8 steps, and at most 30 steps before a direct solve.
    /// </summary>
    public static StaleFactorGmresOptions KrylovOptions { get; } = new() { RelativeTolerance = 1e-3, RefactorIterations = 8, MaxIterations = 30 };

    /// <summary>
    /// The relative GMRES residual of the Newton iterations after a step's first (<see cref="Numerics.TimeIntegration.BdfOptions.LaterLinearTolerance"/>;
    /// the first at <see cref="KrylovOptions"/>' 1e-3): their updates are ~1e-3 of the first, so 0.1 of them is far below the
    /// Newton tolerance, and a looser solve needs fewer triangular solves and fewer renewals of the kept factors. SiO@C-l
    /// benchmark (docs/resolved-model.md, Speed): 0.2 µm 25 → 14 factorisations, process CPU 12.0 → 10.2 s, capacity
    /// unchanged to 1e-3 mAh/g at 0.4 / 0.2 / 0.1 µm. CaseBuilder sets it for the 2-D cases.
    /// </summary>
    public const double LaterLinearTolerance = 0.1;

    /// <summary>
    /// The linear solver the 2-D model runs with by default (<c>solver.linear: gmres</c>): GMRES on each iteration matrix,
    /// preconditioned by the factors of an earlier one (<see cref="StaleFactorGmresSolver"/>), so a factorisation, ~100
    /// triangular solves' worth at 0.1 µm, is done only when the kept one no longer preconditions well (87 → 25
    /// factorisations at 0.4 µm). The factors are <see cref="TwoDomainSchurSolver"/>'s: the graph's two METIS halves
    /// factorised by KLU on two threads and a dense Schur complement on their separator, each solve's halves in parallel
    /// too. Its factors are exact (the same Newton, GMRES and factorisation counts and capacities as one KLU, and lithium
    /// conserved alike), and on two cores the SiO@C-l 0.1 µm benchmark takes 21.3 s instead of 36.9 s wall, at 35.7 s
    /// against 37.2 s of CPU (docs/resolved-model.md, Speed). A matrix whose interior pivots would leave their half is
    /// factorised by one whole-matrix KLU instead (<see cref="TwoDomainSchurSolver.Fallbacks"/>).
    /// </summary>
    public static ISparseLinearSolver CreateKrylovSolver(SparsityPattern pattern) =>
        new StaleFactorGmresSolver(pattern, new TwoDomainSchurSolver(pattern), KrylovOptions);

    /// <summary>
    /// <c>solver.linear: gmres_klu</c>: <see cref="CreateKrylovSolver"/> on one thread, the kept factors those of one
    /// whole-matrix nested-dissection KLU (<see cref="CreateDirectSolver(SparsityPattern)"/>) — for a machine whose cores are
    /// already busy (a sweep with <c>--parallel</c> as large as the core count).
    /// </summary>
    public static ISparseLinearSolver CreateOneThreadKrylovSolver(SparsityPattern pattern) =>
        new StaleFactorGmresSolver(pattern, CreateDirectSolver(pattern), KrylovOptions);

    /// <summary>
    /// <see cref="CreateOneThreadKrylovSolver"/> with its renewals factorised on a worker thread into a second KLU object (one
    /// nested-dissection ordering for both), taken at the <paramref name="swapAfterSolves"/>-th solve after the start (the
    /// run then does not depend on the timing) or, with 0, when the worker is done. Not used by cases: on the shared 2-core
    /// machine it saved wall time only with a core to spare and cost CPU time (more GMRES iterations on older factors;
    /// docs/resolved-model.md, Speed).
    /// </summary>
    public static ISparseLinearSolver CreateBackgroundKrylovSolver(SparsityPattern pattern, int swapAfterSolves)
    {
        var order = FillReducingOrdering.NestedDissection(pattern);
        return new StaleFactorGmresSolver(pattern, CreateDirectSolver(pattern, order), CreateDirectSolver(pattern, order),
                                          KrylovOptions with { SwapAfterSolves = swapAfterSolves });
    }

    /// <summary><c>solver.linear</c>: which of <see cref="CreateKrylovSolver"/> (default), <see cref="CreateOneThreadKrylovSolver"/> or a fresh <see cref="CreateDirectSolver(SparsityPattern)"/> factorisation of every iteration matrix the runs use.</summary>
    public ResolvedLinearSolver LinearSolver { get; init; }

    public ISparseLinearSolver CreateLinearSolver(SparsityPattern pattern) => LinearSolver switch
    {
        ResolvedLinearSolver.Direct => CreateDirectSolver(pattern),
        ResolvedLinearSolver.GmresOneThread => CreateOneThreadKrylovSolver(pattern),
        _ => CreateKrylovSolver(pattern),
    };

    public ResolvedParticleModel(ResolvedCellParameters parameters, ResolvedMesh mesh, FaceAverage faceAverage = FaceAverage.Harmonic)
    {
        if (!(parameters.ContactConductance > 0)) throw new ArgumentException($"contact conductance {parameters.ContactConductance} S/m^2 is not > 0 (a particle must be reachable by electrons)");
        if (!(parameters.ParticleConductivity > 0)) throw new ArgumentException($"particle conductivity {parameters.ParticleConductivity} S/m is not > 0");
        if (!(parameters.CarbonBinderConductivity > 0)) throw new ArgumentException($"carbon/binder conductivity {parameters.CarbonBinderConductivity} S/m is not > 0");
        Parameters = parameters;
        Mesh = mesh;
        Context = new ResolvedContext(parameters, mesh, faceAverage);
        Control = new ResolvedOperatingControl(Context);
        Interface = new InterfaceReaction(Context);
        Collector = new CollectorContact(Context);
        _equations =
        [
            new ResolvedElectrolyteMassBalance(Context),
            new ResolvedElectrolyteChargeBalance(Context),
            ElectronicConduction.Particles(Context),
            ElectronicConduction.Matrix(Context),
            new ResolvedSolidDiffusion(Context),
            Interface,
            Collector,
            Control,
        ];
        var builder = new SparsityPatternBuilder(Context.Size);
        builder.AddDiagonal();
        foreach (var e in _equations) e.DeclarePattern(builder);
        JacobianPattern = builder.Build();
        foreach (var e in _equations) e.Bind(JacobianPattern);

        var c = Context;
        _mass = new double[c.Size];
        _scale = new double[c.Size];
        for (int cell = 0; cell < mesh.Graph.CellCount; cell++)
        {
            if (c.ParticleConcentration[cell] >= 0)
            {
                _mass[c.ParticleConcentration[cell]] = c.SolidVolumeFraction[cell];
                _scale[c.ParticleConcentration[cell]] = c.MaxConcentration[cell];
                _scale[c.ParticlePotential[cell]] = 0.1;
                continue;
            }
            _mass[c.ElectrolyteConcentration[cell]] = c.Porosity[cell];
            _scale[c.ElectrolyteConcentration[cell]] = parameters.Cell.InitialElectrolyteConcentration;
            _scale[c.ElectrolytePotential[cell]] = 0.1;
            if (c.MatrixPotential[cell] >= 0) _scale[c.MatrixPotential[cell]] = 0.1;
        }
        _scale[c.CollectorPotential] = 0.1;
        _scale[c.Current] = 1.0;
        _mass[c.Charge] = 1.0;
        _scale[c.Charge] = 1.0;
    }

    public ResolvedCellParameters Parameters { get; }
    public ResolvedMesh Mesh { get; }
    public ResolvedContext Context { get; }
    public ResolvedOperatingControl Control { get; }
    IOperatingControl IElectrochemicalModel.Control => Control;
    /// <summary>The interface law (per-face j for output).</summary>
    public InterfaceReaction Interface { get; }
    public CollectorContact Collector { get; }

    public int Size => Context.Size;
    public SparsityPattern JacobianPattern { get; }
    public ReadOnlySpan<double> MassDiagonal => _mass;
    public ReadOnlySpan<double> Scale => _scale;
    public int CurrentIndex => Context.Current;
    public int ChargeIndex => Context.Charge;
    public double Height => Context.Height;

    /// <summary>Σ πR² ρ / H [kg/m²]: the discs' true area, whatever <see cref="CapacityScaling"/> is chosen for c_s,max.</summary>
    public double ActiveMassPerArea => Mesh.Packing.Discs.Sum(d => d.Area) * Parameters.Electrode.ActiveMaterialDensity / Height;

    /// <summary>Capacity of the discs in one hour [A/m²]: Σ (particle cells' lithium-holding area) c_s,max(cell) F / (3600 H).</summary>
    public double OneCCurrentDensity
    {
        get
        {
            double sum = 0;
            var g = Mesh.Graph;
            for (int cell = 0; cell < g.CellCount; cell++) sum += g.CellVolume[cell] * Context.SolidVolumeFraction[cell] * Context.MaxConcentration[cell];
            return sum * Materials.PhysicalConstants.Faraday / (3600.0 * Height);
        }
    }

    public double InitialElectrolyteConcentration => Parameters.Cell.InitialElectrolyteConcentration;

    public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        residual.Clear();
        jacobian.Clear();
        Control.Time = t;
        Context.UpdateElectrolyteTransport(y, withSlopes: !jacobian.IsEmpty);
        foreach (var e in _equations) e.Evaluate(y, residual, jacobian);
    }

    public void SetCurrentScale(double amperesPerSquareMetre) => _scale[Context.Current] = Math.Max(Math.Abs(amperesPerSquareMetre), 1e-3);

    public double Voltage(ReadOnlySpan<double> y) => y[Context.CollectorPotential];

    private double InitialPotential => Parameters.Electrode.OpenCircuitPotential.Evaluate(Parameters.Electrode.InitialStateOfLithiation, out _);

    public double[] InitialState()
    {
        var c = Context;
        var y = new double[Size];
        double theta0 = Parameters.Electrode.InitialStateOfLithiation, u0 = InitialPotential;
        for (int cell = 0; cell < Mesh.Graph.CellCount; cell++)
        {
            if (c.ParticleConcentration[cell] >= 0)
            {
                y[c.ParticleConcentration[cell]] = theta0 * c.MaxConcentration[cell];
                y[c.ParticlePotential[cell]] = u0;
                continue;
            }
            y[c.ElectrolyteConcentration[cell]] = Parameters.Cell.InitialElectrolyteConcentration;
            if (c.MatrixPotential[cell] >= 0) y[c.MatrixPotential[cell]] = u0;
        }
        y[c.CollectorPotential] = u0;
        return y;
    }

    /// <summary>
    /// A first guess for current density I: the foil overpotential sets φ_e everywhere, a uniform reaction
    /// j = −I H / Σ A_interface on every disc, Butler–Volmer inverted per particle cell for φ_s, the contact drop for φ_m.
    /// </summary>
    public void EstimateAlgebraicState(Span<double> y, double current)
    {
        var c = Context;
        var electrode = Parameters.Electrode;
        var g = Mesh.Graph;
        y[c.Current] = current;
        double f = c.InverseThermalVoltage;
        int firstSeparator = Array.FindIndex(c.ElectrolyteConcentration, u => u >= 0);
        double phiE = -LithiumFoil.Overpotential(Parameters.Cell.LithiumFoil!, current, y[c.ElectrolyteConcentration[firstSeparator]], f);
        double j = -current * Height / Mesh.TruePerimeter;
        double sumPhiS = 0; int particleCells = 0;
        for (int cell = 0; cell < g.CellCount; cell++)
        {
            if (c.ElectrolytePotential[cell] >= 0) { y[c.ElectrolytePotential[cell]] = phiE; continue; }
            double theta = y[c.ParticleConcentration[cell]] / c.MaxConcentration[cell];
            double t = Math.Clamp(theta, 1e-9, 1 - 1e-9);
            var rate = ButlerVolmerKinetics.Rate(c.ReferenceExchangeCurrentDensity, electrode.AnodicTransferCoefficient, electrode.CathodicTransferCoefficient, f,
                                                 Parameters.Cell.InitialElectrolyteConcentration / Parameters.Cell.ReferenceElectrolyteConcentration, t, 0.0);
            double eta = ButlerVolmerKinetics.Overpotential(j, rate.ExchangeCurrentDensity, electrode.AnodicTransferCoefficient, electrode.CathodicTransferCoefficient, f);
            double phiS = phiE + electrode.OpenCircuitPotential.Evaluate(theta, out _) + eta + electrode.FilmResistance * j;
            y[c.ParticlePotential[cell]] = phiS;
            sumPhiS += phiS; particleCells++;
        }
        // Current leaving a particle electronically is −j per unit interface: φ_m = φ_s + j / G_c.
        double phiM = (particleCells > 0 ? sumPhiS / particleCells : phiE) + j / Parameters.ContactConductance;
        for (int cell = 0; cell < g.CellCount; cell++)
            if (c.MatrixPotential[cell] >= 0) y[c.MatrixPotential[cell]] = phiM;
        y[c.CollectorPotential] = phiM;
    }

    public string DescribeKinetics(double current, ReadOnlySpan<double> y)
    {
        double j = -current * Height / Mesh.TruePerimeter;
        var s = StateBounds(y);
        return string.Create(CultureInfo.InvariantCulture,
            $"at I = {current:G4} A/m^2 a uniform reaction needs j = {j:G3} A/m^2 on the disc surfaces against j0_ref = {Context.ReferenceExchangeCurrentDensity:G3} A/m^2 " +
            $"(state of lithiation in [{s.MinimumStateOfLithiation.Value:G3}, {s.MaximumStateOfLithiation.Value:G3}])");
    }

    /// <summary>State of lithiation of a particle cell [1] (c_s / effective c_s,max).</summary>
    public double StateOfLithiation(ReadOnlySpan<double> y, int cell) => y[Context.ParticleConcentration[cell]] / Context.MaxConcentration[cell];

    public StateBounds StateBounds(ReadOnlySpan<double> y)
    {
        var c = Context;
        var low = new StateExtreme(double.PositiveInfinity, 0, 0, -1);
        var high = new StateExtreme(double.NegativeInfinity, 0, 0, -1);
        var electrolyte = new StateExtreme(double.PositiveInfinity, -1, 0, -1);
        for (int cell = 0; cell < Mesh.Graph.CellCount; cell++)
        {
            if (c.ParticleConcentration[cell] < 0)
            {
                double ce = y[c.ElectrolyteConcentration[cell]];
                if (Replaces(ce, electrolyte.Value, true)) electrolyte = new StateExtreme(ce, -1, cell, -1);
                continue;
            }
            double theta = StateOfLithiation(y, cell);
            if (Replaces(theta, low.Value, true)) low = new StateExtreme(theta, 0, cell, -1);
            if (Replaces(theta, high.Value, false)) high = new StateExtreme(theta, 0, cell, -1);
        }
        return new StateBounds(low, high, electrolyte);
    }

    private static bool Replaces(double candidate, double extreme, bool lower) =>
        !double.IsNaN(extreme) && (double.IsNaN(candidate) || (lower ? candidate < extreme : candidate > extreme));

    public string DescribeSolidLocation(StateExtreme e)
    {
        var (x, yy) = Mesh.CellCentre(e.Cell);
        return string.Create(CultureInfo.InvariantCulture, $"{Parameters.Electrode.Name}, disc {Context.Disc[e.Cell]}, cell at x = {1e6 * x:F2} um, y = {1e6 * yy:F2} um");
    }

    public string DescribeElectrolyteLocation(StateExtreme e)
    {
        var (x, yy) = Mesh.CellCentre(e.Cell);
        return string.Create(CultureInfo.InvariantCulture, $"x = {1e6 * x:F2} um, y = {1e6 * yy:F2} um");
    }

    public double LithiumInventory(ReadOnlySpan<double> y)
    {
        var c = Context;
        var g = Mesh.Graph;
        double total = 0;
        for (int cell = 0; cell < g.CellCount; cell++)
            total += g.CellVolume[cell] * (c.ParticleConcentration[cell] >= 0 ? c.SolidVolumeFraction[cell] * y[c.ParticleConcentration[cell]] : c.Porosity[cell] * y[c.ElectrolyteConcentration[cell]]);
        return total / Height;
    }

    /// <summary>Mean state of lithiation of all discs [1] (lithium over capacity).</summary>
    public double MeanStateOfLithiation(ReadOnlySpan<double> y)
    {
        var g = Mesh.Graph;
        double li = 0, capacity = 0;
        for (int cell = 0; cell < g.CellCount; cell++)
        {
            if (Context.ParticleConcentration[cell] < 0) continue;
            double v = g.CellVolume[cell] * Context.SolidVolumeFraction[cell];
            li += v * y[Context.ParticleConcentration[cell]];
            capacity += v * Context.MaxConcentration[cell];
        }
        return li / capacity;
    }

    /// <summary>
    /// Interfacial current density j [A/m²] per grid cell (nx · ny): on each particle cell with interface faces, the area-weighted
    /// mean of its faces' j (an embedded-boundary sliver's in the matrix cell it lies in); NaN on cells without interface faces.
    /// </summary>
    public double[] InterfacialCurrentField(ReadOnlySpan<double> y)
    {
        var g = Mesh.Graph;
        var sum = new double[Mesh.GridCellCount];
        var area = new double[Mesh.GridCellCount];
        var faces = Interface.Faces;
        for (int k = 0; k < faces.Length; k++)
        {
            int p = Mesh.GridCell(g.LeftCell[faces[k]]);
            sum[p] += Interface.Areas[k] * Interface.Flux(k, y, []);
            area[p] += Interface.Areas[k];
        }
        for (int c = 0; c < sum.Length; c++) sum[c] = area[c] > 0 ? sum[c] / area[c] : double.NaN;
        return sum;
    }
}

/// <summary>The 2-D model's linear solver (<c>solver.linear</c>): see <see cref="ResolvedParticleModel.LinearSolver"/>.</summary>
public enum ResolvedLinearSolver
{
    /// <summary><c>gmres</c>: GMRES on kept two-domain factors (two threads).</summary>
    Gmres,
    /// <summary><c>gmres_klu</c>: GMRES on kept whole-matrix KLU factors (one thread).</summary>
    GmresOneThread,
    /// <summary><c>direct</c>: a whole-matrix KLU factorisation of every iteration matrix.</summary>
    Direct,
}
