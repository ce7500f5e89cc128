using ElectrodeSim.Cases;

namespace ElectrodeSim.Calibration;

/// <summary>A calibration problem read from YAML: which case keys to vary, and which results to match.</summary>
public sealed record CalibrationSpec
{
    public string Description { get; init; } = "";
    /// <summary>Case files, relative to the spec file.</summary>
    public List<string> Cases { get; init; } = new();
    public List<CalibrationParameter> Parameters { get; init; } = new();
    public List<CalibrationTarget> Targets { get; init; } = new();

    /// <summary>The accepted values of <c>targets[i].kind</c>, with the number of cases each compares.</summary>
    public static IReadOnlyDictionary<string, int> TargetKinds { get; } = new Dictionary<string, int>
    {
        ["capacity_mAh_g"] = 1,
        ["average_voltage_gap_V"] = 2,
    };

    /// <summary>
    /// Reads a spec file the way case files are read (<see cref="CaseFile"/>: a regular file of at most
    /// <see cref="InputLimits.MaxCaseBytes"/> of UTF-8 YAML, checked against these records) and checks its
    /// values; every problem is reported at once in a <see cref="CaseValidationException"/> naming the key path
    /// (<c>targets[0].scale: 0 is not &gt; 0</c>). A spec that does not exist raises <see cref="FileNotFoundException"/>.
    /// </summary>
    public static CalibrationSpec Load(string path)
    {
        string text = CaseFile.ReadInputText(path, InputLimits.MaxCaseBytes, "calibration spec", out string full);
        string source = Path.GetFileName(full);
        var errors = new List<CaseError>();
        var spec = CaseFile.Read<CalibrationSpec>(text, source, "a calibration spec", "cases, parameters and targets", errors, out var index, out _);
        if (spec != null) errors.AddRange(new SpecChecks(spec, index, Path.GetDirectoryName(full)!).Run());
        if (errors.Count > 0) throw new CaseValidationException(source, errors.OrderBy(e => e.Line ?? int.MaxValue).ToList());
        return spec!;
    }

    /// <summary>The value checks of a spec that was read: what the calibrator needs to run without surprises.</summary>
    private sealed class SpecChecks(CalibrationSpec spec, YamlNodeIndex index, string directory)
    {
        private readonly List<CaseError> _errors = [];
        private readonly Dictionary<string, YamlNodeIndex?> _caseIndexes = new(StringComparer.Ordinal);

        public List<CaseError> Run()
        {
            if (spec.Cases.Count == 0) Fail("cases", "an empty list", "a list of case files (relative to the spec)", missing: index.ValueAt("cases") == null);
            for (int i = 0; i < spec.Cases.Count; i++) CheckCase($"cases[{i}]", spec.Cases[i]);
            if (spec.Parameters.Count == 0) Fail("parameters", "an empty list", "a list of case keys to vary", missing: index.ValueAt("parameters") == null);
            for (int k = 0; k < spec.Parameters.Count; k++) CheckParameter($"parameters[{k}]", spec.Parameters[k]);
            if (spec.Targets.Count == 0) Fail("targets", "an empty list", "a list of results to match", missing: index.ValueAt("targets") == null);
            for (int k = 0; k < spec.Targets.Count; k++) CheckTarget($"targets[{k}]", spec.Targets[k]);
            return _errors;
        }

        private void CheckCase(string at, string name)
        {
            if (InputFiles.PathProblem(name) is { } problem) { Fail(at, name, "the path of a case file: " + problem); _caseIndexes[name] = null; return; }
            string full = Path.GetFullPath(Path.Combine(directory, name));
            try
            {
                string text = InputFiles.ReadText(full, InputLimits.MaxCaseBytes);
                if (YamlNodeIndex.TryBuild(text, out var caseIndex, out var syntax, out _)) _caseIndexes[name] = caseIndex;
                else
                {
                    // The calibrator edits the case text as YAML; one that does not read cannot be calibrated.
                    Fail(at, name, $"a case file that reads as YAML ({syntax!.Message.TrimEnd('.')}; electrodesim check {name} lists its problems)");
                    _caseIndexes[name] = null;
                }
            }
            catch (FileNotFoundException) { Fail(at, name, $"an existing case file (looked for {full})"); _caseIndexes[name] = null; }
            catch (InputFileException e) { Fail(at, name, $"{e.Accepted} (it is {e.Problem})"); _caseIndexes[name] = null; }
        }

