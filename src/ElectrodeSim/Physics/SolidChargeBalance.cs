using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Charge conservation in the electronically conducting solid of each electrode:
/// <c>∂i_s/∂x = −a j</c>, <c>i_s = −σ_eff ∂φ_s/∂x</c>, in residual form
/// <c>(i_{i+½} − i_{i−½})/Δx_i + a j = 0</c>. i_s = 0 on the separator side; i_s = I at a
/// current collector: imposed as a flux at the last face, and through the grounding
/// φ_s = 0 at the first face of a full cell's left electrode (the potential reference).
/// </summary>
public sealed class SolidChargeBalance(P2DContext context) : IModelEquation
{
    private int[] _self = [], _left = [], _right = [], _reaction = [];
    private int _collectorCurrent = -1;

    private bool SameElectrode(int i, int j) =>
        j >= 0 && j < context.Mesh.CellCount && context.Layout.IsElectrode(j) && context.Layout.ElectrodeOf(j) == context.Layout.ElectrodeOf(i);

    private double Conductivity(int i) => context.Cell.Electrodes[context.Layout.ElectrodeOf(i)].EffectiveConductivity;

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var L = context.Layout;
        int n = context.Mesh.CellCount;
        for (int i = 0; i < n; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int row = L.SolidPotential(i);
            pattern.Add(row, row);
            pattern.Add(row, L.InterfacialCurrent(i));
            if (SameElectrode(i, i - 1)) pattern.Add(row, L.SolidPotential(i - 1));
            if (SameElectrode(i, i + 1)) pattern.Add(row, L.SolidPotential(i + 1));
        }
        pattern.Add(L.SolidPotential(n - 1), L.Current);
    }

    public void Bind(SparsityPattern pattern)
    {
        var L = context.Layout;
        int n = context.Mesh.CellCount;
        _self = new int[n]; _left = new int[n]; _right = new int[n]; _reaction = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int row = L.SolidPotential(i);
            _self[i] = pattern.SlotOf(row, row);
            _reaction[i] = pattern.SlotOf(row, L.InterfacialCurrent(i));
            _left[i] = SameElectrode(i, i - 1) ? pattern.SlotOf(row, L.SolidPotential(i - 1)) : -1;
            _right[i] = SameElectrode(i, i + 1) ? pattern.SlotOf(row, L.SolidPotential(i + 1)) : -1;
        }
        _collectorCurrent = pattern.SlotOf(L.SolidPotential(n - 1), L.Current);
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        var d = context.Mesh.Widths;
        int n = context.Mesh.CellCount;
        bool withJacobian = !jacobian.IsEmpty;
        for (int i = 0; i < n; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int row = L.SolidPotential(i);
            if (SameElectrode(i, i + 1))
            {
                double t = FaceTransmissibility.Compute(context.FaceAverage, d[i], Conductivity(i), d[i + 1], Conductivity(i + 1), out _, out _);
                double current = -t * (y[L.SolidPotential(i + 1)] - y[row]);
                residual[row] += current / d[i];
                residual[L.SolidPotential(i + 1)] -= current / d[i + 1];
                if (withJacobian)
                {
                    jacobian[_self[i]] += t / d[i];
                    jacobian[_right[i]] -= t / d[i];
                    jacobian[_left[i + 1]] -= t / d[i + 1];
                    jacobian[_self[i + 1]] += t / d[i + 1];
                }
            }
            double a = context.SpecificArea[i];
            residual[row] += a * y[L.InterfacialCurrent(i)];
            if (withJacobian) jacobian[_reaction[i]] += a;
        }

        // Right current collector: i_s = I leaves through the last face.
        residual[L.SolidPotential(n - 1)] += y[L.Current] / d[n - 1];
        if (withJacobian) jacobian[_collectorCurrent] += 1.0 / d[n - 1];

        // Grounded left collector of a full cell: face potential 0, face current from the half cell.
        if (!context.Cell.IsHalfCell)
        {
            double t = FaceTransmissibility.Boundary(d[0], Conductivity(0));
            double current = -t * y[L.SolidPotential(0)];
            residual[L.SolidPotential(0)] -= current / d[0];
            if (withJacobian) jacobian[_self[0]] += t / d[0];
        }
    }

    /// <summary>Cell voltage V = φ_s(right collector face) − 0 [V] and its derivatives in φ_s of the last cell and in I.</summary>
    public static double Voltage(P2DContext context, ReadOnlySpan<double> y, out double dVdPotential, out double dVdCurrent)
    {
        var L = context.Layout;
        int last = context.Mesh.CellCount - 1;
        double sigma = context.Cell.Electrodes[L.ElectrodeOf(last)].EffectiveConductivity;
        dVdPotential = 1.0;
        dVdCurrent = -0.5 * context.Mesh.Widths[last] / sigma;
        return y[L.SolidPotential(last)] + dVdCurrent * y[L.Current];
    }
}
