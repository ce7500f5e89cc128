using System.Globalization;
using ElectrodeSim.Cases;

namespace ElectrodeSim.Measured;

/// <summary>
/// A measured data file that cannot be used, naming the file, the row (line in the file, 1-based, the header
/// being line 1 when it is the first) and the column, with the value found and what is accepted.
/// </summary>
public sealed class MeasuredDataException(string file, int? row, string? column, string problem)
    : IOException(Format(file, row, column, problem))
{
    public string File { get; } = file;
    public int? Row { get; } = row;
    public string? Column { get; } = column;

    private static string Format(string file, int? row, string? column, string problem) =>
        $"{file}{(row is { } r ? $": row {r}" : "")}{(column != null ? $", column '{column}'" : "")}: {problem}";
}

/// <summary>
/// A measured curve in SI on the model's sign convention (current positive in discharge, i.e. lithiating a half
/// cell's working electrode): time [s] from the first selected row, voltage [V], current and capacity in their
/// basis (<see cref="Basis"/>: A and C, A/m² and C/m², or A/kg and C/kg), capacity counted from 0 at the first
/// selected row, positive in discharge.
/// </summary>
public sealed record MeasuredCurve
{
    public required string File { get; init; }
    public required double[] Time { get; init; }
    public required double[] Voltage { get; init; }
    public double[]? Current { get; init; }
    public double[]? Capacity { get; init; }
    public MeasuredBasis Basis { get; init; } = MeasuredBasis.Absolute;
    /// <summary>Active mass [kg] and electrode area [m²] from the sidecar, if given.</summary>
    public double? ActiveMass { get; init; }
    public double? Area { get; init; }
    /// <summary>Selected rows dropped because a used column was NaN or empty (<c>nan_rows: drop</c>).</summary>
    public int DroppedRows { get; init; }
    /// <summary>Selected rows dropped because they have fewer fields than the header (<c>nan_rows: drop</c>).</summary>
    public int ShortRowsDropped { get; init; }
    public string Source { get; init; } = "";

    /// <summary>Capacity per electrode area [C/m²], or null when neither the data nor the sidecar give an area basis.</summary>
    public double[]? CapacityPerArea(double? activeMassPerArea = null) => Capacity is null ? null : Rebase(Capacity, MeasuredBasis.PerArea, activeMassPerArea);

    /// <summary>Capacity per active mass [C/kg], or null when it cannot be had (<paramref name="activeMassPerArea"/> [kg/m²] converts a per-area capacity).</summary>
    public double[]? CapacityPerMass(double? activeMassPerArea = null) => Capacity is null ? null : Rebase(Capacity, MeasuredBasis.PerMass, activeMassPerArea);

    /// <summary>Current per area [A/m²], or null.</summary>
    public double[]? CurrentPerArea(double? activeMassPerArea = null) => Current is null ? null : Rebase(Current, MeasuredBasis.PerArea, activeMassPerArea);

    internal double[]? Rebase(double[] values, MeasuredBasis to, double? activeMassPerArea) =>
        MeasuredDataReader.Factor(Basis, to, ActiveMass, Area, activeMassPerArea) is { } f ? values.Select(v => v * f).ToArray() : null;
}

/// <summary>
/// A rate table: specific (or areal) capacity against current, measured within a voltage window. Current and
/// capacity in SI of their basis (A/kg and C/kg, A/m² and C/m², A and C), current positive in discharge.
/// </summary>
public sealed record RateTable
{
    public required string File { get; init; }
    public required double[] Current { get; init; }
    public required double[] Capacity { get; init; }
    public MeasuredBasis CurrentBasis { get; init; }
    public MeasuredBasis CapacityBasis { get; init; }
    public double? ActiveMass { get; init; }
    public double? Area { get; init; }
    /// <summary>Voltage window [V].</summary>
    public (double Low, double High) VoltageWindow { get; init; }
    public int DroppedRows { get; init; }
    /// <summary>Selected rows dropped because they have fewer fields than the header (<c>nan_rows: drop</c>).</summary>
    public int ShortRowsDropped { get; init; }
    public string Source { get; init; } = "";
    /// <summary>The table's source line of each row (1-based).</summary>
    public int[] Rows { get; init; } = [];

