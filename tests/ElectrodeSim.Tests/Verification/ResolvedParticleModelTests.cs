using ElectrodeSim.Materials;
using ElectrodeSim.Mesh.Resolved;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;
using ElectrodeSim.Physics.Resolved;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Verification;

/// <summary>The 2-D resolved-particle model (MODEL.md §7, §8): Jacobian, conservation, zero current, the single-disc limit.</summary>
public class ResolvedParticleModelTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Um = 1e-6;

    /// <summary>A small cell: 2 µm separator, 4 µm electrode, 3 µm high; one disc on the collector, one in contact with it, one alone.</summary>
    /// <summary>The separator graded from h beside the electrode by 1.5 per column up to 1 µm (8 uniform columns at h = 0.25 µm become 4; 0.3 µm: 7 → 4).</summary>
    internal static SeparatorGrading Graded(double h) => new(h, 1.5, 1.0 * Um);

    internal static ResolvedMesh SmallMesh(double h = 0.25 * Um, bool cutCells = false, bool embedded = false, bool graded = false)
    {
        var settings = new ResolvedGeometrySettings(2 * Um, 4 * Um, 3 * Um, new DiscRadiusDistribution.Fixed(0.7 * Um), 0.3,
            MinimumGap: 0.0, SeparatorGap: 0.2 * Um, CollectorGap: 0.0, ContactDistance: 0.15 * Um);
        var packing = DiscPacking.FromDiscs(settings, [
            new Disc(0, 6 * Um - 0.7 * Um, 1.0 * Um, 0.7 * Um),
            new Disc(1, 6 * Um - 0.7 * Um - 1.5 * Um, 1.0 * Um, 0.7 * Um),
            new Disc(2, 3.0 * Um, 2.5 * Um, 0.6 * Um)]);
        return ResolvedMesh.Build(packing, h, apertures: cutCells, embeddedBoundary: embedded, separatorGrading: graded ? Graded(h) : null);
    }

    internal static ResolvedCellParameters Parameters(CellParameters? cell = null, double filmResistance = 0.0)
    {
        cell ??= Repository.LoadCase("sio-c-l.yaml").Cell;
        if (filmResistance > 0) cell = cell with { Electrodes = [cell.WorkingElectrode with { FilmResistance = filmResistance }] };
        return new ResolvedCellParameters { Cell = cell, ParticleConductivity = 1.0, CarbonBinderConductivity = 100.0, ContactConductance = 1e4 };
    }

    private static double[] PerturbedState(ResolvedParticleModel model, int seed)
    {
        var rng = new Random(seed);
        var y = model.InitialState();
        model.EstimateAlgebraicState(y, 20.0);
        var c = model.Context;
        for (int cell = 0; cell < model.Mesh.Graph.CellCount; cell++)
        {
            if (c.ParticleConcentration[cell] >= 0)
            {
                y[c.ParticleConcentration[cell]] *= 1 + 0.2 * (rng.NextDouble() - 0.5);
                y[c.ParticlePotential[cell]] += 0.01 * (rng.NextDouble() - 0.5);
                continue;
            }
            y[c.ElectrolyteConcentration[cell]] *= 1 + 0.3 * (rng.NextDouble() - 0.5);
            y[c.ElectrolytePotential[cell]] += 0.01 * (rng.NextDouble() - 0.5);
            if (c.MatrixPotential[cell] >= 0) y[c.MatrixPotential[cell]] += 0.01 * (rng.NextDouble() - 0.5);
        }
        y[c.CollectorPotential] += 0.003;
        return y;
    }

    [Theory]
    [InlineData(ControlMode.Current, 0.0)]
    [InlineData(ControlMode.Voltage, 0.0)]
    [InlineData(ControlMode.Current, 2e-3)]
    [InlineData(ControlMode.Current, 2e-3, true)]
    [InlineData(ControlMode.Current, 2e-3, true, true)]
    [InlineData(ControlMode.Voltage, 0.0, true, true)]
    [InlineData(ControlMode.Current, 2e-3, false, false, true)]
    public void Analytic_Jacobian_matches_central_differences_on_a_small_geometry(ControlMode mode, double filmResistance, bool cutCells = false, bool embedded = false, bool graded = false)
    {
        var model = new ResolvedParticleModel(CutCells(Parameters(filmResistance: filmResistance), cutCells, embedded), SmallMesh(0.3 * Um, cutCells, embedded, graded));
        if (graded) Assert.True(model.Mesh.SeparatorColumnCount < 7, "the graded separator has fewer columns than the uniform one");
        if (embedded) Assert.True(model.Mesh.Graph.CellCount > model.Mesh.GridCellCount, "the embedded-boundary mesh has sliver cells");
        model.Control.Mode = mode;
        model.Control.SetValue = mode == ControlMode.Voltage ? 0.1 : 20.0;
        var y = PerturbedState(model, 3);
        var (worst, checkedEntries) = JacobianCheck.AssertMatchesFiniteDifferences(model, y);
        output.WriteLine($"{model.Size} unknowns, {model.JacobianPattern.NonZeroCount} entries, {checkedEntries} non-zero differences checked; worst error / tolerance {worst:F3}");
    }

    private static Protocol Cycle() => new([
        new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, MaxDuration = 120, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] },
        new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 60 },
        new ProtocolStep { Label = "hold", Mode = ControlMode.Voltage, Value = 0.15, MaxDuration = 60 },
        new ProtocolStep { Label = "delithiation", Mode = ControlMode.Current, Value = -30, MaxDuration = 60 }]);

    /// <summary>The parameters with the cut-cell geometry (<see cref="CapacityScaling.CutCell"/>, arcs) when asked; on the embedded boundary with the
    /// kinetics at θ extrapolated to the circle (<see cref="InterfaceState.Surface"/>), as the case's embedded_boundary geometry has them.</summary>
    private static ResolvedCellParameters CutCells(ResolvedCellParameters p, bool cutCells, bool embedded = false) =>
        cutCells ? p with { Capacity = CapacityScaling.CutCell, InterfaceArea = InterfaceAreaDistribution.Arc,
                            InterfaceState = embedded ? InterfaceState.Surface : InterfaceState.CellValue } : p;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [InlineData(true, true)]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    public void Lithium_is_conserved_to_1e_8_relative_through_lithiation_rest_hold_and_delithiation(bool cutCells, bool embedded = false, bool graded = false)
    {
        var model = new ResolvedParticleModel(CutCells(Parameters(), cutCells, embedded), SmallMesh(cutCells: cutCells, embedded: embedded, graded: graded));
        var runner = new ProtocolRunner(model, new BdfOptions { RelativeTolerance = 1e-4 });
        var solution = runner.Run(Cycle());
        var y = solution.FinalState;
        double initial = model.LithiumInventory(model.InitialState());
        double passed = y[model.ChargeIndex] / PhysicalConstants.Faraday;
        double lithiated = solution.StepCharge(0) / PhysicalConstants.Faraday;
        double error = model.LithiumInventory(y) - initial - passed;
        foreach (var s in solution.Steps) output.WriteLine($"{s.Label}: {s.Reason}, {s.Charge:G4} C/m^2");
        output.WriteLine($"{model.Size} unknowns; inventory error {error:E3} mol/m², {Math.Abs(error / lithiated):E2} of the lithium lithiated; {solution.Statistics.Steps} steps");
        Assert.True(lithiated > 0.5 * 50 * 120 / PhysicalConstants.Faraday, "the lithiation step passed charge");
        Assert.True(Math.Abs(error) <= 1e-8 * Math.Abs(lithiated), $"inventory error {error:E3} mol/m² vs lithiated {lithiated:E3} mol/m²");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Zero_current_leaves_every_field_at_its_initial_value(bool graded)
    {
        var model = new ResolvedParticleModel(Parameters(), SmallMesh(graded: graded));
        var runner = new ProtocolRunner(model, new BdfOptions());
        var solution = runner.Run(new Protocol([
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 3600 },
            new ProtocolStep { Label = "zero current", Mode = ControlMode.Current, Value = 0, MaxDuration = 3600 }]));
        var initial = model.InitialState();
        var y = solution.FinalState;
        double worst = 0;
        for (int i = 0; i < y.Length; i++) worst = Math.Max(worst, Math.Abs(y[i] - initial[i]) / model.Scale[i]);
        output.WriteLine($"largest change over 2 h at zero current, relative to each unknown's scale: {worst:E2}");
        Assert.True(worst <= 1e-10, $"a field moved by {worst:E2} of its scale");
        Assert.All(solution.Voltage, v => Assert.Equal(solution.Voltage[0], v, 12));
    }

    [Fact]
    public void The_nested_dissection_KLU_of_the_2D_model_conserves_lithium_and_follows_the_default_KLU_run()
    {
        var model = new ResolvedParticleModel(Parameters(), SmallMesh());
        var options = new BdfOptions { RelativeTolerance = 1e-4 };
        var reference = new ProtocolRunner(model, options).Run(Cycle());
        var dissected = new ProtocolRunner(model, options) { LinearSolver = ResolvedParticleModel.CreateDirectSolver }.Run(Cycle());
        double lithiated = dissected.StepCharge(0) / PhysicalConstants.Faraday;
        double error = model.LithiumInventory(dissected.FinalState) - model.LithiumInventory(model.InitialState()) - dissected.FinalState[model.ChargeIndex] / PhysicalConstants.Faraday;
        Assert.True(Math.Abs(error) <= 1e-8 * Math.Abs(lithiated), $"inventory error {error:E3} mol/m² vs lithiated {lithiated:E3} mol/m²");
        Assert.Equal(reference.Steps.Count, dissected.Steps.Count);
        for (int k = 0; k < reference.Steps.Count; k++)
        {
            double a = reference.StepCharge(k), b = dissected.StepCharge(k);
            output.WriteLine($"step {k}: {a:G10} vs {b:G10} C/m^2");
            // The two factorisations differ by round-off only; the runs agree far inside the integrator's tolerance (1e-4).
            Assert.True(Math.Abs(a - b) <= 1e-6 * Math.Max(Math.Abs(a), 1.0), $"step {k}: charge {b:G10} vs {a:G10} C/m^2");
        }
        Assert.Equal(reference.Voltage[^1], dissected.Voltage[^1], 6);
    }
}
