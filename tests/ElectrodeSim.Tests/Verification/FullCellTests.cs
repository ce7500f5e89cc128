using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Verification;

/// <summary>MODEL.md §8 for the full cell (negative | separator | positive, negative collector grounded).</summary>
public class FullCellTests(ITestOutputHelper output)
{
    private const string CoarseMesh = "mesh:\n  separator_cells: 4\n  electrode_cells: 8\n  particle_shells: 8\n";

    private static SimulationSetup WithProtocol(SimulationSetup setup, params ProtocolStep[] steps) => setup with { Protocol = new Protocol(steps) };

    [Theory]
    [InlineData("Marquis2019")]
    [InlineData("Ecker2015")]
    public void Lithium_is_conserved_to_1e_8_relative_through_discharge_rest_hold_and_charge(string set)
    {
        var baseline = Repository.FullCell(set, "protocol:\n  - mode: rest\n    max_duration_s: 1\n" + CoarseMesh);
        double oneC = baseline.Cell.Electrodes[1].ActiveVolumeFraction * baseline.Cell.Electrodes[1].MaxConcentration * PhysicalConstants.Faraday
                      * baseline.Cell.Electrodes[1].Thickness / 3600 * 0.3;
        ProtocolStep[] steps =
        [
            new ProtocolStep { Label = "discharge", Mode = ControlMode.Current, Value = oneC, MaxDuration = 1800 },
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 600 },
        ];
        // Hold 5 mV below the voltage the rest ends at, then charge.
        double rested = Simulator.Run(WithProtocol(baseline, steps)).Solution.Voltage[^1];
        var setup = WithProtocol(baseline, [.. steps,
            new ProtocolStep { Label = "hold", Mode = ControlMode.Voltage, Value = rested - 0.005, MaxDuration = 600 },
            new ProtocolStep { Label = "charge", Mode = ControlMode.Current, Value = -oneC / 2, MaxDuration = 1200 }]);
        var result = Simulator.Run(setup);
        var model = result.Model;
        double initial = model.LithiumInventory(model.InitialState());
        double moved = result.Solution.StepCharge(0) / PhysicalConstants.Faraday;
        double error = model.LithiumInventory(result.Solution.FinalState) - initial;
        output.WriteLine($"{set}: inventory change {error:E3} mol/m² with {moved:E3} mol/m² moved between the electrodes");
        Assert.True(Math.Abs(error) <= 1e-8 * Math.Abs(moved), $"inventory changed by {error:E3} mol/m² (moved {moved:E3} mol/m²)");
        Assert.All(result.Solution.Steps, s => Assert.Equal("time limit", s.Reason));
    }

    [Fact]
    public void Zero_current_leaves_every_field_of_the_full_cell_at_its_initial_value()
    {
        var setup = WithProtocol(Repository.FullCell("Marquis2019", "protocol:\n  - mode: rest\n    max_duration_s: 1\n" + CoarseMesh),
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 3600 },
            new ProtocolStep { Label = "zero current", Mode = ControlMode.Current, Value = 0, MaxDuration = 3600 });
        var result = Simulator.Run(setup);
        var model = result.Model;
        var initial = model.InitialState();
        var y = result.Solution.FinalState;
        var (negative, positive) = (setup.Cell.Electrodes[0], setup.Cell.Electrodes[1]);
        double un = negative.OpenCircuitPotential.Evaluate(negative.InitialStateOfLithiation, out _);
        double up = positive.OpenCircuitPotential.Evaluate(positive.InitialStateOfLithiation, out _);
        for (int i = 0; i < model.Mesh.CellCount; i++)
        {
            Assert.Equal(initial[model.Layout.ElectrolyteConcentration(i)], y[model.Layout.ElectrolyteConcentration(i)], 9);
            Assert.Equal(-un, y[model.Layout.ElectrolytePotential(i)], 12);
            if (!model.Layout.IsElectrode(i)) continue;
            Assert.Equal(0.0, y[model.Layout.InterfacialCurrent(i)], 12);
            Assert.Equal(model.Layout.ElectrodeOf(i) == 0 ? 0.0 : up - un, y[model.Layout.SolidPotential(i)], 12);
        }
        // PARAMS_Marquis2019.md §0: U_p(0.6) − U_n(0.8) = 3.851821 V.
        Assert.All(result.Solution.Voltage, v => Assert.Equal(3.851821, v, 6));
    }

    [Fact]
    public void At_C_over_1000_the_full_cell_voltage_follows_the_difference_of_the_mean_equilibrium_potentials_within_1_mV()
    {
        var baseline = Repository.FullCell("Marquis2019", "protocol:\n  - mode: rest\n    max_duration_s: 1\n" + CoarseMesh);
        var setup = WithProtocol(baseline,
            new ProtocolStep { Label = "C/1000", Mode = ControlMode.Current, Value = 24.0 / 1000, MaxDuration = 800 * 3600.0, Stops = [new StopCondition(StopQuantity.Voltage, true, 3.3)] });
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var (negative, positive) = (setup.Cell.Electrodes[0], setup.Cell.Electrodes[1]);
        var deviations = new List<(double Time, double Deviation)>();
        new ProtocolRunner(model, setup.Solver).Run(setup.Protocol, [new DelegateObserver((t, y, s) =>
        {
            double ocv = positive.OpenCircuitPotential.Evaluate(model.MeanStateOfLithiation(y, 1), out _)
                         - negative.OpenCircuitPotential.Evaluate(model.MeanStateOfLithiation(y, 0), out _);
            deviations.Add((t, model.Voltage(y) - ocv));
        })]);
        Assert.True(deviations[^1].Time > 600 * 3600.0, $"the run ended at {deviations[^1].Time / 3600:F0} h");
        var worst = deviations.MaxBy(d => Math.Abs(d.Deviation));
        Assert.True(Math.Abs(worst.Deviation) < 1e-3, $"|V − (U_p − U_n)| = {Math.Abs(worst.Deviation) * 1e3:F3} mV at t = {worst.Time / 3600:F0} h");
    }

    /// <summary>Electrode area of the LG M50 model (one electrode pair of 1.58 m × 0.065 m, PARAMS_Chen2020.md) [m²].</summary>
    private const double LgM50Area = 1.58 * 0.065;

    [Fact]
    public void The_Chen2020_set_delivers_the_measured_LG_M50_capacity_at_C_over_10_within_5_percent()
    {
        // Cells 781–784 of Brosa Planella et al. 2021 (shared/reference/lgm50_chen2020), 0.1C to 2.5 V at 25 °C.
        var measured = Enumerable.Range(781, 4).Select(cell =>
        {
            var last = File.ReadLines(Path.Combine(Repository.SharedReference, "lgm50_chen2020", $"Cell{cell}_0p1C_25degC_discharge1.csv")).Last().Split(',');
            return double.Parse(last[3], System.Globalization.CultureInfo.InvariantCulture) / LgM50Area;
        }).Average();
        var result = Simulator.Run(Repository.FullCell("Chen2020", "protocol:\n  - mode: current\n    c_rate: 0.1\n    stop:\n      voltage_below_V: 2.5\n" + CoarseMesh));
        double capacity = result.Solution.StepCharge(0) / 3600.0;
        output.WriteLine($"Chen2020: {capacity:F3} Ah/m² at C/10 to 2.5 V; cells 781-784: {measured:F3} Ah/m² ({100 * (capacity / measured - 1):+0.0;-0.0} %)");
        Assert.Contains("V <=", result.Solution.Steps[0].Reason);
        Assert.InRange(capacity, 0.95 * measured, 1.05 * measured);
    }

    [Fact]
    public void The_Ecker2015_set_reaches_the_measured_Kokam_end_of_discharge_at_1C_within_5_percent_of_its_time()
    {
        // The digitised 1C discharge of the Kokam SLPB 75106100 (shared/reference/ecker2015): its last point.
        var last = File.ReadLines(Path.Combine(Repository.SharedReference, "ecker2015", "Ecker2015_Kokam_1C_discharge.csv")).Last().Split(',');
        double measuredTime = double.Parse(last[0], System.Globalization.CultureInfo.InvariantCulture);
        double measuredVoltage = double.Parse(last[1], System.Globalization.CultureInfo.InvariantCulture);
        var result = Simulator.Run(Repository.FullCell("Ecker2015",
            $"protocol:\n  - mode: current\n    c_rate: 1\n    stop:\n      voltage_below_V: {measuredVoltage.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\n" + CoarseMesh));
        double time = result.Solution.Steps[0].EndTime;
        output.WriteLine($"Ecker2015: {measuredVoltage:F3} V reached at {time:F0} s at 1C; measured {measuredTime:F0} s ({100 * (time / measuredTime - 1):+0.0;-0.0} %)");
        Assert.Contains("V <=", result.Solution.Steps[0].Reason);
        Assert.InRange(time, 0.95 * measuredTime, 1.05 * measuredTime);
    }
}
