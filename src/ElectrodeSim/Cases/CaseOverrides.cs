using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ElectrodeSim.Cases;

/// <summary>One <c>key.path=value</c> assignment: <c>protocol[0].current_density_mA_cm2=2.5</c>.</summary>
public sealed record CaseOverride(string Path, string Value)
{
    /// <summary>Reads <c>key.path=value</c>; the value is YAML (<c>5</c>, <c>false</c>, <c>[1, 2]</c>, <c>"text"</c>).</summary>
    /// <exception cref="CaseValidationException">No <c>=</c>, or an empty key path.</exception>
    public static CaseOverride Parse(string assignment, string sourceName = "--set")
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0 || assignment[..eq].Trim().Length == 0)
            throw new CaseValidationException(sourceName, [new CaseError("--set", $"'{InputLimits.Shorten(assignment)}'", "key.path=value, e.g. mesh.electrode_cells=8 or protocol[0].current_density_mA_cm2=2.5")]);
        return new CaseOverride(assignment[..eq].Trim(), assignment[(eq + 1)..].Trim());
    }

    public override string ToString() => $"{Path}={Value}";

    /// <summary>A number as an override value: integers without a decimal point (for count keys), others round-trip.</summary>
    public static string Format(double value) =>
        Math.Abs(value) < 1e15 && value == Math.Round(value)
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// Sets values of a case text by key path before it is read, so that an overridden case goes through exactly the
/// reader and validator a case file does (<see cref="CaseFile.Parse"/>, <see cref="CaseBuilder.Build"/>): a value of
/// the wrong kind, or out of range, is reported with its key path like the same value written in the file, and a key
/// the schema does not know is reported as an unknown key. Keys absent from the text (left to a parameter set or a
/// default) are added, with their parent mappings; sequence items must exist (<c>protocol[3]</c> of a one-step
/// protocol is an error naming the item). Used by <c>run --set</c> and by sweeps.
/// The text is rewritten from its node tree, so comments are not kept; key order, anchors and values are.
/// </summary>
public static class CaseOverrides
{
    private static readonly Regex Segment = new(@"^(?<key>[^.\[\]]+)?(?<index>(\[\d+\])*)$", RegexOptions.CultureInvariant);

    /// <summary>The case text with every override applied in order (a later one on the same key wins).</summary>
    /// <exception cref="CaseValidationException">The text is not YAML, or a path leads through a value that is not a mapping or sequence, or to a missing sequence item.</exception>
    public static string Apply(string yamlText, IEnumerable<CaseOverride> overrides, string sourceName)
    {
        var errors = new List<CaseError>();
        string text = Apply(yamlText, overrides, sourceName, errors);
        if (errors.Count > 0) throw new CaseValidationException(sourceName, errors);
        return text;
    }

