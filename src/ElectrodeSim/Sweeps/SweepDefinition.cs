using System.Globalization;
using ElectrodeSim.Cases;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ElectrodeSim.Sweeps;

/// <summary>One swept input of one case: the key path and the value text given to <see cref="CaseOverrides"/>.</summary>
public sealed record SweepInput(string Key, string Value);

/// <summary>
/// A sweep file (<c>electrodesim sweep SWEEP.yaml</c>): a base case plus the dimensions it is varied along.
/// <code>
/// base: ../sio-c-l.yaml            # a case file (relative to the sweep file) or an inline case mapping
/// set:                             # overrides of every case (optional)
///   output.fields: false
/// axes:                            # a Cartesian grid, the first key varying slowest
///   protocol[0].current_density_mA_cm2: {from: 1, to: 10, count: 10, spacing: log}
///   mesh.electrode_cells: [8, 16]
/// zip:                             # groups of equally long lists stepped together: one grid dimension each
///   - case: [../sio-c-h.yaml, ../sio-c-l.yaml]     # the reserved key 'case' swaps the base case file
///     protocol[0].current_density_mA_cm2: [2, 5]
/// samples:                         # seeded random or Latin-hypercube points: one more grid dimension
///   {count: 20, seed: 1, method: latin_hypercube, keys: {electrode.solid_diffusivity_m2_s: {low: 1e-14, high: 1e-12, log: true}}}
/// </code>
/// Problems are reported like case errors: key path, value, what is accepted.
/// </summary>
public sealed class SweepDefinition
{
    /// <summary>The reserved axis key whose values are case files (the base case of each row).</summary>
    public const string CaseKey = "case";

    private SweepDefinition(string sourceName, string directory, string text) { SourceName = sourceName; Directory = directory; _text = text; }

    /// <summary>The sweep file's text, for what the parsed nodes lose: the spacing between the items of a flow list.</summary>
    private readonly string _text;

    public string SourceName { get; }
    /// <summary>Absolute directory of the sweep file; case paths are relative to it.</summary>
    public string Directory { get; }
    public string Name { get; private set; } = "";
    /// <summary>Text of the base case (null when every row names its case through <see cref="CaseKey"/>).</summary>
    public string? BaseText { get; private set; }
    public string BaseSource { get; private set; } = "";
    public string BaseDirectory { get; private set; } = "";
    public IReadOnlyList<CaseOverride> Fixed { get; private set; } = [];
    /// <summary>The grid dimensions, in order (slowest first); each is a list of rows of inputs.</summary>
    public IReadOnlyList<IReadOnlyList<IReadOnlyList<SweepInput>>> Dimensions { get; private set; } = [];
    /// <summary>Every swept key, in column order.</summary>
    public IReadOnlyList<string> SweptKeys { get; private set; } = [];

    public static SweepDefinition Load(string path)
    {
        string text = CaseFile.ReadInputText(path, InputLimits.MaxCaseBytes, "sweep file", out string full);
        return Parse(text, Path.GetFileName(full), Path.GetDirectoryName(full)!);
    }

    /// <summary>
    /// The top-level case keys of <paramref name="root"/> (at most four, in file order) when it has no sweep key but
    /// name and description and at least one key of a case: a case file given where a sweep file belongs. Null otherwise.
    /// </summary>
    private static IReadOnlyList<string>? LooksLikeCase(YamlMappingNode root, string[] sweepKeys)
    {
        var keys = root.Children.Keys.Select(Text).ToList();
        if (keys.Any(k => sweepKeys.Contains(k) && k is not ("name" or "description"))) return null;
        var caseKeys = CaseSchema.KeysOf(typeof(CaseDefinition)).Keys.Where(k => k is not ("name" or "description")).ToHashSet(StringComparer.Ordinal);
        var found = keys.Where(caseKeys.Contains).ToList();
        return found.Count == 0 ? null : found.Count <= 4 ? found : [.. found.Take(4), "…"];
    }

