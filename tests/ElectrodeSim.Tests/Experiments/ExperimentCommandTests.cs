using System.Globalization;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Experiments;

/// <summary>The cv and eis commands on simulated results.</summary>
public class ExperimentCommandTests
{
    [Fact]
    public void The_eis_command_recovers_R_ct_and_an_activation_energy_over_three_temperatures_and_refuses_a_result_without_a_spectrum()
    {
        using var dir = new Repository.TemporaryDirectory();
        var files = new List<string>();
        foreach (double t in new[] { 288.15, 298.15, 308.15 })
        {
            string outDir = Path.Combine(dir.Path, t.ToString(CultureInfo.InvariantCulture));
            var run = Support.Cli.Run("run", Repository.Case("sio-c-h.yaml"), "--out", outDir,
                "--set", "protocol=[{label: EIS, mode: impedance, frequency_min_Hz: 0.01, frequency_max_Hz: 1e6, points_per_decade: 8}]",
                "--set", "electrode.kinetics.double_layer_capacitance_F_m2=0.2", "--set", $"cell.temperature_K={t.ToString(CultureInfo.InvariantCulture)}");
            Assert.True(run.Code == 0, run.Stderr);
            files.Add(Path.Combine(outDir, "sio-c-h.h5"));
        }
        var eis = Support.Cli.Run(["eis", .. files, "--out", dir.Path]);
        Assert.True(eis.Code == 0, eis.Stderr);
        Assert.Contains("SiO@C-h: circle chord: Ea from ln(1/R_ct)", eis.Stdout);
        Assert.Contains("SiO@C-h: less the case's film resistance", eis.Stdout);
        foreach (var name in new[] { "eis.csv", "eis.md", "eis.nyquist.png", "eis.bode.png", "eis.arrhenius.png" })
            Assert.True(File.Exists(Path.Combine(dir.Path, name)), name);
        // With --drt, the distribution of relaxation times of each spectrum too; a λ <= 0 is refused.
        var drt = Support.Cli.Run(["eis", .. files, "--out", dir.Path, "--drt"]);
        Assert.True(drt.Code == 0, drt.Stderr);
        Assert.Contains("DRT (λ = 0.0001) peaks at τ", drt.Stdout);
        Assert.True(File.Exists(Path.Combine(dir.Path, "eis.drt.csv")));
        Assert.Equal(2, Support.Cli.Run("eis", files[0], "--drt", "--drt-lambda", "-1").Code);
        var refused = Support.Cli.Run("cv", files[0]);
        Assert.Equal(2, refused.Code);
        Assert.Contains("has no voltage_sweep step", refused.Stderr);
    }

    [Fact]
    public void The_cv_command_fits_b_over_two_scan_rates_and_refuses_a_result_without_a_spectrum_for_eis()
    {
        using var dir = new Repository.TemporaryDirectory();
        var files = new List<string>();
        foreach (string rate in new[] { "0.5", "1" })
        {
            string outDir = Path.Combine(dir.Path, rate);
            var run = Support.Cli.Run("run", Repository.Case("sio-c-l.yaml"), "--out", outDir,
                "--set", $"protocol=[{{label: CV, mode: voltage_sweep, scan_rate_mV_s: {rate}, start_V: 0.3498, vertices_V: [0.3]}}]",
                "--set", "electrode.kinetics.double_layer_capacitance_F_m2=0.2");
            Assert.True(run.Code == 0, run.Stderr);
            files.Add(Path.Combine(outDir, "sio-c-l.h5"));
        }
        var cv = Support.Cli.Run(["cv", .. files, "--out", dir.Path]);
        Assert.True(cv.Code == 0, cv.Stderr);
        Assert.Contains("b-value of the lithiation peak", cv.Stdout);
        Assert.True(File.Exists(Path.Combine(dir.Path, "cv.power_law.png")));
        var lines = File.ReadAllLines(Path.Combine(dir.Path, "cv.csv"));
        Assert.Equal(3, lines.Length);
        var refused = Support.Cli.Run("eis", files[0]);
        Assert.Equal(2, refused.Code);
    }
    [Fact]
    public void The_SiO_C_l_cv_case_read_at_its_second_cycle_has_interior_delithiation_peaks()
    {
        // cases/experiments/cv-scan-rates.yaml at two of its scan rates: the hysteresis electrode, 1.0 -> 0.01 -> 1.0 V twice.
        using var dir = new Repository.TemporaryDirectory();
        var files = new List<string>();
        foreach (string rate in new[] { "0.5", "1" })
        {
            string outDir = Path.Combine(dir.Path, rate);
            var run = Support.Cli.Run("run", Repository.Case(Path.Combine("experiments", "sio-c-l-cycle.yaml")), "--out", outDir,
                "--set", $"protocol=[{{label: CV, mode: voltage_sweep, scan_rate_mV_s: {rate}, start_V: 1.0, vertices_V: [0.01], cycles: 2}}]",
                "--set", "electrode.kinetics.double_layer_capacitance_F_m2=0.2");
            Assert.True(run.Code == 0, run.Stderr);
            files.Add(Path.Combine(outDir, "sio-c-l-cycle.h5"));
        }
        var cv = Support.Cli.Run(["cv", .. files, "--cycle", "2", "--out", dir.Path]);
        Assert.True(cv.Code == 0, cv.Stderr);
        Assert.Contains("b-value of the delithiation peak", cv.Stdout);
        var rows = File.ReadAllLines(Path.Combine(dir.Path, "cv.csv"));
        var header = rows[0].Split(',').ToList();
        int atVertex = header.IndexOf("delithiation_peak_at_vertex"), potential = header.IndexOf("delithiation_peak_V");
        Assert.All(rows.Skip(1), r => Assert.Equal("no", r.Split(',')[atVertex]));
        // The anodic peak sits on silicon's delithiation plateau (0.36-0.40 V at rest), moved up by the polarisation: 0.56 and 0.61 V measured.
        Assert.All(rows.Skip(1), r => Assert.InRange(double.Parse(r.Split(',')[potential], System.Globalization.CultureInfo.InvariantCulture), 0.4, 0.7));
        Assert.Equal(2, Support.Cli.Run(["cv", .. files, "--cycle", "3"]).Code);
    }
}
