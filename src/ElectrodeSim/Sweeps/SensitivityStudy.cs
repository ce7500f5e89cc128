using System.Collections;
using System.Globalization;
using System.Text;
using ElectrodeSim.Cases;

namespace ElectrodeSim.Sweeps;

/// <summary>One varied key: its value in the case and the two perturbed values <c>p (1 ± h)</c>.</summary>
public sealed record SensitivityKey(string Key, double Value, double Up, double Down);

/// <summary>The normalised sensitivities of the summary metrics to one key (NaN where a run failed or a metric is not > 0).</summary>
public sealed record SensitivityRow(SensitivityKey Key, IReadOnlyList<double> Sensitivities, string Status);

/// <summary>
/// Local, normalised sensitivities S = ∂ln y / ∂ln p of a case's summary metrics y to case keys p, by central differences
/// in log space: S ≈ [ln y(p(1+h)) − ln y(p(1−h))] / [ln(1+h) − ln(1−h)], exact for a power law y ∝ p^S whatever the step h
/// and second-order accurate otherwise. The 2K + 1 runs (the case, then each key up and down) are one sweep — a zip
/// group over the keys — run by <see cref="SweepRunner"/> like any other: in parallel, resumable, one result file each.
/// </summary>
public static class SensitivityStudy
{
    /// <summary>The metrics whose sensitivities are reported, as named in the sweep summary.</summary>
    public static readonly IReadOnlyList<string> Metrics = ["capacity_mAh_g", "capacity_Ah_m2", "average_voltage_V", "energy_mWh_g", "final_mean_sol"];

