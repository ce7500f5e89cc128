using ElectrodeSim.Materials;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// The OCP hysteresis state h [1] of the particle in each x cell of an electrode with hysteresis
/// (<see cref="OcpHysteresis"/>): the differential row <c>dh/dt − γ 3 (j − |j| h) / (F R_p c_s,max) = 0</c> (mass 1),
/// driven by the faradaic interfacial current j of the cell. h enters the Butler–Volmer row through
/// U(θ_surf, h) (<see cref="ButlerVolmerKinetics"/>). No algebraic unknown is added, so the DAE keeps its index; an
/// electrode without hysteresis has no h and the equation is left out of the model, so its runs are the same arithmetic
/// as before, bit for bit.
/// </summary>
public sealed class OcpHysteresisState(P2DContext context) : IModelEquation
{
    private int[] _cells = [];
    private int[] _self = [], _current = [];

    /// <summary>Whether any electrode has OCP hysteresis (the equation is left out otherwise).</summary>
    public static bool IsPresent(P2DContext context) => context.Cell.Electrodes.Any(e => e.HasHysteresis);

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var L = context.Layout;
        _cells = Enumerable.Range(0, context.Graph.CellCount).Where(L.HasHysteresis).ToArray();
        foreach (int i in _cells)
        {
            int h = L.HysteresisState(i);
            pattern.Add(h, h);
            pattern.Add(h, context.Maps.InterfacialCurrent[i]);
        }
    }

    public void Bind(SparsityPattern pattern)
    {
        var L = context.Layout;
        _self = _cells.Select(i => pattern.SlotOf(L.HysteresisState(i), L.HysteresisState(i))).ToArray();
        _current = _cells.Select(i => pattern.SlotOf(L.HysteresisState(i), context.Maps.InterfacialCurrent[i])).ToArray();
    }

    /// <summary>The mass-matrix entry of each h row: 1.</summary>
    public void FillMass(Span<double> mass)
    {
        foreach (int i in _cells) mass[context.Layout.HysteresisState(i)] = 1.0;
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        bool withJacobian = !jacobian.IsEmpty;
        for (int k = 0; k < _cells.Length; k++)
        {
            int i = _cells[k];
            var electrode = context.Cell.Electrodes[L.ElectrodeOf(i)];
            int h = L.HysteresisState(i);
            double rate = electrode.Hysteresis!.StateRate(y[context.Maps.InterfacialCurrent[i]], y[h], electrode.ParticleRadius, electrode.MaxConcentration, out double dj, out double dh);
            residual[h] -= rate;
            if (!withJacobian) continue;
            jacobian[_self[k]] -= dh;
            jacobian[_current[k]] -= dj;
        }
    }
}
