using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;

namespace ElectrodeSim.Tests.Materials;

/// <summary>
/// The named correlations of the full-cell parameter sets against the check values of
/// shared/reference/*/PARAMS_*.md §3 (evaluated there from the published functions), and their
/// analytic derivatives against central differences.
/// </summary>
public class FullCellMaterialTests
{
    public static TheoryData<string, double, double> OcpCheckValues => new()
    {
        // Marquis2019 (PARAMS_Marquis2019.md §3)
        { "graphite_mcmb2528_dualfoil1998", 0.01, 0.7703096668 }, { "graphite_mcmb2528_dualfoil1998", 0.1, 0.3010253838 },
        { "graphite_mcmb2528_dualfoil1998", 0.3, 0.2159933638 }, { "graphite_mcmb2528_dualfoil1998", 0.5, 0.1953769311 },
        { "graphite_mcmb2528_dualfoil1998", 0.8, 0.175193184 }, { "graphite_mcmb2528_dualfoil1998", 0.99, 0.06071526319 },
        { "lico2_dualfoil1998", 0.01, 4.711708452 }, { "lico2_dualfoil1998", 0.2, 4.587642672 }, { "lico2_dualfoil1998", 0.5, 4.186035763 },
        { "lico2_dualfoil1998", 0.6, 4.027013847 }, { "lico2_dualfoil1998", 0.9, 3.906243163 }, { "lico2_dualfoil1998", 0.99, 0.6135254022 },
        // Chen2020 (PARAMS_Chen2020.md §3)
        { "graphite_lgm50_chen2020", 0.01, 1.739382167 }, { "graphite_lgm50_chen2020", 0.2, 0.2169862232 },
        { "graphite_lgm50_chen2020", 0.6, 0.1187514398 }, { "graphite_lgm50_chen2020", 0.99, 0.09202000006 },
        { "nmc811_lgm50_chen2020", 0.01, 4.670355936 }, { "nmc811_lgm50_chen2020", 0.3, 4.205394408 },
        { "nmc811_lgm50_chen2020", 0.7, 3.730402724 }, { "nmc811_lgm50_chen2020", 0.99, 3.495390011 },
        // Ecker2015 (PARAMS_Ecker2015.md §3)
        { "graphite_ecker2015", 0.01, 0.7803333851 }, { "graphite_ecker2015", 0.3, 0.1471991599 },
        { "graphite_ecker2015", 0.7, 0.08450990093 }, { "graphite_ecker2015", 0.99, 0.07114460099 },
        { "nco_ecker2015", 0.01, 4.578668487 }, { "nco_ecker2015", 0.3, 4.170159529 },
        { "nco_ecker2015", 0.8, 3.760808485 }, { "nco_ecker2015", 0.99, 3.510977183 },
    };

    private static IOpenCircuitPotential Ocp(string name) => OcpFunctions.Create(new OcpSection { Function = name }, null!);

    [Theory]
    [MemberData(nameof(OcpCheckValues))]
    public void Open_circuit_potentials_match_the_published_functions(string name, double theta, double expected)
    {
        Assert.Equal(expected, Ocp(name).Evaluate(theta, out _), 9);
    }