        private void CheckParameter(string at, CalibrationParameter p)
        {
            if (Required(at, "key") && CaseSchema.TypeAt(p.Key) is var type && (Nullable.GetUnderlyingType(type ?? typeof(object)) ?? type) != typeof(double))
                Fail(at + ".key", p.Key, "the key path of a number in a case (such as electrode.kinetics.film_resistance_ohm_m2)");
            bool bounds = Required(at, "lower") & Required(at, "upper") & Required(at, "initial");
            if (bounds)
            {
                if (!(double.IsFinite(p.Lower) && double.IsFinite(p.Upper) && p.Lower < p.Upper))
                    Fail(at + ".lower", Text(at + ".lower", p.Lower), $"finite and < upper ({Text(at + ".upper", p.Upper)})");
                else if (!(p.Initial >= p.Lower && p.Initial <= p.Upper))
                    Fail(at + ".initial", Text(at + ".initial", p.Initial), $"in [lower {Text(at + ".lower", p.Lower)}, upper {Text(at + ".upper", p.Upper)}]");
            }
            if (p.Cases.Count == 0) Fail(at + ".cases", "an empty list", "the cases (of cases) that share this key", missing: index.ValueAt(at + ".cases") == null);
            if (p.Coefficients is { } coefficients)
            {
                if (coefficients.Count != p.Cases.Count)
                    Fail(at + ".coefficients", $"{coefficients.Count} coefficient(s)", $"one per entry of {at}.cases ({p.Cases.Count})");
                for (int j = 0; j < coefficients.Count; j++)
                    if (!double.IsFinite(coefficients[j])) Fail($"{at}.coefficients[{j}]", Text($"{at}.coefficients[{j}]", coefficients[j]), "a finite number");
            }
            for (int j = 0; j < p.Cases.Count; j++)
            {
                string c = p.Cases[j];
                if (!spec.Cases.Contains(c)) Fail($"{at}.cases[{j}]", c, "a case listed under cases");
                else if (p.Key.Length > 0 && _caseIndexes.GetValueOrDefault(c) is { } caseIndex && caseIndex.ValueAt(p.Key) is not { Kind: YamlNodeKind.Scalar })
                    Fail($"{at}.cases[{j}]", c, $"a case that sets {p.Key} (only keys written in the case file can be varied)");
            }
        }

        private void CheckTarget(string at, CalibrationTarget t)
        {
            if (Required(at, "kind") && !TargetKinds.ContainsKey(t.Kind))
                Fail(at + ".kind", t.Kind, "one of " + string.Join(", ", TargetKinds.Keys));
            if (Required(at, "value") && !double.IsFinite(t.Value)) Fail(at + ".value", Text(at + ".value", t.Value), "a finite number");
            if (!(t.Scale > 0 && double.IsFinite(t.Scale))) Fail(at + ".scale", Text(at + ".scale", t.Scale), "a finite number > 0");
            if (TargetKinds.TryGetValue(t.Kind, out int count) && t.Cases.Count != count)
                Fail(at + ".cases", $"{t.Cases.Count} case(s)", $"{count} case(s) for kind {t.Kind}", missing: index.ValueAt(at + ".cases") == null);
            for (int j = 0; j < t.Cases.Count; j++)
                if (!spec.Cases.Contains(t.Cases[j])) Fail($"{at}.cases[{j}]", t.Cases[j], "a case listed under cases");
        }

        private bool Required(string at, string key)
        {
            if (index.ValueAt($"{at}.{key}") is { Kind: YamlNodeKind.Scalar } node && !string.IsNullOrEmpty(node.Text)) return true;
            Fail($"{at}.{key}", "", RequiredText.GetValueOrDefault(key, key), missing: true);
            return false;
        }

        private static readonly Dictionary<string, string> RequiredText = new()
        {
            ["key"] = "the key path of a number in the cases, e.g. electrode.kinetics.film_resistance_ohm_m2",
            ["lower"] = "lower bound, a number",
            ["upper"] = "upper bound, a number",
            ["initial"] = "initial value, a number in [lower, upper]",
            ["kind"] = "capacity_mAh_g or average_voltage_gap_V",
            ["value"] = "the target value, a number",
        };

        private string Text(string path, double value) =>
            index.ValueAt(path) is { Kind: YamlNodeKind.Scalar, Text: { } text } ? text : value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

        private void Fail(string path, string value, string accepted, bool missing = false)
        {
            var node = index.ValueAt(path) ?? index.NearestPresent(path);
            var error = missing ? CaseError.Missing(path, accepted) : new CaseError(path, value, accepted);
            _errors.Add(error with { Line = (int?)node?.Start.Line, Column = (int?)node?.Start.Column });
        }
    }
}

/// <summary>
/// One case key varied by the calibration, shared by the listed cases, kept within [lower, upper]. With
/// <see cref="Coefficients"/> the lever p is a coefficient of a linear relation across the cases: case j gets
/// <c>coefficients[j] × p</c> (e.g. R_film = k (α − 4.8 %) with p = k and coefficients α_j − 4.8).
/// </summary>
public sealed record CalibrationParameter
{
    public string Key { get; init; } = "";
    public List<string> Cases { get; init; } = new();
    /// <summary>One finite factor per entry of <see cref="Cases"/>; the value written into case j is <c>coefficients[j] × p</c>. Absent: every case gets p.</summary>
    public List<double>? Coefficients { get; init; }

    /// <summary>The value of the key in <paramref name="caseName"/> at lever value <paramref name="value"/>.</summary>
    public double ValueIn(string caseName, double value) =>
        Coefficients == null ? value : Coefficients[Cases.IndexOf(caseName)] * value;
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
