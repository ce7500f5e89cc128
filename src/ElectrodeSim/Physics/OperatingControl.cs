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
}

/// <summary>
/// The two global unknowns: the applied current density I [A/m²] (positive in +x: lithiation
/// of a half cell's working electrode, discharge of a full cell), fixed by the control row
/// (I − I_set, V − V_set or I), and the charge passed Q [C/m²] with <c>dQ/dt − I = 0</c>.
/// </summary>
public sealed class OperatingControl(P2DContext context) : IModelEquation, ElectrodeSim.Model.IOperatingControl
{
    private int _currentSelf, _currentPotential, _chargeCurrent;

    public ControlMode Mode { get; set; } = ControlMode.Rest;
    /// <summary>Set current [A/m²] or set voltage [V].</summary>
    public double SetValue { get; set; }

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
                residual[L.Current] += y[L.Current] - SetValue;
                if (withJacobian) jacobian[_currentSelf] += 1.0;
                break;
            case ControlMode.Rest:
                residual[L.Current] += y[L.Current];
                if (withJacobian) jacobian[_currentSelf] += 1.0;
                break;
            case ControlMode.Voltage:
                double v = SolidChargeBalance.Voltage(context, y, out double dVdPhi, out double dVdI);
                residual[L.Current] += v - SetValue;
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
