using System.Globalization;
using ElectrodeSim.Model;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;
using ElectrodeSim.Validation;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Measured;

/// <summary>
/// validation/lgm50-chen2020/lgm50-thermal-fitted.yaml (lumped thermal model, h calibrated to cell 785's temperature)
/// against the measured cell-mid temperatures: the calibrated 0.5C curve and the predicted 0.1C curve.
/// </summary>
public sealed class Lgm50ThermalTests(ITestOutputHelper output)
{
    private sealed class Recorder(P2DModel model) : ISolutionObserver
    {
        public List<(double Time, double Temperature)> Points { get; } = [];
        public void Record(double time, ReadOnlySpan<double> state, int protocolStep) => Points.Add((time, model.Temperature(state)));
    }

    /// <summary>Time [s] and cell-mid temperature [K] of a measured LG M50 file.</summary>
    private static (double[] Time, double[] Temperature) Measured(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.SharedReference, "lgm50_chen2020", file));
        var header = lines[0].Split(',');
        int t = Array.IndexOf(header, "time_s"), mid = Array.IndexOf(header, "T_cell_mid_degC");
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        return (rows.Select(r => double.Parse(r[t], CultureInfo.InvariantCulture)).ToArray(),
                rows.Select(r => double.Parse(r[mid], CultureInfo.InvariantCulture) + 273.15).ToArray());
    }

    [Theory]
    [InlineData("0.5", "Cell785_0p5C_25degC_discharge1.csv", 0.4, 3.0)]    // calibrated (h)
    [InlineData("0.1", "Cell781_0p1C_25degC_discharge1.csv", 0.5, 0.2)]    // predicted
    public void The_lumped_LG_M50_case_follows_the_measured_cell_temperature(string cRate, string file, double maxRmseK, double minRiseK)
    {
        var setup = MeasuredComparison.LoadCase(Repository.ValidationCase(Path.Combine("lgm50-chen2020", "lgm50-thermal-fitted.yaml")),
            new Dictionary<string, string> { ["protocol[0].c_rate"] = cRate });
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var recorder = new Recorder(model);
        new ProtocolRunner(model, setup.Solver) { Schedule = new OutputSchedule(30, null) }.Run(setup.Protocol, [recorder]);
        var (time, measured) = Measured(file);
        var simTime = recorder.Points.Select(p => p.Time).ToArray();
        var simT = recorder.Points.Select(p => p.Temperature).ToArray();
        var residuals = time.Select((x, k) => (x, k)).Where(p => p.x <= simTime[^1])
            .Select(p => MeasuredComparison.Interpolate(simTime, simT, p.x, hold: true) - measured[p.k]).ToArray();
        double rmse = Math.Sqrt(residuals.Average(r => r * r));
        double rise = simT.Max() - simT[0];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{cRate}C: temperature RMSE {rmse:F3} K over {residuals.Length} points; simulated rise {rise:F2} K, measured {measured.Max() - measured[0]:F2} K"));
        Assert.True(rmse < maxRmseK, $"temperature RMSE {rmse:F3} K");
        Assert.True(rise > minRiseK, $"the simulated cell warms by {rise:F2} K only");
    }
}
