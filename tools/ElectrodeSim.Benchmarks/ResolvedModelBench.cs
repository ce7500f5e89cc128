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
/// Run: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks -- resolved-2d [h_um ...] (default 0.4 0.2 0.1)
/// [--separator-mesh=case|uniform|GROWTH,MAX_UM] (the separator columns: as cases/sio-c-l-2d.yaml's resolved.separator_mesh with the first column h, the default; uniform h; or graded from h)
/// [--solver=default|klu|klu-colamd|klu-nobtf|klu-nd|klu-nd-f32|two-domain|klu-nd-btf|umfpack|umfpack-metis|umfpack-cholmod|gmres-NAME] [--reuse] (keep the iteration matrix across steps);
/// gmres-NAME: GMRES preconditioned by a kept factorisation of solver NAME (<see cref="StaleFactorGmresSolver"/>),
/// [--gmres-tol=1e-8] [--gmres-refactor=8] [--gmres-max=30] [--background[=K]] (renewals factorised on a worker thread into a
/// second object, taken at the K-th solve after the start, or when ready with K = 0 or no K); default: what the 2-D model runs with
/// (<see cref="ResolvedParticleModel.CreateKrylovSolver"/>: gmres-two-domain with <see cref="ResolvedParticleModel.KrylovOptions"/>;
/// --solver=one-thread: solver.linear: gmres_klu, gmres-klu-nd with those options);
/// [--later-linear-tol=ETA] (BdfOptions.LaterLinearTolerance; default with GMRES the 2-D cases' ResolvedParticleModel.LaterLinearTolerance, 0 = off)
/// [--newton-tol=T] (BdfOptions.NewtonTolerance) [--one-iteration=on|off] (BdfOptions.OneIterationAcceptance; default as sio-c-l.yaml: on);
/// --solver=probe[:name,name...] factorises one Jacobian per solver instead (analysis / factor / refactor / solve time, KLU flops).
/// </summary>
public static class ResolvedModelBench
{
    public static void Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        string solver = args.FirstOrDefault(a => a.StartsWith("--solver=", StringComparison.Ordinal))?["--solver=".Length..] ?? "default";
        bool reuse = args.Contains("--reuse");
        var gmresOptions = solver is "default" or "one-thread" ? ResolvedParticleModel.KrylovOptions : new StaleFactorGmresOptions();
        if (solver == "default") solver = "gmres-two-domain"; // what ResolvedParticleModel.CreateKrylovSolver builds
        if (solver == "one-thread") solver = "gmres-klu-nd"; // what ResolvedParticleModel.CreateOneThreadKrylovSolver builds
        if (args.FirstOrDefault(a => a.StartsWith("--gmres-tol=", StringComparison.Ordinal)) is string tol) gmresOptions = gmresOptions with { RelativeTolerance = double.Parse(tol["--gmres-tol=".Length..], inv) };
        if (args.FirstOrDefault(a => a.StartsWith("--gmres-refactor=", StringComparison.Ordinal)) is string re) gmresOptions = gmresOptions with { RefactorIterations = int.Parse(re["--gmres-refactor=".Length..], inv) };
        if (args.FirstOrDefault(a => a.StartsWith("--gmres-max=", StringComparison.Ordinal)) is string mx) gmresOptions = gmresOptions with { MaxIterations = int.Parse(mx["--gmres-max=".Length..], inv) };
        // --background[=K]: renewals factorised on a worker thread into a second object of the same solver, swapped in at the
        // K-th solve after the start (waiting if needed; a run independent of the timing) or, K = 0 (the default), at the first
        // solve after the worker finished.
        string? backgroundArg = args.FirstOrDefault(a => a == "--background" || a.StartsWith("--background=", StringComparison.Ordinal));
        bool background = backgroundArg != null;
        if (background) gmresOptions = gmresOptions with { SwapAfterSolves = backgroundArg!.Length > "--background=".Length ? int.Parse(backgroundArg["--background=".Length..], inv) : 0 };
        // The separator columns: as cases/sio-c-l-2d.yaml grades them (resolved.separator_mesh; first column h), uniform, or GROWTH,MAX_UM.
        string separatorMesh = args.FirstOrDefault(a => a.StartsWith("--separator-mesh=", StringComparison.Ordinal))?["--separator-mesh=".Length..] ?? "case";
        var caseGrading = separatorMesh == "case" ? Simulator.LoadCase(Path.Combine(FindRepository(), "cases", "sio-c-l-2d.yaml")).Resolved!.SeparatorGrading : null;
        SeparatorGrading? Grading(double h) => separatorMesh switch
        {
            "uniform" => null,
            "case" => caseGrading is null ? null : caseGrading with { FirstCell = h * 1e-6 },
            _ when separatorMesh.Split(',') is [var g, var m] => new SeparatorGrading(h * 1e-6, double.Parse(g, inv), double.Parse(m, inv) * 1e-6),
            _ => throw new ArgumentException($"--separator-mesh={separatorMesh}: not case, uniform or GROWTH,MAX_UM"),
        };
        string? laterTol = args.FirstOrDefault(a => a.StartsWith("--later-linear-tol=", StringComparison.Ordinal));
        string? newtonTol = args.FirstOrDefault(a => a.StartsWith("--newton-tol=", StringComparison.Ordinal));
        string? oneIteration = args.FirstOrDefault(a => a.StartsWith("--one-iteration=", StringComparison.Ordinal));
        args = [.. args.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
        double[] sizes = args.Length > 0 ? [.. args.Select(a => double.Parse(a, inv))] : [0.4, 0.2, 0.1];
        var setup = Simulator.LoadCase(Path.Combine(FindRepository(), "cases", "sio-c-l.yaml"));
        // --later-linear-tol=ETA: BdfOptions.LaterLinearTolerance (Newton iterations after a step's first solve to ETA);
        // --newton-tol=T: BdfOptions.NewtonTolerance (default 1e-4 of the error tolerance);
        // --one-iteration=on|off: BdfOptions.OneIterationAcceptance (default: as sio-c-l.yaml's solver, i.e. on).
        // The 2-D cases' inexact Newton (CaseBuilder: ResolvedParticleModel.LaterLinearTolerance) with GMRES; 0 turns it off.
        var solverOptions = setup.Solver with { LaterLinearTolerance = solver.StartsWith("gmres-", StringComparison.Ordinal) ? ResolvedParticleModel.LaterLinearTolerance : 0 };
        if (laterTol != null) solverOptions = solverOptions with { LaterLinearTolerance = double.Parse(laterTol["--later-linear-tol=".Length..], inv) };
        if (newtonTol != null) solverOptions = solverOptions with { NewtonTolerance = double.Parse(newtonTol["--newton-tol=".Length..], inv) };
        if (oneIteration != null) solverOptions = solverOptions with { OneIterationAcceptance = oneIteration == "--one-iteration=on" };
        var parameters = new ResolvedCellParameters { Cell = setup.Cell, ParticleConductivity = 10.0, CarbonBinderConductivity = 100.0, ContactConductance = 1e4 };
        var settings = new ResolvedGeometrySettings(25e-6, 16.7e-6, 20e-6, new DiscRadiusDistribution.Fixed(1.5e-6), 0.5,
                                                    MinimumGap: 0.2e-6, SeparatorGap: 0.2e-6, CollectorGap: 0.2e-6, Seed: 1);
        var packing = DiscPacking.Pack(settings);
        string separatorText = separatorMesh == "case" ? (caseGrading is null ? "uniform (as sio-c-l-2d.yaml)" : string.Create(inv, $"graded as sio-c-l-2d.yaml (growth {caseGrading.Growth}, largest {caseGrading.MaxCell * 1e6} um)")) : separatorMesh;
        Console.WriteLine(string.Create(inv, $"SiO@C-l 2-D, solver {solver}, one-iteration acceptance {(solverOptions.OneIterationAcceptance ? "on" : "off")}, later linear tolerance {solverOptions.LaterLinearTolerance:G3}, Newton tolerance {solverOptions.NewtonTolerance:G3}{(reuse ? ", iteration matrix kept across steps" : "")}, separator columns {separatorText}: {packing.Discs.Count} discs, area fraction {packing.AreaFraction:F4}; 50 A/m^2 to 0.01 V; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Console.WriteLine("| h [um] | cells | unknowns | nnz | steps | Newton | Jacobians | factorisations | wall [s] | assembly [s] | factorisation [s] | solves [s] | rest [s] | capacity [mAh/g] | end |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        if (solver.StartsWith("probe", StringComparison.Ordinal))
        {
            Probe(parameters, packing, sizes, solver.Length > 6 ? solver[6..].Split(',') : ["klu", "klu-colamd", "klu-nobtf", "klu-nd", "umfpack", "umfpack-metis"], Grading);
            return;
        }
        foreach (double h in sizes)
        {
            var clock = Stopwatch.StartNew();
            double threadCpu0 = ThreadCpuSeconds();
            var mesh = ResolvedMesh.Build(packing, h * 1e-6, separatorGrading: Grading(h));
            var model = new TimedModel(new ResolvedParticleModel(parameters, mesh));
            double setupTime = clock.Elapsed.TotalSeconds;
            TimedSolver? timed = null, outer = null, spare = null;
            StaleFactorGmresSolver? gmres = null;
            var runner = new ProtocolRunner(model, solverOptions with { ReuseIterationMatrix = reuse })
            {
                LinearSolver = pattern =>
                {
                    string inner = solver.StartsWith("gmres-", StringComparison.Ordinal) ? solver["gmres-".Length..] : solver;
                    timed = new TimedSolver(MakeSolver(inner, pattern));
                    if (!solver.StartsWith("gmres-", StringComparison.Ordinal)) return timed;
                    if (background) spare = new TimedSolver(MakeSolver(inner, pattern));
                    gmres = new StaleFactorGmresSolver(pattern, timed, spare, gmresOptions);
                    return outer = new TimedSolver(gmres);
                },
            };
            var protocol = new Protocol([new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] }]);
            var solution = runner.Run(protocol);
            double wall = clock.Elapsed.TotalSeconds;
            double threadCpu = ThreadCpuSeconds() - threadCpu0;
            var s = solution.Statistics;
            double capacity = solution.StepCharge(0) / 3.6 / model.ActiveMassPerArea / 1000.0;
            // With GMRES: the factorisations are the direct solver's, and the Krylov work (mat-vecs, orthogonalisation) is the outer solver's time less the direct solver's.
            // The worker's factorisations overlap the caller's work: they are reported apart, and only the caller's wait for them counts in its time.
            double syncFactor = timed!.Factor.Elapsed.TotalSeconds + (spare?.Factor.Elapsed.TotalSeconds ?? 0) - (spare != null ? spare.WorkerFactor.TotalSeconds + timed.WorkerFactor.TotalSeconds : 0);
            double solves = timed.Solve.Elapsed.TotalSeconds + (spare?.Solve.Elapsed.TotalSeconds ?? 0);
            double linear = outer != null ? outer.Factor.Elapsed.TotalSeconds + outer.Solve.Elapsed.TotalSeconds : timed.Factor.Elapsed.TotalSeconds + timed.Solve.Elapsed.TotalSeconds;
            double workerFactor = spare != null ? spare.WorkerFactor.TotalSeconds + timed.WorkerFactor.TotalSeconds : 0;
            string swapText = gmresOptions.SwapAfterSolves == 0 ? "when ready" : string.Create(inv, $"at solve {gmresOptions.SwapAfterSolves} after the start");
            string krylov = gmres == null ? "" : string.Create(inv,
                $", factorisations done {gmres.Factorizations}, GMRES solves {gmres.KrylovSolves} with {gmres.KrylovIterations} iterations (max {gmres.MaxKrylovIterations}, failures {gmres.KrylovFailures}), direct solves {gmres.DirectSolves}, Krylov overhead {linear - syncFactor - solves - gmres.BackgroundWait.TotalSeconds:F1} s, tol {gmresOptions.RelativeTolerance:G2}, refactor above {gmresOptions.RefactorIterations}")
                + (spare == null ? "" : string.Create(inv, $", background factorisations {gmres.BackgroundFactorizations} ({workerFactor:F1} s on the worker, {gmres.BackgroundWait.TotalSeconds:F1} s waited for), taken {swapText}"));
            double flops = timed.Flops + (spare?.Flops ?? 0), entries = timed.SolveEntries + (spare?.SolveEntries ?? 0);
            Console.WriteLine(string.Create(inv,
                $"| {h:G3} | {mesh.Graph.CellCount} ({mesh.SeparatorColumnCount} separator columns) | {model.Size} | {model.JacobianPattern.NonZeroCount} | {s.Steps} | {s.NewtonIterations} | {s.JacobianEvaluations} | {gmres?.Factorizations ?? s.Factorizations} | {wall:F1} | {model.Assembly.Elapsed.TotalSeconds:F1} | {syncFactor + (gmres?.BackgroundWait.TotalSeconds ?? 0):F1} | {solves:F1} | {wall - model.Assembly.Elapsed.TotalSeconds - linear:F1} | {capacity:F3} | {solution.Steps[0].Reason} (set-up {setupTime:F2} s; {s}, rejected {s.RejectedSteps}, Newton failures {s.NewtonFailures}{(timed.Inner is KluLinearSolver k ? $", KLU fresh pivoting {k.FreshFactorizations}" : "")}, factorisation flops {flops:G3}, LU solves reading {entries:G3} factor entries{krylov}; CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s in process, {threadCpu:F1} s of it on the calling thread) |"));
        }
    }

