using System.Runtime.CompilerServices;

namespace ElectrodeSim.Materials;

// Equilibrium potentials and solid diffusivities of the full-cell parameter sets (Marquis2019,
// Chen2020, Ecker2015) as closed-form fits of the state of lithiation x = c_s / c_s,max. Each
// function is written as published (PyBaMM's parameter files give the same expressions) with its
// derivative dU/dx worked out by hand; the unit tests check both against tabulated values and
// central differences.

/// <summary>
/// Terms of the fits, each adding its x-derivative to <c>slope</c>. Each is inlined into its fit (a fit sums up to nine;
/// the calls, not the arithmetic, were a third of a term's own instructions: callgrind of the native bench -n 10, Marquis2019 1C
/// 6656.6 → 6603.4 M instructions, the terms and the fits' own 166.9 → 113.6 M; the same bits).
/// </summary>
internal static class FitTerms
{
    /// <summary>
    /// tanh z from one exp: <c>sign(z) (1 − e)/(1 + e)</c>, e = exp(−2|z|) (no overflow, ±1 in the tails). The fits sum
    /// up to nine tanh per evaluation, and libm's tanh goes through expm1, about twice an exp; this one is within a few
    /// units of 1e-16 of it in absolute terms (the relative error grows as |z| → 0, where the term itself vanishes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double z)
    {
        double e = Math.Exp(-2.0 * Math.Abs(z));
        return Math.CopySign((1.0 - e) / (1.0 + e), z);
    }

    /// <summary>a tanh((x − centre)/width).</summary>
    /// <remarks>
    /// Multiplies by 1/width, a constant once inlined into a fit, instead of dividing by the width twice (changes rounding, a
    /// few units of 1e-16 in U): perf of the native bench -n 200, Marquis2019 1C, GraphiteOcp.Dualfoil 322 → 272 and
    /// 378 → 312 samples of 11–12 K (about 0.5 % of the run); callgrind unchanged (a division is one instruction there).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TanhWidth(double a, double x, double centre, double width, ref double slope)
    {
        double inverseWidth = 1.0 / width;
        double t = Tanh((x - centre) * inverseWidth);
        slope += a * (1 - t * t) * inverseWidth;
        return a * t;
    }

    /// <summary>a tanh(k (x − centre)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TanhRate(double a, double k, double centre, double x, ref double slope)
    {
        double t = Tanh(k * (x - centre));
        slope += a * k * (1 - t * t);
        return a * t;
    }

    /// <summary>a tanh(p + q x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TanhAffine(double a, double p, double q, double x, ref double slope)
    {
        double t = Tanh(p + q * x);
        slope += a * q * (1 - t * t);
        return a * t;
    }
}

/// <summary>Graphite negative electrodes, U(x) [V vs Li/Li+].</summary>
public static class GraphiteOcp
{
    private static double Tanh(double a, double x, double centre, double width, ref double slope) => FitTerms.TanhWidth(a, x, centre, width, ref slope);
    private static double Centred(double a, double k, double x0, double x, ref double slope) => FitTerms.TanhRate(a, k, x0, x, ref slope);

    /// <summary>
    /// MCMB 2528 graphite of Dualfoil 1998 (Doyle, Fuller, Newman; fit as used by Marquis et al.,
    /// J. Electrochem. Soc. 166 (2019) A3693, doi:10.1149/2.0341915jes):
    /// U = 0.194 + 1.5 e^(−120x) + 0.0351 tanh((x−0.286)/0.083) − 0.0045 tanh((x−0.849)/0.119)
    /// − 0.035 tanh((x−0.9233)/0.05) − 0.0147 tanh((x−0.5)/0.034) − 0.102 tanh((x−0.194)/0.142)
    /// − 0.022 tanh((x−0.9)/0.0164) − 0.011 tanh((x−0.124)/0.0226) + 0.0155 tanh((x−0.105)/0.029).
    /// </summary>
    public static IOpenCircuitPotential Dualfoil1998 { get; } = new FunctionOcp(
        "graphite_mcmb2528_dualfoil1998", "Dualfoil 1998 MCMB 2528 graphite fit, as used by Marquis et al., J. Electrochem. Soc. 166 (2019) A3693, doi:10.1149/2.0341915jes",
        Dualfoil);

