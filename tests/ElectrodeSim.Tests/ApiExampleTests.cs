using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests;

/// <summary>The library API as the README shows it, and its example program tools/ElectrodeSim.Example.</summary>
public partial class ApiExampleTests
{
    [Fact]
    public void A_case_loaded_with_a_changed_key_runs_with_that_value_and_records_the_changed_text()
    {
        string path = Repository.Case("sio-c-l.yaml");
        var baseline = Simulator.LoadCase(path);
        var changed = Simulator.LoadCase(path, new Dictionary<string, double> { ["electrode.solid_diffusivity_m2_s"] = 4.12e-14 });
        Assert.Equal(4.12e-14, changed.Cell.WorkingElectrode.SolidDiffusivity, 1e-20);
        Assert.Contains("solid_diffusivity_m2_s: 4.12E-14", changed.CaseText);
        Assert.Equal(baseline.Cell.WorkingElectrode.Thickness, changed.Cell.WorkingElectrode.Thickness);
        var unknown = Assert.Throws<ElectrodeSim.Cases.CaseValidationException>(() => Simulator.LoadCase(path, new Dictionary<string, double> { ["electrode.no_such_key"] = 1 }));
        Assert.Contains(unknown.Errors, e => e.Path == "electrode.no_such_key");
        Assert.Throws<ElectrodeSim.Cases.CaseValidationException>(() => Simulator.LoadCase(path, new Dictionary<string, double> { ["electrode.thickness_um"] = -3 }));
    }

    [GeneratedRegex(@"^(?<name>.+): capacity (?<capacity>[0-9.]+) mAh/g, (?<records>\d+) records", RegexOptions.Multiline)]
    private static partial Regex CapacityLine();

    [Fact]
    public void The_example_program_prints_the_capacity_of_the_case_and_of_the_case_with_a_tenth_of_the_solid_diffusivity()
    {
        // Built by this project's reference to it, in the same configuration.
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(Repository.Root, "tools", "ElectrodeSim.Example", "bin", framework.Parent!.Name, framework.Name, "ElectrodeSim.Example.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(Repository.Case("sio-c-l.yaml"));
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the example did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"the example exited {process.ExitCode}: {stderr}");

        var lines = CapacityLine().Matches(stdout.Result);
        Assert.Equal(2, lines.Count);
        var direct = Simulator.Run(Repository.LoadCase("sio-c-l.yaml"));
        double printed = double.Parse(lines[0].Groups["capacity"].Value, CultureInfo.InvariantCulture);
        Assert.Equal(direct.Summary.Capacity, printed, 0.006);
        Assert.Equal(direct.Solution.Time.Count.ToString(CultureInfo.InvariantCulture), lines[0].Groups["records"].Value);
        Assert.StartsWith("SiO@C-l (D_s 4.12E-14", lines[1].Groups["name"].Value);
        // Slower solid diffusion fills the particle surfaces sooner: the cut-off comes at a lower capacity.
        Assert.True(double.Parse(lines[1].Groups["capacity"].Value, CultureInfo.InvariantCulture) < printed - 1);
    }
}
