using ElectrodeSim.Materials;

namespace ElectrodeSim.Tests.Materials;

/// <summary>O'Regan et al. 2022's LG M50 solid diffusivities D_s(x, T): hand-evaluated points, Arrhenius factor, x-derivative.</summary>
public sealed class ORegan2022DiffusivityTests
{
    [Fact]
    public void The_LG_M50_diffusivities_match_hand_evaluated_points_and_their_derivatives_central_differences()
    {
        // The published formulas evaluated by hand (Python) at 298.15 K, and the graphite's at 308.15 K (E/R = 2092 K).
        (Correlation F, double X, double T, double D)[] table =
        [
            (SolidDiffusivities.GraphiteLgm50ORegan2022, 0.1, 298.15, 1.49558226524313e-14), (SolidDiffusivities.GraphiteLgm50ORegan2022, 0.5, 298.15, 2.865535890617105e-16),
            (SolidDiffusivities.GraphiteLgm50ORegan2022, 0.87, 298.15, 3.881115345612977e-16), (SolidDiffusivities.GraphiteLgm50ORegan2022, 0.5, 308.15, 3.5982810753300965e-16),
            (SolidDiffusivities.Nmc811Lgm50ORegan2022, 0.3, 298.15, 4.2666832094438045e-15), (SolidDiffusivities.Nmc811Lgm50ORegan2022, 0.5, 298.15, 7.262655729610514e-15),
            (SolidDiffusivities.Nmc811Lgm50ORegan2022, 0.9, 298.15, 3.601849738774929e-15),
        ];
        foreach (var (f, x, T, d) in table)
        {
            Assert.Equal(d, f.Value(x, T), 1e-10 * d);
            f.Value(x, T, out double slope);
            const double h = 1e-7;
            double fd = (f.Value(x + h, T) - f.Value(x - h, T)) / (2 * h);
            Assert.Equal(fd, slope, 1e-5 * Math.Abs(fd) + 1e-22);
        }
        Assert.Same(SolidDiffusivities.GraphiteLgm50ORegan2022, SolidDiffusivities.ByName("graphite_lgm50_oregan2022"));
        Assert.Same(SolidDiffusivities.Nmc811Lgm50ORegan2022, SolidDiffusivities.ByName("nmc811_lgm50_oregan2022"));
    }
}
