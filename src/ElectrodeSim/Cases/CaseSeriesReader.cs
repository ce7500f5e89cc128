using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace ElectrodeSim.Cases;

/// <summary>
/// Reads many cases that are one base text with the same key paths set to different values (a sweep's cases), each exactly
/// as <see cref="CaseOverrides.Parse"/> reads it: the same resolved text, index (so the same fingerprint), records, coating
/// map and errors. The first case of a base is read in full; its records as read become the template of the others, which
/// get the template with the swept properties set to their values instead of the text being checked against the schema and
/// deserialised again (two thirds of the time a sweep spent making a case, 2026-12-03).
/// </summary>
/// <remarks>
/// A case takes the template only when that is provably the same as reading it: the base has no parameter set (whose keys
/// the case would be laid over as text); every override names a plain scalar already in the text, so the in-place edit and
/// its index apply (<see cref="CaseOverrides.ApplyInPlace"/>) and only those scalars differ from the template's text; the key
/// paths are those of the template's case, in the same order; each leads through sections and sequence items that the
/// template holds to a number, integer, true/false or text key; and each value reads as that key's type through the case
/// deserialiser itself (<see cref="CaseFile.TryReadScalar"/>), which is all the schema check asks of a scalar. Anything else
/// — and every case whose value does not read — is read in full, so its errors are those of a case file.
/// </remarks>
public sealed class CaseSeriesReader
{
    private readonly ConcurrentDictionary<(string Text, string Source, string Directory), Template?> _templates = new();
    private int _fromTemplate;

    /// <summary>Cases made from a template so far (the others were read in full).</summary>
    public int FromTemplate => Volatile.Read(ref _fromTemplate);

    /// <summary>
    /// <see cref="CaseOverrides.Parse"/> of the text with the overrides; the result (and any exception) is the same, the
    /// work less once a case of the same base and key paths has been read.
    /// </summary>
    public CaseDocument Parse(string yamlText, IReadOnlyList<CaseOverride> overrides, string sourceName, string baseDirectory, out string resolvedText)
    {
        var key = (yamlText, sourceName, baseDirectory);
        if (_templates.TryGetValue(key, out var template) && template?.TryRead(yamlText, overrides, sourceName, baseDirectory, out resolvedText) is { } made)
        {
            Interlocked.Increment(ref _fromTemplate);
            return made;
        }
        var document = CaseOverrides.Parse(yamlText, overrides, sourceName, baseDirectory, out resolvedText);
        if (!_templates.ContainsKey(key)) _templates.TryAdd(key, Template.Of(document, overrides));
        return document;
    }

    /// <summary>The records of one read case, and how to reach each of its overridden key paths in them.</summary>
    private sealed class Template
    {
        private readonly CaseDefinition _read;
        private readonly string[] _paths;
        private readonly Step[][] _steps;
        private readonly Type[] _types;
        private readonly ConcurrentDictionary<(int Path, string Value), (bool Reads, object? Value)> _values = new();

        private Template(CaseDefinition read, string[] paths, Step[][] steps, Type[] types)
        {
            _read = read;
            _paths = paths;
            _steps = steps;
            _types = types;
        }

        /// <summary>A step of a key path: a property of a section, or an item of a list.</summary>
        private readonly record struct Step(PropertyInfo? Property, int Index);

        public static Template? Of(CaseDocument document, IReadOnlyList<CaseOverride> overrides)
        {
            if (document.ParameterSet != null || overrides.Count == 0) return null;
            var paths = overrides.Select(o => o.Path).ToArray();
            var steps = new Step[paths.Length][];
            var types = new Type[paths.Length];
            for (int k = 0; k < paths.Length; k++)
            {
                if (StepsTo(document.Read, paths[k], out var type) is not { } s) return null;
                steps[k] = s;
                types[k] = type!;
            }
            return new Template(document.Read, paths, steps, types);
        }

        /// <summary>The steps from the root record to a leaf key of the path, each section and item present in <paramref name="root"/>; null otherwise.</summary>
        private static Step[]? StepsTo(object root, string path, out Type? leaf)
        {
            leaf = null;
            var steps = new List<Step>();
            object? at = root;
            foreach (var segment in CaseSchema.Segments(path))
            {
                if (at is null) return null;
                if (segment.IsIndex)
                {
                    if (at is not IList list || CaseSchema.ItemType(at.GetType()) is null || segment.Index < 0 || segment.Index >= list.Count) return null;
                    steps.Add(new Step(null, segment.Index));
                    leaf = CaseSchema.ItemType(at.GetType());
                    at = list[segment.Index];
                }
                else
                {
                    if (!CaseSchema.IsSection(at.GetType()) || !CaseSchema.KeysOf(at.GetType()).TryGetValue(segment.Key!, out var property)) return null;
                    steps.Add(new Step(property, 0));
                    leaf = property.PropertyType;
                    at = property.GetValue(at);
                }
            }
            var t = leaf is null ? null : Nullable.GetUnderlyingType(leaf) ?? leaf;
            return steps.Count > 0 && (t == typeof(double) || t == typeof(int) || t == typeof(bool) || t == typeof(string)) ? steps.ToArray() : null;
        }

        public CaseDocument? TryRead(string text, IReadOnlyList<CaseOverride> overrides, string sourceName, string baseDirectory, out string resolvedText)
        {
            resolvedText = text;
            if (overrides.Count != _paths.Length) return null;
            for (int k = 0; k < _paths.Length; k++)
                if (!string.Equals(overrides[k].Path, _paths[k], StringComparison.Ordinal)) return null;
            var values = new object?[_paths.Length];
            for (int k = 0; k < _paths.Length; k++)
            {
                int path = k;
                var (reads, value) = _values.GetOrAdd((k, overrides[k].Value), v => CaseFile.TryReadScalar(v.Value, _types[path], out var read) ? (true, read) : (false, null));
                if (!reads) return null;
                values[k] = value;
            }
            if (CaseOverrides.InPlace(text, overrides.ToList(), out var index) is not { } edited || index is null) return null;
            object definition = _read;
            for (int k = 0; k < _paths.Length; k++) definition = With(definition, _steps[k], 0, values[k]);
            var read = (CaseDefinition)definition;
            var coated = CoatingMapping.Apply(read, out var coatings);
            resolvedText = edited;
            return new CaseDocument(coated, edited, sourceName, Path.GetFullPath(baseDirectory), index, null, coatings, read);
        }

        /// <summary>A copy of <paramref name="node"/> with the value at the rest of the path replaced; what it does not lead through is shared.</summary>
        private static object With(object node, Step[] steps, int at, object? value)
        {
            var step = steps[at];
            bool last = at == steps.Length - 1;
            if (step.Property is { } property)
            {
                var copy = Clone(node);
                property.SetValue(copy, last ? value : With(property.GetValue(node)!, steps, at + 1, value));
                return copy;
            }
            var list = (IList)node;
            var items = (IList)YamlObjectFactory.Instance.Create(node.GetType());
            foreach (var item in list) items.Add(item);
            items[step.Index] = last ? value : With(list[step.Index]!, steps, at + 1, value);
            return items;
        }

        private static readonly ConcurrentDictionary<Type, MethodInfo> CloneMethods = new();

        /// <summary>A shallow copy of a record (its compiler-made clone method, what <c>with</c> calls).</summary>
        private static object Clone(object record) =>
            CloneMethods.GetOrAdd(record.GetType(), t => t.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{t.Name} is not a record")).Invoke(record, null)!;
    }
}
