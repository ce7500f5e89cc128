using System.Globalization;
using System.Text.Json;
using ElectrodeSim.Native.Hdf5;

namespace ElectrodeSim.Plotting;

/// <summary>A result file that cannot be opened as an ElectrodeSim HDF5 result at all.</summary>
/// <param name="notAResult">The file is HDF5 but not an ElectrodeSim result (no root attribute <c>program = ElectrodeSim</c>).</param>
public sealed class ResultFileException(string message, Exception? inner = null, bool notAResult = false) : Exception(message, inner)
{
    /// <summary>The file is readable HDF5 written by something else; a folder report skips it.</summary>
    public bool NotAResult { get; } = notAResult;
}

/// <summary>
/// A field recorded over time, row-major: record <c>t</c> is the slice
/// <c>[t * SliceLength, (t + 1) * SliceLength)</c> of shape <see cref="SliceShape"/>
/// (<c>[nx]</c> or <c>[nx, nr]</c>).
/// </summary>
public sealed class FieldSeries(string path, double[] values, int timeCount, int[] sliceShape, string units, string description)
{
    public string Path { get; } = path;
    public string Units { get; } = units;
    public string Description { get; } = description;
    /// <summary>Records usable with the time series (a failed run may have fewer than <c>/time</c>).</summary>
    public int TimeCount { get; } = timeCount;
    public int[] SliceShape { get; } = sliceShape;
    public int SliceLength { get; } = sliceShape.Aggregate(1, (p, d) => p * d);

    public ReadOnlySpan<double> At(int record) => values.AsSpan(record * SliceLength, SliceLength);
}

/// <summary>The time series of a run: <c>/time</c> [s] and whatever else of the same length was written.</summary>
public sealed class TimeSeries
{
    public required double[] Time { get; init; }
    /// <summary>Cell voltage [V].</summary>
    public double[]? Voltage { get; init; }
    /// <summary>Applied current density [A/m²], positive lithiates the working electrode of a half cell.</summary>
    public double[]? CurrentDensity { get; init; }
    /// <summary>Charge passed per mass of working-electrode active material [mAh/g].</summary>
    public double[]? SpecificCapacity { get; init; }
    /// <summary>Charge passed per unit cell area [C/m²].</summary>
    public double[]? Charge { get; init; }
    /// <summary>Protocol step index of each record.</summary>
    public int[]? ProtocolStep { get; init; }
    public int Count => Time.Length;
}

/// <summary>
/// One protocol step as the run ended it (dataset <c>/protocol/outcome</c>, or the root attribute
/// <c>protocol_outcome</c> of older files, which has no mode, capacity or end kind).
/// </summary>
/// <param name="StartTime">[s]</param>
/// <param name="EndTime">[s]</param>
/// <param name="Charge">Charge passed in the step [C/m²].</param>
public sealed record ProtocolStepOutcome(int Index, string Label, double StartTime, double EndTime, double Charge, string Reason)
{
    /// <summary>current, voltage or rest; null in older files.</summary>
    public string? Mode { get; init; }
    /// <summary>Charge passed in the step per active mass [mAh/g]; NaN when not recorded.</summary>
    public double Capacity { get; init; } = double.NaN;
    /// <summary>Why the step ended as an enum name (StopCondition, PhysicalLimit, …); null in older files.</summary>
    public string? End { get; init; }
    /// <summary>[s]</summary>
    public double Duration => EndTime - StartTime;
}

/// <summary>
/// The mesh and fields of one porous electrode. Depth is measured from the separator into the
/// electrode [m], so that 0 is the electrolyte side (the paper's "near the electrolyte") in a half
/// cell and in either electrode of a full cell.
/// </summary>
public sealed class ElectrodeData
{
    /// <summary>"electrode" for a half cell, "negative" or "positive" for a full cell.</summary>
    public required string Name { get; init; }
    /// <summary>Cell centres as depth from the separator [m].</summary>
    public required double[] Depth { get; init; }
    /// <summary>Cell boundaries as depth from the separator [m], <c>Depth.Length + 1</c> values.</summary>
    public required double[] DepthFaces { get; init; }
    /// <summary>Particle shell centres [m], or null when the file has none.</summary>
    public double[]? Radius { get; init; }
    /// <summary>Particle shell faces [m].</summary>
    public double[]? RadiusFaces { get; init; }
    public FieldSeries? StateOfLithiation { get; init; }
    public FieldSeries? SurfaceStateOfLithiation { get; init; }
    public FieldSeries? MeanStateOfLithiation { get; init; }
    public FieldSeries? InterfacialCurrentDensity { get; init; }
    public FieldSeries? SolidPotential { get; init; }
    public double Thickness => DepthFaces[^1];
}