    private static double Dualfoil(double x, out double slope)
    {
        double e = 1.5 * Math.Exp(-120.0 * x);
        slope = -120.0 * e;
        return 0.194 + e
               + Tanh(0.0351, x, 0.286, 0.083, ref slope)
               + Tanh(-0.0045, x, 0.849, 0.119, ref slope)
               + Tanh(-0.035, x, 0.9233, 0.05, ref slope)
               + Tanh(-0.0147, x, 0.5, 0.034, ref slope)
               + Tanh(-0.102, x, 0.194, 0.142, ref slope)
               + Tanh(-0.022, x, 0.9, 0.0164, ref slope)
               + Tanh(-0.011, x, 0.124, 0.0226, ref slope)
               + Tanh(0.0155, x, 0.105, 0.029, ref slope);
    }

    /// <summary>
    /// LG M50 graphite(-SiOx) of Chen et al., J. Electrochem. Soc. 167 (2020) 080534, doi:10.1149/1945-7111/ab9050:
    /// U = 1.9793 e^(−39.3631x) + 0.2482 − 0.0909 tanh(29.8538 (x − 0.1234)) − 0.04478 tanh(14.9159 (x − 0.2769))
    /// − 0.0205 tanh(30.4444 (x − 0.6103)).
    /// </summary>
    public static IOpenCircuitPotential Chen2020 { get; } = new FunctionOcp(
        "graphite_lgm50_chen2020", "Chen et al., J. Electrochem. Soc. 167 (2020) 080534, doi:10.1149/1945-7111/ab9050",
        ChenFit);

    private static double ChenFit(double x, out double slope)
    {
        double e = 1.9793 * Math.Exp(-39.3631 * x);
        slope = -39.3631 * e;
        return e + 0.2482
               + Centred(-0.0909, 29.8538, 0.1234, x, ref slope)
               + Centred(-0.04478, 14.9159, 0.2769, x, ref slope)
               + Centred(-0.0205, 30.4444, 0.6103, x, ref slope);
    }

    /// <summary>
    /// Kokam SLPB 75106100 graphite of Ecker et al., J. Electrochem. Soc. 162 (2015) A1836 (part I), doi:10.1149/2.0551509jes
    /// (fit of Richardson et al. 2020): U = a e^(−b x) + c e^(−d (x − e)) − r tanh(s (x − t)) − g tanh(h (x − i))
    /// − j tanh(k (x − m)) − n e^(o (x − p)) + q with the constants below.
    /// </summary>
    public static IOpenCircuitPotential Ecker2015 { get; } = new FunctionOcp(
        "graphite_ecker2015", "Ecker et al., J. Electrochem. Soc. 162 (2015) A1836 (part I), doi:10.1149/2.0551509jes; fit of Richardson et al., Electrochim. Acta 339 (2020) 135862",
        EckerFit);

    private static double EckerFit(double x, out double slope)
    {
        const double a = 0.716502, b = 369.028, c = 0.12193, d = 35.6478, e = 0.0530947, g = 0.0169644, h = 27.1365,
            i = 0.312832, j = 0.0199313, k = 28.5697, m = 0.614221, n = 0.931153, o = 36.328, p = 1.10743, q = 0.140031,
            r = 0.0189193, s = 21.1967, t = 0.196176;
        double e1 = a * Math.Exp(-b * x), e2 = c * Math.Exp(-d * (x - e)), e3 = n * Math.Exp(o * (x - p));
        slope = -b * e1 - d * e2 - o * e3;
        return e1 + e2
               + Centred(-r, s, t, x, ref slope)
               + Centred(-g, h, i, x, ref slope)
               + Centred(-j, k, m, x, ref slope)
               - e3 + q;
    }
}

/// <summary>Positive electrodes, U(x) [V vs Li/Li+].</summary>
public static class PositiveElectrodeOcp
{
    private static double Tanh(double a, double p, double q, double x, ref double slope) => FitTerms.TanhAffine(a, p, q, x, ref slope);
    private static double Centred(double a, double k, double x0, double x, ref double slope) => FitTerms.TanhRate(a, k, x0, x, ref slope);

