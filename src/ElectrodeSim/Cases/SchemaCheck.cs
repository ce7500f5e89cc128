using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace ElectrodeSim.Cases;

/// <summary>
/// Checks the parsed YAML (the events of a <see cref="YamlNodeIndex"/>) against the records it is to be
/// read into, before the deserialiser sees it: every unknown key, every value of the wrong kind
/// (a word where a number belongs, a mapping where a list belongs) and every repeated key is reported,
/// not only the first. The events without the nodes that do not fit are then deserialised
/// (<see cref="Readable"/>), so the values that can be read still reach the value checks.
/// </summary>
internal sealed class SchemaCheck
{
    private readonly IReadOnlyList<ParsingEvent> _events;
    private readonly IDeserializer _deserializer;
    private readonly List<CaseError> _errors = [];
    /// <summary>First event → last event of a node to leave out; a sequence item is replaced by a null so later items keep their index.</summary>
    private readonly Dictionary<int, (int Last, bool ReplaceByNull)> _omit = [];

    private SchemaCheck(IReadOnlyList<ParsingEvent> events, IDeserializer deserializer)
    {
        _events = events;
        _deserializer = deserializer;
    }

    /// <summary>How an unknown top-level key names the document (<c>the case</c>, <c>the fit spec</c>).</summary>
    private string _rootName = "the case";

    /// <summary>Every problem found, in reading order.</summary>
    public IReadOnlyList<CaseError> Errors => _errors;

    /// <summary>Checks the document of <paramref name="index"/> against <paramref name="root"/> (a record read with <paramref name="deserializer"/>).</summary>
    public static SchemaCheck Run(YamlNodeIndex index, Type root, IDeserializer deserializer, string rootName = "the case")
    {
        var check = new SchemaCheck(index.Events, deserializer) { _rootName = rootName };
        int i = 0;
        while (i < check._events.Count && check._events[i] is StreamStart or DocumentStart) i++;
        if (i < check._events.Count && check._events[i] is not DocumentEnd) check.Node(ref i, root, "");
        return check;
    }

    /// <summary>A parser over the checked events without the nodes that do not fit, ending the stream after the first document.</summary>
    public IParser Readable()
    {
        var kept = new List<ParsingEvent>(_events.Count + 1);
        for (int i = 0; i < _events.Count; i++)
        {
            if (_omit.TryGetValue(i, out var omit))
            {
                if (omit.ReplaceByNull) kept.Add(new Scalar(AnchorName.Empty, TagName.Empty, "", ScalarStyle.Plain, true, false, _events[i].Start, _events[i].End));
                i = omit.Last;
                continue;
            }
            kept.Add(_events[i]);
        }
        kept.Add(new StreamEnd());
        return new EventReplay(kept);
    }

    /// <summary>The YAML text of <see cref="Readable"/> (for a case laid over a parameter set, which is merged as text).</summary>
    public string ReadableText()
    {
        using var writer = new StringWriter();
        var emitter = new Emitter(writer);
        var events = Readable();
        while (events.MoveNext()) emitter.Emit(events.Current!);
        return writer.ToString();
    }

    /// <summary>Checks the node starting at event <paramref name="i"/> and moves past it; false when it does not fit <paramref name="type"/>.</summary>
    private bool Node(ref int i, Type? type, string path)
    {
        var start = _events[i];
        var t = type == null ? null : Nullable.GetUnderlyingType(type) ?? type;
        switch (start)
        {
            case Scalar scalar:
                i++;
                return t == null || ScalarFits(scalar, t, path);
            case AnchorAlias:
                i++;
                return true;
            case MappingStart:
                if (t != null && CaseSchema.IsSection(t)) return Mapping(ref i, path, key => CaseSchema.KeysOf(t).TryGetValue(key, out var p) ? p.PropertyType : null, t);
                if (t != null && CaseSchema.DictionaryValueType(t) is { } valueType) return Mapping(ref i, path, _ => valueType, null);
                Fail(path, "a mapping", t, start);
                Skip(ref i);
                return false;
            case SequenceStart:
                if (t != null && CaseSchema.ItemType(t) is { } itemType)
                {
                    i++;
                    for (int n = 0; _events[i] is not SequenceEnd; n++)
                    {
                        int first = i;
                        if (!Node(ref i, itemType, $"{path}[{n}]")) _omit[first] = (i - 1, true);
                    }
                    i++;
                    return true;
                }
                Fail(path, "a sequence", t, start);
                Skip(ref i);
                return false;
            default:
                i++;
                return true;
        }
    }

