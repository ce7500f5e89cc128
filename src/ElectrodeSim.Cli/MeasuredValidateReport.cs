using System.Globalization;
using System.Text;
using ElectrodeSim.Cases;
using ElectrodeSim.Measured;
using ElectrodeSim.Plotting;
using ElectrodeSim.Validation;

namespace ElectrodeSim.Cli;

/// <summary>
/// The measured-data entries of <c>validate</c> (curve, rate_table, summary): one line per curve, rate or target,
/// and into the output folder (default <c>results/validation/NAME</c>) <c>validation.csv</c>, <c>validation.md</c>,
/// per entry <c>ENTRY.png</c> (overlay with residual panel) and <c>ENTRY.points.csv</c>.
/// </summary>
public static class MeasuredValidateReport
{
    public static int Execute(ValidationManifest manifest, IReadOnlyList<(ValidationEntry Entry, int Index)> entries, string? outputDirectory, int status)
    {
        string output = outputDirectory ?? Path.Combine("results", "validation", Path.GetFileName(manifest.BaseDirectory));
        if (manifest.Cases is not { Count: > 0 }) Console.Out.WriteLine(manifest.Title ?? manifest.Path);
        var results = new List<EntryResult>();
        foreach (var (entry, index) in entries)
        {
            EntryResult result;
            try
            {
                result = MeasuredValidation.Run(manifest, entry, index);
            }
            catch (CaseValidationException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return RunCommand.BadInput;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
            {
                Console.Error.WriteLine($"error: {entry.Label(index)}: {e.Message}");
                return RunCommand.BadInput;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"error: {entry.Label(index)}: the run failed: {e.Message}");
                status = RunCommand.RunFailed;
                continue;
            }
            results.Add(result);
            Report(result);
            if (!result.Passed && status == RunCommand.Ok) status = RunCommand.RunFailed;
            try { Figure(output, result); }
            catch (FigureException e) { Console.Error.WriteLine($"warning: {result.Name}: no figure: {e.Message}"); }
        }
        Tables(output, results);
        Console.Out.WriteLine($"  wrote {Path.Combine(output, "validation.csv")}, validation.md and the figures");
        return status;
    }

    private static string Signed(double x) => !double.IsFinite(x) ? "-" : Math.Round(x, 1) == 0 ? "0.0" : (x > 0 ? "+" : "") + x.ToString("F1", CultureInfo.InvariantCulture);
    private static string F(double x, string f = "F1") => double.IsFinite(x) ? x.ToString(f, CultureInfo.InvariantCulture) : "-";

    private static void Report(EntryResult r)
    {
        string role = r.Entry.Role.Length > 0 ? $" [{r.Entry.Role}]" : "";
        Console.Out.WriteLine($"{r.Name}{role}: {r.Entry.Kind}, {r.WallTime.TotalSeconds:F2} s");
        foreach (var c in r.Curves)
        {
            string dropped = (c.DroppedRows > 0 ? $", {c.DroppedRows} NaN rows dropped" : "") + (c.ShortRowsDropped > 0 ? $", {c.ShortRowsDropped} short rows (fewer fields than the header) dropped" : "");
            Console.Out.WriteLine($"  {c.Label}: RMSE {F(1e3 * c.Metrics.Rmse)} mV, MAE {F(1e3 * c.Metrics.Mae)} mV, max |dV| {F(1e3 * c.Metrics.MaxAbs)} mV at {F(c.Metrics.AxisOfMax, "G5")} {c.Samples.AxisUnit} " +
                $"over {c.Metrics.Points} points ({c.Samples.Axis} axis{dropped}); capacity at cut-off {F(c.Samples.SimulatedEndCapacity, "G5")} vs {F(c.Samples.MeasuredEndCapacity, "G5")} {c.Samples.CapacityUnit} " +
                $"({Signed(c.Samples.CapacityErrorPercent)} %): {(c.Passed ? "ok" : "EXCEEDED: " + string.Join("; ", c.Exceeded))}");
        }
        foreach (var p in r.Rates)
            Console.Out.WriteLine(p.Failure != null ? $"  {p.Current:G4} {p.CurrentUnit}: FAILED: {p.Failure}"
                : $"  {p.Current:G4} {p.CurrentUnit}: {F(p.Simulated)} vs {F(p.Measured)} {p.CapacityUnit} ({Signed(p.ErrorPercent)} %)");
        foreach (var t in r.Targets)
        {
            string role2 = t.Target.Role.Length > 0 ? $" [{t.Target.Role}]" : "";
            string limit = t.Target.TolerancePercent is { } tol ? $", limit ±{tol} %: {(t.Passed ? "ok" : "EXCEEDED")}" : "";
            Console.Out.WriteLine($"  {t.Target.Quantity}{role2}: model {F(t.Model, "G5")} vs {F(t.Target.Value, "G5")} ({Signed(t.ErrorPercent)} %{limit})");
        }
        foreach (var e in r.Exceeded) Console.Out.WriteLine($"  EXCEEDED: {e}");
    }

