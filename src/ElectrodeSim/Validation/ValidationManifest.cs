using ElectrodeSim.Cases;
using YamlDotNet.Core;
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
///     max_voltage_error_mV: 4.47
///     max_step_voltage_error_mV: 1
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
    /// <summary>COMSOL-reference comparisons (the short form of entries of kind <c>comsol</c>).</summary>
    public List<ValidationCase>? Cases { get; init; }
    /// <summary>Entries of every kind: <c>curve</c>, <c>rate_table</c>, <c>summary</c>, <c>comsol</c> (<see cref="ValidationEntry"/>).</summary>
    public List<ValidationEntry>? Entries { get; init; }

    /// <summary>The manifest's own path (set by <see cref="Load"/>).</summary>
    [YamlIgnore]
    public string Path { get; init; } = "";

    /// <summary>Reads <paramref name="path"/>: a manifest file, or a directory holding <see cref="FileName"/>.</summary>
    public static ValidationManifest Load(string path)
    {
        string file = Directory.Exists(path) ? System.IO.Path.Combine(path, FileName) : path;
        if (!File.Exists(file)) throw new FileNotFoundException($"validation manifest not found: {ElectrodeSim.Cases.DisplayPath.Of(file)}", file);
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance)
            .WithObjectFactory(ElectrodeSim.Cases.YamlObjectFactory.Instance).Build();
        string text = File.ReadAllText(file);
        ValidationManifest manifest;
        try { manifest = deserializer.Deserialize<ValidationManifest>(text) ?? new ValidationManifest(); }
        catch (YamlException e) { throw new InvalidDataException(Describe(file, text, e), e); }
        if (manifest.Cases is not { Count: > 0 } && manifest.Entries is not { Count: > 0 }) throw new InvalidDataException($"{file}: no cases and no entries");
        foreach (var (c, k) in (manifest.Cases ?? []).Select((c, k) => (c, k)))
            if (string.IsNullOrEmpty(c.Case) || string.IsNullOrEmpty(c.Voltage))
                throw new InvalidDataException($"{file}: cases[{k}] needs case and voltage");
        // Entries of kind comsol join the cases: one comparison path for the COMSOL reference.
        var cases = (manifest.Cases ?? []).ToList();
        var entries = new List<ValidationEntry>();
        foreach (var (e, k) in (manifest.Entries ?? []).Select((e, k) => (e, k)))
        {
            foreach (var problem in e.Problems(file, k)) throw new InvalidDataException(problem);
            if (e.Kind == ValidationEntry.Comsol)
                cases.Add(new ValidationCase { Case = e.Case, Voltage = e.Voltage, MaxVoltageErrorMV = e.MaxVoltageErrorMV, MaxStepVoltageErrorMV = e.MaxStepVoltageErrorMV, Fields = e.Fields, MaxElectrolyteConcentrationErrorPercent = e.MaxElectrolyteConcentrationErrorPercent });
            else entries.Add(e);
        }
        return manifest with { Path = System.IO.Path.GetFullPath(file), Cases = cases, Entries = entries };
    }

    /// <summary>
    /// A deserialiser error as the user wrote it: file, line and column, the key path (from the node index of the text), and
    /// for a key the manifest does not know, the keys accepted there (from the record the key was read into).
    /// </summary>
    private static string Describe(string file, string text, YamlException e)
    {
        string where = $"{file}, line {e.Start.Line}, column {e.Start.Column}";
        if (!YamlNodeIndex.TryBuild(text, out var index, out var syntax, out var last))
            return $"{where}: {(last.Length > 0 ? last : "(document)")}: not valid YAML ({(syntax ?? e).Message.TrimEnd('.')})";
        var key = index.StartingAt(e.Start).FirstOrDefault(n => n.IsKey);
        var unknown = System.Text.RegularExpressions.Regex.Match(e.Message, @"^Property '(?<key>[^']*)' not found on type '(?<type>[^']+)'");
        if (key != null && unknown.Success && typeof(ValidationManifest).Assembly.GetType(unknown.Groups["type"].Value) is { } type)
        {
            var accepted = type.GetProperties()
                .Where(p => p.CanWrite && !p.IsDefined(typeof(YamlIgnoreAttribute), true))
                .Select(p => (p.GetCustomAttributes(typeof(YamlMemberAttribute), true).FirstOrDefault() as YamlMemberAttribute)?.Alias
                    ?? UnderscoredNamingConvention.Instance.Apply(p.Name)).ToList();
            string hint = CaseFile.Closest(key.Text ?? "", accepted) is { } near ? $" (did you mean {near}?)" : "";
            return $"{where}: {key.Path}: '{key.Text}' is not a key here{hint}; accepted: {string.Join(", ", accepted)}";
        }
        var node = index.StartingAt(e.Start).FirstOrDefault(n => !n.IsKey) ?? index.Containing(e.Start);
        string reason = (e.InnerException?.Message ?? e.Message).TrimEnd('.');
        return node != null ? $"{where}: {node.Path}: {node.Display} is not accepted ({reason})" : $"{where}: {reason}";
    }

    /// <summary>Directory of the manifest.</summary>
    public string BaseDirectory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Absolute path of a case file named in the manifest.</summary>
    public string CasePath(ValidationCase c) => System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, c.Case!));

    /// <summary>Absolute path of a file named in the manifest (a case, a sidecar).</summary>
    public string Resolve(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, relative));

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
    /// <summary>Tolerance on the largest |ΔV| in the window at the reference's stored output times [mV].</summary>
    [YamlMember(Alias = "max_voltage_error_mV", ApplyNamingConventions = false)]
    public double? MaxVoltageErrorMV { get; init; }
    /// <summary>
    /// Tolerance on the largest |ΔV| in the window at the reference solver's own internal steps, recovered from its stored
    /// voltage (<see cref="InternalStepRecovery"/>) [mV]; exceeded too when no step can be recovered.
    /// </summary>
    [YamlMember(Alias = "max_step_voltage_error_mV", ApplyNamingConventions = false)]
    public double? MaxStepVoltageErrorMV { get; init; }
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

