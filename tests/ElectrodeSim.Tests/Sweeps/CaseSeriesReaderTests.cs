using System.Text.Json;
using ElectrodeSim.Cases;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Sweeps;

/// <summary>
/// A sweep makes its cases from the records of the first one read with the swept values set (<see cref="CaseSeriesReader"/>)
/// instead of reading every case's YAML: each case must be exactly what reading it through <see cref="CaseOverrides.Parse"/>
/// gives — resolved text, fingerprint, records, coating map, validation and the built setup — and its errors the same.
/// </summary>
public class CaseSeriesReaderTests
{
    private static readonly string Directory = Path.Combine(Repository.Root, "cases", "coating-quality");
    private static readonly string AlphaBase = File.ReadAllText(Path.Combine(Directory, "sio-c-alpha.yaml"));

    /// <summary>Every observable part of a read and built case, as text (records as JSON: a record's list members compare by reference).</summary>
    private static string Describe(CaseDocument document, SimulationSetup setup, string resolved)
    {
        var e = setup.Cell.Electrodes[0];
        return string.Join("\n",
            resolved,
            CaseFingerprint.Of(document, setup.InputFiles),
            JsonSerializer.Serialize(document.Definition),
            JsonSerializer.Serialize(document.Coatings.Select(c => new { c.ElectrodePath, c.AlkaliSolubilityPercent, c.Values, c.Mapped, c.Explicit })),
            string.Join(", ", document.KeyPaths.Order(StringComparer.Ordinal)),
            setup.ProvenanceJson,
            JsonSerializer.Serialize(setup.ParameterNotes),
            string.Join("; ", setup.Warnings.Select(w => w.ToString())),
            JsonSerializer.Serialize(setup.InputFiles),
            string.Join(" ", new[] { e.SolidDiffusivity, e.ReactionActivationEnergy, e.FilmResistance, e.ExchangeCurrentPrefactor, e.Thickness, e.MaxConcentration }.Select(v => v.ToString("R"))),
            string.Join(" ", setup.Protocol.Steps.Select(s => $"{s.Mode} {s.Value:R}")),
            $"{setup.Mesh.SeparatorCells} {setup.Mesh.ElectrodeCells} {setup.Mesh.ParticleShells} {setup.Output.Fields} {setup.Solver.RelativeTolerance:R}");
    }

    private static (string Text, CaseValidationException? Error) ReadEachWay(Func<(CaseDocument, string)> read)
    {
        try
        {
            var (document, resolved) = read();
            return (Describe(document, CaseBuilder.Build(document), resolved), null);
        }
        catch (CaseValidationException e) { return ("", e); }
    }

    private static void AssertSameEitherWay(CaseSeriesReader reader, string text, IReadOnlyList<CaseOverride> overrides, string directory)
    {
        var fromYaml = ReadEachWay(() => (CaseOverrides.Parse(text, overrides, "alpha.yaml", directory, out var r), r));
        var fromSeries = ReadEachWay(() => (reader.Parse(text, overrides, "alpha.yaml", directory, out var r), r));
        string label = string.Join(", ", overrides);
        Assert.True(fromYaml.Text == fromSeries.Text, $"{label}: the case differs from its YAML reading");
        Assert.True((fromYaml.Error is null) == (fromSeries.Error is null), $"{label}: {fromYaml.Error?.Message ?? "valid"} vs {fromSeries.Error?.Message ?? "valid"}");
        if (fromYaml.Error is { } a && fromSeries.Error is { } b)
        {
            Assert.Equal(a.Errors.Select(x => x.ToString()), b.Errors.Select(x => x.ToString()));
            Assert.Equal(a.Warnings.Select(x => x.ToString()), b.Warnings.Select(x => x.ToString()));
        }
    }

    [Fact]
    public void Cases_made_from_the_first_ones_records_equal_their_yaml_reading_across_the_coating_map_and_its_extrapolation()
    {
        var reader = new CaseSeriesReader();
        // The benchmark's axes (alpha 0-50 % through the map's points and beyond them, current density on a log scale) with
        // integer and boolean keys beside them, as a sweep's set and axes give them (the set first).
        string[] alphas = ["0", "4.8", "12.820512820512821", "21.7", "33.33333333333333", "47.5", "50"];
        string[] currents = ["1", "2.154434690031884", "10", "0.5"];
        int n = 0;
        foreach (var alpha in alphas)
            foreach (var current in currents)
            {
                List<CaseOverride> overrides =
                [
                    new("output.fields", n % 3 == 0 ? "true" : "false"),
                    new("mesh.electrode_cells", (8 + n % 5).ToString()),
                    new("electrode.coating.alkali_solubility_percent", alpha),
                    new("protocol[0].current_density_mA_cm2", current),
                ];
                AssertSameEitherWay(reader, AlphaBase, overrides, Directory);
                n++;
            }
        // All but the first case came from the template: otherwise this test compared the YAML reading with itself.
        Assert.Equal(n - 1, reader.FromTemplate);
    }

