using System.Diagnostics;
using System.Globalization;
using ElectrodeSim.Measured;

namespace ElectrodeSim.Validation;

/// <summary>One measured curve of an entry against its run: samples, metrics and the tolerances it exceeded.</summary>
public sealed record CurveResult(string Label, string DataFile, CurveSamples Samples, CurveMetrics Metrics, int DroppedRows, IReadOnlyList<string> Exceeded)
{
    public bool Passed => Exceeded.Count == 0;
    /// <summary>Rows dropped for having fewer fields than the header (<c>nan_rows: drop</c>).</summary>
    public int ShortRowsDropped { get; init; }
}

/// <summary>A summary target against the case's headline result.</summary>
public sealed record TargetResult(SummaryTarget Target, double Model)
{
    public double ErrorPercent => 100 * (Model - Target.Value) / Math.Abs(Target.Value);
    public bool Passed => Target.TolerancePercent is not { } t || Math.Abs(ErrorPercent) <= t;
}

/// <summary>The outcome of one entry of a validation manifest.</summary>
public sealed record EntryResult(string Name, ValidationEntry Entry, IReadOnlyList<CurveResult> Curves, IReadOnlyList<MeasuredComparison.RatePoint> Rates,
    IReadOnlyList<TargetResult> Targets, IReadOnlyList<string> Exceeded, TimeSpan WallTime)
{
    public bool Passed => Exceeded.Count == 0 && Curves.All(c => c.Passed) && Targets.All(t => t.Passed);
}

/// <summary>
/// Runs the measured-data entries of a validation manifest (<see cref="ValidationEntry"/> of kind curve, rate_table,
/// summary): each a thin layer over <see cref="Simulator.Run(Cases.SimulationSetup, string?, CancellationToken)"/> and
/// <see cref="MeasuredComparison"/>.
/// </summary>
public static class MeasuredValidation
{
    public static EntryResult Run(ValidationManifest manifest, ValidationEntry entry, int index)
    {
        var clock = Stopwatch.StartNew();
        string name = entry.Label(index);
        string casePath = manifest.Resolve(entry.Case!);
        var curves = new List<CurveResult>();
        var rates = new List<MeasuredComparison.RatePoint>();
        var targets = new List<TargetResult>();
        var exceeded = new List<string>();
        switch (entry.Kind)
        {
            case ValidationEntry.Curve:
                var items = entry.Curves is { Count: > 0 } list ? list : [new CurveItem { Data = entry.Data!, Label = name }];
                foreach (var (item, k) in items.Select((c, k) => (c, k)))
                {
                    var curve = MeasuredDataReader.ReadCurve(manifest.Resolve(item.Data));
                    var set = Merge(entry.Set, item.Set);
                    var run = Simulator.Run(MeasuredComparison.ForCurve(MeasuredComparison.LoadCase(casePath, set), curve));
                    // On the time axis every measured point counts: past the end of a run that reached its cut-off early the
                    // simulated voltage stays at its last (cut-off) value, so an early knee is an error, not a shorter curve.
                    // On the capacity axis the curves are compared up to the smaller end capacity.
                    var samples = MeasuredComparison.Samples(run, curve, entry.Axis, entry.Window, holdLast: entry.Axis == MeasuredComparison.TimeAxis);
                    var metrics = CurveMetrics.Of(samples.X, samples.Measured, samples.Simulated);
                    var over = new List<string>();
                    if (entry.MaxRmseMV is { } r && !(1e3 * metrics.Rmse <= r)) over.Add($"RMSE {1e3 * metrics.Rmse:F1} mV > {r} mV");
                    if (entry.MaxAbsErrorMV is { } a && !(1e3 * metrics.MaxAbs <= a)) over.Add($"max |dV| {1e3 * metrics.MaxAbs:F1} mV > {a} mV");
                    if (entry.MaxCapacityErrorPercent is { } c && !(Math.Abs(samples.CapacityErrorPercent) <= c))
                        over.Add($"capacity at cut-off {samples.CapacityErrorPercent:+0.0;-0.0} % beyond ±{c} %");
                    curves.Add(new CurveResult(item.Label.Length > 0 ? item.Label : $"{name}[{k}]", curve.File, samples, metrics, curve.DroppedRows, over) { ShortRowsDropped = curve.ShortRowsDropped });
                }
                break;
            case ValidationEntry.RateTable:
                var table = MeasuredDataReader.ReadRateTable(manifest.Resolve(entry.Data!));
                rates.AddRange(MeasuredComparison.RunRateTable(casePath, entry.Set, table, entry.CurrentKey));
                foreach (var p in rates)
                {
                    if (p.Failure != null) exceeded.Add($"{p.Current:G4} {p.CurrentUnit}: the run failed: {p.Failure}");
                    else if (entry.MaxCapacityErrorPercent is { } c && !(Math.Abs(p.ErrorPercent) <= c))
                        exceeded.Add($"{p.Current:G4} {p.CurrentUnit}: capacity {p.ErrorPercent:+0.0;-0.0} % beyond ±{c} %");
                }
                break;
            case ValidationEntry.Summary:
                var summary = Simulator.Run(MeasuredComparison.LoadCase(casePath, entry.Set)).Summary;
                foreach (var t in entry.Targets!)
                    targets.Add(new TargetResult(t, t.Quantity switch
                    {
                        "capacity_mAh_g" => summary.Capacity,
                        "average_voltage_V" => summary.AverageVoltage,
                        "separator_current_A_m2" => Math.Abs(summary.SeparatorSideInterfacialCurrent),
                        "collector_current_A_m2" => Math.Abs(summary.CollectorSideInterfacialCurrent),
                        _ => double.NaN,
                    }));
                break;
        }
        return new EntryResult(name, entry, curves, rates, targets, exceeded, clock.Elapsed);
    }

