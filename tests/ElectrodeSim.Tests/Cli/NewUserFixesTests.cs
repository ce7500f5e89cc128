using ElectrodeSim.Cases;
using ElectrodeSim.Tests.Cases;

namespace ElectrodeSim.Tests.Cli;

/// <summary>
/// Defects a new user met on the documented commands (try-out of 2026-12-04): colliding compare outputs, a sweep error
/// repeated per case with a cut accepted list, the assembly name in --help, paths printed relative from outside the folder.
/// </summary>
public sealed class NewUserFixesTests : IClassFixture<CaseDirectory>
{
    private readonly CaseDirectory _directory;

    public NewUserFixesTests(CaseDirectory directory) => _directory = directory;

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_directory.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Compare_of_two_cases_with_one_file_name_in_two_folders_writes_two_results_named_folder_stem()
    {
        string a = Write("low/cell.yaml", CaseText.Valid);
        string b = Write("high/cell.yaml", CaseText.Valid.Replace("name: SiO@C-l test", "name: other"));
        string output = Path.Combine(_directory.Path, "compare-out");
        var (code, stdout, stderr) = Support.Cli.Run("compare", a, b, "--out", output);
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(output, "low-cell.h5")), stdout);
        Assert.True(File.Exists(Path.Combine(output, "high-cell.h5")), stdout);
        Assert.False(File.Exists(Path.Combine(output, "cell.h5")));
    }

    [Fact]
    public void A_sweep_whose_base_has_a_bad_key_reports_it_once_for_all_cases_with_the_whole_accepted_list()
    {
        Write("sweep-bad/base.yaml", CaseText.Valid.Replace("\nelectrode:\n", "\nelectrode:\n  thicknes_um: 3\n"));
        string sweep = Write("sweep-bad/sweep.yaml", "name: bad\nbase: base.yaml\naxes:\n  electrode.porosity: [0.3, 0.35, 0.4]\n");
        var (code, _, stderr) = Support.Cli.Run("sweep", sweep, "--out", Path.Combine(_directory.Path, "sweep-bad", "out"));
        Assert.Equal(2, code);
        Assert.Contains("3 of 3 generated cases are not valid", stderr);
        Assert.Contains("all 3 cases (0, 1, 2):", stderr);
        int at = stderr.IndexOf("'thicknes_um' is not a key of electrode", StringComparison.Ordinal);
        Assert.True(at >= 0, stderr);
        Assert.Equal(-1, stderr.IndexOf("'thicknes_um' is not a key of electrode", at + 1, StringComparison.Ordinal));
        // Every key of electrode is listed, the last one too: no "… (N characters)" cut.
        string line = stderr[at..].Split('\n')[0];
        foreach (string key in CaseSchema.KeysOf(CaseSchema.TypeAt("electrode")!).Keys) Assert.Contains(key, line);
        Assert.DoesNotContain("characters)", line);
    }

    [Fact]
    public void Help_names_the_tool_electrodesim_not_the_assembly()
    {
        var (code, stdout, _) = Support.Cli.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("electrodesim [command] [options]", stdout);
        Assert.DoesNotContain("ElectrodeSim.Cli", stdout);
        var (runCode, runHelp, _) = Support.Cli.Run("run", "--help");
        Assert.Equal(0, runCode);
        Assert.Contains("electrodesim run", runHelp);
        Assert.DoesNotContain("ElectrodeSim.Cli", runHelp);
    }

    [Fact]
    public void A_path_inside_the_working_folder_is_shown_relative_and_one_outside_it_absolute()
    {
        string work = Path.Combine(_directory.Path, "work");
        Assert.Equal(Path.Combine("results", "a.h5"), DisplayPath.Of(Path.Combine(work, "results", "a.h5"), work));
        Assert.Equal("/tmp/elsewhere/a.h5", DisplayPath.Of("/tmp/elsewhere/a.h5", work));
        Assert.Equal(Path.Combine(_directory.Path, "b.h5"), DisplayPath.Of(Path.Combine(work, "..", "b.h5"), work));
        Assert.Equal(_directory.Path, DisplayPath.Of(_directory.Path, work));
    }

    [Fact]
    public void Run_into_a_folder_outside_the_working_folder_prints_the_result_path_absolute()
    {
        string output = Path.Combine(_directory.Path, "outside");
        string work = Path.Combine(_directory.Path, "cwd");
        Directory.CreateDirectory(work);
        string caseFile = Write("outside-case.yaml", CaseText.Valid);
        var (code, stdout, stderr) = Support.Cli.Process("dotnet", work,
            "exec", Path.Combine(AppContext.BaseDirectory, "ElectrodeSim.Cli.dll"), "run", caseFile, "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains($"wrote {Path.Combine(output, "outside-case.h5")}", stdout);
        Assert.DoesNotContain("wrote ../", stdout);
    }
    // Try-out of 2026-12-05.

    private static readonly string[] Small2D = ["--set", "resolved.height_um=7", "--set", "resolved.cell_size_um=0.5", "--set", "resolved.separator_gap_um=0.3"];

    [Fact]
    public void A_sweep_over_a_2D_case_runs_every_case_on_the_resolved_model()
    {
        string sweep = Write("sweep-2d/sweep.yaml",
            $"name: seeds\nbase: {Support.Repository.Case("sio-c-l-2d.yaml")}\nset:\n  resolved.height_um: 7\n  resolved.cell_size_um: 0.5\n" +
            "  resolved.separator_gap_um: 0.3\naxes:\n  resolved.seed: [1, 2]\n");
        string output = Path.Combine(_directory.Path, "sweep-2d", "out");
        var (code, stdout, stderr) = Support.Cli.Run("sweep", sweep, "--out", output);
        Assert.True(code == 0, stdout + stderr);
        Assert.DoesNotContain("RunResolved", stdout + stderr);
        Assert.Contains("2 complete, 0 failed of 2", stdout);
        Assert.True(File.Exists(Path.Combine(output, "case-0000.h5")) && File.Exists(Path.Combine(output, "case-0001.h5")));
        Assert.True(File.Exists(Path.Combine(output, "case-0000.xmf")), "the 2-D result's ParaView sidecar");
    }

    [Fact]
    public void A_disc_packing_that_cannot_reach_its_fraction_is_a_case_error_found_by_check()
    {
        var (code, _, stderr) = Support.Cli.Run(["check", Support.Repository.Case("sio-c-l-2d.yaml"), .. Small2D, "--set", "resolved.particle_area_fraction=0.85"]);
        Assert.True(code == 2, stderr);
        Assert.Contains("resolved.particle_area_fraction", stderr);
        Assert.Contains("it reached", stderr);
        Assert.Contains("um", stderr);
    }

    [Fact]
    public void A_case_file_given_to_sweep_is_named_a_case_file_once()
    {
        string path = Write("not-a-sweep/case.yaml", CaseText.Valid);
        var (code, _, stderr) = Support.Cli.Run("sweep", path, "--out", Path.Combine(_directory.Path, "not-a-sweep", "out"));
        Assert.Equal(2, code);
        Assert.Contains("a case file", stderr);
        Assert.Contains("electrodesim run", stderr);
        Assert.DoesNotContain("is not a key of the sweep", stderr);
    }

    [Fact]
    public void A_fractional_seed_is_reported_as_not_an_integer()
    {
        var (code, _, stderr) = Support.Cli.Run(["check", Support.Repository.Case("sio-c-l-2d.yaml"), "--set", "resolved.seed=1.5"]);
        Assert.Equal(2, code);
        Assert.Contains("resolved.seed", stderr);
        Assert.Contains("integer", stderr);
        Assert.DoesNotContain("Int64", stderr);
    }
}

