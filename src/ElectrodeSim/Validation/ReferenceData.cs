using System.Globalization;

namespace ElectrodeSim.Validation;

/// <summary>A reference voltage curve: time [s] and cell voltage [V] at the reference's own output times.</summary>
public sealed record ReferenceVoltage(string Path, double[] Time, double[] Voltage)
{
    /// <summary>Reads a CSV with a header naming <c>time_s</c> and <c>voltage_V</c> columns.</summary>
    public static ReferenceVoltage Read(string path)
    {
        var table = CsvTable.Read(path);
        return new ReferenceVoltage(path, table.Column("time_s"), table.Column("voltage_V"));
    }

    /// <summary>Interval between output times [s] (the smallest, should they differ).</summary>
    public double SmallestInterval => Time.Zip(Time.Skip(1), (a, b) => b - a).DefaultIfEmpty(double.PositiveInfinity).Min();
}

/// <summary>
/// A reference field on a fixed set of positions at each output time: rows of (time, x, values…) as the
/// COMSOL export writes them (<c>time_s, x_m, c_e_mol_m3, phi_e_V</c>, …), grouped by time.
/// </summary>
public sealed class ReferenceField
{
    private ReferenceField(string path, double[] times, double[] positions, Dictionary<string, double[,]> values)
    {
        Path = path;
        Times = times;
        Positions = positions;
        _values = values;
    }

    private readonly Dictionary<string, double[,]> _values;

    public string Path { get; }
    /// <summary>Output times [s].</summary>
    public double[] Times { get; }
    /// <summary>Positions [m] (the same at every time).</summary>
    public double[] Positions { get; }
    public IEnumerable<string> Quantities => _values.Keys;

    /// <summary>Values of a column, [time, position].</summary>
    public double[,] this[string quantity] => _values.TryGetValue(quantity, out var v) ? v
        : throw new KeyNotFoundException($"{Path}: no column '{quantity}' (columns: {string.Join(", ", _values.Keys)})");

    public static ReferenceField Read(string path)
    {
        var table = CsvTable.Read(path);
        var time = table.Column("time_s");
        var x = table.Column("x_m");
        var times = time.Distinct().ToArray();
        int nx = time.Length / times.Length;
        if (nx * times.Length != time.Length) throw new InvalidDataException($"{path}: {time.Length} rows are not {times.Length} times x a fixed number of positions");
        var positions = x.Take(nx).ToArray();
        var values = new Dictionary<string, double[,]>(StringComparer.Ordinal);
        foreach (var name in table.Header.Where(h => h is not ("time_s" or "x_m")))
        {
            var column = table.Column(name);
            var grid = new double[times.Length, nx];
            for (int k = 0; k < times.Length; k++)
                for (int i = 0; i < nx; i++)
                {
                    int row = k * nx + i;
                    if (time[row] != times[k] || x[row] != positions[i])
                        throw new InvalidDataException($"{path}: row {row + 2} is not (t = {times[k]}, x = {positions[i]}): the rows must be grouped by time on the same positions");
                    grid[k, i] = column[row];
                }
            values[name] = grid;
        }
        return new ReferenceField(path, times, positions, values);
    }
}

/// <summary>A numeric CSV file with a one-line header.</summary>
internal sealed class CsvTable
{
    private readonly List<double[]> _rows;

    private CsvTable(string path, string[] header, List<double[]> rows)
    {
        Path = path;
        Header = header;
        _rows = rows;
    }

    public string Path { get; }
    public string[] Header { get; }

    public double[] Column(string name)
    {
        int index = Array.IndexOf(Header, name);
        if (index < 0) throw new InvalidDataException($"{Path}: no column '{name}' (columns: {string.Join(", ", Header)})");
        return _rows.Select(r => r[index]).ToArray();
    }

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"reference file not found: {Cases.DisplayPath.Of(path)}", path);
        using var reader = new StreamReader(path);
        string[]? header = null;
        var rows = new List<double[]>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split(',');
            if (header == null) { header = parts.Select(p => p.Trim()).ToArray(); continue; }
            if (parts.Length != header.Length) throw new InvalidDataException($"{path}:{lineNumber}: {parts.Length} columns, the header has {header.Length}");
            var row = new double[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out row[i]))
                    throw new InvalidDataException($"{path}:{lineNumber}: '{parts[i]}' is not a number");
            rows.Add(row);
        }
        if (header == null || rows.Count == 0) throw new InvalidDataException($"{path}: no data");
        return new CsvTable(path, header, rows);
    }
}
