using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Simulation;

/// <summary>
/// The integrator's time error, for step-control changes: SiO@C-l and Marquis2019 1C at the case's solver settings with
/// each step-size rule, against the same case at relative tolerance 1e-8; both runs write the voltage at the same
/// scheduled times (dense output), compared up to the earlier end. Prints the counts, the largest and RMS voltage
/// difference and the final charge's relative difference (SiO@C-l: the capacity's) (the COMSOL agreement is dominated by the mesh; this is the
/// integrator's own share).
/// Run: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks -- accuracy [--case SiO|Marquis] [--every S] [--reference-rtol R] [--trace N (the first N step sizes)] [--files CASE.yaml,…]
/// </summary>
public static class AccuracyScan
{
    private sealed class Recorder(P2DModel model) : ISolutionObserver
    {
        public Dictionary<double, double> Voltage { get; } = [];
        public void Record(double time, ReadOnlySpan<double> state, int protocolStep) => Voltage.TryAdd(time, model.Voltage(state));
    }

    private static (Solution Solution, Dictionary<double, double> Voltage) Run(SimulationSetup setup, OutputSchedule schedule)
    {
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var recorder = new Recorder(model);
        var solution = new ProtocolRunner(model, setup.Solver) { Schedule = schedule }.Run(setup.Protocol, [recorder]);
        return (solution, recorder.Voltage);
    }

    public static void Run(string[] args)
    {
        string? root = Environment.CurrentDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "ElectrodeSim.sln"))) root = Path.GetDirectoryName(root);
        if (root is null) throw new DirectoryNotFoundException("ElectrodeSim.sln not found above the working directory");
        double Option(string name, double fallback)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
        }
        double every = Option("--every", 2.0), referenceTolerance = Option("--reference-rtol", 1e-8);
        int trace = (int)Option("--trace", 0);
        var cases = new (string Label, SimulationSetup Setup)[]
        {
            ("SiO@C-l", CaseBuilder.Build(CaseFile.Load(Path.Combine(root, "cases", "sio-c-l.yaml")))),
            ("Marquis2019 1C", CaseBuilder.Build(CaseFile.Load(Path.Combine(root, "validation", "marquis2019", "marquis2019-1C.yaml")))),
        };
        // --files a.yaml,b.yaml: these cases instead (paths from the repository root).
        int files = Array.IndexOf(args, "--files");
        if (files >= 0)
            cases = args[files + 1].Split(',').Select(f => (Path.GetFileNameWithoutExtension(f), CaseBuilder.Build(CaseFile.Load(Path.Combine(root, f))))).ToArray();
        int only = Array.IndexOf(args, "--case");
        if (only >= 0) cases = cases.Where(c => c.Label.StartsWith(args[only + 1], StringComparison.OrdinalIgnoreCase)).ToArray();
        var schedule = new OutputSchedule(every, null);
        foreach (var (label, setup) in cases)
        {
            var reference = Run(setup with { Solver = setup.Solver with { RelativeTolerance = referenceTolerance } }, schedule);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label} reference rtol {referenceTolerance:G3}: {reference.Solution.Statistics}; charge {reference.Solution.Charge[^1]:R}, end {reference.Solution.Time[^1]:R} s"));
            foreach (var rule in Enum.GetValues<StepSizeRule>())
            {
                var run = Run(setup with { Solver = setup.Solver with { StepSizeRule = rule } }, schedule);
                var common = run.Voltage.Keys.Where(reference.Voltage.ContainsKey).ToList();
                var differences = common.Select(t => Math.Abs(run.Voltage[t] - reference.Voltage[t])).ToList();
                int worst = differences.IndexOf(differences.Max());
                double rms = Math.Sqrt(differences.Average(d => d * d));
                var s = run.Solution.Statistics;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {rule,-10} steps {s.Steps} + {s.RejectedSteps} rejected, Newton {s.NewtonIterations}, Jacobians {s.JacobianEvaluations}: " +
                    $"voltage max {differences[worst] * 1e6:G4} uV (t = {common[worst]:G6} s), RMS {rms * 1e6:G4} uV over {common.Count} times; " +
                    $"charge {run.Solution.Charge[^1]:R}, {(run.Solution.Charge[^1] / reference.Solution.Charge[^1] - 1):G3} relative; end {run.Solution.Time[^1]:R} s"));
                var times = run.Solution.Time;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    steps before 1 s {times.Where(t => t > 0 && t < 1).Count()}, 10 s {times.Where(t => t > 0 && t < 10).Count()}, 100 s {times.Where(t => t > 0 && t < 100).Count()}; first step sizes {string.Join(" ", Enumerable.Range(1, Math.Min(trace, times.Count - 1)).Select(k => (times[k] - times[k - 1]).ToString("G2", CultureInfo.InvariantCulture)))}"));
            }
        }
    }
}