/// <summary>
/// One entry of a validation manifest. <c>curve</c>: a case against a measured curve (<c>data</c>: its sidecar,
/// <see cref="Measured.MeasuredSidecar"/>) on the <c>axis</c> (time or capacity) over <c>window</c> (in the axis's
/// display unit: s, mAh/g or mAh/cm²), with tolerances on RMSE, largest |ΔV| and capacity at cut-off.
/// <c>rate_table</c>: a case run at each current of a rate table (through <c>current_key</c>), capacity error per rate.
/// <c>summary</c>: a case's headline results against published numbers (<c>targets</c>). <c>comsol</c>: the COMSOL
/// reference comparison (<c>voltage</c>, <c>fields</c>; the same as an item of <c>cases</c>).
/// <c>role</c> says whether the data were used to calibrate the case (calibrated) or not (predicted, published).
/// </summary>
public sealed record ValidationEntry
{
    public const string Curve = "curve";
    public const string RateTable = "rate_table";
    public const string Summary = "summary";
    public const string Comsol = "comsol";
    public static IReadOnlyList<string> Kinds { get; } = [Curve, RateTable, Summary, Comsol];

    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    /// <summary>Case file, relative to the manifest.</summary>
    public string? Case { get; init; }
    /// <summary>Case keys set before the run (<c>--set</c> semantics), e.g. <c>protocol[0].c_rate: 0.1</c>.</summary>
    public Dictionary<string, string>? Set { get; init; }
    /// <summary>Measured-data sidecar, relative to the manifest.</summary>
    public string? Data { get; init; }
    /// <summary>Curves: several measured curves of the one case (e.g. rates), each with its own data and keys; or <c>data</c> for one.</summary>
    public List<CurveItem>? Curves { get; init; }
    public string Axis { get; init; } = "time";
    /// <summary>[from, to] on the axis, in s (time) or the capacity's display unit (mAh/g or mAh/cm²).</summary>
    public List<double>? Window { get; init; }
    [YamlMember(Alias = "max_rmse_mV", ApplyNamingConventions = false)]
    public double? MaxRmseMV { get; init; }
    [YamlMember(Alias = "max_abs_error_mV", ApplyNamingConventions = false)]
    public double? MaxAbsErrorMV { get; init; }
    /// <summary>Tolerance on |capacity error| at cut-off (curves) or per rate (rate tables) [%].</summary>
    public double? MaxCapacityErrorPercent { get; init; }
    /// <summary>Rate tables: the case key the current goes into (default <c>protocol[0].current_density_mA_cm2</c>).</summary>
    public string CurrentKey { get; init; } = "protocol[0].current_density_mA_cm2";
    /// <summary>calibrated, predicted or published: what the comparison means (reported, not checked).</summary>
    public string Role { get; init; } = "";
    public string Note { get; init; } = "";
    public List<SummaryTarget>? Targets { get; init; }
    // kind: comsol
    public string? Voltage { get; init; }
    [YamlMember(Alias = "max_voltage_error_mV", ApplyNamingConventions = false)]
    public double? MaxVoltageErrorMV { get; init; }
    [YamlMember(Alias = "max_step_voltage_error_mV", ApplyNamingConventions = false)]
    public double? MaxStepVoltageErrorMV { get; init; }
    public FieldFiles? Fields { get; init; }
    public double? MaxElectrolyteConcentrationErrorPercent { get; init; }

