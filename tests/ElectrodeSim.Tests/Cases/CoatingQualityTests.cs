using System.Text.Json;
using System.Text.RegularExpressions;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Cases;

/// <summary>
/// <c>electrode.coating.alkali_solubility_percent</c> (MODEL.md §5, issue 9): the SiO@C variants as one continuous
/// coating-quality variable, interpolated through the paper's three measured points.
/// </summary>
public class CoatingQualityTests
{
    private static readonly CoatingQualityMap Map = CoatingQualityMaps.Zhang2024SiOC;

    /// <summary>
    /// sio-c-l.yaml without the keys the variants differ in (D_s, Ea, R_film), with <c>coating</c> instead and the
    /// variant's names: everything else is the l case as written.
    /// </summary>
    private static string CoatingBase(double alpha, string name = "SiO@C-l", string extraKinetics = "")
    {
        string text = File.ReadAllText(Repository.Case("sio-c-l.yaml"));
        text = Regex.Replace(text, @"^  solid_diffusivity_m2_s: .*\n", "", RegexOptions.Multiline);
        text = Regex.Replace(text, @"^    (activation_energy_J_mol|film_resistance_ohm_m2): .*\n", "", RegexOptions.Multiline);
        Assert.DoesNotMatch(@"^\s+(solid_diffusivity_m2_s|activation_energy_J_mol|film_resistance_ohm_m2):", text);
        text = text.Replace("\n  kinetics:\n", $"\n  coating:\n    alkali_solubility_percent: {alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n  kinetics:\n{extraKinetics}");
        return text.Replace("SiO@C-l", name);
    }

    private static SimulationSetup Build(string text) => CaseBuilder.Build(CaseFile.Parse(text, "coating.yaml", Path.Combine(Repository.Root, "cases")));

    /// <summary>The electrode's parameters without its equilibrium curve (an object compared separately).</summary>
    private static ElectrodeParameters WithoutCurve(ElectrodeParameters e) => e with { OpenCircuitPotential = null! };

    [Theory]
    [InlineData("l", 4.8)]
    [InlineData("m", 21.7)]
    [InlineData("h", 47.5)]
    public void A_case_with_the_coating_key_at_a_measured_alkali_solubility_reproduces_that_variants_case_file(string variant, double alpha)
    {
        var expected = Repository.LoadCase($"sio-c-{variant}.yaml");
        var mapped = Build(CoatingBase(alpha, $"SiO@C-{variant}"));

        Assert.Equal(WithoutCurve(expected.Cell.WorkingElectrode), WithoutCurve(mapped.Cell.WorkingElectrode));
        foreach (double theta in new[] { 0.005, 0.2, 0.34, 0.5, 0.9 })
            Assert.Equal(expected.Cell.WorkingElectrode.OpenCircuitPotential.Evaluate(theta, out _), mapped.Cell.WorkingElectrode.OpenCircuitPotential.Evaluate(theta, out _));
        Assert.Equal(expected.Cell with { Electrodes = [], Electrolyte = null! }, mapped.Cell with { Electrodes = [], Electrolyte = null! });
        Assert.Empty(mapped.Warnings);

        double capacity = Simulator.Run(expected).Summary.Capacity, mappedCapacity = Simulator.Run(mapped).Summary.Capacity;
        Assert.Equal(capacity, mappedCapacity, 1e-9);
    }

    [Theory]
    [InlineData("l", 4.8)]
    [InlineData("m", 21.7)]
    [InlineData("h", 47.5)]
    public void The_checked_in_alpha_base_case_at_a_measured_alkali_solubility_has_that_variants_electrode(string variant, double alpha)
    {
        var expected = Repository.LoadCase($"sio-c-{variant}.yaml").Cell.WorkingElectrode;
        var document = CaseOverrides.Load(Repository.Case(Path.Combine("coating-quality", "sio-c-alpha.yaml")),
            [new CaseOverride("electrode.coating.alkali_solubility_percent", CaseOverride.Format(alpha))]);
        var mapped = CaseBuilder.Build(document).Cell.WorkingElectrode;
        Assert.Equal(WithoutCurve(expected) with { Name = "" }, WithoutCurve(mapped) with { Name = "" });
    }

