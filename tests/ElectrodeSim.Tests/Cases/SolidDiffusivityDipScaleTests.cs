using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;
using ElectrodeSim.Tests.Support;
using ElectrodeSim.Tests.Verification;

namespace ElectrodeSim.Tests.Cases;

/// <summary>
/// <c>electrode.solid_diffusivity_dip_scale</c>: a factor on the log10 depth of the narrowest minimum of an O'Regan 2022
/// D_s(x) (issue 10's LG M50 fits): the minimum scales as stated, the rest of the function is untouched, ∂D/∂θ is exact,
/// the model's Jacobian stays exact with it, and bad values are path-named errors.
/// </summary>
public class SolidDiffusivityDipScaleTests
{
    private static string Lgm50(string file) => Path.Combine(Repository.Root, "validation", "lgm50-chen2020", file);

    private static SimulationSetup Load(string file, params (string Key, string Value)[] set) =>
        CaseBuilder.Build(CaseOverrides.Load(Lgm50(file), [.. set.Select(s => new CaseOverride(s.Key, s.Value))]));

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(0, 0.5)]
    [InlineData(0, 2.0)]
    [InlineData(1, 0.0)]
    public void The_minimum_is_scaled_in_log10_at_its_centre_and_nothing_changes_far_from_it(int electrode, double scale)
    {
        string key = (electrode == 0 ? "negative" : "positive") + "_electrode.solid_diffusivity_dip_scale";
        var plain = Load("lgm50-thermal-oregan-ds.yaml").Cell.Electrodes[electrode];
        var scaled = Load("lgm50-thermal-oregan-ds.yaml", (key, Text(scale))).Cell.Electrodes[electrode];
        var dip = SolidDiffusivities.NarrowestMinimum(electrode == 0 ? "graphite_lgm50_oregan2022" : "nmc811_lgm50_oregan2022")!.Value;
        // The terms as published: graphite (−1.553, 0.2031, 0.0006091), NMC 811 (−0.9231, 0.3216, 0.002534).
        Assert.Equal(electrode == 0 ? (-1.553, 0.2031, 0.0006091) : (-0.9231, 0.3216, 0.002534), dip);
        foreach (double t in new[] { 288.15, 298.15, 318.15 })
        {
            // At the centre the factor is 10^((s − 1) a) exactly: 35.7× higher for the graphite at s = 0.
            double d0 = plain.SolidDiffusivityAt(dip.Centre, t, out _);
            double d1 = scaled.SolidDiffusivityAt(dip.Centre, t, out _);
            Assert.Equal(Math.Pow(10, (scale - 1) * dip.Amplitude), d1 / d0, 1e-12);
            // Six widths away the function is the published one to 1e-12.
            foreach (double x in new[] { dip.Centre - 6 * Math.Sqrt(dip.WidthSquared), dip.Centre + 6 * Math.Sqrt(dip.WidthSquared), 0.6, 0.87 })
            {
                double p = plain.SolidDiffusivityAt(x, t, out double sp);
                double q = scaled.SolidDiffusivityAt(x, t, out double sq);
                Assert.Equal(p, q, 1e-12 * p);
                Assert.Equal(sp, sq, 1e-9 * Math.Abs(sp) + 1e-12 * p);
            }
            // ∂D/∂θ against a central difference across the minimum.
            foreach (double x in new[] { dip.Centre - 0.03, dip.Centre - 0.01, dip.Centre + 0.004, dip.Centre + 0.02 })
            {
                scaled.SolidDiffusivityAt(x, t, out double slope);
                const double h = 1e-7;
                double fd = (scaled.SolidDiffusivityAt(x + h, t, out _) - scaled.SolidDiffusivityAt(x - h, t, out _)) / (2 * h);
                Assert.Equal(fd, slope, 1e-5 * Math.Abs(fd) + 1e-24);
            }
        }
        // The other electrode is not touched.
        var other0 = Load("lgm50-thermal-oregan-ds.yaml").Cell.Electrodes[1 - electrode];
        var other1 = Load("lgm50-thermal-oregan-ds.yaml", (key, Text(scale))).Cell.Electrodes[1 - electrode];
        foreach (double x in new[] { 0.2031, 0.3216, 0.5 })
            Assert.Equal(other0.SolidDiffusivityAt(x, 298.15, out _), other1.SolidDiffusivityAt(x, 298.15, out _));
    }

    [Fact]
    public void With_the_scale_at_1_the_diffusivity_is_the_published_one_bit_for_bit()
    {
        var plain = Load("lgm50-thermal-oregan-ds.yaml").Cell.Electrodes[0];
        var one = Load("lgm50-thermal-oregan-ds.yaml", ("negative_electrode.solid_diffusivity_dip_scale", "1")).Cell.Electrodes[0];
        Assert.Equal(1.0, plain.SolidDiffusivityDipScale);
        for (double x = 0.0; x <= 1.0; x += 0.01)
        {
            Assert.Equal(plain.SolidDiffusivityAt(x, 298.15, out double s0), one.SolidDiffusivityAt(x, 298.15, out double s1));
            Assert.Equal(s0, s1);
        }
    }

    [Fact]
    public void The_model_Jacobian_stays_exact_with_the_graphite_minimum_removed()
    {
        // Isothermal LG M50 with O'Regan's D_s(x), the graphite minimum halved in log10, the negative particles put across
        // the minimum (θ in 0.17–0.24), so the face diffusivities and their θ-derivatives are where the factor acts.
        var setup = Load("lgm50-thermal-oregan-ds.yaml", ("negative_electrode.solid_diffusivity_dip_scale", "0.5"), ("cell.thermal.model", "isothermal"));
        var model = new P2DModel(setup.Cell, new Mesh.MeshSettings { SeparatorCells = 2, ElectrodeCells = 3, ParticleShells = 5 }, setup.FaceAverage);
        model.Control.Mode = ControlMode.Current;
        model.Control.SetValue = 30.0;
        var y = JacobianCheck.PerturbedState(model, 3);
        var rng = new Random(4);
        var layout = model.Layout;
        var negative = model.Cell.Electrodes[0];
        for (int i = 0; i < model.Mesh.CellCount; i++)
            if (layout.IsElectrode(i) && layout.ElectrodeOf(i) == 0)
                for (int k = 0; k < model.Mesh.Particles[0].Shells; k++)
                    y[layout.SolidConcentration(i, k)] = negative.MaxConcentration * (0.17 + 0.07 * rng.NextDouble());
        var (worst, entries) = JacobianCheck.AssertMatchesFiniteDifferences(model, y);
        Assert.True(entries > 0);
        Assert.True(worst <= 1);
    }

    [Fact]
    public void A_dip_scale_out_of_range_or_without_a_function_with_a_minimum_is_a_path_named_error()
    {
        var withoutFunction = Assert.Throws<CaseValidationException>(() => Load("lgm50.yaml", ("negative_electrode.solid_diffusivity_dip_scale", "0.5")));
        Assert.Contains(withoutFunction.Errors, e => e.Path == "negative_electrode.solid_diffusivity_dip_scale" && e.ToString().Contains("not accepted without a solid_diffusivity_function with a narrow minimum"));
        foreach (string bad in new[] { "-0.1", "2.5" })
        {
            var e = Assert.Throws<CaseValidationException>(() => Load("lgm50-thermal-oregan-ds.yaml", ("negative_electrode.solid_diffusivity_dip_scale", bad)));
            Assert.Contains(e.Errors, x => x.Path == "negative_electrode.solid_diffusivity_dip_scale" && x.ToString().Contains("in [0, 2]"));
        }
        var nan = Assert.Throws<CaseValidationException>(() => Load("lgm50-thermal-oregan-ds.yaml", ("negative_electrode.solid_diffusivity_dip_scale", "NaN")));
        Assert.Contains(nan.Errors, x => x.Path == "negative_electrode.solid_diffusivity_dip_scale" && x.ToString().Contains("not a number"));
    }
}
