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

    // The outermost type inspector caches each type's properties as the attribute and naming inspectors leave them: YamlDotNet's
    // own cache sits innermost, so without this one every key read ran the YamlMember attribute look-ups and the ordering
    // again, which the natively compiled tool pays for in reflection metadata (a third of reading Marquis2019 1C, perf).
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CaseSchema.NamingConvention)
        .WithDuplicateKeyChecking()
        .WithObjectFactory(YamlObjectFactory.Instance)
        .WithTypeInspector(inner => new OuterTypeCache(inner))
        .Build();

    /// <summary>YamlDotNet's cache under a type of its own (the builder takes one inspector per type).</summary>
    private sealed class OuterTypeCache(ITypeInspector inner) : YamlDotNet.Serialization.TypeInspectors.CachedTypeInspector(inner);

    /// <summary>Label of errors that concern the file as a whole (its type, size or encoding), not a key.</summary>
    public const string FileLabel = "(file)";

    /// <summary>
    /// Reads and parses a case file; relative paths in it are resolved against its directory.
    /// A file that does not exist raises <see cref="FileNotFoundException"/>, not a validation error;
    /// one that is not a regular file of at most <see cref="InputLimits.MaxCaseBytes"/> of UTF-8 text,
    /// or a path that is not a path, raises <see cref="CaseValidationException"/> for <c>(file)</c>.
    /// </summary>
    public static CaseDocument Load(string path) =>
        Parse(ReadInputText(path, InputLimits.MaxCaseBytes, "case file", out string full), Path.GetFileName(full), Path.GetDirectoryName(full)!);

    /// <summary>
    /// The case a result file records (its <c>case_text</c> attribute), parsed with errors labelled
    /// "<c>result.h5 (case_text)</c>" and relative paths resolved against the result's directory, as the
    /// analysis commands (gitt, cycle, eis) rebuild a run's set-up from its result.
    /// </summary>
    public static CaseDocument FromResult(string resultPath, string caseText) =>
        Parse(caseText, Path.GetFileName(resultPath) + " (case_text)", Path.GetDirectoryName(Path.GetFullPath(resultPath))!);

    /// <summary>
    /// The text of an input file read with the limits of <see cref="InputFiles"/>; problems are reported as
    /// <see cref="CaseValidationException"/> for <c>(file)</c> (a missing file as <see cref="FileNotFoundException"/>
    /// saying "<paramref name="what"/> not found").
    /// </summary>
    internal static string ReadInputText(string path, long maxBytes, string what, out string fullPath)
    {
        if (InputFiles.PathProblem(path) is { } problem)
            throw new CaseValidationException(InputLimits.Shorten(path ?? "", InputLimits.MaxPathShown), [new CaseError(FileLabel, problem, $"the path of a {what}")]);
        fullPath = Path.GetFullPath(path);
        try
        {
            return InputFiles.ReadText(fullPath, maxBytes);
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"{what} not found: {DisplayPath.Of(fullPath)}", fullPath);
        }
        catch (InputFileException e)
        {
            // Named by the path as given: "/dev/zero", not "zero".
            throw new CaseValidationException(InputLimits.Shorten(path, InputLimits.MaxPathShown), [CaseError.OfFile(FileLabel, e)], e);
        }
    }

    /// <summary>
    /// Parses case text. <paramref name="sourceName"/> labels errors; <paramref name="baseDirectory"/> anchors relative paths.
    /// Every problem is reported at once: unknown keys, values of the wrong kind and repeated keys are
    /// found against the schema first, and the values that could be read are then validated
    /// (<see cref="CaseValidator"/>) so that the one exception lists all of them. A text that passes is
    /// returned unvalidated (<see cref="CaseBuilder.Build"/> validates it).
    /// </summary>
    public static CaseDocument Parse(string yamlText, string sourceName, string baseDirectory) => Parse(yamlText, null, sourceName, baseDirectory);

    /// <summary>
    /// <see cref="Parse(string, string, string)"/> of a text whose index has been built already (<paramref name="parsed"/>,
    /// the index of exactly <paramref name="yamlText"/> up to positions: a sweep's case, built from its base case's events
    /// with the swept scalars replaced, <see cref="YamlNodeIndex.WithScalars"/>), so the text is not read again.
    /// </summary>
    internal static CaseDocument Parse(string yamlText, YamlNodeIndex? parsed, string sourceName, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        var errors = new List<CaseError>();
        var definition = Read<CaseDefinition>(yamlText, sourceName, "a case", RequiredSections, errors, out var index, out var check, parsed);
        if (errors.Count > 0 && OtherInputKind(index, sourceName) is { } other) throw new CaseValidationException(sourceName, [other]);

        // A parameter set supplies every key the case does not write: the case text (without the nodes
        // that did not fit the schema) is laid over the set's and read again.
        ParameterSet? set = null;
        if (definition?.ParameterSet is { } reference && (set = ResolveParameterSet(reference, index, errors)) != null)
        {
            try
            {
                string text = errors.Count == 0 ? yamlText : check.ReadableText();
                definition = Deserializer.Deserialize<CaseDefinition>(ParameterSets.Overlay(set, text));
            }
            catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
            {
                errors.Add(new CaseError(Document, "a case that cannot be laid over " + set.Label, $"readable ({Reason(e)})"));
                definition = null;
            }
        }
        // The coating map fills what neither the case nor its set gives (an explicit key overrides it).
        IReadOnlyList<AppliedCoating> coatings = [];
        var read = definition;
        if (definition != null) definition = CoatingMapping.Apply(definition, out coatings);
        var document = definition == null ? null : new CaseDocument(definition, yamlText, sourceName, Path.GetFullPath(baseDirectory), index, set, coatings, read);
        if (errors.Count == 0) return document!;
        IReadOnlyList<CaseError> warnings = [];
        if (document != null)
        {
            var (valueErrors, valueWarnings) = CaseValidator.FindAll(document);
            errors.AddRange(valueErrors.Where(e => !errors.Any(reading => Follows(e, reading))));
            warnings = valueWarnings;
        }
        throw new CaseValidationException(sourceName, errors.OrderBy(e => e.Line ?? int.MaxValue).ToList()) { Warnings = warnings };
    }

    /// <summary>
    /// The one error for another input of the tool given where a case belongs (a measured-data sidecar, a sweep, a fit or
    /// calibration spec, a validation manifest: told by its top-level keys, with no key of a case besides name and
    /// description), naming it and the command that takes it; null for anything else. Without it <c>compare
    /// cell784-0.1C.data.yaml</c> listed eleven unknown and missing case keys (try-out of 2026-12-07).
    /// </summary>
    private static CaseError? OtherInputKind(YamlNodeIndex index, string sourceName)
    {
        var keys = index.Paths.Where(p => !p.Contains('.') && !p.Contains('[')).ToHashSet(StringComparer.Ordinal);
        var caseKeys = CaseSchema.KeysOf(typeof(CaseDefinition));
        if (keys.Any(k => caseKeys.ContainsKey(k) && k is not ("name" or "description"))) return null;
        (string What, string Use)? kind =
            keys.Contains("data") && keys.Contains("columns")
                ? ("a measured-data sidecar (data, columns: a measured curve or rate table)",
                   "measured data is compared with a run by 'electrodesim validate DIR' (an entry of DIR/validation.yaml names the sidecar and the case) " +
                   "and fitted by 'electrodesim fit SPEC' (README \"Measured data, validation and fitting\")")
            : keys.Contains("datasets") && keys.Contains("parameters") ? ("a fit spec (parameters, datasets)", $"run it with 'electrodesim fit {sourceName}'")
            : keys.Contains("targets") && keys.Contains("parameters") ? ("a calibration spec (parameters, targets)", $"run it with 'electrodesim calibrate {sourceName}'")
            : keys.Contains("entries") || keys.Contains("reference_directory") || (keys.Contains("title") && keys.Contains("cases")) ? ("a validation manifest", "run it with 'electrodesim validate' on its folder")
            : keys.Overlaps(["base", "axes", "zip", "samples"]) ? ("a sweep file (base, axes, zip or samples)", $"run it with 'electrodesim sweep {sourceName}'")
            : null;
        return kind is { } k ? new CaseError(Document, k.What, "a case file; " + k.Use) : null;
    }

    /// <summary>
    /// Reads YAML text into a <typeparamref name="T"/> record, adding every reading problem to <paramref name="errors"/>
    /// and returning what could be read (null when nothing could). A text that is not YAML, is empty or
    /// is not a mapping cannot be read at all and throws <see cref="CaseValidationException"/> at once.
    /// Shared by case files and the other inputs read the same way (calibration specs).
    /// </summary>
    internal static T? Read<T>(string yamlText, string sourceName, string what, string requiredKeys, List<CaseError> errors, out YamlNodeIndex index, out SchemaCheck check,
        YamlNodeIndex? parsed = null)
        where T : class
    {
        if (parsed is not null) index = parsed;
        else if (!YamlNodeIndex.TryBuild(yamlText, out index, out var syntaxError, out var lastPath))
            throw new CaseValidationException(sourceName, [SyntaxError(yamlText, syntaxError!, lastPath)], syntaxError);
        if (index.IsEmpty)
            throw new CaseValidationException(sourceName, [new CaseError(Document, "an empty file", $"{what}: a mapping with {requiredKeys}")]);
        if (index.Root!.Kind != YamlNodeKind.Mapping)
            throw new CaseValidationException(sourceName, [At(new CaseError(Document, index.Root.Display, "a mapping with " + requiredKeys), index.Root.Start)]);

        if (index.SecondDocument is { } second)
            errors.Add(At(new CaseError(Document, "a second document (---)", "allowed: one per file"), second));
        check = SchemaCheck.Run(index, typeof(T), Deserializer, what.StartsWith("a ", StringComparison.Ordinal) ? "the " + what[2..] : what);
        errors.AddRange(check.Errors);
        try
        {
            return Deserializer.Deserialize<T>(check.Readable());
        }
        catch (YamlException e)
        {
            errors.Add(Translate(e, index));
            return null;
        }
    }

    /// <summary>
    /// Whether a value check's error <paramref name="e"/> only follows from a reading error: it concerns the
    /// key that could not be read, a key inside it, or (a missing key) the section that lost it.
    /// </summary>
    private static bool Follows(CaseError e, CaseError reading) =>
        e.Path == reading.Path || IsUnder(e.Path, reading.Path) || (e.IsMissing && IsUnder(reading.Path, e.Path));

    private static bool IsUnder(string path, string ancestor) =>
        path.Length > ancestor.Length && path.StartsWith(ancestor, StringComparison.Ordinal) && path[ancestor.Length] is '.' or '[';

    /// <summary>
    /// A plain scalar read as a value of <paramref name="type"/> exactly as the deserialiser reads it as a key's value in a
    /// case (the same node deserialisers and conversions); false when it does not read as one.
    /// </summary>
    internal static bool TryReadScalar(string value, Type type, out object? result)
    {
        var scalar = new YamlDotNet.Core.Events.Scalar(AnchorName.Empty, TagName.Empty, value, ScalarStyle.Plain, true, false);
        try
        {
            result = Deserializer.Deserialize(new ScalarParser(scalar), type);
            return true;
        }
        catch (YamlException)
        {
            result = null;
            return false;
        }
    }

    /// <summary>A stream of one document holding one scalar.</summary>
    private sealed class ScalarParser(YamlDotNet.Core.Events.ParsingEvent scalar) : IParser
    {
        private readonly YamlDotNet.Core.Events.ParsingEvent[] _events =
            [new YamlDotNet.Core.Events.StreamStart(), new YamlDotNet.Core.Events.DocumentStart(), scalar, new YamlDotNet.Core.Events.DocumentEnd(true), new YamlDotNet.Core.Events.StreamEnd()];
        private int _next;
        public YamlDotNet.Core.Events.ParsingEvent? Current { get; private set; }
        public bool MoveNext()
        {
            if (_next >= _events.Length) { Current = null; return false; }
            Current = _events[_next++];
            return true;
        }
    }

    /// <summary>The set a case names as <c>NAME</c> or <c>NAME@VERSION</c>; a name or version that does not exist is an error (and null).</summary>
    private static ParameterSet? ResolveParameterSet(string reference, YamlNodeIndex index, List<CaseError> errors)
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
            errors.Add(Located(new CaseError(path, reference, $"one of {string.Join(", ", ParameterSets.Names)}{hint}")));
            return null;
        }
        if (version != null && version != set.Version)
        {
            errors.Add(Located(new CaseError(path, reference, $"an available version: {set.Label}")));
            return null;
        }
        return set;
    }

    private const string RequiredSections = "name, cell, electrolyte, separator, electrode and protocol";

    private static CaseError At(CaseError error, Mark mark) => error with { Line = (int)mark.Line, Column = (int)mark.Column };

    private static CaseError SyntaxError(string text, YamlException e, string lastPath)
    {
        if (e is NestingTooDeepException deep)
            return At(new CaseError(deep.Path.Length == 0 ? Document : deep.Path, $"a value nested more than {InputLimits.MaxNestingDepth} levels deep",
                $"allowed: at most {InputLimits.MaxNestingDepth} levels of nested mappings and sequences (a case needs about 6)"), e.Start);
        var lines = text.Split('\n');
        int line = (int)Math.Clamp(e.Start.Line, 1, lines.Length);
        while (line > 1 && string.IsNullOrWhiteSpace(lines[line - 1])) line--;
        string path = PathOfLine(lines, line) ?? (lastPath.Length > 0 ? lastPath : Document);
        return At(new CaseError(path, $"'{InputLimits.Shorten(lines[line - 1].Trim())}'", $"valid YAML ({e.Message.TrimEnd('.')})"), e.Start);
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

    private static string Reason(Exception e) => (e.InnerException?.Message ?? e.Message).TrimEnd('.');

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
