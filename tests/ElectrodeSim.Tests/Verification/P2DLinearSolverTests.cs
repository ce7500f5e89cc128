using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// The P2D model's linear solver (<see cref="P2DModel.CreateLinearSolver"/>): the particles' chains condensed, those of a
/// group with a state-independent radial Jacobian declared equal (one elimination per group), against KLU on the whole
/// iteration matrix at a state with gradients in every particle.
/// </summary>
public sealed class P2DLinearSolverTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_condensed_solve_is_KLUs_and_shares_eliminations_only_with_a_constant_diffusivity(bool concentrationDependent)
    {
        var setup = Repository.LoadCase("sio-c-l.yaml");
        if (concentrationDependent)
            setup = setup with { Cell = setup.Cell with { Electrodes = setup.Cell.Electrodes.Select(e => e with { SolidDiffusivityFunction = SolidDiffusivities.GraphiteEcker2015 }).ToArray() } };
        const int electrodeCells = 5;
        var model = new P2DModel(setup.Cell, new MeshSettings { SeparatorCells = 3, ElectrodeCells = electrodeCells, ParticleShells = 6 }, setup.FaceAverage);
        using var solver = model.CreateLinearSolver(model.JacobianPattern);
        var condensed = Assert.IsType<ChainCondensedSolver>(solver);
        // D_s(θ): every particle's chain its own; D_s of T only: one elimination for the electrode's particles.
        Assert.Equal(concentrationDependent ? electrodeCells : 1, condensed.EliminatedChains);

        var y = JacobianCheck.PerturbedState(model, seed: 5);
        var residual = new double[model.Size];
        var jacobian = new double[model.JacobianPattern.NonZeroCount];
        model.Evaluate(0, y, residual, jacobian);
        // The iteration matrix a0 M + ∂g/∂y, a0 of a step of 0.1 s.
        var mass = model.MassDiagonal;
        for (int i = 0; i < model.Size; i++) if (mass[i] != 0) jacobian[model.JacobianPattern.SlotOf(i, i)] += 10.0 * mass[i];
        using var klu = new KluLinearSolver(model.JacobianPattern);
        solver.Factor(jacobian);
        klu.Factor(jacobian);
        var random = new Random(7);
        var x = Enumerable.Range(0, model.Size).Select(_ => random.NextDouble() - 0.5).ToArray();
        var reference = x.ToArray();
        solver.Solve(x);
        klu.Solve(reference);
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(x[i] - reference[i]) <= 1e-9 * Math.Abs(reference[i]) + 1e-12 * reference.Max(Math.Abs), $"x[{i}] = {x[i]:R}, KLU {reference[i]:R}");
    }
}
