using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Experiments;

/// <summary>The optional double-layer current C_dl ∂(φ_s − φ_e)/∂t (MODEL.md §2).</summary>
public class DoubleLayerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Key = "electrode.kinetics.double_layer_capacitance_F_m2";

    internal static SimulationSetup WithCapacitance(SimulationSetup setup, double capacitance) => setup with
    {
        Cell = setup.Cell with { Electrodes = setup.Cell.Electrodes.Select(e => e with { DoubleLayerCapacitance = capacitance }).ToArray() },
    };

    private static SimulationSetup Pulses(SimulationSetup setup) => setup with
    {
        Protocol = new Protocol([
            new ProtocolStep { Label = "pulse", Mode = ControlMode.Current, Value = 50, MaxDuration = 120, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] },
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 60 },
            new ProtocolStep { Label = "hold", Mode = ControlMode.Voltage, Value = 0.25, MaxDuration = 60 },
            new ProtocolStep { Label = "delithiation", Mode = ControlMode.Current, Value = -20, MaxDuration = 60 },
        ]),
    };

    [Fact]
    public void A_zero_capacitance_key_gives_the_default_run_bit_for_bit()
    {
        var plain = Simulator.Run(Pulses(Simulator.LoadCase(Repository.Case("sio-c-l.yaml"))));
        var zero = Simulator.Run(Pulses(Simulator.LoadCase(Repository.Case("sio-c-l.yaml"), new Dictionary<string, double> { [Key] = 0.0 })));
        Assert.Equal(plain.Model.Size, zero.Model.Size);
        Assert.Equal(plain.Solution.Voltage, zero.Solution.Voltage);
        Assert.Equal(plain.Solution.Time, zero.Solution.Time);
        Assert.Equal(plain.Solution.Charge, zero.Solution.Charge);
        Assert.Equal(plain.Solution.FinalState, zero.Solution.FinalState);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(20.0)]
    public void A_capacitance_outside_0_to_10_F_per_m2_is_refused_with_its_key_path(double value)
    {
        var e = Assert.Throws<CaseValidationException>(() => Simulator.LoadCase(Repository.Case("sio-c-l.yaml"), new Dictionary<string, double> { [Key] = value }));
        Assert.Contains(Key, e.Message);
    }

    [Theory]
    [InlineData(ControlMode.Current)]
    [InlineData(ControlMode.Voltage)]
    public void Analytic_Jacobian_with_a_double_layer_matches_finite_differences(ControlMode mode)
    {
        var setup = WithCapacitance(Repository.LoadCase("sio-c-l.yaml"), 0.2);
        var model = new P2DModel(setup.Cell, new MeshSettings { SeparatorCells = 3, ElectrodeCells = 4, ParticleShells = 4 }, setup.FaceAverage);
        model.Control.Mode = mode;
        model.Control.SetValue = mode == ControlMode.Voltage ? 0.05 : 30.0;
        var rng = new Random(11);
        var y = model.InitialState();
        model.EstimateAlgebraicState(y, 30.0);
        var L = model.Layout;
        for (int i = 0; i < model.Mesh.CellCount; i++)
        {
            y[L.ElectrolyteConcentration(i)] *= 1 + 0.3 * (rng.NextDouble() - 0.5);
            y[L.ElectrolytePotential(i)] += 0.01 * (rng.NextDouble() - 0.5);
            if (!L.IsElectrode(i)) continue;
            Assert.True(L.HasDoubleLayer(i));
            y[L.SolidPotential(i)] += 0.01 * (rng.NextDouble() - 0.5);
            y[L.InterfacialCurrent(i)] = 3 * (rng.NextDouble() - 0.5);
            y[L.DoubleLayerPotential(i)] += 0.01 * (rng.NextDouble() - 0.5);
            y[L.DoubleLayerCurrent(i)] = rng.NextDouble() - 0.5;
            for (int k = 0; k < model.Mesh.Particles[0].Shells; k++)
                y[L.SolidConcentration(i, k)] = model.Cell.Electrodes[0].MaxConcentration * (0.2 + 0.4 * rng.NextDouble());
        }
        Verification.JacobianCheck.AssertMatchesFiniteDifferences(model, y);
        Assert.Equal(0.2, model.MassDiagonal[L.DoubleLayerPotential(model.Mesh.CellCount - 1)]);
        Assert.Equal(0.0, model.MassDiagonal[L.DoubleLayerCurrent(model.Mesh.CellCount - 1)]);
    }

    [Fact]
    public void Charge_passed_equals_the_faradaic_lithium_plus_the_double_layer_charge_and_salt_is_conserved()
    {
        var setup = Pulses(WithCapacitance(Repository.LoadCase("sio-c-l.yaml"), 0.5));
        var result = Simulator.Run(setup);
        var model = result.Model;
        var L = model.Layout;
        var y0 = model.InitialState();
        var y = result.Solution.FinalState;
        double solid = 0, salt = 0, doubleLayer = 0, saltInitial = 0;
        for (int i = 0; i < model.Mesh.CellCount; i++)
        {
            double dx = model.Mesh.Widths[i];
            salt += model.Context.Porosity[i] * y[L.ElectrolyteConcentration(i)] * dx;
            saltInitial += model.Context.Porosity[i] * y0[L.ElectrolyteConcentration(i)] * dx;
            if (!L.IsElectrode(i)) continue;
            var e = model.Cell.Electrodes[L.ElectrodeOf(i)];
            solid += e.ActiveVolumeFraction * (model.MeanParticleConcentration(y, i) - model.MeanParticleConcentration(y0, i)) * dx;
            doubleLayer += model.Context.SpecificArea[i] * e.DoubleLayerCapacitance * (y[L.DoubleLayerPotential(i)] - y0[L.DoubleLayerPotential(i)]) * dx;
        }
        double q = y[L.Charge];
        double capacitive = PhysicalConstants.Faraday * solid - q;
        output.WriteLine($"Q {q:G8} C/m², F dn_solid {PhysicalConstants.Faraday * solid:G8}, int a C_dl dpsi {doubleLayer:G8}, F dn_solid - Q {capacitive:G8}, salt change {salt - saltInitial:E3} mol/m²");
        double tolerance = 1e-8 * Math.Abs(result.Solution.StepCharge(0));
        Assert.True(Math.Abs(doubleLayer) > 100 * tolerance, "the double-layer charge is far above the tolerance it is checked to");
        Assert.True(Math.Abs(capacitive - doubleLayer) <= tolerance, $"charge balance off by {capacitive - doubleLayer:E3} C/m²");
        Assert.True(Math.Abs(salt - saltInitial) <= 1e-10 * saltInitial, $"salt changed by {salt - saltInitial:E3} mol/m²");
        // ψ is φ_s − φ_e in every electrode cell of every recorded end state.
        for (int i = 0; i < model.Mesh.CellCount; i++)
            if (L.IsElectrode(i)) Assert.Equal(y[L.SolidPotential(i)] - y[L.ElectrolytePotential(i)], y[L.DoubleLayerPotential(i)], 9);
    }

    [Fact]
    public void At_the_start_of_a_current_step_the_double_layer_carries_the_current_and_the_faradaic_current_takes_over()
    {
        var setup = WithCapacitance(Repository.LoadCase("sio-c-l.yaml"), 0.5) with
        {
            Protocol = new Protocol([new ProtocolStep { Label = "pulse", Mode = ControlMode.Current, Value = 5, MaxDuration = 30 }]),
        };
        var result = Simulator.Run(setup);
        var y = result.Solution.FinalState;
        var L = result.Model.Layout;
        int cell = result.Model.Mesh.CellCount - 1;
        // After many time constants R_ct C_dl the double layer carries almost nothing.
        Assert.True(Math.Abs(y[L.DoubleLayerCurrent(cell)]) < 1e-3 * Math.Abs(y[L.InterfacialCurrent(cell)]));
        // The first recorded voltage after the step start sits above the voltage without a double layer (it has not charged yet).
        var plain = Simulator.Run(WithCapacitance(setup, 0.0));
        Assert.True(result.Solution.Voltage[1] > plain.Solution.Voltage[1] || result.Solution.Time[1] > 1, "the double layer delays the overpotential");
    }
}
