using ElectrodeSim.Cases;
using ElectrodeSim.Model;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Runs;

/// <summary>
/// A case's solver ends a Newton solve after one iteration where the curvature measured on earlier steps says the second
/// update is below the Newton tolerance (BdfOptions.OneIterationAcceptance): CaseBuilder turns it on for P2D cases without
/// OCP hysteresis only, so run, validate, sweeps and fits solve alike. Compared here with the same case solved without it.
/// </summary>
public class OneIterationAcceptanceRunTests
{
    private static Solution Plain(SimulationSetup setup)
    {
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        return new ProtocolRunner(model, setup.Solver with { OneIterationAcceptance = false }).Run(setup.Protocol);
    }

    [Fact]
    public void A_smooth_full_cell_takes_fewer_Newton_iterations_for_the_same_answer()
    {
        var setup = CaseBuilder.Build(CaseFile.Load(Repository.ValidationCase("marquis2019/marquis2019-1C.yaml")));
        Assert.True(setup.Solver.OneIterationAcceptance);
        var plain = Plain(setup);
        var run = Simulator.Run(setup);
        Assert.True(run.Solution.Statistics.NewtonIterations < 0.8 * plain.Statistics.NewtonIterations,
            $"Newton iterations {run.Solution.Statistics.NewtonIterations} against {plain.Statistics.NewtonIterations} without");
        Assert.Equal(plain.Statistics.Steps, run.Solution.Statistics.Steps);
        // The skipped second updates are below the Newton tolerance (1e-4 of the error tolerance); what differs is the
        // integration error of two slightly different paths, within a few local error tolerances rtol |V|.
        double rtol = setup.Solver.RelativeTolerance;
        Assert.Equal(plain.Time[^1], run.Solution.Time[^1], 10 * rtol * plain.Time[^1]);
        Assert.Equal(plain.Charge[^1], run.Solution.Charge[^1], 10 * rtol * Math.Abs(plain.Charge[^1]));
    }

    [Fact]
    public void A_hysteresis_cell_solves_every_step_to_the_Newton_tolerance()
    {
        var setup = Repository.LoadCase("experiments/sio-c-l-cycle.yaml");
        Assert.False(setup.Solver.OneIterationAcceptance);
        var plain = Plain(setup);
        var run = Simulator.Run(setup);
        Assert.Equal(plain.Statistics.NewtonIterations, run.Solution.Statistics.NewtonIterations);
        Assert.Equal(plain.Voltage[^1], run.Solution.Voltage[^1]);
    }
}
