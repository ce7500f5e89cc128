using ElectrodeSim.Cases;
using YamlDotNet.Serialization;

namespace ElectrodeSim.Measured;

/// <summary>
/// The YAML sidecar of a measured data file (a cycler export as CSV or TSV): which file, which columns in which
/// units, the sign of current, which rows form the step to compare and the mass or area to normalise by.
/// <code>
/// data: Cell785_0p5C_25degC_discharge1.csv
/// kind: curve                         # or rate_table
/// columns:
///   time: {name: time_s, unit: s}
///   voltage: {name: voltage_V, unit: V}
///   current: {name: current_A, unit: A}
///   capacity: {name: discharged_Ah, unit: Ah}
///   status: Status                    # optional, for select.status
///   step: Step_Index                  # optional, for select.step
/// current_sign: negative_discharge    # discharge (lithiation of a half cell's working electrode) is negative in the file
/// select: {status: DCH}               # or {step: 3}, or {time_window_s: [0, 7200]}
/// normalisation: {area_cm2: 1027}     # and/or active_mass_mg
/// nan_rows: error                     # or drop (the count dropped is reported)
/// </code>
/// Rate tables (<c>kind: rate_table</c>) name <c>columns.current</c> (e.g. A/g, mA/cm²) and <c>columns.capacity</c>
/// (e.g. mAh/g) and give <c>voltage_window_V: [low, high]</c>.
/// </summary>
public sealed record MeasuredSidecar
{
    public const string Curve = "curve";
    public const string RateTable = "rate_table";
    public static IReadOnlyList<string> Kinds { get; } = [Curve, RateTable];
    public static IReadOnlyList<string> Signs { get; } = ["positive_discharge", "negative_discharge"];
    public static IReadOnlyList<string> NanPolicies { get; } = ["error", "drop"];

    /// <summary>The data file, relative to the sidecar.</summary>
    public string Data { get; init; } = "";
    public string Kind { get; init; } = Curve;
    /// <summary>Column separator: <c>,</c>, <c>;</c> or <c>tab</c>; default tab for .tsv/.txt, comma otherwise.</summary>
    public string? Delimiter { get; init; }
    public MeasuredColumns Columns { get; init; } = new();
    /// <summary>Whether discharge (lithiation of a half cell's working electrode) is a positive or a negative current in the file.</summary>
    public string CurrentSign { get; init; } = "positive_discharge";
    public StepSelection? Select { get; init; }
    public Normalisation? Normalisation { get; init; }
    public string NanRows { get; init; } = "error";
    /// <summary>Where time 0 is: <c>first_row</c> (default: the first selected row, the start of the step) or <c>file</c> (the file's own time axis, e.g. a digitised curve whose first point is not the start).</summary>
    public string TimeOrigin { get; init; } = "first_row";
    public static IReadOnlyList<string> TimeOrigins { get; } = ["first_row", "file"];
    /// <summary>Rate tables: the voltage window of the measurement [V] (low, high).</summary>
    [YamlMember(Alias = "voltage_window_V", ApplyNamingConventions = false)]
    public List<double>? VoltageWindowV { get; init; }
    /// <summary>Where the data come from (free text, copied into reports).</summary>
    public string Source { get; init; } = "";
}

/// <summary>The columns of a measured file, each by its header name and unit.</summary>
public sealed record MeasuredColumns
{
    public ColumnSpec? Time { get; init; }
    public ColumnSpec? Voltage { get; init; }
    public ColumnSpec? Current { get; init; }
    public ColumnSpec? Capacity { get; init; }
    /// <summary>Header of a status column (e.g. values CHA / DCH / REST), for <see cref="StepSelection.Status"/>.</summary>
    public string? Status { get; init; }
    /// <summary>Header of a step-index column, for <see cref="StepSelection.Step"/>.</summary>
    public string? Step { get; init; }
}

/// <summary>A column by its header name and its unit (<see cref="MeasuredUnits"/>).</summary>
public sealed record ColumnSpec
{
    public string Name { get; init; } = "";
    public string Unit { get; init; } = "";
}

/// <summary>Which rows form the compared step: all of these that are given must hold.</summary>
public sealed record StepSelection
{
    /// <summary>Rows whose status column equals this (ordinal, trimmed).</summary>
    public string? Status { get; init; }
    /// <summary>Rows whose step-index column equals this.</summary>
    public int? Step { get; init; }
    /// <summary>Rows with the time column in [from, to] [s, on the file's time axis].</summary>
    [YamlMember(Alias = "time_window_s", ApplyNamingConventions = false)]
    public List<double>? TimeWindowS { get; init; }
}

/// <summary>What to normalise absolute currents and capacities by.</summary>
public sealed record Normalisation
{
    /// <summary>Active material mass [mg].</summary>
    [YamlMember(Alias = "active_mass_mg", ApplyNamingConventions = false)]
    public double? ActiveMassMg { get; init; }
    /// <summary>Electrode area [cm²].</summary>
    [YamlMember(Alias = "area_cm2", ApplyNamingConventions = false)]
    public double? AreaCm2 { get; init; }
}
