using System.Globalization;
using ElectrodeSim.Model;

namespace ElectrodeSim.Simulation;

/// <summary>
/// The bounds no written state may leave (MODEL.md §5, "Physical limits"): every particle's state of
/// lithiation, in every shell and at the surface, in [0, 1]; the electrolyte salt concentration above
/// <see cref="DepletedElectrolyteFraction"/> of its initial value (the concentrated-solution correlations
/// and the diffusion potential's ln c lose meaning at zero, so "reaching 0" is taken there); the cell voltage
/// inside <see cref="VoltageWindow"/>. The protocol runner watches each as a signed distance, positive
/// inside, and ends the step where one reaches zero — located inside the time step like a cut-off.
/// </summary>
public sealed record PhysicalLimits
{
    /// <summary>The electrolyte counts as depleted at this fraction of its initial concentration [1].</summary>
    public double DepletedElectrolyteFraction { get; init; } = 1e-3;

    /// <summary>
    /// The sane voltage window [V]. No lithium-ion chemistry has an equilibrium potential outside it, so a
    /// voltage there is an overpotential no cell sustains (a runaway, not a result); real cut-offs lie inside.
    /// </summary>
    public (double Low, double High) VoltageWindow { get; init; } = (-1.0, 6.0);

    /// <summary>
    /// A limit is located when its distance is within this of zero (θ and V absolute, c_e relative to its initial
    /// value). Coarser than a cut-off's: the surface state of lithiation is known only to the Newton tolerance
    /// (~1e-7 of c_s,max), and a located end state lies inside the limit by at most twice this.
    /// </summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>The watched distances of a model, in a fixed order (see <see cref="Describe"/>).</summary>
    public int Count => 5;

    /// <summary>
    /// Fills <paramref name="distances"/> (length <see cref="Count"/>) with the signed distances of state y to
    /// each limit: θ_min, 1 − θ_max, c_e,min − c_depleted, V − V_low, V_high − V. Non-finite states count as
    /// outside every limit.
    /// </summary>
    public void Distances(IElectrochemicalModel model, ReadOnlySpan<double> y, Span<double> distances)
    {
        var s = model.StateBounds(y);
        double v = model.Voltage(y);
        distances[0] = s.MinimumStateOfLithiation.Value;
        distances[1] = 1.0 - s.MaximumStateOfLithiation.Value;
        distances[2] = s.MinimumElectrolyteConcentration.Value - DepletedElectrolyteFraction * model.InitialElectrolyteConcentration;
        distances[3] = v - VoltageWindow.Low;
        distances[4] = VoltageWindow.High - v;
        for (int k = 0; k < Count; k++) if (!double.IsFinite(distances[k])) distances[k] = double.NegativeInfinity;
    }

    /// <summary>Scale of limit <paramref name="limit"/>'s distance, for its location tolerance (1 for θ and V, c_e,init for c_e).</summary>
    public double Scale(IElectrochemicalModel model, int limit) => limit == 2 ? model.InitialElectrolyteConcentration : 1.0;

    /// <summary>Why a step ended at limit <paramref name="limit"/>, with where it was reached in state y.</summary>
    public string Describe(IElectrochemicalModel model, int limit, ReadOnlySpan<double> y)
    {
        var s = model.StateBounds(y);
        var inv = CultureInfo.InvariantCulture;
        string Where(StateExtreme e) => model.DescribeSolidLocation(e);
        return limit switch
        {
            0 => $"physical limit: a particle ran out of lithium (state of lithiation reached 0 at {Where(s.MinimumStateOfLithiation)})",
            1 => $"physical limit: a particle is full (state of lithiation reached 1 at {Where(s.MaximumStateOfLithiation)})",
            2 => string.Create(inv, $"physical limit: the electrolyte is depleted (c_e reached {DepletedElectrolyteFraction * model.InitialElectrolyteConcentration:G3} mol/m^3, {100 * DepletedElectrolyteFraction:G3} % of its initial value, at {model.DescribeElectrolyteLocation(s.MinimumElectrolyteConcentration)})"),
            3 => string.Create(inv, $"physical limit: the voltage fell to {VoltageWindow.Low:G4} V, the low end of the sane window [{VoltageWindow.Low:G4}, {VoltageWindow.High:G4}] V"),
            _ => string.Create(inv, $"physical limit: the voltage rose to {VoltageWindow.High:G4} V, the high end of the sane window [{VoltageWindow.Low:G4}, {VoltageWindow.High:G4}] V"),
        };
    }
}
