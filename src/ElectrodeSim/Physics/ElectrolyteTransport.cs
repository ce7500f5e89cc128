using ElectrodeSim.Materials;

namespace ElectrodeSim.Physics;

/// <summary>
/// The effective electrolyte transport coefficients of every cell, as the P2D and the 2-D mode's charge and mass balances
/// use them: ε^b D_e(c) [m²/s], ε^b κ(c) [S/m] and ν(c) = (2RT/F)(1 − t+)(1 + dln f/dln c) [V], the diffusion-potential
/// factor, each with its derivative in c when a Jacobian is assembled.
/// </summary>
public static class ElectrolyteTransport
{
    /// <summary>
    /// Evaluates the correlations at the concentration of each cell whose index in <paramref name="concentration"/> is ≥ 0
    /// (cells without electrolyte are skipped), times its Bruggeman factor <paramref name="tortuosity"/>.
    /// </summary>
    public static void Evaluate(ElectrolyteProperties electrolyte, double temperature, double inverseThermalVoltage,
                                ReadOnlySpan<int> concentration, ReadOnlySpan<double> tortuosity, ReadOnlySpan<double> y, bool withSlopes,
                                Span<double> diffusivity, Span<double> diffusivitySlope, Span<double> conductivity, Span<double> conductivitySlope,
                                Span<double> transportFactor, Span<double> transportFactorSlope)
    {
        double twoRTOverF = 2.0 / inverseThermalVoltage * (1 - electrolyte.TransferenceNumber);
        for (int i = 0; i < concentration.Length; i++)
        {
            if (concentration[i] < 0) continue;
            double c = Math.Max(y[concentration[i]], 1e-6);
            double factor = tortuosity[i];
            if (!withSlopes)
            {
                diffusivity[i] = factor * electrolyte.Diffusivity.Value(c, temperature);
                conductivity[i] = factor * electrolyte.Conductivity.Value(c, temperature);
                transportFactor[i] = twoRTOverF * electrolyte.ThermodynamicFactor.Value(c, temperature);
                continue;
            }
            diffusivity[i] = factor * electrolyte.Diffusivity.Value(c, temperature, out double dD);
            diffusivitySlope[i] = factor * dD;
            conductivity[i] = factor * electrolyte.Conductivity.Value(c, temperature, out double dK);
            conductivitySlope[i] = factor * dK;
            transportFactor[i] = twoRTOverF * electrolyte.ThermodynamicFactor.Value(c, temperature, out double dTdf);
            transportFactorSlope[i] = twoRTOverF * dTdf;
        }
    }
}
