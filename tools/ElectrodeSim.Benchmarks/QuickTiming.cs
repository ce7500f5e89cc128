using System.Diagnostics;
using System.Globalization;
using ElectrodeSim;
using ElectrodeSim.Cases;

/// <summary>
/// In-process timings without BenchmarkDotNet's long harness, for before/after comparisons of solver changes: SiO@C-l
/// (default case) and Marquis2019 1C (default mesh), Simulator.Run without output after two seconds of warm-up; then
/// the two cases alternate for the given number of rounds. Prints per case the solver statistics, the headline result
/// to all digits (so an answer change shows), median/min/max wall time and bytes allocated per run.
/// Run: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks -- quick [--rounds N] [--case SiO|Marquis] [--warmup-runs N] [--without-one-iteration] [--continuous-steps] [--reuse-matrix [A0_RATIO]] [--without-setup]
/// </summary>
public static class QuickTiming
{
    public static void Run(string[] args)
    {
        int rounds = 41;
        int at = Array.IndexOf(args, "--rounds");
        if (at >= 0 && (at + 1 >= args.Length || !int.TryParse(args[at + 1], out rounds) || rounds < 1))
            throw new ArgumentException("--rounds takes a whole number >= 1");
        // The repository above the working directory (so that a copied build of an older commit times the same cases), else above the benchmark.
        string? root = Environment.CurrentDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "ElectrodeSim.sln"))) root = Path.GetDirectoryName(root);
        root ??= AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ElectrodeSim.sln"))) root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("ElectrodeSim.sln not found above the working directory or the benchmark");
        var cases = new (string Label, SimulationSetup Setup)[]
        {
            ("SiO@C-l", CaseBuilder.Build(CaseFile.Load(Path.Combine(root, "cases", "sio-c-l.yaml")))),
            ("Marquis2019 1C", CaseBuilder.Build(CaseFile.Load(Path.Combine(root, "validation", "marquis2019", "marquis2019-1C.yaml")))),
        };
        // --without-one-iteration: BdfOptions.OneIterationAcceptance off (the cases' solver has it on: CaseBuilder), to measure what it buys.
        // --continuous-steps: BdfOptions.StepSizeRule.Continuous instead of the default Banded rule, to measure what it buys.
        if (args.Contains("--continuous-steps"))
            cases = cases.Select(c => (c.Label, c.Setup with { Solver = c.Setup.Solver with { StepSizeRule = ElectrodeSim.Numerics.TimeIntegration.StepSizeRule.Continuous } })).ToArray();
        if (args.Contains("--without-one-iteration"))
            cases = cases.Select(c => (c.Label, c.Setup with { Solver = c.Setup.Solver with { OneIterationAcceptance = false } })).ToArray();
        // --reuse-matrix [a0 ratio]: BdfOptions.ReuseIterationMatrix on (modified Newton across steps), to measure it.
        int reuseAt = Array.IndexOf(args, "--reuse-matrix");
        if (reuseAt >= 0)
        {
            double ratio = reuseAt + 1 < args.Length && double.TryParse(args[reuseAt + 1], CultureInfo.InvariantCulture, out double r) ? r : new ElectrodeSim.Numerics.TimeIntegration.BdfOptions().IterationMatrixA0Ratio;
            cases = cases.Select(c => (c.Label, c.Setup with { Solver = c.Setup.Solver with { ReuseIterationMatrix = true, IterationMatrixA0Ratio = ratio } })).ToArray();
        }
        int only = Array.IndexOf(args, "--case");
        if (only >= 0)
        {
            if (only + 1 >= args.Length) throw new ArgumentException("--case takes a label prefix (SiO, Marquis)");
            cases = cases.Where(c => c.Label.StartsWith(args[only + 1], StringComparison.OrdinalIgnoreCase)).ToArray();
        }
        var results = new RunResult[cases.Length];
        // --warmup-runs N: N runs of each case instead of two seconds (a fixed amount of work, for instruction counts under
        // callgrind, e.g. the difference of two --rounds at DOTNET_TieredCompilation=0).
        int warmRuns = -1;
        int warmAt = Array.IndexOf(args, "--warmup-runs");
        if (warmAt >= 0 && (warmAt + 1 >= args.Length || !int.TryParse(args[warmAt + 1], out warmRuns) || warmRuns < 0))
            throw new ArgumentException("--warmup-runs takes a whole number >= 0");
        if (warmRuns >= 0)
            for (int w = 0; w < warmRuns; w++)
                for (int c = 0; c < cases.Length; c++) results[c] = Simulator.Run(cases[c].Setup);
        else
            for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 2.0;)
                for (int c = 0; c < cases.Length; c++) results[c] = Simulator.Run(cases[c].Setup);
        // --without-setup: no separate set-up timing after each run (so that instruction counts per round are the run's alone).
        bool withoutSetUp = args.Contains("--without-setup");
        var times = cases.Select(_ => new List<double>()).ToArray();
        var bytes = new long[cases.Length];
        var setUp = cases.Select(_ => new List<double>()).ToArray();
        var cpu = cases.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int c = 0; c < cases.Length; c++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                double cpuBefore = ThreadCpuMilliseconds();
                var clock = Stopwatch.StartNew();
                results[c] = Simulator.Run(cases[c].Setup);
                times[c].Add(clock.Elapsed.TotalMilliseconds);
                cpu[c].Add(ThreadCpuMilliseconds() - cpuBefore);
                bytes[c] = GC.GetAllocatedBytesForCurrentThread() - before;
                if (withoutSetUp) { setUp[c].Add(double.NaN); continue; }
                clock.Restart();
                var model = new ElectrodeSim.Model.P2DModel(cases[c].Setup.Cell, cases[c].Setup.Mesh, cases[c].Setup.FaceAverage);
                using (model.CreateLinearSolver(model.JacobianPattern)) setUp[c].Add(clock.Elapsed.TotalMilliseconds);
            }
        for (int c = 0; c < cases.Length; c++)
        {
            var s = results[c].Solution.Statistics;
            var sorted = times[c].Order().ToList();
            var summary = results[c].Summary;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{cases[c].Label}: {results[c].Model.Size} unknowns, {s}, factorizations {s.Factorizations}; capacity {summary.Capacity:R} mAh/g, areal {summary.ArealCapacity:R} mAh/m2, average voltage {summary.AverageVoltage:R} V; " +
                $"median {sorted[sorted.Count / 2]:F3} ms (min {sorted[0]:F3}, max {sorted[^1]:F3}, {rounds} runs), thread CPU median {cpu[c].Order().ElementAt(rounds / 2):F3} ms, {bytes[c] / 1024.0:F1} KiB allocated per run; of a run, set-up (model, pattern, KLU analysis) median {setUp[c].Order().ElementAt(rounds / 2):F3} ms"));
        }
    }

    // struct rusage on 64-bit Linux starts with ru_utime and ru_stime (struct timeval: seconds, microseconds).
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxResidentKiB, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out ResourceUsage usage);

    /// <summary>CPU time of the calling thread (RUSAGE_THREAD) [ms]: less moved by other processes on a loaded machine than wall time.</summary>
    private static double ThreadCpuMilliseconds() =>
        getrusage(1, out var u) == 0 ? 1e3 * (u.UserSeconds + u.SystemSeconds) + 1e-3 * (u.UserMicroseconds + u.SystemMicroseconds) : double.NaN;
}
