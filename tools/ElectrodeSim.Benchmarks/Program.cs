using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using ElectrodeSim;
using ElectrodeSim.Cases;

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
