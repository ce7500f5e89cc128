namespace ElectrodeSim.Mesh;

/// <summary>How a transport coefficient is carried from two cell centres to their shared face.</summary>
public enum FaceAverage
{
    /// <summary>Series resistances of the two half cells: exact flux continuity across a jump in the coefficient.</summary>
    Harmonic,
    /// <summary>Mean of the two cell values over the centre distance.</summary>
    Arithmetic,
}

/// <summary>
/// Two-point flux approximation between cells L and R of widths dL and dR:
/// <c>flux = −T (u_R − u_L)</c>. Harmonic: <c>T = 1 / (dL/(2 kL) + dR/(2 kR))</c>;
/// arithmetic: <c>T = (kL + kR) / (dL + dR)</c>.
/// </summary>
public static class FaceTransmissibility
{
    public static double Compute(FaceAverage scheme, double dL, double kL, double dR, double kR, out double dTdkL, out double dTdkR) =>
        FromDistances(scheme, 0.5 * dL, kL, 0.5 * dR, kR, out dTdkL, out dTdkR);

    /// <summary>
    /// The same two-point transmissibility per unit face area from the centre-to-face distances
    /// <paramref name="lL"/>, <paramref name="lR"/> [m] of a graph face: harmonic <c>T = 1 / (lL/kL + lR/kR)</c>,
    /// arithmetic <c>T = (kL + kR) / (2 (lL + lR))</c> [k/m], with ∂T/∂kL and ∂T/∂kR.
    /// </summary>
    public static double FromDistances(FaceAverage scheme, double lL, double kL, double lR, double kR, out double dTdkL, out double dTdkR)
    {
        if (scheme == FaceAverage.Arithmetic)
        {
            double inv = 1.0 / (2.0 * (lL + lR));
            dTdkL = inv;
            dTdkR = inv;
            return (kL + kR) * inv;
        }
        double rL = lL / kL, rR = lR / kR;
        double t = 1.0 / (rL + rR);
        dTdkL = t * t * rL / kL;
        dTdkR = t * t * rR / kR;
        return t;
    }

    /// <summary>
    /// The harmonic transmissibility of a face from its two half-cell lengths per unit area, <paramref name="a"/> = l_L/A and
    /// <paramref name="b"/> = l_R/A [1/m] (constant per face): <c>T = A/(l_L/k_L + l_R/k_R) = k_L k_R/(a k_R + b k_L)</c>, with
    /// <c>∂T/∂k_L = a k_R²/(a k_R + b k_L)²</c> and <c>∂T/∂k_R = b k_L²/(…)²</c>: one division instead of the five of
    /// <see cref="FromDistances"/> times the area (the same T but for rounding).
    /// </summary>
    public static double Harmonic(double a, double kL, double b, double kR, out double dTdkL, out double dTdkR)
    {
        double inverse = 1.0 / (a * kR + b * kL);
        double t = kL * kR * inverse;
        double inverseSquared = inverse * inverse;
        dTdkL = a * kR * kR * inverseSquared;
        dTdkR = b * kL * kL * inverseSquared;
        return t;
    }

    /// <summary>Half-cell transmissibility between a cell centre and its boundary face: 2k/d.</summary>
    public static double Boundary(double d, double k) => 2.0 * k / d;

    /// <summary>Half-cell transmissibility per unit face area from a cell centre <paramref name="l"/> [m] away from its boundary face: k/l.</summary>
    public static double BoundaryFromDistance(double l, double k) => k / l;
}
