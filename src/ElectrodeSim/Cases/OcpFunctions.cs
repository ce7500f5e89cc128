using ElectrodeSim.Materials;

namespace ElectrodeSim.Cases;

/// <summary>The equilibrium-potential curves a case can name in <c>electrode.ocp.function</c>, or read from <c>electrode.ocp.table</c>.</summary>
public static class OcpFunctions
{
    /// <summary>The SiO stand-in curve (<see cref="SiOStandInOcp"/>); takes <c>electrode.ocp.parameters</c>.</summary>
    public const string SiOStandIn = "sio_stand_in";
    /// <summary>Silicon lithiation branch of Verbrugge et al. 2016.</summary>
    public const string SiliconLithiationVerbrugge2016 = "silicon_lithiation_verbrugge2016";
    /// <summary>Silicon delithiation branch of Verbrugge et al. 2016.</summary>
    public const string SiliconDelithiationVerbrugge2016 = "silicon_delithiation_verbrugge2016";

    /// <summary>The closed-form curves of the full-cell parameter sets (Marquis2019, Chen2020, Ecker2015), by their names.</summary>
    private static readonly IReadOnlyList<IOpenCircuitPotential> Named =
    [
        GraphiteOcp.Dualfoil1998, PositiveElectrodeOcp.LithiumCobaltOxideDualfoil1998,
        GraphiteOcp.Chen2020, PositiveElectrodeOcp.Nmc811Chen2020,
        GraphiteOcp.Ecker2015, PositiveElectrodeOcp.NickelCobaltOxideEcker2015,
    ];

    public static IReadOnlyList<string> Names { get; } =
        [SiOStandIn, SiliconLithiationVerbrugge2016, SiliconDelithiationVerbrugge2016, .. Named.Select(o => o.Name)];

    /// <summary>Default end potential U(1) of the SiO stand-in [V]: the paper's curve is normalised to its 0.01 V end (MODEL.md §5).</summary>
    public const double DefaultStandInEndPotential = 0.01;

    /// <summary>
    /// The θ,U table at <paramref name="table"/> (relative to the case file), read as a regular file of at most
    /// <see cref="InputLimits.MaxTableBytes"/>. Throws <see cref="FileNotFoundException"/>, <see cref="InputFileException"/>
    /// (not a path, not a regular file, too large, not UTF-8) or <see cref="OcpTableException"/> (a bad row or cell).
    /// </summary>
    public static TabulatedOcp ReadTable(string table, CaseDocument document)
    {
        if (InputFiles.PathProblem(table) is { } problem) throw new InputFileException(table, problem, "the path of a θ,U table (CSV)");
        string full = document.ResolvePath(table);
        string text = InputFiles.ReadText(full, InputLimits.MaxTableBytes);
        return OcpTable.Parse(text, Path.GetFileName(full), Path.GetFileNameWithoutExtension(full));
    }

    /// <summary>
    /// The curve an OCP section describes; with hysteresis, the blend at its initial state (<see cref="OcpHysteresis.Initial"/>).
    /// Assumes the section has passed <see cref="CaseValidator"/>: exactly one of function / table / hysteresis, stand-in
    /// parameters present.
    /// </summary>
    public static IOpenCircuitPotential Create(OcpSection ocp, CaseDocument document) =>
        ocp.Hysteresis is { } hysteresis ? CreateHysteresis(hysteresis, document).Initial : Create(ocp.Function, ocp.Table, ocp.Parameters, document);

    /// <summary>The hysteresis model of an OCP section, or null when it has one curve.</summary>
    public static OcpHysteresis? CreateHysteresis(OcpSection ocp, CaseDocument document) =>
        ocp.Hysteresis is { } hysteresis ? CreateHysteresis(hysteresis, document) : null;

    /// <summary>The two branches, γ and the initial state of a validated hysteresis section.</summary>
    public static OcpHysteresis CreateHysteresis(OcpHysteresisSection hysteresis, CaseDocument document) => new(
        Create(hysteresis.Lithiation!, document),
        Create(hysteresis.Delithiation!, document),
        hysteresis.Gamma!.Value,
        hysteresis.InitialState ?? DefaultInitialHysteresisState);

    /// <summary>The curve of one branch of a hysteresis section.</summary>
    public static IOpenCircuitPotential Create(OcpBranchSection branch, CaseDocument document) =>
        Create(branch.Function, branch.Table, branch.Parameters, document);

    /// <summary>Default initial hysteresis state [1]: on the lithiation branch (the cases start by lithiating).</summary>
    public const double DefaultInitialHysteresisState = -1.0;

    private static IOpenCircuitPotential Create(string? function, string? table, SiOStandInSection? parameters, CaseDocument document)
    {
        if (table is { } path) return ReadTable(path, document);
        return function switch
        {
            SiOStandIn => new SiOStandInOcp(
                parameters!.EndPotentialV ?? DefaultStandInEndPotential,
                parameters.PlateauSlopeV!.Value,
                parameters.StepHeightV!.Value,
                parameters.StepCentre!.Value,
                parameters.StepWidth!.Value),
            SiliconLithiationVerbrugge2016 => OpenCircuitPotentials.SiliconLithiationVerbrugge2016,
            SiliconDelithiationVerbrugge2016 => OpenCircuitPotentials.SiliconDelithiationVerbrugge2016,
            { } name when Named.FirstOrDefault(o => o.Name == name) is { } named => named,
            _ => throw new KeyNotFoundException($"unknown OCP function '{function}'; known: {string.Join(", ", Names)}"),
        };
    }
}
