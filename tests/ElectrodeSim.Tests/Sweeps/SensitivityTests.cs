using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Sweeps;

/// <summary>
/// <c>sensitivity</c>: on a half-cycle that ends on its time limit (600 s at 1 mA/cm², far above the cut-off) the
/// passed charge is i·t exactly, so per active mass (∝ thickness) the capacity's sensitivities are known in closed form:
/// −1 to the thickness, +1 to the current density; the final mean SOL is θ₀ + Q/Q_max, so its sensitivity to the
/// thickness is −(SOL − θ₀)/SOL.
/// </summary>
public class SensitivityTests
{
    private const double InitialStateOfLithiation = 0.005;   // sio-c-l.yaml

    private static string WriteTimedCase(string folder)
    {
        string text = CaseOverrides.Apply(File.ReadAllText(Repository.Case("sio-c-l.yaml")),
        [
            new("protocol[0].current_density_mA_cm2", "1"), new("protocol[0].max_duration_s", "600"),
            new("mesh.electrode_cells", "6"), new("mesh.separator_cells", "4"), new("mesh.particle_shells", "5"), new("output.fields", "false"),
        ], "sio-c-l.yaml");
        string path = Path.Combine(folder, "timed.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private static int Column(string metric) => SensitivityStudy.Metrics.ToList().IndexOf(metric);

    [Fact]
    public void Capacity_sensitivities_of_a_time_limited_half_cycle_are_minus_one_to_thickness_and_one_to_current_within_1e_9()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = WriteTimedCase(temp.Path);
        const double step = 0.01;
        var (definition, keys) = SensitivityStudy.Define(path, ["electrode.thickness_um", "protocol[0].current_density_mA_cm2"], step);
        Assert.Equal(16.7, keys[0].Value);
        Assert.Equal(1, keys[1].Value);
        var rows = new SweepRunner(SweepPlan.Build(definition), Path.Combine(temp.Path, "out"), 2).Run(null, CancellationToken.None);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal(SweepRow.Complete, r.Status));
        var s = SensitivityStudy.Evaluate(keys, rows, step);

        Assert.Equal(-1, s[0].Sensitivities[Column("capacity_mAh_g")], 1e-9);
        Assert.Equal(0, s[0].Sensitivities[Column("capacity_Ah_m2")], 1e-9);
        Assert.Equal(1, s[1].Sensitivities[Column("capacity_mAh_g")], 1e-9);
        Assert.Equal(1, s[1].Sensitivities[Column("capacity_Ah_m2")], 1e-9);

        double sol = rows[0].Metrics.FinalMeanStateOfLithiation;
        Assert.True(sol > 0.03 && sol < 0.2, $"final mean SOL {sol}: the case no longer ends on its time limit well inside the electrode's capacity");
        // SOL(L) = θ₀ + a/L: the derivative −(SOL − θ₀)/SOL to O(h²), and the central difference of the closed form exactly.
        double a = sol - InitialStateOfLithiation;
        double exact = (Math.Log(InitialStateOfLithiation + a / (1 + step)) - Math.Log(InitialStateOfLithiation + a / (1 - step))) / (Math.Log(1 + step) - Math.Log(1 - step));
        Assert.Equal(exact, s[0].Sensitivities[Column("final_mean_sol")], 1e-8);
        Assert.Equal(-a / sol, s[0].Sensitivities[Column("final_mean_sol")], 1e-4);
    }

    [Fact]
    public void The_average_voltage_sensitivity_equals_the_central_difference_of_two_runs_made_without_the_sweep_runner()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = WriteTimedCase(temp.Path);
        const double step = 0.02;
        const string key = "electrode.solid_diffusivity_m2_s";
        var (definition, keys) = SensitivityStudy.Define(path, [key], step);
        var rows = new SweepRunner(SweepPlan.Build(definition), Path.Combine(temp.Path, "out"), 2).Run(null, CancellationToken.None);
        var s = SensitivityStudy.Evaluate(keys, rows, step)[0];

        double VoltageAt(double value) => Simulator.Run(CaseBuilder.Build(CaseOverrides.Load(path, [new(key, value.ToString("R", CultureInfo.InvariantCulture))]))).Summary.AverageVoltage;
        double p = 4.12e-13;
        double expected = (Math.Log(VoltageAt(p * (1 + step))) - Math.Log(VoltageAt(p * (1 - step)))) / (Math.Log(1 + step) - Math.Log(1 - step));
        Assert.True(Math.Abs(expected) > 1e-7, $"the independent sensitivity {expected} is too small to tell a wrong one from it");
        Assert.Equal(expected, s.Sensitivities[Column("average_voltage_V")], 1e-9);
    }

    [Fact]
    public void Sensitivity_with_a_bad_key_exits_2_naming_each_key_path_and_runs_nothing()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = WriteTimedCase(temp.Path), output = Path.Combine(temp.Path, "out");
        var (code, _, stderr) = Support.Cli.Run("sensitivity", path, "--keys", "electrode.thicknes_um,mesh.electrode_cells,electrode.kinetics.film_resistance_ohm_m2", "--out", output);
        Assert.Equal(2, code);
        Assert.Contains("electrode.thicknes_um: 'thicknes_um' is not a key of electrode (did you mean thickness_um?)", stderr);
        Assert.Contains("mesh.electrode_cells: an integer is not a real-valued key", stderr);
        Assert.Contains("electrode.kinetics.film_resistance_ohm_m2: 0 is not non-zero and finite", stderr);
        Assert.False(Directory.Exists(output));

        (code, _, stderr) = Support.Cli.Run("sensitivity", path, "--keys", "electrode.porosity", "--step", "0%", "--out", output);
        Assert.Equal(2, code);
        Assert.Contains("--step: 0% is not a relative step in (0, 50%]", stderr);
    }

    [Fact]
    public void Sensitivity_prints_the_table_and_writes_it_as_csv_and_markdown_with_a_tornado_figure()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = WriteTimedCase(temp.Path), output = Path.Combine(temp.Path, "out");
        var (code, stdout, stderr) = Support.Cli.Run("sensitivity", path, "--keys", "electrode.thickness_um", "--step", "1%", "-j", "2", "--out", output);
        Assert.True(code == 0, stdout + stderr);
        Assert.Matches(@"electrode\.thickness_um\s+16\.7\s+-1\.0000\s", stdout);
        var csv = File.ReadAllLines(Path.Combine(output, "sensitivity.csv"));
        Assert.Equal("key,value,step,value_up,value_down,S_capacity_mAh_g,S_capacity_Ah_m2,S_average_voltage_V,S_energy_mWh_g,S_final_mean_sol,status", csv[0]);
        Assert.Equal(2, csv.Length);
        Assert.StartsWith("electrode.thickness_um,16.7,0.01,", csv[1]);
        Assert.Contains("| electrode.thickness_um | 16.7 |", File.ReadAllText(Path.Combine(output, "sensitivity.md")));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(output, "summary.csv")).Length);
        var png = File.ReadAllBytes(Path.Combine(output, "sensitivity.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }
}
