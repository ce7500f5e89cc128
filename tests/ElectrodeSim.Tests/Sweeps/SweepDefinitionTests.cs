using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Sweeps;

public class SweepDefinitionTests
{
    private static readonly string CasesDir = Path.Combine(Repository.Root, "cases");

    private static SweepDefinition Parse(string text) => SweepDefinition.Parse("base: sio-c-l.yaml\n" + text, "test-sweep.yaml", CasesDir);

    private static double[] Column(SweepDefinition d, string key) =>
        Enumerable.Range(0, (int)d.CaseCount).Select(i => double.Parse(d.InputsOf(i).Single(x => x.Key == key).Value, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void A_grid_varies_the_last_axis_fastest_and_a_log_range_ends_on_its_bounds()
    {
        var d = Parse("axes:\n  protocol[0].current_density_mA_cm2: {from: 1, to: 100, count: 3, spacing: log}\n  mesh.electrode_cells: [4, 8]\n");
        Assert.Equal(6, d.CaseCount);
        Assert.Equal([1, 1, 10, 10, 100, 100], Column(d, "protocol[0].current_density_mA_cm2"), (a, b) => Math.Abs(a - b) < 1e-12 * b);
        Assert.Equal([4, 8, 4, 8, 4, 8], Column(d, "mesh.electrode_cells"));
    }

    [Fact]
    public void A_decimal_comma_in_a_value_list_is_named_with_the_key_path_the_list_and_the_value_to_write()
    {
        // YAML reads [0.3, 0,4] as 0.3, 0 and 4; the try-out's sweep reported porosities 0 and 4 out of range.
        var e = Assert.Throws<CaseValidationException>(() => Parse("axes:\n  electrode.porosity: [0.3, 0,4]\n"));
        Assert.Equal("axes.electrode.porosity: [0.3, 0,4] is not a list of numbers with '.' as the decimal point " +
                     "(0,4 reads as two values: a decimal comma; write 0.4, or a comma and a space for two values)", Assert.Single(e.Errors).ToString());
        Assert.Equal(3, e.Errors[0].Line); // after the "base:" line Parse puts first
        e = Assert.Throws<CaseValidationException>(() => Parse("zip:\n  - electrode.porosity: [0,3, 0,4]\n    mesh.electrode_cells: [4, 8]\n"));
        Assert.Contains("zip[0].electrode.porosity: [0,3, 0,4] is not a list of numbers with '.' as the decimal point (0,3 and 0,4 each read as two values: a decimal comma; write 0.3, 0.4,", Assert.Single(e.Errors).ToString());
    }

    [Theory]
    [InlineData("[0, 4]", new[] { "0", "4" })]
    [InlineData("[1,2,3]", new[] { "1", "2", "3" })]
    [InlineData("[0.3, 0.4]", new[] { "0.3", "0.4" })]
    [InlineData("[0.3, 4,5e-1]", new[] { "0.3", "4", "5e-1" })]
    public void A_list_spaced_alike_throughout_or_without_an_integer_and_digits_joined_is_taken_as_written(string list, string[] values)
    {
        var d = Parse($"axes:\n  mesh.electrode_cells: {list}\n");
        Assert.Equal(values, Enumerable.Range(0, (int)d.CaseCount).Select(i => d.InputsOf(i)[0].Value));
    }

    [Fact]
    public void A_linear_range_over_a_count_key_is_rounded_to_whole_numbers()
    {
        var d = Parse("axes:\n  mesh.electrode_cells: {from: 4, to: 9, count: 4}\n");
        Assert.Equal(["4", "6", "7", "9"], Enumerable.Range(0, 4).Select(i => d.InputsOf(i)[0].Value));
    }

    [Fact]
    public void Zipped_keys_step_together_as_one_dimension()
    {
        var d = Parse("axes:\n  mesh.electrode_cells: [4, 8]\nzip:\n  - electrode.porosity: [0.3, 0.4, 0.5]\n    electrode.active_volume_fraction: [0.5, 0.4, 0.3]\n");
        Assert.Equal(6, d.CaseCount);
        var porosity = Column(d, "electrode.porosity");
        var active = Column(d, "electrode.active_volume_fraction");
        for (int i = 0; i < 6; i++) Assert.Equal(0.8, porosity[i] + active[i], 12);
    }

    [Fact]
    public void Zip_lists_of_different_lengths_are_an_error_naming_the_group()
    {
        var e = Assert.Throws<CaseValidationException>(() => Parse("zip:\n  - electrode.porosity: [0.3, 0.4]\n    electrode.bruggeman: [1.5]\n"));
        Assert.Equal("zip[0]", e.Errors.Single().Path);
    }

    [Fact]
    public void Latin_hypercube_samples_put_one_point_in_each_stratum_and_repeat_with_their_seed()
    {
        const string keys = "keys: {electrode.porosity: {low: 0.2, high: 0.4}, electrode.solid_diffusivity_m2_s: {low: 1e-14, high: 1e-12, log: true}}";
        var a = Parse($"samples: {{count: 10, seed: 3, method: latin_hypercube, {keys}}}\n");
        var b = Parse($"samples: {{count: 10, seed: 3, method: latin_hypercube, {keys}}}\n");
        var c = Parse($"samples: {{count: 10, seed: 4, method: latin_hypercube, {keys}}}\n");
        var porosity = Column(a, "electrode.porosity");
        Assert.Equal(Enumerable.Range(0, 10), porosity.Select(p => (int)Math.Floor((p - 0.2) / 0.02)).Order());
        var logD = Column(a, "electrode.solid_diffusivity_m2_s").Select(v => Math.Log10(v)).ToArray();
        Assert.Equal(Enumerable.Range(0, 10), logD.Select(v => (int)Math.Floor((v + 14) / 0.2)).Order());
        Assert.Equal(porosity, Column(b, "electrode.porosity"));
        Assert.NotEqual(porosity, Column(c, "electrode.porosity"));
    }

    [Fact]
    public void Random_samples_stay_inside_their_bounds()
    {
        var d = Parse("samples: {count: 50, seed: 1, method: random, keys: {electrode.porosity: {low: 0.25, high: 0.35}}}\n");
        Assert.All(Column(d, "electrode.porosity"), p => Assert.InRange(p, 0.25, 0.35));
    }

    [Fact]
    public void Invalid_generated_cases_are_reported_by_index_and_key_path_before_any_runs()
    {
        var d = Parse("axes:\n  electrode.porosity: [0.3, 1.2]\n  mesh.electrode_cells: [4, 0]\n");
        var e = Assert.Throws<SweepValidationException>(() => SweepPlan.Build(d));
        Assert.Equal([1, 2, 3], e.Cases.Select(c => c.Index));
        Assert.Equal(["mesh.electrode_cells"], e.Cases[0].Error.Errors.Select(x => x.Path));
        Assert.Equal(["electrode.porosity"], e.Cases[1].Error.Errors.Select(x => x.Path));
        Assert.Equal(4, e.Total);
    }

    [Fact]
    public void A_case_axis_swaps_the_base_case_file()
    {
        var d = SweepDefinition.Parse("zip:\n  - case: [sio-c-h.yaml, sio-c-l.yaml]\n    protocol[0].current_density_mA_cm2: [2, 3]\n", "s.yaml", CasesDir);
        var plan = SweepPlan.Build(d);
        Assert.Equal(["SiO@C-h", "SiO@C-l"], plan.Cases.Select(c => c.Setup.Name));
        Assert.Equal([20.0, 30.0], plan.Cases.Select(c => Math.Abs(c.Setup.Protocol.Steps[0].Value)));
        Assert.NotEqual(plan.Cases[0].Fingerprint, plan.Cases[1].Fingerprint);
    }
}
