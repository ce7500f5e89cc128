using System.Globalization;
using CsvHelper;
using ElectrodeSim.Native.Hdf5;

namespace ElectrodeSim.Output;

/// <summary>The file is not an ElectrodeSim result, or a requested field is not in it.</summary>
public sealed class ResultExportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Writes a result file's time series and chosen fields as CSV for spreadsheets: one row per
/// record, the units of each column (from the dataset's <c>units</c> attribute) in its header,
/// numbers in invariant culture and round-trip precision. <c>NAME.timeseries.csv</c> holds
/// time, voltage, current density, specific capacity, charge and protocol step;
/// <c>NAME.FIELD.csv</c> one field, time first, then one column per cell
/// (<c>surface_state_of_lithiation@x=12.3um [1]</c>, particle fields <c>…@x=12.3um r=0.75um</c>).
/// </summary>
public static class ResultCsvExport
{
    /// <summary>The time series exported, in column order; a file without one of them (an older version) skips it.</summary>
    public static readonly IReadOnlyList<string> TimeSeries = ["/time", "/voltage", "/current_density", "/specific_capacity", "/charge", "/protocol_step"];

    /// <summary>
    /// Exports <paramref name="resultPath"/> into <paramref name="outputDirectory"/>; returns the files written.
    /// </summary>
    /// <param name="fields">Field names as listed by <see cref="FieldNames"/> (e.g. <c>state_of_lithiation</c>, <c>negative/solid_potential</c>); none for the time series only.</param>
    /// <exception cref="ResultExportException">Not an ElectrodeSim result, or a field it does not hold (the message lists those it has).</exception>
    public static IReadOnlyList<string> Export(string resultPath, string outputDirectory, IReadOnlyList<string> fields)
    {
        using var file = OpenResult(resultPath);
        var available = FieldNames(file);
        var unknown = fields.Where(f => !available.Contains(f)).ToList();
        if (unknown.Count > 0)
            throw new ResultExportException($"{resultPath}: no field {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                (available.Count == 0 ? "the file has no fields (the case had output.fields: false)" : "it has " + string.Join(", ", available)));

        Directory.CreateDirectory(outputDirectory);
        string stem = Path.GetFileNameWithoutExtension(resultPath);
        var written = new List<string>();
        string seriesPath = Path.Combine(outputDirectory, stem + ".timeseries.csv");
        WriteTimeSeries(file, seriesPath);
        written.Add(seriesPath);
        foreach (var field in fields.Distinct())
        {
            string path = Path.Combine(outputDirectory, $"{stem}.{field.Replace('/', '_')}.csv");
            WriteField(file, field, path);
            written.Add(path);
        }
        return written;
    }

    /// <summary>Opens an HDF5 file that says it is an ElectrodeSim result (root attribute <c>program</c>).</summary>
    public static Hdf5File OpenResult(string path)
    {
        if (!File.Exists(path)) throw new ResultExportException($"{Cases.DisplayPath.Of(path)}: no such file");
        Hdf5File file;
        try { file = Hdf5File.OpenRead(path); }
        catch (Hdf5Exception e) { throw new ResultExportException($"{path}: is not an HDF5 file", e); }
        if (!file.HasAttribute("/", "program") || file.ReadStringAttribute("/", "program") != "ElectrodeSim" || !file.Exists("/time"))
        {
            file.Dispose();
            throw new ResultExportException($"{path}: is not an ElectrodeSim result (no root attribute program = 'ElectrodeSim' and /time)");
        }
        return file;
    }

    /// <summary>The fields of a result, relative to <c>/fields</c> (<c>negative/…</c>, <c>positive/…</c> in a full cell).</summary>
    public static List<string> FieldNames(Hdf5File file)
    {
        var names = new List<string>();
        if (!file.Exists("/fields")) return names;
        foreach (var name in file.ListChildren("/fields"))
        {
            if (IsDataset(file, "/fields/" + name)) names.Add(name);
            else names.AddRange(file.ListChildren("/fields/" + name).Where(child => IsDataset(file, $"/fields/{name}/{child}")).Select(child => $"{name}/{child}"));
        }
        return names;
    }

    private static bool IsDataset(Hdf5File file, string path)
    {
        try { file.GetDims(path); return true; }
        catch (Hdf5Exception) { return false; }
    }

    private static string Units(Hdf5File file, string path) =>
        file.HasAttribute(path, "units") ? file.ReadStringAttribute(path, "units") : "?";

    private static string Header(string name, string units) => $"{name} [{units}]";

    private static void WriteTimeSeries(Hdf5File file, string path)
    {
        var columns = TimeSeries.Where(file.Exists).ToList();
        var values = columns.Select(c => file.ReadArray(c, out _)).ToList();
        using var csv = CsvWriter.Create(new FileStream(path, FileMode.Create, FileAccess.Write), options: null, leaveOpen: false);
        foreach (var column in columns) csv.WriteField(Header(column.TrimStart('/'), Units(file, column)));
        csv.EndRecord();
        int rows = values.Min(v => v.Length);
        for (int k = 0; k < rows; k++)
        {
            for (int c = 0; c < columns.Count; c++)
                csv.WriteField(columns[c] == "/protocol_step" ? ((long)values[c][k]).ToString(CultureInfo.InvariantCulture) : Number(values[c][k]));
            csv.EndRecord();
        }
    }

    private static void WriteField(Hdf5File file, string field, string path)
    {
        string dataset = "/fields/" + field;
        var values = file.ReadArray(dataset, out var dims);
        var time = file.ReadArray("/time", out _);
        string prefix = field.Contains('/') ? field[..(field.LastIndexOf('/') + 1)] : "";
        string name = field[(field.LastIndexOf('/') + 1)..];
        string units = Units(file, dataset);
        var cells = CellLabels(file, dataset, prefix, dims);

        using var csv = CsvWriter.Create(new FileStream(path, FileMode.Create, FileAccess.Write), options: null, leaveOpen: false);
        csv.WriteField(Header("time", Units(file, "/time")));
        foreach (var cell in cells) csv.WriteField(Header($"{name}@{cell}", units));
        csv.EndRecord();
        int rows = (int)Math.Min(dims[0], time.Length);
        for (int k = 0; k < rows; k++)
        {
            csv.WriteField(Number(time[k]));
            for (int c = 0; c < cells.Count; c++) csv.WriteField(Number(values[k * cells.Count + c]));
            csv.EndRecord();
        }
    }

    /// <summary>
    /// <c>x=12.3um</c> (and <c>,r=0.75um</c>) for every cell of a field, in storage order. The
    /// coordinate of each dimension is its attached dimension scale; files written before scales
    /// existed fall back to the mesh coordinate of matching length.
    /// </summary>
    private static List<string> CellLabels(Hdf5File file, string dataset, string prefix, long[] dims)
    {
        var axes = new List<(string Name, double[] Values)>();
        for (int d = 1; d < dims.Length; d++)
        {
            string[] candidates = d == 1 ? ["/mesh/" + prefix + "x_electrode", "/mesh/x"] : ["/mesh/" + prefix + "r"];
            var present = candidates.Where(file.Exists).ToList();
            string axis = present.FirstOrDefault(c => file.IsDimensionScaleAttached(dataset, d, c))
                          ?? present.FirstOrDefault(c => file.GetDims(c)[0] == dims[d])
                          ?? throw new ResultExportException($"{file.Path}: no mesh coordinate for dimension {d} of {dataset}");
            axes.Add((d == 1 ? "x" : "r", file.ReadArray(axis, out _)));
        }
        var labels = new List<string> { "" };
        foreach (var (name, coordinates) in axes)
            labels = labels.SelectMany(prefixLabel => coordinates.Select(c =>
                (prefixLabel.Length > 0 ? prefixLabel + " " : "") + $"{name}={Micrometres(c)}um")).ToList();
        return labels;
    }

    private static string Micrometres(double metres) => (metres * 1e6).ToString("0.####", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