    public string Label(int index) => Name.Length > 0 ? Name : $"entry{index}";

    /// <summary>What is wrong with the entry, each naming <c>entries[k].key</c>, the value and what is accepted.</summary>
    public IEnumerable<string> Problems(string file, int k)
    {
        string at = $"{file}: entries[{k}]";
        if (!Kinds.Contains(Kind)) yield return $"{at}.kind: '{Kind}' is not one of {string.Join(", ", Kinds)}";
        if (string.IsNullOrEmpty(Case)) yield return $"{at}.case: missing (a case file, relative to the manifest)";
        if (Kind == Curve && string.IsNullOrEmpty(Data) && Curves is not { Count: > 0 }) yield return $"{at}.data: missing (a measured-data sidecar, relative to the manifest, or curves: [{{data, set, label}}])";
        foreach (var (c, j) in (Curves ?? []).Select((c, j) => (c, j)))
            if (string.IsNullOrEmpty(c.Data)) yield return $"{at}.curves[{j}].data: missing (a measured-data sidecar)";
        if (Kind is RateTable && string.IsNullOrEmpty(Data)) yield return $"{at}.data: missing (a measured-data sidecar, relative to the manifest)";
        if (Kind == Curve && !Validation.MeasuredComparison.Axes.Contains(Axis)) yield return $"{at}.axis: '{Axis}' is not one of time, capacity";
        if (Window is { } w && !(w.Count == 2 && w[0] < w[1])) yield return $"{at}.window: [{string.Join(", ", w)}] is not [from, to] with from < to";
        if (Kind == RateTable && !Validation.MeasuredComparison.CurrentKeySuffixes.Any(s => CurrentKey.EndsWith(s, StringComparison.Ordinal)))
            yield return $"{at}.current_key: '{CurrentKey}' is not a key ending in {string.Join(", ", Validation.MeasuredComparison.CurrentKeySuffixes)}";
        if (Kind == Summary && Targets is not { Count: > 0 }) yield return $"{at}.targets: missing (a list of quantity, value and tolerance)";
        foreach (var (t, j) in (Targets ?? []).Select((t, j) => (t, j)))
            if (!SummaryTarget.Quantities.Contains(t.Quantity)) yield return $"{at}.targets[{j}].quantity: '{t.Quantity}' is not one of {string.Join(", ", SummaryTarget.Quantities)}";
        if (Kind == Comsol && string.IsNullOrEmpty(Voltage)) yield return $"{at}.voltage: missing (the reference voltage CSV)";
    }
}

/// <summary>One measured curve of a curve entry: its sidecar, the case keys its run sets (added to the entry's) and a label.</summary>
public sealed record CurveItem
{
    public string Data { get; init; } = "";
    public Dictionary<string, string>? Set { get; init; }
    public string Label { get; init; } = "";
}

/// <summary>A published number a case's headline result is held against, with its tolerance and role.</summary>
public sealed record SummaryTarget
{
    public static IReadOnlyList<string> Quantities { get; } = ["capacity_mAh_g", "average_voltage_V", "separator_current_A_m2", "collector_current_A_m2"];
    public string Quantity { get; init; } = "";
    public double Value { get; init; }
    /// <summary>Accepted |model − value| / |value| [%].</summary>
    public double? TolerancePercent { get; init; }
    public string Role { get; init; } = "";
    public string Source { get; init; } = "";
}
