using System.Diagnostics;
using System.Globalization;
using ElectrodeSim;
using ElectrodeSim.Cases;
using ElectrodeSim.Mesh.Resolved;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;
using ElectrodeSim.Physics.Resolved;
using ElectrodeSim.Simulation;

/// <summary>
/// The SiO@C-l 2-D resolved-particle lithiation (5 mA/cm² to 0.01 V) on the paper-size box (25 µm separator + 16.7 µm
/// electrode, 20 µm high, 1.5 µm discs at area fraction 0.5, seed 1) at the given cell sizes: unknowns, Jacobian
/// non-zeros, steps, Newton iterations, Jacobians / factorisations, and the wall time split into residual + Jacobian
/// assembly (timed around the model's Evaluate), KLU numeric factorisations, KLU solves and the rest (symbolic analysis, integrator, events, set-up).
/// Run: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks -- resolved-2d [h_um ...] (default 0.4 0.2 0.1).
/// </summary>
public static class ResolvedModelBench
{
    public static void Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        double[] sizes = args.Length > 0 ? [.. args.Select(a => double.Parse(a, inv))] : [0.4, 0.2, 0.1];
        var setup = Simulator.LoadCase(Path.Combine(FindRepository(), "cases", "sio-c-l.yaml"));
        var parameters = new ResolvedCellParameters { Cell = setup.Cell, ParticleConductivity = 10.0, CarbonBinderConductivity = 100.0, ContactConductance = 1e4 };
        var settings = new ResolvedGeometrySettings(25e-6, 16.7e-6, 20e-6, new DiscRadiusDistribution.Fixed(1.5e-6), 0.5,
                                                    MinimumGap: 0.2e-6, SeparatorGap: 0.2e-6, CollectorGap: 0.2e-6, Seed: 1);
        var packing = DiscPacking.Pack(settings);
        Console.WriteLine(string.Create(inv, $"SiO@C-l 2-D: {packing.Discs.Count} discs, area fraction {packing.AreaFraction:F4}; 50 A/m^2 to 0.01 V; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Console.WriteLine("| h [um] | cells | unknowns | nnz | steps | Newton | Jacobians | factorisations | wall [s] | assembly [s] | factorisation [s] | solves [s] | rest [s] | capacity [mAh/g] | end |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (double h in sizes)
        {
            var clock = Stopwatch.StartNew();
            var mesh = ResolvedMesh.Build(packing, h * 1e-6);
            var model = new TimedModel(new ResolvedParticleModel(parameters, mesh));
            double setupTime = clock.Elapsed.TotalSeconds;
            TimedSolver? timed = null;
            var runner = new ProtocolRunner(model, setup.Solver) { LinearSolver = pattern => timed = new TimedSolver(new KluLinearSolver(pattern)) };
            var protocol = new Protocol([new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] }]);
            var solution = runner.Run(protocol);
            double wall = clock.Elapsed.TotalSeconds;
            var s = solution.Statistics;
            double capacity = solution.StepCharge(0) / 3.6 / model.ActiveMassPerArea / 1000.0;
            Console.WriteLine(string.Create(inv,
                $"| {h:G3} | {mesh.Graph.CellCount} | {model.Size} | {model.JacobianPattern.NonZeroCount} | {s.Steps} | {s.NewtonIterations} | {s.JacobianEvaluations} | {s.Factorizations} | {wall:F1} | {model.Assembly.Elapsed.TotalSeconds:F1} | {timed!.Factor.Elapsed.TotalSeconds:F1} | {timed.Solve.Elapsed.TotalSeconds:F1} | {wall - model.Assembly.Elapsed.TotalSeconds - timed.Factor.Elapsed.TotalSeconds - timed.Solve.Elapsed.TotalSeconds:F1} | {capacity:F1} | {solution.Steps[0].Reason} (set-up {setupTime:F2} s) |"));
        }
    }

    private static string FindRepository()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, "cases")) && File.Exists(Path.Combine(d.FullName, "ElectrodeSim.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("cannot find the repository (cases/ and ElectrodeSim.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>KLU with its numeric factorisations and solves timed.</summary>
    private sealed class TimedSolver(ISparseLinearSolver inner) : ISparseLinearSolver
    {
        public Stopwatch Factor { get; } = new();
        public Stopwatch Solve { get; } = new();
        void ISparseLinearSolver.Factor(ReadOnlySpan<double> values) { Factor.Start(); try { inner.Factor(values); } finally { Factor.Stop(); } }
        void ISparseLinearSolver.Solve(Span<double> rhs) { Solve.Start(); inner.Solve(rhs); Solve.Stop(); }
        public void Dispose() => inner.Dispose();
    }

    /// <summary>The model with its Evaluate timed (residuals and Jacobians: the assembly).</summary>
    private sealed class TimedModel(IElectrochemicalModel inner) : IElectrochemicalModel
    {
        public Stopwatch Assembly { get; } = new();
        public int Size => inner.Size;
        public SparsityPattern JacobianPattern => inner.JacobianPattern;
        public ReadOnlySpan<double> MassDiagonal => inner.MassDiagonal;
        public ReadOnlySpan<double> Scale => inner.Scale;
        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
        {
            Assembly.Start();
            inner.Evaluate(t, y, residual, jacobian);
            Assembly.Stop();
        }
        public int CurrentIndex => inner.CurrentIndex;
        public int ChargeIndex => inner.ChargeIndex;
        public IOperatingControl Control => inner.Control;
        public double ActiveMassPerArea => inner.ActiveMassPerArea;
        public double OneCCurrentDensity => inner.OneCCurrentDensity;
        public double InitialElectrolyteConcentration => inner.InitialElectrolyteConcentration;
        public double Voltage(ReadOnlySpan<double> y) => inner.Voltage(y);
        public StateBounds StateBounds(ReadOnlySpan<double> y) => inner.StateBounds(y);
        public string DescribeSolidLocation(StateExtreme extreme) => inner.DescribeSolidLocation(extreme);
        public string DescribeElectrolyteLocation(StateExtreme extreme) => inner.DescribeElectrolyteLocation(extreme);
        public double[] InitialState() => inner.InitialState();
        public void EstimateAlgebraicState(Span<double> y, double current) => inner.EstimateAlgebraicState(y, current);
        public string DescribeKinetics(double current, ReadOnlySpan<double> y) => inner.DescribeKinetics(current, y);
        public void SetCurrentScale(double amperesPerSquareMetre) => inner.SetCurrentScale(amperesPerSquareMetre);
        public double LithiumInventory(ReadOnlySpan<double> y) => inner.LithiumInventory(y);
    }
}
