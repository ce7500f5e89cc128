using System.Text.Json;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;

namespace ElectrodeSim.Tests.Cases;

/// <summary>Full-cell cases laid over named parameter sets: building, per-key overrides, provenance and errors.</summary>
public sealed class FullCellCaseTests
{
    /// <summary>A 1C discharge of <paramref name="set"/> with extra top-level YAML appended.</summary>
    public static string Case(string set, string extra = "") => $"""
        name: {set} test
        parameter_set: {set}
        protocol:
          - label: discharge
            mode: current
            c_rate: 1
            max_duration_s: 3600
        {extra}
        """;

    private static SimulationSetup Build(string text) => CaseBuilder.Build(CaseFile.Parse(text, "full.yaml", Path.GetTempPath()));

    private static CaseValidationException Reject(string text) =>
        Assert.Throws<CaseValidationException>(() => Build(text));

    [Fact]
    public void A_full_cell_case_takes_every_value_from_its_parameter_set()
    {
        var setup = Build(Case("Marquis2019"));
        var cell = setup.Cell;
        Assert.False(cell.IsHalfCell);
        Assert.Null(cell.LithiumFoil);
        Assert.Equal(2, cell.Electrodes.Count);
        var (negative, positive) = (cell.Electrodes[0], cell.Electrodes[1]);
        Assert.Same(positive, cell.WorkingElectrode);
        Assert.Equal(298.15, cell.Temperature);
        Assert.Same(Electrolytes.Capiglia1999, cell.Electrolyte);
        Assert.Equal(1.0, cell.Separator.Porosity);
        Assert.Equal(25e-6, cell.Separator.Thickness, 1e-15);
        // PARAMS_Marquis2019.md §0: σ_eff = 100 · 0.7^1.5 and 10 · 0.7^1.5 S/m.
        Assert.Equal(100 * Math.Pow(0.7, 1.5), negative.EffectiveConductivity, 1e-12);
        Assert.Equal(10 * Math.Pow(0.7, 1.5), positive.EffectiveConductivity, 1e-12);
        Assert.Equal(1.8e5, negative.SpecificArea, 1e-6);
        Assert.Equal(1.5e5, positive.SpecificArea, 1e-6);
        Assert.Equal(0.8, negative.InitialStateOfLithiation, 1e-9);
        Assert.Equal(0.6, positive.InitialStateOfLithiation, 1e-9);
        Assert.Same(GraphiteOcp.Dualfoil1998, negative.OpenCircuitPotential);
        Assert.Same(PositiveElectrodeOcp.LithiumCobaltOxideDualfoil1998, positive.OpenCircuitPotential);
        // j0 at θ = ½, c_e = c_ref, T_ref from m_ref = 2e-5: m_ref c_ref^½ c_max/2 (PARAMS check value 7.900401128 A/m²).
        Assert.Equal(7.900401128, negative.ReferenceExchangeCurrentDensity(298.15), 1e-8);
        Assert.Equal(3.9e-14, negative.SolidDiffusivityAt(298.15));
        Assert.Equal(1.15371626e-13, negative.SolidDiffusivityAt(318.15), 1e-21);
        // 1C = 24 A/m², positive current discharges.
        Assert.Equal(24.0, Assert.Single(setup.Protocol.Steps).Value, 1e-12);
        Assert.Equal(new MeshSettings(), setup.Mesh);
    }

    [Fact]
    public void Any_key_of_the_parameter_set_can_be_overridden_in_the_case()
    {
        var setup = Build(Case("Marquis2019", """
            cell:
              temperature_K: 308.15
            negative_electrode:
              thickness_um: 80
              kinetics:
                activation_energy_J_mol: 0
            mesh:
              negative_electrode_cells: 12
              positive_particle_shells: 7
            """));
        var negative = setup.Cell.Electrodes[0];
        Assert.Equal(308.15, setup.Cell.Temperature);
        Assert.Equal(80e-6, negative.Thickness, 1e-15);
        Assert.Equal(100e-6, setup.Cell.Electrodes[1].Thickness, 1e-15);
        Assert.Equal(0.0, negative.ReactionActivationEnergy);
        Assert.Equal(7.900401128, negative.ReferenceExchangeCurrentDensity(308.15), 1e-8);
        Assert.Equal("full", "full");
        Assert.Equal([12, 16], setup.Mesh.ElectrodeCellCounts!);
        Assert.Equal([10, 7], setup.Mesh.ParticleShellCounts!);
        var mesh = new CellMesh(setup.Cell, setup.Mesh);
        Assert.Equal(12 + 8 + 16, mesh.CellCount);
        Assert.Equal(7, mesh.Particles[1].Shells);
    }

    [Fact]
    public void Writing_one_of_two_alternative_keys_replaces_the_parameter_sets_choice()
    {
        var setup = Build(Case("Marquis2019", """
            positive_electrode:
              solid_conductivity_S_m: 16.6
              initial_state_of_lithiation: 0.55
              kinetics:
                exchange_current_prefactor_A_m2: 1.0e6
            """));
        var positive = setup.Cell.Electrodes[1];
        Assert.Equal(16.6 * Math.Pow(0.5, 1.5), positive.EffectiveConductivity, 1e-12);
        Assert.Equal(0.55, positive.InitialStateOfLithiation);
        Assert.Equal(1.0e6, positive.ExchangeCurrentPrefactor);
    }

    [Fact]
    public void The_provenance_names_the_parameter_set_and_its_version()
    {
        var setup = Build(Case("Marquis2019"));
        using var json = JsonDocument.Parse(setup.ProvenanceJson);
        Assert.Equal("Marquis2019@2", json.RootElement.GetProperty("parameter_set").GetString());
        Assert.Equal("10.1149/2.0341915jes", json.RootElement.GetProperty("doi").GetString());
        Assert.Equal("2", json.RootElement.GetProperty("version").GetString());
        Assert.Contains("58.57", setup.ParameterNotes["negative_electrode.effective_conductivity_S_m"]);
    }

