using System.Collections.Concurrent;
using System.Diagnostics;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// Issue 7's corpus of random in-range half cells (<see cref="RandomHalfCells"/>), run in-process: no unhandled
/// exception, no hang (each run bounded), every completed run inside the physical bounds at every recorded state
/// with lithium conserved, every failure with a reason, and at most 2 % that cannot start.
/// </summary>
public class RandomHalfCellTests(ITestOutputHelper output)
{
    /// <summary>Corpus size; RANDOM_HALF_CELLS=N runs a larger one by hand.</summary>
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("RANDOM_HALF_CELLS"), out int n) ? n : 300;
    /// <summary>No single run of the corpus (coarse mesh) may take longer than this.</summary>
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(60);

    private sealed record Outcome(RandomHalfCells.Sample Sample, string Kind, string Detail, double Seconds);

    private static Outcome RunOne(RandomHalfCells.Sample sample)
    {
        var clock = Stopwatch.StartNew();
        SimulationSetup setup;
        try { setup = CaseBuilder.Build(CaseFile.Parse(sample.Yaml, $"random-{sample.Seed}.yaml", Repository.Root)); }
        catch (CaseValidationException e) { return new(sample, "invalid", string.Join("; ", e.Errors), 0); }
        var limits = new PhysicalLimits();
        string? violation = null;
        var model = new Model.P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var observer = new DelegateObserver((t, y, step) =>
        {
            if (violation != null) return;
            var b = model.StateBounds(y);
            double v = model.Voltage(y);
            double floor = limits.DepletedElectrolyteFraction * model.Cell.InitialElectrolyteConcentration;
            if (!(b.MinimumStateOfLithiation.Value >= 0 && b.MaximumStateOfLithiation.Value <= 1))
                violation = $"θ in [{b.MinimumStateOfLithiation.Value:R}, {b.MaximumStateOfLithiation.Value:R}] at t = {t:G9} s (step {step + 1}, shell {b.MaximumStateOfLithiation.Shell}/{b.MinimumStateOfLithiation.Shell})";
            else if (!(b.MinimumElectrolyteConcentration.Value >= floor))
                violation = $"c_e = {b.MinimumElectrolyteConcentration.Value:G6} at t = {t:G6} s";
            else if (!(v >= limits.VoltageWindow.Low && v <= limits.VoltageWindow.High))
                violation = $"V = {v:G6} at t = {t:G6} s";
        });
        using var bound = new CancellationTokenSource(RunBound);
        try
        {
            var solution = new ProtocolRunner(model, setup.Solver).Run(setup.Protocol, [observer], bound.Token);
            if (violation != null) return new(sample, "non-physical", violation, clock.Elapsed.TotalSeconds);
            var m = model;
            var y = solution.FinalState;
            double initial = m.LithiumInventory(m.InitialState());
            double passed = y[m.Layout.Charge] / PhysicalConstants.Faraday;
            double moved = solution.Steps.Sum(s => Math.Abs(s.Charge)) / PhysicalConstants.Faraday;
            double error = m.LithiumInventory(y) - initial - passed;
            if (Math.Abs(error) > 1e-8 * Math.Max(moved, 1e-6 * initial))
                return new(sample, "not conserved", $"inventory error {error:E3} mol/m² of {moved:E3} moved", clock.Elapsed.TotalSeconds);
            // A first step that the control cannot even begin (its consistent state already beyond a limit) counts as not starting.
            var firstStep = solution.Steps[0];
            string kind = firstStep.Duration == 0 && firstStep.End == StepEnd.PhysicalLimit ? "cannot start" : "completed";
            return new(sample, kind, string.Join(" | ", solution.Steps.Select(s => s.Reason)), clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) { return new(sample, "hang", $"not finished in {RunBound.TotalSeconds} s", clock.Elapsed.TotalSeconds); }
        catch (SimulationFailedException e) { return new(sample, e.Message.Contains("cannot start") ? "cannot start" : "failed with reason", e.Message, clock.Elapsed.TotalSeconds); }
        catch (IntegrationFailedException e) { return new(sample, "failed with reason", e.Message, clock.Elapsed.TotalSeconds); }
        catch (Exception e) { return new(sample, "crash", $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}", clock.Elapsed.TotalSeconds); }
    }

    [Fact]
    public void Random_in_range_half_cells_end_cleanly_inside_the_physical_bounds_and_at_most_2_percent_cannot_start()
    {
        var outcomes = new ConcurrentBag<Outcome>();
        if (Environment.GetEnvironmentVariable("DUMP_RANDOM_CASES") is { } dump) for (int k = 0; k < Cases; k++) File.WriteAllText(Path.Combine(dump, $"r{k}.yaml"), RandomHalfCells.Create(k).Yaml);
        Parallel.For(0, Cases, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed => outcomes.Add(RunOne(RandomHalfCells.Create(seed))));
        var byKind = outcomes.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => g.OrderBy(o => o.Sample.Seed).ToList());
        output.WriteLine($"{Cases} random half cells: " + string.Join(", ", byKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value.Count}")) +
                         $"; slowest {outcomes.Max(o => o.Seconds):F2} s, total {outcomes.Sum(o => o.Seconds):F1} s");
        foreach (var o in outcomes.Where(o => o.Kind != "completed").OrderBy(o => o.Sample.Seed))
            output.WriteLine($"  seed {o.Sample.Seed} ({o.Sample.Protocol}, j0 {o.Sample.ExchangeCurrentDensity:G3} A/m², I {o.Sample.CurrentDensity:G3} A/m², T {o.Sample.Temperature:F1} K): {o.Kind}: {o.Detail}");
        foreach (var kind in new[] { "crash", "hang", "non-physical", "not conserved", "invalid" })
            Assert.False(byKind.ContainsKey(kind), $"{kind}: seeds {string.Join(", ", byKind.GetValueOrDefault(kind, []).Select(o => o.Sample.Seed))}");
        int cannotStart = byKind.GetValueOrDefault("cannot start", []).Count;
        Assert.True(cannotStart <= 0.02 * Cases, $"{cannotStart} of {Cases} cannot start");
        Assert.All(outcomes.Where(o => o.Kind is "failed with reason" or "cannot start"), o => Assert.False(string.IsNullOrWhiteSpace(o.Detail)));
    }
}
