using ElectrodeSim.Cases;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Cases;

public class CaseOverridesTests
{
    private static string LText => File.ReadAllText(Repository.Case("sio-c-l.yaml"));

    private static SimulationSetup Build(params string[] assignments) =>
        CaseBuilder.Build(CaseOverrides.Parse(LText, assignments.Select(a => CaseOverride.Parse(a)).ToList(), "sio-c-l.yaml", Path.Combine(Repository.Root, "cases"), out _));

    [Fact]
    public void Overridden_values_reach_the_setup_in_the_units_of_the_file()
    {
        var setup = Build("mesh.electrode_cells=7", "protocol[0].current_density_mA_cm2=2.5", "electrode.thickness_um=20", "output.fields=false");
        Assert.Equal(7, setup.Mesh.ElectrodeCells);
        Assert.Equal(25.0, Math.Abs(setup.Protocol.Steps[0].Value), 12);   // 2.5 mA/cm² = 25 A/m²
        Assert.Equal(20e-6, setup.Cell.Electrodes[0].Thickness, 15);
        Assert.False(setup.Output.Fields);
    }

    [Fact]
    public void A_key_the_text_does_not_write_is_added_with_its_section()
    {
        var setup = CaseBuilder.Build(CaseOverrides.Parse(LText, [new CaseOverride("solver.max_step_s", "3")], "l", Path.Combine(Repository.Root, "cases"), out string text));
        Assert.Contains("max_step_s: 3", text);
        Assert.NotNull(setup);
    }

    [Fact]
    public void A_bad_value_is_reported_with_the_same_key_path_as_in_the_file()
    {
        string inFile = LText.Replace("  thickness_um: 16.7\n", "  thickness_um: -3\n");
        var fromFile = Assert.Throws<CaseValidationException>(() => CaseBuilder.Build(CaseFile.Parse(inFile, "l", Path.Combine(Repository.Root, "cases"))));
        var fromSet = Assert.Throws<CaseValidationException>(() => Build("electrode.thickness_um=-3"));
        Assert.Equal(fromFile.Errors.Select(e => e.ToString()), fromSet.Errors.Select(e => e.ToString()));
        Assert.Equal("electrode.thickness_um: -3 is not > 0", fromSet.Errors.Single().ToString());
    }

    [Fact]
    public void Every_bad_path_and_value_is_named_at_once()
    {
        var e = Assert.Throws<CaseValidationException>(() => Build("mesh.electrode_cels=6", "protocol[0].current_density_mA_cm2=abc", "protocol[2].label=x"));
        var paths = e.Errors.Select(x => x.Path).ToList();
        Assert.Contains("mesh.electrode_cels", paths);
        Assert.Contains("protocol[0].current_density_mA_cm2", paths);
        Assert.Contains("protocol[2]", paths);
        Assert.Contains("did you mean electrode_cells", e.Errors.Single(x => x.Path == "mesh.electrode_cels").Accepted);
        Assert.All(e.Errors, x => Assert.Null(x.Line));
    }

    [Fact]
    public void A_path_through_a_scalar_is_an_error_naming_the_scalar()
    {
        var e = Assert.Throws<CaseValidationException>(() => Build("name.first=x"));
        Assert.Equal("name", e.Errors.Single().Path);
    }

    [Fact]
    public void An_assignment_without_equals_sign_is_rejected()
    {
        Assert.Throws<CaseValidationException>(() => CaseOverride.Parse("mesh.electrode_cells"));
        Assert.Equal(new CaseOverride("a.b", "x=y"), CaseOverride.Parse("a.b=x=y"));
    }

    [Fact]
    public void The_fingerprint_depends_on_the_resolved_values_not_on_comments()
    {
        var dir = Path.Combine(Repository.Root, "cases");
        CaseOverrides.Parse(LText, [new CaseOverride("mesh.electrode_cells", "16")], "l", dir, out string same);
        CaseOverrides.Parse("# another comment\n" + LText, [new CaseOverride("mesh.electrode_cells", "16")], "l", dir, out string commented);
        CaseOverrides.Parse(LText, [new CaseOverride("mesh.electrode_cells", "17")], "l", dir, out string changed);
        Assert.Equal(CaseOverrides.Fingerprint(same), CaseOverrides.Fingerprint(commented));
        Assert.NotEqual(CaseOverrides.Fingerprint(same), CaseOverrides.Fingerprint(changed));
        Assert.Equal(64, CaseOverrides.Fingerprint(same).Length);
        Assert.Contains("# another comment", commented);   // values replaced in place keep the file's comments
    }
}
