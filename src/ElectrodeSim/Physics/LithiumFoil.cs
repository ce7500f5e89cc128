using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
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

    /// <summary>
    /// Electrolyte current density [A/m²] into the domain through a foil face (in the direction away from the foil),
    /// given the potential [V] and concentration [mol/m³] of the cell <paramref name="distance"/> [m] from it, whose
    /// Bruggeman factor is <paramref name="tortuosity"/>: the face concentration carries the foil's salt flux
    /// (1 − t+) I / F across the half cell, the face potential is −η_Li(I, c_face), and the current is the two-point
    /// flux of φ_e with the diffusion potential, transmissibility κ_eff / distance (returned).
    /// </summary>
    public static double FaceCurrent(LithiumFoilParameters foil, ElectrolyteProperties el, double temperature, double inverseThermalVoltage,
                                     double tortuosity, double distance, double potential, double concentration, double current, out double transmissibility)
    {
        double T = temperature;
        double c = Math.Max(concentration, 1e-6);
        double kappa = tortuosity * el.Conductivity.Value(c, T);
        double diffusivity = tortuosity * el.Diffusivity.Value(c, T);
        double oneMinusT = 1 - el.TransferenceNumber;
        double faceConcentration = Math.Max(c + distance * oneMinusT * current / (PhysicalConstants.Faraday * diffusivity), 1e-6);
        double nu = 2.0 / inverseThermalVoltage * oneMinusT * el.ThermodynamicFactor.Value(0.5 * (c + faceConcentration), T);
        double facePotential = -Overpotential(foil, current, faceConcentration, inverseThermalVoltage);
        transmissibility = FaceTransmissibility.BoundaryFromDistance(distance, kappa);
        return transmissibility * (nu * (Math.Log(c) - Math.Log(faceConcentration)) - (potential - facePotential));
    }
}
