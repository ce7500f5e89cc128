// ElectrodeSim as a library: load a case, change a key, run, read the solution in memory.
// Usage: dotnet run --project tools/ElectrodeSim.Example [CASE.yaml] [SOLID_DIFFUSIVITY_m2_s]
// (default cases/sio-c-l.yaml with the solid diffusivity divided by 10).
using System.Globalization;
using ElectrodeSim;

string casePath = args.Length > 0 ? args[0] : Path.Combine(FindRepository(), "cases", "sio-c-l.yaml");

// The case as it is, and with one key changed: the changed case is validated like a case file.
var baseline = Simulator.LoadCase(casePath);
double diffusivity = args.Length > 1
    ? double.Parse(args[1], CultureInfo.InvariantCulture)
    : baseline.Cell.WorkingElectrode.SolidDiffusivity / 10;
var slower = Simulator.LoadCase(casePath, new Dictionary<string, double> { ["electrode.solid_diffusivity_m2_s"] = diffusivity });

// A SimulationSetup is a record: anything a key does not reach can be changed with `with`.
slower = slower with { Name = baseline.Name + " (D_s " + diffusivity.ToString("G3", CultureInfo.InvariantCulture) + " m^2/s)" };

foreach (var setup in new[] { baseline, slower })
{
    // No output path: nothing is written, the solution stays in memory.
    RunResult result = Simulator.Run(setup);
    var solution = result.Solution;
    int last = solution.Time.Count - 1;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{setup.Name}: capacity {result.Summary.Capacity:F2} mAh/g, {solution.Time.Count} records, " +
        $"end at t = {solution.Time[last]:F1} s, V = {solution.Voltage[last]:F4} V, " +
        $"mean state of lithiation {result.Model.MeanStateOfLithiation(solution.FinalState):F4}"));
}

static string FindRepository()
{
    for (var dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
        if (File.Exists(Path.Combine(dir, "ElectrodeSim.sln"))) return dir;
    throw new DirectoryNotFoundException("ElectrodeSim.sln not found above " + AppContext.BaseDirectory + "; give the case file as the first argument");
}