    /// <summary>
    /// LiCoO2 of Dualfoil 1998 as used by Marquis et al. 2019, evaluated at the stretched
    /// stoichiometry s = 1.062 x: U = 2.16216 + 0.07645 tanh(30.834 − 54.4806 s) + 2.1581 tanh(52.294 − 50.294 s)
    /// − 0.14169 tanh(11.0923 − 19.8543 s) + 0.2051 tanh(1.4684 − 5.4888 s) + 0.2531 tanh((0.56478 − s)/0.1316)
    /// − 0.02167 tanh((s − 0.525)/0.006).
    /// </summary>
    public static IOpenCircuitPotential LithiumCobaltOxideDualfoil1998 { get; } = new FunctionOcp(
        "lico2_dualfoil1998", "Dualfoil 1998 LiCoO2 fit, as used by Marquis et al., J. Electrochem. Soc. 166 (2019) A3693, doi:10.1149/2.0341915jes",
        LiCoO2);

    private static double LiCoO2(double x, out double slope)
    {
        const double stretch = 1.062;
        double s = stretch * x;
        double ds = 0;
        double u = 2.16216
                   + Tanh(0.07645, 30.834, -54.4806, s, ref ds)
                   + Tanh(2.1581, 52.294, -50.294, s, ref ds)
                   + Tanh(-0.14169, 11.0923, -19.8543, s, ref ds)
                   + Tanh(0.2051, 1.4684, -5.4888, s, ref ds);
        double t1 = FitTerms.Tanh((-s + 0.56478) / 0.1316);
        double t2 = FitTerms.Tanh((s - 0.525) / 0.006);
        u += 0.2531 * t1 - 0.02167 * t2;
        ds += -0.2531 * (1 - t1 * t1) / 0.1316 - 0.02167 * (1 - t2 * t2) / 0.006;
        slope = stretch * ds;
        return u;
    }

    /// <summary>
    /// LG M50 NMC 811 of Chen et al. 2020: U = −0.8090 x + 4.4875 − 0.0428 tanh(18.5138 (x − 0.5542))
    /// − 17.7326 tanh(15.7890 (x − 0.3117)) + 17.5842 tanh(15.9308 (x − 0.3120)).
    /// </summary>
    public static IOpenCircuitPotential Nmc811Chen2020 { get; } = new FunctionOcp(
        "nmc811_lgm50_chen2020", "Chen et al., J. Electrochem. Soc. 167 (2020) 080534, doi:10.1149/1945-7111/ab9050",
        Nmc);

    private static double Nmc(double x, out double slope)
    {
        slope = -0.8090;
        return -0.8090 * x + 4.4875
               + Centred(-0.0428, 18.5138, 0.5542, x, ref slope)
               + Centred(-17.7326, 15.7890, 0.3117, x, ref slope)
               + Centred(17.5842, 15.9308, 0.3120, x, ref slope);
    }

    /// <summary>
    /// Kokam SLPB 75106100 nickel cobalt oxide of Ecker et al. 2015 (part I; fit of Richardson et al. 2020, constant m
    /// modified by O'Kane): U = a x − c tanh(d (x − e)) − r tanh(s (x − t)) − g tanh(h (x − i)) − j tanh(k (x − m))
    /// − n tanh(o (x − p)) + q with the constants below.
    /// </summary>
    public static IOpenCircuitPotential NickelCobaltOxideEcker2015 { get; } = new FunctionOcp(
        "nco_ecker2015", "Ecker et al., J. Electrochem. Soc. 162 (2015) A1836 (part I), doi:10.1149/2.0551509jes; fit of Richardson et al., Electrochim. Acta 339 (2020) 135862",
        Nco);

