using ElectrodeSim.Cases;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Experiments;

/// <summary>mode: voltage_sweep (cyclic voltammetry) and mode: impedance in case files.</summary>
public class VoltageSweepTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static SimulationSetup Load(string protocol, params CaseOverride[] more) =>
        CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l.yaml"), [new CaseOverride("protocol", protocol), .. more]));

    private static CaseValidationException Invalid(string protocol) => Assert.Throws<CaseValidationException>(() => Load(protocol));

    [Fact]
    public void A_sweep_is_written_out_as_one_ramp_per_segment_with_durations_from_the_scan_rate()
    {
        var steps = Load("[{label: CV, mode: voltage_sweep, scan_rate_mV_s: 2, start_V: 0.5, vertices_V: [0.3], cycles: 2}]").Protocol.Steps;
        Assert.Equal(4, steps.Count);
        Assert.Equal("CV: sweep cycle 1 segment 1 (0.5 -> 0.3 V)", steps[0].Label);
        Assert.Equal("CV: sweep cycle 2 segment 2 (0.3 -> 0.5 V)", steps[3].Label);
        Assert.All(steps, s => Assert.Equal(ControlMode.Voltage, s.Mode));
        Assert.Equal([-0.002, 0.002, -0.002, 0.002], steps.Select(s => s.Ramp).ToArray());
        Assert.All(steps, s => Assert.Equal(100.0, s.MaxDuration, 9));
    }

    [Theory]
    [InlineData("[{mode: voltage_sweep, start_V: 0.5, vertices_V: [0.3]}]", "protocol[0].scan_rate_mV_s")]
    [InlineData("[{mode: voltage_sweep, scan_rate_mV_s: -1, start_V: 0.5, vertices_V: [0.3]}]", "protocol[0].scan_rate_mV_s")]
    [InlineData("[{mode: voltage_sweep, scan_rate_mV_s: 1, start_V: 0.5, vertices_V: [0.5]}]", "protocol[0].vertices_V[0]")]
    [InlineData("[{mode: voltage_sweep, scan_rate_mV_s: 1, start_V: 0.5, vertices_V: [0.3], max_duration_s: 5}]", "protocol[0].max_duration_s")]
    [InlineData("[{mode: impedance, frequency_min_Hz: 10, frequency_max_Hz: 1}]", "protocol[0].frequency_max_Hz")]
    [InlineData("[{mode: impedance, frequency_min_Hz: 0.1, frequency_max_Hz: 1e4, scan_rate_mV_s: 1}]", "protocol[0].scan_rate_mV_s")]
    [InlineData("[{repeat: 2, steps: [{mode: impedance, frequency_min_Hz: 0.1, frequency_max_Hz: 1e4}]}]", "protocol[0].steps[0].mode")]
    [InlineData("[{mode: current, c_rate: 1, max_duration_s: 5, vertices_V: [0.1]}]", "protocol[0].vertices_V")]
    public void Bad_sweep_and_impedance_keys_are_refused_by_key_path(string protocol, string path)
    {
        var e = Invalid(protocol);
        output.WriteLine(e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void The_cell_voltage_follows_the_sweep_and_the_current_reverses_at_the_vertex()
    {
        var probe = Load("[{mode: rest, max_duration_s: 1}]", new CaseOverride("electrode.initial_state_of_lithiation", "0.3"));
        double ocv = Math.Round(probe.Cell.WorkingElectrode.OpenCircuitPotential.Evaluate(0.3, out _), 4);
        string start = ocv.ToString(System.Globalization.CultureInfo.InvariantCulture), turn = (ocv - 0.1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var setup = Load($"[{{label: CV, mode: voltage_sweep, scan_rate_mV_s: 1, start_V: {start}, vertices_V: [{turn}]}}]",
            new CaseOverride("electrode.kinetics.double_layer_capacitance_F_m2", "0.2"), new CaseOverride("electrode.initial_state_of_lithiation", "0.3"));
        var result = Simulator.Run(setup);
        var s = result.Solution;
        double worst = 0;
        for (int k = 0; k < s.Time.Count; k++)
        {
            double t = s.Time[k];
            double expected = t <= 100 ? ocv - 1e-3 * t : ocv - 0.1 + 1e-3 * (t - 100);
            worst = Math.Max(worst, Math.Abs(s.Voltage[k] - expected));
        }
        output.WriteLine($"{s.Time.Count} records, largest |V - V_set| {worst:E2} V; steps: {string.Join("; ", s.Steps.Select(o => $"{o.Label} {o.StartTime:G4}-{o.EndTime:G4} s {o.Reason}"))}");
        Assert.True(worst < 1e-9, $"V strays {worst:E2} V from the sweep");
        Assert.Equal(2, s.Steps.Count);
        Assert.Equal(200.0, s.Steps[1].EndTime, 6);
        // Sweeping down lithiates (I > 0 at the end of the cathodic branch), sweeping up delithiates.
        int vertex = s.Time.FindLastIndex(t => t <= 99.0);
        Assert.True(s.CurrentDensity[vertex] > 0);
        Assert.True(s.CurrentDensity[^1] < 0);
    }
}
