using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;
using ElectrodeSim.Tests.Support;
using Xunit;

namespace ElectrodeSim.Tests.Discretisation;

public class GraphDiffusionTests
{
    /// <summary>
    /// A 4 × 3 Cartesian graph (cells 0.5 × 0.25 m per unit depth) whose cell 5 is a "particle" (region 1) and the
    /// rest "matrix" (region 0); faces to the particle are interface faces. Unknowns: u in matrix cells (index =
    /// cell), v in all cells (index = 12 + cell).
    /// </summary>
    private static (FiniteVolumeGraph Graph, int[] U, int[] V) Cartesian()
    {
        const int nx = 4, ny = 3;
        const double hx = 0.5, hy = 0.25;
        var b = new FiniteVolumeGraph.Builder();
        for (int c = 0; c < nx * ny; c++) b.AddCell(hx * hy, c == 5 ? 1 : 0);
        FaceKind Kind(int l, int r) => l == 5 || r == 5 ? FaceKind.Interface : FaceKind.Interior;
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx - 1; i++)
                b.AddFace(j * nx + i, j * nx + i + 1, hy, hx / 2, hx / 2, Kind(j * nx + i, j * nx + i + 1));
        for (int j = 0; j < ny - 1; j++)
            for (int i = 0; i < nx; i++)
                b.AddFace(j * nx + i, (j + 1) * nx + i, hx, hy / 2, hy / 2, Kind(j * nx + i, (j + 1) * nx + i));
        for (int j = 0; j < ny; j++) b.AddBoundaryFace(j * nx, hy, hx / 2, tag: 1);
        var u = Enumerable.Range(0, nx * ny).Select(c => c == 5 ? -1 : c).ToArray();
        var v = Enumerable.Range(0, nx * ny).Select(c => 12 + c).ToArray();
        return (b.Build(), u, v);
    }

    private static SparsityPattern PatternOf(GraphDiffusion diffusion, int size)
    {
        var builder = new SparsityPatternBuilder(size);
        builder.AddDiagonal();
        diffusion.DeclarePattern(builder);
        var pattern = builder.Build();
        diffusion.Bind(pattern);
        return pattern;
    }

    private static double[] RandomState(int size, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, size).Select(_ => 0.5 + random.NextDouble()).ToArray();
    }

    [Fact]
    public void Interior_fluxes_conserve_the_total_and_leave_out_every_face_of_a_cell_without_the_field()
    {
        var (graph, u, _) = Cartesian();
        var diffusion = new GraphDiffusion(graph, u, FaceAverage.Harmonic);
        Assert.Equal(17 - 4, diffusion.FaceCount);
        Assert.All(diffusion.Faces, f => Assert.Equal(FaceKind.Interior, graph.Kind[f]));
        var y = RandomState(24, 3);
        var k = RandomState(12, 4);
        var residual = new double[24];
        diffusion.Accumulate(y, k, [], residual, []);
        double total = 0;
        for (int c = 0; c < graph.CellCount; c++) if (u[c] >= 0) total += residual[u[c]] * graph.CellVolume[c];
        Assert.Equal(0.0, total, 14);
        Assert.Equal(0.0, residual[5]);
        Assert.Contains(residual, r => Math.Abs(r) > 1e-3);
    }

    [Fact]
    public void A_linear_profile_with_a_uniform_coefficient_has_no_divergence_in_any_cell_away_from_the_boundary()
    {
        var b = new FiniteVolumeGraph.Builder();
        double[] widths = [0.1, 0.1, 0.2, 0.2, 0.4];
        foreach (double w in widths) b.AddCell(w, 0);
        for (int i = 0; i < widths.Length - 1; i++) b.AddFace(i, i + 1, 1.0, widths[i] / 2, widths[i + 1] / 2);
        var graph = b.Build();
        var diffusion = new GraphDiffusion(graph, [0, 1, 2, 3, 4], FaceAverage.Arithmetic);
        double x = 0;
        var y = new double[5];
        for (int i = 0; i < 5; i++) { y[i] = 3.0 - 2.0 * (x + widths[i] / 2); x += widths[i]; }
        var residual = new double[5];
        diffusion.Accumulate(y, [1.5, 1.5, 1.5, 1.5, 1.5], [], residual, []);
        for (int i = 1; i < 4; i++) Assert.Equal(0.0, residual[i], 12);
        Assert.Equal(1.5 * 2.0 / widths[0], residual[0], 12);
    }

    [Theory]
    [InlineData(FaceAverage.Harmonic)]
    [InlineData(FaceAverage.Arithmetic)]
    public void The_Jacobian_of_a_flux_with_a_coefficient_and_a_drive_in_another_field_matches_central_differences(FaceAverage average)
    {
        var (graph, u, v) = Cartesian();
        var diffusion = new GraphDiffusion(graph, u, average, coefficientUnknown: v, kinds: [FaceKind.Interior, FaceKind.Interface]);
        Assert.Equal(13, diffusion.FaceCount);
        var pattern = PatternOf(diffusion, 24);
        var drive = new double[diffusion.FaceCount];
        var byLeft = new double[diffusion.FaceCount];
        var byRight = new double[diffusion.FaceCount];
        var k = new double[12];
        var dk = new double[12];
        void Residual(double[] y, double[] residual, double[] jacobian)
        {
            // k(v) = 1 + v², s_f = v_R² − v_L².
            for (int c = 0; c < 12; c++) { k[c] = 1 + y[v[c]] * y[v[c]]; dk[c] = 2 * y[v[c]]; }
            for (int f = 0; f < diffusion.FaceCount; f++)
            {
                double vL = y[v[diffusion.LeftCells[f]]], vR = y[v[diffusion.RightCells[f]]];
                drive[f] = vR * vR - vL * vL;
                byLeft[f] = -2 * vL;
                byRight[f] = 2 * vR;
            }
            diffusion.Accumulate(y, k, dk, drive, byLeft, byRight, residual, jacobian);
        }
        AssertJacobianMatches(pattern, Residual, RandomState(24, 7));
    }

    [Fact]
    public void The_Jacobian_of_a_flux_with_a_face_coefficient_in_the_same_field_matches_central_differences_in_every_copy()
    {
        var b = new FiniteVolumeGraph.Builder();
        for (int k = 0; k < 4; k++) b.AddCell(0.1 * (k + 1), 0);
        for (int k = 0; k < 3; k++) b.AddFace(k, k + 1, (k + 1) * (k + 1), 0.05 * (k + 1), 0.05 * (k + 2));
        var graph = b.Build();
        int[] shells = [0, 1, 2, 3];
        var diffusion = new GraphDiffusion(graph, shells, FaceAverage.Harmonic, coefficientUnknown: shells, copies: [1, 6]);
        var pattern = PatternOf(diffusion, 10);
        var kf = new double[3];
        var dkf = new double[3];
        void Residual(double[] y, double[] residual, double[] jacobian)
        {
            for (int q = 0; q < diffusion.CopyCount; q++)
            {
                // k_f = exp(mean u of the face).
                for (int f = 0; f < 3; f++)
                {
                    double mean = 0.5 * (y[diffusion.Offset(q) + diffusion.LeftUnknowns[f]] + y[diffusion.Offset(q) + diffusion.RightUnknowns[f]]);
                    kf[f] = Math.Exp(mean);
                    dkf[f] = 0.5 * kf[f];
                }
                diffusion.AccumulateFaceCoefficient(y, kf, dkf, dkf, residual, jacobian, q);
            }
        }
        var y0 = RandomState(10, 9);
        AssertJacobianMatches(pattern, Residual, y0);
        var r = new double[10];
        Residual(y0, r, []);
        Assert.Equal(0.0, r[0]);
        Assert.Equal(0.0, r[5]);
        Assert.Equal(0.0, Enumerable.Range(0, 4).Sum(c => r[1 + c] * graph.CellVolume[c]), 14);
    }

    private static void AssertJacobianMatches(SparsityPattern pattern, Action<double[], double[], double[]> residual, double[] y)
    {
        int n = y.Length;
        var jacobian = new double[pattern.NonZeroCount];
        residual(y, new double[n], jacobian);
        for (int col = 0; col < n; col++)
        {
            double h = 1e-6 * Math.Max(1.0, Math.Abs(y[col]));
            var plus = (double[])y.Clone();
            var minus = (double[])y.Clone();
            plus[col] += h;
            minus[col] -= h;
            var rPlus = new double[n];
            var rMinus = new double[n];
            residual(plus, rPlus, []);
            residual(minus, rMinus, []);
            for (int row = 0; row < n; row++)
            {
                double numeric = (rPlus[row] - rMinus[row]) / (2 * h);
                double analytic = pattern.Contains(row, col) ? jacobian[pattern.SlotOf(row, col)] : 0.0;
                Assert.True(Math.Abs(numeric - analytic) <= 1e-6 * Math.Max(1.0, Math.Abs(numeric)),
                            $"d r[{row}] / d y[{col}]: analytic {analytic}, central differences {numeric}");
            }
        }
    }
}
