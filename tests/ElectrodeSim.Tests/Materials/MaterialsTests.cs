using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;

namespace ElectrodeSim.Tests.Materials;

/// <summary>Correlations against the check values in ../shared/reference (evaluated there from the published formulas).</summary>
public class MaterialsTests
{
    [Theory]
    [InlineData(100.0, 298.15, 5.772996723e-10, 0.2666081076)]
    [InlineData(1000.0, 298.15, 3.222722529e-10, 1.194326364)]
    [InlineData(2000.0, 298.15, 1.648415841e-10, 0.7962969783)]
    [InlineData(1000.0, 318.15, 5.108445566e-10, 1.639781144)]
    public void Valoen_Reimers_2005_matches_the_reference_check_values(double c, double T, double diffusivity, double conductivity)
    {
        var e = Electrolytes.Valoen2005;
        Assert.Equal(diffusivity, e.Diffusivity.Value(c, T), diffusivity * 1e-8);
        Assert.Equal(conductivity, e.Conductivity.Value(c, T), conductivity * 1e-8);
    }

    [Theory]
    [InlineData(50.0, 298.15)]
    [InlineData(1000.0, 298.15)]
    [InlineData(2500.0, 298.15)]
    [InlineData(1000.0, 318.15)]
    public void Every_electrolyte_correlation_slope_is_its_concentration_derivative(double c, double T)
    {
        foreach (string name in Electrolytes.Names)
        {
            var e = Electrolytes.ByName(name);
            foreach (var f in new[] { e.Conductivity, e.Diffusivity, e.ThermodynamicFactor })
            {
                double value = f.Value(c, T, out double slope);
                Assert.Equal(f.Value(c, T), value);
                double h = 1e-5 * c;
                double difference = (f.Value(c + h, T) - f.Value(c - h, T)) / (2 * h);
                // The central difference is good to ~h² f‴/6 + ε f/h, far below 1e-6 of the slope's scale f/c.
                Assert.True(Math.Abs(slope - difference) <= 1e-6 * Math.Abs(value) / c, $"{f.Name} at c = {c}, T = {T}: slope {slope:G9}, central difference {difference:G9}");
            }
        }
    }

    [Fact]
    public void Nyman_2008_matches_the_reference_table_at_298_K()
    {
        string path = Path.Combine(Support.Repository.Root, "..", "shared", "reference", "electrolyte", "electrolyte_LiPF6_properties_298K_computed.csv");
        var rows = File.ReadLines(path).Where(l => !l.StartsWith('#') && char.IsDigit(l[0])).Select(l => l.Split(',').Select(double.Parse).ToArray()).ToList();
        Assert.True(rows.Count >= 20);
        foreach (var r in rows)
        {
            Assert.Equal(r[3], Electrolytes.Nyman2008.Conductivity.Value(r[0], 298.15), 4e-5);
            Assert.Equal(r[4], Electrolytes.Nyman2008.Diffusivity.Value(r[0], 298.15), 5e-14);
            Assert.Equal(r[1], Electrolytes.Valoen2005.Conductivity.Value(r[0], 298.15), 4e-5);
        }
    }

    [Theory]
    [InlineData(0.1, 0.3761658259, 0.736559198)]
    [InlineData(0.5, 0.191003125, 0.42629375)]
    [InlineData(0.9, 0.06426426411, 0.249712462)]
    public void Verbrugge_2016_silicon_branches_match_the_reference_check_values(double theta, double lithiation, double delithiation)
    {
        Assert.Equal(lithiation, OpenCircuitPotentials.SiliconLithiationVerbrugge2016.Evaluate(theta, out _), 1e-9);
        Assert.Equal(delithiation, OpenCircuitPotentials.SiliconDelithiationVerbrugge2016.Evaluate(theta, out _), 1e-9);
    }

    [Fact]
    public void Tabulated_OCP_is_monotone_between_points_and_its_slope_is_the_derivative()
    {
        var ocp = new TabulatedOcp("steps", "test", [0.0, 0.1, 0.2, 0.5, 0.9, 1.0], [1.0, 0.6, 0.59, 0.2, 0.19, 0.0]);
        double previous = double.PositiveInfinity;
        for (double t = 0; t <= 1.0; t += 1e-3)
        {
            double u = ocp.Evaluate(t, out double slope);
            Assert.True(u <= previous + 1e-14, $"U rises at θ = {t}");
            Assert.True(slope <= 1e-12, $"positive slope at θ = {t}");
            double h = 1e-7;
            if (t > h && t < 1 - h)
                Assert.Equal((ocp.Evaluate(t + h, out _) - ocp.Evaluate(t - h, out _)) / (2 * h), slope, 1e-4);
            previous = u;
        }
    }

    [Fact]
    public void SiO_stand_in_ends_at_its_end_potential_and_its_slope_is_the_derivative()
    {
        var ocp = new SiOStandInOcp(0.01, 0.04, 0.3, 0.338, 0.0147);
        Assert.Equal(0.01, ocp.Evaluate(1.0, out _), 15);
        foreach (var t in new[] { 0.05, 0.3, 0.338, 0.36, 0.6 })
        {
            ocp.Evaluate(t, out double slope);
            double h = 1e-7;
            Assert.Equal((ocp.Evaluate(t + h, out _) - ocp.Evaluate(t - h, out _)) / (2 * h), slope, 1e-5);
            Assert.True(slope < 0);
        }
    }

    [Theory]
    [InlineData(0.5, 50.0)]
    [InlineData(0.3, 50.0)]
    [InlineData(0.7, -20.0)]
    public void Lithium_foil_overpotential_carries_the_requested_current(double alpha, double current)
    {
        var foil = new LithiumFoilParameters { TransferCoefficient = alpha };
        double f = PhysicalConstants.Faraday / (PhysicalConstants.GasConstant * 298.15);
        double eta = LithiumFoil.Overpotential(foil, current, 1000, f);
        double j0 = foil.ExchangeCurrentDensity(1000);
        Assert.Equal(70.6, j0, 0.1); // MODEL.md §3: ≈ 70.6 A/m² at 1 M
        Assert.Equal(current, j0 * (Math.Exp(alpha * f * eta) - Math.Exp(-(1 - alpha) * f * eta)), 1e-9);
    }
}
