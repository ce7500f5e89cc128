using ElectrodeSim.Analysis;
using ElectrodeSim.Materials;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Analysis;

public class GittAnalysisTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static IReadOnlyList<GittPulse> SimulatedTrain(Dictionary<string, double> changes, double pulseSeconds, double cRate, int pulses, out Func<double, double> modelDiffusivity)
    {
        var setup = Simulator.LoadCase(Repository.Case("sio-c-l.yaml"), changes);
        var electrode = setup.Cell.WorkingElectrode;
        double current = cRate * electrode.OneCCurrentDensity;
        var steps = new List<ProtocolStep> { new() { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 3600 } };
        for (int k = 0; k < pulses; k++)
        {
            steps.Add(new ProtocolStep { Label = $"pulse {k + 1}", Mode = ControlMode.Current, Value = current, MaxDuration = pulseSeconds, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] });
            steps.Add(new ProtocolStep { Label = $"rest {k + 1}", Mode = ControlMode.Rest, MaxDuration = 3600 });
        }
        var result = Simulator.Run(setup with { Protocol = new Protocol(steps) });
        var solution = result.Solution;
        double perCharge = 1.0 / (PhysicalConstants.Faraday * electrode.MaxConcentration * electrode.ActiveVolumeFraction * electrode.Thickness);
        var sol = solution.Charge.Select(q => electrode.InitialStateOfLithiation + q * perCharge).ToList();
        var spans = solution.Steps.Select(o => new StepSpan(o.Index, o.Label, o.Mode.ToString().ToLowerInvariant(), o.StartTime, o.EndTime)).ToList();
        double temperature = setup.Cell.Temperature;
        modelDiffusivity = theta => electrode.SolidDiffusivityAt(theta, temperature, out _);
        return GittAnalysis.Analyse(solution.Time, solution.Voltage, solution.CurrentDensity, solution.ProtocolStep, sol, spans, electrode.ParticleRadius);
    }

    private void Print(IReadOnlyList<GittPulse> pulses, Func<double, double> truth)
    {
        foreach (var p in pulses)
            output.WriteLine($"pulse {p.Pulse,3}: SOL {p.StateOfLithiation:F3}  D_WH/D_model {p.Diffusivity / truth(p.StateOfLithiation):F3}  slope form {p.SlopeDiffusivity / truth(p.StateOfLithiation):F3}  " +
                             $"tau D/R2 {p.DiffusionNumber:F3}  R2(sqrt t) {p.SquareRootTimeLinearity:F4}  curvature {p.EquilibriumCurvature:F3}  dEs {p.SteadyStateChange * 1e3:F2} mV  dEt {p.TransientChange * 1e3:F2} mV{(p.AssumptionsHold ? "" : "  assumptions fail")}");
    }

    [Fact]
    public void Weppner_Huggins_recovers_the_model_diffusivity_within_5_percent_on_a_straight_equilibrium_curve()
    {
        // A linear equilibrium curve (1 V per unit SOL) and D_s = 1e-15 m²/s: R²/D = 2250 s against 60-s pulses at C/2.
        var linear = new Dictionary<string, double>
        {
            ["electrode.solid_diffusivity_m2_s"] = 1e-15, ["electrode.ocp.parameters.step_height_V"] = 0, ["electrode.ocp.parameters.plateau_slope_V"] = 1.0,
        };
        var pulses = SimulatedTrain(linear, 60, 0.5, 60, out var truth);
        Print(pulses, truth);
        Assert.Equal(60, pulses.Count);
        Assert.All(pulses, p => Assert.True(p.AssumptionsHold, $"pulse {p.Pulse}"));
        Assert.All(pulses, p => Assert.InRange(p.Diffusivity / truth(p.StateOfLithiation), 0.95, 1.05));
    }

    [Fact]
    public void On_the_SiO_stand_in_curve_every_pulse_that_misses_the_model_diffusivity_by_2x_is_flagged()
    {
        var pulses = SimulatedTrain(new Dictionary<string, double> { ["electrode.solid_diffusivity_m2_s"] = 1e-15 }, 60, 0.5, 60, out var truth);
        Print(pulses, truth);
        Assert.True(pulses.Count >= 50, $"{pulses.Count} pulses");
        var missed = pulses.Where(p => p.Diffusivity / truth(p.StateOfLithiation) is < 0.5 or > 2.0).ToList();
        Assert.NotEmpty(missed);
        Assert.All(missed, p => Assert.False(p.AssumptionsHold, $"pulse {p.Pulse} at SOL {p.StateOfLithiation:F3} is {p.Diffusivity / truth(p.StateOfLithiation):F2}x off but passes the checks"));
    }
}

public class GittCommandTests
{
    [Fact]
    public void The_gitt_command_analyses_a_pulse_train_run_and_refuses_a_run_without_pulses()
    {
        string dir = Path.Combine(Path.GetTempPath(), "gitt-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            string train = "protocol=[{label: rest, mode: rest, max_duration_s: 600}, {label: GITT, repeat: 4, stop: {voltage_below_V: 0.01}, " +
                           "steps: [{label: pulse, mode: current, c_rate: 0.5, max_duration_s: 60}, {label: rest, mode: rest, max_duration_s: 3600}]}]";
            var run = Support.Cli.Run("run", Repository.Case("sio-c-l.yaml"), "--out", dir, "--set", train, "--set", "electrode.solid_diffusivity_m2_s=1e-15");
            Assert.True(run.Code == 0, run.Stderr);
            Assert.Contains("GITT: pulse #4", run.Stdout);
            var gitt = Support.Cli.Run("gitt", Path.Combine(dir, "sio-c-l.h5"));
            Assert.True(gitt.Code == 0, gitt.Stderr);
            Assert.Contains("4 pulses", gitt.Stdout);
            var rows = File.ReadAllLines(Path.Combine(dir, "sio-c-l.gitt.csv"));
            Assert.Equal(5, rows.Length);
            Assert.True(File.Exists(Path.Combine(dir, "sio-c-l.gitt.png")));

            var plain = Support.Cli.Run("run", Repository.Case("sio-c-l.yaml"), "--out", Path.Combine(dir, "plain"));
            Assert.Equal(0, plain.Code);
            var refused = Support.Cli.Run("gitt", Path.Combine(dir, "plain", "sio-c-l.h5"));
            Assert.Equal(2, refused.Code);
            Assert.Contains("no GITT pulse found", refused.Stderr);
            Assert.Equal(2, Support.Cli.Run("gitt", Path.Combine(dir, "sio-c-l.h5"), "--radius-um", "-1").Code);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }
}
