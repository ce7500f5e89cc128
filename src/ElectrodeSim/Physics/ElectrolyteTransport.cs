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
        var (d, k, tdf) = (electrolyte.Diffusivity, electrolyte.Conductivity, electrolyte.ThermodynamicFactor);
        // A constant thermodynamic factor (1 in most sets) gives every cell the same ν and a zero slope: the products the
        // per-cell call would give, without the call (callgrind of the native bench -n 10, Evaluate with its correlations,
        // Marquis2019 1C 156.4 → 139.8 M instructions; SiO@C-l, whose Valoen2005 factor is not constant, 48.2 → 48.5 M).
        bool constantFactor = tdf.ConstantValue is not null;
        double constantNu = twoRTOverF * tdf.ConstantValue.GetValueOrDefault(), constantNuSlope = twoRTOverF * 0.0;
        for (int i = 0; i < concentration.Length; i++)
        {
            if (concentration[i] < 0) continue;
            double c = Math.Max(y[concentration[i]], 1e-6);
            double factor = tortuosity[i];
            if (!withSlopes)
            {
                diffusivity[i] = factor * d.Value(c, temperature);
                conductivity[i] = factor * k.Value(c, temperature);
                transportFactor[i] = constantFactor ? constantNu : twoRTOverF * tdf.Value(c, temperature);
                continue;
            }
            diffusivity[i] = factor * d.Value(c, temperature, out double dD);
            diffusivitySlope[i] = factor * dD;
            conductivity[i] = factor * k.Value(c, temperature, out double dK);
            conductivitySlope[i] = factor * dK;
            if (constantFactor) { transportFactor[i] = constantNu; transportFactorSlope[i] = constantNuSlope; continue; }
            transportFactor[i] = twoRTOverF * tdf.Value(c, temperature, out double dTdf);
            transportFactorSlope[i] = twoRTOverF * dTdf;
        }
    }
}
