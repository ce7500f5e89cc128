using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Salt conservation in the electrolyte (concentrated solution, constant t+):
/// <c>ε ∂c_e/∂t = ∂/∂x (D_e,eff ∂c_e/∂x) + (1 − t+) a j / F</c>, in residual form
/// <c>ε dc/dt + (N_{i+½} − N_{i−½})/Δx_i − (1 − t+) a j / F = 0</c> with the diffusive molar flux
/// <c>N = −D_e,eff ∂c_e/∂x</c> [mol/(m²·s)]. At a lithium foil (x = 0) <c>N = (1 − t+) I / F</c>;
/// at current collectors N = 0.
/// </summary>
public sealed class ElectrolyteMassBalance(P2DContext context) : IModelEquation
{
    private int[] _self = [], _left = [], _right = [], _reaction = [];
    private int _foilCurrent = -1;

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var L = context.Layout;
        int n = context.Mesh.CellCount;
        for (int i = 0; i < n; i++)
        {
            int row = L.ElectrolyteConcentration(i);
            pattern.Add(row, row);
            if (i > 0) pattern.Add(row, L.ElectrolyteConcentration(i - 1));
            if (i < n - 1) pattern.Add(row, L.ElectrolyteConcentration(i + 1));
            if (L.IsElectrode(i)) pattern.Add(row, L.InterfacialCurrent(i));
        }
        if (context.Cell.IsHalfCell) pattern.Add(L.ElectrolyteConcentration(0), L.Current);
    }

    public void Bind(SparsityPattern pattern)
    {
        var L = context.Layout;
        int n = context.Mesh.CellCount;
        _self = new int[n]; _left = new int[n]; _right = new int[n]; _reaction = new int[n];
        for (int i = 0; i < n; i++)
        {
            int row = L.ElectrolyteConcentration(i);
            _self[i] = pattern.SlotOf(row, row);
            _left[i] = i > 0 ? pattern.SlotOf(row, L.ElectrolyteConcentration(i - 1)) : -1;
            _right[i] = i < n - 1 ? pattern.SlotOf(row, L.ElectrolyteConcentration(i + 1)) : -1;
            _reaction[i] = L.IsElectrode(i) ? pattern.SlotOf(row, L.InterfacialCurrent(i)) : -1;
        }
        if (context.Cell.IsHalfCell) _foilCurrent = pattern.SlotOf(L.ElectrolyteConcentration(0), L.Current);
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        var mesh = context.Mesh;
        int n = mesh.CellCount;
        bool withJacobian = !jacobian.IsEmpty;
        double oneMinusT = 1 - context.TransferenceNumber;
        var d = mesh.Widths;
        var k = context.EffectiveDiffusivity;
        var dk = context.EffectiveDiffusivitySlope;

        for (int i = 0; i < n - 1; i++)
        {
            double cL = y[L.ElectrolyteConcentration(i)], cR = y[L.ElectrolyteConcentration(i + 1)];
            double t = FaceTransmissibility.Compute(context.FaceAverage, d[i], k[i], d[i + 1], k[i + 1], out double dtL, out double dtR);
            double delta = cR - cL;
            double flux = -t * delta;
            residual[L.ElectrolyteConcentration(i)] += flux / d[i];
            residual[L.ElectrolyteConcentration(i + 1)] -= flux / d[i + 1];
            if (withJacobian)
            {
                double dFdL = t - delta * dtL * dk[i];
                double dFdR = -t - delta * dtR * dk[i + 1];
                jacobian[_self[i]] += dFdL / d[i];
                jacobian[_right[i]] += dFdR / d[i];
                jacobian[_left[i + 1]] -= dFdL / d[i + 1];
                jacobian[_self[i + 1]] -= dFdR / d[i + 1];
            }
        }

        if (context.Cell.IsHalfCell)
        {
            double current = y[L.Current];
            residual[L.ElectrolyteConcentration(0)] -= oneMinusT * current / PhysicalConstants.Faraday / d[0];
            if (withJacobian) jacobian[_foilCurrent] -= oneMinusT / PhysicalConstants.Faraday / d[0];
        }

        for (int i = 0; i < n; i++)
        {
            double a = context.SpecificArea[i];
            if (a == 0) continue;
            double coefficient = oneMinusT * a / PhysicalConstants.Faraday;
            residual[L.ElectrolyteConcentration(i)] -= coefficient * y[L.InterfacialCurrent(i)];
            if (withJacobian) jacobian[_reaction[i]] -= coefficient;
        }
    }
}