    private static void Figure(string output, EntryResult r)
    {
        string path = Path.Combine(output, Safe(r.Name) + ".png");
        if (r.Curves.Count > 0)
        {
            var c0 = r.Curves[0].Samples;
            string x = c0.Axis == MeasuredComparison.TimeAxis ? "time (s)" : $"capacity ({c0.AxisUnit})";
            var series = r.Curves.Select(c => new OverlaySeries(c.Label, c.Samples.X, c.Samples.Measured, c.Samples.SimulatedX, c.Samples.SimulatedV, c.Samples.X,
                c.Samples.X.Select((_, k) => 1e3 * (c.Samples.Simulated[k] - c.Samples.Measured[k])).ToArray())).ToList();
            ValidationFigure.Write(path, r.Name, x, "voltage (V)", "sim − meas (mV)", series);
        }
        else if (r.Rates.Count > 0)
        {
            // One colour per rate: each rate is its own pair (measured marker, simulated point, residual marker).
            var p0 = r.Rates[0];
            var series = r.Rates.Select(p => new OverlaySeries($"{p.Current:G4} {p.CurrentUnit}", [p.Current], [p.Measured], [], [], [p.Current], [p.ErrorPercent])).ToList();
            var line = new OverlaySeries("all rates", [], [], r.Rates.Select(p => p.Current).ToArray(), r.Rates.Select(p => p.Simulated).ToArray(), [], []);
            var model = ValidationFigure.Model(r.Name, $"current ({p0.CurrentUnit})", $"capacity ({p0.CapacityUnit})", "sim − meas (%)", [.. series, line], residualMarkersOnly: true);
            FigureRenderer.Write(model, path, FigureFormat.Png, 900, 640);
        }
        else return;
        if (r.Curves.Count > 0) WriteAtomic(Path.Combine(output, Safe(r.Name) + ".points.csv"), Points(r));
    }

    private static string Points(EntryResult r)
    {
        var b = new StringBuilder("curve,axis,x,unit,measured_V,simulated_V\n");
        foreach (var c in r.Curves)
            for (int k = 0; k < c.Samples.X.Length; k++)
                b.Append(CultureInfo.InvariantCulture, $"{Csv(c.Label)},{c.Samples.Axis},{c.Samples.X[k]:R},{c.Samples.AxisUnit},{c.Samples.Measured[k]:R},{c.Samples.Simulated[k]:R}\n");
        return b.ToString();
    }

    private static void Tables(string output, IReadOnlyList<EntryResult> results)
    {
        var rows = MeasuredValidation.Rows(results);
        var csv = new StringBuilder(string.Join(",", MeasuredValidation.Header) + "\n");
        foreach (var row in rows) csv.Append(string.Join(",", row.Select(Csv))).Append('\n');
        WriteAtomic(Path.Combine(output, "validation.csv"), csv.ToString());
        var md = new StringBuilder();
        md.Append("| ").Append(string.Join(" | ", MeasuredValidation.Header)).Append(" |\n");
        md.Append('|').Append(string.Concat(MeasuredValidation.Header.Select(_ => " --- |"))).Append('\n');
        foreach (var row in rows) md.Append("| ").Append(string.Join(" | ", row.Select(v => v.Replace("|", "\\|")))).Append(" |\n");
        WriteAtomic(Path.Combine(output, "validation.md"), md.ToString());
    }

    private static string Csv(string v) => v.Contains(',') || v.Contains('"') ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
    private static string Safe(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '.' or '_' ? ch : '_'));

    /// <summary>Writes <paramref name="text"/> to a unique temporary file beside <paramref name="path"/> and renames it into place.</summary>
    public static void WriteAtomic(string path, string text)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial");
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
