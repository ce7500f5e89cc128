using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Measured;
using ElectrodeSim.Validation;

namespace ElectrodeSim.Fitting;

/// <summary>
/// A fit spec (<c>electrodesim fit FIT.yaml</c>): case keys to fit with bounds and scale, and the datasets with weights.
/// Paths are relative to the spec.
/// <code>
/// description: LG M50 0.5C discharge, 25 degC
/// case: lgm50.yaml
/// parameters:
///   - {key: negative_electrode.solid_diffusivity_m2_s, initial: 3.3e-14, lower: 1e-15, upper: 1e-12, scale: log}
/// datasets:
///   - {data: cell785-0.5C.data.yaml, set: {"protocol[0].c_rate": "0.5"}, axis: time, weight: 1}
///   - {data: rates.data.yaml, current_key: "protocol[0].current_density_mA_cm2", weight: 100}   # a rate table
/// max_iterations: 30
/// </code>
/// </summary>
public sealed record FitSpec
{
    public string Description { get; init; } = "";
    /// <summary>The case every dataset runs (a dataset may name its own).</summary>
    public string Case { get; init; } = "";
    public List<FitParameterSpec> Parameters { get; init; } = new();
    public List<FitDatasetSpec> Datasets { get; init; } = new();
    public int MaxIterations { get; init; } = 30;
    /// <summary>Forward-difference step on the fitting scale (decades for log parameters, fraction of the range for linear ones).</summary>
    public double DifferenceStep { get; init; } = 0.01;

