using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ElectrodeSim;
using ElectrodeSim.Cases;
using ElectrodeSim.Model;
using ElectrodeSim.Simulation;

/// <summary>
/// Set-up and solve cost per unknown from 10³ to 10⁶ P2D unknowns (issue 12). The SiO@C-l lithiation (5 mA/cm² to
/// 0.01 V) with both the x mesh and the radial mesh refined: electrode_cells × particle_shells = 20 × 40, 100 × 96,
/// 500 × 196, 2000 × 496 (separator 8 cells), i.e. 898 / 10,018 / 100,018 / 1,000,018 unknowns
/// (2·8 + cells·(shells + 4) + 2). Each size runs in its own child process (so its peak resident memory is its own),
/// which first warms the JIT up on the smallest mesh for a second, then repeats the size (medians; one run at 10⁶) and
/// times separately: case build (YAML read, validation, SI conversion), model set-up (mesh, unknown layout, Jacobian
/// sparsity pattern, slot binding), linear set-up (chain condensation and KLU's symbolic analysis of the condensed
/// system) and the solve (ProtocolRunner.Run: consistent start, BDF steps, events). Wall time (Stopwatch) and process
/// CPU time (all threads, GC included) of each part; bytes allocated per run and in the steady state of the integrator.
/// The children run with DOTNET_TieredCompilation=0 (each method compiled fully optimised once, as the Native AOT CLI
/// runs; a single 10⁶ run would otherwise time its set-up partly in tier-0 and instrumented code); --tiered keeps the
/// default tiered JIT.
/// --case marquis: the Marquis2019 1C discharge instead (full cell; each electrode cells × shells 10 × 46, 50 × 96,
/// 250 × 196, 1000 × 496, separator 10 cells: 1,022 / 10,022 / 100,022 / 1,000,022 unknowns).
/// Run: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks -- scale [--case sio|marquis] [--sizes 0,1,2,3] [--repeats 15,7,3,1] [--tiered]
/// </summary>
public static class ScaleScan
{
    private static readonly (int Cells, int Shells)[] Sizes = [(20, 40), (100, 96), (500, 196), (2000, 496)];
    // Marquis2019 1C (full cell, two electrodes of `cells` each, separator 10 cells): 2·10 + 2·cells·(shells + 4) + 2 unknowns.
    private static readonly (int Cells, int Shells)[] MarquisSizes = [(10, 46), (50, 96), (250, 196), (1000, 496)];

