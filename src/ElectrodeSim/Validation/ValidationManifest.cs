using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ElectrodeSim.Validation;

/// <summary>
/// <c>validation.yaml</c> of a validation directory: which case files are compared with which reference
/// files, over which voltage window and with which tolerances. Paths are relative to the manifest.
/// <code>
/// title: Marquis2019 full cell against COMSOL
/// reference_directory: ../../../shared/reference/marquis2019
/// voltage_window_above_V: 3.105
/// cases:
///   - case: marquis2019-1C.yaml
///     voltage: comsol_1C_voltage.csv
///     max_voltage_error_mV: 1
///     fields: {electrolyte: comsol_1C_electrolyte_fields.csv, negative_electrode: …, positive_electrode: …}
///     max_electrolyte_concentration_error_percent: 1
/// </code>
/// </summary>
public sealed record ValidationManifest
{
    public const string FileName = "validation.yaml";

    public string? Title { get; init; }
    /// <summary>Directory of the reference files, relative to the manifest.</summary>
    public string? ReferenceDirectory { get; init; }
    /// <summary>Voltages are compared where the reference voltage is above this [V]; default: everywhere.</summary>
    [YamlMember(Alias = "voltage_window_above_V", ApplyNamingConventions = false)]
    public double? VoltageWindowAboveV { get; init; }
    public List<ValidationCase>? Cases { get; init; }

    /// <summary>The manifest's own path (set by <see cref="Load"/>).</summary>
    [YamlIgnore]
    public string Path { get; init; } = "";

    /// <summary>Reads <paramref name="path"/>: a manifest file, or a directory holding <see cref="FileName"/>.</summary>
    public static ValidationManifest Load(string path)
    {
        string file = Directory.Exists(path) ? System.IO.Path.Combine(path, FileName) : path;
        if (!File.Exists(file)) throw new FileNotFoundException($"validation manifest not found: {System.IO.Path.GetFullPath(file)}", file);
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        var manifest = deserializer.Deserialize<ValidationManifest>(File.ReadAllText(file)) ?? new ValidationManifest();
        if (manifest.Cases is not { Count: > 0 }) throw new InvalidDataException($"{file}: no cases");
        foreach (var (c, k) in manifest.Cases.Select((c, k) => (c, k)))
            if (string.IsNullOrEmpty(c.Case) || string.IsNullOrEmpty(c.Voltage))
                throw new InvalidDataException($"{file}: cases[{k}] needs case and voltage");
        return manifest with { Path = System.IO.Path.GetFullPath(file) };
    }

    /// <summary>Directory of the manifest.</summary>
    public string BaseDirectory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Absolute path of a case file named in the manifest.</summary>
    public string CasePath(ValidationCase c) => System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, c.Case!));

    /// <summary>Absolute reference directory: <paramref name="overrideDirectory"/> if given, else the manifest's.</summary>
    public string ReferencePath(string? overrideDirectory = null) =>
        System.IO.Path.GetFullPath(overrideDirectory ?? System.IO.Path.Combine(BaseDirectory, ReferenceDirectory ?? "."));
}

/// <summary>One case of a validation manifest with its reference files and tolerances.</summary>
public sealed record ValidationCase
{
    /// <summary>Case file, relative to the manifest.</summary>
    public string? Case { get; init; }
    /// <summary>Reference voltage CSV (<c>time_s</c>, <c>voltage_V</c>), relative to the reference directory.</summary>
    public string? Voltage { get; init; }
    /// <summary>Tolerance on the largest |ΔV| in the window [mV].</summary>
    [YamlMember(Alias = "max_voltage_error_mV", ApplyNamingConventions = false)]
    public double? MaxVoltageErrorMV { get; init; }
    /// <summary>Reference field CSVs, if any.</summary>
    public FieldFiles? Fields { get; init; }
    /// <summary>Tolerance on the largest relative electrolyte-concentration error [%].</summary>
    public double? MaxElectrolyteConcentrationErrorPercent { get; init; }
}

/// <summary>
/// Field CSVs: <c>electrolyte</c> with columns <c>time_s, x_m, c_e_mol_m3, phi_e_V</c>; the electrodes with
/// <c>time_s, x_m, c_s_surf_mol_m3, phi_s_V</c>.
/// </summary>
public sealed record FieldFiles
{
    public string? Electrolyte { get; init; }
    public string? NegativeElectrode { get; init; }
    public string? PositiveElectrode { get; init; }
}