    public static SweepDefinition Parse(string text, string sourceName, string directory)
    {
        var sweep = new SweepDefinition(sourceName, Path.GetFullPath(directory), text);
        var errors = new List<CaseError>();
        YamlMappingNode root;
        try
        {
            if (!YamlNodeIndex.TryBuild(text, out var index, out var syntax, out var last))
                throw new CaseValidationException(sourceName, [new CaseError(last.Length == 0 ? "(document)" : last, "unreadable", $"valid YAML ({syntax!.Message})") { Line = (int)syntax.Start.Line }]);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode m ? m
                : throw new CaseValidationException(sourceName, [new CaseError("(document)", "not a mapping", "a sweep: a mapping with base (or a 'case' axis) and axes, zip or samples")]);
        }
        catch (YamlException e)
        {
            throw new CaseValidationException(sourceName, [new CaseError("(document)", "unreadable", $"valid YAML ({e.Message})") { Line = (int)e.Start.Line }]);
        }

        string[] known = ["name", "description", "base", "set", "axes", "zip", "samples"];
        if (LooksLikeCase(root, known) is { } caseKeys)
            throw new CaseValidationException(sourceName, [new CaseError("(document)",
                $"a case file (it has the case keys {string.Join(", ", caseKeys)} and none of base, set, axes, zip, samples)",
                $"a sweep file; run a case with 'electrodesim run {sourceName}', or sweep it from a sweep file with 'base: {sourceName}' and axes, zip or samples")]);
        foreach (var key in root.Children.Keys)
            if (!known.Contains(Text(key)))
                errors.Add(Located(new CaseError(Text(key), $"'{Text(key)}'", "a key of the sweep; accepted: " + string.Join(", ", known)), key));

        sweep.Name = root.Children.TryGetValue(new YamlScalarNode("name"), out var name) ? Text(name) : Path.GetFileNameWithoutExtension(sourceName);
        var dimensions = new List<IReadOnlyList<IReadOnlyList<SweepInput>>>();

        if (root.Children.TryGetValue(new YamlScalarNode("base"), out var baseNode))
        {
            switch (baseNode)
            {
                case YamlScalarNode file:
                    try
                    {
                        sweep.BaseText = CaseFile.ReadInputText(Path.Combine(sweep.Directory, Text(file)), InputLimits.MaxCaseBytes, "base case", out var baseFull);
                        sweep.BaseSource = Path.GetFileName(baseFull);
                        sweep.BaseDirectory = Path.GetDirectoryName(baseFull)!;
                    }
                    catch (FileNotFoundException e) { errors.Add(Located(new CaseError("base", Text(file), $"an existing case file ({e.Message})"), file)); }
                    catch (CaseValidationException e) { errors.Add(Located(new CaseError("base", Text(file), "a readable case file: " + e.Errors[0]), file)); }
                    break;
                case YamlMappingNode inline:
                    sweep.BaseText = Serialize(inline);
                    sweep.BaseSource = sourceName + " (base)";
                    sweep.BaseDirectory = sweep.Directory;
                    break;
                default:
                    errors.Add(Located(new CaseError("base", "a sequence", "a case file path or an inline case mapping (several case files: a 'case' axis)"), baseNode));
                    break;
            }
        }

        if (root.Children.TryGetValue(new YamlScalarNode("set"), out var setNode))
        {
            if (setNode is YamlMappingNode set)
                sweep.Fixed = set.Children.Select(kv => new CaseOverride(Text(kv.Key), ValueText(kv.Value))).ToList();
            else errors.Add(Located(new CaseError("set", "not a mapping", "a mapping of key path to value, e.g. output.fields: false"), setNode));
        }

        if (root.Children.TryGetValue(new YamlScalarNode("axes"), out var axesNode))
        {
            if (axesNode is YamlMappingNode axes)
                foreach (var (key, value) in axes.Children)
                {
                    string path = "axes." + Text(key);
                    var values = sweep.Values(Text(key), value, path, errors);
                    if (values != null) dimensions.Add(values.Select(v => (IReadOnlyList<SweepInput>)[new SweepInput(Text(key), v)]).ToList());
                }
            else errors.Add(Located(new CaseError("axes", "not a mapping", "a mapping of key path to values"), axesNode));
        }

        if (root.Children.TryGetValue(new YamlScalarNode("zip"), out var zipNode))
        {
            if (zipNode is YamlSequenceNode zips)
                for (int g = 0; g < zips.Children.Count; g++)
                {
                    if (zips.Children[g] is not YamlMappingNode group)
                    {
                        errors.Add(Located(new CaseError($"zip[{g}]", "not a mapping", "a mapping of key path to values, all of one length"), zips.Children[g]));
                        continue;
                    }
                    var columns = new List<(string Key, IReadOnlyList<string> Values)>();
                    foreach (var (key, value) in group.Children)
                        if (sweep.Values(Text(key), value, $"zip[{g}].{Text(key)}", errors) is { } v) columns.Add((Text(key), v));
                    if (columns.Count == 0) continue;
                    if (columns.Select(c => c.Values.Count).Distinct().Count() > 1)
                    {
                        errors.Add(Located(new CaseError($"zip[{g}]", string.Join(", ", columns.Select(c => $"{c.Key}: {c.Values.Count}")), "lists of one length (zipped keys step together)"), group));
                        continue;
                    }
                    dimensions.Add(Enumerable.Range(0, columns[0].Values.Count)
                        .Select(i => (IReadOnlyList<SweepInput>)columns.Select(c => new SweepInput(c.Key, c.Values[i])).ToList()).ToList());
                }
            else errors.Add(Located(new CaseError("zip", "not a sequence", "a list of groups (mappings of key path to values)"), zipNode));
        }

        if (root.Children.TryGetValue(new YamlScalarNode("samples"), out var samplesNode) && Samples(samplesNode, errors) is { } samples)
            dimensions.Add(samples);

        if (dimensions.Count == 0 && errors.Count == 0)
            errors.Add(CaseError.Missing("axes", "at least one of axes, zip or samples"));
        var keys = dimensions.SelectMany(d => d[0].Select(i => i.Key)).ToList();
        foreach (var repeated in keys.GroupBy(k => k).Where(g => g.Count() > 1))
            errors.Add(new CaseError(repeated.Key, "swept more than once", "each key in one of axes, zip or samples"));
        if (sweep.BaseText == null && !keys.Contains(CaseKey) && baseNode == null)
            errors.Add(CaseError.Missing("base", "a case file or inline case, or a 'case' axis of case files"));
        if (errors.Count > 0) throw new CaseValidationException(sourceName, errors.OrderBy(e => e.Line ?? int.MaxValue).ToList());

        sweep.Dimensions = dimensions;
        sweep.SweptKeys = keys;
        return sweep;
    }