    /// <summary>Reads <c>1%</c> or <c>0.01</c>; accepted: 0 &lt; h ≤ 0.5.</summary>
    /// <exception cref="CaseValidationException">Naming <c>--step</c>.</exception>
    public static double ParseStep(string text)
    {
        string t = (text ?? "").Trim();
        bool percent = t.EndsWith('%');
        if (double.TryParse(percent ? t[..^1] : t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
        {
            double h = percent ? v / 100 : v;
            if (h > 0 && h <= 0.5) return h;
        }
        throw new CaseValidationException("--step", [new CaseError("--step", InputLimits.Shorten(text ?? ""), "a relative step in (0, 50%]: 1% or 0.01")]);
    }

    /// <summary>
    /// The sweep of a sensitivity study: the case at <paramref name="casePath"/>, then each key at p(1+h) and p(1−h), all
    /// other keys at their values. Every bad key is reported at once, by key path.
    /// </summary>
    /// <exception cref="CaseValidationException">A key that the case schema does not know, that is not a real number, or that has no non-zero value in the case (or its parameter set).</exception>
    public static (SweepDefinition Definition, IReadOnlyList<SensitivityKey> Keys) Define(string casePath, IReadOnlyList<string> keys, double step)
    {
        var document = CaseFile.Load(casePath);
        string full = Path.GetFullPath(casePath);
        var errors = new List<CaseError>();
        var varied = new List<SensitivityKey>();
        if (keys.Count == 0) errors.Add(CaseError.Missing("--keys", "one or more case keys, comma-separated: electrode.thickness_um,electrode.porosity"));
        foreach (var group in keys.GroupBy(k => k).Where(g => g.Count() > 1))
            errors.Add(new CaseError("--keys", group.Key, "each key once"));
        foreach (string key in keys.Distinct())
        {
            var type = CaseSchema.TypeAt(key);
            if (type is null)
            {
                // The override reader names an unknown key the way a case file's would be ("… is not a key of electrode (did you mean …?)").
                CaseError? named = null;
                try { CaseOverrides.Parse(document.Text, [new CaseOverride(key, "1")], document.SourceName, document.BaseDirectory, out _); }
                catch (CaseValidationException e) { named = e.Errors.FirstOrDefault(x => x.Path == key) ?? e.Errors[0]; }
                errors.Add(named ?? new CaseError(key, "not a case key", "a key of the case schema (electrodesim keys lists them)"));
                continue;
            }
            if ((Nullable.GetUnderlyingType(type) ?? type) != typeof(double))
            {
                errors.Add(new CaseError(key, CaseSchema.Describe(type), "a real-valued key (a count or a choice has no logarithmic derivative)"));
                continue;
            }
            if (ValueAt(document.Definition, key) is not { } value)
            {
                errors.Add(CaseError.Missing(key, $"a value in {document.SourceName} or its parameter set (the sensitivity varies the key about it)"));
                continue;
            }
            if (value == 0 || !double.IsFinite(value))
            {
                errors.Add(new CaseError(key, CaseOverride.Format(value), "non-zero and finite (a logarithmic sensitivity varies it by a relative step)"));
                continue;
            }
            varied.Add(new SensitivityKey(key, value, value * (1 + step), value * (1 - step)));
        }
        if (errors.Count > 0) throw new CaseValidationException($"{Path.GetFileName(full)} --keys", errors);

        // Case 0: every key at its value; case 2k+1: key k up; case 2k+2: key k down.
        var text = new StringBuilder();
        text.Append($"name: sensitivity-{Path.GetFileNameWithoutExtension(full)}\n");
        text.Append($"base: {Quote(full)}\n");
        text.Append("zip:\n");
        for (int k = 0; k < varied.Count; k++)
        {
            var values = new List<double> { varied[k].Value };
            for (int j = 0; j < varied.Count; j++)
            {
                values.Add(j == k ? varied[k].Up : varied[k].Value);
                values.Add(j == k ? varied[k].Down : varied[k].Value);
            }
            text.Append(k == 0 ? "  - " : "    ").Append(Quote(varied[k].Key)).Append(": [")
                .Append(string.Join(", ", values.Select(CaseOverride.Format))).Append("]\n");
        }
        var definition = SweepDefinition.Parse(text.ToString(), Path.GetFileName(full), Path.GetDirectoryName(full)!);
        return (definition, varied);
    }

    /// <summary>The sensitivities from the sweep's rows (in index order, as <see cref="Define"/> laid them out).</summary>
    public static IReadOnlyList<SensitivityRow> Evaluate(IReadOnlyList<SensitivityKey> keys, IReadOnlyList<SweepRow> rows, double step)
    {
        var byIndex = rows.ToDictionary(r => r.Index);
        double denominator = Math.Log(1 + step) - Math.Log(1 - step);
        var result = new List<SensitivityRow>();
        for (int k = 0; k < keys.Count; k++)
        {
            var up = byIndex.GetValueOrDefault(2 * k + 1);
            var down = byIndex.GetValueOrDefault(2 * k + 2);
            string status = up?.Status != SweepRow.Complete ? $"up run {up?.Status ?? SweepRow.NotRun}: {up?.Reason}"
                : down?.Status != SweepRow.Complete ? $"down run {down?.Status ?? SweepRow.NotRun}: {down?.Reason}" : SweepRow.Complete;
            var s = Metrics.Select(m =>
            {
                if (status != SweepRow.Complete) return double.NaN;
                double a = Metric(up!.Metrics, m), b = Metric(down!.Metrics, m);
                return a > 0 && b > 0 ? (Math.Log(a) - Math.Log(b)) / denominator : double.NaN;
            }).ToList();
            result.Add(new SensitivityRow(keys[k], s, status));
        }
        return result;
    }

    public static double Metric(CaseMetrics metrics, string name) => metrics.Values[CaseMetrics.Headers.ToList().IndexOf(name)];

    /// <summary>The table written as sensitivity.csv / .md: one row per key, one column per metric.</summary>
    public static SummaryTable Table(IReadOnlyList<SensitivityRow> rows, double step)
    {
        var headers = new List<string> { "key", "value", "step", "value_up", "value_down" };
        headers.AddRange(Metrics.Select(m => "S_" + m));
        headers.Add("status");
        var numeric = headers.Select(h => h is not ("key" or "status")).ToList();
        var table = new SummaryTable(headers, numeric);
        foreach (var r in rows)
        {
            var cells = new List<object> { r.Key.Key, r.Key.Value, step, r.Key.Up, r.Key.Down };
            cells.AddRange(r.Sensitivities.Cast<object>());
            cells.Add(r.Status);
            table.Rows.Add(cells.ToArray());
        }
        return table;
    }

    /// <summary>The number a key path holds in the case records (the case's value, else its parameter set's or coating map's), or null.</summary>
    internal static double? ValueAt(object? section, string path)
    {
        object? current = section;
        foreach (var segment in CaseSchema.Segments(path))
        {
            if (current is null) return null;
            if (segment.IsIndex)
            {
                current = current is IList list && segment.Index >= 0 && segment.Index < list.Count ? list[segment.Index] : null;
                continue;
            }
            if (CaseSchema.KeysOf(current.GetType()).TryGetValue(segment.Key!, out var property)) current = property.GetValue(current);
            else return null;
        }
        return current switch { double d => d, int i => i, _ => null };
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''") + "'";
}
