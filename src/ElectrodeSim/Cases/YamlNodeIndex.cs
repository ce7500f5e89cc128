using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ElectrodeSim.Cases;

internal enum YamlNodeKind { Scalar, Mapping, Sequence, Alias }

/// <summary>One node of the case text: its key path, where it starts and ends, and its text if it is a scalar.</summary>
internal sealed record YamlNodeEntry(string Path, YamlNodeKind Kind, bool IsKey, int Depth, Mark Start, Mark End, string? Text)
{

    /// <summary>How the node reads in an error message: the scalar as written, else its kind.</summary>
    public string Display => Kind switch
    {
        YamlNodeKind.Scalar => InputLimits.Shorten(Text ?? ""),
        YamlNodeKind.Mapping => "a mapping",
        YamlNodeKind.Sequence => "a sequence",
        _ => "an alias",
    };
}

/// <summary>
/// Key path (<c>protocol[0].stop.voltage_below_V</c>) and position of every node of a YAML text,
/// from one pass over the parser's events. Deserialiser errors carry only a position; this
/// index turns the position back into the key path the user wrote. Walking events rather
/// than a loaded <c>YamlStream</c> has one advantage: when the text is not valid YAML, the
/// last key read before the parser stopped tells the user where to look. The events are kept
/// (<see cref="Events"/>) so that the text can be checked against a schema and deserialised
/// without the nodes that do not fit it.
/// The walk is recursive, so nesting is bounded (<see cref="InputLimits.MaxNestingDepth"/>) before
/// anything else reads the text: YamlDotNet's deserialiser and representation model recurse too.
/// </summary>
internal sealed class YamlNodeIndex
{
    private readonly List<YamlNodeEntry> _entries = [];
    private readonly List<ParsingEvent> _events = [];
    private readonly Dictionary<string, YamlNodeEntry> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, YamlNodeEntry> _keys = new(StringComparer.Ordinal);
    private string _lastPath = "";
    private Mark _lastMark = Mark.Empty;

    private YamlNodeIndex() { }

    /// <summary>The document's root node, or null for an empty text.</summary>
    public YamlNodeEntry? Root { get; private set; }
    /// <summary>Start of a second document, if the text holds more than one.</summary>
    public Mark? SecondDocument { get; private set; }
    /// <summary>Every key path and sequence item path in the text, in reading order.</summary>
    public IEnumerable<string> Paths => _entries.Where(e => e.Path.Length > 0).Select(e => e.Path).Distinct();

    /// <summary>The parser events of the first document, from <c>StreamStart</c> to its <c>DocumentEnd</c>.</summary>
    public IReadOnlyList<ParsingEvent> Events => _events;

    public bool IsEmpty => Root == null || (Root.Kind == YamlNodeKind.Scalar && string.IsNullOrWhiteSpace(Root.Text));

    /// <summary>Indexes <paramref name="text"/>; on a syntax error returns false with the error and the last key path read before it.</summary>
    public static bool TryBuild(string text, out YamlNodeIndex index, out YamlException? syntaxError, out string lastPath) =>
        TryBuild(new Parser(new StringReader(text)), out index, out syntaxError, out lastPath);

    /// <summary>
    /// The index of this text with the scalar values at some key paths replaced, built from this index's events without
    /// reading any text: what <see cref="TryBuild(string, out YamlNodeIndex, out YamlException?, out string)"/> gives for
    /// the text with those scalars rewritten in place (<see cref="CaseOverrides.ApplyInPlace"/>), apart from the positions,
    /// which stay those of this text. Null when a path is not a scalar of this text, or a value would not read back as the
    /// plain scalar it replaces.
    /// </summary>
    /// <param name="values">Key path → new value; each value a plain word or number (the caller checks the characters).</param>
    public YamlNodeIndex? WithScalars(IReadOnlyDictionary<string, string> values)
    {
        var replaced = new Dictionary<ParsingEvent, string>(ReferenceEqualityComparer.Instance);
        var byStart = new Dictionary<long, Scalar>();
        foreach (var e in _events)
            if (e is Scalar scalar) byStart.TryAdd(scalar.Start.Index, scalar);
        foreach (var (path, value) in values)
        {
            // '-' alone reads as a sequence entry, not as a scalar (the only indicator among the plain characters).
            if (value.Length == 0 || value == "-") return null;
            if (ValueAt(path) is not { Kind: YamlNodeKind.Scalar } node || !byStart.TryGetValue(node.Start.Index, out var scalar)
                || scalar.Style != ScalarStyle.Plain || !scalar.Anchor.IsEmpty || !scalar.Tag.IsEmpty || scalar.Value != node.Text)
                return null;
            replaced[scalar] = value;
        }
        var events = new List<ParsingEvent>(_events.Count + 1);
        foreach (var e in _events)
            events.Add(e is Scalar s && replaced.TryGetValue(s, out var value)
                ? new Scalar(s.Anchor, s.Tag, value, ScalarStyle.Plain, s.IsPlainImplicit, s.IsQuotedImplicit, s.Start, s.End, s.IsKey)
                : e);
        events.Add(new StreamEnd());
        return TryBuild(new EventList(events), out var index, out _, out _) ? index : null;
    }

    /// <summary>Parser events played back from a list.</summary>
    private sealed class EventList(IReadOnlyList<ParsingEvent> events) : IParser
    {
        private int _next;
        public ParsingEvent? Current { get; private set; }
        public bool MoveNext()
        {
            if (_next >= events.Count) { Current = null; return false; }
            Current = events[_next++];
            return true;
        }
    }