    /// <summary>One Jacobian at the initial state (plus the mass matrix over a 1 s step) factorised once by each solver: time and KLU flops.</summary>
    private static void Probe(ResolvedCellParameters parameters, DiscPacking packing, double[] sizes, string[] solvers, Func<double, SeparatorGrading?> grading)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (double h in sizes)
        {
            var model = new ResolvedParticleModel(parameters, ResolvedMesh.Build(packing, h * 1e-6, separatorGrading: grading(h)));
            var y = model.InitialState();
            model.EstimateAlgebraicState(y, 50);
            var p = model.JacobianPattern;
            var jac = new double[p.NonZeroCount];
            model.Evaluate(0, y, new double[model.Size], jac);
            for (int i = 0; i < model.Size; i++) jac[p.SlotOf(i, i)] += model.MassDiagonal[i];
            foreach (var name in solvers)
            {
                var clock = Stopwatch.StartNew();
                using var s = MakeSolver(name, p);
                double analyse = clock.Elapsed.TotalSeconds;
                clock.Restart();
                s.Factor(jac);
                double first = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                s.Factor(jac);
                double second = clock.Elapsed.TotalSeconds;
                double secondCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                // 20 solves of a dense right-hand side (as GMRES's), timed together: wall and thread CPU per solve.
                var rhs = new double[model.Size];
                const int solves = 20;
                clock.Restart();
                var solveCpu = Process.GetCurrentProcess().TotalProcessorTime;
                for (int r = 0; r < solves; r++)
                {
                    for (int i = 0; i < rhs.Length; i++) rhs[i] = 1 + 1e-3 * (i % 7);
                    s.Solve(rhs);
                }
                double solve = clock.Elapsed.TotalSeconds / solves;
                double solveCpuEach = (Process.GetCurrentProcess().TotalProcessorTime - solveCpu).TotalSeconds / solves;
                string flops = s switch { TwoDomainSchurSolver t => string.Create(inv, $"{t.FlopCount:G3} + Schur {t.SchurFlopCount:G3} (separator {t.SeparatorSize}, interiors {t.InteriorSizes.First}/{t.InteriorSizes.Second}, fallbacks {t.Fallbacks}; factor CPU per half {t.FactorTimes.First / t.FactorTimes.Calls:F3}/{t.FactorTimes.Second / t.FactorTimes.Calls:F3} s serial {t.FactorTimes.Serial / t.FactorTimes.Calls:F3} s; solve critical path {t.SolveTimes.CriticalPath / Math.Max(1, t.SolveTimes.Calls) * 1e3:F1} ms)"), KluLinearSolver k => k.FlopCount.ToString("G3", inv), SinglePrecisionKluSolver f => f.FlopCount.ToString("G3", inv), UmfpackLinearSolver u => u.FlopCount.ToString("G3", inv), _ => "-" };
                string entries = s switch { TwoDomainSchurSolver t => t.FactorEntries.ToString("G4", inv), KluLinearSolver kl => kl.FactorEntries.ToString("G4", inv), SinglePrecisionKluSolver f => f.FactorEntries.ToString("G4", inv), _ => "-" };
                Console.WriteLine(string.Create(inv, $"h {h} um n {model.Size} {name,-14} analyse {analyse:F3} s  factor {first:F3} s  refactor {second:F3} s (CPU {secondCpu:F3} s)  solve {solve * 1e3:F1} ms (CPU {solveCpuEach * 1e3:F1} ms, mean of {solves})  flops {flops}  L+U entries {entries}"));
            }
        }
    }

    private static ISparseLinearSolver MakeSolver(string name, SparsityPattern pattern) => name switch
    {
        "klu" => new KluLinearSolver(pattern),
        "klu-colamd" => new KluLinearSolver(pattern, new ElectrodeSim.Native.Klu.KluOptions { Ordering = ElectrodeSim.Native.Klu.KluOrdering.Colamd }),
        "klu-nobtf" => new KluLinearSolver(pattern, new ElectrodeSim.Native.Klu.KluOptions { BlockTriangular = false }),
        "klu-nd" => ResolvedParticleModel.CreateDirectSolver(pattern), // the factorisation ResolvedParticleModel.CreateOneThreadKrylovSolver keeps
        "klu-nd-f32" => new SinglePrecisionKluSolver((KluLinearSolver)ResolvedParticleModel.CreateDirectSolver(pattern), pattern.Size), // solves on float copies of its factors

        "two-domain" => new TwoDomainSchurSolver(pattern), // two METIS interiors on two threads + dense Schur complement: the factorisation ResolvedParticleModel.CreateKrylovSolver keeps
        "klu-nd-btf" => new KluLinearSolver(pattern, new ElectrodeSim.Native.Klu.KluOptions { Permutation = FillReducingOrdering.NestedDissection(pattern) }),
        "umfpack" => new UmfpackLinearSolver(pattern),
        "umfpack-metis" => new UmfpackLinearSolver(pattern, ElectrodeSim.Native.Umfpack.UmfpackOrdering.Metis),
        "umfpack-cholmod" => new UmfpackLinearSolver(pattern, ElectrodeSim.Native.Umfpack.UmfpackOrdering.Cholmod),
        _ => throw new ArgumentException($"--solver={name}: not one of klu, klu-colamd, klu-nobtf, klu-nd, klu-nd-f32, two-domain, klu-nd-btf, umfpack, umfpack-metis, umfpack-cholmod"),
    };

    /// <summary>CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID): with renewals on a worker, the run's critical path on a machine with a core to spare.</summary>
    private static double ThreadCpuSeconds() => clock_gettime(3, out var t) == 0 ? t.Seconds + 1e-9 * t.Nanoseconds : double.NaN;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    private static string FindRepository()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, "cases")) && File.Exists(Path.Combine(d.FullName, "ElectrodeSim.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("cannot find the repository (cases/ and ElectrodeSim.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>KLU with its numeric factorisations and solves timed.</summary>
    private sealed class TimedSolver(ISparseLinearSolver inner) : ISparseLinearSolver
    {
        /// <summary>Σ over the solves of the factors' L + U entries (what the triangular solves read; machine-load independent).</summary>
        public double SolveEntries { get; private set; }
        public ISparseLinearSolver Inner => inner;
        public Stopwatch Factor { get; } = new();
        public Stopwatch Solve { get; } = new();
        private long _workerTicks;
        /// <summary>The part of <see cref="Factor"/> spent on other threads than the one that made this object (the background worker's).</summary>
        public TimeSpan WorkerFactor => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _workerTicks));
        private readonly int _owner = Environment.CurrentManagedThreadId;
        /// <summary>Σ KLU flops of the factorisations (machine-load independent cost).</summary>
        public double Flops { get; private set; }
        void ISparseLinearSolver.Factor(ReadOnlySpan<double> values)
        {
            long start = Stopwatch.GetTimestamp();
            Factor.Start();
            try { inner.Factor(values); }
            finally
            {
                Factor.Stop();
                if (Environment.CurrentManagedThreadId != _owner) Interlocked.Add(ref _workerTicks, Stopwatch.GetTimestamp() - start);
            }
            if (inner is KluLinearSolver k) Flops += k.FlopCount;
            if (inner is SinglePrecisionKluSolver f) Flops += f.FlopCount;
            if (inner is UmfpackLinearSolver u) Flops += u.FlopCount;
            if (inner is TwoDomainSchurSolver t) Flops += t.FlopCount + t.SchurFlopCount;
        }
        void ISparseLinearSolver.Solve(Span<double> rhs)
        {
            Solve.Start(); inner.Solve(rhs); Solve.Stop();
            if (inner is KluLinearSolver k) SolveEntries += k.FactorEntries;
            if (inner is SinglePrecisionKluSolver f) SolveEntries += f.FactorEntries;
            if (inner is TwoDomainSchurSolver t) SolveEntries += t.FactorEntries;
        }
        void ISparseLinearSolver.Solve(Span<double> rhs, double relativeTolerance)
        {
            Solve.Start(); inner.Solve(rhs, relativeTolerance); Solve.Stop();
            if (inner is KluLinearSolver k) SolveEntries += k.FactorEntries;
            if (inner is SinglePrecisionKluSolver f) SolveEntries += f.FactorEntries;
        }
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
        public ISparseLinearSolver CreateLinearSolver(SparsityPattern pattern) => inner.CreateLinearSolver(pattern);
    }
}