    /// <summary>Applies every override that can be applied; the others are added to <paramref name="errors"/>.</summary>
    private static string Apply(string yamlText, IEnumerable<CaseOverride> overrides, string sourceName, List<CaseError> errors)
    {
        var list = overrides.ToList();
        if (list.Count == 0) return yamlText;
        if (InPlace(yamlText, list) is { } edited) return edited;
        // The index bounds nesting before the representation model (which recurses) reads the text; a text that is
        // not YAML is reported by the reader as it would be without overrides.
        if (!YamlNodeIndex.TryBuild(yamlText, out var index, out _, out _) || index.IsEmpty || index.Root!.Kind != YamlNodeKind.Mapping)
        {
            CaseFile.Parse(yamlText, sourceName, ".");
            throw new CaseValidationException(sourceName, [new CaseError("(document)", "unreadable", "a case mapping")]);
        }
        var stream = new YamlStream();
        stream.Load(new StringReader(yamlText));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        foreach (var o in list)
            if (Set(root, o) is { } error) errors.Add(error);

        var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>
    /// Reads case text with overrides applied: every problem of the overrides and of the resulting case in one
    /// <see cref="CaseValidationException"/>, as <see cref="CaseFile.Parse"/> reports a file's. With overrides the errors
    /// carry no line numbers (they would point into the rewritten text, not the file).
    /// </summary>
    public static CaseDocument Parse(string yamlText, IReadOnlyList<CaseOverride> overrides, string sourceName, string baseDirectory, out string resolvedText)
    {
        if (overrides.Count == 0) { resolvedText = yamlText; return CaseFile.Parse(yamlText, sourceName, baseDirectory); }
        var errors = new List<CaseError>();
        // A sweep sets plain scalars of one base text thousands of times: the rewritten text's index is then made from the
        // base's events (the text is not read again), and it is exactly the index reading the rewritten text gives.
        if (InPlace(yamlText, overrides.ToList(), out var parsed) is { } edited)
        {
            resolvedText = edited;
            return Unlocated(() => CaseFile.Parse(edited, parsed, sourceName, baseDirectory), sourceName, errors);
        }
        resolvedText = Apply(yamlText, overrides, sourceName, errors);
        string text = resolvedText;
        return Unlocated(() => CaseFile.Parse(text, sourceName, baseDirectory), sourceName, errors);
    }

    /// <summary>Reads the overridden text; its errors after <paramref name="errors"/> (those of the overrides), without line numbers.</summary>
    private static CaseDocument Unlocated(Func<CaseDocument> read, string sourceName, List<CaseError> errors)
    {
        static CaseError Unlocated(CaseError e) => e with { Line = null, Column = null };
        try
        {
            var document = read();
            if (errors.Count > 0) throw new CaseValidationException(sourceName, errors);
            return document;
        }
        catch (CaseValidationException e) when (!ReferenceEquals(e.Errors, errors))
        {
            throw new CaseValidationException(sourceName, errors.Concat(e.Errors.Select(Unlocated)).ToList(), e) { Warnings = e.Warnings.Select(Unlocated).ToList() };
        }
    }

    /// <summary>
    /// Reads a case file with overrides applied, as <see cref="CaseFile.Load"/> reads it without. Errors are labelled
    /// <c>FILE --set k=v …</c> and carry no line numbers (they would point into the rewritten text, not the file).
    /// </summary>
    public static CaseDocument Load(string path, IReadOnlyList<CaseOverride> overrides)
    {
        if (overrides.Count == 0) return CaseFile.Load(path);
        string text = CaseFile.ReadInputText(path, InputLimits.MaxCaseBytes, "case file", out string full);
        string source = Path.GetFileName(full) + " " + string.Join(" ", overrides.Select(o => "--set " + o));
        return Parse(text, overrides, source, Path.GetDirectoryName(full)!, out _);
    }

    /// <summary>
    /// SHA-256 (hex) of a fully resolved case text: the fingerprint sweeps use to recognise a case. It is taken over
    /// the YAML content (structure and values, not comments or layout), so editing a comment of the base case does
    /// not make its cases new; a text that is not YAML is hashed as it is.
    /// </summary>
    public static string Fingerprint(string resolvedText)
    {
        if (!YamlNodeIndex.TryBuild(resolvedText, out var index, out _, out _))
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(resolvedText)));
        return Fingerprint(index);
    }

    /// <summary><see cref="Fingerprint(string)"/> of the text a document was read from, from its index (the text is not read again).</summary>
    public static string Fingerprint(CaseDocument document) => Fingerprint(document.Index);

    private static string Fingerprint(YamlNodeIndex index)
    {
        var content = new StringBuilder();
        foreach (var e in index.Events)
        {
            content.Append(e.GetType().Name).Append('\u0001');
            if (e is YamlDotNet.Core.Events.Scalar scalar) content.Append(scalar.Value).Append('\u0002');
            if (e is YamlDotNet.Core.Events.AnchorAlias alias) content.Append(alias.Value).Append('\u0002');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content.ToString())));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, YamlNodeIndex> Indexes = new();

    /// <summary>
    /// The text with each value token replaced where it stands — comments and layout kept — when every override names a
    /// one-line plain scalar already in the text and its new value is a plain word or number; otherwise null (the node
    /// tree is rewritten instead). The index of a text is kept, as a sweep applies thousands of overrides to one base.
    /// </summary>
    public static string? ApplyInPlace(string text, IReadOnlyList<CaseOverride> overrides) => InPlace(text, overrides.ToList());

    private static string? InPlace(string text, List<CaseOverride> overrides) => InPlace(text, overrides, out _, index: false);

    /// <summary><see cref="InPlace(string, List{CaseOverride})"/>, with the index of the edited text (null when it cannot be made from the base's events).</summary>
    internal static string? InPlace(string text, List<CaseOverride> overrides, out YamlNodeIndex? editedIndex) => InPlace(text, overrides, out editedIndex, index: true);

    private static string? InPlace(string text, List<CaseOverride> overrides, out YamlNodeIndex? editedIndex, bool index)
    {
        editedIndex = null;
        string? edited = InPlaceText(text, overrides, out var baseIndex);
        if (edited is null || !index) return edited;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in overrides) values[o.Path] = o.Value;
        editedIndex = baseIndex!.WithScalars(values);
        return editedIndex is null ? null : edited;
    }

    private static string? InPlaceText(string text, List<CaseOverride> overrides, out YamlNodeIndex? index)
    {
        index = null;
        if (text.Length > 1_000_000 || overrides.Any(o => !PlainValue.IsMatch(o.Value))) return null;
        if (!Indexes.TryGetValue(text, out var found))
        {
            if (!YamlNodeIndex.TryBuild(text, out found, out _, out _) || found.Root?.Kind != YamlNodeKind.Mapping) return null;
            if (Indexes.Count < 64) Indexes.TryAdd(text, found);
        }
        index = found;
        var edits = new Dictionary<int, (int End, string Value)>();
        foreach (var o in overrides)
        {
            if (index.ValueAt(o.Path) is not { Kind: YamlNodeKind.Scalar } node || node.Start.Line != node.End.Line) return null;
            int start = (int)node.Start.Index, end = (int)node.End.Index;
            if (end <= start || end > text.Length || text[start..end] != node.Text) return null;   // quoted, or not where it seems
            edits[start] = (end, o.Value);
        }
        var result = new StringBuilder(text.Length + 64);
        int at = 0;
        foreach (var (start, (end, value)) in edits.OrderBy(e => e.Key))
        {
            result.Append(text, at, start - at).Append(value);
            at = end;
        }
        return result.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>A value that reads the same as a plain scalar wherever it is put: a number or a word.</summary>
    private static readonly Regex PlainValue = new(@"^[A-Za-z0-9_+\-.]+$", RegexOptions.CultureInvariant);

    private static CaseError? Set(YamlMappingNode root, CaseOverride o)
    {
        var steps = new List<(string? Key, int? Index, string Path)>();
        string walked = "";
        foreach (var part in o.Path.Split('.'))
        {
            var m = Segment.Match(part);
            if (!m.Success || (!m.Groups["key"].Success && steps.Count == 0 && m.Groups["index"].Length == 0))
                return new CaseError(o.Path, $"'{InputLimits.Shorten(o.Path)}'", "a key path: keys joined by '.', sequence items as [i], e.g. protocol[0].current_density_mA_cm2");
            if (m.Groups["key"].Success)
            {
                walked = YamlNodeIndex.Join(walked, m.Groups["key"].Value);
                steps.Add((m.Groups["key"].Value, null, walked));
            }
            foreach (Match i in Regex.Matches(m.Groups["index"].Value, @"\d+"))
            {
                walked += $"[{i.Value}]";
                steps.Add((null, int.Parse(i.Value, CultureInfo.InvariantCulture), walked));
            }
        }

        YamlNode node = root;
        for (int s = 0; s < steps.Count; s++)
        {
            var (key, item, path) = steps[s];
            bool last = s == steps.Count - 1;
            string parent = YamlNodeIndex.Parent(path);
            if (key != null)
            {
                if (node is not YamlMappingNode mapping)
                    return new CaseError(parent.Length == 0 ? "(document)" : parent, Describe(node), $"a mapping (--set {o.Path} needs one there)");
                var name = new YamlScalarNode(key);
                if (last) { mapping.Children[name] = ValueNode(o.Value); return null; }
                if (!mapping.Children.TryGetValue(name, out var child))
                {
                    // A missing section or item list: created as what the next step needs.
                    child = steps[s + 1].Key != null ? new YamlMappingNode() : new YamlSequenceNode();
                    mapping.Children[name] = child;
                }
                node = child;
            }
            else
            {
                if (node is not YamlSequenceNode sequence)
                    return new CaseError(parent, Describe(node), $"a sequence (--set {o.Path} indexes it)");
                if (item >= sequence.Children.Count)
                    return CaseError.Missing(path, $"--set {o.Path}: {parent} has {sequence.Children.Count} item(s), indices 0-{sequence.Children.Count - 1}");
                if (last) { sequence.Children[item!.Value] = ValueNode(o.Value); return null; }
                node = sequence.Children[item!.Value];
            }
        }
        return null;
    }

    /// <summary>The value as the YAML it is written in: a scalar keeps its text (typed by the reader later), <c>[…]</c> or <c>{…}</c> become nodes.</summary>
    private static YamlNode ValueNode(string value)
    {
        string text = value.Trim();
        if (text.Length > 0 && (text[0] is '[' or '{' or '"' or '\'' || text.Contains('\n')))
        {
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(text));
                if (stream.Documents.Count == 1) return stream.Documents[0].RootNode;
            }
            catch (YamlException) { }
        }
        return new YamlScalarNode(text);
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => InputLimits.Shorten(s.Value ?? ""),
        YamlSequenceNode => "a sequence",
        _ => "a mapping",
    };
}
