using ElectrodeSim.Cases;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Runs;

public class ProtocolRepeatTests
{
    private static SimulationSetup Load(string protocol) =>
        CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l.yaml"), [new CaseOverride("protocol", protocol)]));

    private static CaseValidationException Invalid(string protocol) => Assert.Throws<CaseValidationException>(() => Load(protocol));

    private const string Pulses = "steps: [{label: pulse, mode: current, c_rate: 0.5, max_duration_s: 60}, {label: rest, mode: rest, max_duration_s: 600}]";

    [Fact]
    public void A_repeat_group_is_written_out_with_numbered_labels_and_the_group_stop_on_every_step()
    {
        var setup = Load($"[{{label: rest, mode: rest, max_duration_s: 60}}, {{label: GITT, repeat: 3, stop: {{voltage_below_V: 0.01}}, {Pulses}}}, {{label: end, mode: rest, max_duration_s: 10}}]");
        var steps = setup.Protocol.Steps;
        Assert.Equal(["rest", "GITT: pulse #1", "GITT: rest #1", "GITT: pulse #2", "GITT: rest #2", "GITT: pulse #3", "GITT: rest #3", "end"], steps.Select(s => s.Label).ToArray());
        Assert.All(steps.Skip(1).Take(6), s => Assert.Equal(7, s.GroupEnd));
        Assert.All(steps.Skip(1).Take(6), s => Assert.Equal(new StopCondition(StopQuantity.Voltage, true, 0.01), s.Stops[s.GroupStopsFrom]));
        Assert.Equal(-1, steps[7].GroupEnd);
    }

    [Fact]
    public void A_group_stop_ends_the_whole_group_and_the_run_goes_on_after_it()
    {
        // 60-s pulses at 2C reach 0.01 V within a few repetitions of 50: the rest of the train is skipped, the last step runs.
        var setup = Load("[{label: GITT, repeat: 50, stop: {voltage_below_V: 0.01}, steps: [{label: pulse, mode: current, c_rate: 2, max_duration_s: 60}, " +
                         "{label: rest, mode: rest, max_duration_s: 60}]}, {label: after, mode: rest, max_duration_s: 30}]");
        var result = Simulator.Run(setup);
        var outcomes = result.Solution.Steps;
        Assert.Equal(StepEnd.StopCondition, outcomes[^2].End);
        Assert.StartsWith("GITT: pulse #", outcomes[^2].Label);
        Assert.Equal("after", outcomes[^1].Label);
        Assert.Equal(100, outcomes[^1].Index);
        Assert.InRange(outcomes.Count, 3, 60);
        Assert.Equal(30, outcomes[^1].Duration, 9);
    }

    [Theory]
    [InlineData("[{repeat: 2}]", "protocol[0].steps")]
    [InlineData("[{steps: [{mode: rest, max_duration_s: 1}]}]", "protocol[0].repeat")]
    [InlineData("[{repeat: 0, steps: [{mode: rest, max_duration_s: 1}]}]", "protocol[0].repeat")]
    [InlineData("[{repeat: 2, mode: rest, steps: [{mode: rest, max_duration_s: 1}]}]", "protocol[0].mode")]
    [InlineData("[{repeat: 2, steps: [{repeat: 2, steps: [{mode: rest, max_duration_s: 1}]}]}]", "protocol[0].steps[0].repeat")]
    [InlineData("[{repeat: 2, steps: [{mode: rest}]}]", "protocol[0].steps[0]")]
    [InlineData("[{repeat: 2, steps: [{mode: current, max_duration_s: 1}]}]", "protocol[0].steps[0]")]
    [InlineData("[{repeat: 60000, steps: [{mode: rest, max_duration_s: 1}, {mode: rest, max_duration_s: 1}]}]", "protocol")]
    public void A_malformed_repeat_group_is_named_by_its_key_path(string protocol, string path)
    {
        var e = Invalid(protocol);
        Assert.Contains(e.Errors, error => error.Path == path);
    }
}
