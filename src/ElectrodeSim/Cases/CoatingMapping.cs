using ElectrodeSim.Materials;

namespace ElectrodeSim.Cases;

/// <summary>What <c>coating.alkali_solubility_percent</c> set in one electrode section of a case.</summary>
public sealed record AppliedCoating
{
    /// <summary>Key path of the electrode section, e.g. <c>electrode</c>.</summary>
    public required string ElectrodePath { get; init; }
    /// <summary>α as given [%].</summary>
    public required double AlkaliSolubilityPercent { get; init; }
    public required CoatingQualityMap Map { get; init; }
    /// <summary>The map's values at α (all of them, also those an explicit key overrides).</summary>
    public required CoatingQualityValues Values { get; init; }
    /// <summary>Key path → the value the mapping wrote (keys the case does not give).</summary>
    public required IReadOnlyDictionary<string, double> Mapped { get; init; }
    /// <summary>Key paths of mapped quantities the case gives itself; the explicit key wins.</summary>
    public required IReadOnlyList<string> Explicit { get; init; }
}

/// <summary>
/// Lays an electrode's <c>coating</c> over its section: every quantity of the coating-quality map
/// (<see cref="CoatingQualityMaps.Zhang2024SiOC"/>) the section does not give itself is set from α —
/// <c>solid_diffusivity_m2_s</c> (unless <c>solid_diffusivity_function</c> is given), <c>kinetics.activation_energy_J_mol</c>
/// and <c>kinetics.film_resistance_ohm_m2</c>. An explicit key (in the case or its parameter set) overrides the mapping.
/// An α outside the accepted range is left to <see cref="CaseValidator"/>, which reports it.
/// </summary>
internal static class CoatingMapping
{
    public const string SolidDiffusivity = "solid_diffusivity_m2_s";
    public const string ActivationEnergy = "kinetics.activation_energy_J_mol";
    public const string FilmResistance = "kinetics.film_resistance_ohm_m2";

    public static CaseDefinition Apply(CaseDefinition c, out IReadOnlyList<AppliedCoating> applied)
    {
        var list = new List<AppliedCoating>();
        var electrode = Apply(c.Electrode, "electrode", list);
        var negative = Apply(c.NegativeElectrode, "negative_electrode", list);
        var positive = Apply(c.PositiveElectrode, "positive_electrode", list);
        applied = list;
        return list.Count == 0 ? c : c with { Electrode = electrode, NegativeElectrode = negative, PositiveElectrode = positive };
    }

    private static ElectrodeSection? Apply(ElectrodeSection? e, string at, List<AppliedCoating> list)
    {
        if (e?.Coating?.AlkaliSolubilityPercent is not { } alpha
            || !(alpha >= CoatingQualityMap.MinAlkaliSolubility && alpha <= CoatingQualityMap.MaxAlkaliSolubility)) return e;
        var map = CoatingQualityMaps.Zhang2024SiOC;
        var values = map.Evaluate(alpha);
        var mapped = new Dictionary<string, double>(StringComparer.Ordinal);
        var explicitKeys = new List<string>();
        var result = e;
        if (e.SolidDiffusivityM2S != null) explicitKeys.Add($"{at}.{SolidDiffusivity}");
        else if (e.SolidDiffusivityFunction != null) explicitKeys.Add($"{at}.solid_diffusivity_function");
        else
        {
            result = result with { SolidDiffusivityM2S = values.SolidDiffusivity };
            mapped[$"{at}.{SolidDiffusivity}"] = values.SolidDiffusivity;
        }
        var kinetics = e.Kinetics ?? new KineticsSection();
        if (kinetics.ActivationEnergyJMol != null) explicitKeys.Add($"{at}.{ActivationEnergy}");
        else
        {
            kinetics = kinetics with { ActivationEnergyJMol = values.ActivationEnergy };
            mapped[$"{at}.{ActivationEnergy}"] = values.ActivationEnergy;
        }
        if (kinetics.FilmResistanceOhmM2 != null) explicitKeys.Add($"{at}.{FilmResistance}");
        else
        {
            kinetics = kinetics with { FilmResistanceOhmM2 = values.FilmResistance };
            mapped[$"{at}.{FilmResistance}"] = values.FilmResistance;
        }
        list.Add(new AppliedCoating
        {
            ElectrodePath = at, AlkaliSolubilityPercent = alpha, Map = map, Values = values, Mapped = mapped, Explicit = explicitKeys,
        });
        return result with { Kinetics = kinetics };
    }

    /// <summary>The note of a mapped key in <see cref="SimulationSetup.ParameterNotes"/>.</summary>
    public static string Note(AppliedCoating coating) =>
        $"coating map {coating.Map.Name}: {coating.ElectrodePath}.coating.alkali_solubility_percent = {coating.AlkaliSolubilityPercent:G6} %, "
        + (coating.Values.Extrapolated ? $"extrapolated beyond the measured [{coating.Map.MeasuredMin:G6}, {coating.Map.MeasuredMax:G6}] % ({CoatingQualityMap.ExtrapolationRule})"
            : $"piecewise-linear between the measured points ({string.Join(", ", coating.Map.Points.Select(p => $"{p.Variant} {p.AlkaliSolubilityPercent:G6} %"))})");
}
