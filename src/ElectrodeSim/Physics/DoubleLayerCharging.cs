using ElectrodeSim.Materials;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Charging of the electrochemical double layer at the particle surface (MODEL.md §2, optional): the interfacial
/// current is the faradaic j plus <c>i_dl = C_dl ∂(φ_s − φ_e)/∂t</c> [A/m² of particle surface], so the solid and
/// electrolyte charge balances carry <c>a (j + i_dl)</c> where they carried <c>a j</c>. Only j moves lithium into the
/// particle (<see cref="ParticleDiffusion"/> keeps the faradaic flux).
/// <para>
/// The integrator's mass matrix is diagonal, and <c>∂(φ_s − φ_e)/∂t</c> is a difference of two unknowns' rates, so
/// each cell of an electrode with a double layer gets two unknowns of its own: the double-layer potential ψ with the
/// differential row <c>C_dl dψ/dt − i_dl = 0</c>, and the double-layer current i_dl with the algebraic tie
/// <c>ψ − (φ_s − φ_e) = 0</c>. The tie fixes φ_s − φ_e from the differential state ψ, the two charge balances then
/// fix φ_s, φ_e and i_dl: the DAE stays index 1 (the algebraic block is regular), M stays diagonal, and an electrode
/// with C_dl = 0 has neither unknown, so its runs are the same arithmetic as before, bit for bit.
/// </para>
/// <para>
/// Salt: the electrolyte mass balance takes <c>(1 − t+) a (j + i_dl) / F</c>. With the faradaic part alone the binary
/// salt would not be conserved while the double layer charges (the foil's salt flux (1 − t+) I/F would meet only
/// (1 − t+) ∫a j/F); with the total it is, and the lithium balance reads F Δ(solid lithium) = Q + ∫ a C_dl Δψ dx.
/// </para>
/// </summary>
public sealed class DoubleLayerCharging(P2DContext context) : IModelEquation
{
    private int[] _cells = [];
    private double[] _capacitance = [];
    private int[] _psiCurrent = [], _tiePsi = [], _tieSolid = [], _tieElectrolyte = [], _solidCurrent = [], _electrolyteCurrent = [], _saltCurrent = [];

    /// <summary>Whether any electrode has a double layer (the equation is left out otherwise).</summary>
    public static bool IsPresent(P2DContext context) => context.Cell.Electrodes.Any(e => e.HasDoubleLayer);

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var L = context.Layout;
        var m = context.Maps;
        _cells = Enumerable.Range(0, context.Graph.CellCount).Where(L.HasDoubleLayer).ToArray();
        _capacitance = _cells.Select(i => context.Cell.Electrodes[L.ElectrodeOf(i)].DoubleLayerCapacitance).ToArray();
        foreach (int i in _cells)
        {
            int psi = L.DoubleLayerPotential(i), idl = L.DoubleLayerCurrent(i);
            pattern.Add(psi, idl);
            pattern.Add(idl, psi);
            pattern.Add(idl, m.SolidPotential[i]);
            pattern.Add(idl, m.ElectrolytePotential[i]);
            pattern.Add(m.SolidPotential[i], idl);
            pattern.Add(m.ElectrolytePotential[i], idl);
            pattern.Add(m.ElectrolyteConcentration[i], idl);
        }
    }

    public void Bind(SparsityPattern pattern)
    {
        var L = context.Layout;
        var m = context.Maps;
        int[] Slots(Func<int, (int Row, int Col)> entry) => _cells.Select(i => { var (r, c) = entry(i); return pattern.SlotOf(r, c); }).ToArray();
        _psiCurrent = Slots(i => (L.DoubleLayerPotential(i), L.DoubleLayerCurrent(i)));
        _tiePsi = Slots(i => (L.DoubleLayerCurrent(i), L.DoubleLayerPotential(i)));
        _tieSolid = Slots(i => (L.DoubleLayerCurrent(i), m.SolidPotential[i]));
        _tieElectrolyte = Slots(i => (L.DoubleLayerCurrent(i), m.ElectrolytePotential[i]));
        _solidCurrent = Slots(i => (m.SolidPotential[i], L.DoubleLayerCurrent(i)));
        _electrolyteCurrent = Slots(i => (m.ElectrolytePotential[i], L.DoubleLayerCurrent(i)));
        _saltCurrent = Slots(i => (m.ElectrolyteConcentration[i], L.DoubleLayerCurrent(i)));
    }

    /// <summary>The mass-matrix entry of each ψ row: C_dl [F/m²].</summary>
    public void FillMass(Span<double> mass)
    {
        for (int k = 0; k < _cells.Length; k++) mass[context.Layout.DoubleLayerPotential(_cells[k])] = _capacitance[k];
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        var m = context.Maps;
        bool withJacobian = !jacobian.IsEmpty;
        double salt = (1 - context.TransferenceNumber) / PhysicalConstants.Faraday;
        for (int k = 0; k < _cells.Length; k++)
        {
            int i = _cells[k];
            int psi = L.DoubleLayerPotential(i), idl = L.DoubleLayerCurrent(i);
            int solid = m.SolidPotential[i], electrolyte = m.ElectrolytePotential[i];
            double a = context.SpecificArea[i], current = y[idl];
            residual[psi] -= current;
            residual[idl] += y[psi] - (y[solid] - y[electrolyte]);
            residual[solid] += a * current;
            residual[electrolyte] -= a * current;
            residual[m.ElectrolyteConcentration[i]] -= salt * a * current;
            if (!withJacobian) continue;
            jacobian[_psiCurrent[k]] -= 1.0;
            jacobian[_tiePsi[k]] += 1.0;
            jacobian[_tieSolid[k]] -= 1.0;
            jacobian[_tieElectrolyte[k]] += 1.0;
            jacobian[_solidCurrent[k]] += a;
            jacobian[_electrolyteCurrent[k]] -= a;
            jacobian[_saltCurrent[k]] -= salt * a;
        }
    }
}
