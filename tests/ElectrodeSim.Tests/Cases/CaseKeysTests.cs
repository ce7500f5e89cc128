using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ElectrodeSim.Cases;
using ElectrodeSim.Tests.Support;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace ElectrodeSim.Tests.Cases;

/// <summary>
/// <c>electrodesim keys</c> (issue 7): the key reference and the JSON Schema are generated from the case records, are
/// checked in under <c>docs/</c> and cannot go stale, and what they say a key accepts is what the validator accepts.
/// </summary>
public class CaseKeysTests
{
    private static string Doc(string name) => Path.Combine(Repository.Root, "docs", name);

    [Fact]
    public void The_checked_in_key_reference_and_json_schema_are_what_keys_generates_now()
    {
        Assert.True(File.ReadAllText(Doc("case-keys.md")) == CaseKeys.Markdown(),
            "docs/case-keys.md is stale: regenerate it with tools/electrodesim keys --markdown > docs/case-keys.md");
        Assert.True(File.ReadAllText(Doc("case-schema.json")) == CaseKeys.JsonSchema(),
            "docs/case-schema.json is stale: regenerate it with tools/electrodesim keys --json-schema > docs/case-schema.json");
    }

    [Fact]
    public void The_keys_command_prints_the_checked_in_files_and_refuses_both_formats_at_once()
    {
        Assert.Equal(File.ReadAllText(Doc("case-keys.md")), Cli("keys", "--markdown").Output);
        Assert.Equal(File.ReadAllText(Doc("case-schema.json")), Cli("keys", "--json-schema").Output);
        var text = Cli("keys");
        Assert.Equal(0, text.Code);
        Assert.Contains("electrode.coating.alkali_solubility_percent", text.Output);
        Assert.Equal(2, Cli("keys", "--markdown", "--json-schema").Code);
    }

    [Fact]
    public void Every_schema_key_appears_in_the_reference_and_in_the_json_schema()
    {
        string markdown = CaseKeys.Markdown();
        var schema = JsonNode.Parse(CaseKeys.JsonSchema())!;
        var paths = CaseSchema.AllKeyPaths();
        Assert.Equal(paths, CaseKeys.All().Select(k => k.Path));
        foreach (var path in paths)
        {
            Assert.Contains($"| `{path}` |", markdown);
            Assert.True(SchemaNode(schema, path) is JsonObject { } node && node["description"] != null, $"{path} is not in the JSON Schema with a description");
        }
    }

    [Fact]
    public void Every_key_has_a_description_and_every_number_a_unit()
    {
        foreach (var key in CaseKeys.All())
        {
            Assert.False(string.IsNullOrWhiteSpace(key.Description), key.Path);
            if (key.Type is "number" or "integer") Assert.False(string.IsNullOrEmpty(key.Unit), $"{key.Path} has no unit");
        }
    }

    [Theory]
    [InlineData("sio-c-l.yaml")]
    [InlineData("sio-c-m.yaml")]
    [InlineData("sio-c-h.yaml")]
    public void The_repository_cases_validate_against_the_json_schema(string file)
    {
        var result = Evaluate(File.ReadAllText(Repository.Case(file)));
        Assert.True(result.IsValid, string.Join("; ", Errors(result)));
    }

    [Theory]
    [InlineData("electrode.thicknes_um", "1")]
    [InlineData("electrode.porosity", "1.5")]
    [InlineData("electrode.coating.alkali_solubility_percent", "120")]
    [InlineData("solver.face_average", "geometric")]
    [InlineData("mesh.electrode_cells", "2.5")]
    public void The_json_schema_rejects_an_unknown_key_a_value_out_of_range_or_a_name_not_in_the_list(string path, string value)
    {
        var result = Evaluate(WithValue(File.ReadAllText(Repository.Case("sio-c-l.yaml")), path, value));
        Assert.False(result.IsValid);
    }

    /// <summary>Half-cell keys are varied in sio-c-l.yaml; full-cell-only mesh keys in a Marquis2019 full cell.</summary>
    private static string BaseFor(string path) =>
        path.StartsWith("mesh.negative_", StringComparison.Ordinal) || path.StartsWith("mesh.positive_", StringComparison.Ordinal)
            ? "name: full\nparameter_set: Marquis2019\nprotocol:\n  - mode: rest\n    max_duration_s: 1\n"
            : File.ReadAllText(Repository.Case("sio-c-l.yaml"));

