using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>How the cell is driven during a protocol step.</summary>
public enum ControlMode
{
    /// <summary>I = set value [A/m²].</summary>
    Current,
    /// <summary>V = set value [V]; I is whatever it takes.</summary>
    Voltage,
    /// <summary>I = 0.</summary>
    Rest,
    /// <summary>
    /// A small-signal impedance spectrum at the state the step starts from (galvanostatic: the applied current is
    /// perturbed around I = 0); no time passes.
    /// </summary>
    Impedance,
}

/// <summary>
/// What a control row holds to: the mode, the set current or voltage and, for a linear voltage sweep, its rate from a
/// start time; the model sets <see cref="Time"/> before each evaluation. Shared by the P2D and the 2-D control rows.
/// </summary>
public abstract class SetPoint : ElectrodeSim.Model.IOperatingControl
{
    public ControlMode Mode { get; set; } = ControlMode.Rest;
    /// <summary>Set current [A/m²] or set voltage [V] at <see cref="RampStart"/>.</summary>
    public double SetValue { get; set; }
    /// <summary>Rate of the set voltage [V/s] (a linear sweep); 0 holds it.</summary>
    public double Ramp { get; set; }
    /// <summary>Time at which the set voltage is <see cref="SetValue"/> [s].</summary>
    public double RampStart { get; set; }
    /// <summary>Time of the evaluation [s] (set by the model before each evaluation).</summary>
    public double Time { get; set; }
    /// <summary>The set voltage at <see cref="Time"/> [V].</summary>
    public double SetVoltage => Ramp == 0 ? SetValue : SetValue + Ramp * (Time - RampStart);
}

/// <summary>
/// The two global unknowns: the applied current density I [A/m²] (positive in +x: lithiation
/// of a half cell's working electrode, discharge of a full cell), fixed by the control row
/// (I − I_set, V − V_set or I), and the charge passed Q [C/m²] with <c>dQ/dt − I = 0</c>.
/// </summary>
public sealed class OperatingControl(P2DContext context) : SetPoint, IModelEquation
{
    private int _currentSelf, _currentPotential, _chargeCurrent;

    /// <summary>
    /// In current mode, the set current as a function of time [A/m²] instead of <see cref="SetValue"/> (a sinusoid for a
    /// time-domain impedance check); null: constant.
    /// </summary>
    public Func<double, double>? CurrentWaveform { get; set; }

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var L = context.Layout;
        pattern.Add(L.Current, L.Current);
        pattern.Add(L.Current, context.CollectorPotential);
        pattern.Add(L.Charge, L.Current);
        pattern.Add(L.Charge, L.Charge);
    }

    public void Bind(SparsityPattern pattern)
    {
        var L = context.Layout;
        _currentSelf = pattern.SlotOf(L.Current, L.Current);
        _currentPotential = pattern.SlotOf(L.Current, context.CollectorPotential);
        _chargeCurrent = pattern.SlotOf(L.Charge, L.Current);
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        bool withJacobian = !jacobian.IsEmpty;
        switch (Mode)
        {
            case ControlMode.Current:
                residual[L.Current] += y[L.Current] - (CurrentWaveform is null ? SetValue : CurrentWaveform(Time));
                if (withJacobian) jacobian[_currentSelf] += 1.0;
                break;
            case ControlMode.Rest:
            case ControlMode.Impedance:
                residual[L.Current] += y[L.Current];
                if (withJacobian) jacobian[_currentSelf] += 1.0;
                break;
            case ControlMode.Voltage:
                double v = SolidChargeBalance.Voltage(context, y, out double dVdPhi, out double dVdI);
                residual[L.Current] += v - SetVoltage;
                if (withJacobian)
                {
                    jacobian[_currentPotential] += dVdPhi;
                    jacobian[_currentSelf] += dVdI;
                }
                break;
        }
        residual[L.Charge] -= y[L.Current];
        if (withJacobian) jacobian[_chargeCurrent] -= 1.0;
    }
}
