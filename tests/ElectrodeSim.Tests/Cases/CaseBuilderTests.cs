using System.Text.Json;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Tests.Cases;

public sealed class CaseBuilderTests : IClassFixture<CaseDirectory>
{
    private readonly CaseDirectory _directory;

    public CaseBuilderTests(CaseDirectory directory) => _directory = directory;

    private SimulationSetup Build(string text) => CaseBuilder.Build(CaseFile.Parse(text, "test.yaml", _directory.Path));

    [Fact]
    public void A_complete_case_builds_with_every_value_in_SI_units()
    {
        var setup = Build(CaseText.Valid);
        var cell = setup.Cell;
        var electrode = cell.WorkingElectrode;

        Assert.Equal("SiO@C-l test", setup.Name);
        Assert.True(cell.IsHalfCell);
        Assert.Equal(298.15, cell.Temperature);
        Assert.Same(Electrolytes.Valoen2005, cell.Electrolyte);
        Assert.Equal(1000.0, cell.InitialElectrolyteConcentration);
        Assert.Equal(25e-6, cell.Separator.Thickness, 1e-15);
        Assert.Equal(0.55, cell.Separator.Porosity);

        Assert.Equal("SiO@C-l", electrode.Name);
        Assert.Equal(16.7e-6, electrode.Thickness, 1e-15);
        Assert.Equal(1.5e-6, electrode.ParticleRadius, 1e-15);
        Assert.Equal(1.45, electrode.BruggemanElectrolyte);
        // c_max = 3600 Q ρ / F = 3600 · 2000 · 2150 / 96485.33 ≈ 1.604e5 mol/m³
        Assert.Equal(1.6044e5, electrode.MaxConcentration, 0.0001e5);
        Assert.Equal(3600.0 * 2000 * 2150 / PhysicalConstants.Faraday, electrode.MaxConcentration, 1e-9);
        // σ_eff = σ_s ε_s^1.5 = 10 · 0.5^1.5
        Assert.Equal(10 * Math.Pow(0.5, 1.5), electrode.EffectiveConductivity, 1e-12);
        Assert.Equal(4.12e-13, electrode.SolidDiffusivity);
        Assert.Equal(4.0e4, electrode.ExchangeCurrentPrefactor);
        Assert.Equal(12060, electrode.ReactionActivationEnergy);
        Assert.Equal(0.005, electrode.InitialStateOfLithiation);
        Assert.IsType<SiOStandInOcp>(electrode.OpenCircuitPotential);
        Assert.Equal(0.01, electrode.OpenCircuitPotential.Evaluate(1.0, out _), 1e-12);

        var step = Assert.Single(setup.Protocol.Steps);
        Assert.Equal("lithiation", step.Label);
        Assert.Equal(ControlMode.Current, step.Mode);
        Assert.Equal(50.0, step.Value, 1e-12); // 5 mA/cm² = 50 A/m²
        Assert.Equal(36000, step.MaxDuration);
        Assert.Equal(new StopCondition(StopQuantity.Voltage, true, 0.01), Assert.Single(step.Stops));

        Assert.Equal(new MeshSettings { SeparatorCells = 8, ElectrodeCells = 16, ParticleShells = 10 }, setup.Mesh);
        Assert.Equal(1e-4, setup.Solver.RelativeTolerance);
        Assert.Equal(5, setup.Solver.MaxOrder);
        Assert.Equal(FaceAverage.Harmonic, setup.FaceAverage);
        Assert.Equal(new OutputSettings { Fields = true, EveryNSteps = 1 }, setup.Output);
        Assert.Equal(CaseText.Valid, setup.CaseText);
    }

    [Fact]
    public void Provenance_is_copied_as_JSON_and_notes_are_kept_by_key_path()
    {
        var setup = Build(CaseText.Valid);
        using var json = JsonDocument.Parse(setup.ProvenanceJson);
        Assert.Equal("10.1007/s40820-023-01267-9", json.RootElement.GetProperty("doi").GetString());
        Assert.Equal("rebuilt: SiO density", json.RootElement.GetProperty("notes").GetProperty("electrode.active_density_kg_m3").GetString());
        Assert.StartsWith("calibrated:", setup.ParameterNotes["electrode.kinetics.exchange_current_prefactor_A_m2"]);
    }

    [Fact]
    public void Omitted_optional_sections_take_the_documented_defaults()
    {
        string text = CaseText.WithoutSections("mesh", "solver", "output", "lithium_foil");
        var setup = Build(text);
        Assert.Equal(new MeshSettings(), setup.Mesh);
        // A P2D case without OCP hysteresis takes one-iteration acceptance (CaseBuilder; OneIterationAcceptanceRunTests).
        Assert.Equal(new ElectrodeSim.Numerics.TimeIntegration.BdfOptions { OneIterationAcceptance = true }, setup.Solver);
        Assert.Equal(FaceAverage.Harmonic, setup.FaceAverage);
        Assert.Equal(new OutputSettings(), setup.Output);
        var foil = setup.Cell.LithiumFoil!;
        var defaults = new ElectrodeSim.Model.LithiumFoilParameters();
        Assert.Equal(defaults.RateCoefficient, foil.RateCoefficient);
        Assert.Equal(defaults.LithiumConcentration, foil.LithiumConcentration);
    }