    /// <summary>Keys whose check needs another key set alongside.</summary>
    private static readonly Dictionary<string, (string Path, string Value)[]> Companions = new()
    {
        ["electrode.kinetics.reference_temperature_K"] = [("electrode.kinetics.rate_constant", "1e-10")],
        ["protocol[].scan_rate_mV_s"] = [("protocol[].mode", "voltage_sweep")],
        ["protocol[].cycles"] = [("protocol[].mode", "voltage_sweep")],
        ["protocol[].frequency_min_Hz"] = [("protocol[].mode", "impedance"), ("protocol[].frequency_max_Hz", "1e9")],
        ["protocol[].frequency_max_Hz"] = [("protocol[].mode", "impedance"), ("protocol[].frequency_min_Hz", "1e-6")],
        ["electrode.solid_diffusivity_scale"] = [("electrode.solid_diffusivity_function", "graphite_lgm50_oregan2022")],
        ["electrode.solid_diffusivity_dip_scale"] = [("electrode.solid_diffusivity_function", "graphite_lgm50_oregan2022")],
        ["electrode.particle_size_distribution.sigma"] = [("electrode.particle_size_distribution.kind", "lognormal"), ("electrode.particle_size_distribution.classes", "3")],
        ["electrode.particle_size_distribution.classes"] = [("electrode.particle_size_distribution.kind", "lognormal"), ("electrode.particle_size_distribution.sigma", "0.3")],
        ["electrode.particle_size_distribution.mean_radius_um"] = [("electrode.particle_size_distribution.kind", "lognormal"), ("electrode.particle_size_distribution.sigma", "0.3"), ("electrode.particle_size_distribution.classes", "3")],
        ["protocol[].points_per_decade"] = [("protocol[].mode", "impedance"), ("protocol[].frequency_min_Hz", "0.1"), ("protocol[].frequency_max_Hz", "1e4")],
    };

    static CaseKeysTests()
    {
        // The stand-in's parameters of a hysteresis branch are checked with function: sio_stand_in on that branch.
        foreach (var branch in new[] { "lithiation", "delithiation" })
            foreach (var p in new[] { "end_potential_V", "plateau_slope_V", "step_height_V", "step_centre", "step_width" })
                Companions[$"electrode.ocp.hysteresis.{branch}.parameters.{p}"] = [($"electrode.ocp.hysteresis.{branch}.function", "sio_stand_in")];
    }

    /// <summary>Keys whose in-range value is still refused in the base case for another reason (named here).</summary>
    private static readonly Dictionary<string, string> InRangeRefusedByContext = new()
    {
        ["protocol[].stop.current_below_A_m2"] = "the base step is a current step, where the current cannot fall",
    };

    /// <summary>
    /// The electrode sections of a full cell are the same record and the same validator method as <c>electrode</c>,
    /// so their keys are covered by <c>electrode.*</c>.
    /// </summary>
    public static TheoryData<string> RangedKeys()
    {
        var data = new TheoryData<string>();
        foreach (var key in CaseKeys.All())
            if (KeyRange.Parse(key.Range) != null && !key.Path.StartsWith("negative_electrode.", StringComparison.Ordinal) && !key.Path.StartsWith("positive_electrode.", StringComparison.Ordinal))
                data.Add(key.Path);
        return data;
    }

    [Theory]
    [MemberData(nameof(RangedKeys))]
    public void The_validator_refuses_exactly_outside_the_range_the_key_table_states(string path)
    {
        var key = CaseKeys.All().Single(k => k.Path == path);
        var range = KeyRange.Parse(key.Range)!.Value;
        bool integer = key.Type == "integer";
        var outside = new List<double>();
        if (range.Lower is { } lower) outside.Add(range.LowerInclusive ? lower - 1 : lower);
        if (range.Upper is { } upper) outside.Add(range.UpperInclusive ? upper + 1 : upper);
        string at = path.Replace("[]", "[0]");
        foreach (double value in outside)
        {
            var errors = ErrorsWith(path, Number(value, integer)).Where(e => e.Path == at).ToList();
            Assert.True(errors.Any(e => e.Accepted.Contains(key.Range, StringComparison.Ordinal)),
                $"{path}: {value} should be refused as not {key.Range}; the validator said: {string.Join("; ", errors)}");
        }
        if (InRangeRefusedByContext.ContainsKey(path)) return;
        double inside = range.Upper is { } u ? (range.Lower is { } l ? (integer ? Math.Floor((l + u) / 2) : (l + u) / 2) : u - 1) : range.Lower!.Value + 1;
        var inRange = ErrorsWith(path, Number(inside, integer)).Where(e => e.Path == at).ToList();
        Assert.True(inRange.Count == 0, $"{path}: {inside} is in {key.Range} but the validator said: {string.Join("; ", inRange)}");
    }