    [Theory]
    [InlineData("graphite_mcmb2528_dualfoil1998")]
    [InlineData("lico2_dualfoil1998")]
    [InlineData("graphite_lgm50_chen2020")]
    [InlineData("nmc811_lgm50_chen2020")]
    [InlineData("graphite_ecker2015")]
    [InlineData("nco_ecker2015")]
    public void Open_circuit_potential_slopes_match_central_differences(string name)
    {
        var ocp = Ocp(name);
        for (double theta = 0.02; theta < 0.99; theta += 0.0317)
        {
            const double h = 1e-6;
            double fd = (ocp.Evaluate(theta + h, out _) - ocp.Evaluate(theta - h, out _)) / (2 * h);
            ocp.Evaluate(theta, out double slope);
            Assert.True(Math.Abs(slope - fd) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{name} at θ = {theta}: dU/dθ {slope} vs {fd}");
        }
    }

    [Theory]
    // Capiglia1999 (Marquis2019), Ecker2015 and Nyman2008 (Chen2020): (correlation, c, T, D_e, κ); NaN = no check value.
    [InlineData("Capiglia1999", 100.0, 298.15, 5.003940254e-10, 0.2717454)]
    [InlineData("Capiglia1999", 1000.0, 298.15, 2.787724448e-10, 1.1046)]
    [InlineData("Capiglia1999", 2000.0, 298.15, 1.455319775e-10, 0.9465)]
    [InlineData("Capiglia1999", 1000.0, 318.15, 7.131463031e-10, 2.662949625)]
    [InlineData("Nyman2008", 500.0, 298.15, 3.09585e-10, 0.7932934896)]
    [InlineData("Nyman2008", 1500.0, 298.15, 8.8265e-11, 0.8200730592)]
    [InlineData("Ecker2015", 100.0, 298.15, double.NaN, 0.3539247767)]
    [InlineData("Ecker2015", 1000.0, 298.15, double.NaN, 0.9737600532)]
    [InlineData("Ecker2015", 1000.0, 318.15, double.NaN, 1.407928167)]
    public void Electrolyte_correlations_match_the_published_functions(string name, double c, double temperature, double diffusivity, double conductivity)
    {
        var electrolyte = Electrolytes.ByName(name);
        Assert.Equal(conductivity, electrolyte.Conductivity.Value(c, temperature), 1e-9 * conductivity);
        if (!double.IsNaN(diffusivity)) Assert.Equal(diffusivity, electrolyte.Diffusivity.Value(c, temperature), 1e-9 * diffusivity);
    }

    [Fact]
    public void The_Ecker2015_electrolyte_diffusivity_is_the_Nernst_Einstein_value_of_its_conductivity()
    {
        var e = Electrolytes.Ecker2015;
        double c = 1200, T = 303.15;
        double expected = 1.380649e-23 / (96485.33212 * 1.602176634e-19) * e.Conductivity.Value(c, T) * T / c;
        Assert.Equal(expected, e.Diffusivity.Value(c, T), 1e-12 * expected);
        Assert.Equal(0.26, e.TransferenceNumber);
        Assert.Equal(0.4, Electrolytes.Capiglia1999.TransferenceNumber);
    }

    [Theory]
    [InlineData("Capiglia1999")]
    [InlineData("Ecker2015")]
    public void Electrolyte_slopes_match_central_differences(string name)
    {
        var e = Electrolytes.ByName(name);
        foreach (double c in new[] { 200.0, 800.0, 1500.0 })
            foreach (var correlation in new[] { e.Conductivity, e.Diffusivity })
            {
                double h = 1e-3;
                double fd = (correlation.Value(c + h, 305) - correlation.Value(c - h, 305)) / (2 * h);
                correlation.Value(c, 305, out double slope);
                Assert.Equal(fd, slope, 1e-6 * Math.Abs(fd));
            }
    }

    [Theory]
    // (function, θ, T, D_s) from PARAMS_Ecker2015.md §3.
    [InlineData("graphite_ecker2015", 0.1, 298.15, 3.055015502e-13)]
    [InlineData("graphite_ecker2015", 0.9, 298.15, 8.996460302e-15)]
    [InlineData("graphite_ecker2015", 0.5, 318.15, 2.628545025e-14)]
    [InlineData("nco_ecker2015", 0.1, 298.15, 4.443468582e-13)]
    [InlineData("nco_ecker2015", 0.5, 298.15, 1.045712502e-13)]
    [InlineData("nco_ecker2015", 0.5, 318.15, 8.073761625e-13)]
    public void Concentration_dependent_solid_diffusivities_match_the_published_functions(string name, double theta, double temperature, double expected)
    {
        var d = SolidDiffusivities.ByName(name);
        Assert.Equal(expected, d.Value(theta, temperature), 1e-9 * expected);
        const double h = 1e-6;
        double fd = (d.Value(theta + h, temperature) - d.Value(theta - h, temperature)) / (2 * h);
        d.Value(theta, temperature, out double slope);
        Assert.Equal(fd, slope, 1e-6 * Math.Abs(fd) + 1e-25);
    }

    [Theory]
    // The mass-action exchange current density m_ref c_e^½ c_s^½ (c_max − c_s)^½ exp(E/R (1/T_ref − 1/T)) of each set,
    // as the model evaluates it after the exact conversion to j0' (CaseBuilder.ExchangeCurrentPrefactor):
    // (m_ref, E, T_ref, c_max, θ, T, j0) with the PARAMS §3 check values.
    [InlineData(2e-5, 37480, 298.15, 24983.2619938437, 0.1, 298.15, 4.740240677)]
    [InlineData(2e-5, 37480, 298.15, 24983.2619938437, 0.5, 318.15, 20.43731036)]
    [InlineData(6e-7, 39570, 298.15, 51217.9257309275, 0.5, 298.15, 0.485895907)]
    [InlineData(6e-7, 39570, 298.15, 51217.9257309275, 0.9, 318.15, 0.7952188557)]
    [InlineData(6.48e-7, 35000, 298.15, 33133.0, 0.1, 318.15, 0.4947876967)]
    [InlineData(3.42e-6, 17800, 298.15, 63104.0, 0.5, 298.15, 3.412345518)]
    [InlineData(1.0709871865320002e-05, 53400, 296.15, 31920.0, 0.1, 298.15, 3.751005621)]
    [InlineData(2.904208496812e-06, 43600, 296.15, 48580.0, 0.5, 318.15, 7.589536692)]
    public void Exchange_current_densities_from_rate_constants_match_the_published_functions(
        double rateConstant, double activationEnergy, double referenceTemperature, double maxConcentration, double theta, double temperature, double expected)
    {
        var electrode = new ElectrodeParameters
        {
            Name = "test", Thickness = 1e-4, Porosity = 0.3, ActiveVolumeFraction = 0.5, ParticleRadius = 1e-5, EffectiveConductivity = 1,
            MaxConcentration = maxConcentration, InitialStateOfLithiation = 0.5, ActiveMaterialDensity = double.NaN,
            OpenCircuitPotential = GraphiteOcp.Dualfoil1998, ReactionActivationEnergy = activationEnergy,
            ExchangeCurrentPrefactor = CaseBuilder.ExchangeCurrentPrefactor(rateConstant, maxConcentration, 1000.0, 0.5, 0.5, activationEnergy, referenceTemperature),
        };
        // MODEL.md §2 at c_e = c_ref = 1000 mol/m³: j0 = j0_ref(T) ((1 − θ)/0.5)^½ (θ/0.5)^½.
        double j0 = electrode.ReferenceExchangeCurrentDensity(temperature) * Math.Sqrt((1 - theta) / 0.5) * Math.Sqrt(theta / 0.5);
        Assert.Equal(expected, j0, 2e-9 * expected);
    }
}
