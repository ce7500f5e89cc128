namespace ElectrodeSim.Materials;

/// <summary>One measured coating variant of a <see cref="CoatingQualityMap"/>: its alkali solubility and its per-variant values, each with its source.</summary>
public sealed record CoatingQualityPoint
{
    /// <summary>Variant name, e.g. <c>SiO@C-l</c>.</summary>
    public required string Variant { get; init; }
    /// <summary>Alkali solubility α [%]: the share of the active material the coating leaves open to NaOH (lower: a denser carbon network).</summary>
    public required double AlkaliSolubilityPercent { get; init; }
    /// <summary>Apparent solid diffusivity at 298.15 K [m²/s].</summary>
    public required double SolidDiffusivity { get; init; }
    /// <summary>Activation energy of the interfacial Li⁺ transfer [J/mol].</summary>
    public required double ActivationEnergy { get; init; }
    /// <summary>Interface film resistance per particle surface [Ω·m²].</summary>
    public required double FilmResistance { get; init; }
    /// <summary>Where α, D_s, Ea and R_film of this point come from.</summary>
    public required string AlkaliSolubilitySource { get; init; }
    public required string SolidDiffusivitySource { get; init; }
    public required string ActivationEnergySource { get; init; }
    public required string FilmResistanceSource { get; init; }
}

/// <summary>The per-variant values a <see cref="CoatingQualityMap"/> gives at one α.</summary>
/// <param name="SolidDiffusivity">D_s at 298.15 K [m²/s].</param>
/// <param name="ActivationEnergy">Ea of the interfacial reaction [J/mol].</param>
/// <param name="FilmResistance">R_film per particle surface [Ω·m²].</param>
/// <param name="Extrapolated">Whether α lies outside the measured points.</param>
public sealed record CoatingQualityValues(double SolidDiffusivity, double ActivationEnergy, double FilmResistance, bool Extrapolated);

/// <summary>
/// Coating quality as a continuous variable (MODEL.md §5): the alkali solubility α of a carbon coating mapped to
/// every quantity in which the measured variants differ, by piecewise-linear interpolation through the measured
/// points — D_s log-linearly (ln D_s linear in α), Ea and R_film linearly.
/// Outside the measured points (<see cref="ExtrapolationRule"/>) the first or last segment is continued
/// linearly and the result clamped to its physical range (Ea ≥ 0, R_film ≥ 0; D_s stays > 0 in log space).
/// Why linear and not flat: a sweep over α (0–50 %) should keep the measured trend at its ends rather than
/// pretend the coating stops mattering at 4.8 % and 47.5 %; the clamp keeps a long extrapolation physical, and
/// every extrapolated value is marked in the result's provenance.
/// Every quantity must be monotone in α, in the direction of a worse interface network (D_s never rises, Ea and
/// R_film never fall): the constructor refuses a table that is not.
/// </summary>
public sealed class CoatingQualityMap
{
    /// <summary>The rule outside the measured points, as written into docs and provenance.</summary>
    public const string ExtrapolationRule =
        "outside the measured points the first or last segment is continued linearly (ln D_s, Ea, R_film linear in alpha), "
        + "clamped to physical ranges (Ea >= 0, R_film >= 0; D_s > 0 by construction)";

    /// <summary>Accepted range of α [%]: a percentage.</summary>
    public const double MinAlkaliSolubility = 0, MaxAlkaliSolubility = 100;

    public CoatingQualityMap(string name, string source, IReadOnlyList<CoatingQualityPoint> points)
    {
        if (points.Count < 2) throw new ArgumentException("a coating-quality map needs at least two points", nameof(points));
        for (int i = 1; i < points.Count; i++)
        {
            var (a, b) = (points[i - 1], points[i]);
            if (!(b.AlkaliSolubilityPercent > a.AlkaliSolubilityPercent))
                throw new ArgumentException($"{name}: alkali solubility must increase from point to point ({a.Variant} {a.AlkaliSolubilityPercent} %, {b.Variant} {b.AlkaliSolubilityPercent} %)");
            // A worse interface network never conducts better.
            if (b.SolidDiffusivity > a.SolidDiffusivity || b.ActivationEnergy < a.ActivationEnergy || b.FilmResistance < a.FilmResistance)
                throw new ArgumentException($"{name}: not monotone between {a.Variant} and {b.Variant}: D_s must not rise, Ea and R_film must not fall with alkali solubility");
        }
        if (points.Any(p => !(p.SolidDiffusivity > 0) || !(p.ActivationEnergy >= 0) || !(p.FilmResistance >= 0)))
            throw new ArgumentException($"{name}: D_s > 0, Ea >= 0 and R_film >= 0 at every point");
        Name = name;
        Source = source;
        Points = points;
    }