    public static TheoryData<string> ChoiceKeys()
    {
        var data = new TheoryData<string>();
        foreach (var key in CaseKeys.All())
            if (key.Choices != null && !key.Path.StartsWith("negative_electrode.", StringComparison.Ordinal) && !key.Path.StartsWith("positive_electrode.", StringComparison.Ordinal))
                data.Add(key.Path);
        return data;
    }

    [Theory]
    [MemberData(nameof(ChoiceKeys))]
    public void The_validator_accepts_the_names_the_key_table_lists_and_no_other(string path)
    {
        var key = CaseKeys.All().Single(k => k.Path == path);
        string at = path.Replace("[]", "[0]");
        var errors = ErrorsWith(path, "no_such_name").Where(e => e.Path == at).ToList();
        Assert.True(errors.Any(e => e.Accepted.Contains("one of " + string.Join(", ", key.Choices!), StringComparison.Ordinal)),
            $"{path}: the validator's list differs from the key table's ({string.Join(", ", key.Choices!)}): {string.Join("; ", errors)}");
    }

    private static string Number(double value, bool integer) =>
        integer ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Every error of the base case for <paramref name="path"/> with that key set to <paramref name="value"/>.</summary>
    private static IReadOnlyList<CaseError> ErrorsWith(string path, string value)
    {
        string text = WithValue(BaseFor(path), path, value);
        if (Companions.TryGetValue(path, out var companions))
            foreach (var companion in companions) text = WithValue(text, companion.Path, companion.Value);
        try
        {
            return CaseValidator.FindErrors(CaseFile.Parse(text, "keys.yaml", Path.Combine(Repository.Root, "cases")));
        }
        catch (CaseValidationException e) { return e.Errors; }
    }

    /// <summary>The case text with the scalar at <paramref name="path"/> set (sections created as needed; <c>[]</c> is the first item).</summary>
    private static string WithValue(string text, string path, string value)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        YamlNode node = stream.Documents[0].RootNode;
        var parts = path.Split('.');
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            bool item = part.EndsWith("[]", StringComparison.Ordinal);
            if (item) part = part[..^2];
            var mapping = (YamlMappingNode)node;
            bool last = i == parts.Length - 1;
            if (last) { mapping.Children[new YamlScalarNode(part)] = new YamlScalarNode(value); break; }
            if (!mapping.Children.TryGetValue(new YamlScalarNode(part), out var child))
                mapping.Children[new YamlScalarNode(part)] = child = new YamlMappingNode();
            node = item ? ((YamlSequenceNode)child).Children[0] : child;
        }
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static EvaluationResults Evaluate(string yaml)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Doc("case-schema.json")));
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return schema.Evaluate(ToJson(stream.Documents[0].RootNode), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static IEnumerable<string> Errors(EvaluationResults result) =>
        (result.Details ?? []).Where(d => d.Errors != null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));

    /// <summary>YAML as JSON, plain scalars typed as YAML 1.2's core schema types them.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } p => Plain(p.Value ?? ""),
        YamlScalarNode q => JsonValue.Create(q.Value),
        _ => null,
    };

    private static JsonNode? Plain(string text)
    {
        if (text is "" or "~" or "null") return null;
        if (text is "true" or "false") return JsonValue.Create(text == "true");
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)) return JsonValue.Create(n);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    /// <summary>The schema node of a key path, following <c>$ref</c> and array items.</summary>
    private static JsonNode? SchemaNode(JsonNode schema, string path)
    {
        JsonNode? Resolve(JsonNode? n) => n?["$ref"] is { } r ? schema["$defs"]![r.GetValue<string>()["#/$defs/".Length..]] : n;
        JsonNode? node = schema;
        foreach (var raw in path.Split('.'))
        {
            bool item = raw.EndsWith("[]", StringComparison.Ordinal);
            string part = item ? raw[..^2] : raw;
            node = Resolve(node)?["properties"]?[part];
            if (item) node = node?["items"];
        }
        return node;
    }

    private static (int Code, string Output) Cli(params string[] args)
    {
        var r = Support.Cli.Run(args);
        return (r.Code, r.Stdout);
    }
}