    /// <summary>
    /// A mapping: each key must be one <paramref name="typeOf"/> knows (for a section: its keys; for a
    /// dictionary: any text), given once; a key that is not, or whose value does not fit, is left out.
    /// </summary>
    private bool Mapping(ref int i, string path, Func<string, Type?> typeOf, Type? section)
    {
        i++;
        var seen = new Dictionary<string, Mark>(StringComparer.Ordinal);
        while (_events[i] is not MappingEnd)
        {
            int first = i;
            var keyEvent = _events[i];
            if (keyEvent is not Scalar key)
            {
                string complex = YamlNodeIndex.Join(path, "?");
                _errors.Add(At(new CaseError(complex, "a complex key (? …)", "a key: plain text"), keyEvent.Start));
                Skip(ref i);
                Skip(ref i);
                _omit[first] = (i - 1, false);
                continue;
            }
            i++;
            string keyPath = YamlNodeIndex.Join(path, key.Value);
            var valueType = typeOf(key.Value);
            bool fits;
            if (seen.TryGetValue(key.Value, out var firstMark))
            {
                _errors.Add(At(new CaseError(keyPath, "a repeated key", $"allowed: it is already given on line {firstMark.Line}"), key.Start));
                Skip(ref i);
                fits = false;
            }
            else if (valueType == null && section != null)
            {
                seen[key.Value] = key.Start;
                var keys = CaseSchema.KeysOf(section).Keys;
                string where = path.Length == 0 ? _rootName : path;
                string hint = CaseFile.Closest(key.Value, keys) is { } near ? $" (did you mean {near}?)" : "";
                _errors.Add(At(new CaseError(keyPath, $"'{InputLimits.Shorten(key.Value)}'", $"a key of {where}{hint}; accepted: {string.Join(", ", keys)}"), key.Start));
                Skip(ref i);
                fits = false;
            }
            else
            {
                seen[key.Value] = key.Start;
                fits = Node(ref i, valueType, keyPath);
            }
            if (!fits) _omit[first] = (i - 1, false);
        }
        i++;
        return true;
    }

    private bool ScalarFits(Scalar scalar, Type t, string path)
    {
        if (t == typeof(string)) return true;
        bool isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
        if (CaseSchema.IsMapping(t) || CaseSchema.ItemType(t) != null)
        {
            // An empty key (`mesh:`) reads as an absent section.
            if (isNull) return true;
            Fail(path, Quoted(scalar), t, scalar);
            return false;
        }
        if (isNull) return true;
        if (t == typeof(double) && scalar.Style == ScalarStyle.Plain
            && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return true;
        try
        {
            _deserializer.Deserialize(new EventReplay([new StreamStart(), new DocumentStart(), scalar, new DocumentEnd(true), new StreamEnd()]), t);
            return true;
        }
        catch (YamlException)
        {
            Fail(path, Quoted(scalar), t, scalar);
            return false;
        }
    }

    /// <summary>The scalar as written; an empty quoted text says so.</summary>
    private static string Quoted(Scalar scalar) => scalar.Value.Length == 0 ? "an empty text" : InputLimits.Shorten(scalar.Value);

    private void Fail(string path, string value, Type? expected, ParsingEvent at) =>
        _errors.Add(At(new CaseError(path.Length == 0 ? "(document)" : path, value, expected == null ? "readable" : Accepted(expected, value)), at.Start));

    /// <summary>
    /// What a value of <paramref name="expected"/> looks like; for a number written with a decimal comma (<c>5,5</c>, as a
    /// European keyboard or spreadsheet writes it) also that it is one and what to write, as the measured-data reader says.
    /// </summary>
    private static string Accepted(Type expected, string value)
    {
        string described = CaseSchema.Describe(expected);
        if ((Nullable.GetUnderlyingType(expected) ?? expected) != typeof(double) || value.Count(c => c == ',') != 1) return described;
        string dotted = value.Replace(',', '.');
        return double.TryParse(dotted, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? $"{described} with '.' as the decimal point (a decimal comma; write {dotted})"
            : described;
    }

    private static CaseError At(CaseError error, Mark mark) => error with { Line = (int)mark.Line, Column = (int)mark.Column };

    /// <summary>Moves past the node starting at event <paramref name="i"/>.</summary>
    private void Skip(ref int i)
    {
        int depth = 0;
        do
        {
            switch (_events[i])
            {
                case MappingStart or SequenceStart: depth++; break;
                case MappingEnd or SequenceEnd: depth--; break;
            }
            i++;
        } while (depth > 0);
    }

    /// <summary>Parser events played back from a list.</summary>
    private sealed class EventReplay(IReadOnlyList<ParsingEvent> events) : IParser
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
}