    private static bool TryBuild(IParser source, out YamlNodeIndex index, out YamlException? syntaxError, out string lastPath)
    {
        index = new YamlNodeIndex();
        syntaxError = null;
        var parser = new RecordingParser(source, index._events);
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<StreamEnd>(out _))
            {
                parser.Consume<DocumentStart>();
                index.Root = index.Read(parser, "", 0);
                parser.Consume<DocumentEnd>();
                if (parser.TryConsume<DocumentStart>(out var second))
                {
                    index.SecondDocument = second.Start;
                    index._events.RemoveRange(index._events.Count - 1, 1);
                }
            }
        }
        catch (YamlException e)
        {
            syntaxError = e;
        }
        catch (InsufficientExecutionStackException e)
        {
            // Never reached while the depth bound holds; kept so a lowered stack cannot crash the process.
            syntaxError = new NestingTooDeepException(index._lastPath, index._lastMark, e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner throws plain exceptions on some malformed flow collections
            // (aaubry/YamlDotNet#541); they carry no position, so point at the last key read.
            syntaxError = new YamlException(index._lastMark, index._lastMark,
                "the YAML reader stopped after this key; check brackets, braces and quotes", e);
        }
        lastPath = index._lastPath;
        return syntaxError == null;
    }

    private YamlNodeEntry Read(IParser parser, string path, int depth)
    {
        if (depth > InputLimits.MaxNestingDepth)
            throw new NestingTooDeepException(path, parser.Current?.Start ?? _lastMark);
        YamlNodeEntry entry;
        switch (parser.Consume<ParsingEvent>())
        {
            case Scalar s:
                entry = new(path, YamlNodeKind.Scalar, false, depth, s.Start, s.End, s.Value);
                break;
            case AnchorAlias a:
                entry = new(path, YamlNodeKind.Alias, false, depth, a.Start, a.End, "*" + a.Value);
                break;
            case MappingStart m:
            {
                MappingEnd? end;
                while (!parser.TryConsume<MappingEnd>(out end))
                {
                    YamlNodeEntry key;
                    if (parser.TryConsume<Scalar>(out var k))
                        key = new(Join(path, k.Value), YamlNodeKind.Scalar, true, depth + 1, k.Start, k.End, k.Value);
                    else
                    {
                        // A complex key (`? [a, b]`): the schema has none, so it only needs a path to be reported by.
                        var complex = Read(parser, Join(path, "?"), depth + 1);
                        key = complex with { IsKey = true };
                    }
                    Add(key);
                    _lastPath = key.Path;
                    _lastMark = key.Start;
                    Read(parser, key.Path, depth + 1);
                }
                entry = new(path, YamlNodeKind.Mapping, false, depth, m.Start, end!.End, null);
                break;
            }
            case SequenceStart q:
            {
                int i = 0;
                SequenceEnd? end;
                while (!parser.TryConsume<SequenceEnd>(out end))
                {
                    string item = $"{path}[{i++}]";
                    _lastPath = item;
                    _lastMark = parser.Current?.Start ?? _lastMark;
                    Read(parser, item, depth + 1);
                }
                entry = new(path, YamlNodeKind.Sequence, false, depth, q.Start, end!.End, null);
                break;
            }
            default:
                throw new InvalidOperationException("unexpected YAML event");
        }
        Add(entry);
        return entry;
    }

    /// <summary>Records every event the walk consumes.</summary>
    private sealed class RecordingParser(IParser inner, List<ParsingEvent> events) : IParser
    {
        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (inner.Current is { } consumed) events.Add(consumed);
            return inner.MoveNext();
        }
    }

    private void Add(YamlNodeEntry entry)
    {
        _entries.Add(entry);
        var map = entry.IsKey ? _keys : _values;
        map.TryAdd(entry.Path, entry);
    }

    internal static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>The value node at a key path, or null if the text has no such key.</summary>
    public YamlNodeEntry? ValueAt(string path) => _values.GetValueOrDefault(path);

    /// <summary>The key node of a key path, or null.</summary>
    public YamlNodeEntry? KeyAt(string path) => _keys.GetValueOrDefault(path);

    /// <summary>The node at <paramref name="path"/> or, if absent, at its nearest ancestor that is present: where to point for a missing key.</summary>
    public YamlNodeEntry? NearestPresent(string path)
    {
        for (string p = path; ; p = Parent(p))
        {
            var found = KeyAt(p) ?? ValueAt(p);
            if (found != null) return found;
            if (p.Length == 0) return Root;
        }
    }

    /// <summary>Nodes starting exactly at <paramref name="mark"/>, outermost first.</summary>
    public IReadOnlyList<YamlNodeEntry> StartingAt(Mark mark) =>
        _entries.Where(e => e.Start.Line == mark.Line && e.Start.Column == mark.Column).OrderBy(e => e.Depth).ThenBy(e => e.IsKey).ToList();

    /// <summary>The smallest node whose span contains <paramref name="mark"/>.</summary>
    public YamlNodeEntry? Containing(Mark mark) =>
        _entries.Where(e => e.Start.Index <= mark.Index && mark.Index <= e.End.Index && e.Path.Length > 0)
            .OrderBy(e => e.End.Index - e.Start.Index).ThenByDescending(e => e.Depth).FirstOrDefault();

    /// <summary><c>a.b[2].c</c> → <c>a.b[2]</c> → <c>a.b</c> → <c>a</c> → "".</summary>
    public static string Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}

/// <summary>YAML nested deeper than <see cref="InputLimits.MaxNestingDepth"/> levels; reported like a syntax error at the node where the limit was passed.</summary>
internal sealed class NestingTooDeepException(string path, Mark at, Exception? inner = null)
    : YamlException(at, at, $"nested deeper than {InputLimits.MaxNestingDepth} levels", inner)
{
    /// <summary>Key path of the node that passed the limit.</summary>
    public string Path { get; } = path;
}
