using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ElectrodeSim;
using ElectrodeSim.Cases;

/// <summary>
/// One table of what a run costs (issue 12): case, unknowns, solver steps, Newton iterations, Jacobians, in-process
/// median (Simulator.Run without output, after one warm-up), whole-process median (the published Native AOT CLI running the case
/// with its HDF5 output, as a user runs it) and peak memory of the whole process. Rows: SiO@C-l, Marquis2019 1C at
/// mesh factors 0.5 / 1 / 4, and (with --large) SiO@C-l refined to about 10⁶ unknowns (one run each).
/// Run: tools/bench-table.sh [--repeats N] [--large]
/// </summary>
public static class BenchTable
{
    private sealed record Row(string Label, string CasePath, IReadOnlyList<string> Sets, int Repeats);

    public static void Run(string[] args)
    {
        int repeats = 7;
        bool large = args.Contains("--large");
        int at = Array.IndexOf(args, "--repeats");
        if (at >= 0 && (at + 1 >= args.Length || !int.TryParse(args[at + 1], out repeats) || repeats < 1))
            throw new ArgumentException("--repeats takes a whole number >= 1");
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ElectrodeSim.sln"))) root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("ElectrodeSim.sln not found above the benchmark");
        // The Native AOT tool that tools/electrodesim starts (tools/bench-table.sh publishes it first).
        string cli = Path.Combine(root, "src", "ElectrodeSim.Cli", "bin", "native", "ElectrodeSim.Cli");
        if (!File.Exists(cli)) throw new FileNotFoundException($"{cli}: publish the CLI first (tools/electrodesim does, tools/bench-table.sh calls it)");
        string sio = Path.Combine(root, "cases", "sio-c-l.yaml"), marquis = Path.Combine(root, "validation", "marquis2019", "marquis2019-1C.yaml");

        var rows = new List<Row> { new("SiO@C-l, default mesh", sio, [], repeats) };
        foreach (var factor in new[] { 0.5, 1.0, 4.0 })
            rows.Add(new($"Marquis2019 1C, mesh x{factor:G}", marquis,
                [$"mesh.separator_cells={Scaled(10, factor)}", $"mesh.electrode_cells={Scaled(20, factor)}", $"mesh.particle_shells={Scaled(40, factor)}"], repeats));
        if (large)
            rows.Add(new("SiO@C-l, 2000 cells x 496 shells", sio, ["mesh.electrode_cells=2000", "mesh.particle_shells=496"], 1));

        Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {repeats} runs per row (medians); peak = largest whole process so far (getrusage, rows by size)");
        Console.WriteLine();
        Console.WriteLine("| case | unknowns | steps | Newton iterations | Jacobians | in-process median [ms] | whole process median [s] | peak memory [MiB] |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        string scratch = Path.Combine(Path.GetTempPath(), "electrodesim-bench-table-" + Environment.ProcessId);
        try
        {
            foreach (var row in rows)
            {
                var setup = CaseBuilder.Build(CaseOverrides.Load(row.CasePath, row.Sets.Select(s => CaseOverride.Parse(s)).ToList()));
                // Warm-up until the JIT's tiers have settled: at least a second of runs (one run for the large case).
                var result = Simulator.Run(setup);
                for (var warm = Stopwatch.StartNew(); row.Repeats > 1 && warm.Elapsed.TotalSeconds < 1.0;) result = Simulator.Run(setup);
                var inProcess = new List<double>();
                for (int k = 0; k < row.Repeats; k++)
                {
                    var clock = Stopwatch.StartNew();
                    result = Simulator.Run(setup);
                    inProcess.Add(clock.Elapsed.TotalMilliseconds);
                }
                var whole = new List<double>();
                for (int k = 0; k < row.Repeats; k++)
                {
                    var start = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                    foreach (var a in new[] { "run", row.CasePath, "--out", scratch }.Concat(row.Sets.SelectMany(s => new[] { "--set", s }))) start.ArgumentList.Add(a);
                    var clock = Stopwatch.StartNew();
                    using var process = Process.Start(start)!;
                    var errors = process.StandardError.ReadToEndAsync();
                    process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    whole.Add(clock.Elapsed.TotalSeconds);
                    if (process.ExitCode != 0) throw new InvalidOperationException($"{row.Label}: the CLI exited {process.ExitCode}: {errors.Result}");
                }
                var s = result.Solution.Statistics;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Label} | {result.Model.Size} | {s.Steps} | {s.NewtonIterations} | {s.JacobianEvaluations} | {Median(inProcess):F2} | {Median(whole):F3} | {PeakChildMemoryMiB():F0} |"));
            }
        }
        finally { if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true); }
    }

    private static int Scaled(int count, double factor) => Math.Max(1, (int)Math.Round(count * factor));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    // struct rusage on 64-bit Linux: two struct timeval (2 × 8 bytes each), then ru_maxrss [KiB] and 13 more longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxResidentKiB;
        public long Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out ResourceUsage usage);

    /// <summary>The largest resident set of any child process that has ended so far [MiB] (RUSAGE_CHILDREN).</summary>
    private static double PeakChildMemoryMiB() => getrusage(-1, out var usage) == 0 ? usage.MaxResidentKiB / 1024.0 : double.NaN;
}
