using ElectrodeSim.Cases;

namespace ElectrodeSim.Tests.Cases;

public sealed class CaseErrorTests : IClassFixture<CaseDirectory>
{
    private readonly CaseDirectory _directory;

    public CaseErrorTests(CaseDirectory directory) => _directory = directory;

    /// <summary>Parses, validates and builds; returns the validation error a broken case must raise.</summary>
    private CaseValidationException Reject(string text) =>
        Assert.Throws<CaseValidationException>(() => CaseBuilder.Build(CaseFile.Parse(text, "broken.yaml", _directory.Path)));

    /// <summary>One mutation of the valid case per row: the fragment replaced, its replacement, and what the message must contain.</summary>
    public static TheoryData<string, string, string, string, string> Mutations => new()
    {
        // description, find, replace, key path, value
        { "unknown nested key", "activation_energy_J_mol: 12060", "activation_energy_kJ_mol: 12.06", "electrode.kinetics.activation_energy_kJ_mol", "did you mean activation_energy_J_mol" },
        { "unknown key in a protocol step", "voltage_below_V: 0.01", "voltage_under_V: 0.01", "protocol[0].stop.voltage_under_V", "'voltage_under_V'" },
        { "unknown section", "\nmesh:", "\nmeshes:", "meshes", "did you mean mesh" },
        { "missing required key", "  particle_radius_um: 1.5\n", "", "electrode.particle_radius_um", "missing (particle radius" },
        { "missing required section", "  kinetics:\n", "  kinetic:\n", "electrode.kinetic", "'kinetic'" },
        { "text where a number belongs", "thickness_um: 16.7", "thickness_um: thick", "electrode.thickness_um", "thick is not a number" },
        { "a mapping where a number belongs", "temperature_K: 298.15", "temperature_K: {value: 298.15}", "cell.temperature_K", "a mapping is not a number" },
        { "a fraction where an integer belongs", "separator_cells: 8", "separator_cells: 8.5", "mesh.separator_cells", "8.5 is not an integer" },
        { "negative thickness", "thickness_um: 16.7", "thickness_um: -3", "electrode.thickness_um", "-3 is not > 0" },
        { "infinite diffusivity", "solid_diffusivity_m2_s: 4.12e-13", "solid_diffusivity_m2_s: .inf", "electrode.solid_diffusivity_m2_s", ".inf is not a finite number > 0" },
        { "porosity of more than one", "porosity: 0.55", "porosity: 1.2", "separator.porosity", "1.2 is not in (0, 1]" },
        { "electrode porosity of one", "porosity: 0.3", "porosity: 1", "electrode.porosity", "1 is not in (0, 1)" },
        { "porosity and active fraction filling more than the electrode", "porosity: 0.3", "porosity: 0.6", "electrode.porosity + electrode.active_volume_fraction", "0.6 + 0.5 = 1.1 is not <= 1" },
        { "Bruggeman exponent out of range", "bruggeman: 1.45", "bruggeman: 7", "electrode.bruggeman", "7 is not in [0, 5]" },
        { "initial state of lithiation out of range", "initial_state_of_lithiation: 0.005", "initial_state_of_lithiation: 1.2", "electrode.initial_state_of_lithiation", "1.2 is not in (0, 1)" },
        { "transfer coefficient out of range", "anodic_transfer_coefficient: 0.5", "anodic_transfer_coefficient: 1.5", "electrode.kinetics.anodic_transfer_coefficient", "1.5 is not in (0, 1)" },
        { "negative film resistance", "film_resistance_ohm_m2: 0", "film_resistance_ohm_m2: -0.1", "electrode.kinetics.film_resistance_ohm_m2", "-0.1 is not >= 0" },
        { "activation energy in J/mol beyond 200 kJ/mol", "activation_energy_J_mol: 12060", "activation_energy_J_mol: 250000", "electrode.kinetics.activation_energy_J_mol", "250000 is not in [0, 200000) J/mol" },
        { "conductivity given twice", "solid_bruggeman: 1.5", "solid_bruggeman: 1.5\n  effective_conductivity_S_m: 3", "electrode", "solid_conductivity_S_m: 10 with effective_conductivity_S_m: 3 is not exactly one of" },
        { "no capacity", "  max_capacity_mAh_g: 2000\n", "", "electrode.max_capacity_mAh_g", "missing (or electrode.max_concentration_mol_m3" },
        { "unknown electrolyte", "correlation: Valoen2005", "correlation: Valoen2004", "electrolyte.correlation", "Valoen2004 is not one of Valoen2005, Nyman2008" },
        { "unknown OCP function", "function: sio_stand_in", "function: sio_standin", "electrode.ocp.function", "sio_standin is not one of sio_stand_in" },
        { "missing OCP table file", CaseText.OcpBlock, "  ocp:\n    table: no_such_table.csv\n", "electrode.ocp.table", "no_such_table.csv is not an existing file" },
        { "OCP table with decreasing theta", CaseText.OcpBlock, "  ocp:\n    table: decreasing.csv\n", "electrode.ocp.table", "decreasing.csv is not a θ,U table" },
        { "both OCP function and table", "function: sio_stand_in", "function: sio_stand_in\n    table: ocp.csv", "electrode.ocp", "function: sio_stand_in with table: ocp.csv is not exactly one of function, table" },
        { "stand-in end potential out of range", "end_potential_V: 0.01", "end_potential_V: 0.8", "electrode.ocp.parameters.end_potential_V", "0.8 is not in [0, 0.5] V" },
        { "stand-in step width zero", "step_width: 0.05", "step_width: 0", "electrode.ocp.parameters.step_width", "0 is not > 0" },
        { "stand-in step centre missing", "      step_centre: 0.3\n", "", "electrode.ocp.parameters.step_centre", "missing" },
        { "cut-off above the open-circuit voltage", "voltage_below_V: 0.01", "voltage_below_V: 0.9", "protocol[0].stop.voltage_below_V", "0.9 is not below U(θ0 = 0.005) = 0.5" },
        { "two current keys in one step", "current_density_mA_cm2: 5", "current_density_mA_cm2: 5\n    c_rate: 1", "protocol[0]", "current_density_mA_cm2: 5 with c_rate: 1 is not exactly one of" },
        { "no current key", "    current_density_mA_cm2: 5\n", "", "protocol[0]", "missing (for mode current, one of current_density_A_m2" },
        { "zero current", "current_density_mA_cm2: 5", "current_density_mA_cm2: 0", "protocol[0].current_density_mA_cm2", "0 is not a finite, non-zero current" },
        { "no stop and no duration", "    max_duration_s: 36000\n    stop:\n      voltage_below_V: 0.01\n", "", "protocol[0]", "missing (a finite max_duration_s or a stop condition" },
        { "bad mode", "mode: current", "mode: galvanostatic", "protocol[0].mode", "galvanostatic is not one of current, voltage, rest" },
        { "voltage key in a current step", "max_duration_s: 36000", "max_duration_s: 36000\n    voltage_V: 0.1", "protocol[0].voltage_V", "0.1 is not accepted in a current step" },
        { "current stop in a current step", "voltage_below_V: 0.01", "voltage_below_V: 0.01\n      current_below_A_m2: 1", "protocol[0].stop.current_below_A_m2", "1 is not accepted in a current step" },
        { "empty protocol", CaseText.ProtocolBlock, "protocol: []\n", "protocol", "an empty sequence is not a non-empty sequence of steps" },
        { "a step that is not a mapping", CaseText.ProtocolBlock, "protocol:\n  - 5\n", "protocol[0]", "5 is not a mapping with keys label, mode" },
        { "mesh cells zero", "electrode_cells: 16", "electrode_cells: 0", "mesh.electrode_cells", "0 is not an integer in [1, 2000]" },
        { "mesh cells too many", "particle_shells: 10", "particle_shells: 5000", "mesh.particle_shells", "5000 is not an integer in [1, 2000]" },
        { "tolerance out of range", "relative_tolerance: 1.0e-4", "relative_tolerance: 0.5", "solver.relative_tolerance", "0.5 is not in (0, 0.1)" },
        { "BDF order out of range", "max_order: 5", "max_order: 6", "solver.max_order", "6 is not an integer in [1, 5]" },
        { "bad face average", "face_average: harmonic", "face_average: geometric", "solver.face_average", "geometric is not one of harmonic, arithmetic" },
        { "linear solver key on a P2D case", "face_average: harmonic", "face_average: harmonic\n  linear: direct", "solver.linear", "direct is not accepted in a P2D case: only a case with a resolved: section chooses its linear solver" },
        { "output every zero steps", "every_n_steps: 1", "every_n_steps: 0", "output.every_n_steps", "0 is not an integer >= 1" },
        { "provenance note that is not text", "electrode.active_density_kg_m3: \"rebuilt: SiO density\"", "electrode.active_density_kg_m3: {text: rebuilt}", "provenance.notes.electrode.active_density_kg_m3", "a mapping is not a text value" },
        { "unknown cell type", "type: half", "type: coin", "cell.type", "coin is not one of half, full" },
        { "full cell with the sections of a half cell", "type: half", "type: full", "electrode", "a mapping is not accepted with cell.type full" },
        { "full cell without its electrodes", "type: half", "type: full", "positive_electrode", "missing (section: the positive electrode of the full cell)" },
        { "full-cell electrode in a half cell", "\nmesh:", "\nnegative_electrode:\n  thickness_um: 50\nmesh:", "negative_electrode", "a mapping is not accepted with cell.type half" },
        { "per-electrode mesh count in a half cell", "particle_shells: 10", "particle_shells: 10\n  positive_particle_shells: 20", "mesh.positive_particle_shells", "20 is not accepted with cell.type half" },
        { "shell grading of one", "particle_shells: 10", "particle_shells: 10\n  particle_surface_refinement: 1", "mesh.particle_surface_refinement", "1 is not in [0, 1)" },
        { "rate constant with a prefactor", "exchange_current_prefactor_A_m2: 4.0e4", "exchange_current_prefactor_A_m2: 4.0e4\n    rate_constant: 2e-5", "electrode.kinetics", "exchange_current_prefactor_A_m2: 4.0e4 with rate_constant: 2e-5 is not exactly one of" },
        { "reference temperature without a rate constant", "exchange_current_prefactor_A_m2: 4.0e4", "exchange_current_prefactor_A_m2: 4.0e4\n    reference_temperature_K: 298.15", "electrode.kinetics.reference_temperature_K", "298.15 is not accepted without rate_constant" },
        { "rate constant with its reference temperature in Celsius", "exchange_current_prefactor_A_m2: 4.0e4", "rate_constant: 2e-5\n    reference_temperature_K: 25", "electrode.kinetics.reference_temperature_K", "25 is not in (200, 400) K" },
        { "unknown solid diffusivity function", "solid_diffusivity_m2_s: 4.12e-13", "solid_diffusivity_function: graphite_ecker2016", "electrode.solid_diffusivity_function", "graphite_ecker2016 is not one of graphite_ecker2015, nco_ecker2015" },
        { "solid diffusivity given twice", "solid_diffusivity_m2_s: 4.12e-13", "solid_diffusivity_m2_s: 4.12e-13\n  solid_diffusivity_function: nco_ecker2015", "electrode", "solid_diffusivity_m2_s: 4.12e-13 with solid_diffusivity_function: nco_ecker2015 is not exactly one of" },
        { "activation energy of a diffusivity function", "solid_diffusivity_m2_s: 4.12e-13", "solid_diffusivity_function: nco_ecker2015\n  solid_diffusivity_activation_energy_J_mol: 3000", "electrode.solid_diffusivity_activation_energy_J_mol", "3000 is not accepted with solid_diffusivity_function" },
        { "initial state given twice", "initial_state_of_lithiation: 0.005", "initial_state_of_lithiation: 0.005\n  initial_concentration_mol_m3: 100", "electrode", "initial_state_of_lithiation: 0.005 with initial_concentration_mol_m3: 100 is not exactly one of" },
        { "initial concentration above the maximum", "initial_state_of_lithiation: 0.005", "initial_concentration_mol_m3: 2.0e5", "electrode.initial_concentration_mol_m3", "2.0e5 is not < c_s,max = 160439 mol/m³" },
        { "transference number of one or more", "initial_concentration_mol_m3: 1000", "initial_concentration_mol_m3: 1000\n  transference_number: 1.2", "electrolyte.transference_number", "1.2 is not in (0, 1)" },
        { "unknown parameter set", "name: SiO@C-l test", "name: SiO@C-l test\nparameter_set: Marquis2018", "parameter_set", "Marquis2018 is not one of Chen2020, Ecker2015, Marquis2019 (did you mean Marquis2019?)" },
        { "parameter set version that does not exist", "name: SiO@C-l test", "name: SiO@C-l test\nparameter_set: Marquis2019@7", "parameter_set", "Marquis2019@7 is not an available version: Marquis2019@2" },
        { "temperature in Celsius", "temperature_K: 298.15", "temperature_K: 25", "cell.temperature_K", "25 is not in (200, 400) K" },
        { "missing temperature", "  temperature_K: 298.15\n", "", "cell.temperature_K", "missing (cell temperature [K])" },
        { "lithium foil transfer coefficient out of range", "transfer_coefficient: 0.5\nelectrolyte", "transfer_coefficient: 1\nelectrolyte", "lithium_foil.transfer_coefficient", "1 is not in (0, 1)" },
        { "repeated key", "  porosity: 0.3\n", "  porosity: 0.3\n  porosity: 0.35\n", "electrode.porosity", "a repeated key is not allowed: it is already given on line" },
        { "YAML syntax error: unclosed bracket", "  porosity: 0.55", "  porosity: [0.55", "separator.porosity", "'porosity: [0.55' is not valid YAML" },
        { "YAML syntax error: colon inside a plain value", "thickness_um: 25", "thickness_um: 25: 3", "separator.thickness_um", "'thickness_um: 25: 3' is not valid YAML" },
        { "YAML syntax error: unclosed quote", "name: SiO@C-l test", "name: \"SiO@C-l test", "name", "'name: \"SiO@C-l test' is not valid YAML" },
        { "two YAML documents", "name: SiO@C-l test", "name: SiO@C-l test\n---\nname: other", "(document)", "a second document (---) is not allowed" },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void A_broken_case_is_rejected_naming_the_key_path_and_the_value(string description, string find, string replace, string path, string value)
    {
        var error = Reject(CaseText.With(find, replace));
        Assert.True(error.Message.Contains(path, StringComparison.Ordinal), $"{description}: '{path}' not in: {error.Message}");
        Assert.True(error.Message.Contains(value, StringComparison.Ordinal), $"{description}: '{value}' not in: {error.Message}");
        Assert.Contains(error.Errors, e => e.Path == path);
        Assert.All(error.Errors, e => Assert.NotNull(e.Line));
    }

    [Fact]
    public void The_cut_off_check_says_the_cut_off_is_above_the_open_circuit_voltage()
    {
        var error = Reject(CaseText.With("voltage_below_V: 0.01", "voltage_below_V: 0.9"));
        var cutOff = Assert.Single(error.Errors);
        Assert.Contains("cut-off above the open-circuit voltage", cutOff.ToString());
        Assert.Equal("0.9", cutOff.Value);
    }

    [Fact]
    public void A_cut_off_is_not_compared_with_the_initial_OCV_once_a_step_has_passed_charge()
    {
        const string cycle = """
              - mode: current
                current_density_A_m2: -10
                stop:
                  voltage_above_V: 1.0
              - mode: current
                current_density_A_m2: 10
                stop:
                  voltage_below_V: 0.9

            """;
        var text = CaseText.With("\nmesh:", "\n" + cycle + "mesh:");
        CaseBuilder.Build(CaseFile.Parse(text, "cycle.yaml", _directory.Path));
    }

    [Fact]
    public void A_case_with_several_errors_reports_all_of_them()
    {
        string text = CaseText.Valid
            .Replace("thickness_um: 16.7", "thickness_um: -3")
            .Replace("porosity: 0.55", "porosity: 1.2")
            .Replace("correlation: Valoen2005", "correlation: Valoen2004")
            .Replace("type: half", "type: coin")
            .Replace("electrode_cells: 16", "electrode_cells: 0")
            .Replace("face_average: harmonic", "face_average: geometric")
            .Replace("    current_density_mA_cm2: 5\n", "");
        var error = Reject(text);
        string[] paths = ["electrode.thickness_um", "separator.porosity", "electrolyte.correlation", "cell.type", "mesh.electrode_cells", "solver.face_average", "protocol[0]"];
        Assert.Equal(paths.Length, error.Errors.Count);
        foreach (var path in paths) Assert.Contains(error.Errors, e => e.Path == path);
        Assert.Contains($"{paths.Length} problems", error.Message);
        Assert.Contains("electrode.thickness_um: -3 is not > 0 (line ", error.Message);
    }

    [Fact]
    public void An_error_points_at_the_line_of_the_offending_value()
    {
        var error = Reject(CaseText.With("thickness_um: 16.7", "thickness_um: -3"));
        var e = Assert.Single(error.Errors);
        int line = CaseText.Valid.Split('\n').ToList().FindIndex(l => l.Contains("thickness_um: 16.7")) + 1;
        Assert.Equal(line, e.Line);
        Assert.Equal("electrode.thickness_um: -3 is not > 0", e.ToString());
    }

    [Fact]
    public void An_empty_file_is_rejected_as_empty()
    {
        var error = Assert.Throws<CaseValidationException>(() => CaseFile.Parse("# only a comment\n", "empty.yaml", _directory.Path));
        Assert.Contains("empty.yaml", error.Message);
        Assert.Contains("an empty file is not a case", error.Message);
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_rejected()
    {
        var error = Assert.Throws<CaseValidationException>(() => CaseFile.Parse("- name: x\n- name: y\n", "list.yaml", _directory.Path));
        Assert.Contains("a sequence is not a mapping with name, cell", error.Message);
    }

    [Fact]
    public void A_missing_case_file_is_reported_by_its_path()
    {
        string path = Path.Combine(_directory.Path, "nowhere.yaml");
        var error = Assert.Throws<FileNotFoundException>(() => CaseFile.Load(path));
        Assert.Equal(path, error.FileName);
        Assert.Contains("case file not found", error.Message);
    }

    [Fact]
    public void Every_key_of_the_documented_case_layout_is_a_key_of_the_records()
    {
        string[] documented =
        [
            "name", "description", "provenance.title", "provenance.source", "provenance.doi", "provenance.notes",
            "parameter_set", "provenance.version",
            "cell.type", "cell.temperature_K", "cell.one_c_current_density_A_m2",
            "lithium_foil.rate_coefficient_m_s", "lithium_foil.lithium_concentration_mol_m3", "lithium_foil.transfer_coefficient",
            "electrolyte.correlation", "electrolyte.initial_concentration_mol_m3", "electrolyte.reference_concentration_mol_m3", "electrolyte.transference_number",
            "separator.thickness_um", "separator.porosity", "separator.bruggeman",
            "electrode.name", "electrode.thickness_um", "electrode.porosity", "electrode.active_volume_fraction", "electrode.particle_radius_um",
            "electrode.bruggeman", "electrode.solid_conductivity_S_m", "electrode.effective_conductivity_S_m", "electrode.solid_bruggeman",
            "electrode.active_density_kg_m3", "electrode.max_capacity_mAh_g", "electrode.max_concentration_mol_m3",
            "electrode.initial_state_of_lithiation", "electrode.solid_diffusivity_m2_s", "electrode.solid_diffusivity_activation_energy_J_mol",
            "electrode.kinetics.exchange_current_prefactor_A_m2", "electrode.kinetics.activation_energy_J_mol",
            "electrode.kinetics.anodic_transfer_coefficient", "electrode.kinetics.cathodic_transfer_coefficient", "electrode.kinetics.film_resistance_ohm_m2",
            "electrode.ocp.function", "electrode.ocp.table", "electrode.ocp.parameters.end_potential_V", "electrode.ocp.parameters.plateau_slope_V",
            "electrode.ocp.parameters.step_height_V", "electrode.ocp.parameters.step_centre", "electrode.ocp.parameters.step_width",
            "protocol[].label", "protocol[].mode", "protocol[].current_density_A_m2", "protocol[].current_density_mA_cm2",
            "protocol[].specific_current_A_g", "protocol[].c_rate", "protocol[].voltage_V", "protocol[].max_duration_s",
            "protocol[].stop.voltage_below_V", "protocol[].stop.voltage_above_V", "protocol[].stop.current_below_A_m2",
            "mesh.separator_cells", "mesh.electrode_cells", "mesh.particle_shells", "mesh.particle_surface_refinement",
            "mesh.negative_electrode_cells", "mesh.positive_electrode_cells", "mesh.negative_particle_shells", "mesh.positive_particle_shells",
            "electrode.initial_concentration_mol_m3", "electrode.solid_diffusivity_function",
            "electrode.kinetics.rate_constant", "electrode.kinetics.reference_temperature_K",
            "negative_electrode.thickness_um", "negative_electrode.kinetics.rate_constant", "negative_electrode.ocp.function",
            "positive_electrode.thickness_um", "positive_electrode.kinetics.rate_constant", "positive_electrode.ocp.function",
            "solver.relative_tolerance", "solver.max_order", "solver.fixed_step_s", "solver.face_average", "solver.linear",
            "output.fields", "output.every_n_steps",
        ];
        var schema = CaseSchema.AllKeyPaths().ToHashSet();
        Assert.All(documented, key => Assert.Contains(key, schema));
    }

    [Fact]
    public void Every_case_file_in_the_repository_passes_validation()
    {
        var files = Directory.GetFiles(CaseText.RepositoryCases, "*.yaml");
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.Empty(CaseValidator.FindErrors(CaseFile.Load(file))));
    }

    [Fact]
    public void Every_validation_case_in_the_repository_passes_validation()
    {
        string validation = Path.Combine(Path.GetDirectoryName(CaseText.RepositoryCases)!, "validation");
        var files = Directory.GetFiles(validation, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != ElectrodeSim.Validation.ValidationManifest.FileName)
            .Where(f => !f.EndsWith(".data.yaml", StringComparison.Ordinal) && !f.EndsWith(".fit.yaml", StringComparison.Ordinal)).ToList();   // measured-data sidecars, fit specs
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.Empty(CaseValidator.FindErrors(CaseFile.Load(file))));
    }

    [Fact]
    public void Every_key_path_in_the_valid_case_is_present_for_provenance_notes()
    {
        var document = CaseFile.Parse(CaseText.Valid, "valid.yaml", _directory.Path);
        Assert.Contains("protocol[0].stop.voltage_below_V", document.KeyPaths);
        Assert.Contains("electrode.kinetics.exchange_current_prefactor_A_m2", document.KeyPaths);
        Assert.Empty(CaseValidator.FindErrors(document));
    }
}