    /// <summary>Number of cases: the product of the dimensions' lengths.</summary>
    public long CaseCount => Dimensions.Aggregate(1L, (n, d) => n * d.Count);

    /// <summary>The swept inputs of case <paramref name="index"/> (grid order: the last dimension varies fastest).</summary>
    public IReadOnlyList<SweepInput> InputsOf(long index)
    {
        var inputs = new List<SweepInput>();
        var picks = new int[Dimensions.Count];
        for (int d = Dimensions.Count - 1; d >= 0; d--)
        {
            picks[d] = (int)(index % Dimensions[d].Count);
            index /= Dimensions[d].Count;
        }
        for (int d = 0; d < Dimensions.Count; d++) inputs.AddRange(Dimensions[d][picks[d]]);
        return inputs;
    }

    /// <summary>A value list, or a range <c>{from, to, count, spacing: linear|log}</c>, as override texts.</summary>
    private IReadOnlyList<string>? Values(string key, YamlNode node, string path, List<CaseError> errors)
    {
        if (key == CaseKey)
        {
            if (node is not YamlSequenceNode files || files.Children.Count == 0 || files.Children.Any(f => f is not YamlScalarNode))
            {
                errors.Add(Located(new CaseError(path, Describe(node), "a list of case files (relative to the sweep file)"), node));
                return null;
            }
            var list = new List<string>();
            foreach (var f in files.Children)
            {
                string full = Path.GetFullPath(Path.Combine(Directory, Text(f)));
                if (!File.Exists(full)) errors.Add(Located(new CaseError(path, Text(f), $"an existing case file ({DisplayPath.Of(full)} not found)"), f));
                list.Add(Text(f));
            }
            return list;
        }
        switch (node)
        {
            case YamlSequenceNode sequence when sequence.Children.Count > 0:
                if (DecimalComma(sequence, path) is { } comma) { errors.Add(comma); return null; }
                return sequence.Children.Select(ValueText).ToList();
            case YamlMappingNode range:
            {
                var fields = range.Children.ToDictionary(kv => Text(kv.Key), kv => kv.Value);
                foreach (var f in fields.Keys.Except(["from", "to", "count", "spacing"]))
                    errors.Add(Located(new CaseError($"{path}.{f}", $"'{f}'", "a key of a range; accepted: from, to, count, spacing"), range));
                double? from = Number(fields, "from", path, errors), to = Number(fields, "to", path, errors), count = Number(fields, "count", path, errors);
                string spacing = fields.TryGetValue("spacing", out var s) ? Text(s) : "linear";
                if (spacing is not ("linear" or "log")) errors.Add(Located(new CaseError(path + ".spacing", spacing, "linear or log"), s!));
                if (count is { } n && (n < 1 || n != Math.Floor(n) || n > 1_000_000)) errors.Add(Located(new CaseError(path + ".count", CaseOverride.Format(n), "a whole number from 1 to 1000000"), range));
                if (spacing == "log" && (from <= 0 || to <= 0)) errors.Add(Located(new CaseError(path, $"from {from}, to {to}", "> 0 at both ends (log spacing)"), range));
                if (from is not { } a || to is not { } b || count is not { } c || c < 1 || c != Math.Floor(c) || c > 1_000_000 || (spacing == "log" && (a <= 0 || b <= 0)) || spacing is not ("linear" or "log"))
                    return null;
                bool integer = IsIntegerKey(key);
                var values = new List<string>();
                for (int i = 0; i < (int)c; i++)
                {
                    double t = c == 1 ? 0 : i / (c - 1);
                    double v = spacing == "log" ? Math.Exp(Math.Log(a) + t * (Math.Log(b) - Math.Log(a))) : a + t * (b - a);
                    if (i == (int)c - 1 && c > 1) v = b;
                    values.Add(CaseOverride.Format(integer ? Math.Round(v) : v));
                }
                return values;
            }
            default:
                errors.Add(Located(new CaseError(path, Describe(node), "a non-empty list of values or a range {from, to, count, spacing: linear|log}"), node));
                return null;
        }
    }