    [Fact]
    public void Specific_current_is_scaled_by_the_active_mass_per_area()
    {
        var setup = Build(CaseText.With("current_density_mA_cm2: 5", "specific_current_A_g: 0.1"));
        // ε_s ρ L = 0.5 · 2150 kg/m³ · 16.7 µm = 0.0179525 kg/m² = 17.9525 g/m²
        Assert.Equal(0.1 * 17.9525, setup.Protocol.Steps[0].Value, 1e-9);
    }

    [Fact]
    public void A_C_rate_is_a_multiple_of_the_theoretical_capacity_per_hour_unless_1C_is_given()
    {
        var setup = Build(CaseText.With("current_density_mA_cm2: 5", "c_rate: 2"));
        var e = setup.Cell.WorkingElectrode;
        double oneC = e.ActiveVolumeFraction * e.MaxConcentration * PhysicalConstants.Faraday * e.Thickness / 3600;
        Assert.Equal(2 * oneC, setup.Protocol.Steps[0].Value, 1e-9);
        // ≈ 1.6e5 · 0.5 · 96485 · 16.7e-6 / 3600 ≈ 35.9 A/m² (2000 mAh/g × 17.95 g/m²)
        Assert.Equal(2000 * 17.9525 / 1000, oneC, 1e-6);

        var given = Build(CaseText.With("current_density_mA_cm2: 5", "c_rate: 2")
            .Replace("  temperature_K: 298.15", "  temperature_K: 298.15\n  one_c_current_density_A_m2: 24"));
        Assert.Equal(48.0, given.Protocol.Steps[0].Value, 1e-12);
    }

    [Fact]
    public void Rest_voltage_and_current_stop_conditions_become_protocol_steps()
    {
        const string more = """
              - mode: rest
                max_duration_s: 600
              - label: hold
                mode: voltage
                voltage_V: 0.01
                stop:
                  current_below_A_m2: 0.5
              - mode: current
                current_density_A_m2: -20
                stop:
                  voltage_above_V: 1.5

            """;
        var text = CaseText.With("\nmesh:", "\n" + more + "mesh:");
        var steps = Build(text).Protocol.Steps;
        Assert.Equal(4, steps.Count);
        Assert.Equal((ControlMode.Rest, 0.0, 600.0, "step 2"), (steps[1].Mode, steps[1].Value, steps[1].MaxDuration, steps[1].Label));
        Assert.Equal((ControlMode.Voltage, 0.01), (steps[2].Mode, steps[2].Value));
        Assert.Equal(new StopCondition(StopQuantity.CurrentMagnitude, true, 0.5), Assert.Single(steps[2].Stops));
        Assert.Equal(-20.0, steps[3].Value);
        Assert.Equal(double.PositiveInfinity, steps[3].MaxDuration);
        Assert.Equal(new StopCondition(StopQuantity.Voltage, false, 1.5), Assert.Single(steps[3].Stops));
    }

    [Fact]
    public void An_effective_conductivity_and_a_maximum_concentration_are_used_as_given()
    {
        var text = CaseText.With("solid_conductivity_S_m: 10", "effective_conductivity_S_m: 2.5")
            .Replace("max_capacity_mAh_g: 2000", "max_concentration_mol_m3: 150000")
            .Replace("face_average: harmonic", "face_average: arithmetic");
        var setup = Build(text);
        Assert.Equal(2.5, setup.Cell.WorkingElectrode.EffectiveConductivity);
        Assert.Equal(150000, setup.Cell.WorkingElectrode.MaxConcentration);
        Assert.Equal(FaceAverage.Arithmetic, setup.FaceAverage);
    }

    [Fact]
    public void An_OCP_table_is_read_relative_to_the_case_file()
    {
        var setup = Build(CaseText.With(CaseText.OcpBlock, "  ocp:\n    table: ocp.csv\n"));
        var ocp = Assert.IsType<TabulatedOcp>(setup.Cell.WorkingElectrode.OpenCircuitPotential);
        Assert.Equal(0.2, ocp.Evaluate(0.5, out _), 1e-12);
    }

    [Fact]
    public void A_case_file_is_loaded_from_disk_with_tables_beside_it()
    {
        string path = Path.Combine(_directory.Path, "case.yaml");
        File.WriteAllText(path, CaseText.With(CaseText.OcpBlock, "  ocp:\n    table: ocp.csv\n"));
        var document = CaseFile.Load(path);
        Assert.Equal("case.yaml", document.SourceName);
        Assert.Equal(_directory.Path, document.BaseDirectory);
        Assert.Equal("16.7", document.TextAt("electrode.thickness_um"));
        Assert.Equal("SiO@C-l test", CaseBuilder.Build(document).Name);
    }
}
