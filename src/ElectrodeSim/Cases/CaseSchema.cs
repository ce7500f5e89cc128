using System.Collections.Concurrent;
using System.Reflection;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ElectrodeSim.Cases;

/// <summary>
/// The case-file schema as the case records define it: which keys a section accepts and what
/// kind of value each key takes. Names are resolved exactly as the deserialiser resolves them
/// (alias, else the underscored naming convention), so error messages list the real keys.
/// </summary>
public static class CaseSchema
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, PropertyInfo>> KeyCache = new();

    /// <summary>The naming convention of case files: <c>ThicknessUm</c> ↔ <c>thickness_um</c>.</summary>
    public static INamingConvention NamingConvention => UnderscoredNamingConvention.Instance;

    /// <summary>The YAML key of a record property.</summary>
    public static string KeyOf(PropertyInfo property)
    {
        var member = property.GetCustomAttribute<YamlMemberAttribute>();
        if (member?.Alias is { } alias)
            return member.ApplyNamingConventions ? NamingConvention.Apply(alias) : alias;
        return NamingConvention.Apply(property.Name);
    }

    /// <summary>YAML key → property of a section record, in declaration order.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> KeysOf(Type section) =>
        KeyCache.GetOrAdd(section, t =>
        {
            var keys = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                if (p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
                    keys[KeyOf(p)] = p;
            return keys;
        });

    /// <summary>Every key path the schema defines, with <c>[]</c> for sequence items (<c>protocol[].stop.voltage_below_V</c>).</summary>
    public static IReadOnlyList<string> AllKeyPaths()
    {
        var paths = new List<string>();
        var open = new HashSet<Type>();
        void Walk(Type t, string prefix)
        {
            // A section that holds itself (a repeat group's steps) is walked once.
            if (!open.Add(t)) return;
            foreach (var (key, p) in KeysOf(t))
            {
                string path = prefix.Length == 0 ? key : prefix + "." + key;
                paths.Add(path);
                var type = p.PropertyType;
                if (IsSection(type)) Walk(type, path);
                else if (ItemType(type) is { } item && IsSection(item)) Walk(item, path + "[]");
            }
            open.Remove(t);
        }
        Walk(typeof(CaseDefinition), "");
        return paths;
    }

    /// <summary>
    /// The type a key path refers to (<c>protocol[0].stop</c> → <see cref="StopSection"/>), or null
    /// when the path leaves the schema. A dictionary entry (whatever its key) resolves to the dictionary's value type.
    /// </summary>
    public static Type? TypeAt(string path)
    {
        Type? type = typeof(CaseDefinition);
        foreach (var segment in Segments(path))
        {
            if (type == null) return null;
            if (segment.IsIndex)
            {
                type = ItemType(type);
                continue;
            }
            // The rest of the path is the dictionary key itself (note keys are key paths with dots).
            if (DictionaryValueType(type) is { } valueType) return valueType;
            if (!IsSection(type) || !KeysOf(type).TryGetValue(segment.Key!, out var property)) return null;
            type = property.PropertyType;
        }
        return type;
    }

    /// <summary>What a value of this type looks like in YAML, for "is not …" messages.</summary>
    public static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(double)) return "a number";
        if (t == typeof(int)) return "an integer";
        if (t == typeof(long)) return "an integer";
        if (t == typeof(ulong)) return "a non-negative integer";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(string)) return "a text value";
        if (DictionaryValueType(t) != null) return "a mapping of key: text";
        if (ItemType(t) is { } item) return $"a sequence of {Describe(item)}";
        if (IsSection(t)) return $"a mapping with keys {string.Join(", ", KeysOf(t).Keys)}";
        return t.Name;
    }

    /// <summary>
    /// Whether a type is a record read from a YAML mapping with fixed keys: a case section, or a record of
    /// another input read the same way (a calibration spec and its entries).
    /// </summary>
    public static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsGenericType && type.Assembly == typeof(CaseDefinition).Assembly;

    /// <summary>Whether values of this type are YAML mappings (a section or a dictionary).</summary>
    public static bool IsMapping(Type type) => IsSection(type) || DictionaryValueType(type) != null;

    internal static Type? ItemType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    internal static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null;

    internal readonly record struct Segment(string? Key, int Index)
    {
        public bool IsIndex => Key == null;
    }

    /// <summary>Splits <c>protocol[0].stop.voltage_below_V</c> into keys and indices. Keys containing '.' or '[' are not supported (the schema has none).</summary>
    internal static IEnumerable<Segment> Segments(string path)
    {
        int i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.') { i++; continue; }
            if (path[i] == '[')
            {
                int close = path.IndexOf(']', i);
                if (close < 0) yield break;
                var text = path.AsSpan(i + 1, close - i - 1);
                yield return new Segment(null, int.TryParse(text, out int index) ? index : -1);
                i = close + 1;
                continue;
            }
            int end = i;
            while (end < path.Length && path[end] != '.' && path[end] != '[') end++;
            yield return new Segment(path[i..end], 0);
            i = end;
        }
    }
}
