using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// MODEL.md §5 "Physical limits" and issue 7: a step whose state reaches a limit ends there, located inside the
/// time step, with the limit as its reason; no recorded state is outside the limits; every step has a finite end.
/// </summary>
public class PhysicalLimitTests(ITestOutputHelper output)
{
    private static SimulationSetup WithProtocol(string caseName, params ProtocolStep[] steps) =>
        Repository.LoadCase(caseName) with { Protocol = new Protocol(steps) };

    private static readonly StopCondition CutOff = new(StopQuantity.Voltage, true, 0.01);

    /// <summary>Runs a setup, recording the extremes over every recorded state.</summary>
    private static (RunResult Result, double MinTheta, double MaxTheta, double MinConcentration, int Records) RunWatched(SimulationSetup setup)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity, ce = double.PositiveInfinity;
        int records = 0;
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var solution = new ProtocolRunner(model, setup.Solver).Run(setup.Protocol, [new DelegateObserver((t, y, s) =>
        {
            var b = model.StateBounds(y);
            lo = Math.Min(lo, b.MinimumStateOfLithiation.Value);
            hi = Math.Max(hi, b.MaximumStateOfLithiation.Value);
            ce = Math.Min(ce, b.MinimumElectrolyteConcentration.Value);
            records++;
        })]);
        var summary = RunSummary.From(setup.Name, model, solution, setup.Protocol);
        return (new RunResult(summary, solution, model, null), lo, hi, ce, records);
    }

    /// <summary>
    /// StateBounds (its shells' extremes two at a time, the shell looked up after): the values, cells and shells of
    /// planted extremes, a tie going to the first in scan order (cells, then shells from the centre out), in an even and
    /// an odd shell (the vector pairs and the last shell alone with 10 shells: both in pairs), and a NaN in an inner shell
    /// reported there as the minimum.
    /// </summary>
    [Fact]
    public void State_bounds_report_the_planted_extremes_where_they_are_and_a_NaN_as_the_minimum()
    {
        var setup = Repository.LoadCase("sio-c-l.yaml");
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var L = model.Layout;
        var electrodeCells = Enumerable.Range(0, model.Mesh.CellCount).Where(L.IsElectrode).ToArray();
        int shells = model.Mesh.Particles[L.ElectrodeOf(electrodeCells[0])].Shells;
        Assert.True(electrodeCells.Length >= 3 && shells >= 6);
        var (a, b, c) = (electrodeCells[1], electrodeCells[^2], electrodeCells[^1]);
        double cmax = model.Cell.Electrodes[L.ElectrodeOf(a)].MaxConcentration;
        var y = model.InitialState();
        double initial = y[L.SolidConcentration(a, 0)]; // uniform at the start
        double high = 0.5 * (initial + cmax), low = 0.5 * initial;
        y[L.SolidConcentration(a, 3)] = high; // the maximum, first in scan order
        y[L.SolidConcentration(b, 4)] = high; // the same value later: not reported
        y[L.SolidConcentration(c, 2)] = low;  // the minimum
        y[L.SolidConcentration(c, 5)] = low;  // again in the same particle: not reported
        var bounds = model.StateBounds(y);
        Assert.Equal(new StateExtreme(high * (1.0 / cmax), L.ElectrodeOf(a), a, 3), bounds.MaximumStateOfLithiation);
        Assert.Equal(new StateExtreme(low * (1.0 / cmax), L.ElectrodeOf(c), c, 2), bounds.MinimumStateOfLithiation);

        y[L.SolidConcentration(b, 1)] = double.NaN;
        bounds = model.StateBounds(y);
        Assert.True(double.IsNaN(bounds.MinimumStateOfLithiation.Value));
        Assert.Equal((b, 1), (bounds.MinimumStateOfLithiation.Cell, bounds.MinimumStateOfLithiation.Shell));
    }

    private static double InventoryError(RunResult r)
    {
        var m = r.Model;
        var y = r.Solution.FinalState;
        return m.LithiumInventory(y) - m.LithiumInventory(m.InitialState()) - y[m.Layout.Charge] / PhysicalConstants.Faraday;
    }

    [Fact]
    public void A_lithiation_without_cut_off_ends_where_a_particle_surface_is_full_and_never_records_a_state_beyond_it()
    {
        var (r, lo, hi, _, _) = RunWatched(WithProtocol("sio-c-l.yaml",
            new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, MaxDuration = 36000 }));
        var step = r.Solution.Steps[0];
        output.WriteLine($"{step.Reason}; {step.Duration:F1} s; θ in [{lo:R}, {hi:R}]; final V {r.Solution.Voltage[^1]:F4} V");
        Assert.Equal(StepEnd.PhysicalLimit, step.End);
        Assert.Contains("full", step.Reason);
        Assert.True(step.Duration < 36000, "the step ran to its time limit");
        Assert.True(hi <= 1.0 && hi >= 1.0 - 3e-6, $"max θ = {hi:R}: the end state is not at the limit from inside");
        Assert.True(lo >= 0);
        Assert.True(Math.Abs(InventoryError(r)) <= 1e-8 * Math.Abs(r.Solution.Steps[0].Charge / PhysicalConstants.Faraday));
    }

    [Fact]
    public void A_delithiation_after_lithiation_ends_at_its_cut_off_or_an_empty_particle_and_takes_out_no_more_lithium_than_went_in()
    {
        // The cycle: 5 mA/cm² to 0.01 V, then −5 mA/cm² to 1.0 V (it took out 20× the lithium and ended at SOL −7.95).
        var (r, lo, hi, _, _) = RunWatched(WithProtocol("sio-c-l.yaml",
            new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, MaxDuration = 36000, Stops = [CutOff] },
            new ProtocolStep { Label = "delithiation", Mode = ControlMode.Current, Value = -50, MaxDuration = 36000, Stops = [new StopCondition(StopQuantity.Voltage, false, 1.0)] }));
        var (lith, delith) = (r.Solution.Steps[0], r.Solution.Steps[1]);
        double solidInitial = r.Model.Cell.WorkingElectrode.InitialStateOfLithiation * r.Model.Cell.WorkingElectrode.MaxConcentration
                              * r.Model.Cell.WorkingElectrode.ActiveVolumeFraction * r.Model.Cell.WorkingElectrode.Thickness;
        output.WriteLine($"in {lith.Charge:F1} C/m², out {delith.Charge:F1} C/m²; {delith.Reason}; θ in [{lo:R}, {hi:R}]; inventory error {InventoryError(r):E2} mol/m²");
        Assert.True(delith.End is StepEnd.PhysicalLimit or StepEnd.StopCondition, delith.Reason);
        Assert.True(-delith.Charge <= lith.Charge + solidInitial * PhysicalConstants.Faraday, "more lithium came out than the particles held");
        Assert.True(lo >= 0 && hi <= 1, $"θ in [{lo}, {hi}]");
        Assert.True(Math.Abs(InventoryError(r)) <= 1e-8 * lith.Charge / PhysicalConstants.Faraday);
    }

    [Fact]
    public void A_rest_whose_voltage_stop_is_never_reached_ends_as_unreachable_once_the_state_has_settled()
    {
        var (r, _, _, _, records) = RunWatched(WithProtocol("sio-c-m.yaml",
            new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, MaxDuration = 36000, Stops = [CutOff] },
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, Stops = [new StopCondition(StopQuantity.Voltage, false, 1.0)] }));
        var rest = r.Solution.Steps[1];
        output.WriteLine($"{rest.Reason}; {rest.Duration:F0} s, {records} records");
        Assert.Equal(StepEnd.Unreachable, rest.End);
        Assert.True(rest.Duration < 1e6, $"the rest ran {rest.Duration:G3} s");
        Assert.Contains("V >= 1 V", rest.Reason);
    }

    [Fact]
    public void A_step_given_neither_a_duration_nor_a_stop_ends_at_the_longest_step_duration()
    {
        var (r, _, _, _, _) = RunWatched(WithProtocol("sio-c-l.yaml", new ProtocolStep { Label = "rest", Mode = ControlMode.Rest }));
        var rest = r.Solution.Steps[0];
        Assert.Equal(ProtocolStep.LongestDuration, rest.Duration, 6);
        Assert.Contains("no max_duration_s", rest.Reason);
    }

    [Fact]
    public void A_full_cell_discharged_past_its_capacity_ends_at_a_physical_limit_not_at_a_runaway_voltage()
    {
        // The shifted-stoichiometry full cell: a nearly empty negative electrode discharged at 1C with no cut-off.
        var setup = Repository.FullCell("Marquis2019", """
            negative_electrode:
              initial_state_of_lithiation: 0.05
            protocol:
              - mode: current
                c_rate: 1
                max_duration_s: 7200
            """);
        var (r, lo, hi, _, _) = RunWatched(setup);
        var step = r.Solution.Steps[0];
        double vMin = r.Solution.Voltage.Min(), vMax = r.Solution.Voltage.Max();
        output.WriteLine($"{step.Reason}; {step.Duration:F0} s; V in [{vMin:F4}, {vMax:F4}] V; θ in [{lo:G6}, {hi:G6}]");
        Assert.Equal(StepEnd.PhysicalLimit, step.End);
        Assert.True(lo >= 0 && hi <= 1);
        Assert.True(vMin >= -1 && vMax <= 6);
        Assert.True(r.Summary.AverageVoltage is > 0 and < 6, $"average voltage {r.Summary.AverageVoltage} V");
    }

    [Fact]
    public void A_run_in_which_no_driven_step_passes_any_charge_fails_with_each_steps_reason()
    {
        // V ≤ 1 V holds at the open-circuit voltage (0.35 V): the only step ends at once.
        var setup = WithProtocol("sio-c-l.yaml",
            new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, MaxDuration = 3600, Stops = [new StopCondition(StopQuantity.Voltage, true, 1.0)] });
        var e = Assert.Throws<SimulationFailedException>(() => Simulator.Run(setup));
        output.WriteLine(e.Message);
        Assert.Contains("no step passed any charge", e.Message);
        Assert.Contains("V <= 1 V at start", e.Message);
    }

    [Fact]
    public void The_headline_capacity_covers_every_step_of_the_first_half_cycle_and_each_step_is_reported()
    {
        var setup = WithProtocol("sio-c-l.yaml",
            new ProtocolStep { Label = "pulse 1", Mode = ControlMode.Current, Value = 50, MaxDuration = 60 },
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 600 },
            new ProtocolStep { Label = "constant current", Mode = ControlMode.Current, Value = 50, MaxDuration = 36000, Stops = [CutOff] },
            new ProtocolStep { Label = "hold", Mode = ControlMode.Voltage, Value = 0.01, MaxDuration = 600 },
            new ProtocolStep { Label = "delithiation", Mode = ControlMode.Current, Value = -50, MaxDuration = 600 });
        var r = Simulator.Run(setup);
        var steps = r.Solution.Steps;
        double lithiated = steps.Take(4).Sum(s => s.Charge);
        output.WriteLine(r.Summary.ToString());
        Assert.Equal((0, 3), r.Summary.HeadlineSteps);
        Assert.Equal(r.Solution.SpecificCapacity(lithiated), r.Summary.Capacity, 9);
        Assert.True(steps[3].Charge > 0, "the hold passed no charge");
        var lines = r.Summary.ToString().Split('\n');
        Assert.Equal(1 + steps.Count, lines.Length);
        Assert.Contains("step 5 delithiation (current): 600.0 s", lines[5]);
    }
}