    [Fact]
    public void Between_measured_points_ln_D_s_Ea_and_R_film_are_linear_in_alkali_solubility()
    {
        var (l, m, h) = (Map.Points[0], Map.Points[1], Map.Points[2]);
        var midLM = Map.Evaluate((l.AlkaliSolubilityPercent + m.AlkaliSolubilityPercent) / 2);
        Assert.Equal(Math.Sqrt(l.SolidDiffusivity * m.SolidDiffusivity), midLM.SolidDiffusivity, 1e-25);
        Assert.Equal((l.ActivationEnergy + m.ActivationEnergy) / 2, midLM.ActivationEnergy, 1e-9);
        Assert.Equal((l.FilmResistance + m.FilmResistance) / 2, midLM.FilmResistance, 1e-15);
        Assert.False(midLM.Extrapolated);

        double alpha = m.AlkaliSolubilityPercent + 0.25 * (h.AlkaliSolubilityPercent - m.AlkaliSolubilityPercent);
        var quarterMH = Map.Evaluate(alpha);
        Assert.Equal(Math.Exp(0.75 * Math.Log(m.SolidDiffusivity) + 0.25 * Math.Log(h.SolidDiffusivity)), quarterMH.SolidDiffusivity, 1e-25);
        Assert.Equal(0.75 * m.ActivationEnergy + 0.25 * h.ActivationEnergy, quarterMH.ActivationEnergy, 1e-9);
        Assert.Equal(0.75 * m.FilmResistance + 0.25 * h.FilmResistance, quarterMH.FilmResistance, 1e-15);
    }

    [Fact]
    public void Outside_the_measured_points_the_end_segment_is_continued_linearly_and_clamped_to_physical_values()
    {
        var (l, m, h) = (Map.Points[0], Map.Points[1], Map.Points[2]);
        double SlopeLM(Func<CoatingQualityPoint, double> f) => (f(m) - f(l)) / (m.AlkaliSolubilityPercent - l.AlkaliSolubilityPercent);
        double SlopeMH(Func<CoatingQualityPoint, double> f) => (f(h) - f(m)) / (h.AlkaliSolubilityPercent - m.AlkaliSolubilityPercent);

        var zero = Map.Evaluate(0);
        Assert.True(zero.Extrapolated);
        Assert.Equal(l.ActivationEnergy - l.AlkaliSolubilityPercent * SlopeLM(p => p.ActivationEnergy), zero.ActivationEnergy, 1e-9);
        Assert.Equal(Math.Exp(Math.Log(l.SolidDiffusivity) - l.AlkaliSolubilityPercent * SlopeLM(p => Math.Log(p.SolidDiffusivity))), zero.SolidDiffusivity, 1e-25);
        // R_film = k (α − 4.8 %) would be negative below 4.8 %: clamped to 0.
        Assert.True(l.AlkaliSolubilityPercent * SlopeLM(p => p.FilmResistance) > 0);
        Assert.Equal(0.0, zero.FilmResistance);

        var hundred = Map.Evaluate(100);
        Assert.True(hundred.Extrapolated);
        Assert.Equal(h.ActivationEnergy + (100 - h.AlkaliSolubilityPercent) * SlopeMH(p => p.ActivationEnergy), hundred.ActivationEnergy, 1e-9);
        Assert.Equal(h.FilmResistance + (100 - h.AlkaliSolubilityPercent) * SlopeMH(p => p.FilmResistance), hundred.FilmResistance, 1e-15);
    }

    [Fact]
    public void Every_mapped_quantity_is_monotone_in_alkali_solubility_a_worse_network_never_conducts_better()
    {
        var previous = Map.Evaluate(0);
        for (double alpha = 0.5; alpha <= 100; alpha += 0.5)
        {
            var next = Map.Evaluate(alpha);
            Assert.True(next.SolidDiffusivity <= previous.SolidDiffusivity, $"D_s rises at {alpha} %");
            Assert.True(next.ActivationEnergy >= previous.ActivationEnergy, $"Ea falls at {alpha} %");
            Assert.True(next.FilmResistance >= previous.FilmResistance, $"R_film falls at {alpha} %");
            previous = next;
        }
    }

    [Fact]
    public void A_map_whose_film_resistance_peaks_at_the_middle_variant_is_refused()
    {
        // The first calibration: R_film on SiO@C-m alone (0 / 4.378e-3 / 0 Ω·m²).
        var points = Map.Points.Select((p, i) => p with { FilmResistance = i == 1 ? 4.378e-3 : 0 }).ToList();
        var e = Assert.Throws<ArgumentException>(() => new CoatingQualityMap("peaked", "test", points));
        Assert.Contains("not monotone between SiO@C-m and SiO@C-h", e.Message);
    }