    private static Dictionary<string, string>? Merge(Dictionary<string, string>? a, Dictionary<string, string>? b)
    {
        if (a == null) return b;
        if (b == null) return a;
        var merged = new Dictionary<string, string>(a);
        foreach (var (k, v) in b) merged[k] = v;
        return merged;
    }

    /// <summary>One row per curve, rate or target: the table <c>validate</c> writes as CSV and Markdown.</summary>
    public static IReadOnlyList<string[]> Rows(IEnumerable<EntryResult> results)
    {
        var rows = new List<string[]>();
        string F(double x, string f = "F2") => double.IsFinite(x) ? x.ToString(f, CultureInfo.InvariantCulture) : "";
        foreach (var r in results)
        {
            string role = r.Entry.Role;
            foreach (var c in r.Curves)
                rows.Add([r.Name, "curve", role, c.Label, c.Samples.Axis, c.Metrics.Points.ToString(CultureInfo.InvariantCulture),
                    F(1e3 * c.Metrics.Rmse), F(1e3 * c.Metrics.Mae), F(1e3 * c.Metrics.MaxAbs), F(c.Metrics.AxisOfMax, "G5") + " " + c.Samples.AxisUnit,
                    F(c.Samples.MeasuredEndCapacity, "G5"), F(c.Samples.SimulatedEndCapacity, "G5"), c.Samples.CapacityUnit, F(c.Samples.CapacityErrorPercent),
                    c.Passed ? "ok" : "EXCEEDED: " + string.Join("; ", c.Exceeded)]);
            foreach (var p in r.Rates)
                rows.Add([r.Name, "rate", role, $"{F(p.Current, "G4")} {p.CurrentUnit}", "", "", "", "", "", "",
                    F(p.Measured, "G5"), F(p.Simulated, "G5"), p.CapacityUnit, F(p.ErrorPercent),
                    p.Failure != null ? "FAILED: " + p.Failure : r.Entry.MaxCapacityErrorPercent is { } c && !(Math.Abs(p.ErrorPercent) <= c) ? $"EXCEEDED: beyond ±{c} %" : "ok"]);
            foreach (var t in r.Targets)
                rows.Add([r.Name, "target", t.Target.Role.Length > 0 ? t.Target.Role : role, t.Target.Quantity, "", "", "", "", "", "",
                    F(t.Target.Value, "G5"), F(t.Model, "G5"), "", F(t.ErrorPercent),
                    t.Passed ? "ok" : $"EXCEEDED: beyond ±{t.Target.TolerancePercent} %"]);
        }
        return rows;
    }

    public static readonly string[] Header =
        ["entry", "kind", "role", "curve", "axis", "points", "rmse_mV", "mae_mV", "max_abs_mV", "at", "measured", "simulated", "unit", "error_percent", "status"];
}
