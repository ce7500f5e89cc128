using ElectrodeSim.Physics;

namespace ElectrodeSim.Simulation;

/// <summary>What a stop condition watches.</summary>
public enum StopQuantity { Voltage, CurrentMagnitude }

/// <summary>Ends a protocol step when <see cref="Quantity"/> crosses <see cref="Threshold"/> (V or A/m²) from the given side.</summary>
public sealed record StopCondition(StopQuantity Quantity, bool WhenBelow, double Threshold)
{
    public override string ToString() =>
        $"{(Quantity == StopQuantity.Voltage ? "V" : "|I|")} {(WhenBelow ? "<=" : ">=")} {Threshold:G6} {(Quantity == StopQuantity.Voltage ? "V" : "A/m^2")}";
}

/// <summary>One step of a cycling protocol. <see cref="Value"/> is the current density [A/m²] or the voltage [V].</summary>
public sealed record ProtocolStep
{
    public required string Label { get; init; }
    public required ControlMode Mode { get; init; }
    public double Value { get; init; }
    /// <summary>
    /// The longest any step may run [s] (≈ 3.2 years): a step given no duration ends here at the latest, so every
    /// step has a finite end; case files accept durations up to this.
    /// </summary>
    public const double LongestDuration = 1e8;

    /// <summary>Longest duration of the step [s]; infinity means <see cref="LongestDuration"/>.</summary>
    public double MaxDuration { get; init; } = double.PositiveInfinity;
    public IReadOnlyList<StopCondition> Stops { get; init; } = [];
    /// <summary>
    /// A voltage step's set voltage rises at this rate [V/s] from <see cref="Value"/> at the step start: one straight
    /// segment of a linear sweep (<c>mode: voltage_sweep</c> is written out as one step per segment, so the integrator
    /// restarts at each vertex instead of stepping across the kink). 0: a hold.
    /// </summary>
    public double Ramp { get; init; }
    /// <summary>Frequencies [Hz] of a <see cref="ControlMode.Impedance"/> step, highest first.</summary>
    public IReadOnlyList<double> Frequencies { get; init; } = [];
    /// <summary>
    /// Stops from this index on are its repeat group's: when one of them ends the step, the run goes on at
    /// <see cref="GroupEnd"/>, past the group's remaining steps. Int32.MaxValue (default): none.
    /// </summary>
    public int GroupStopsFrom { get; init; } = int.MaxValue;
    /// <summary>Index of the first step after this step's repeat group; −1 when the step is in none.</summary>
    public int GroupEnd { get; init; } = -1;
}

/// <summary>The steps of a run, executed in order.</summary>
public sealed record Protocol(IReadOnlyList<ProtocolStep> Steps);

/// <summary>A run that could not go on, with the reason in the field's words (which step, what the state was, what it would need).</summary>
public sealed class SimulationFailedException(string message, Exception? inner = null) : Exception(message, inner);