    /// <summary>Reads and checks a spec; every problem by key path in one <see cref="CaseValidationException"/>; bad data as <see cref="MeasuredDataException"/>.</summary>
    public static (FitSpec Spec, string Directory) Load(string path)
    {
        string text = CaseFile.ReadInputText(path, InputLimits.MaxCaseBytes, "fit spec", out string full);
        string source = Path.GetFileName(full);
        string directory = Path.GetDirectoryName(full)!;
        var errors = new List<CaseError>();
        var spec = CaseFile.Read<FitSpec>(text, source, "a fit spec", "case, parameters and datasets", errors, out var index, out _);
        if (spec != null)
        {
            void Fail(string at, string value, string accepted, bool missing = false)
            {
                var node = index.ValueAt(at) ?? index.NearestPresent(at);
                var e = missing ? CaseError.Missing(at, accepted) : new CaseError(at, value, accepted);
                errors.Add(e with { Line = (int?)node?.Start.Line, Column = (int?)node?.Start.Column });
            }
            string N(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
            void CaseFileAt(string at, string name)
            {
                string p = Path.GetFullPath(Path.Combine(directory, name));
                if (!File.Exists(p)) Fail(at, name, $"an existing case file (looked for {p})");
            }
            if (spec.Case.Length == 0 && spec.Datasets.Any(d => d.Case.Length == 0)) Fail("case", "", "the case file the datasets run (relative to the spec)", missing: true);
            else if (spec.Case.Length > 0) CaseFileAt("case", spec.Case);
            if (spec.Parameters.Count == 0) Fail("parameters", "", "a list of case keys with initial, lower, upper and scale", missing: true);
            for (int k = 0; k < spec.Parameters.Count; k++)
            {
                var p = spec.Parameters[k];
                string at = $"parameters[{k}]";
                var type = CaseSchema.TypeAt(p.Key);
                if (p.Key.Length == 0) Fail(at + ".key", "", "the key path of a number in the case, e.g. electrode.solid_diffusivity_m2_s", missing: true);
                else if ((Nullable.GetUnderlyingType(type ?? typeof(object)) ?? type) != typeof(double))
                {
                    // The nearest number key, with any sequence index written as in the spec (protocol[0]. ↔ protocol[].).
                    string pattern = System.Text.RegularExpressions.Regex.Replace(p.Key, @"\[\d+\]", "[]");
                    var numbers = CaseSchema.AllKeyPaths().Where(k => CaseSchema.TypeAt(k.Replace("[]", "[0]")) is { } t && (Nullable.GetUnderlyingType(t) ?? t) == typeof(double));
                    var indices = new Queue<string>(System.Text.RegularExpressions.Regex.Matches(p.Key, @"\[\d+\]").Select(m => m.Value));
                    string hint = CaseFile.Closest(pattern, numbers) is { } near
                        ? $"; did you mean {System.Text.RegularExpressions.Regex.Replace(near, @"\[\]", _ => indices.Count > 0 ? indices.Dequeue() : "[0]")}?" : "";
                    Fail(at + ".key", p.Key, $"the key path of a number in a case{hint} (electrodesim keys lists them)");
                }
                if (p.Scale is not ("linear" or "log")) Fail(at + ".scale", p.Scale, "linear or log");
                if (!(double.IsFinite(p.Lower) && double.IsFinite(p.Upper) && p.Lower < p.Upper)) Fail(at + ".lower", N(p.Lower), $"finite and < upper ({N(p.Upper)})");
                else if (p.Scale == "log" && !(p.Lower > 0)) Fail(at + ".lower", N(p.Lower), "> 0 for scale: log");
                else if (!(p.Initial >= p.Lower && p.Initial <= p.Upper)) Fail(at + ".initial", N(p.Initial), $"in [lower {N(p.Lower)}, upper {N(p.Upper)}]");
            }
            if (spec.Datasets.Count == 0) Fail("datasets", "", "a list of measured-data sidecars with weights", missing: true);
            for (int k = 0; k < spec.Datasets.Count; k++)
            {
                var d = spec.Datasets[k];
                string at = $"datasets[{k}]";
                if (d.Data.Length == 0) Fail(at + ".data", "", "a measured-data sidecar (relative to the spec)", missing: true);
                else if (!File.Exists(Path.Combine(directory, d.Data))) Fail(at + ".data", d.Data, $"an existing sidecar (looked for {Path.GetFullPath(Path.Combine(directory, d.Data))})");
                if (d.Case.Length > 0) CaseFileAt(at + ".case", d.Case);
                if (!MeasuredComparison.Axes.Contains(d.Axis)) Fail(at + ".axis", d.Axis, "time or capacity");
                if (!(d.Weight > 0 && double.IsFinite(d.Weight))) Fail(at + ".weight", N(d.Weight), "a finite number > 0");
                if (d.Window is { } w && !(w.Count == 2 && w[0] < w[1])) Fail(at + ".window", $"[{string.Join(", ", w)}]", "[from, to] with from < to, on the axis");
                if (!MeasuredComparison.CurrentKeySuffixes.Any(s => d.CurrentKey.EndsWith(s, StringComparison.Ordinal)))
                    Fail(at + ".current_key", d.CurrentKey, "a key ending in " + string.Join(", ", MeasuredComparison.CurrentKeySuffixes));
            }
            if (errors.Count == 0) CheckOverrides(spec, directory, index, errors);
            if (spec.MaxIterations is < 1 or > 1000) Fail("max_iterations", spec.MaxIterations.ToString(CultureInfo.InvariantCulture), "an integer in [1, 1000]");
            if (!(spec.DifferenceStep > 0 && spec.DifferenceStep < 1)) Fail("difference_step", N(spec.DifferenceStep), "in (0, 1)");
        }
        if (errors.Count > 0) throw new CaseValidationException(source, errors.OrderBy(e => e.Line ?? int.MaxValue).ToList());
        return (spec!, directory);
    }

    /// <summary>
    /// Loads each dataset's case with its <c>set</c> overrides and the parameters at their initial values, as the fit
    /// will run it, so that an unknown or invalid case key fails here (exit 2) at the line of the spec that names it
    /// rather than at the first model evaluation: <c>datasets[0].set.protocol[0].c_rat: 'c_rat' is not a key of protocol[0] (did you mean c_rate?); accepted: …</c>.
    /// </summary>
    private static void CheckOverrides(FitSpec spec, string directory, YamlNodeIndex index, List<CaseError> errors)
    {
        for (int k = 0; k < spec.Datasets.Count; k++)
        {
            var d = spec.Datasets[k];
            var set = new Dictionary<string, string>(d.Set ?? new Dictionary<string, string>());
            foreach (var p in spec.Parameters) set[p.Key] = CaseOverride.Format(p.Initial);
            string casePath = Path.GetFullPath(Path.Combine(directory, d.Case.Length > 0 ? d.Case : spec.Case));
            try { MeasuredComparison.LoadCase(casePath, set); }
            catch (CaseValidationException e)
            {
                static bool Covers(string key, string path) =>
                    path == key || (path.StartsWith(key, StringComparison.Ordinal) && path[key.Length] is '.' or '[')
                    || (key.StartsWith(path, StringComparison.Ordinal) && key[path.Length] is '.' or '[');
                foreach (var error in e.Errors)
                {
                    string? setKey = d.Set?.Keys.FirstOrDefault(key => Covers(key, error.Path));
                    int parameter = setKey == null ? spec.Parameters.FindIndex(p => Covers(p.Key, error.Path)) : -1;
                    string at = setKey != null ? $"datasets[{k}].set.{setKey}" : parameter >= 0 ? $"parameters[{parameter}].key" : $"datasets[{k}]";
                    var node = setKey != null ? index.KeyAt(at) ?? index.ValueAt($"datasets[{k}].set") : index.ValueAt(at) ?? index.NearestPresent(at);
                    string where = setKey != null || parameter >= 0 ? "" : $" (case {Path.GetFileName(casePath)}{(error.Path.StartsWith('(') ? "" : ", " + error.Path)})";
                    errors.Add(new CaseError(at + (setKey != null && error.Path != setKey ? $" ({error.Path})" : ""), error.Value, error.Accepted + where)
                        { IsMissing = error.IsMissing, Line = (int?)node?.Start.Line, Column = (int?)node?.Start.Column });
                }
            }
        }
    }

    /// <summary>The fitter's parameters.</summary>
    public IReadOnlyList<FitParameter> FitParameters() => Parameters.Select(p => new FitParameter(p.Key, p.Initial, p.Lower, p.Upper, p.Scale == "log")).ToList();

    /// <summary>The fitter's datasets, with their measured data read (errors name file, row and column).</summary>
    public IReadOnlyList<FitDataset> FitDatasets(string directory) => Datasets.Select((d, k) =>
    {
        string sidecar = Path.GetFullPath(Path.Combine(directory, d.Data));
        string casePath = Path.GetFullPath(Path.Combine(directory, d.Case.Length > 0 ? d.Case : Case));
        string label = d.Label.Length > 0 ? d.Label : Path.GetFileNameWithoutExtension(d.Data);
        return MeasuredDataReader.KindOf(sidecar) == MeasuredSidecar.RateTable
            ? new FitDataset(label, casePath, d.Set, null, MeasuredDataReader.ReadRateTable(sidecar), Weight: d.Weight, CurrentKey: d.CurrentKey)
            : new FitDataset(label, casePath, d.Set, MeasuredDataReader.ReadCurve(sidecar), null, d.Axis, d.Window, d.Weight);
    }).ToList();
}

/// <summary>A case key to fit: initial value and bounds in the key's unit, scale linear or log (log10, bounds > 0).</summary>
public sealed record FitParameterSpec
{
    public string Key { get; init; } = "";
    public double Initial { get; init; }
    public double Lower { get; init; }
    public double Upper { get; init; }
    public string Scale { get; init; } = "linear";
}

/// <summary>A dataset of a fit: a sidecar (curve or rate table), the case keys its run sets, axis, window and weight.</summary>
public sealed record FitDatasetSpec
{
    public string Data { get; init; } = "";
    public string Label { get; init; } = "";
    public string Case { get; init; } = "";
    public Dictionary<string, string>? Set { get; init; }
    public string Axis { get; init; } = "time";
    public List<double>? Window { get; init; }
    public double Weight { get; init; } = 1;
    public string CurrentKey { get; init; } = "protocol[0].current_density_mA_cm2";
}
