using ElectrodeSim.Cases;
using ElectrodeSim.Model;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Runs;

public class OutputScheduleTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private sealed class Recorder(P2DModel model) : ISolutionObserver
    {
        public List<(double Time, double Voltage, int Step)> Records { get; } = [];
        public void Record(double time, ReadOnlySpan<double> state, int protocolStep) => Records.Add((time, model.Voltage(state), protocolStep));
    }

    private static (Solution Solution, List<(double Time, double Voltage, int Step)> Records) Run(SimulationSetup setup, OutputSchedule? schedule)
    {
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var recorder = new Recorder(model);
        var solution = new ProtocolRunner(model, setup.Solver) { Schedule = schedule }.Run(setup.Protocol, [recorder]);
        return (solution, recorder.Records);
    }

    [Fact]
    public void The_interval_grid_and_the_listed_times_merge_once_each_in_half_open_windows()
    {
        var schedule = new OutputSchedule(10.0, [5.0, 20.0, 33.0]);
        Assert.Equal([5.0, 10.0, 20.0], schedule.Between(0, 20).ToArray());
        Assert.Equal([30.0, 33.0], schedule.Between(20, 33).ToArray());
        Assert.Empty(schedule.Between(33, 33));
        Assert.Equal([40.0, 50.0], new OutputSchedule(10.0, null).Between(33, 55).ToArray());
        Assert.Throws<ArgumentException>(() => new OutputSchedule(null, [3.0, 3.0]));
    }

    [Fact]
    public void Voltages_at_scheduled_mid_step_times_match_a_thousand_times_tighter_run_better_than_chords()
    {
        var setup = Repository.LoadCase("sio-c-l.yaml");
        var (steps, _) = Run(setup, null);
        var t = steps.Time;
        // Mid-points of every solver step: where a polygon through the steps is worst.
        var mids = Enumerable.Range(0, t.Count - 1).Where(k => t[k + 1] > t[k]).Select(k => 0.5 * (t[k] + t[k + 1])).ToList();
        var (_, dense) = Run(setup, new OutputSchedule(null, mids));
        var tight = setup with { Solver = setup.Solver with { RelativeTolerance = setup.Solver.RelativeTolerance * 1e-3 } };
        var stepTimes = t.Distinct().Where(x => x > 0).ToList();
        var (_, reference) = Run(tight, new OutputSchedule(null, mids.Concat(stepTimes).Order().ToList()));
        var exact = reference.GroupBy(r => r.Time).ToDictionary(g => g.Key, g => g.First().Voltage);
        var at = dense.Where(r => mids.Contains(r.Time)).ToList();
        Assert.Equal(mids.Count, at.Count);
        Assert.All(mids, m => Assert.True(exact.ContainsKey(m), $"the tight run has no voltage at the mid-step time {m:R} s"));
        double worstDense = at.Max(r => Math.Abs(r.Voltage - exact[r.Time]));
        // The solver's own error at its steps, against the same tight run: what interpolation cannot beat. The run ends at
        // the located 0.01 V cut-off, which the coarse run may place after the tight run's end (StepSizeRule.Banded: 0.4 ms
        // later, 952.8922 against 952.8918 s), where the tight run has no voltage; there both are the cut-off voltage, so
        // that point says nothing of the step error and is left out — only that point: every other step time is compared.
        var compared = Enumerable.Range(1, t.Count - 1).Where(k => k < t.Count - 1 || exact.ContainsKey(t[k])).ToList();
        Assert.All(compared, k => Assert.True(exact.ContainsKey(t[k]), $"the tight run has no voltage at the step time {t[k]:R} s"));
        double worstAtSteps = compared.Max(k => Math.Abs(steps.Voltage[k] - exact[t[k]]));
        double worstChord = 0;
        for (int k = 0; k < t.Count - 1; k++)
        {
            if (!(t[k + 1] > t[k])) continue;
            double chord = 0.5 * (steps.Voltage[k] + steps.Voltage[k + 1]);
            worstChord = Math.Max(worstChord, Math.Abs(chord - exact[0.5 * (t[k] + t[k + 1])]));
        }
        output.WriteLine($"{mids.Count} mid-step times: dense output within {worstDense * 1e3:G3} mV of the tight run, chords within {worstChord * 1e3:G3} mV; the steps themselves within {worstAtSteps * 1e3:G3} mV");
        Assert.True(worstDense < 2 * worstAtSteps, $"dense output off by {worstDense * 1e3:G3} mV, the steps by {worstAtSteps * 1e3:G3} mV");
        Assert.True(worstChord > 3 * worstDense, $"chords {worstChord * 1e3:G3} mV vs dense {worstDense * 1e3:G3} mV");
    }

    [Fact]
    public void A_schedule_writes_its_times_and_every_step_boundary_and_leaves_the_solution_unchanged()
    {
        var setup = Repository.LoadCase("sio-c-l.yaml") with
        {
            Protocol = new Protocol([
                new ProtocolStep { Label = "lithiation", Mode = Physics.ControlMode.Current, Value = 50, MaxDuration = 95 },
                new ProtocolStep { Label = "rest", Mode = Physics.ControlMode.Rest, MaxDuration = 42 }]),
        };
        var (plain, all) = Run(setup, null);
        var (scheduled, records) = Run(setup, new OutputSchedule(10.0, [0.5]));
        Assert.Equal(plain.Time, scheduled.Time);
        Assert.Equal(plain.Voltage, scheduled.Voltage);
        double[] expected = [0, 0.5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 95, 100, 110, 120, 130, 137];
        Assert.Equal(expected, records.Select(r => r.Time).ToArray());
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], records.Select(r => r.Step).ToArray());
        Assert.Equal(all[^1].Voltage, records[^1].Voltage, 12);
    }

    [Theory]
    [InlineData("output.every_s=0", "output.every_s")]
    [InlineData("output.every_s=-3", "output.every_s")]
    [InlineData("output.times_s=[10, 5]", "output.times_s[1]")]
    [InlineData("output.times_s=[-1]", "output.times_s[0]")]
    public void A_bad_output_schedule_is_named_by_its_key_path(string assignment, string path)
    {
        int eq = assignment.IndexOf('=');
        var e = Assert.Throws<CaseValidationException>(() =>
            CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l.yaml"), [new CaseOverride(assignment[..eq], assignment[(eq + 1)..])])));
        Assert.Contains(e.Errors, error => error.Path == path);
    }
}