    [Theory]
    [InlineData("Marquis2019", "10.1149/2.0341915jes", 24.0, "2")]
    [InlineData("Chen2020", "10.1149/1945-7111/ab9050", 48.6854917234664, "1")]
    [InlineData("Ecker2015", "10.1149/2.0551509jes", 18.200349446709374, "1")]
    public void Every_parameter_set_is_a_valid_versioned_full_cell_with_its_source(string name, string doi, double oneC, string version)
    {
        var set = ParameterSets.Get(name);
        Assert.Equal(doi, set.Doi);
        Assert.False(string.IsNullOrWhiteSpace(set.Title));
        Assert.False(string.IsNullOrWhiteSpace(set.Source));
        Assert.Equal(version, set.Version);
        var setup = Build(Case(name));
        // The set's own fields (read from its index) are those its text deserialises to in a case laid over it.
        using var provenance = System.Text.Json.JsonDocument.Parse(setup.ProvenanceJson);
        Assert.Equal(set.Title, provenance.RootElement.GetProperty("title").GetString());
        Assert.Equal(set.Source, provenance.RootElement.GetProperty("source").GetString());
        Assert.Equal(set.Doi, provenance.RootElement.GetProperty("doi").GetString());
        Assert.Equal(set.Version, provenance.RootElement.GetProperty("version").GetString());
        Assert.Equal(oneC, setup.Protocol.Steps[0].Value, 1e-9);
        Assert.All(setup.Cell.Electrodes, e => Assert.InRange(e.InitialStateOfLithiation, 0.01, 0.99));
    }

    [Fact]
    public void The_Ecker2015_set_has_concentration_dependent_diffusivities_and_unit_effective_conductivity_factors()
    {
        var cell = Build(Case("Ecker2015")).Cell;
        Assert.All(cell.Electrodes, e => Assert.True(e.HasConcentrationDependentDiffusivity));
        Assert.Equal(14.0, cell.Electrodes[0].EffectiveConductivity);
        Assert.Equal(68.1, cell.Electrodes[1].EffectiveConductivity);
        Assert.Equal(0.26, cell.Electrolyte.TransferenceNumber);
        // Arrhenius about 296.15 K evaluated at 298.15 K: the check value 3.751005621 A/m² at θ = 0.1.
        double j0 = cell.Electrodes[0].ReferenceExchangeCurrentDensity(298.15) * Math.Sqrt(0.9 / 0.5) * Math.Sqrt(0.1 / 0.5);
        Assert.Equal(3.751005621, j0, 1e-8);
    }

    [Fact]
    public void A_value_inherited_from_the_parameter_set_is_named_as_such_in_an_error()
    {
        var error = Reject(Case("Marquis2019", "positive_electrode:\n  porosity: 0.6\n"));
        var e = Assert.Single(error.Errors);
        Assert.Equal("positive_electrode.porosity + positive_electrode.active_volume_fraction", e.Path);
        Assert.Contains("0.6 + 0.5 = 1.1 (from parameter set Marquis2019@2) is not <= 1", e.ToString());
        Assert.NotNull(e.Line);
    }

    [Fact]
    public void A_full_cell_cut_off_is_checked_against_the_initial_cell_open_circuit_voltage()
    {
        var text = Case("Marquis2019").Replace("    max_duration_s: 3600", "    stop:\n      voltage_below_V: 3.9");
        var e = Assert.Single(Reject(text).Errors);
        Assert.Equal("protocol[0].stop.voltage_below_V", e.Path);
        // U_p(0.6) − U_n(0.8) = 4.027014 − 0.175193 = 3.851821 V (PARAMS_Marquis2019.md §0).
        Assert.Contains("3.9 is not below U_p(θ0 = 30730.7554385565/51217.9 = 0.6) − U_n(θ0 = 19986.609595075/24983.3 = 0.8) = 3.8518 V", e.ToString());
        Assert.Contains("the discharge would end at once", e.ToString());
    }

    [Fact]
    public void A_full_cell_without_a_parameter_set_needs_both_electrodes()
    {
        string set = ParameterSets.Get("Marquis2019").Text;
        int cell = set.IndexOf("\ncell:", StringComparison.Ordinal) + 1;
        string withoutPositive = set[cell..set.IndexOf("positive_electrode:", StringComparison.Ordinal)];
        var text = "name: no positive\n" + withoutPositive + "protocol:\n  - mode: current\n    c_rate: 1\n    max_duration_s: 10\n";
        var error = Reject(text);
        var e = Assert.Single(error.Errors);
        Assert.Equal("positive_electrode", e.Path);
        Assert.True(e.IsMissing);
    }

    [Fact]
    public void A_specific_current_needs_the_density_a_full_cell_may_leave_out()
    {
        var text = Case("Marquis2019").Replace("c_rate: 1", "specific_current_A_g: 0.1");
        var e = Assert.Single(Reject(text).Errors);
        Assert.Equal("protocol[0].specific_current_A_g", e.Path);
        Assert.Contains("is not accepted without positive_electrode.active_density_kg_m3", e.ToString());
        var withDensity = Build(text + "positive_electrode:\n  active_density_kg_m3: 5000\n");
        // ε_s ρ L = 0.5 · 5000 · 100e-6 = 0.25 kg/m² = 250 g/m² → 25 A/m².
        Assert.Equal(25.0, withDensity.Protocol.Steps[0].Value, 1e-9);
    }
}
