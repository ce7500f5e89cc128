namespace ElectrodeSim.Tests.Cases;

/// <summary>A complete, valid half-cell case and helpers to break it one key at a time.</summary>
internal static class CaseText
{
    public const string Valid = """
        name: SiO@C-l test
        description: rebuilt SiO@C-l half cell for the case-file tests
        provenance:
          title: Interface conductive network and fast charging of SiO anodes
          source: Zhang et al., Nano-Micro Lett. 16:43 (2024)
          doi: 10.1007/s40820-023-01267-9
          notes:
            electrode.kinetics.exchange_current_prefactor_A_m2: "calibrated: capacity at 5 mA/cm²"
            electrode.active_density_kg_m3: "rebuilt: SiO density"
        cell:
          type: half
          temperature_K: 298.15
        lithium_foil:
          rate_coefficient_m_s: 3.5e-8
          transfer_coefficient: 0.5
        electrolyte:
          correlation: Valoen2005
          initial_concentration_mol_m3: 1000
        separator:
          thickness_um: 25
          porosity: 0.55
          bruggeman: 1.5
        electrode:
          name: SiO@C-l
          thickness_um: 16.7
          porosity: 0.3
          active_volume_fraction: 0.5
          particle_radius_um: 1.5
          bruggeman: 1.45
          solid_conductivity_S_m: 10
          solid_bruggeman: 1.5
          active_density_kg_m3: 2150
          max_capacity_mAh_g: 2000
          initial_state_of_lithiation: 0.005
          solid_diffusivity_m2_s: 4.12e-13
          kinetics:
            exchange_current_prefactor_A_m2: 4.0e4
            activation_energy_J_mol: 12060
            anodic_transfer_coefficient: 0.5
            cathodic_transfer_coefficient: 0.5
            film_resistance_ohm_m2: 0
          ocp:
            function: sio_stand_in
            parameters:
              end_potential_V: 0.01
              plateau_slope_V: 0.08
              step_height_V: 0.5
              step_centre: 0.3
              step_width: 0.05
        protocol:
          - label: lithiation
            mode: current
            current_density_mA_cm2: 5
            max_duration_s: 36000
            stop:
              voltage_below_V: 0.01
        mesh:
          separator_cells: 8
          electrode_cells: 16
          particle_shells: 10
        solver:
          relative_tolerance: 1.0e-4
          max_order: 5
          fixed_step_s: 0
          face_average: harmonic
        output:
          fields: true
          every_n_steps: 1
        """;

    /// <summary>The OCP block of <see cref="Valid"/>, to be swapped whole.</summary>
    public const string OcpBlock = """
          ocp:
            function: sio_stand_in
            parameters:
              end_potential_V: 0.01
              plateau_slope_V: 0.08
              step_height_V: 0.5
              step_centre: 0.3
              step_width: 0.05
        """;

    /// <summary>The protocol of <see cref="Valid"/>, to be swapped whole.</summary>
    public const string ProtocolBlock = """
        protocol:
          - label: lithiation
            mode: current
            current_density_mA_cm2: 5
            max_duration_s: 36000
            stop:
              voltage_below_V: 0.01

        """;

    /// <summary>The repository's <c>cases/</c> directory, found above the test binaries.</summary>
    public static string RepositoryCases
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "ElectrodeSim.sln"))) dir = Path.GetDirectoryName(dir);
            return Path.Combine(dir ?? throw new DirectoryNotFoundException("ElectrodeSim.sln not found above " + AppContext.BaseDirectory), "cases");
        }
    }

    /// <summary><see cref="Valid"/> with one unique fragment replaced; fails if the fragment is not there exactly once.</summary>
    public static string With(string find, string replace)
    {
        int first = Valid.IndexOf(find, StringComparison.Ordinal);
        if (first < 0 || Valid.IndexOf(find, first + 1, StringComparison.Ordinal) >= 0)
            throw new ArgumentException($"'{find}' does not occur exactly once in the valid case");
        return Valid[..first] + replace + Valid[(first + find.Length)..];
    }

    /// <summary><see cref="Valid"/> without the named top-level sections.</summary>
    public static string WithoutSections(params string[] sections)
    {
        var kept = new List<string>();
        bool skipping = false;
        foreach (var line in Valid.Split('\n'))
        {
            if (line.Length > 0 && line[0] != ' ') skipping = sections.Any(s => line.StartsWith(s + ":", StringComparison.Ordinal));
            if (!skipping) kept.Add(line);
        }
        return string.Join('\n', kept);
    }
}

/// <summary>A temporary directory holding OCP tables next to the case, removed afterwards.</summary>
public sealed class CaseDirectory : IDisposable
{
    public CaseDirectory()
    {
        Path = Directory.CreateTempSubdirectory("electrodesim-cases-").FullName;
        File.WriteAllText(System.IO.Path.Combine(Path, "ocp.csv"), "# test table\ntheta,U\n0.0,1.0\n0.5,0.2\n1.0,0.01\n");
        File.WriteAllText(System.IO.Path.Combine(Path, "decreasing.csv"), "theta,U\n0.0,1.0\n0.6,0.2\n0.4,0.1\n");
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