    private static double Nco(double x, out double slope)
    {
        const double a = -2.35211, c = 0.0747061, d = 31.886, e = 0.0219921, g = 0.640243, h = 5.48623, i = 0.439245,
            j = 3.82383, k = 4.12167, m = 0.176187, n = 0.0542123, o = 18.2919, p = 0.762272, q = 4.23285, r = -6.34984,
            s = 2.66395, t = 0.174352;
        slope = a;
        return a * x
               + Centred(-c, d, e, x, ref slope)
               + Centred(-r, s, t, x, ref slope)
               + Centred(-g, h, i, x, ref slope)
               + Centred(-j, k, m, x, ref slope)
               + Centred(-n, o, p, x, ref slope)
               + q;
    }
}

/// <summary>
/// Concentration-dependent solid diffusivities D_s(x, T) [m²/s] as <see cref="Correlation"/>s of the
/// state of lithiation x (the correlation's first argument) and temperature, each with its own
/// Arrhenius factor and reference temperature.
/// </summary>
public static class SolidDiffusivities
{
    public static IReadOnlyList<string> Names { get; } = ["graphite_ecker2015", "nco_ecker2015", "graphite_lgm50_oregan2022", "nmc811_lgm50_oregan2022"];

    public static Correlation ByName(string name) => name switch
    {
        "graphite_ecker2015" => GraphiteEcker2015,
        "nco_ecker2015" => NickelCobaltOxideEcker2015,
        "graphite_lgm50_oregan2022" => GraphiteLgm50ORegan2022,
        "nmc811_lgm50_oregan2022" => Nmc811Lgm50ORegan2022,
        _ => throw new KeyNotFoundException($"unknown solid diffusivity function '{name}'; known: {string.Join(", ", Names)}"),
    };

    private static double Arrhenius(double activationEnergy, double referenceTemperature, double temperature) =>
        Math.Exp(-activationEnergy / (PhysicalConstants.GasConstant * temperature)) * Math.Exp(activationEnergy / (PhysicalConstants.GasConstant * referenceTemperature));

    /// <summary>Graphite of Ecker et al. 2015: D = (8.4e-13 e^(−11.3x) + 8.2e-15) exp(−E/RT) exp(E/(R·296 K)), E = 30.3 kJ/mol.</summary>
    public static Correlation GraphiteEcker2015 { get; } = new(
        "graphite_ecker2015", "Ecker et al., J. Electrochem. Soc. 162 (2015) A1836 (part I), doi:10.1149/2.0551509jes", "m^2/s",
        (x, T) => (8.4e-13 * Math.Exp(-11.3 * x) + 8.2e-15) * Arrhenius(3.03e4, 296.0, T),
        (x, T) => -11.3 * 8.4e-13 * Math.Exp(-11.3 * x) * Arrhenius(3.03e4, 296.0, T));

    /// <summary>
    /// log10 of Σ (amplitude, centre, width²) Gaussians plus a linear part, and its x-derivative (the form of O'Regan 2022's
    /// diffusivity fits: log10 D = a0 x + c0 + Σ a_k exp(−(x − b_k)²/c_k)).
    /// </summary>
    private static double Log10Gaussians(double a0, double c0, (double A, double B, double C)[] terms, double x, out double slope)
    {
        double e = a0 * x + c0;
        slope = a0;
        foreach (var (a, b, c) in terms)
        {
            double g = a * Math.Exp(-(x - b) * (x - b) / c);
            e += g;
            slope += g * (-2 * (x - b) / c);
        }
        return e;
    }

    /// <summary>
    /// The narrowest minimum of a named D_s(x) written as log10 D = a0 x + c0 + Σ a_k exp(−(x − b_k)²/c_k) (O'Regan 2022's form):
    /// the term with a_k &lt; 0 and the smallest c_k, as (log10 amplitude a_k &lt; 0, centre b_k, c_k = width²); null for a function not
    /// of that form. Graphite LG M50: (−1.553, 0.2031, 0.0006091), a 35.7× minimum 0.025 wide at x = 0.203; NMC 811 LG M50:
    /// (−0.9231, 0.3216, 0.002534), 8.4× at x = 0.322. <c>electrode.solid_diffusivity_dip_scale</c> scales its amplitude.
    /// </summary>
    public static (double Amplitude, double Centre, double WidthSquared)? NarrowestMinimum(string name)
    {
        (double A, double B, double C)[]? terms = name switch
        {
            "graphite_lgm50_oregan2022" => GraphiteLgm50Terms,
            "nmc811_lgm50_oregan2022" => Nmc811Lgm50Terms,
            _ => null,
        };
        if (terms == null) return null;
        (double, double, double)? narrowest = null;
        foreach (var (a, b, c) in terms)
            if (a < 0 && (narrowest is not { } n || c < n.Item3)) narrowest = (a, b, c);
        return narrowest;
    }

