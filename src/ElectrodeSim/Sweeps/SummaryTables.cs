using System.Globalization;
using System.Text;
using CsvHelper;
using ElectrodeSim.Native.Hdf5;

namespace ElectrodeSim.Sweeps;

/// <summary>A table of text and numbers written as CSV, Markdown and an HDF5 compound dataset.</summary>
public sealed class SummaryTable
{
    /// <param name="headers">Column names with their units (<c>capacity_mAh_g</c>).</param>
    /// <param name="numeric">Per column: numbers (true) or text.</param>
    public SummaryTable(IReadOnlyList<string> headers, IReadOnlyList<bool> numeric)
    {
        Headers = headers;
        Numeric = numeric;
    }

    public IReadOnlyList<string> Headers { get; }
    public IReadOnlyList<bool> Numeric { get; }
    /// <summary>Each cell is a double (numeric columns) or a string.</summary>
    public List<object[]> Rows { get; } = [];

    public void WriteCsv(string path) => AtomicFile.Write(path, temporary =>
    {
        using var writer = new StreamWriter(temporary, false, new UTF8Encoding(false));
        using (var csv = CsvWriter.Create(writer, CsvWriterOptions.Default, leaveOpen: true))
        {
            csv.WriteRecord(Headers.ToArray());
            // Numbers round-trip ("R"): the CSV holds exactly what the result files hold.
            foreach (var row in Rows)
                csv.WriteRecord(row.Select(cell => cell is double d ? d.ToString("R", CultureInfo.InvariantCulture) : (string)cell).ToArray());
            csv.Flush();
        }
    });

    public void WriteMarkdown(string path, string title, IEnumerable<string> notes) => AtomicFile.WriteAllText(path, ToMarkdown(title, notes));

    public string ToMarkdown(string title, IEnumerable<string> notes)
    {
        var text = new StringBuilder($"# {title}\n\n");
        foreach (var note in notes) text.Append(note).Append('\n');
        text.Append('\n');
        text.Append("| ").Append(string.Join(" | ", Headers)).Append(" |\n");
        text.Append('|').Append(string.Join("|", Numeric.Select(n => n ? "---:" : "---"))).Append("|\n");
        foreach (var row in Rows)
            text.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        return text.ToString();
    }

    /// <summary>Four significant digits for reading; the CSV and HDF5 tables keep every digit.</summary>
    private static string Cell(object cell) => cell switch
    {
        double d when double.IsNaN(d) => "",
        double d when d == Math.Round(d) && Math.Abs(d) < 1e9 => d.ToString("F0", CultureInfo.InvariantCulture),
        double d => d.ToString("G5", CultureInfo.InvariantCulture),
        string s => s.Replace("|", "\\|").Replace("\n", " "),
        _ => "",
    };

    public void WriteHdf5(string path, string datasetPath, IReadOnlyDictionary<string, string> attributes) => AtomicFile.Write(path, temporary =>
    {
        using var file = Hdf5File.Create(temporary);
        var columns = new List<TableColumn>();
        for (int c = 0; c < Headers.Count; c++)
            columns.Add(Numeric[c]
                ? TableColumn.Of(Headers[c], Rows.Select(r => (double)r[c]).ToArray())
                : TableColumn.Of(Headers[c], Rows.Select(r => (string)r[c]).ToArray()));
        file.WriteTable(datasetPath, columns);
        foreach (var (name, value) in attributes) file.SetAttribute(datasetPath, name, value);
    });
}

/// <summary>The sweep summary: one row per case with its swept inputs, metrics, status and failure reason.</summary>
public static class SweepSummary
{
    public static SummaryTable Table(SweepDefinition definition, IReadOnlyList<SweepRow> rows) => Table(definition.SweptKeys, rows);

    /// <param name="keys">The swept keys, one column each, in this order.</param>
    public static SummaryTable Table(IReadOnlyList<string> keys, IReadOnlyList<SweepRow> rows)
    {
        // A swept key is a number column when every value it takes is one.
        var numericKey = keys.Select(k => rows.All(r => double.TryParse(Value(r, k), NumberStyles.Float, CultureInfo.InvariantCulture, out _))).ToList();
        var headers = new List<string> { "index" };
        headers.AddRange(keys);
        headers.Add("status");
        headers.AddRange(CaseMetrics.Headers);
        headers.Add("failure_reason");
        headers.Add("result_file");
        var numeric = new List<bool> { true };
        numeric.AddRange(numericKey);
        numeric.Add(false);
        numeric.AddRange(CaseMetrics.Headers.Select(_ => true));
        numeric.Add(false);
        numeric.Add(false);
        var table = new SummaryTable(headers, numeric);
        foreach (var r in rows.OrderBy(r => r.Index))
        {
            var cells = new List<object> { (double)r.Index };
            for (int k = 0; k < keys.Count; k++)
                cells.Add(numericKey[k] ? double.Parse(Value(r, keys[k]), CultureInfo.InvariantCulture) : Value(r, keys[k]));
            cells.Add(r.Status);
            cells.AddRange(r.Metrics.Values.Cast<object>());
            cells.Add(r.Reason);
            cells.Add(r.ResultFile);
            table.Rows.Add(cells.ToArray());
        }
        return table;
    }

    private static string Value(SweepRow row, string key) => row.Inputs.FirstOrDefault(i => i.Key == key)?.Value ?? "";

    /// <summary>Writes <c>summary.csv</c>, <c>summary.md</c> and <c>summary.h5</c> (dataset <c>/summary</c>) into the output folder.</summary>
    public static IReadOnlyList<string> Write(SweepDefinition definition, IReadOnlyList<SweepRow> rows, string directory) =>
        Write(definition.Name, definition.SourceName, definition.SweptKeys, rows, directory);

    /// <summary>Writes the summary of sweep <paramref name="name"/> (from file <paramref name="sourceName"/>), e.g. merged from its shards.</summary>
    public static IReadOnlyList<string> Write(string name, string sourceName, IReadOnlyList<string> keys, IReadOnlyList<SweepRow> rows, string directory, string? note = null)
    {
        var table = Table(keys, rows);
        string csv = Path.Combine(directory, "summary.csv"), md = Path.Combine(directory, "summary.md"), h5 = Path.Combine(directory, "summary.h5");
        table.WriteCsv(csv);
        int complete = rows.Count(r => r.Status == SweepRow.Complete), failed = rows.Count(r => r.Status == SweepRow.Failed);
        table.WriteMarkdown(md, $"Sweep {name}", [
            $"{rows.Count} cases from `{sourceName}`: {complete} complete, {failed} failed" + (rows.Count - complete - failed > 0 ? $", {rows.Count - complete - failed} not run" : "") + "." + (note is null ? "" : " " + note),
            "Capacity, average voltage and energy (∫V dQ per active mass) over the first half-cycle; SOL = particle-mean state of lithiation per x cell at its end " +
            "(spread = max − min across the thickness); j = interfacial current density at the separator-side and collector-side cells (< 0 lithiates).",
        ]);
        table.WriteHdf5(h5, "/summary", new Dictionary<string, string>
        {
            ["description"] = $"sweep {name}: one row per case; column names carry their units",
            ["sweep_file"] = sourceName,
        });
        return [csv, md, h5];
    }
}
