using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ElectrodeSim.Calibration;

/// <summary>A calibration problem read from YAML: which case keys to vary, and which results to match.</summary>
public sealed record CalibrationSpec
{
    public string Description { get; init; } = "";
    /// <summary>Case files, relative to the spec file.</summary>
    public List<string> Cases { get; init; } = new();
    public List<CalibrationParameter> Parameters { get; init; } = new();
    public List<CalibrationTarget> Targets { get; init; } = new();

    public static CalibrationSpec Load(string path)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        var spec = deserializer.Deserialize<CalibrationSpec>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty");
        foreach (var p in spec.Parameters)
        {
            if (!(p.Lower < p.Upper) || p.Initial < p.Lower || p.Initial > p.Upper)
                throw new InvalidDataException($"{path}: parameters.{p.Key}: initial {p.Initial} must lie in [lower {p.Lower}, upper {p.Upper}]");
            foreach (var c in p.Cases) if (!spec.Cases.Contains(c)) throw new InvalidDataException($"{path}: parameters.{p.Key}.cases: '{c}' is not listed under cases");
        }
        foreach (var t in spec.Targets)
        {
            if (t.Kind is not ("capacity_mAh_g" or "average_voltage_gap_V"))
                throw new InvalidDataException($"{path}: targets[].kind: '{t.Kind}' is not one of capacity_mAh_g, average_voltage_gap_V");
            if (!(t.Scale > 0)) throw new InvalidDataException($"{path}: targets[].scale: {t.Scale} is not > 0");
            foreach (var c in t.Cases) if (!spec.Cases.Contains(c)) throw new InvalidDataException($"{path}: targets[].cases: '{c}' is not listed under cases");
        }
        return spec;
    }
}

/// <summary>One case key varied by the calibration, shared by the listed cases, kept within [lower, upper].</summary>
public sealed record CalibrationParameter
{
    public string Key { get; init; } = "";
    public List<string> Cases { get; init; } = new();
    public double Initial { get; init; }
    public double Lower { get; init; }
    public double Upper { get; init; }
    /// <summary>Why this lever is physical and what range it may take.</summary>
    public string Reason { get; init; } = "";
}

/// <summary>
/// A result to match: <c>capacity_mAh_g</c> of one case, or <c>average_voltage_gap_V</c> (first case
/// minus second). The residual is (model − value) / scale.
/// </summary>
public sealed record CalibrationTarget
{
    public string Kind { get; init; } = "";
    public List<string> Cases { get; init; } = new();
    public double Value { get; init; }
    public double Scale { get; init; } = 1;
    public string Source { get; init; } = "";
}
