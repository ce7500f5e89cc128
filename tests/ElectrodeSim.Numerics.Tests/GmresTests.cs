using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Numerics.Tests;

/// <summary>
/// GMRES and the kept-factorisation solver on the upwind convection–diffusion operator −Δu + β·∇u + σu on a k × k grid
/// (Dirichlet boundaries, unit spacing): nonsymmetric, and far from normal at high cell Péclet number. Solutions are
/// checked against a manufactured x* (b = A x*) and against KLU on the same matrix.
/// </summary>
public sealed class GmresTests
{
    internal static SparsityPattern GridPattern(int k)
    {
        var builder = new SparsityPatternBuilder(k * k);
        for (int j = 0; j < k; j++)
            for (int i = 0; i < k; i++)
            {
                int c = j * k + i;
                builder.Add(c, c);
                if (i > 0) builder.Add(c, c - 1);
                if (i < k - 1) builder.Add(c, c + 1);
                if (j > 0) builder.Add(c, c - k);
                if (j < k - 1) builder.Add(c, c + k);
            }
        return builder.Build();
    }

    /// <summary>Values of −Δ + β·∇ (first-order upwind, β = (bx, by) ≥ 0) + σ I in the pattern's slots.</summary>
    internal static double[] ConvectionDiffusion(SparsityPattern p, int k, double bx, double by, double sigma)
    {
        var v = new double[p.NonZeroCount];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < k; i++)
            {
                int c = j * k + i;
                v[p.SlotOf(c, c)] = 4 + bx + by + sigma;
                if (i > 0) v[p.SlotOf(c, c - 1)] = -1 - bx;
                if (i < k - 1) v[p.SlotOf(c, c + 1)] = -1;
                if (j > 0) v[p.SlotOf(c, c - k)] = -1 - by;
                if (j < k - 1) v[p.SlotOf(c, c + k)] = -1;
            }
        return v;
    }

    internal static double[] Manufactured(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];
    }

    private static double Norm(ReadOnlySpan<double> a)
    {
        double s = 0;
        foreach (double x in a) s += x * x;
        return Math.Sqrt(s);
    }

    private static double RelativeResidual(SparsityPattern p, double[] values, double[] b, double[] x)
    {
        var ax = new double[b.Length];
        p.Multiply(values, x, ax);
        for (int i = 0; i < b.Length; i++) ax[i] = b[i] - ax[i];
        return Norm(ax) / Norm(b);
    }

    [Fact]
    public void Unpreconditioned_GMRES_solves_a_nonsymmetric_convection_diffusion_system_and_reports_its_true_residual()
    {
        const int k = 12;
        var p = GridPattern(k);
        var a = ConvectionDiffusion(p, k, bx: 3.0, by: 1.0, sigma: 0.0);
        var exact = Manufactured(p.Size, 1);
        var b = new double[p.Size];
        p.Multiply(a, exact, b);
        var gmres = new Gmres(p.Size, p.Size);
        var x = new double[p.Size];
        var report = gmres.Solve((u, y) => p.Multiply(a, u, y), _ => { }, b, x, 1e-10);
        Assert.True(report.Converged, $"no convergence: {report}");
        Assert.InRange(report.Iterations, 2, p.Size); // full GMRES terminates within n steps
        double trueResidual = RelativeResidual(p, a, b, x);
        Assert.True(trueResidual <= 2e-10, $"true relative residual {trueResidual:E3} (GMRES says {report.RelativeResidual:E3})");
        Assert.True(Math.Abs(trueResidual - report.RelativeResidual) <= 1e-12, $"recurrence residual {report.RelativeResidual:E3} vs true {trueResidual:E3}");
        double error = 0;
        for (int i = 0; i < x.Length; i++) error = Math.Max(error, Math.Abs(x[i] - exact[i]));
        Assert.True(error <= 1e-8, $"max error {error:E3} against the manufactured solution");
    }

    [Fact]
    public void GMRES_residuals_never_grow_with_the_Krylov_dimension_and_an_unconverged_solve_says_so()
    {
        const int k = 10;
        var p = GridPattern(k);
        var a = ConvectionDiffusion(p, k, bx: 8.0, by: 0.0, sigma: 0.0);
        var b = Manufactured(p.Size, 2);
        double previous = 1;
        for (int m = 1; m <= 12; m++)
        {
            var x = new double[p.Size];
            var report = new Gmres(p.Size, m).Solve((u, y) => p.Multiply(a, u, y), _ => { }, b, x, 1e-14);
            Assert.False(report.Converged);
            Assert.Equal(m, report.Iterations);
            double trueResidual = RelativeResidual(p, a, b, x);
            // Minimal residual over a growing space: monotone, and the x returned is the one whose residual is reported.
            Assert.True(trueResidual <= previous * (1 + 1e-12), $"m = {m}: residual {trueResidual:E4} after {previous:E4}");
            Assert.True(Math.Abs(trueResidual - report.RelativeResidual) <= 1e-10, $"m = {m}: reported {report.RelativeResidual:E4}, true {trueResidual:E4}");
            previous = trueResidual;
        }
        Assert.True(previous < 0.5, $"12 steps reduced the residual only to {previous:E3}");
    }

    [Fact]
    public void An_exact_LU_preconditioner_makes_GMRES_converge_in_one_step()
    {
        const int k = 15;
        var p = GridPattern(k);
        var a = ConvectionDiffusion(p, k, bx: 20.0, by: 5.0, sigma: 0.1);
        using var lu = new KluLinearSolver(p);
        lu.Factor(a);
        var exact = Manufactured(p.Size, 3);
        var b = new double[p.Size];
        p.Multiply(a, exact, b);
        var x = new double[p.Size];
        var report = new Gmres(p.Size, 10).Solve((u, y) => p.Multiply(a, u, y), lu.Solve, b, x, 1e-12);
        Assert.True(report.Converged && report.Iterations == 1, $"{report}");
        for (int i = 0; i < x.Length; i++) Assert.Equal(exact[i], x[i], 10);
    }

    [Fact]
    public void The_kept_factorisation_solver_matches_a_fresh_LU_on_nearby_matrices_without_refactorising()
    {
        const int k = 20;
        var p = GridPattern(k);
        using var solver = new StaleFactorGmresSolver(p, new KluLinearSolver(p), new StaleFactorGmresOptions { RelativeTolerance = 1e-10, RefactorIterations = 15 });
        solver.Factor(ConvectionDiffusion(p, k, bx: 4.0, by: 1.0, sigma: 0.5));
        Assert.Equal(1, solver.Factorizations);
        // A sequence of matrices like an integrator's: the shift σ (a0 of the BDF formula) and the convection drift.
        for (int step = 1; step <= 4; step++)
        {
            var a = ConvectionDiffusion(p, k, bx: 4.0 + 0.2 * step, by: 1.0, sigma: 0.5 * (1 + 0.3 * step));
            solver.Factor(a);
            var exact = Manufactured(p.Size, 10 + step);
            var b = new double[p.Size];
            p.Multiply(a, exact, b);
            var x = (double[])b.Clone();
            solver.Solve(x);
            Assert.True(solver.LastReport.Converged && solver.LastReport.Iterations is > 1 and <= 15, $"step {step}: {solver.LastReport}");
            using var fresh = new KluLinearSolver(p);
            fresh.Factor(a);
            var direct = (double[])b.Clone();
            fresh.Solve(direct);
            double worst = 0;
            for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(x[i] - direct[i]));
            Assert.True(worst <= 1e-8, $"step {step}: max difference {worst:E3} from a fresh factorisation");
        }
        Assert.Equal(1, solver.Factorizations);
        Assert.Equal(4, solver.KrylovSolves);
        Assert.Equal(0, solver.KrylovFailures);
    }

    [Fact]
    public void The_kept_factorisation_solver_refactorises_when_the_matrix_has_moved_too_far()
    {
        const int k = 20;
        var p = GridPattern(k);
        using var solver = new StaleFactorGmresSolver(p, new KluLinearSolver(p), new StaleFactorGmresOptions { RelativeTolerance = 1e-10, MaxIterations = 6 });
        solver.Factor(ConvectionDiffusion(p, k, bx: 0.0, by: 0.0, sigma: 0.0));
        var a = ConvectionDiffusion(p, k, bx: 30.0, by: 10.0, sigma: 0.0); // convection-dominated: a Laplacian LU is a poor preconditioner
        solver.Factor(a);
        var exact = Manufactured(p.Size, 4);
        var b = new double[p.Size];
        p.Multiply(a, exact, b);
        solver.Solve(b);
        Assert.Equal(1, solver.KrylovFailures);
        Assert.Equal(2, solver.Factorizations);
        for (int i = 0; i < b.Length; i++) Assert.Equal(exact[i], b[i], 9);
        // The next solve on the same matrix uses the fresh factors directly.
        var again = new double[p.Size];
        p.Multiply(a, exact, again);
        solver.Solve(again);
        Assert.Equal(0, solver.LastReport.Iterations);
        Assert.Equal(1, solver.KrylovSolves);
    }

    [Fact]
    public void Non_finite_matrix_values_are_reported_as_a_singular_iteration_matrix()
    {
        var p = GridPattern(4);
        using var solver = new StaleFactorGmresSolver(p, new KluLinearSolver(p));
        var a = ConvectionDiffusion(p, 4, 1.0, 1.0, 0.0);
        solver.Factor(a);
        a[3] = double.NaN;
        Assert.Throws<SingularIterationMatrixException>(() => solver.Factor(a));
    }

    [Fact]
    public void A_singular_matrix_met_after_a_kept_factorisation_gives_a_non_finite_solution_and_the_next_matrix_is_factorised_afresh()
    {
        const int k = 6;
        var p = GridPattern(k);
        using var solver = new StaleFactorGmresSolver(p, new KluLinearSolver(p), new StaleFactorGmresOptions { MaxIterations = 5 });
        var good = ConvectionDiffusion(p, k, 2.0, 1.0, 0.0);
        solver.Factor(good);
        var singular = (double[])good.Clone();
        for (int e = 0; e < singular.Length; e++) if (p.RowIndices[e] == 7) singular[e] = 0; // row 7 empty
        solver.Factor(singular);
        var b = Manufactured(p.Size, 5);
        var x = (double[])b.Clone();
        solver.Solve(x);
        Assert.All(x, v => Assert.True(double.IsNaN(v)));
        solver.Solve(x); // Newton may try once more before cutting the step: still no solution, no exception
        Assert.All(x, v => Assert.True(double.IsNaN(v)));
        solver.Factor(good);
        int before = solver.Factorizations;
        var y = (double[])b.Clone();
        solver.Solve(y);
        Assert.Equal(0, solver.LastReport.Iterations); // factorised at Factor, solved directly
        Assert.True(RelativeResidual(p, good, b, y) <= 1e-12);
        Assert.Equal(before, solver.Factorizations);
    }
}
