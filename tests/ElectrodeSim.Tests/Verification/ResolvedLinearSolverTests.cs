using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// The 2-D model's default linear solver (GMRES preconditioned by a kept nested-dissection factorisation,
/// <see cref="ResolvedParticleModel.CreateKrylovSolver"/>) against a fresh KLU factorisation of every iteration matrix,
/// on the small three-disc geometry through lithiation, rest, a voltage hold and delithiation.
/// </summary>
public class ResolvedLinearSolverTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static Protocol Cycle() => new([
        new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, MaxDuration = 120, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] },
        new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 60 },
        new ProtocolStep { Label = "hold", Mode = ControlMode.Voltage, Value = 0.15, MaxDuration = 60 },
        new ProtocolStep { Label = "delithiation", Mode = ControlMode.Current, Value = -30, MaxDuration = 60 }]);

    [Fact]
    public void The_kept_factorisation_GMRES_solver_conserves_lithium_and_follows_fresh_factorisations_within_the_integrator_tolerance()
    {
        var model = new ResolvedParticleModel(ResolvedParticleModelTests.Parameters(), ResolvedParticleModelTests.SmallMesh());
        var options = new BdfOptions { RelativeTolerance = 1e-4 };
        var reference = new ProtocolRunner(model, options).Run(Cycle());
        StaleFactorGmresSolver? krylov = null;
        var solution = new ProtocolRunner(model, options)
        {
            LinearSolver = pattern => ResolvedParticleModel.CreateKrylovSolver(pattern) is var s && s is StaleFactorGmresSolver g ? krylov = g : s,
        }.Run(Cycle());
        Assert.NotNull(krylov);
        // The default kept factors are the two-domain ones, and on this geometry they really split (no whole-matrix fallback).
        var twoDomain = Assert.IsType<TwoDomainSchurSolver>(krylov.Preconditioner);
        output.WriteLine($"two-domain: interiors {twoDomain.InteriorSizes}, separator {twoDomain.SeparatorSize}, factorisations {twoDomain.Factorizations}, fallbacks {twoDomain.Fallbacks} ({twoDomain.LastFallbackReason})");
        Assert.True(twoDomain.InteriorSizes.First > 0 && twoDomain.InteriorSizes.Second > 0 && twoDomain.Fallbacks == 0);
        output.WriteLine($"{model.Size} unknowns; fresh: {reference.Statistics}; GMRES: {solution.Statistics}, factorisations done {krylov.Factorizations}, " +
                         $"GMRES solves {krylov.KrylovSolves} with {krylov.KrylovIterations} iterations (max {krylov.MaxKrylovIterations}, failures {krylov.KrylovFailures}), direct solves {krylov.DirectSolves}");
        // The factorisation was kept for some matrices: GMRES did solve on stale factors.
        Assert.True(krylov.KrylovSolves > 0 && krylov.Factorizations < solution.Statistics.Factorizations,
                    $"{krylov.Factorizations} factorisations for {solution.Statistics.Factorizations} iteration matrices");
        double lithiated = solution.StepCharge(0) / PhysicalConstants.Faraday;
        double error = model.LithiumInventory(solution.FinalState) - model.LithiumInventory(model.InitialState()) - solution.FinalState[model.ChargeIndex] / PhysicalConstants.Faraday;
        Assert.True(Math.Abs(error) <= 1e-8 * Math.Abs(lithiated), $"inventory error {error:E3} mol/m² vs lithiated {lithiated:E3} mol/m²");
        Assert.Equal(reference.Steps.Count, solution.Steps.Count);
        for (int k = 0; k < reference.Steps.Count; k++)
        {
            double a = reference.StepCharge(k), b = solution.StepCharge(k);
            output.WriteLine($"step {k}: {a:G10} vs {b:G10} C/m^2");
            // GMRES solves each Newton system to a relative residual, so the Newton iterates (and the step sizes the
            // integrator picks) may differ: two valid runs, equal within the integrator's relative tolerance.
            Assert.True(Math.Abs(a - b) <= options.RelativeTolerance * Math.Max(Math.Abs(a), 1.0), $"step {k}: charge {b:G10} vs {a:G10} C/m^2");
        }
        Assert.Equal(reference.Voltage[^1], solution.Voltage[^1], 4);
    }

    [Fact]
    public void The_two_domain_factors_precondition_as_one_whole_matrix_KLU_does()
    {
        // Both kept factorisations are LU factors of the same matrices, differing by rounding (and the two-domain one by its
        // diagonal shift taken off in S), so the runs are two valid solutions: equal within the integrator's tolerance, both
        // conserving lithium. Rounding does change GMRES's and the refactorisation's decisions, so the counts may differ.
        var model = new ResolvedParticleModel(ResolvedParticleModelTests.Parameters(), ResolvedParticleModelTests.SmallMesh());
        var options = new BdfOptions { RelativeTolerance = 1e-4 };
        StaleFactorGmresSolver? one = null, two = null;
        var whole = new ProtocolRunner(model, options) { LinearSolver = p => one = (StaleFactorGmresSolver)ResolvedParticleModel.CreateOneThreadKrylovSolver(p) }.Run(Cycle());
        var split = new ProtocolRunner(model, options) { LinearSolver = p => two = (StaleFactorGmresSolver)ResolvedParticleModel.CreateKrylovSolver(p) }.Run(Cycle());
        output.WriteLine($"one KLU: {whole.Statistics}, GMRES {one!.KrylovIterations}; two-domain: {split.Statistics}, GMRES {two!.KrylovIterations}");
        Assert.IsType<KluLinearSolver>(one.Preconditioner);
        var twoDomain = Assert.IsType<TwoDomainSchurSolver>(two.Preconditioner);
        Assert.Equal(0, twoDomain.Fallbacks);
        Assert.Equal(whole.Steps.Count, split.Steps.Count);
        for (int k = 0; k < whole.Steps.Count; k++)
        {
            double a = whole.StepCharge(k), b = split.StepCharge(k);
            output.WriteLine($"step {k}: {a:G10} vs {b:G10} C/m^2");
            Assert.True(Math.Abs(a - b) <= options.RelativeTolerance * Math.Max(Math.Abs(a), 1.0), $"step {k}: charge {b:G10} vs {a:G10} C/m^2");
        }
        Assert.Equal(whole.Voltage[^1], split.Voltage[^1], 4);
        foreach (var run in new[] { whole, split })
        {
            double lithiated = run.StepCharge(0) / PhysicalConstants.Faraday;
            double error = model.LithiumInventory(run.FinalState) - model.LithiumInventory(model.InitialState()) - run.FinalState[model.ChargeIndex] / PhysicalConstants.Faraday;
            Assert.True(Math.Abs(error) <= 1e-8 * Math.Abs(lithiated), $"inventory error {error:E3} mol/m² vs lithiated {lithiated:E3} mol/m²");
        }
    }

    [Fact]
    public void Renewals_factorised_on_a_worker_thread_and_taken_at_a_fixed_solve_conserve_lithium_and_repeat_exactly()
    {
        var model = new ResolvedParticleModel(ResolvedParticleModelTests.Parameters(), ResolvedParticleModelTests.SmallMesh());
        var options = new BdfOptions { RelativeTolerance = 1e-4 };
        var reference = new ProtocolRunner(model, options).Run(Cycle());
        var runs = new List<(Solution Solution, StaleFactorGmresSolver Solver)>();
        for (int r = 0; r < 2; r++)
        {
            StaleFactorGmresSolver? krylov = null;
            var solution = new ProtocolRunner(model, options)
            {
                LinearSolver = pattern => krylov = (StaleFactorGmresSolver)ResolvedParticleModel.CreateBackgroundKrylovSolver(pattern, swapAfterSolves: 3),
            }.Run(Cycle());
            runs.Add((solution, krylov!));
        }
        var (first, solver) = runs[0];
        output.WriteLine($"background: {first.Statistics}, factorisations {solver.Factorizations} ({solver.BackgroundFactorizations} on the worker), GMRES {solver.KrylovIterations} iterations in {solver.KrylovSolves} solves");
        Assert.True(solver.BackgroundFactorizations > 0, "no renewal ran on the worker");
        double lithiated = first.StepCharge(0) / PhysicalConstants.Faraday;
        double error = model.LithiumInventory(first.FinalState) - model.LithiumInventory(model.InitialState()) - first.FinalState[model.ChargeIndex] / PhysicalConstants.Faraday;
        Assert.True(Math.Abs(error) <= 1e-8 * Math.Abs(lithiated), $"inventory error {error:E3} mol/m² vs lithiated {lithiated:E3} mol/m²");
        Assert.Equal(reference.Steps.Count, first.Steps.Count);
        for (int k = 0; k < reference.Steps.Count; k++)
        {
            double a = reference.StepCharge(k), b = first.StepCharge(k);
            Assert.True(Math.Abs(a - b) <= options.RelativeTolerance * Math.Max(Math.Abs(a), 1.0), $"step {k}: charge {b:G10} vs {a:G10} C/m^2");
        }
        // The swap point is a solve count, not a time: the second run is the same run, bit for bit.
        var second = runs[1].Solution;
        Assert.Equal(first.Statistics.ToString(), second.Statistics.ToString());
        Assert.Equal(first.FinalState.ToArray(), second.FinalState.ToArray());
        Assert.Equal(solver.KrylovIterations, runs[1].Solver.KrylovIterations);
    }
}