/// <summary>
/// What a plot or a report needs from one result file. Loading never fails on a missing or
/// truncated piece: what is absent is left null and said in <see cref="Notes"/>, so a failed run,
/// a run without fields or a file cut short still gives the figures its data supports.
/// </summary>
public sealed class ResultData
{
    /// <summary>
    /// Root attributes written by <c>RunSummary.ToAttributes</c>, with labels for tables in the units
    /// researchers read (the areal capacity is stored in Ah/m² and shown in mAh/cm², see <see cref="DisplayValue"/>).
    /// </summary>
    public static readonly IReadOnlyList<(string Key, string Label)> SummaryKeys =
    [
        ("summary_capacity_mAh_g", "Specific capacity [mAh/g]"),
        ("summary_capacity_Ah_m2", "Areal capacity [mAh/cm²]"),
        ("summary_average_voltage_V", "Average voltage [V]"),
        ("summary_final_mean_state_of_lithiation", "Final mean state of lithiation"),
        ("summary_separator_side_interfacial_current_density_A_m2", "j at the separator side, end [A/m²] (< 0 lithiates)"),
        ("summary_collector_side_interfacial_current_density_A_m2", "j at the collector side, end [A/m²] (< 0 lithiates)"),
        ("summary_wall_time_s", "Wall time [s]"),
    ];

    /// <summary>A summary attribute in the unit of its <see cref="SummaryKeys"/> label: 1 Ah/m² = 0.1 mAh/cm².</summary>
    public static double DisplayValue(string key, double stored) => key == "summary_capacity_Ah_m2" ? 0.1 * stored : stored;

    /// <summary>Attributes of <c>/solver</c>, with labels for tables.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> SolverKeys =
    [
        ("unknowns", "Unknowns"),
        ("steps", "Time steps"),
        ("rejected_steps", "Rejected steps"),
        ("newton_iterations", "Newton iterations"),
        ("newton_failures", "Newton failures"),
        ("jacobian_evaluations", "Jacobian evaluations"),
        ("max_order_used", "Highest BDF order used"),
        ("wall_time_s", "Wall time [s]"),
    ];

    private readonly List<string> _notes = [];

    private ResultData(string path) { Path = System.IO.Path.GetFullPath(path); }