    public double[]? CurrentIn(MeasuredBasis to, double? activeMassPerArea) =>
        MeasuredDataReader.Factor(CurrentBasis, to, ActiveMass, Area, activeMassPerArea) is { } f ? Current.Select(v => v * f).ToArray() : null;

    public double[]? CapacityIn(MeasuredBasis to, double? activeMassPerArea) =>
        MeasuredDataReader.Factor(CapacityBasis, to, ActiveMass, Area, activeMassPerArea) is { } f ? Capacity.Select(v => v * f).ToArray() : null;
}

/// <summary>Reads a measured data file through its YAML sidecar (<see cref="MeasuredSidecar"/>).</summary>
public static class MeasuredDataReader
{
    /// <summary>Largest data file read [bytes].</summary>
    public const long MaxDataBytes = 256L << 20;

    /// <summary>Reads the sidecar at <paramref name="sidecarPath"/> and its curve; <see cref="CaseValidationException"/> for a bad sidecar, <see cref="MeasuredDataException"/> for bad data.</summary>
    public static MeasuredCurve ReadCurve(string sidecarPath)
    {
        var (sidecar, dataPath) = LoadSidecar(sidecarPath, MeasuredSidecar.Curve);
        return ReadCurve(sidecar, dataPath);
    }

    public static RateTable ReadRateTable(string sidecarPath)
    {
        var (sidecar, dataPath) = LoadSidecar(sidecarPath, MeasuredSidecar.RateTable);
        return ReadRateTable(sidecar, dataPath);
    }

    /// <summary>The sidecar's kind (<c>curve</c> or <c>rate_table</c>) after reading and checking it.</summary>
    public static string KindOf(string sidecarPath) => LoadSidecar(sidecarPath, null).Sidecar.Kind;