    [Fact]
    public void The_provenance_records_the_map_the_alkali_solubility_the_rule_and_the_values_it_produced()
    {
        var setup = Build(CoatingBase(30));
        var expected = Map.Evaluate(30);
        Assert.Equal(expected.SolidDiffusivity, setup.Cell.WorkingElectrode.SolidDiffusivity);
        Assert.Equal(expected.ActivationEnergy, setup.Cell.WorkingElectrode.ReactionActivationEnergy);
        Assert.Equal(expected.FilmResistance, setup.Cell.WorkingElectrode.FilmResistance);

        using var json = JsonDocument.Parse(setup.ProvenanceJson);
        var coating = Assert.Single(json.RootElement.GetProperty("coating_map").EnumerateArray());
        Assert.Equal("electrode", coating.GetProperty("electrode").GetString());
        Assert.Equal(30, coating.GetProperty("alkali_solubility_percent").GetDouble());
        Assert.Equal(Map.Name, coating.GetProperty("map").GetString());
        Assert.Equal(CoatingQualityMap.ExtrapolationRule, coating.GetProperty("extrapolation").GetString());
        Assert.False(coating.GetProperty("extrapolated").GetBoolean());
        var values = coating.GetProperty("values");
        Assert.Equal(expected.SolidDiffusivity, values.GetProperty("solid_diffusivity_m2_s").GetDouble());
        Assert.Equal(expected.ActivationEnergy, values.GetProperty("activation_energy_J_mol").GetDouble());
        Assert.Equal(expected.FilmResistance, values.GetProperty("film_resistance_ohm_m2").GetDouble());
        Assert.Equal(3, coating.GetProperty("points").GetArrayLength());
        Assert.Equal("paper Fig. 4c: 8.15e-10 cm2/s", coating.GetProperty("points")[1].GetProperty("sources").GetProperty("solid_diffusivity_m2_s").GetString());
        // The note written for the l case's measured D_s would mislead at 30 %: the mapping's note replaces it.
        Assert.StartsWith("coating map Zhang2024_SiO_C: electrode.coating.alkali_solubility_percent = 30 %", setup.ParameterNotes["electrode.solid_diffusivity_m2_s"]);
    }

    [Fact]
    public void An_explicit_key_overrides_the_coating_map_and_the_provenance_says_so()
    {
        var setup = Build(CoatingBase(30, extraKinetics: "    film_resistance_ohm_m2: 0.001\n"));
        Assert.Equal(0.001, setup.Cell.WorkingElectrode.FilmResistance);
        Assert.Equal(Map.Evaluate(30).ActivationEnergy, setup.Cell.WorkingElectrode.ReactionActivationEnergy);
        using var json = JsonDocument.Parse(setup.ProvenanceJson);
        var coating = json.RootElement.GetProperty("coating_map")[0];
        Assert.Equal(["electrode.kinetics.film_resistance_ohm_m2"], coating.GetProperty("overridden_by_explicit_keys").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public void A_coating_over_a_case_that_gives_every_mapped_key_warns_that_it_sets_nothing()
    {
        string text = File.ReadAllText(Repository.Case("sio-c-l.yaml")).Replace("\n  kinetics:\n", "\n  coating:\n    alkali_solubility_percent: 30\n  kinetics:\n");
        var setup = Build(text);
        Assert.Equal(4.12e-13, setup.Cell.WorkingElectrode.SolidDiffusivity);
        var warning = Assert.Single(setup.Warnings);
        Assert.Equal("electrode.coating.alkali_solubility_percent", warning.Path);
        Assert.Contains("override the coating map", warning.Accepted);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(60.0)]
    public void An_alkali_solubility_outside_the_measured_points_is_extrapolated_with_a_warning(double alpha)
    {
        var setup = Build(CoatingBase(alpha));
        var warning = Assert.Single(setup.Warnings);
        Assert.Equal("electrode.coating.alkali_solubility_percent", warning.Path);
        Assert.Contains("within the measured points of Zhang2024_SiO_C, [4.8, 47.5] %", warning.Accepted);
        using var json = JsonDocument.Parse(setup.ProvenanceJson);
        Assert.True(json.RootElement.GetProperty("coating_map")[0].GetProperty("extrapolated").GetBoolean());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("120")]
    [InlineData(".nan")]
    public void An_alkali_solubility_outside_0_to_100_percent_is_an_error_naming_the_key(string alpha)
    {
        string text = CoatingBase(0).Replace("alkali_solubility_percent: 0\n", $"alkali_solubility_percent: {alpha}\n");
        var e = Assert.Throws<CaseValidationException>(() => Build(text));
        var error = Assert.Single(e.Errors, x => x.Path == "electrode.coating.alkali_solubility_percent");
        Assert.Equal($"electrode.coating.alkali_solubility_percent: {alpha} is not in [0, 100] %", error.ToString());
    }
}
