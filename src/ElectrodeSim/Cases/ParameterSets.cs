using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace ElectrodeSim.Cases;

/// <summary>
/// A named, versioned parameter set: a partial case (the keys of <see cref="CaseDefinition"/>) with its
/// provenance block (title, source, DOI, version, per-key notes). The sets are YAML files compiled into
/// the assembly (<c>src/ElectrodeSim/ParameterSets/NAME.yaml</c>); a case names one in
/// <c>parameter_set</c> and overrides any of its keys.
/// </summary>
public sealed class ParameterSet
{
    internal ParameterSet(string name, string text, YamlNodeIndex index, ProvenanceSection provenance)
    {
        Name = name;
        Text = text;
        Index = index;
        Title = provenance.Title ?? name;
        Source = provenance.Source ?? "";
        Doi = provenance.Doi ?? "";
        Version = provenance.Version ?? "";
    }

    public string Name { get; }
    public string Version { get; }
    public string Title { get; }
    public string Source { get; }
    public string Doi { get; }
    /// <summary>The set's YAML text as compiled in.</summary>
    public string Text { get; }
    /// <summary><c>NAME@VERSION</c>.</summary>
    public string Label => $"{Name}@{Version}";

    internal YamlNodeIndex Index { get; }

    /// <summary>Every key path the set defines.</summary>
    public IEnumerable<string> KeyPaths => Index.Paths;
}

/// <summary>The parameter sets compiled into ElectrodeSim, and how a case is laid over one.</summary>
public static class ParameterSets
{
    private const string ResourcePrefix = "ElectrodeSim.ParameterSets.";
    // The embedded sets by name, each read and parsed the first time it is asked for: a run needs one set, and parsing all
    // three was ~4 % of a Marquis2019 1C native run (perf).
    private static readonly Lazy<IReadOnlyDictionary<string, Lazy<ParameterSet>>> Sets = new(IndexResources);

    /// <summary>Names of the available sets, e.g. <c>Marquis2019</c>, <c>Chen2020</c>, <c>Ecker2015</c>.</summary>
    public static IReadOnlyList<string> Names => Sets.Value.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The set called <paramref name="name"/> (without version), or null.</summary>
    public static ParameterSet? Find(string name) => Sets.Value.TryGetValue(name, out var set) ? set.Value : null;

    /// <summary>The set called <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> listing the names otherwise.</summary>
    public static ParameterSet Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"unknown parameter set '{name}'; known: {string.Join(", ", Names)}");

    private static IReadOnlyDictionary<string, Lazy<ParameterSet>> IndexResources()
    {
        var sets = new Dictionary<string, Lazy<ParameterSet>>(StringComparer.Ordinal);
        foreach (var resource in typeof(ParameterSets).Assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".yaml", StringComparison.Ordinal)) continue;
            string name = resource[ResourcePrefix.Length..^".yaml".Length];
            sets[name] = new Lazy<ParameterSet>(() => Load(name, resource), LazyThreadSafetyMode.ExecutionAndPublication);
        }
        return sets;
    }

    private static ParameterSet Load(string name, string resource)
    {
        using var stream = typeof(ParameterSets).Assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        string text = reader.ReadToEnd();
        if (!YamlNodeIndex.TryBuild(text, out var index, out var error, out _))
            throw new InvalidDataException($"parameter set {name} is not valid YAML: {error!.Message}");
        // The provenance block's scalars from the index: deserialising the whole set for them was ~3 % of a whole Marquis2019 1C
        // run in the natively compiled tool (perf), and the set is deserialised anyway once the case is laid over it.
        string? Scalar(string key) => index.ValueAt("provenance." + key) is { Kind: YamlNodeKind.Scalar } node ? node.Text : null;
        return new ParameterSet(name, text, index, new ProvenanceSection { Title = Scalar("title"), Source = Scalar("source"), Doi = Scalar("doi"), Version = Scalar("version") });
    }

    /// <summary>
    /// Keys that are alternatives to one another, per section: giving any key of one group replaces
    /// the set's keys of the other groups (a case that writes <c>effective_conductivity_S_m</c> drops the
    /// set's <c>solid_conductivity_S_m</c> and <c>solid_bruggeman</c>).
    /// </summary>
    private static readonly Dictionary<Type, string[][][]> Alternatives = new()
    {
        [typeof(ElectrodeSection)] =
        [
            [["solid_conductivity_S_m", "solid_bruggeman"], ["effective_conductivity_S_m"]],
            [["max_capacity_mAh_g"], ["max_concentration_mol_m3"]],
            [["initial_state_of_lithiation"], ["initial_concentration_mol_m3"]],
            [["solid_diffusivity_m2_s", "solid_diffusivity_activation_energy_J_mol"], ["solid_diffusivity_function", "solid_diffusivity_scale", "solid_diffusivity_dip_scale"]],
        ],
        [typeof(KineticsSection)] = [[["exchange_current_prefactor_A_m2"], ["rate_constant", "reference_temperature_K"]]],
        [typeof(OcpSection)] = [[["function", "parameters"], ["table"], ["hysteresis"]], [["entropic_function"], ["entropic_coefficient_V_K"]]],
    };

    /// <summary>
    /// The case text laid over the set's: mappings are merged key by key (the case wins), sequences and
    /// scalars are replaced whole. Returns YAML text that reads as one case.
    /// </summary>
    public static string Overlay(ParameterSet set, string caseText)
    {
        var baseRoot = Root(set.Text);
        var caseRoot = Root(caseText);
        var merged = Merge(baseRoot, caseRoot, typeof(CaseDefinition));
        var stream = new YamlStream(new YamlDocument(merged));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode Root(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode m ? m : new YamlMappingNode();
    }

    private static YamlMappingNode Merge(YamlMappingNode under, YamlMappingNode over, Type? section)
    {
        var keys = section != null && CaseSchema.IsSection(section) ? CaseSchema.KeysOf(section) : null;
        var given = over.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToHashSet(StringComparer.Ordinal);
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        if (section != null && Alternatives.TryGetValue(section, out var groups))
            foreach (var group in groups)
                foreach (var alternative in group.Where(a => a.Any(given.Contains)))
                    foreach (var other in group.Where(o => o != alternative))
                        dropped.UnionWith(other.Where(k => !given.Contains(k)));

        var result = new YamlMappingNode();
        foreach (var (keyNode, value) in under.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (over.Children.TryGetValue(keyNode, out var replacement))
            {
                Type? child = keys != null && keys.TryGetValue(key, out var property) ? property.PropertyType : null;
                bool mapping = child != null && (CaseSchema.IsSection(child) || CaseSchema.DictionaryValueType(child) != null);
                result.Add(keyNode, mapping && value is YamlMappingNode u && replacement is YamlMappingNode o ? Merge(u, o, child) : replacement);
            }
            else if (!dropped.Contains(key)) result.Add(keyNode, value);
        }
        foreach (var (keyNode, value) in over.Children)
            if (!under.Children.ContainsKey(keyNode)) result.Add(keyNode, value);
        return result;
    }
}
