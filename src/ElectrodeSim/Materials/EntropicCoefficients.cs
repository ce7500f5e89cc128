namespace ElectrodeSim.Materials;

/// <summary>
/// Entropic coefficients ∂U/∂T(x) [V/K] of the full-cell parameter sets as functions of the state of lithiation
/// x = c_s / c_s,max, returned through <see cref="IOpenCircuitPotential"/> (value ∂U/∂T [V/K], slope ∂²U/∂T∂x [V/K]).
/// The equilibrium potential at temperature T is <c>U(x, T) = U(x) + (T − T_ref) ∂U/∂T(x)</c>, and the reversible heat
/// of the reaction <c>a j T ∂U/∂T</c> (<see cref="Physics.ThermalBalance"/>). Expressions as published (PyBaMM's
/// Marquis2019 set: <c>graphite_entropic_change_Moura2016</c>, <c>lico2_entropic_change_Moura2016</c>, transcribed in
/// shared/reference/marquis2019/PARAMS_Marquis2019.md §2, named by the compiled-in Marquis2019 set since its version 2;
/// O'Regan et al. 2022 for the LG M50, which the Chen2020 set does not name: it states 0), derivatives worked out by
/// hand; the tests check both against the tabulated or hand-evaluated values and central differences.
/// </summary>
public static class EntropicCoefficients
{
    /// <summary>A sech²(p + q x) [V/K], adding its x-derivative to <paramref name="slope"/>.</summary>
    private static double Sech2(double a, double p, double q, double x, ref double slope)
    {
        double u = p + q * x;
        if (Math.Abs(u) > 350) return 0.0;
        double s = 1.0 / Math.Cosh(u);
        double s2 = s * s;
        slope += a * (-2.0 * s2 * Math.Tanh(u)) * q;
        return a * s2;
    }

    /// <summary>A sech²((x − centre)/width).</summary>
    private static double Centred(double a, double centre, double width, double x, ref double slope) => Sech2(a, -centre / width, 1.0 / width, x, ref slope);

    /// <summary>
    /// MCMB 2528 graphite (Moura 2016 as in PyBaMM's Marquis2019): ∂U/∂T = −1.5 (120/c_max) e^(−120x)
    /// + Σ ± (A/(w c_max)) sech²((x − c)/w), c_max = 24983.2619938437 mol/m³ (the expression's own constant).
    /// </summary>
    public static IOpenCircuitPotential GraphiteMoura2016 { get; } = new FunctionOcp(
        "graphite_entropic_change_moura2016", "Moura 2016 graphite entropic change, as in PyBaMM's Marquis2019 set (graphite_entropic_change_Moura2016)",
        Graphite);

    private static double Graphite(double x, out double slope)
    {
        const double cmax = 24983.2619938437;
        double e = -1.5 * (120.0 / cmax) * Math.Exp(-120 * x);
        slope = -120.0 * e;
        return e
               + Centred(0.0351 / (0.083 * cmax), 0.286, 0.083, x, ref slope)
               + Centred(-0.0045 / (0.119 * cmax), 0.849, 0.119, x, ref slope)
               + Centred(-0.035 / (0.05 * cmax), 0.9233, 0.05, x, ref slope)
               + Centred(-0.0147 / (0.034 * cmax), 0.5, 0.034, x, ref slope)
               + Centred(-0.102 / (0.142 * cmax), 0.194, 0.142, x, ref slope)
               + Centred(-0.022 / (0.0164 * cmax), 0.9, 0.0164, x, ref slope)
               + Centred(-0.011 / (0.0226 * cmax), 0.124, 0.0226, x, ref slope)
               + Centred(0.0155 / (0.029 * cmax), 0.105, 0.029, x, ref slope);
    }

    /// <summary>
    /// LiCoO2 (Moura 2016 as in PyBaMM's Marquis2019), at the stretched stoichiometry s = 1.062 x as the OCP:
    /// ∂U/∂T = Σ A_k sech²(p_k + q_k s), c_max = 51217.9257309275 mol/m³ (the expression's own constant).
    /// </summary>
    public static IOpenCircuitPotential LithiumCobaltOxideMoura2016 { get; } = new FunctionOcp(
        "lico2_entropic_change_moura2016", "Moura 2016 LiCoO2 entropic change, as in PyBaMM's Marquis2019 set (lico2_entropic_change_Moura2016)",
        LiCoO2);