    /// <summary>Name of the map, e.g. <c>Zhang2024_SiO_C</c>.</summary>
    public string Name { get; }
    /// <summary>Citation of the measured points.</summary>
    public string Source { get; }
    /// <summary>The measured points, in increasing α.</summary>
    public IReadOnlyList<CoatingQualityPoint> Points { get; }
    /// <summary>α of the first and last measured point [%].</summary>
    public double MeasuredMin => Points[0].AlkaliSolubilityPercent;
    public double MeasuredMax => Points[^1].AlkaliSolubilityPercent;

    /// <summary>The values at alkali solubility <paramref name="alpha"/> [%]; at a measured point exactly that point's values.</summary>
    public CoatingQualityValues Evaluate(double alpha)
    {
        if (!double.IsFinite(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "a finite alkali solubility");
        foreach (var p in Points)
            if (alpha == p.AlkaliSolubilityPercent) return new(p.SolidDiffusivity, p.ActivationEnergy, p.FilmResistance, false);
        int k = 0;
        while (k < Points.Count - 2 && alpha > Points[k + 1].AlkaliSolubilityPercent) k++;
        var (a, b) = (Points[k], Points[k + 1]);
        double t = (alpha - a.AlkaliSolubilityPercent) / (b.AlkaliSolubilityPercent - a.AlkaliSolubilityPercent);
        double lnD = Math.Log(a.SolidDiffusivity) + t * (Math.Log(b.SolidDiffusivity) - Math.Log(a.SolidDiffusivity));
        double ea = a.ActivationEnergy + t * (b.ActivationEnergy - a.ActivationEnergy);
        double film = a.FilmResistance + t * (b.FilmResistance - a.FilmResistance);
        return new(Math.Exp(lnD), Math.Max(0, ea), Math.Max(0, film), alpha < MeasuredMin || alpha > MeasuredMax);
    }
}

/// <summary>The coating-quality maps compiled into ElectrodeSim.</summary>
public static class CoatingQualityMaps
{
    private const string Calibration = "calibrated: R_film = k (alpha - 4.8 %), k = 2.75983e-4 Ohm m2 per %, shared by l/m/h, cases/calibration/sio-c.yaml (to the paper's capacities 737.2 / 693.9 / 644.6 mAh/g and 0.06 V gap l - h)";

    /// <summary>
    /// SiO@C-l / -m / -h of Zhang et al., Nano-Micro Lett. 16:43 (2024), doi:10.1007/s40820-023-01267-3:
    /// α from Fig. 1c, D_s from Fig. 4c (apparent D_Li from CV, cm²/s × 1e-4), Ea from Fig. 4h, R_film from the
    /// calibration of <c>cases/calibration/sio-c.yaml</c>. The values equal those of <c>cases/sio-c-{l,m,h}.yaml</c>
    /// (a test holds them together).
    /// </summary>
    public static CoatingQualityMap Zhang2024SiOC { get; } = new("Zhang2024_SiO_C",
        "Zhang et al., Nano-Micro Letters 16:43 (2024), doi:10.1007/s40820-023-01267-3",
        [
            new CoatingQualityPoint
            {
                Variant = "SiO@C-l", AlkaliSolubilityPercent = 4.8, SolidDiffusivity = 4.12e-13, ActivationEnergy = 12060, FilmResistance = 0,
                AlkaliSolubilitySource = "paper Fig. 1c", SolidDiffusivitySource = "paper Fig. 4c: 4.12e-9 cm2/s",
                ActivationEnergySource = "paper Fig. 4h: 12.06 kJ/mol", FilmResistanceSource = Calibration,
            },
            new CoatingQualityPoint
            {
                Variant = "SiO@C-m", AlkaliSolubilityPercent = 21.7, SolidDiffusivity = 8.15e-14, ActivationEnergy = 15550, FilmResistance = 0.004664117081940724,
                AlkaliSolubilitySource = "paper Fig. 1c", SolidDiffusivitySource = "paper Fig. 4c: 8.15e-10 cm2/s",
                ActivationEnergySource = "paper Fig. 4h: 15.55 kJ/mol", FilmResistanceSource = Calibration,
            },
            new CoatingQualityPoint
            {
                Variant = "SiO@C-h", AlkaliSolubilityPercent = 47.5, SolidDiffusivity = 2.04e-14, ActivationEnergy = 24530, FilmResistance = 0.011784485171530707,
                AlkaliSolubilitySource = "paper Fig. 1c", SolidDiffusivitySource = "paper Fig. 4c: 2.04e-10 cm2/s",
                ActivationEnergySource = "paper Fig. 4h: 24.53 kJ/mol", FilmResistanceSource = Calibration,
            },
        ]);
}