    /// <summary>
    /// A decimal comma in a flow list, <c>[0.3, 0,4]</c>: YAML splits <c>0,4</c> into the two values 0 and 4 (try-out of
    /// 2026-12-07: reported as porosities 0 and 4 out of range). Named when the list separates its items with a comma
    /// and a space but one comma stands between an integer and digits with no space at all; a list written without spaces
    /// throughout (<c>[1,2,3]</c>) or with them throughout (<c>[0, 4]</c>) is taken as written.
    /// </summary>
    private CaseError? DecimalComma(YamlSequenceNode sequence, string path)
    {
        var items = sequence.Children;
        if (sequence.Style != YamlDotNet.Core.Events.SequenceStyle.Flow || items.Count < 2 || items.Any(i => i is not YamlScalarNode { Style: ScalarStyle.Plain })) return null;
        var separators = new string[items.Count - 1];
        for (int i = 0; i + 1 < items.Count; i++)
        {
            long from = items[i].End.Index, to = items[i + 1].Start.Index;
            if (from < 0 || to > _text.Length || to < from) return null;
            separators[i] = _text[(int)from..(int)to];
        }
        if (!separators.Any(s => s != ",")) return null;
        var joined = new List<string>();
        for (int i = 0; i + 1 < items.Count; i++)
            if (separators[i] == "," && IsDigits(Text(items[i]).TrimStart('+', '-')) && IsDigits(Text(items[i + 1])))
                joined.Add($"{Text(items[i])},{Text(items[i + 1])}");
        if (joined.Count == 0) return null;
        string written = "[" + _text[(int)items[0].Start.Index..(int)items[^1].End.Index] + "]";
        string dotted = string.Join(", ", joined.Select(j => j.Replace(',', '.')));
        string reads = joined.Count == 1 ? $"{joined[0]} reads as two values" : $"{string.Join(" and ", joined)} each read as two values";
        return Located(new CaseError(path, InputLimits.Shorten(written),
            $"a list of numbers with '.' as the decimal point ({reads}: a decimal comma; write {dotted}, or a comma and a space for two values)"), sequence);

        static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);
    }

    /// <summary>Seeded random or Latin-hypercube points inside bounds (log-uniform where <c>log: true</c>).</summary>
    private static IReadOnlyList<IReadOnlyList<SweepInput>>? Samples(YamlNode node, List<CaseError> errors)
    {
        const string path = "samples";
        if (node is not YamlMappingNode samples)
        {
            errors.Add(Located(new CaseError(path, Describe(node), "a mapping {count, seed, method: random|latin_hypercube, keys: {key: {low, high, log}}}"), node));
            return null;
        }
        var fields = samples.Children.ToDictionary(kv => Text(kv.Key), kv => kv.Value);
        foreach (var f in fields.Keys.Except(["count", "seed", "method", "keys"]))
            errors.Add(Located(new CaseError($"{path}.{f}", $"'{f}'", "a key of samples; accepted: count, seed, method, keys"), samples));
        double? count = Number(fields, "count", path, errors), seed = Number(fields, "seed", path, errors);
        string method = fields.TryGetValue("method", out var m) ? Text(m) : "latin_hypercube";
        if (method is not ("random" or "latin_hypercube")) errors.Add(Located(new CaseError(path + ".method", method, "random or latin_hypercube"), m!));
        if (count is { } c && (c < 1 || c != Math.Floor(c) || c > 1_000_000)) errors.Add(new CaseError(path + ".count", CaseOverride.Format(c), "a whole number from 1 to 1000000"));
        if (seed is { } sd && (sd != Math.Floor(sd) || Math.Abs(sd) > int.MaxValue)) errors.Add(new CaseError(path + ".seed", CaseOverride.Format(sd), "a whole number (32-bit)"));
        var bounds = new List<(string Key, double Low, double High, bool Log)>();
        if (!fields.TryGetValue("keys", out var keysNode) || keysNode is not YamlMappingNode keys || keys.Children.Count == 0)
            errors.Add(new CaseError(path + ".keys", keysNode == null ? "missing" : Describe(keysNode), "a mapping of key path to {low, high, log: bool}"));
        else
            foreach (var (key, value) in keys.Children)
            {
                string at = $"{path}.keys.{Text(key)}";
                if (value is not YamlMappingNode b) { errors.Add(Located(new CaseError(at, Describe(value), "{low, high, log: bool}"), value)); continue; }
                var bf = b.Children.ToDictionary(kv => Text(kv.Key), kv => kv.Value);
                double? low = Number(bf, "low", at, errors), high = Number(bf, "high", at, errors);
                bool log = bf.TryGetValue("log", out var l) && Text(l) is "true" or "True" or "yes";
                if (low is not { } lo || high is not { } hi) continue;
                if (!(hi > lo)) { errors.Add(Located(new CaseError(at, $"low {lo}, high {hi}", "high > low"), b)); continue; }
                if (log && lo <= 0) { errors.Add(Located(new CaseError(at + ".low", CaseOverride.Format(lo), "> 0 (log: true)"), b)); continue; }
                bounds.Add((Text(key), lo, hi, log));
            }
        if (count is not { } n || n < 1 || n != Math.Floor(n) || n > 1_000_000 || seed is not { } s || method is not ("random" or "latin_hypercube") || bounds.Count == 0) return null;

        // System.Random with a seed is a fixed generator (the same sequence on every .NET), so a seed reproduces the points.
        var random = new Random((int)s);
        int rows = (int)n;
        var unit = new double[bounds.Count][];
        for (int k = 0; k < bounds.Count; k++)
        {
            unit[k] = new double[rows];
            if (method == "random")
                for (int i = 0; i < rows; i++) unit[k][i] = random.NextDouble();
            else
            {
                // One point in each of n equal strata per key, strata paired at random between keys.
                var strata = Enumerable.Range(0, rows).ToArray();
                random.Shuffle(strata);
                for (int i = 0; i < rows; i++) unit[k][i] = (strata[i] + random.NextDouble()) / rows;
            }
        }
        var result = new List<IReadOnlyList<SweepInput>>();
        for (int i = 0; i < rows; i++)
            result.Add(bounds.Select((b, k) =>
            {
                double v = b.Log ? Math.Exp(Math.Log(b.Low) + unit[k][i] * (Math.Log(b.High) - Math.Log(b.Low))) : b.Low + unit[k][i] * (b.High - b.Low);
                return new SweepInput(b.Key, CaseOverride.Format(IsIntegerKey(b.Key) ? Math.Round(v) : v));
            }).ToList());
        return result;
    }

    private static bool IsIntegerKey(string key) => CaseSchema.TypeAt(key) is { } t && (Nullable.GetUnderlyingType(t) ?? t) is var u && (u == typeof(int) || u == typeof(long));

    private static double? Number(Dictionary<string, YamlNode> fields, string name, string path, List<CaseError> errors)
    {
        if (!fields.TryGetValue(name, out var node)) { errors.Add(CaseError.Missing($"{path}.{name}", "a number")); return null; }
        if (node is YamlScalarNode s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
        errors.Add(Located(new CaseError($"{path}.{name}", Describe(node), "a finite number"), node));
        return null;
    }

    /// <summary>An override value as YAML text: a scalar as written, a list or mapping in flow style.</summary>
    private static string ValueText(YamlNode node) => node is YamlScalarNode s ? s.Value ?? "" : Serialize(node).Trim();

    private static string Serialize(YamlNode node)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        string text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static string Text(YamlNode node) => node is YamlScalarNode s ? s.Value ?? "" : Describe(node);

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => InputLimits.Shorten(s.Value ?? ""),
        YamlSequenceNode => "a sequence",
        _ => "a mapping",
    };

    private static CaseError Located(CaseError e, YamlNode node) => node.Start.Line > 0 ? e with { Line = (int)node.Start.Line, Column = (int)node.Start.Column } : e;
}
