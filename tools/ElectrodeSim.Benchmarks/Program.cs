using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using ElectrodeSim;
using ElectrodeSim.Cases;

if (args is ["setup", ..])
{
    SetUpScan.Run();
    return;
}
if (args is ["scale", ..])
{
    ScaleScan.Run(args[1..]);
    return;
}
if (args is ["table", ..])
{
    BenchTable.Run(args[1..]);
    return;
}
if (args is ["resolved-2d", ..])
{
    ResolvedModelBench.Run(args[1..]);
    return;
}
if (args is ["accuracy", ..])
{
    AccuracyScan.Run(args[1..]);
    return;
}
if (args is ["quick", ..])
{
    QuickTiming.Run(args[1..]);
    return;
}
if (args is ["linear", ..])
{
    LinearSolveTiming.Run(args[1..]);
    return;
}
if (args is ["resolved-mesh", ..])
{
    ResolvedMeshScan.Run();
    return;
}
BenchmarkRunner.Run<LithiationBenchmark>(DefaultConfig.Instance.AddJob(Job.Default.WithAffinity(1).WithId("one-core")), args);

/// <summary>
/// Wall time of one SiO@C-l lithiation (5 mA/cm² to 0.01 V) at the default mesh, no output file,
/// after BenchmarkDotNet's warm-up. Run: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks.
/// The unknown count is printed in the global setup.
/// </summary>
[MemoryDiagnoser]
public class LithiationBenchmark
{
    private SimulationSetup _setup = null!;

    [Params("sio-c-l.yaml")]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "cases", Case))) dir = Path.GetDirectoryName(dir) ?? throw new FileNotFoundException($"cases/{Case} not found above {AppContext.BaseDirectory}");
        _setup = CaseBuilder.Build(CaseFile.Load(Path.Combine(dir, "cases", Case)));
        var result = Simulator.Run(_setup);
        Console.WriteLine($"// {Case}: {result.Model.Size} unknowns, {result.Solution.Statistics}, capacity {result.Summary.Capacity:F2} mAh/g");
    }

    [Benchmark]
    public double Lithiation() => Simulator.Run(_setup).Summary.Capacity;
}

/// <summary>
/// Set-up time per unknown from 10³ to 10⁶ unknowns (issue 12): building the model (mesh, sparsity pattern, slot
/// binding) and KLU's symbolic analysis, for the SiO@C-l case with ever finer meshes. Each size is built three
/// times after one warm-up and the fastest is reported (Stopwatch; whole set-up, not a micro-benchmark).
/// Run: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks -- setup
/// </summary>
public static class SetUpScan
{
    public static void Run()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "cases", "sio-c-l.yaml"))) dir = Path.GetDirectoryName(dir) ?? throw new FileNotFoundException("cases/sio-c-l.yaml");
        var baseline = CaseBuilder.Build(CaseFile.Load(Path.Combine(dir, "cases", "sio-c-l.yaml")));
        Console.WriteLine("unknowns      nnz   set-up [ms]   per unknown [us]");
        foreach (var (cells, shells) in new[] { (20, 40), (100, 96), (500, 196), (2000, 496) })
        {
            var setup = baseline with { Mesh = baseline.Mesh with { ElectrodeCells = cells, ParticleShells = shells } };
            double best = double.PositiveInfinity;
            int unknowns = 0, nnz = 0;
            for (int k = 0; k < 4; k++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var model = new ElectrodeSim.Model.P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
                using var klu = model.CreateLinearSolver(model.JacobianPattern);
                double ms = clock.Elapsed.TotalMilliseconds;
                (unknowns, nnz) = (model.Size, model.JacobianPattern.NonZeroCount);
                if (k > 0) best = Math.Min(best, ms);
            }
            Console.WriteLine($"{unknowns,8} {nnz,9} {best,12:F1} {1000 * best / unknowns,16:F3}");
        }
    }
}
