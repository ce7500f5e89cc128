namespace ElectrodeSim.Mesh.Resolved;

/// <summary>
/// Effective transport in the homogenised matrix (electrolyte + carbon/binder) between resolved discs.
/// <para>
/// With electrolyte volume fraction ε_e and active fraction ε_s of the whole electrode (MODEL.md §5:
/// ε_e ≈ 0.3, ε_s ≈ 0.5) and the discs drawn explicitly at area fraction φ (normally φ = ε_s), the matrix
/// fills 1 − φ of the electrode and holds all the electrolyte, so its own porosity is
/// <c>ε_m = ε_e / (1 − φ)</c> and its carbon/binder fraction <c>1 − ε_m</c>. The discs' blocking of the
/// pores is resolved by the mesh, so Bruggeman is applied to the matrix alone:
/// <c>κ_eff = κ ε_m^b</c>, <c>D_e,eff = D_e ε_m^b</c>, and for the carbon/binder network
/// <c>σ_m,eff = σ_cb (1 − ε_m)^b</c>. (The P2D model's <c>ε_e^b</c> would count the particles twice.)
/// </para>
/// </summary>
public static class MatrixEffectiveProperties
{
    /// <summary>ε_m = ε_e / (1 − φ) [1]; throws when the electrolyte does not fit in the matrix.</summary>
    /// <param name="electrolyteFraction">ε_e [1] of the whole electrode.</param>
    /// <param name="particleAreaFraction">φ [1] of the electrode covered by the discs.</param>
    public static double MatrixPorosity(double electrolyteFraction, double particleAreaFraction)
    {
        if (!(particleAreaFraction >= 0 && particleAreaFraction < 1)) throw new ArgumentOutOfRangeException(nameof(particleAreaFraction), $"particle area fraction {particleAreaFraction} is not in [0, 1)");
        if (!(electrolyteFraction > 0 && electrolyteFraction <= 1 - particleAreaFraction))
            throw new ArgumentOutOfRangeException(nameof(electrolyteFraction), $"electrolyte fraction {electrolyteFraction} is not in (0, 1 − φ = {1 - particleAreaFraction}]");
        return electrolyteFraction / (1 - particleAreaFraction);
    }

    /// <summary>f^b [1], the Bruggeman factor of a phase filling volume fraction <paramref name="fraction"/>.</summary>
    public static double Bruggeman(double fraction, double exponent) =>
        fraction is >= 0 and <= 1 ? Math.Pow(fraction, exponent) : throw new ArgumentOutOfRangeException(nameof(fraction), $"volume fraction {fraction} is not in [0, 1]");

    /// <summary>κ_eff / κ = ε_m^b [1] for ionic conductivity and electrolyte diffusivity in the matrix.</summary>
    public static double IonicFactor(double electrolyteFraction, double particleAreaFraction, double exponent) =>
        Bruggeman(MatrixPorosity(electrolyteFraction, particleAreaFraction), exponent);

    /// <summary>σ_m,eff / σ_cb = (1 − ε_m)^b [1] for the carbon/binder electronic network in the matrix.</summary>
    public static double ElectronicFactor(double electrolyteFraction, double particleAreaFraction, double exponent) =>
        Bruggeman(1 - MatrixPorosity(electrolyteFraction, particleAreaFraction), exponent);
}