    [Fact]
    public void A_value_the_key_does_not_take_or_the_validator_rejects_gives_the_errors_of_the_yaml_reading()
    {
        var reader = new CaseSeriesReader();
        string[][] rows =
        [
            ["5", "8"],          // valid: makes the template
            ["thick", "8"],      // not a number: read in full, the schema check's error
            ["5", "8.5"],        // not an integer
            ["-3", "8"],         // a number out of range: made from the template, the validator's error
            ["5", "0"],          // an integer out of range
            ["1e400", "8"],      // out of double range
            ["0x10", "8"],       // YAML spellings the deserialiser decides on
            ["5", "0x10"],
            ["5", "010"],
            [".inf", "8"],
            ["-", "8"],
            ["~", "8"],          // null: a missing required key
        ];
        foreach (var row in rows)
            AssertSameEitherWay(reader, AlphaBase,
                [new("protocol[0].current_density_mA_cm2", row[0]), new("mesh.electrode_cells", row[1])], Directory);
        Assert.True(reader.FromTemplate >= 3, $"{reader.FromTemplate} cases from the template");
    }

    [Fact]
    public void Cases_whose_keys_or_base_differ_from_the_template_and_cases_over_a_parameter_set_are_read_in_full_and_equal()
    {
        var reader = new CaseSeriesReader();
        AssertSameEitherWay(reader, AlphaBase, [new("protocol[0].current_density_mA_cm2", "3")], Directory);
        // Another key path, a key absent from the text (the node tree is rewritten), another order of the same keys.
        AssertSameEitherWay(reader, AlphaBase, [new("electrode.porosity", "0.35")], Directory);
        AssertSameEitherWay(reader, AlphaBase, [new("electrode.kinetics.film_resistance_ohm_m2", "0.001")], Directory);
        AssertSameEitherWay(reader, AlphaBase, [new("mesh.electrode_cells", "9"), new("protocol[0].current_density_mA_cm2", "3")], Directory);
        AssertSameEitherWay(reader, AlphaBase, [new("protocol[0].current_density_mA_cm2", "4"), new("mesh.electrode_cells", "9")], Directory);
        AssertSameEitherWay(reader, AlphaBase, [new("protocol[0].current_density_mA_cm2", "4"), new("mesh.electrode_cells", "10")], Directory);
        // A case over a parameter set makes no template.
        string thermal = File.ReadAllText(Repository.Case(Path.Combine("thermal", "lgm50-2C-isothermal.yaml")));
        string thermalDirectory = Path.Combine(Repository.Root, "cases", "thermal");
        var set = new CaseSeriesReader();
        foreach (var cells in new[] { "4", "5", "6" })
            AssertSameEitherWay(set, thermal, [new("mesh.separator_cells", cells)], thermalDirectory);
        Assert.Equal(0, set.FromTemplate);
        // One template per base, that of its first case (a sweep sets the same keys in every case): none of the others matched it.
        Assert.Equal(0, reader.FromTemplate);
        AssertSameEitherWay(reader, AlphaBase, [new("protocol[0].current_density_mA_cm2", "6")], Directory);
        Assert.Equal(1, reader.FromTemplate);
    }

    [Fact]
    public void A_case_made_from_the_template_runs_to_the_same_capacity_and_voltage_as_its_yaml_reading()
    {
        var reader = new CaseSeriesReader();
        List<CaseOverride> Of(string alpha, string current) =>
            [new("output.fields", "false"), new("electrode.coating.alkali_solubility_percent", alpha), new("protocol[0].current_density_mA_cm2", current)];
        reader.Parse(AlphaBase, Of("4.8", "5"), "alpha.yaml", Directory, out _);
        var fast = Simulator.Run(CaseBuilder.Build(reader.Parse(AlphaBase, Of("30", "2.5"), "alpha.yaml", Directory, out _)));
        var slow = Simulator.Run(CaseBuilder.Build(CaseOverrides.Parse(AlphaBase, Of("30", "2.5"), "alpha.yaml", Directory, out _)));
        Assert.Equal(1, reader.FromTemplate);
        Assert.Equal(slow.Summary.Capacity, fast.Summary.Capacity);
        Assert.Equal(slow.Summary.AverageVoltage, fast.Summary.AverageVoltage);
        Assert.Equal(slow.Solution.Time.Count, fast.Solution.Time.Count);
        Assert.InRange(fast.Summary.Capacity, 100, 1865);
    }
}
