using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Cases;

/// <summary>
/// <c>electrode.solid_diffusivity_scale</c>: a factor on a named D_s(θ, T) (a fitting lever for O'Regan 2022's graphite
/// D_s in the LG M50 cases), validated, and only with <c>solid_diffusivity_function</c>.
/// </summary>
public class SolidDiffusivityScaleTests
{
    private static string Lgm50(string file) => Path.Combine(Repository.Root, "validation", "lgm50-chen2020", file);

    private static SimulationSetup Load(string file, params (string Key, string Value)[] set) =>
        CaseBuilder.Build(CaseOverrides.Load(Lgm50(file), [.. set.Select(s => new CaseOverride(s.Key, s.Value))]));

    [Theory]
    [InlineData(0.25)]
    [InlineData(3.0)]
    public void The_scale_multiplies_the_named_diffusivity_and_its_slope_at_every_lithiation_and_temperature(double scale)
    {
        var plain = Load("lgm50-thermal-oregan-ds.yaml").Cell.Electrodes[0];
        var scaled = Load("lgm50-thermal-oregan-ds.yaml", ("negative_electrode.solid_diffusivity_scale", scale.ToString("R", CultureInfo.InvariantCulture))).Cell.Electrodes[0];
        Assert.True(plain.HasConcentrationDependentDiffusivity);
        Assert.Equal(1.0, plain.SolidDiffusivityScale);
        foreach (double theta in new[] { 0.05, 0.23, 0.5, 0.87 })
            foreach (double t in new[] { 288.15, 298.15, 318.15 })
            {
                double d0 = plain.SolidDiffusivityAt(theta, t, out double s0);
                double d1 = scaled.SolidDiffusivityAt(theta, t, out double s1);
                Assert.Equal(scale * d0, d1, 1e-12 * d1);
                Assert.Equal(scale * s0, s1, 1e-12 * Math.Abs(s1) + 1e-30);
            }
        // The positive electrode is not touched.
        var p0 = Load("lgm50-thermal-oregan-ds.yaml").Cell.Electrodes[1];
        var p1 = Load("lgm50-thermal-oregan-ds.yaml", ("negative_electrode.solid_diffusivity_scale", "3")).Cell.Electrodes[1];
        Assert.Equal(p0.SolidDiffusivityAt(0.5, 298.15, out _), p1.SolidDiffusivityAt(0.5, 298.15, out _));
    }

    [Fact]
    public void A_scale_without_a_named_diffusivity_or_out_of_range_is_a_path_named_error()
    {
        var withoutFunction = Assert.Throws<CaseValidationException>(() => Load("lgm50.yaml", ("negative_electrode.solid_diffusivity_scale", "2")));
        Assert.Contains(withoutFunction.Errors, e => e.Path == "negative_electrode.solid_diffusivity_scale" && e.ToString().Contains("not accepted without solid_diffusivity_function"));
        foreach (string bad in new[] { "0", "-1", "2000" })
        {
            var e = Assert.Throws<CaseValidationException>(() => Load("lgm50-thermal-oregan-ds.yaml", ("negative_electrode.solid_diffusivity_scale", bad)));
            Assert.Contains(e.Errors, x => x.Path == "negative_electrode.solid_diffusivity_scale" && x.ToString().Contains("in [0.001, 1000]"));
        }
    }
}
