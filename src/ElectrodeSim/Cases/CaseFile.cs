using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ElectrodeSim.Cases;

/// <summary>
/// Reads case files. Anything that stops the text from becoming <see cref="CaseDefinition"/>
/// records (syntax errors, unknown keys, a word where a number belongs) is reported as a
/// <see cref="CaseValidationException"/> naming the key path, the value and what is accepted.
/// Reading does not check values; <see cref="CaseValidator"/> does.
/// </summary>
public static class CaseFile
{
    private const string Document = "(document)";

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CaseSchema.NamingConvention)
        .WithDuplicateKeyChecking()
        .Build();

    /// <summary>
    /// Reads and parses a case file; relative paths in it are resolved against its directory.
    /// A file that does not exist raises <see cref="FileNotFoundException"/>, not a validation error.
    /// </summary>
    public static CaseDocument Load(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"case file not found: {full}", full);
        return Parse(File.ReadAllText(full), Path.GetFileName(full), Path.GetDirectoryName(full)!);
    }

    /// <summary>Parses case text. <paramref name="sourceName"/> labels errors; <paramref name="baseDirectory"/> anchors relative paths.</summary>
    public static CaseDocument Parse(string yamlText, string sourceName, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        if (!YamlNodeIndex.TryBuild(yamlText, out var index, out var syntaxError, out var lastPath))
            throw new CaseValidationException(sourceName, [SyntaxError(yamlText, syntaxError!, lastPath)], syntaxError);

        if (index.IsEmpty)
            throw new CaseValidationException(sourceName, [new CaseError(Document, "an empty file", "a case: a mapping with " + RequiredSections)]);
        if (index.Root!.Kind != YamlNodeKind.Mapping)
            throw new CaseValidationException(sourceName, [At(new CaseError(Document, index.Root.Display, "a mapping with " + RequiredSections), index.Root.Start)]);

        var structural = new List<CaseError>();
        if (index.SecondDocument is { } second)
            structural.Add(At(new CaseError(Document, "a second document (---)", "allowed: one case per file"), second));
        foreach (var (duplicate, first) in index.Duplicates)
            structural.Add(At(new CaseError(duplicate.Path, "a repeated key", $"allowed: it is already given on line {first.Start.Line}"), duplicate.Start));
        if (structural.Count > 0) throw new CaseValidationException(sourceName, structural);

        CaseDefinition definition;
        try
        {
            definition = Deserializer.Deserialize<CaseDefinition>(yamlText);
        }
        catch (YamlException e)
        {
            throw new CaseValidationException(sourceName, [Translate(e, index)], e);
        }

        // A parameter set supplies every key the case does not write: the case text is laid over the
        // set's and read again. Both texts have been read on their own, so the overlay reads too.
        ParameterSet? set = null;
        if (definition.ParameterSet is { } reference)
        {
            set = ResolveParameterSet(reference, index, sourceName);
            definition = Deserializer.Deserialize<CaseDefinition>(ParameterSets.Overlay(set, yamlText));
        }
        return new CaseDocument(definition, yamlText, sourceName, Path.GetFullPath(baseDirectory), index, set);
    }

    /// <summary>Reads the text of a case or parameter set into records without validating values.</summary>
    internal static CaseDefinition Deserialize(string yamlText) => Deserializer.Deserialize<CaseDefinition>(yamlText);

    /// <summary>The set a case names as <c>NAME</c> or <c>NAME@VERSION</c>; a name or version that does not exist stops the reading.</summary>
    private static ParameterSet ResolveParameterSet(string reference, YamlNodeIndex index, string sourceName)
    {
        const string path = "parameter_set";
        int at = reference.IndexOf('@');
        string name = (at < 0 ? reference : reference[..at]).Trim();
        string? version = at < 0 ? null : reference[(at + 1)..].Trim();
        var node = index.ValueAt(path);
        CaseError Located(CaseError e) => node == null ? e : At(e, node.Start);
        var set = ParameterSets.Find(name);
        if (set == null)
        {
            string hint = Closest(name, ParameterSets.Names) is { } near ? $" (did you mean {near}?)" : "";
            throw new CaseValidationException(sourceName, [Located(new CaseError(path, reference, $"one of {string.Join(", ", ParameterSets.Names)}{hint}"))]);
        }
        if (version != null && version != set.Version)
            throw new CaseValidationException(sourceName, [Located(new CaseError(path, reference, $"an available version: {set.Label}"))]);
        return set;
    }

    private static string RequiredSections => "name, cell, electrolyte, separator, electrode and protocol";

    private static CaseError At(CaseError error, Mark mark) => error with { Line = (int)mark.Line, Column = (int)mark.Column };

    private static CaseError SyntaxError(string text, YamlException e, string lastPath)
    {
        var lines = text.Split('\n');
        int line = (int)Math.Clamp(e.Start.Line, 1, lines.Length);
        while (line > 1 && string.IsNullOrWhiteSpace(lines[line - 1])) line--;
        string path = PathOfLine(lines, line) ?? (lastPath.Length > 0 ? lastPath : Document);
        return At(new CaseError(path, $"'{lines[line - 1].Trim()}'", $"valid YAML ({e.Message.TrimEnd('.')})"), e.Start);
    }

    /// <summary>A block-mapping key at the start of a line, with its indentation and any sequence dash: <c>"    - label:"</c>.</summary>
    private static readonly Regex KeyAtLineStart = new(@"^\s*(?:-\s+)*[^\s:#\-\[\]{},'""][^:#]*?:(?=\s|$)", RegexOptions.CultureInvariant);

    /// <summary>
    /// The key path of the line the scanner stopped on. The scanner reads ahead, so the last key
    /// it delivered may be the previous one; the text up to that line, plus the key that begins
    /// it, is usually valid YAML, and its last key path is the line's.
    /// </summary>
    private static string? PathOfLine(string[] lines, int line)
    {
        var key = KeyAtLineStart.Match(lines[line - 1].TrimEnd('\r'));
        if (!key.Success) return null;
        string probe = string.Join('\n', lines.Take(line - 1)) + "\n" + key.Value;
        return YamlNodeIndex.TryBuild(probe, out _, out _, out var path) && path.Length > 0 ? path : null;
    }

    /// <summary>
    /// Turns a deserialiser error into the key path it concerns. The error carries only a
    /// position; the index gives the nodes that start there. A key the schema does not know
    /// is an unknown key; a key under a scalar-valued key means a mapping was written where a
    /// number or text belongs; otherwise the outermost value at the position has the wrong type.
    /// </summary>
    private static CaseError Translate(YamlException e, YamlNodeIndex index)
    {
        var nodes = index.StartingAt(e.Start);
        foreach (var key in nodes.Where(n => n.IsKey))
        {
            string parent = YamlNodeIndex.Parent(key.Path);
            var parentType = CaseSchema.TypeAt(parent);
            if (parentType == null) continue;
            if (CaseSchema.IsSection(parentType))
            {
                var keys = CaseSchema.KeysOf(parentType).Keys;
                if (keys.Contains(key.Text)) continue;
                string where = parent.Length == 0 ? "the case" : parent;
                string hint = Closest(key.Text ?? "", keys) is { } near ? $" (did you mean {near}?)" : "";
                return At(new CaseError(key.Path, $"'{key.Text}'", $"a key of {where}{hint}; accepted: {string.Join(", ", keys)}"), key.Start);
            }
            if (!CaseSchema.IsMapping(parentType))
                return At(new CaseError(parent, "a mapping", CaseSchema.Describe(parentType)), key.Start);
        }

        var node = nodes.FirstOrDefault(n => !n.IsKey) ?? index.Containing(e.Start);
        if (node == null)
            return At(new CaseError(Document, "unreadable", $"a case file ({Reason(e)})"), e.Start);
        var type = CaseSchema.TypeAt(node.Path);
        string accepted = type != null ? CaseSchema.Describe(type) : $"readable ({Reason(e)})";
        return At(new CaseError(node.Path, node.Display, accepted), node.Start);
    }

    private static string Reason(YamlException e) => (e.InnerException?.Message ?? e.Message).TrimEnd('.');

    /// <summary>The accepted key nearest to a misspelt one (case-insensitive edit distance at most a third of its length), or null.</summary>
    internal static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            int d = EditDistance(word.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance) { best = c; bestDistance = d; }
        }
        return best != null && bestDistance <= Math.Max(1, word.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
