using ElectrodeSim.Numerics.Sparse;
using static ElectrodeSim.Numerics.Tests.GmresTests;

namespace ElectrodeSim.Numerics.Tests;

/// <summary>
/// <see cref="StaleFactorGmresSolver"/> with a second factorisation object: renewals factorised on a worker thread while
/// GMRES goes on with the kept factors. Checked on a drifting sequence of convection–diffusion matrices (like an
/// integrator's iteration matrices): every solve against a fresh LU of its own matrix, the deterministic swap against
/// itself and against the synchronous solver.
/// </summary>
public sealed class BackgroundFactorisationTests
{
    private const int K = 16;

    /// <summary>Matrix m of the sequence: convection and shift drift, so the kept factors age and must be renewed.</summary>
    private static double[] Matrix(SparsityPattern p, int m) => ConvectionDiffusion(p, K, bx: 2.0 + 0.6 * m, by: 1.0 + 0.1 * m, sigma: 0.5 * (1 + 0.2 * m));

    /// <summary>Twelve matrices, three solves on each (as Newton iterations); the solutions in order.</summary>
    private static List<double[]> Run(StaleFactorGmresSolver solver, SparsityPattern p)
    {
        var solutions = new List<double[]>();
        for (int m = 0; m < 12; m++)
        {
            var a = Matrix(p, m);
            solver.Factor(a);
            for (int s = 0; s < 3; s++)
            {
                var b = new double[p.Size];
                p.Multiply(a, Manufactured(p.Size, 100 * m + s), b);
                solver.Solve(b);
                solutions.Add(b);
            }
        }
        return solutions;
    }

    private static StaleFactorGmresSolver Solver(SparsityPattern p, bool background, int swapAfter) =>
        new(p, new KluLinearSolver(p), background ? new KluLinearSolver(p) : null,
            new StaleFactorGmresOptions { RelativeTolerance = 1e-10, RefactorIterations = 3, MaxIterations = 40, SwapAfterSolves = swapAfter });

    private static void AssertSolves(SparsityPattern p, List<double[]> solutions, string what)
    {
        int index = 0;
        for (int m = 0; m < 12; m++)
            for (int s = 0; s < 3; s++)
            {
                var exact = Manufactured(p.Size, 100 * m + s);
                double worst = 0;
                for (int i = 0; i < exact.Length; i++) worst = Math.Max(worst, Math.Abs(solutions[index][i] - exact[i]));
                Assert.True(worst <= 1e-7, $"{what}: matrix {m}, solve {s}: max error {worst:E3}");
                index++;
            }
    }

    [Fact]
    public void Renewals_on_the_worker_taken_at_a_fixed_solve_give_the_same_run_every_time_and_solve_every_matrix()
    {
        var p = GridPattern(K);
        using var first = Solver(p, background: true, swapAfter: 3);
        var a = Run(first, p);
        using var second = Solver(p, background: true, swapAfter: 3);
        var b = Run(second, p);
        AssertSolves(p, a, "swap at the 3rd solve");
        Assert.True(first.BackgroundFactorizations >= 2, $"{first.BackgroundFactorizations} background factorisations: the sequence should need renewals");
        Assert.Equal(first.Factorizations, first.BackgroundFactorizations + 1); // only the first matrix factorised on the caller
        Assert.Equal(first.KrylovIterations, second.KrylovIterations);
        Assert.Equal(first.Factorizations, second.Factorizations);
        for (int k = 0; k < a.Count; k++) Assert.Equal(a[k], b[k]); // bit for bit: the timing does not enter
    }

    [Fact]
    public void Taking_the_worker_s_factors_at_the_next_solve_makes_the_synchronous_solver_s_decisions()
    {
        var p = GridPattern(K);
        using var synchronous = Solver(p, background: false, swapAfter: 1);
        var a = Run(synchronous, p);
        using var background = Solver(p, background: true, swapAfter: 1);
        var b = Run(background, p);
        AssertSolves(p, b, "swap at the next solve");
        Assert.True(synchronous.Factorizations >= 3, $"{synchronous.Factorizations} factorisations");
        Assert.Equal(synchronous.Factorizations, background.Factorizations);
        Assert.Equal(synchronous.KrylovSolves, background.KrylovSolves);
        Assert.Equal(synchronous.DirectSolves, background.DirectSolves);
        Assert.Equal(synchronous.KrylovIterations, background.KrylovIterations);
    }

    [Fact]
    public void Factors_taken_whenever_the_worker_is_done_still_solve_every_matrix_to_the_tolerance()
    {
        var p = GridPattern(K);
        using var solver = Solver(p, background: true, swapAfter: 0);
        AssertSolves(p, Run(solver, p), "swap when ready");
        Assert.True(solver.BackgroundFactorizations >= 1);
    }

    [Fact]
    public void The_background_object_must_be_a_second_one_and_disposing_with_a_factorisation_in_flight_waits_for_it()
    {
        var p = GridPattern(K);
        var klu = new KluLinearSolver(p);
        Assert.Throws<ArgumentException>(() => new StaleFactorGmresSolver(p, klu, klu));
        klu.Dispose();
        var solver = new StaleFactorGmresSolver(p, new KluLinearSolver(p), new KluLinearSolver(p),
                                                new StaleFactorGmresOptions { RelativeTolerance = 1e-10, RefactorIterations = 0, SwapAfterSolves = 100 });
        solver.Factor(Matrix(p, 0));
        var a = Matrix(p, 6);
        solver.Factor(a);
        var b = new double[p.Size];
        p.Multiply(a, Manufactured(p.Size, 1), b);
        solver.Solve(b); // starts a renewal (any GMRES step is above the threshold 0), not taken before solve 100
        Assert.Equal(1, solver.BackgroundFactorizations);
        solver.Dispose();
    }
}
