using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// The lumped thermal model: one cell temperature T, per unit electrode area
/// <c>C dT/dt = Q − H (T − T_amb)</c> (unknown ΔT = T − T_amb), and the heat generated <c>dE/dt = Q</c> [J/m²].
/// Q [W/m²] is the heat of the whole cell: irreversible (reaction, film, electrolyte and solid ohmic and the lithium
/// foil) and reversible (a j T ∂U/∂T). Summed over the finite volumes by parts, the local sources of
/// <see cref="HeatSources"/> add up to the cell's energy balance
/// <c>Q = −I V − Σ_cells a j (U(θ_surf, T) − T ∂U/∂T) Δx</c>
/// (Σ a j U Δx is the power stored in the particles, −I V the electrical power taken out; with Σ a j Δx = −I in the
/// working electrode of a half cell this is <c>I (U_eff − V) + Σ a j T ∂U/∂T Δx</c>, U_eff the reaction-weighted
/// surface potential), exactly whenever the charge balances hold. That form is the row here: it needs only I, V, j and the
/// surface states, so its Jacobian is sparse and exact. Its T column (and every other row's) is taken by the model by
/// central differences (<see cref="Model.P2DModel"/>). Not with a double layer (its charging power is not heat).
/// </summary>
public sealed class ThermalBalance(P2DContext context) : IModelEquation
{
    /// <summary>The reaction sites: every electrode cell and size class (one class per cell without a distribution).</summary>
    private (int Cell, int Class)[] _cells = [];
    // Slots per row (temperature, heat): I, φ_s at the collector, then per electrode cell j and the surface shell.
    private int[][] _current = [], _collector = [];
    private int[][] _reaction = [], _surface = [];

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var L = context.Layout;
        var m = context.Maps;
        _cells = Enumerable.Range(0, context.Graph.CellCount).Where(L.IsElectrode).SelectMany(i => Enumerable.Range(0, L.ClassCount(i)).Select(c => (i, c))).ToArray();
        foreach (int row in Rows)
        {
            pattern.Add(row, L.Current);
            pattern.Add(row, context.CollectorPotential);
            foreach (var (i, c) in _cells)
            {
                pattern.Add(row, L.ClassCurrent(i, c));
                pattern.Add(row, context.ClassSurfaceShell[i][c]);
            }
        }
    }

    private int[] Rows => [context.Layout.TemperatureRise, context.Layout.HeatGenerated];

    public void Bind(SparsityPattern pattern)
    {
        var L = context.Layout;
        var m = context.Maps;
        var rows = Rows;
        _current = new int[2][]; _collector = new int[2][]; _reaction = new int[2][]; _surface = new int[2][];
        for (int r = 0; r < 2; r++)
        {
            _current[r] = [pattern.SlotOf(rows[r], L.Current)];
            _collector[r] = [pattern.SlotOf(rows[r], context.CollectorPotential)];
            _reaction[r] = _cells.Select(site => pattern.SlotOf(rows[r], L.ClassCurrent(site.Cell, site.Class))).ToArray();
            _surface[r] = _cells.Select(site => pattern.SlotOf(rows[r], context.ClassSurfaceShell[site.Cell][site.Class])).ToArray();
        }
    }

    /// <summary>
    /// Q [W/m²] of state y at the context's temperature: −I V − Σ a j (U − T ∂U/∂T) Δx; with <paramref name="gradient"/>
    /// (I, φ_s at the collector, then j and c_surf per electrode cell) its partial derivatives at fixed T.
    /// </summary>
    public static double HeatRate(P2DContext context, ReadOnlySpan<double> y, Span<double> gradient)
    {
        var L = context.Layout;
        var m = context.Maps;
        double temperature = context.Temperature;
        double current = y[L.Current];
        double voltage = SolidChargeBalance.Voltage(context, y, out double dVdPotential, out double dVdCurrent);
        double q = -current * voltage;
        bool withGradient = !gradient.IsEmpty;
        if (withGradient)
        {
            gradient[0] = -voltage - current * dVdCurrent;
            gradient[1] = -current * dVdPotential;
        }
        int k = 0;
        for (int i = 0; i < context.Graph.CellCount; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int e = L.ElectrodeOf(i);
            var electrode = context.Cell.Electrodes[e];
            // Each size class at its own surface state and current, weighted by its area a_k (one class: a).
            for (int c = 0; c < L.ClassCount(i); c++)
            {
            double theta = ButlerVolmerKinetics.SurfaceStateOfLithiation(context, y, i, c, out double dThetaDc, out double dThetaDj);
            double u = electrode.EquilibriumPotential(theta, temperature, out double dUdTheta, out double s, out double dSdTheta);
            double w = u - temperature * s, dWdTheta = dUdTheta - temperature * dSdTheta;
            double weight = (L.ClassCount(i) == 1 ? context.SpecificArea[i] : context.ClassSpecificArea[e][c]) * context.Graph.CellVolume[i];
            double j = y[L.ClassCurrent(i, c)];
            q -= weight * j * w;
            if (withGradient)
            {
                gradient[2 + 2 * k] = -weight * (w + j * dWdTheta * dThetaDj);
                gradient[3 + 2 * k] = -weight * j * dWdTheta * dThetaDc;
            }
            k++;
            }
        }
        return q;
    }

    private double[] _gradient = [];

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        var thermal = context.Cell.Thermal!;
        bool withJacobian = !jacobian.IsEmpty;
        if (_gradient.Length != 2 + 2 * _cells.Length) _gradient = new double[2 + 2 * _cells.Length];
        double q = HeatRate(context, y, withJacobian ? _gradient : Span<double>.Empty);
        residual[L.TemperatureRise] += -q + thermal.HeatTransferConductance * y[L.TemperatureRise];
        residual[L.HeatGenerated] += -q;
        if (!withJacobian) return;
        // ∂/∂ΔT (H and the T dependence of Q) is the model's finite-difference T column.
        for (int r = 0; r < 2; r++)
        {
            jacobian[_current[r][0]] -= _gradient[0];
            jacobian[_collector[r][0]] -= _gradient[1];
            for (int k = 0; k < _cells.Length; k++)
            {
                jacobian[_reaction[r][k]] -= _gradient[2 + 2 * k];
                jacobian[_surface[r][k]] -= _gradient[3 + 2 * k];
            }
        }
    }
}
