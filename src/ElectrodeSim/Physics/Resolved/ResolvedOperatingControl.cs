using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics.Resolved;

/// <summary>
/// The control row of the 2-D model (I − I_set, φ_cc − V_set or I) and the charge passed, <c>dQ/dt − I = 0</c>
/// [C/m² of cross-section]; the same modes as <see cref="OperatingControl"/>. The voltage is φ_cc − φ_Li with φ_Li = 0.
/// </summary>
public sealed class ResolvedOperatingControl(ResolvedContext context) : SetPoint, IModelEquation
{
    private int _currentSelf, _currentPotential, _chargeCurrent;


    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        pattern.Add(context.Current, context.Current);
        pattern.Add(context.Current, context.CollectorPotential);
        pattern.Add(context.Charge, context.Current);
        pattern.Add(context.Charge, context.Charge);
    }

    public void Bind(SparsityPattern pattern)
    {
        _currentSelf = pattern.SlotOf(context.Current, context.Current);
        _currentPotential = pattern.SlotOf(context.Current, context.CollectorPotential);
        _chargeCurrent = pattern.SlotOf(context.Charge, context.Current);
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        bool withJacobian = !jacobian.IsEmpty;
        int i = context.Current;
        switch (Mode)
        {
            case ControlMode.Current:
                residual[i] += y[i] - SetValue;
                if (withJacobian) jacobian[_currentSelf] += 1.0;
                break;
            case ControlMode.Rest:
                residual[i] += y[i];
                if (withJacobian) jacobian[_currentSelf] += 1.0;
                break;
            case ControlMode.Voltage:
                residual[i] += y[context.CollectorPotential] - SetVoltage;
                if (withJacobian) jacobian[_currentPotential] += 1.0;
                break;
        }
        residual[context.Charge] -= y[i];
        if (withJacobian) jacobian[_chargeCurrent] -= 1.0;
    }
}
