using Xunit.Abstractions;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// The paper's three coating variants at 5 mA/cm² to 0.01 V (Zhang et al. 2024, Fig. 5a–d):
/// capacities 737.2 / 693.9 / 644.6 mAh/g and the interface current density at the separator
/// side at the end of lithiation ordered l &gt; m &gt; h.
/// </summary>
public class CoatingVariantTests(ITestOutputHelper output)
{
    private static readonly Lazy<Dictionary<string, RunResult>> Results = new(() =>
        new[] { "l", "m", "h" }.ToDictionary(v => v, v => Simulator.Run(Repository.LoadCase($"sio-c-{v}.yaml"))));

    [Theory]
    [InlineData("l", 737.2)]
    [InlineData("m", 693.9)]
    [InlineData("h", 644.6)]
    public void Capacity_at_5_mA_per_cm2_is_within_5_percent_of_the_paper(string variant, double paper)
    {
        double capacity = Results.Value[variant].Summary.Capacity;
        output.WriteLine($"SiO@C-{variant}: {capacity:F1} mAh/g (paper {paper}), {100 * (capacity / paper - 1):+0.00;-0.00} %");
        Assert.InRange(capacity, 0.95 * paper, 1.05 * paper);
    }

    [Fact]
    public void Capacities_are_ordered_l_above_m_above_h()
    {
        var c = Results.Value;
        Assert.True(c["l"].Summary.Capacity > c["m"].Summary.Capacity && c["m"].Summary.Capacity > c["h"].Summary.Capacity,
            $"l {c["l"].Summary.Capacity:F1}, m {c["m"].Summary.Capacity:F1}, h {c["h"].Summary.Capacity:F1} mAh/g");
    }

    [Fact]
    public void Interface_current_density_at_the_separator_side_at_the_end_of_lithiation_is_ordered_l_above_m_above_h()
    {
        // Lithiation makes j negative; the paper reports magnitudes (5.5 / 4.8 / 4.2 A/m²).
        double J(string v) => Math.Abs(Results.Value[v].Summary.SeparatorSideInterfacialCurrent);
        output.WriteLine($"|j| at the separator side: l {J("l"):F3}, m {J("m"):F3}, h {J("h"):F3} A/m²");
        Assert.True(J("l") > J("m") && J("m") > J("h"), $"l {J("l"):F3}, m {J("m"):F3}, h {J("h"):F3} A/m²");
    }

    [Fact]
    public void Average_voltage_of_l_is_above_h_by_about_the_papers_0_06_V()
    {
        double gap = Results.Value["l"].Summary.AverageVoltage - Results.Value["h"].Summary.AverageVoltage;
        output.WriteLine($"average voltage gap l − h: {gap * 1e3:F1} mV (paper ≈ 60 mV)");
        Assert.InRange(gap, 0.045, 0.075);
    }
}
