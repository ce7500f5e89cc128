using ElectrodeSim.Model;

namespace ElectrodeSim.Physics;

/// <summary>
/// Butler–Volmer kinetics of a lithium-metal counter electrode:
/// <c>I = j0_Li [exp(α F η/RT) − exp(−(1 − α) F η/RT)]</c>, <c>η = φ_Li − φ_e(0)</c>, φ_Li = 0.
/// Positive I (lithium leaves the foil) needs positive η.
/// </summary>
public static class LithiumFoil
{
    /// <summary>The overpotential η_Li [V] that carries current density <paramref name="current"/> [A/m²].</summary>
    public static double Overpotential(LithiumFoilParameters foil, double current, double electrolyteConcentration, double inverseThermalVoltage)
    {
        double j0 = foil.ExchangeCurrentDensity(electrolyteConcentration);
        double alpha = foil.TransferCoefficient;
        double f = inverseThermalVoltage;
        // Symmetric case in closed form; it is also the Newton start for α ≠ ½.
        double eta = 2.0 / f * Math.Asinh(current / (2.0 * j0));
        if (Math.Abs(alpha - 0.5) < 1e-14) return eta;
        for (int iteration = 0; iteration < 50; iteration++)
        {
            double ea = Math.Exp(alpha * f * eta), ec = Math.Exp(-(1 - alpha) * f * eta);
            double residual = j0 * (ea - ec) - current;
            double slope = j0 * f * (alpha * ea + (1 - alpha) * ec);
            double step = residual / slope;
            eta -= step;
            if (Math.Abs(step) < 1e-15) break;
        }
        return eta;
    }
}
