namespace ElectrodeSim.Materials;

/// <summary>
/// Transport properties of a binary electrolyte in concentrated-solution theory: conductivity
/// κ(c, T) [S/m], salt diffusivity D(c, T) [m²/s], cation transference number t+ [1] and
/// thermodynamic factor 1 + dln f/dln c [1].
/// </summary>
public sealed class ElectrolyteProperties
{
    public required string Name { get; init; }
    public required string Source { get; init; }
    public required Correlation Conductivity { get; init; }
    public required Correlation Diffusivity { get; init; }
    public required double TransferenceNumber { get; init; }
    public required Correlation ThermodynamicFactor { get; init; }
}

/// <summary>Named LiPF6 carbonate electrolyte correlations.</summary>
public static class Electrolytes
{
    /// <summary>ln 10, the double Math.Log(10.0) returns: a constant, where the call is not folded (it cost a log per evaluation).</summary>
    private const double Ln10 = 2.302585092994046;

    public static IReadOnlyList<string> Names { get; } = ["Valoen2005", "Nyman2008", "Nyman2008Arrhenius", "Capiglia1999", "Ecker2015"];

    public static ElectrolyteProperties ByName(string name) => name switch
    {
        "Valoen2005" => Valoen2005,
        "Nyman2008" => Nyman2008,
        "Nyman2008Arrhenius" => Nyman2008Arrhenius,
        "Capiglia1999" => Capiglia1999,
        "Ecker2015" => Ecker2015,
        _ => throw new KeyNotFoundException($"unknown electrolyte '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// Valøen & Reimers, J. Electrochem. Soc. 152 (2005) A882, doi:10.1149/1.1872737: LiPF6 in
    /// PC/EC/DMC. κ eq. (17), D eq. (14) (its "ln" is log10), t+ = 0.38 and
    /// (1 − t+)(1 + dln f/dln c) = 0.601 − 0.24 c^0.5 + 0.982 [1 − 0.0052 (T − 294)] c^1.5 (c in mol/L).
    /// </summary>
    public static ElectrolyteProperties Valoen2005 { get; } = new()
    {
        Name = "Valoen2005",
        Source = "Valøen & Reimers, J. Electrochem. Soc. 152 (2005) A882, doi:10.1149/1.1872737",
        Conductivity = new Correlation("Valoen2005 conductivity", "Valøen & Reimers 2005 eq. 17", "S/m", (c, T) =>
        {
            double m = c / 1000.0;
            double s = (-10.5 + 0.0740 * T - 6.96e-5 * T * T) + m * (0.668 - 0.0178 * T + 2.80e-5 * T * T) + m * m * (0.494 - 8.86e-4 * T);
            return 0.1 * m * s * s;
        },
        (double c, double T, out double slope) =>
        {
            // dκ/dc = 0.1 (s² + 2 m s ds/dm) / 1000.
            double m = c / 1000.0;
            double b = 0.668 - 0.0178 * T + 2.80e-5 * T * T, a2 = 0.494 - 8.86e-4 * T;
            double s = (-10.5 + 0.0740 * T - 6.96e-5 * T * T) + m * b + m * m * a2;
            slope = 1e-4 * s * (s + 2 * m * (b + 2 * m * a2));
            return 0.1 * m * s * s;
        }),
        Diffusivity = new Correlation("Valoen2005 diffusivity", "Valøen & Reimers 2005 eq. 14", "m^2/s", (c, T) =>
        {
            double m = c / 1000.0;
            double tg = 229.0 + 5.0 * m;
            return Math.Exp(Ln10 * (-4.43 - 54.0 / (T - tg) - 0.22 * m)) * 1e-4;
        },
        (double c, double T, out double slope) =>
        {
            // dD/dc = D ln 10 (−270/(T − T_g)² − 0.22) / 1000, T_g = 229 + 5 m: one exp for both.
            double m = c / 1000.0;
            double gap = T - (229.0 + 5.0 * m);
            double d = Math.Exp(Ln10 * (-4.43 - 54.0 / gap - 0.22 * m)) * 1e-4;
            slope = d * Ln10 * (-270.0 / (gap * gap) - 0.22) / 1000.0;
            return d;
        }),
        TransferenceNumber = 0.38,
        ThermodynamicFactor = new Correlation("Valoen2005 thermodynamic factor", "Valøen & Reimers 2005 eq. 19", "1", (c, T) =>
        {
            double m = Math.Max(c, 0.0) / 1000.0;
            return (0.601 - 0.24 * Math.Sqrt(m) + 0.982 * (1 - 0.0052 * (T - 294.0)) * m * Math.Sqrt(m)) / (1 - 0.38);
        },
        (double c, double T, out double slope) =>
        {
            // d/dc of the above: (−0.12/√m + 1.473 [1 − 0.0052 (T − 294)] √m) / (1 − 0.38) / 1000; 0 below c = 0 (the clamp).
            double m = Math.Max(c, 0.0) / 1000.0;
            double root = Math.Sqrt(m);
            slope = c > 0 ? (-0.12 / root + 1.5 * 0.982 * (1 - 0.0052 * (T - 294.0)) * root) / (1 - 0.38) / 1000.0 : 0.0;
            return (0.601 - 0.24 * root + 0.982 * (1 - 0.0052 * (T - 294.0)) * m * root) / (1 - 0.38);
        }),
    };

    private static double NymanConductivity(double c) { double m = c / 1000.0; return 0.1297 * m * m * m - 2.51 * Math.Pow(m, 1.5) + 3.329 * m; }
    private static double NymanDiffusivity(double c) { double m = c / 1000.0; return 8.794e-11 * m * m - 3.972e-10 * m + 4.862e-10; }
    private static double EckerArrhenius(double T) => T == 298.15 ? 1.0 : Math.Exp(17000.0 / PhysicalConstants.GasConstant * (1 / 298.15 - 1 / T));

    /// <summary>Nyman et al., Electrochim. Acta 53 (2008) 6356, doi:10.1016/j.electacta.2008.04.023: LiPF6 in EC:EMC 3:7, 298 K only; t+ = 0.2594, TDF = 1 (as in Chen2020).</summary>
    public static ElectrolyteProperties Nyman2008 { get; } = new()
    {
        Name = "Nyman2008",
        Source = "Nyman et al., Electrochim. Acta 53 (2008) 6356, doi:10.1016/j.electacta.2008.04.023",
        Conductivity = new Correlation("Nyman2008 conductivity", "Nyman 2008", "S/m", (c, _) => NymanConductivity(c)),
        Diffusivity = new Correlation("Nyman2008 diffusivity", "Nyman 2008", "m^2/s", (c, _) => NymanDiffusivity(c)),
        TransferenceNumber = 0.2594,
        ThermodynamicFactor = Correlation.Constant("unit thermodynamic factor", "1", 1.0),
    };

    /// <summary>Nyman 2008 with the Ecker 2015 Arrhenius factor (17 kJ/mol about 298.15 K), as in O'Kane 2022.</summary>
    public static ElectrolyteProperties Nyman2008Arrhenius { get; } = new()
    {
        Name = "Nyman2008Arrhenius",
        Source = "Nyman et al. 2008 with Ecker et al. 2015 activation energy 17 kJ/mol",
        Conductivity = new Correlation("Nyman2008 conductivity (Arrhenius)", "Nyman 2008 / Ecker 2015", "S/m", (c, T) => NymanConductivity(c) * EckerArrhenius(T)),
        Diffusivity = new Correlation("Nyman2008 diffusivity (Arrhenius)", "Nyman 2008 / Ecker 2015", "m^2/s", (c, T) => NymanDiffusivity(c) * EckerArrhenius(T)),
        TransferenceNumber = 0.2594,
        ThermodynamicFactor = Correlation.Constant("unit thermodynamic factor", "1", 1.0),
    };

    /// <summary>
    /// Arrhenius factor exp(E/R (1/T_ref − 1/T)) [1]; at T = T_ref the exponent is exactly 0 and the factor exactly 1, returned
    /// without the exp (two per cell and evaluation in the transport coefficients of a run at its reference temperature:
    /// callgrind of the native bench -n 10, Marquis2019 1C 6849.1 → 6813.7 M instructions, the same bits).
    /// </summary>
    private static double Arrhenius(double activationEnergy, double referenceTemperature, double temperature) =>
        temperature == referenceTemperature ? 1.0 : Math.Exp(activationEnergy / PhysicalConstants.GasConstant * (1 / referenceTemperature - 1 / temperature));

    /// <summary>
    /// LiPF6 in EC:DMC as used by Marquis et al. 2019 (PyBaMM <c>electrolyte_*_Capiglia1999</c>):
    /// Capiglia et al., J. Power Sources 81–82 (1999) 859 (fit of Dualfoil).
    /// D_e = 5.34e-10 exp(−0.65 c/1000) m²/s, κ = 0.0911 + 1.9101 m − 1.052 m² + 0.1554 m³ S/m (m = c/1000),
    /// Arrhenius factors exp(E/R (1/298.15 − 1/T)) with E = 37 040 (D_e) and 34 700 J/mol (κ);
    /// t+ = 0.4 and thermodynamic factor 1 (Marquis2019).
    /// </summary>
    public static ElectrolyteProperties Capiglia1999 { get; } = new()
    {
        Name = "Capiglia1999",
        Source = "Capiglia et al., J. Power Sources 81-82 (1999) 859 (Dualfoil fit), as used by Marquis et al., J. Electrochem. Soc. 166 (2019) A3693",
        Conductivity = new Correlation("Capiglia1999 conductivity", "Capiglia et al. 1999 (Marquis2019)", "S/m",
            (c, T) =>
            {
                double m = c / 1000.0;
                return (0.0911 + 1.9101 * m - 1.052 * m * m + 0.1554 * m * m * m) * Arrhenius(34700, 298.15, T);
            },
            (double c, double T, out double slope) =>
            {
                double m = c / 1000.0;
                double arrhenius = Arrhenius(34700, 298.15, T);
                slope = (1.9101 - 2 * 1.052 * m + 3 * 0.1554 * m * m) / 1000.0 * arrhenius;
                return (0.0911 + 1.9101 * m - 1.052 * m * m + 0.1554 * m * m * m) * arrhenius;
            }),
        Diffusivity = new Correlation("Capiglia1999 diffusivity", "Capiglia et al. 1999 (Marquis2019)", "m^2/s",
            (c, T) => 5.34e-10 * Math.Exp(-0.65 * c / 1000.0) * Arrhenius(37040, 298.15, T),
            (double c, double T, out double slope) =>
            {
                double e = Math.Exp(-0.65 * c / 1000.0), arrhenius = Arrhenius(37040, 298.15, T);
                slope = -0.65e-3 * 5.34e-10 * e * arrhenius;
                return 5.34e-10 * e * arrhenius;
            }),
        TransferenceNumber = 0.4,
        ThermodynamicFactor = Correlation.Constant("unit thermodynamic factor", "1", 1.0),
    };

    /// <summary>κ of Ecker et al. 2015 at T: a cubic fit at 296 K scaled by (296/T) exp(−E/R (1/T − 1/296)), E = 17.1 kJ/mol.</summary>
    private static double EckerConductivity(double c, double T, out double dKdc)
    {
        double m = 1e-3 * c;
        double scale = 296.0 * Math.Exp(1.71e4 / (PhysicalConstants.GasConstant * 296.0)) * Math.Exp(-1.71e4 / (PhysicalConstants.GasConstant * T)) / T;
        dKdc = (3 * 0.2667 * m * m - 2 * 1.2983 * m + 1.7919) * 1e-3 * scale;
        return (0.2667 * m * m * m - 1.2983 * m * m + 1.7919 * m + 0.1726) * scale;
    }

    /// <summary>Nernst–Einstein factor k_B/(F q_e) = R/F² [(m²/s)·(mol/m³)/(S/m)/K].</summary>
    private const double NernstEinstein = PhysicalConstants.Boltzmann / (PhysicalConstants.Faraday * PhysicalConstants.ElementaryCharge);

    /// <summary>
    /// The LiPF6 electrolyte of the Kokam cell of Ecker et al., J. Electrochem. Soc. 162 (2015) A1836 (part I),
    /// doi:10.1149/2.0551509jes, as fitted by O'Kane in Richardson et al. 2020 (PyBaMM <c>Ecker2015</c>):
    /// κ = (0.2667 m³ − 1.2983 m² + 1.7919 m + 0.1726) (296/T) exp(−E/R (1/T − 1/296)) S/m, E = 17.1 kJ/mol, m = c/1000;
    /// D_e from κ by Nernst–Einstein, D_e = (k_B/(F q_e)) κ T / c; t+ = 0.26, thermodynamic factor 1.
    /// </summary>
    public static ElectrolyteProperties Ecker2015 { get; } = new()
    {
        Name = "Ecker2015",
        Source = "Ecker et al., J. Electrochem. Soc. 162 (2015) A1836, doi:10.1149/2.0551509jes; fit by O'Kane in Richardson et al., Electrochim. Acta 339 (2020) 135862",
        Conductivity = new Correlation("Ecker2015 conductivity", "Ecker et al. 2015 / Richardson et al. 2020", "S/m",
            (c, T) => EckerConductivity(c, T, out _),
            (double c, double T, out double slope) => EckerConductivity(c, T, out slope)),
        Diffusivity = new Correlation("Ecker2015 diffusivity (Nernst-Einstein from the conductivity)", "Ecker et al. 2015 / Richardson et al. 2020", "m^2/s",
            (c, T) => NernstEinstein * EckerConductivity(c, T, out _) * T / c,
            (double c, double T, out double slope) =>
            {
                double kappa = EckerConductivity(c, T, out double dk);
                slope = NernstEinstein * T * (dk / c - kappa / (c * c));
                return NernstEinstein * kappa * T / c;
            }),
        TransferenceNumber = 0.26,
        ThermodynamicFactor = Correlation.Constant("unit thermodynamic factor", "1", 1.0),
    };
}