    public static void Run(string[] args)
    {
        if (args is ["--child", var c, var s, var r, var name])
        {
            Child(int.Parse(c, CultureInfo.InvariantCulture), int.Parse(s, CultureInfo.InvariantCulture), int.Parse(r, CultureInfo.InvariantCulture), name == "marquis");
            return;
        }
        bool marquis = Array.IndexOf(args, "--case") is int at && at >= 0 && at + 1 < args.Length && args[at + 1].StartsWith("marquis", StringComparison.OrdinalIgnoreCase);
        var table = marquis ? MarquisSizes : Sizes;
        int[] sizes = Option(args, "--sizes") ?? [0, 1, 2, 3];
        int[] repeats = Option(args, "--repeats") ?? [15, 7, 3, 1];
        bool tiered = args.Contains("--tiered");
        if (repeats.Length != Sizes.Length || repeats.Any(r => r < 1) || sizes.Any(i => (uint)i >= Sizes.Length))
            throw new ArgumentException($"--sizes takes indices 0..{Sizes.Length - 1}; --repeats takes {Sizes.Length} whole numbers >= 1");
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        string? dll = Path.GetFileNameWithoutExtension(self) == "dotnet" ? typeof(ScaleScan).Assembly.Location : null;
        Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {Load()}; {(marquis ? "Marquis2019 1C discharge" : "SiO@C-l lithiation")}, one child process per size");
        Console.WriteLine($"# times: median of the repeats, wall (process CPU) in ms; the per-unknown columns from the CPU medians (set-up = model + linear); {(tiered ? "tiered JIT" : "DOTNET_TieredCompilation=0 (every method fully optimised at once, as in the Native AOT CLI)")}");
        Console.WriteLine();
        Console.WriteLine("| cells x shells | unknowns | nnz | steps | Newton | runs | case build [ms] | model set-up [ms] | linear set-up [ms] | solve [ms] | set-up / unknown [us] | solve / unknown [us] | solve / unknown / Newton [ns] | set-up + solve / unknown [us] | allocated per run / unknown [B] | allocated in steps 11-30 [B] | peak RSS [MiB] |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int i in sizes)
        {
            var start = new ProcessStartInfo(dll is null ? self : "dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            if (!tiered) start.Environment["DOTNET_TieredCompilation"] = "0";
            if (dll is not null) start.ArgumentList.Add(dll);
            foreach (var a in new[] { "scale", "--child", $"{table[i].Cells}", $"{table[i].Shells}", $"{repeats[i]}", marquis ? "marquis" : "sio" }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"size {table[i]}: the child exited {process.ExitCode}: {output}");
            Console.WriteLine(output.TrimEnd());
        }
        Console.WriteLine();
        Console.WriteLine($"# load at the end {Load()}");
    }

    private static int[]? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        if (at < 0) return null;
        if (at + 1 >= args.Length) throw new ArgumentException($"{name} takes a comma-separated list");
        return args[at + 1].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private sealed class Part
    {
        public readonly List<double> Wall = [], Cpu = [];
        private readonly Stopwatch _clock = new();
        private double _cpu;
        public void Start() { _cpu = ProcessCpuMilliseconds(); _clock.Restart(); }
        public void Stop()
        {
            Wall.Add(_clock.Elapsed.TotalMilliseconds);
            Cpu.Add(ProcessCpuMilliseconds() - _cpu);
        }
        public double MedianCpu => Median(Cpu);
        public string Text => string.Create(CultureInfo.InvariantCulture, $"{Median(Wall):F1} ({Median(Cpu):F1})");
    }

    private static void Child(int cells, int shells, int repeats, bool marquis)
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ElectrodeSim.sln"))) root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("ElectrodeSim.sln not found above the benchmark");
        string path = marquis ? Path.Combine(root, "validation", "marquis2019", "marquis2019-1C.yaml") : Path.Combine(root, "cases", "sio-c-l.yaml");
        SimulationSetup Build(int c, int s) => CaseBuilder.Build(CaseOverrides.Load(path,
            [CaseOverride.Parse($"mesh.electrode_cells={c}"), CaseOverride.Parse($"mesh.particle_shells={s}"), CaseOverride.Parse("output.fields=false")]));

        // JIT warm-up on the smallest mesh (the same code paths), about a second, so the tiers have settled.
        var small = marquis ? Build(MarquisSizes[0].Cells, MarquisSizes[0].Shells) : Build(Sizes[0].Cells, Sizes[0].Shells);
        for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 1.0;) Simulator.Run(small);

        Part build = new(), model = new(), linear = new(), solve = new();
        var allocated = new List<double>();
        int unknowns = 0, nnz = 0, steps = 0, newton = 0;
        double capacity = 0;
        for (int k = 0; k < repeats; k++)
        {
            GC.Collect();
            build.Start();
            var setup = Build(cells, shells);
            build.Stop();
            model.Start();
            var p2d = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
            model.Stop();
            linear.Start();
            var solver = p2d.CreateLinearSolver(p2d.JacobianPattern);
            linear.Stop();
            var runner = new ProtocolRunner(p2d, setup.Solver) { Schedule = setup.Output.Schedule, LinearSolver = _ => solver };
            long bytes = GC.GetTotalAllocatedBytes(precise: true);
            solve.Start();
            var solution = runner.Run(setup.Protocol); // disposes the solver
            solve.Stop();
            bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes;
            (unknowns, nnz) = (p2d.Size, p2d.JacobianPattern.NonZeroCount);
            (steps, newton) = (solution.Statistics.Steps, solution.Statistics.NewtonIterations);
            allocated.Add((double)bytes / unknowns);
            var summary = RunSummary.From(setup.Name, p2d, solution, setup.Protocol);
            capacity = marquis ? summary.AverageVoltage : summary.Capacity;
        }
        double setUp = model.MedianCpu + linear.MedianCpu, solved = solve.MedianCpu;
        double peak = PeakMiB(); // before the steady-state probe builds a second model
        long steady = SteadyAllocation(Build(cells, shells));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {cells} x {shells} | {unknowns} | {nnz} | {steps} | {newton} | {repeats} | {build.Text} | {model.Text} | {linear.Text} | {solve.Text} | " +
            $"{1000 * setUp / unknowns:F3} | {1000 * solved / unknowns:F2} | {1e6 * solved / unknowns / newton:F1} | {1000 * (setUp + solved) / unknowns:F2} | " +
            $"{Median(allocated):F0} | {steady} | {peak:F0} |"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# {cells} x {shells}: {(marquis ? $"average voltage {capacity:R} V" : $"capacity {capacity:R} mAh/g")}"));
    }

    /// <summary>
    /// Bytes allocated by the integrator in steps 11..30 of the lithiation (the first steps fill the history and give the
    /// runner's checkpoint its own arrays, once per run): what a Newton iteration allocates in the steady state (0 expected).
    /// </summary>
    private static long SteadyAllocation(SimulationSetup setup)
    {
        var p2d = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        using var solver = p2d.CreateLinearSolver(p2d.JacobianPattern);
        var integrator = new ElectrodeSim.Numerics.TimeIntegration.BdfIntegrator(p2d, solver, setup.Solver);
        var step = setup.Protocol.Steps[0];
        p2d.SetCurrentScale(step.Value);
        (p2d.Control.Mode, p2d.Control.SetValue) = (step.Mode, step.Value);
        var y = p2d.InitialState();
        p2d.EstimateAlgebraicState(y, step.Value);
        integrator.Initialise(0, y);
        ElectrodeSim.Numerics.TimeIntegration.BdfIntegrator.Checkpoint? checkpoint = null;
        long bytes = 0;
        for (int k = 0; k < 30; k++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            checkpoint = integrator.Save(checkpoint);
            integrator.Step(step.MaxDuration);
            p2d.StateBounds(integrator.State);
            if (k >= 10) bytes += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        return bytes;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxResidentKiB;
        public long Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    /// <summary>CPU time of the whole process, all threads (CLOCK_PROCESS_CPUTIME_ID: the scheduler's own count, not ticks) [ms].</summary>
    private static double ProcessCpuMilliseconds() => clock_gettime(2, out var t) == 0 ? t.Seconds * 1e3 + t.Nanoseconds * 1e-6 : double.NaN;

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out ResourceUsage usage);

    /// <summary>This process's largest resident set so far [MiB] (RUSAGE_SELF).</summary>
    private static double PeakMiB() => getrusage(0, out var usage) == 0 ? usage.MaxResidentKiB / 1024.0 : double.NaN;
}