    private static double LiCoO2(double x, out double slope)
    {
        const double stretch = 1.062, cmax = 51217.9257309275;
        double s = stretch * x;
        double ds = 0;
        double v = Sech2(0.07645 * (-54.4806 / cmax), 30.834, -54.4806, s, ref ds)
                   + Sech2(2.1581 * (-50.294 / cmax), 52.294, -50.294, s, ref ds)
                   + Sech2(0.14169 * (19.854 / cmax), 11.0923, -19.8543, s, ref ds)
                   + Sech2(-0.2051 * (5.4888 / cmax), 1.4684, -5.4888, s, ref ds)
                   + Sech2(-(0.2531 / 0.1316 / cmax), 0.56478 / 0.1316, -1.0 / 0.1316, s, ref ds)
                   + Sech2(-(0.02167 / 0.006 / cmax), -0.525 / 0.006, 1.0 / 0.006, s, ref ds);
        slope = stretch * ds;
        return v;
    }

    /// <summary>
    /// LG M50 graphite-SiOx (O'Regan, Brosa Planella, Widanage, Kendrick, Electrochim. Acta 425 (2022) 140700, as in
    /// PyBaMM's ORegan2022 set: <c>graphite_LGM50_entropic_change_ORegan2022</c>), a fit in mV/K:
    /// ∂U/∂T = (a0 x + c0 + a2 exp(−(x − b2)²/c2)) / 1000 with a0 = −0.1112, c0 = 0.02914, a2 = 0.3561, b2 = 0.08309,
    /// c2 = 0.004616 (the fit's tanh pair has a1 = 0, "fixed fit" in the source, so it is left out).
    /// </summary>
    public static IOpenCircuitPotential GraphiteLgm50ORegan2022 { get; } = new FunctionOcp(
        "graphite_lgm50_entropic_change_oregan2022", "LG M50 graphite entropic change of O'Regan et al. 2022 (PyBaMM ORegan2022: graphite_LGM50_entropic_change_ORegan2022)",
        GraphiteLgm50);

    private static double GraphiteLgm50(double x, out double slope)
    {
        const double a0 = -0.1112, c0 = 0.02914, a2 = 0.3561, b2 = 0.08309, c2 = 0.004616;
        double g = a2 * Math.Exp(-(x - b2) * (x - b2) / c2);
        slope = (a0 + g * (-2 * (x - b2) / c2)) / 1000;
        return (a0 * x + c0 + g) / 1000;
    }

    /// <summary>
    /// LG M50 NMC 811 (O'Regan et al. 2022, as in PyBaMM's ORegan2022 set: <c>nmc_LGM50_entropic_change_ORegan2022</c>),
    /// a fit in mV/K: ∂U/∂T = (a1 exp(−(x − b1)²/c1) + a2 exp(−(x − b2)²/c2)) / 1000 with a1 = 0.04006, b1 = 0.2828,
    /// c1 = 0.0009855, a2 = −0.06656, b2 = 0.8032, c2 = 0.02179.
    /// </summary>
    public static IOpenCircuitPotential Nmc811Lgm50ORegan2022 { get; } = new FunctionOcp(
        "nmc811_lgm50_entropic_change_oregan2022", "LG M50 NMC 811 entropic change of O'Regan et al. 2022 (PyBaMM ORegan2022: nmc_LGM50_entropic_change_ORegan2022)",
        Nmc811Lgm50);

    private static double Nmc811Lgm50(double x, out double slope)
    {
        const double a1 = 0.04006, b1 = 0.2828, c1 = 0.0009855, a2 = -0.06656, b2 = 0.8032, c2 = 0.02179;
        double g1 = a1 * Math.Exp(-(x - b1) * (x - b1) / c1), g2 = a2 * Math.Exp(-(x - b2) * (x - b2) / c2);
        slope = (g1 * (-2 * (x - b1) / c1) + g2 * (-2 * (x - b2) / c2)) / 1000;
        return (g1 + g2) / 1000;
    }

    /// <summary>A constant ∂U/∂T [V/K].</summary>
    public static IOpenCircuitPotential Constant(double voltsPerKelvin) => new FunctionOcp(
        "constant", "constant entropic coefficient of the case", _ => voltsPerKelvin, _ => 0.0);

    private static readonly IReadOnlyList<IOpenCircuitPotential> Named = [GraphiteMoura2016, LithiumCobaltOxideMoura2016, GraphiteLgm50ORegan2022, Nmc811Lgm50ORegan2022];

    /// <summary>The names a case can give in <c>ocp.entropic_function</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = Named.Select(f => f.Name).ToArray();

    public static IOpenCircuitPotential ByName(string name) =>
        Named.FirstOrDefault(f => f.Name == name) ?? throw new KeyNotFoundException($"unknown entropic function '{name}'; known: {string.Join(", ", Names)}");
}
