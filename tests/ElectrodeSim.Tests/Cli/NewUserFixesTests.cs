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
}