    public string Path { get; }
    /// <summary>File name without <c>.h5</c> (keeps <c>.failed</c>), used to name figures.</summary>
    public string Stem => _stem ?? FileStem;
    private string? _stem;
    private string FileStem => System.IO.Path.GetFileName(Path) is var n && n.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) ? n[..^3] : System.IO.Path.GetFileNameWithoutExtension(Path);
    /// <summary>Case name (root attribute <c>case_name</c>), or the file stem.</summary>
    public string CaseName { get; private set; } = "";
    /// <summary><c>complete</c>, <c>failed</c>, <c>running</c>, or <c>unknown</c>.</summary>
    public string Status { get; private set; } = "unknown";
    public string? FailureReason { get; private set; }
    public string? Model { get; private set; }
    public string? ProgramVersion { get; private set; }
    public string? CreatedUtc { get; private set; }
    public string? CaseText { get; private set; }
    public string? CaseDescription { get; private set; }
    /// <summary>Provenance of the parameter set: title, source, DOI (what the case file says).</summary>
    public IReadOnlyDictionary<string, string> Provenance { get; private set; } = new Dictionary<string, string>();
    public bool IsHalfCell { get; private set; } = true;
    /// <summary>
    /// A 2-D resolved-particle result (it has <c>/mesh/phase</c>): its time series are read as for P2D; its <c>nt × ny × nx</c>
    /// fields are not (<see cref="Electrodes"/> is empty), <see cref="ResolvedMaps"/> draws them.
    /// </summary>
    public bool IsResolved { get; private set; }
    public TimeSeries? Series { get; private set; }
    /// <summary>All cell centres through the thickness [m], x = 0 at the lithium foil or negative collector.</summary>
    public double[]? X { get; private set; }
    public double[]? XFaces { get; private set; }
    /// <summary>Region of each x cell: 0 separator, 1 first electrode, 2 second electrode.</summary>
    public int[]? Region { get; private set; }
    public FieldSeries? ElectrolyteConcentration { get; private set; }
    public FieldSeries? ElectrolytePotential { get; private set; }
    public IReadOnlyList<ElectrodeData> Electrodes { get; private set; } = [];
    public IReadOnlyDictionary<string, double> Summary { get; private set; } = new Dictionary<string, double>();
    public IReadOnlyDictionary<string, double> Solver { get; private set; } = new Dictionary<string, double>();
    public string? SolverDescription { get; private set; }
    public IReadOnlyList<ProtocolStepOutcome> Protocol { get; private set; } = [];
    /// <summary>What is missing or partial, one sentence each.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Reads a result file; throws <see cref="ResultFileException"/> only if it cannot be opened as HDF5.</summary>
    /// <summary>
    /// Gives results that share a case name (two runs of one case, e.g. different protocols) the name
    /// "NAME (file stem)", so that legends, tables and the per-case colours keep them apart. Results that share a file stem
    /// (the same case run into two folders) first get the stem "FOLDER-STEM" (and "-2", "-3" … if that is shared too), so that
    /// their figures do not overwrite each other and their legends differ.
    /// </summary>
    public static void LabelDuplicateNames(IReadOnlyList<ResultData> results)
    {
        foreach (var group in results.GroupBy(r => r.Stem, StringComparer.Ordinal).Where(g => g.Count() > 1))
            foreach (var r in group)
                r._stem = $"{System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(r.Path))}-{r.FileStem}";
        foreach (var group in results.GroupBy(r => r.Stem, StringComparer.Ordinal).Where(g => g.Count() > 1))
            foreach (var (r, k) in group.Skip(1).Select((r, k) => (r, k))) r._stem = $"{r.Stem}-{k + 2}";
        foreach (var group in results.GroupBy(r => r.CaseName, StringComparer.Ordinal).Where(g => g.Count() > 1))
            foreach (var r in group) r.CaseName = $"{r.CaseName} ({r.Stem})";
    }

    /// <summary>
    /// A path as messages show it: relative to the working folder when the file is inside it, absolute otherwise (as
    /// ElectrodeSim.Cases.DisplayPath, which this project does not reference).
    /// </summary>
    internal static string Shown(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string relative = System.IO.Path.GetRelativePath(Environment.CurrentDirectory, full);
        bool climbs = relative == ".." || relative.StartsWith(".." + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative);
        return climbs ? full : relative;
    }

    public static ResultData Load(string path)
    {
        string shown = Shown(path);
        if (!File.Exists(path)) throw new ResultFileException($"{shown}: no such file");
        Hdf5File file;
        try { file = Hdf5File.OpenRead(path); }
        catch (Exception e) when (e is Hdf5Exception or DllNotFoundException or IOException)
        {
            if (e.Message.Contains("unable to lock the file", StringComparison.Ordinal))
                throw new ResultFileException($"{shown}: is locked by another process (a run still writing it?): {e.Message}", e);
            throw new ResultFileException($"{shown}: cannot be opened as an HDF5 result file ({e.Message})", e);
        }
        using (file)
        {
            // Without this check an HDF5 file from anything else is read as a result with
            // everything missing, and counted as a run.
            string? program = StringAttribute(file, "/", "program");
            if (program != "ElectrodeSim")
                throw new ResultFileException(
                    $"{shown}: is not an ElectrodeSim result (its root attribute program is {(program is null ? "missing" : $"'{program}'")}, not 'ElectrodeSim')",
                    notAResult: true);
            var data = new ResultData(path);
            data.ReadHeader(file);
            data.ReadSeries(file);
            // A 2-D resolved result's fields are ny × nx maps, drawn by ResolvedMaps from the file; the 1-D readers do not apply.
            data.IsResolved = file.Exists("/mesh/phase");
            if (data.IsResolved) return data;
            data.ReadMesh(file);
            data.ReadFields(file);
            return data;
        }
    }

    private void Note(string text) => _notes.Add(text);

    private static string? StringAttribute(Hdf5File file, string path, string name)
    {
        try { return file.Exists(path) || path == "/" ? (file.HasAttribute(path, name) ? file.ReadStringAttribute(path, name) : null) : null; }
        catch (Hdf5Exception) { return null; }
    }

    private static double? DoubleAttribute(Hdf5File file, string path, string name)
    {
        try { return file.HasAttribute(path, name) ? file.ReadDoubleAttribute(path, name) : null; }
        catch (Hdf5Exception) { return null; }
    }

    private void ReadHeader(Hdf5File file)
    {
        CaseName = StringAttribute(file, "/", "case_name") ?? Stem;
        Status = StringAttribute(file, "/", "status") ?? "unknown";
        FailureReason = StringAttribute(file, "/", "failure_reason");
        Model = StringAttribute(file, "/", "model");
        ProgramVersion = StringAttribute(file, "/", "program_version");
        CreatedUtc = StringAttribute(file, "/", "created_utc");
        CaseText = StringAttribute(file, "/", "case_text");
        CaseDescription = CaseText is null ? null : TopLevelValue(CaseText, "description");
        Provenance = ParseProvenance(StringAttribute(file, "/", "provenance"));
        IsHalfCell = !(Model?.Contains("full cell", StringComparison.OrdinalIgnoreCase) ?? false) && !file.Exists("/fields/negative");
        if (StringAttribute(file, "/", "case_name") is null) Note("the file has no case_name attribute; it may not be an ElectrodeSim result");
        switch (Status)
        {
            case "failed": Note($"the run failed ({FailureReason ?? "no reason recorded"}); what it recorded before failing is shown"); break;
            case "running": Note("the run had not finished when the file was read (status = running); the records so far are shown"); break;
            case "complete": break;
            default: Note($"the file has status '{Status}'"); break;
        }

        var summary = new Dictionary<string, double>();
        foreach (var (key, _) in SummaryKeys)
            if (DoubleAttribute(file, "/", key) is { } v) summary[key] = v;
        Summary = summary;
        if (Status == "complete" && summary.Count == 0) Note("the file has no summary attributes");

        var solver = new Dictionary<string, double>();
        if (file.Exists("/solver"))
        {
            foreach (var (key, _) in SolverKeys)
                if (DoubleAttribute(file, "/solver", key) is { } v) solver[key] = v;
            SolverDescription = StringAttribute(file, "/solver", "description");
        }
        else if (Status == "complete") Note("the file has no /solver report");
        Solver = solver;
        Protocol = file.Exists("/protocol/outcome") ? ReadProtocolOutcome(file) : ParseProtocolOutcome(StringAttribute(file, "/", "protocol_outcome"));
    }

    private static string? TopLevelValue(string yaml, string key)
    {
        foreach (var line in yaml.Split('\n'))
        {
            if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
            var value = line[(key.Length + 1)..].Trim();
            int comment = value.IndexOf(" #", StringComparison.Ordinal);
            if (comment >= 0) value = value[..comment].Trim();
            return value.Trim('"', '\'');
        }
        return null;
    }

    private static Dictionary<string, string> ParseProvenance(string? json)
    {
        var result = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return result;
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) result[p.Name] = p.Value.GetString()!;
        }
        catch (JsonException) { }
        return result;
    }

    private IReadOnlyList<ProtocolStepOutcome> ReadProtocolOutcome(Hdf5File file)
    {
        Hdf5Table table;
        try { table = file.ReadTable("/protocol/outcome"); }
        catch (Hdf5Exception e)
        {
            Note($"/protocol/outcome could not be read ({e.Message})");
            return ParseProtocolOutcome(StringAttribute(file, "/", "protocol_outcome"));
        }
        double[] Numbers(string name) => table.HasNumbers(name) ? table.Numbers(name) : Enumerable.Repeat(double.NaN, table.RowCount).ToArray();
        string?[] Strings(string name) => table.HasStrings(name) ? table.Strings(name) : new string?[table.RowCount];
        var index = Numbers("index");
        var (label, mode, end, reason) = (Strings("label"), Strings("mode"), Strings("end"), Strings("reason"));
        var (start, stop, charge, capacity) = (Numbers("start_s"), Numbers("end_s"), Numbers("charge_C_m2"), Numbers("capacity_mAh_g"));
        var rows = new List<ProtocolStepOutcome>();
        for (int r = 0; r < table.RowCount; r++)
        {
            if (!double.IsFinite(index[r])) continue;
            rows.Add(new ProtocolStepOutcome((int)Math.Round(index[r]), label[r] ?? "", start[r], stop[r], charge[r], reason[r] ?? "")
            {
                Mode = mode[r],
                End = end[r],
                Capacity = capacity[r],
            });
        }
        return rows;
    }

    private static IReadOnlyList<ProtocolStepOutcome> ParseProtocolOutcome(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var rows = new List<ProtocolStepOutcome>();
        foreach (var line in text.Split('\n').Skip(1))
        {
            var c = line.Split('\t');
            if (c.Length < 6 || !int.TryParse(c[0], CultureInfo.InvariantCulture, out int index)) continue;
            static double D(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
            rows.Add(new ProtocolStepOutcome(index, c[1], D(c[2]), D(c[3]), D(c[4]), string.Join('\t', c[5..])));
        }
        return rows;
    }

    private double[]? Read(Hdf5File file, string path, out long[] dims, bool noteIfMissing = true)
    {
        dims = [];
        if (!file.Exists(path))
        {
            if (noteIfMissing) Note($"{path} is missing");
            return null;
        }
        try { return file.ReadArray(path, out dims); }
        catch (Hdf5Exception e)
        {
            Note($"{path} could not be read ({e.Message})");
            return null;
        }
    }

    private void ReadSeries(Hdf5File file)
    {
        var time = Read(file, "/time", out _);
        if (time is null) return;
        var voltage = Read(file, "/voltage", out _);
        var current = Read(file, "/current_density", out _);
        var capacity = Read(file, "/specific_capacity", out _);
        var charge = Read(file, "/charge", out _);
        var step = Read(file, "/protocol_step", out _);
        // Records are appended dataset by dataset, so a run that died mid-record leaves the first
        // series one longer than the last; keep only the records every series has.
        var all = new[] { time, voltage, current, capacity, charge, step };
        int n = all.Where(a => a != null).Min(a => a!.Length);
        if (all.Any(a => a != null && a.Length != n))
            Note($"the time series have different lengths (an interrupted write); the first {n} records are used");
        if (n == 0) Note("the file holds no time records");
        // Records are placed by their time: from the first time that is not finite on, none can be.
        if (time.Take(n).ToList().FindIndex(t => !double.IsFinite(t)) is var badTime and >= 0)
        {
            Note($"/time is not finite from record {badTime} on; only the {badTime} records before it are used");
            n = badTime;
        }
        double[]? Cut(double[]? a, string path)
        {
            if (a is null) return null;
            var kept = a.Length > n ? a[..n] : a;
            Finite(kept, path);
            return kept;
        }
        Series = new TimeSeries
        {
            Time = Cut(time, "/time")!,
            Voltage = Cut(voltage, "/voltage"),
            CurrentDensity = Cut(current, "/current_density"),
            SpecificCapacity = Cut(capacity, "/specific_capacity"),
            Charge = Cut(charge, "/charge"),
            ProtocolStep = Cut(step, "/protocol_step")?.Select(v => double.IsFinite(v) ? (int)Math.Round(v) : -1).ToArray(),
        };
    }

    /// <summary>
    /// Says how many values of a dataset are NaN or ±∞ and makes the infinite ones NaN, which the
    /// figures leave out (a gap in a curve, a blank cell in a map).
    /// </summary>
    private void Finite(Span<double> values, string path)
    {
        int bad = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i])) continue;
            bad++;
            values[i] = double.NaN;
        }
        if (bad > 0 && !(path == "/specific_capacity" && bad == values.Length && !IsHalfCell))
            Note($"{path} holds {bad} of {values.Length} values that are not finite (NaN or ±∞); they are left out of the figures");
    }

    private void ReadMesh(Hdf5File file)
    {
        X = Read(file, "/mesh/x", out _);
        XFaces = Read(file, "/mesh/x_faces", out _);
        if (file.Exists("/mesh/region"))
        {
            try { Region = file.ReadIntArray("/mesh/region", out _); }
            catch (Hdf5Exception e) { Note($"/mesh/region could not be read ({e.Message})"); }
        }
        else Note("/mesh/region is missing");
        if (X != null && XFaces != null && XFaces.Length != X.Length + 1)
        {
            Note("/mesh/x_faces does not match /mesh/x; cell boundaries are taken half-way between centres");
            XFaces = null;
        }
        if (X != null && Region != null && Region.Length != X.Length) { Note("/mesh/region does not match /mesh/x"); Region = null; }
    }

    private string Units(Hdf5File file, string path) => StringAttribute(file, path, "units") ?? "";

    private FieldSeries? ReadField(Hdf5File file, string path, int sliceRank, bool noteIfMissing = true)
    {
        var values = Read(file, path, out var dims, noteIfMissing);
        if (values is null) return null;
        if (dims.Length != sliceRank + 1)
        {
            Note($"{path} has shape [{string.Join(", ", dims)}], expected {sliceRank + 1} dimensions; not plotted");
            return null;
        }
        int available = (int)dims[0];
        int times = Series?.Count ?? 0;
        int usable = Math.Min(available, times);
        if (available != times)
            Note($"{path} has {available} records but /time has {times}; the first {usable} are used");
        if (usable == 0)
        {
            if (available > 0 || times > 0) Note($"{path} has no records usable with /time; not plotted");
            return null;
        }
        var slice = dims.Skip(1).Select(d => (int)d).ToArray();
        int sliceLength = slice.Aggregate(1, (p, d) => p * d);
        Finite(values.AsSpan(0, Math.Min(values.Length, usable * sliceLength)), path);
        return new FieldSeries(path, values, usable, slice, Units(file, path), StringAttribute(file, path, "description") ?? "");
    }

    private void ReadFields(Hdf5File file)
    {
        if (!file.Exists("/fields"))
        {
            Note("the file has no /fields group (the case had output.fields: false, or the run stopped before writing any): only the voltage curves can be drawn");
            return;
        }
        ElectrolyteConcentration = ReadField(file, "/fields/electrolyte_concentration", 1);
        ElectrolytePotential = ReadField(file, "/fields/electrolyte_potential", 1);
        if (ElectrolyteConcentration != null && X != null && ElectrolyteConcentration.SliceShape[0] != X.Length)
        {
            Note("/fields/electrolyte_concentration does not match /mesh/x; not plotted");
            ElectrolyteConcentration = null;
        }

        var electrodes = new List<ElectrodeData>();
        if (file.Exists("/fields/state_of_lithiation") || file.Exists("/mesh/x_electrode") || IsHalfCell)
        {
            if (ReadElectrode(file, "", "electrode", regionCode: 1, separatorOnLeft: true) is { } e) electrodes.Add(e);
        }
        else
        {
            if (ReadElectrode(file, "negative/", "negative", regionCode: 1, separatorOnLeft: false) is { } n) electrodes.Add(n);
            if (ReadElectrode(file, "positive/", "positive", regionCode: 2, separatorOnLeft: true) is { } p) electrodes.Add(p);
        }
        Electrodes = electrodes;
    }

    private ElectrodeData? ReadElectrode(Hdf5File file, string prefix, string name, int regionCode, bool separatorOnLeft)
    {
        var x = Read(file, "/mesh/" + prefix + "x_electrode", out _);
        var r = Read(file, "/mesh/" + prefix + "r", out _);
        var rFaces = Read(file, "/mesh/" + prefix + "r_faces", out _, noteIfMissing: false);
        if (r != null && rFaces != null && rFaces.Length != r.Length + 1) rFaces = null;
        rFaces ??= r is null ? null : FacesFromCentres(r, 0.0);

        string g = "/fields/" + prefix;
        var sol = ReadField(file, g + "state_of_lithiation", 2);
        var surface = ReadField(file, g + "surface_state_of_lithiation", 1);
        var mean = ReadField(file, g + "mean_state_of_lithiation", 1);
        var current = ReadField(file, g + "interfacial_current_density", 1);
        var potential = ReadField(file, g + "solid_potential", 1);
        if (x is null)
        {
            if (sol != null || mean != null || current != null)
                Note($"the {name} fields cannot be placed: /mesh/{prefix}x_electrode is missing");
            return null;
        }
        if (sol != null && (sol.SliceShape[0] != x.Length || r is null || sol.SliceShape[1] != r.Length))
        {
            Note($"{sol.Path} does not match the electrode mesh; not plotted");
            sol = null;
        }
        FieldSeries? Matching(FieldSeries? f)
        {
            if (f is null || f.SliceShape[0] == x.Length) return f;
            Note($"{f.Path} does not match /mesh/{prefix}x_electrode; not plotted");
            return null;
        }

        // Depth from the separator: the electrode's face on the separator side is known from
        // the region map and the cell faces; without them, half a cell before the first centre.
        double separatorFace = double.NaN;
        double[]? faces = null;
        if (XFaces != null && Region != null && X != null)
        {
            var cells = Enumerable.Range(0, Region.Length).Where(i => Region[i] == regionCode).ToArray();
            if (cells.Length == x.Length)
            {
                faces = XFaces[cells[0]..(cells[^1] + 2)];
                separatorFace = separatorOnLeft ? faces[0] : faces[^1];
            }
        }
        if (faces is null)
        {
            faces = FacesFromCentres(x, double.NaN);
            separatorFace = separatorOnLeft ? faces[0] : faces[^1];
            Note($"the {name} cell boundaries are not in the file; depth is measured from half a cell before the first centre");
        }
        double Depth(double v) => separatorOnLeft ? v - separatorFace : separatorFace - v;
        var depth = x.Select(Depth).ToArray();
        var depthFaces = faces.Select(Depth).ToArray();
        if (!separatorOnLeft) { Array.Reverse(depth); Array.Reverse(depthFaces); }
        return new ElectrodeData
        {
            Name = name,
            Depth = depth,
            DepthFaces = depthFaces,
            Radius = r,
            RadiusFaces = rFaces,
            StateOfLithiation = separatorOnLeft ? sol : Reversed(sol, r?.Length ?? 1),
            SurfaceStateOfLithiation = Oriented(Matching(surface), separatorOnLeft),
            MeanStateOfLithiation = Oriented(Matching(mean), separatorOnLeft),
            InterfacialCurrentDensity = Oriented(Matching(current), separatorOnLeft),
            SolidPotential = Oriented(Matching(potential), separatorOnLeft),
        };
    }

    private static FieldSeries? Oriented(FieldSeries? f, bool separatorOnLeft) => separatorOnLeft ? f : Reversed(f, 1);

    /// <summary>Reverses the x order of every record, so that index 0 is next to the separator.</summary>
    private static FieldSeries? Reversed(FieldSeries? f, int inner)
    {
        if (f is null) return null;
        int nx = f.SliceShape[0];
        var values = new double[f.TimeCount * f.SliceLength];
        for (int t = 0; t < f.TimeCount; t++)
        {
            var src = f.At(t);
            for (int i = 0; i < nx; i++)
                src.Slice(i * inner, inner).CopyTo(values.AsSpan(t * f.SliceLength + (nx - 1 - i) * inner, inner));
        }
        return new FieldSeries(f.Path, values, f.TimeCount, f.SliceShape, f.Units, f.Description);
    }

    /// <summary>Boundaries half-way between centres; the outer ones mirror the neighbour spacing, or sit at <paramref name="first"/>.</summary>
    private static double[] FacesFromCentres(double[] c, double first)
    {
        var f = new double[c.Length + 1];
        for (int i = 1; i < c.Length; i++) f[i] = 0.5 * (c[i - 1] + c[i]);
        double h0 = c.Length > 1 ? c[1] - c[0] : Math.Max(Math.Abs(c[0]), 1e-6);
        double h1 = c.Length > 1 ? c[^1] - c[^2] : h0;
        f[0] = double.IsNaN(first) ? c[0] - 0.5 * h0 : first;
        f[^1] = c[^1] + 0.5 * h1;
        return f;
    }
}
