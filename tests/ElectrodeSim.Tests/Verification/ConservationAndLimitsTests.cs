using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Verification;

/// <summary>MODEL.md §8: conservation, zero current, near-equilibrium.</summary>
public class ConservationAndLimitsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static SimulationSetup WithProtocol(SimulationSetup setup, params ProtocolStep[] steps) => setup with { Protocol = new Protocol(steps) };

    [Fact]
    public void Lithium_is_conserved_to_1e_8_relative_through_lithiation_rest_hold_and_delithiation()
    {
        var setup = WithProtocol(Repository.LoadCase("sio-c-l.yaml"),
            new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] },
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 600 },
            new ProtocolStep { Label = "hold", Mode = ControlMode.Voltage, Value = 0.05, MaxDuration = 600, Stops = [new StopCondition(StopQuantity.CurrentMagnitude, true, 1.0)] },
            new ProtocolStep { Label = "delithiation", Mode = ControlMode.Current, Value = -20, Stops = [new StopCondition(StopQuantity.Voltage, false, 0.3)] });
        var result = Simulator.Run(setup);
        var model = result.Model;
        var y = result.Solution.FinalState;
        double initial = model.LithiumInventory(model.InitialState());
        double passed = y[model.Layout.Charge] / PhysicalConstants.Faraday;
        double lithiated = result.Solution.StepCharge(0) / PhysicalConstants.Faraday;
        double error = model.LithiumInventory(y) - initial - passed;
        output.WriteLine($"inventory error {error:E3} mol/m², {Math.Abs(error / lithiated):E2} of the lithium lithiated");
        Assert.True(Math.Abs(error) <= 1e-8 * Math.Abs(lithiated), $"inventory error {error:E3} mol/m² vs lithiated {lithiated:E3} mol/m²");
        Assert.All(result.Solution.Steps, s => Assert.DoesNotContain("at start", s.Reason));
    }

    [Fact]
    public void Zero_current_leaves_every_field_at_its_initial_value()
    {
        var setup = WithProtocol(Repository.LoadCase("sio-c-m.yaml"),
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 3600 },
            new ProtocolStep { Label = "zero current", Mode = ControlMode.Current, Value = 0, MaxDuration = 3600 });
        var result = Simulator.Run(setup);
        var model = result.Model;
        var initial = model.InitialState();
        var y = result.Solution.FinalState;
        var electrode = setup.Cell.WorkingElectrode;
        for (int i = 0; i < model.Mesh.CellCount; i++)
        {
            Assert.Equal(initial[model.Layout.ElectrolyteConcentration(i)], y[model.Layout.ElectrolyteConcentration(i)], 9);
            Assert.Equal(0.0, y[model.Layout.ElectrolytePotential(i)], 12);
            if (!model.Layout.IsElectrode(i)) continue;
            Assert.Equal(0.0, y[model.Layout.InterfacialCurrent(i)], 12);
            Assert.Equal(electrode.OpenCircuitPotential.Evaluate(electrode.InitialStateOfLithiation, out _), y[model.Layout.SolidPotential(i)], 12);
            for (int k = 0; k < model.Mesh.Particles[0].Shells; k++)
                Assert.Equal(initial[model.Layout.SolidConcentration(i, k)], y[model.Layout.SolidConcentration(i, k)], 6);
        }
        Assert.Equal(0.0, y[model.Layout.Charge], 12);
        Assert.All(result.Solution.Voltage, v => Assert.Equal(result.Solution.Voltage[0], v, 12));
    }

    [Fact]
    public void At_C_over_1000_the_voltage_follows_the_equilibrium_potential_of_the_mean_state_within_1_mV()
    {
        var baseline = Repository.LoadCase("sio-c-h.yaml");
        var electrode = baseline.Cell.WorkingElectrode;
        double oneC = electrode.ActiveVolumeFraction * electrode.MaxConcentration * PhysicalConstants.Faraday * electrode.Thickness / 3600.0;
        var setup = WithProtocol(baseline,
            new ProtocolStep { Label = "C/1000", Mode = ControlMode.Current, Value = oneC / 1000, MaxDuration = 900 * 3600.0, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] });
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var deviations = new List<(double Theta, double Deviation)>();
        new ProtocolRunner(model, setup.Solver).Run(setup.Protocol, [new DelegateObserver((t, y, s) =>
        {
            double theta = model.MeanStateOfLithiation(y);
            deviations.Add((theta, model.Voltage(y) - electrode.OpenCircuitPotential.Evaluate(theta, out _)));
        })]);
        Assert.True(deviations[^1].Theta > 0.85, $"the run reached only θ = {deviations[^1].Theta:F3}");
        var worst = deviations.MaxBy(d => Math.Abs(d.Deviation));
        output.WriteLine($"max |V − U(θ_avg)| = {Math.Abs(worst.Deviation) * 1e3:F4} mV at θ = {worst.Theta:F3}; final θ = {deviations[^1].Theta:F3}");
        Assert.True(Math.Abs(worst.Deviation) < 1e-3, $"|V − U(θ_avg)| = {Math.Abs(worst.Deviation) * 1e3:F3} mV at θ = {worst.Theta:F3}");
    }
}

/// <summary>An <see cref="ISolutionObserver"/> from a lambda.</summary>
public sealed class DelegateObserver(Action<double, double[], int> record) : ISolutionObserver
{
    public void Record(double time, ReadOnlySpan<double> state, int protocolStep) => record(time, state.ToArray(), protocolStep);
}
