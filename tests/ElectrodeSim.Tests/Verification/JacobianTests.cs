using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Verification;

/// <summary>The analytic Jacobian every Newton step relies on, against central differences of the residual.</summary>
/// <summary>
/// The analytic Jacobian of a model against central differences, entry by entry: |fd − analytic| ≤ 1e-5 max(|fd|, |analytic|)
/// + 1e-6 × the row's scale (the largest |∂g_row/∂y_col| (|y_col| + scale_col) of the analytic row), at step 1e-7 (|y| + scale).
/// </summary>
internal static class JacobianCheck
{
    /// <summary>A state away from equilibrium: gradients in c_e and c_s, a non-zero current and reaction.</summary>
    public static double[] PerturbedState(P2DModel model, int seed, double current = 30.0)
    {
        var rng = new Random(seed);
        var y = model.InitialState();
        model.EstimateAlgebraicState(y, current);
        var L = model.Layout;
        for (int i = 0; i < model.Mesh.CellCount; i++)
        {
            y[L.ElectrolyteConcentration(i)] *= 1 + 0.3 * (rng.NextDouble() - 0.5);
            y[L.ElectrolytePotential(i)] += 0.01 * (rng.NextDouble() - 0.5);
            if (!L.IsElectrode(i)) continue;
            y[L.SolidPotential(i)] += 0.01 * (rng.NextDouble() - 0.5);
            y[L.InterfacialCurrent(i)] *= 1 + 0.5 * (rng.NextDouble() - 0.5);
            var electrode = model.Cell.Electrodes[L.ElectrodeOf(i)];
            for (int k = 0; k < model.Mesh.Particles[L.ElectrodeOf(i)].Shells; k++)
                y[L.SolidConcentration(i, k)] = electrode.MaxConcentration * (0.2 + 0.4 * rng.NextDouble());
        }
        return y;
    }

    /// <summary>Asserts every entry; returns the worst error as a fraction of its tolerance and how many non-zero differences were checked.</summary>
    public static (double Worst, int Checked) AssertMatchesFiniteDifferences(IDaeSystem model, double[] y)
    {
        int n = model.Size;
        var pattern = model.JacobianPattern;
        var analytic = new double[pattern.NonZeroCount];
        var r0 = new double[n];
        model.Evaluate(0, y, r0, analytic);
        var plus = new double[n];
        var minus = new double[n];
        var scale = model.Scale.ToArray();
        var rowScale = new double[n];
        for (int k = 0; k < pattern.NonZeroCount; k++)
        {
            int col = pattern.EntryColumns[k];
            rowScale[pattern.RowIndices[k]] = Math.Max(rowScale[pattern.RowIndices[k]], Math.Abs(analytic[k]) * (Math.Abs(y[col]) + scale[col]));
        }
        double worst = 0;
        int checkedEntries = 0;
        for (int col = 0; col < n; col++)
        {
            double h = 1e-7 * (Math.Abs(y[col]) + scale[col]);
            var yp = (double[])y.Clone(); yp[col] += h;
            var ym = (double[])y.Clone(); ym[col] -= h;
            model.Evaluate(0, yp, plus, Span<double>.Empty);
            model.Evaluate(0, ym, minus, Span<double>.Empty);
            for (int row = 0; row < n; row++)
            {
                double fd = (plus[row] - minus[row]) / (2 * h);
                double an = pattern.Contains(row, col) ? analytic[pattern.SlotOf(row, col)] : 0.0;
                double error = Math.Abs(fd - an) / (1e-5 * Math.Max(Math.Abs(fd), Math.Abs(an)) + 1e-6 * rowScale[row] + 1e-300);
                worst = Math.Max(worst, error);
                Assert.True(error <= 1, $"∂g[{row}]/∂y[{col}]: analytic {an:E6}, finite difference {fd:E6}");
                if (fd != 0) checkedEntries++;
            }
        }
        return (worst, checkedEntries);
    }
}

public class JacobianTests
{
    private static void AssertJacobianMatchesFiniteDifferences(P2DModel model, double[] y) => JacobianCheck.AssertMatchesFiniteDifferences(model, y);


    [Theory]
    [InlineData("sio-c-l.yaml", ControlMode.Current)]
    [InlineData("sio-c-m.yaml", ControlMode.Voltage)]
    [InlineData("sio-c-h.yaml", ControlMode.Rest)]
    public void Analytic_Jacobian_of_the_half_cell_matches_finite_differences(string caseName, ControlMode mode)
    {
        var setup = Repository.LoadCase(caseName);
        var model = new P2DModel(setup.Cell, new Mesh.MeshSettings { SeparatorCells = 3, ElectrodeCells = 4, ParticleShells = 4 }, setup.FaceAverage);
        model.Control.Mode = mode;
        model.Control.SetValue = mode == ControlMode.Voltage ? 0.05 : 30.0;
        AssertJacobianMatchesFiniteDifferences(model, JacobianCheck.PerturbedState(model, 7));
    }

    [Theory]
    [InlineData("Marquis2019", ControlMode.Current)]
    [InlineData("Marquis2019", ControlMode.Voltage)]
    [InlineData("Ecker2015", ControlMode.Current)]
    [InlineData("Chen2020", ControlMode.Rest)]
    public void Analytic_Jacobian_of_the_full_cell_matches_finite_differences(string set, ControlMode mode)
    {
        // Different cell and shell counts per electrode and graded shells; Ecker2015 has D_s(θ) in both electrodes.
        var setup = Repository.FullCell(set, "protocol:\n  - mode: rest\n    max_duration_s: 1\n");
        var mesh = new Mesh.MeshSettings
        {
            SeparatorCells = 2, ElectrodeCells = 3, ParticleShells = 4,
            ElectrodeCellCounts = [3, 4], ParticleShellCounts = [4, 5], ParticleSurfaceRefinement = 0.5,
        };
        var model = new P2DModel(setup.Cell, mesh, setup.FaceAverage);
        model.Control.Mode = mode;
        model.Control.SetValue = mode == ControlMode.Voltage ? 3.7 : 30.0;
        AssertJacobianMatchesFiniteDifferences(model, JacobianCheck.PerturbedState(model, 5));
    }

    [Fact]
    public void Analytic_Jacobian_with_arithmetic_face_averages_matches_finite_differences()
    {
        var setup = Repository.LoadCase("sio-c-l.yaml");
        var model = new P2DModel(setup.Cell, new Mesh.MeshSettings { SeparatorCells = 3, ElectrodeCells = 4, ParticleShells = 3 }, Mesh.FaceAverage.Arithmetic);
        model.Control.Mode = ControlMode.Current;
        model.Control.SetValue = 30;
        AssertJacobianMatchesFiniteDifferences(model, JacobianCheck.PerturbedState(model, 11));
    }
}
