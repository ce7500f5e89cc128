using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;

namespace ElectrodeSim.Simulation;

/// <summary>Why a protocol step ended.</summary>
public enum StepEnd
{
    /// <summary>The step ran for its maximum duration.</summary>
    Duration,
    /// <summary>One of its stop conditions (voltage or current limit) was reached inside the step.</summary>
    StopCondition,
    /// <summary>A stop condition already held when the step began; the step took no time.</summary>
    StopConditionAtStart,
    /// <summary>A physical limit was reached (a particle full or empty, the electrolyte depleted, the voltage outside the sane window).</summary>
    PhysicalLimit,
    /// <summary>The watched quantity settled without reaching the stop threshold (a stop the step can never reach).</summary>
    Unreachable,
}

/// <summary>
/// How a protocol step ended: its control mode, start and end time [s], why it ended, and the charge
/// passed in it [C/m², positive lithiating the working electrode of a half cell / discharging a full cell].
/// </summary>
public sealed record StepOutcome(int Index, string Label, ControlMode Mode, double StartTime, double EndTime, StepEnd End, string Reason, double Charge)
{
    /// <summary>[s]</summary>
    public double Duration => EndTime - StartTime;
}

/// <summary>Receives every recorded state of a run (the HDF5 writer is one).</summary>
public interface ISolutionObserver
{
    void Record(double time, ReadOnlySpan<double> state, int protocolStep);
}

/// <summary>
/// The time series of a run and the solver report. Fields are not kept here; observers write them.
/// Capacity is reported per mass of the working electrode's active material.
/// </summary>
public sealed class Solution
{
    public List<double> Time { get; } = new();
    public List<double> Voltage { get; } = new();
    public List<double> CurrentDensity { get; } = new();
    /// <summary>Charge passed since the start [C/m²].</summary>
    public List<double> Charge { get; } = new();
    public List<int> ProtocolStep { get; } = new();
    public List<StepOutcome> Steps { get; } = new();
    public required IntegratorStatistics Statistics { get; init; }
    public required double ActiveMassPerArea { get; init; }
    public double[] FinalState { get; internal set; } = [];
    public TimeSpan WallTime { get; internal set; }

    /// <summary>Specific capacity [mAh/g] of charge Q [C/m²]: Q / m / 3.6 C per mAh × 1000 mg/g… = Q / (3600 m).</summary>
    public double SpecificCapacity(double charge) => charge / (3600.0 * ActiveMassPerArea);

    /// <summary>Charge passed in the whole run [C/m²].</summary>
    public double TotalCharge => Charge.Count > 0 ? Charge[^1] - Charge[0] : 0.0;

    /// <summary>The state at the end of each protocol step (parallel to <see cref="Steps"/>).</summary>
    public List<double[]> StepEndStates { get; } = new();

    /// <summary>The spectra of the run's impedance steps, in protocol order.</summary>
    public List<ImpedanceSpectrum> Impedance { get; } = new();

    /// <summary>Charge-weighted average voltage ∫V dQ / ∫dQ over a protocol step [V] (trapezoid rule on the recorded points).</summary>
    public double AverageVoltage(int protocolStep) => AverageVoltage(protocolStep, protocolStep);

    /// <summary>Charge-weighted average voltage over protocol steps <paramref name="first"/> to <paramref name="last"/> [V].</summary>
    public double AverageVoltage(int first, int last)
    {
        double energy = 0, charge = 0;
        for (int k = 1; k < Time.Count; k++)
        {
            int step = ProtocolStep[k];
            if (step < first || step > last || ProtocolStep[k - 1] != step) continue;
            double dq = Charge[k] - Charge[k - 1];
            energy += 0.5 * (Voltage[k] + Voltage[k - 1]) * dq;
            charge += dq;
        }
        return charge != 0 ? energy / charge : double.NaN;
    }

    public double StepCharge(int protocolStep) => Steps.First(s => s.Index == protocolStep).Charge;
}