    private static readonly (double, double, double)[] GraphiteLgm50Terms = [(-1.553, 0.2031, 0.0006091), (-6.136, 0.5375, 0.06438), (-9.725, 0.9144, 0.0578), (1.85, 0.5953, 0.001356)];
    private static readonly (double, double, double)[] Nmc811Lgm50Terms = [(-0.9231, 0.3216, 0.002534), (-0.4066, 0.4532, 0.003926), (-0.993, 0.8098, 0.09924)];

    private static double ORegan(double a0, double c0, (double, double, double)[] terms, double factor, double activationOverR, double x, double T, bool derivative)
    {
        double e = Log10Gaussians(a0, c0, terms, x, out double slope);
        // exp(0) = 1 exactly at the reference temperature, without the exp.
        double d = Math.Pow(10, e) * factor * (T == 298.15 ? 1.0 : Math.Exp(activationOverR * (1 / 298.15 - 1 / T)));
        return derivative ? d * Math.Log(10) * slope : d;
    }

    /// <summary>
    /// LG M50 graphite of O'Regan, Brosa Planella, Widanage, Kendrick, Electrochim. Acta 425 (2022) 140700 (PyBaMM ORegan2022
    /// graphite_LGM50_diffusivity_ORegan2022, GITT): log10 D = 11.17 x − 15.11 + Gaussians, × 3.0321 (the source's correcting
    /// factor), Arrhenius E/R = 2092 K about 298.15 K.
    /// </summary>
    public static Correlation GraphiteLgm50ORegan2022 { get; } = new(
        "graphite_lgm50_oregan2022", "O'Regan et al., Electrochim. Acta 425 (2022) 140700 (LG M50 graphite, GITT)", "m^2/s",
        (x, T) => ORegan(11.17, -15.11, GraphiteLgm50Terms, 3.0321, 2092, x, T, false),
        (x, T) => ORegan(11.17, -15.11, GraphiteLgm50Terms, 3.0321, 2092, x, T, true));

    /// <summary>
    /// LG M50 NMC 811 of O'Regan et al. 2022 (PyBaMM ORegan2022 nmc_LGM50_diffusivity_ORegan2022, GITT):
    /// log10 D = −13.96 + Gaussians, × 2.7 (the source's correcting factor), Arrhenius E/R = 1449 K about 298.15 K.
    /// </summary>
    public static Correlation Nmc811Lgm50ORegan2022 { get; } = new(
        "nmc811_lgm50_oregan2022", "O'Regan et al., Electrochim. Acta 425 (2022) 140700 (LG M50 NMC 811, GITT)", "m^2/s",
        (x, T) => ORegan(0, -13.96, Nmc811Lgm50Terms, 2.7, 1449, x, T, false),
        (x, T) => ORegan(0, -13.96, Nmc811Lgm50Terms, 2.7, 1449, x, T, true));

    /// <summary>Nickel cobalt oxide of Ecker et al. 2015: D = (3.7e-13 − 3.4e-13 e^(−12 (x − 0.62)²)) exp(−E/RT) exp(E/(R·296.15 K)), E = 80.6 kJ/mol.</summary>
    public static Correlation NickelCobaltOxideEcker2015 { get; } = new(
        "nco_ecker2015", "Ecker et al., J. Electrochem. Soc. 162 (2015) A1836 (part I), doi:10.1149/2.0551509jes", "m^2/s",
        (x, T) => (3.7e-13 - 3.4e-13 * Math.Exp(-12 * (x - 0.62) * (x - 0.62))) * Arrhenius(8.06e4, 296.15, T),
        (x, T) => 3.4e-13 * 24 * (x - 0.62) * Math.Exp(-12 * (x - 0.62) * (x - 0.62)) * Arrhenius(8.06e4, 296.15, T));
}