    /// <summary>Reads and checks a sidecar; every problem is named by key path in one <see cref="CaseValidationException"/>.</summary>
    public static (MeasuredSidecar Sidecar, string DataPath) LoadSidecar(string path, string? expectedKind)
    {
        string text = CaseFile.ReadInputText(path, InputLimits.MaxCaseBytes, "measured-data sidecar", out string full);
        string source = Path.GetFileName(full);
        var errors = new List<CaseError>();
        var sidecar = CaseFile.Read<MeasuredSidecar>(text, source, "a measured-data sidecar", "data, kind and columns", errors, out var index, out _);
        string dataPath = "";
        if (sidecar != null)
        {
            void Fail(string at, string value, string accepted, bool missing = false)
            {
                var node = index.ValueAt(at) ?? index.NearestPresent(at);
                var e = missing ? CaseError.Missing(at, accepted) : new CaseError(at, value, accepted);
                errors.Add(e with { Line = (int?)node?.Start.Line, Column = (int?)node?.Start.Column });
            }
            if (sidecar.Data.Length == 0) Fail("data", "", "the data file (CSV or TSV), relative to the sidecar", missing: true);
            else
            {
                dataPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, sidecar.Data));
                if (!File.Exists(dataPath)) Fail("data", sidecar.Data, $"an existing data file (looked for {dataPath})");
            }
            if (!MeasuredSidecar.Kinds.Contains(sidecar.Kind)) Fail("kind", sidecar.Kind, "one of " + string.Join(", ", MeasuredSidecar.Kinds));
            else if (expectedKind != null && sidecar.Kind != expectedKind) Fail("kind", sidecar.Kind, $"{expectedKind} here");
            if (!MeasuredSidecar.Signs.Contains(sidecar.CurrentSign)) Fail("current_sign", sidecar.CurrentSign, "one of " + string.Join(", ", MeasuredSidecar.Signs));
            if (!MeasuredSidecar.TimeOrigins.Contains(sidecar.TimeOrigin)) Fail("time_origin", sidecar.TimeOrigin, "one of " + string.Join(", ", MeasuredSidecar.TimeOrigins));
            if (!MeasuredSidecar.NanPolicies.Contains(sidecar.NanRows)) Fail("nan_rows", sidecar.NanRows, "one of " + string.Join(", ", MeasuredSidecar.NanPolicies));
            if (sidecar.Delimiter is { } d && d is not ("," or ";" or "tab" or "\t")) Fail("delimiter", d, "one of ',', ';', tab");
            void Column(string key, ColumnSpec? spec, MeasuredQuantity quantity, bool required)
            {
                string at = $"columns.{key}";
                if (spec == null) { if (required) Fail(at, "", $"{{name: HEADER, unit: UNIT}} with UNIT one of {string.Join(", ", MeasuredUnits.Accepted(quantity))}", missing: true); return; }
                if (spec.Name.Length == 0) Fail(at + ".name", "", "the column's header in the data file", missing: true);
                if (MeasuredUnits.Find(spec.Unit, quantity) == null)
                    Fail(at + ".unit", spec.Unit.Length == 0 ? "empty" : spec.Unit, "one of " + string.Join(", ", MeasuredUnits.Accepted(quantity)), missing: spec.Unit.Length == 0);
            }
            bool curve = sidecar.Kind != MeasuredSidecar.RateTable;
            Column("time", sidecar.Columns.Time, MeasuredQuantity.Time, curve);
            Column("voltage", sidecar.Columns.Voltage, MeasuredQuantity.Voltage, curve);
            Column("current", sidecar.Columns.Current, MeasuredQuantity.Current, !curve);
            Column("capacity", sidecar.Columns.Capacity, MeasuredQuantity.Capacity, !curve);
            if (sidecar.Select is { } select)
            {
                if (select.Status != null && sidecar.Columns.Status == null) Fail("columns.status", "", "the status column's header (select.status needs it)", missing: true);
                if (select.Step != null && sidecar.Columns.Step == null) Fail("columns.step", "", "the step-index column's header (select.step needs it)", missing: true);
                if (select.TimeWindowS is { } w && !(w.Count == 2 && w[0] < w[1]))
                    Fail("select.time_window_s", $"[{string.Join(", ", w)}]", "[from, to] with from < to, in s");
            }
            if (sidecar.Normalisation is { } n)
            {
                if (n.ActiveMassMg is { } m && !(m > 0 && double.IsFinite(m))) Fail("normalisation.active_mass_mg", m.ToString(CultureInfo.InvariantCulture), "> 0 (mg)");
                if (n.AreaCm2 is { } a && !(a > 0 && double.IsFinite(a))) Fail("normalisation.area_cm2", a.ToString(CultureInfo.InvariantCulture), "> 0 (cm²)");
            }
            if (!curve)
            {
                if (sidecar.VoltageWindowV is not { Count: 2 } vw || !(vw[0] < vw[1]))
                    Fail("voltage_window_V", sidecar.VoltageWindowV is { } v ? $"[{string.Join(", ", v)}]" : "", "[low, high] in V, low < high", missing: sidecar.VoltageWindowV == null);
            }
        }
        if (errors.Count > 0) throw new CaseValidationException(source, errors.OrderBy(e => e.Line ?? int.MaxValue).ToList());
        return (sidecar!, dataPath);
    }

    public static MeasuredCurve ReadCurve(MeasuredSidecar sidecar, string dataPath)
    {
        var c = sidecar.Columns;
        var table = Table.Read(dataPath, sidecar);
        var used = new List<(string Key, ColumnSpec Spec, MeasuredQuantity Quantity)> { ("time", c.Time!, MeasuredQuantity.Time), ("voltage", c.Voltage!, MeasuredQuantity.Voltage) };
        if (c.Current != null) used.Add(("current", c.Current, MeasuredQuantity.Current));
        if (c.Capacity != null) used.Add(("capacity", c.Capacity, MeasuredQuantity.Capacity));
        var (rows, values, dropped, shortDropped) = table.Select(sidecar, used);
        string file = dataPath;
        if (rows.Count == 0) throw new MeasuredDataException(file, null, SelectionColumn(sidecar), $"the selected step is empty ({Describe(sidecar.Select)} matches none of {table.RowCount} rows)");
        if (rows.Count < 2) throw new MeasuredDataException(file, rows[0], null, $"the selected step has one row ({Describe(sidecar.Select)}); a curve needs at least 2");
        var time = values["time"];
        for (int k = 1; k < time.Length; k++)
            if (time[k] < time[k - 1])
                throw new MeasuredDataException(file, rows[k], c.Time!.Name,
                    $"time is not monotonic: {Show(time[k] / Unit(c.Time, MeasuredQuantity.Time).ToSi)} after {Show(time[k - 1] / Unit(c.Time, MeasuredQuantity.Time).ToSi)} (row {rows[k - 1]}) {c.Time.Unit}");
        double t0 = sidecar.TimeOrigin == "file" ? 0 : time[0];
        double sign = sidecar.CurrentSign == "negative_discharge" ? -1 : 1;
        double[]? current = values.TryGetValue("current", out var i) ? i.Select(v => sign * v).ToArray() : null;
        var basisOf = (ColumnSpec? s, MeasuredQuantity q) => s == null ? (MeasuredBasis?)null : Unit(s, q).Basis;
        var capacityBasis = basisOf(c.Capacity, MeasuredQuantity.Capacity);
        var currentBasis = basisOf(c.Current, MeasuredQuantity.Current);
        double[]? capacity = null;
        MeasuredBasis basis = capacityBasis ?? currentBasis ?? MeasuredBasis.Absolute;
        if (values.TryGetValue("capacity", out var q))
        {
            // Cyclers count capacity from the start of the test or of the step, some with the current's sign.
            capacity = q.Select(v => Math.Abs(v - q[0])).ToArray();
            if (current != null && currentBasis != capacityBasis)
                current = Factor(currentBasis!.Value, capacityBasis!.Value, Mass(sidecar), Area(sidecar), null) is { } f ? current.Select(v => v * f).ToArray() : current;
        }
        else if (current != null)
        {
            capacity = new double[time.Length];
            for (int k = 1; k < time.Length; k++) capacity[k] = capacity[k - 1] + 0.5 * (current[k] + current[k - 1]) * (time[k] - time[k - 1]);
        }
        return new MeasuredCurve
        {
            File = file, Time = time.Select(t => t - t0).ToArray(), Voltage = values["voltage"], Current = current, Capacity = capacity, Basis = basis,
            ActiveMass = Mass(sidecar), Area = Area(sidecar), DroppedRows = dropped, ShortRowsDropped = shortDropped, Source = sidecar.Source,
        };
    }

    public static RateTable ReadRateTable(MeasuredSidecar sidecar, string dataPath)
    {
        var c = sidecar.Columns;
        var table = Table.Read(dataPath, sidecar);
        var used = new List<(string Key, ColumnSpec Spec, MeasuredQuantity Quantity)> { ("current", c.Current!, MeasuredQuantity.Current), ("capacity", c.Capacity!, MeasuredQuantity.Capacity) };
        var (rows, values, dropped, shortDropped) = table.Select(sidecar, used);
        if (rows.Count == 0) throw new MeasuredDataException(dataPath, null, SelectionColumn(sidecar), $"the rate table has no rows ({Describe(sidecar.Select)}, {table.RowCount} rows in the file)");
        double sign = sidecar.CurrentSign == "negative_discharge" ? -1 : 1;
        for (int k = 0; k < rows.Count; k++)
        {
            if (!(sign * values["current"][k] > 0)) throw new MeasuredDataException(dataPath, rows[k], c.Current!.Name, $"{Show(values["current"][k] / Unit(c.Current, MeasuredQuantity.Current).ToSi)} is not a discharge current (current_sign: {sidecar.CurrentSign})");
            if (!(values["capacity"][k] >= 0)) throw new MeasuredDataException(dataPath, rows[k], c.Capacity!.Name, $"{Show(values["capacity"][k])} is not a capacity >= 0");
        }
        return new RateTable
        {
            File = dataPath, Current = values["current"].Select(v => sign * v).ToArray(), Capacity = values["capacity"].Select(Math.Abs).ToArray(),
            CurrentBasis = Unit(c.Current!, MeasuredQuantity.Current).Basis, CapacityBasis = Unit(c.Capacity!, MeasuredQuantity.Capacity).Basis,
            ActiveMass = Mass(sidecar), Area = Area(sidecar), VoltageWindow = (sidecar.VoltageWindowV![0], sidecar.VoltageWindowV[1]),
            DroppedRows = dropped, ShortRowsDropped = shortDropped, Source = sidecar.Source, Rows = rows.ToArray(),
        };
    }

    /// <summary>
    /// The factor from <paramref name="from"/> to <paramref name="to"/> basis: by area [m²], by mass [kg], or through the
    /// model's active mass per area [kg/m²] (per area = per mass × mass per area); null when the needed number is missing.
    /// </summary>
    public static double? Factor(MeasuredBasis from, MeasuredBasis to, double? mass, double? area, double? massPerArea)
    {
        if (from == to) return 1;
        double? perArea = from switch
        {
            MeasuredBasis.Absolute => area is { } a ? 1 / a : null,
            MeasuredBasis.PerMass => mass is { } m && area is { } a2 ? m / a2 : massPerArea,
            _ => 1,
        };
        if (to == MeasuredBasis.PerArea) return perArea;
        if (to == MeasuredBasis.PerMass)
        {
            if (from == MeasuredBasis.Absolute && mass is { } m) return 1 / m;
            if (perArea is not { } pa) return null;
            double? areaPerMass = mass is { } m2 && area is { } a3 ? a3 / m2 : massPerArea is { } mpa ? 1 / mpa : null;
            return areaPerMass is { } apm ? pa * apm : null;
        }
        // Absolute from a normalised basis.
        return from == MeasuredBasis.PerArea ? area : mass;
    }

    private static double? Mass(MeasuredSidecar s) => s.Normalisation?.ActiveMassMg * 1e-6;
    private static double? Area(MeasuredSidecar s) => s.Normalisation?.AreaCm2 * 1e-4;
    private static MeasuredUnit Unit(ColumnSpec spec, MeasuredQuantity q) => MeasuredUnits.Find(spec.Unit, q)!;
    private static string Show(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The column a selection reads (status, then step, then time), named in an empty-selection error.</summary>
    private static string? SelectionColumn(MeasuredSidecar s) => s.Select switch
    {
        null => null,
        { Status: not null } => s.Columns.Status,
        { Step: not null } => s.Columns.Step,
        { TimeWindowS: not null } => s.Columns.Time?.Name,
        _ => null,
    };

    private static string Describe(StepSelection? s)
    {
        if (s == null) return "no selection";
        var parts = new List<string>();
        if (s.Status != null) parts.Add($"status = {s.Status}");
        if (s.Step != null) parts.Add($"step = {s.Step}");
        if (s.TimeWindowS is { Count: 2 } w) parts.Add($"time in [{Show(w[0])}, {Show(w[1])}] s");
        return "select " + string.Join(", ", parts);
    }

    /// <summary>The text cells of a delimited file with its header, read by CsvHelper.</summary>
    private sealed class Table
    {
        private readonly string _path;
        private readonly string[] _header;
        private readonly List<(int Line, string[] Cells)> _rows;
        /// <summary>The line of the header in the file (after any comment lines).</summary>
        private readonly int _headerLine;

        private Table(string path, string[] header, int headerLine, char separator, List<(int, string[])> rows) { _path = path; _header = header; _headerLine = headerLine; Separator = separator; _rows = rows; }

        private char Separator { get; }
        private static string Printable(char c) => c == '\t' ? "tab" : c.ToString();

        public int RowCount => _rows.Count;

        public static Table Read(string path, MeasuredSidecar sidecar)
        {
            char separator = sidecar.Delimiter switch
            {
                "tab" or "\t" => '\t',
                { } d => d[0],
                null => Path.GetExtension(path).ToLowerInvariant() is ".tsv" or ".txt" ? '\t' : ',',
            };
            var info = new FileInfo(path);
            if (info.Length > MaxDataBytes) throw new MeasuredDataException(path, null, null, $"{InputLimits.Bytes(info.Length)} is larger than the {InputLimits.Bytes(MaxDataBytes)} accepted");
            var options = CsvHelper.CsvReaderOptions.Default with
            {
                HasHeader = false, Separator = separator, CommentPrefix = '#', TrackLineNumbers = true, TrimWhitespace = true,
                AllowLineBreaksInQuotes = false, IncludeValuesInExceptions = false,
            };
            string[]? header = null;
            int headerLine = 1;
            var rows = new List<(int, string[])>();
            try
            {
                using var csv = CsvHelper.CsvReader.FromText(File.ReadAllText(path), options);
                while (csv.Read())
                {
                    var cells = new string[csv.FieldCount];
                    for (int k = 0; k < cells.Length; k++) cells[k] = csv.GetString(k).Trim();
                    if (header == null) { header = cells; headerLine = (int)csv.LineNumber; }
                    else rows.Add(((int)csv.LineNumber, cells));
                }
            }
            catch (CsvHelper.CsvFormatException e)
            {
                throw new MeasuredDataException(path, e.LineNumber > 0 ? (int)e.LineNumber : null, null, $"malformed CSV ({e.Message.TrimEnd('.')})");
            }
            if (header == null) throw new MeasuredDataException(path, null, null, "the file is empty (a header row naming the columns is needed)");
            return new Table(path, header, headerLine, separator, rows);
        }

        private int IndexOf(string name, string key)
        {
            int i = Array.IndexOf(_header, name);
            if (i < 0)
                throw new MeasuredDataException(_path, _headerLine, name,
                    $"no such column (named by the sidecar's {key}); the header has: {string.Join(", ", _header.Select(h => $"'{InputLimits.Shorten(h)}'"))}");
            return i;
        }

        /// <summary>
        /// Why a cell is not a number, with what is accepted: a finite number in the invariant culture ('.' decimal point,
        /// optional exponent); a decimal comma (<c>4,0215</c>, a European export) is named as such with the value to write.
        /// </summary>
        internal static string NotANumber(string text, string unit)
        {
            string shown = InputLimits.Shorten(text);
            string accepted = "accepted: a finite number with '.' as the decimal point and an optional exponent, e.g. 4.0215 or 1.5e-3";
            string trimmed = text.Trim();
            if (trimmed.Count(ch => ch == ',') == 1 && !trimmed.Contains('.')
                && double.TryParse(trimmed.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
                return $"'{shown}' is not a finite number (in {unit}): a decimal comma; write {trimmed.Replace(',', '.')} ({accepted})";
            return $"'{shown}' is not a finite number (in {unit}); {accepted}";
        }

        /// <summary>The selected rows' line numbers and their values in SI, with the counts of NaN rows and short rows dropped.</summary>
        public (List<int> Rows, Dictionary<string, double[]> Values, int Dropped, int ShortDropped) Select(MeasuredSidecar sidecar, List<(string Key, ColumnSpec Spec, MeasuredQuantity Quantity)> used)
        {
            var columns = used.Select(u => (u.Key, u.Spec, Index: IndexOf(u.Spec.Name, $"columns.{u.Key}.name"), Unit: Unit(u.Spec, u.Quantity))).ToList();
            var select = sidecar.Select;
            int statusIndex = select?.Status != null ? IndexOf(sidecar.Columns.Status!, "columns.status") : -1;
            int stepIndex = select?.Step != null ? IndexOf(sidecar.Columns.Step!, "columns.step") : -1;
            int timeIndex = select?.TimeWindowS != null ? IndexOf(sidecar.Columns.Time?.Name ?? "", "columns.time.name") : -1;
            var lines = new List<int>();
            var values = columns.ToDictionary(c => c.Key, _ => new List<double>());
            int dropped = 0, shortDropped = 0;
            foreach (var (line, cells) in _rows)
            {
                // More filled cells than the header names shifts every column after the extra one (a decimal comma in a
                // comma-separated file, a stray delimiter): the values would be read from the wrong columns.
                for (int i = _header.Length; i < cells.Length; i++)
                    if (cells[i].Length > 0)
                        throw new MeasuredDataException(_path, line, null,
                            $"{cells.Length} cells where the header names {_header.Length} (cell {i + 1} is '{InputLimits.Shorten(cells[i])}'): a decimal comma or a stray delimiter ('{Printable(Separator)}') would shift the columns");
                string Cell(int i) => i < cells.Length ? cells[i] : "";
                if (statusIndex >= 0 && Cell(statusIndex) != select!.Status) continue;
                if (stepIndex >= 0)
                {
                    if (!double.TryParse(Cell(stepIndex), NumberStyles.Float, CultureInfo.InvariantCulture, out double s))
                        throw new MeasuredDataException(_path, line, sidecar.Columns.Step, $"'{InputLimits.Shorten(Cell(stepIndex))}' is not a step index (an integer)");
                    if (s != select!.Step) continue;
                }
                if (timeIndex >= 0 && double.TryParse(Cell(timeIndex), NumberStyles.Float, CultureInfo.InvariantCulture, out double t))
                {
                    double ts = t * Unit(sidecar.Columns.Time!, MeasuredQuantity.Time).ToSi;
                    if (ts < select!.TimeWindowS![0] || ts > select.TimeWindowS[1]) continue;
                }
                // Fewer fields than the header names (a line cut short, a file that ends mid-row): a short row, not a NaN.
                if (cells.Length < _header.Length)
                {
                    if (sidecar.NanRows == "drop") { shortDropped++; continue; }
                    throw new MeasuredDataException(_path, line, null,
                        $"a short row: {cells.Length} field(s) where the header names {_header.Length} (a line cut short?); set nan_rows: drop in the sidecar to drop such rows (the count dropped is reported)");
                }
                var parsed = new double[columns.Count];
                string? nanColumn = null;
                for (int j = 0; j < columns.Count; j++)
                {
                    string text = Cell(columns[j].Index);
                    if (text.Length == 0 || text.Equals("nan", StringComparison.OrdinalIgnoreCase)) { nanColumn ??= columns[j].Spec.Name; parsed[j] = double.NaN; continue; }
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || double.IsInfinity(v))
                        throw new MeasuredDataException(_path, line, columns[j].Spec.Name, NotANumber(text, columns[j].Spec.Unit));
                    parsed[j] = v * columns[j].Unit.ToSi;
                }
                if (nanColumn != null)
                {
                    if (sidecar.NanRows == "drop") { dropped++; continue; }
                    throw new MeasuredDataException(_path, line, nanColumn, $"{(Cell(columns.First(c => c.Spec.Name == nanColumn).Index).Length == 0 ? "empty" : "NaN")} (set nan_rows: drop in the sidecar to drop such rows; the count dropped is reported)");
                }
                lines.Add(line);
                for (int j = 0; j < columns.Count; j++) values[columns[j].Key].Add(parsed[j]);
            }
            return (lines, values.ToDictionary(v => v.Key, v => v.Value.ToArray()), dropped, shortDropped);
        }
    }
}
