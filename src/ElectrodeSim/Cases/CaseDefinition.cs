using YamlDotNet.Serialization;

namespace ElectrodeSim.Cases;

// The records below mirror the case YAML key for key. They are read by YamlDotNet with the
// underscored naming convention (ThicknessUm ↔ thickness_um); keys whose unit is written in
// mixed case (temperature_K, voltage_V, current_density_mA_cm2) carry an explicit alias,
// because the convention lower-cases everything. Scalars are nullable so that a missing key
// reaches CaseValidator as null and is reported by its path instead of silently defaulting.
// Practical units (µm, mA/cm², mAh/g) appear only where the key says so; CaseBuilder
// converts to SI.

/// <summary>The root of a case file.</summary>
public sealed record CaseDefinition
{
    /// <summary>Case name (required), e.g. <c>SiO@C-l</c>.</summary>
    public string? Name { get; init; }
    /// <summary>Free text.</summary>
    public string? Description { get; init; }
    /// <summary>
    /// Name of a parameter set (<see cref="ParameterSets.Names"/>, e.g. <c>Marquis2019</c>; <c>NAME@VERSION</c>
    /// pins its version). Its keys are the defaults of this case: every key written here overrides the
    /// set's value at the same key path, and giving one of a pair of alternative keys (such as
    /// <c>effective_conductivity_S_m</c> for <c>solid_conductivity_S_m</c>) replaces the set's choice.
    /// </summary>
    public string? ParameterSet { get; init; }
    /// <summary>Where the parameter set comes from; copied into the output file.</summary>
    public ProvenanceSection? Provenance { get; init; }
    /// <summary>Cell type and operating temperature.</summary>
    public CellSection? Cell { get; init; }
    /// <summary>Counter electrode of a half cell; every key optional.</summary>
    public LithiumFoilSection? LithiumFoil { get; init; }
    /// <summary>Electrolyte correlation and concentrations.</summary>
    public ElectrolyteSection? Electrolyte { get; init; }
    /// <summary>Porous separator.</summary>
    public SeparatorSection? Separator { get; init; }
    /// <summary>The working electrode of a half cell.</summary>
    public ElectrodeSection? Electrode { get; init; }
    /// <summary>The negative electrode of a full cell (at x = 0, grounded collector).</summary>
    public ElectrodeSection? NegativeElectrode { get; init; }
    /// <summary>The positive electrode of a full cell (the cell voltage is its collector's potential).</summary>
    public ElectrodeSection? PositiveElectrode { get; init; }
    /// <summary>Steps run in order (required, non-empty).</summary>
    public List<ProtocolStepSection>? Protocol { get; init; }
    /// <summary>Cell counts; defaults from <see cref="ElectrodeSim.Mesh.MeshSettings"/>.</summary>
    public MeshSection? Mesh { get; init; }
    /// <summary>Time-integration settings; defaults from <see cref="ElectrodeSim.Numerics.TimeIntegration.BdfOptions"/>.</summary>
    public SolverSection? Solver { get; init; }
    /// <summary>What is written to the output file.</summary>
    public OutputSection? Output { get; init; }
}

/// <summary>Parameter provenance (BattMo's metadata block): title, source, DOI and per-key notes.</summary>
public sealed record ProvenanceSection
{
    /// <summary>Title of the parameter set or source paper.</summary>
    public string? Title { get; init; }
    /// <summary>Citation of the source.</summary>
    public string? Source { get; init; }
    /// <summary>DOI of the source, e.g. <c>10.1007/s40820-023-01267-9</c>.</summary>
    public string? Doi { get; init; }
    /// <summary>Version of the parameter set (text), raised whenever a value changes.</summary>
    public string? Version { get; init; }
    /// <summary>
    /// Key path → note, e.g. <c>electrode.kinetics.exchange_current_prefactor_A_m2: "calibrated: …"</c>.
    /// A note for a key path the case does not set is a warning (the note is kept); an empty note is an error.
    /// </summary>
    public Dictionary<string, string>? Notes { get; init; }
}

/// <summary>Cell-level settings.</summary>
public sealed record CellSection
{
    /// <summary>
    /// Cell type: <c>half</c> (the working electrode <c>electrode</c> against lithium foil) or <c>full</c>
    /// (<c>negative_electrode</c> | separator | <c>positive_electrode</c>, negative collector grounded).
    /// </summary>
    public string? Type { get; init; }
    /// <summary>Cell temperature [K], in (200, 400).</summary>
    [YamlMember(Alias = "temperature_K", ApplyNamingConventions = false)]
    public double? TemperatureK { get; init; }
    /// <summary>Current density of 1C [A/m²] for <c>c_rate</c> steps; default the working (half cell) or positive (full cell) electrode's theoretical capacity per hour, ε_s c_max F L / 3600.</summary>
    [YamlMember(Alias = "one_c_current_density_A_m2", ApplyNamingConventions = false)]
    public double? OneCCurrentDensityAM2 { get; init; }
}

/// <summary>Lithium-metal counter electrode, j0_Li = k F c_Li^0.7 c_e^0.3 (Xu et al. 2019). Defaults from <see cref="ElectrodeSim.Model.LithiumFoilParameters"/>.</summary>
public sealed record LithiumFoilSection
{
    /// <summary>Rate coefficient k [m/s]; default 3.5e-8.</summary>
    public double? RateCoefficientMS { get; init; }
    /// <summary>Lithium-metal concentration c_Li = 1 / molar volume [mol/m³]; default 1/1.3e-5.</summary>
    public double? LithiumConcentrationMolM3 { get; init; }
    /// <summary>Anodic transfer coefficient of the foil reaction [1], in (0, 1); default 0.5.</summary>
    public double? TransferCoefficient { get; init; }
}

/// <summary>Electrolyte: a named correlation and its concentrations.</summary>
public sealed record ElectrolyteSection
{
    /// <summary>Name of a correlation in <see cref="ElectrodeSim.Materials.Electrolytes.Names"/>, e.g. <c>Valoen2005</c>.</summary>
    public string? Correlation { get; init; }
    /// <summary>Initial salt concentration [mol/m³], &gt; 0.</summary>
    public double? InitialConcentrationMolM3 { get; init; }
    /// <summary>Reference concentration of the exchange current density [mol/m³], &gt; 0; default 1000.</summary>
    public double? ReferenceConcentrationMolM3 { get; init; }
    /// <summary>Cation transference number t+ [1], in (0, 1); default the correlation's own.</summary>
    public double? TransferenceNumber { get; init; }
}

/// <summary>Porous separator.</summary>
public sealed record SeparatorSection
{
    /// <summary>Thickness [µm], &gt; 0.</summary>
    public double? ThicknessUm { get; init; }
    /// <summary>Electrolyte volume fraction [1], in (0, 1] (1: a free electrolyte layer).</summary>
    public double? Porosity { get; init; }
    /// <summary>Bruggeman exponent of electrolyte transport [1], in [0, 5]; default 1.5.</summary>
    public double? Bruggeman { get; init; }
}

/// <summary>Porous insertion electrode of spherical particles (the working electrode of a half cell, or either electrode of a full cell).</summary>
public sealed record ElectrodeSection
{
    /// <summary>Electrode name; default the case name.</summary>
    public string? Name { get; init; }
    /// <summary>Thickness [µm], &gt; 0.</summary>
    public double? ThicknessUm { get; init; }
    /// <summary>Electrolyte volume fraction ε_e [1], in (0, 1); ε_e + ε_s ≤ 1 (1: no carbon or binder, as in Chen2020).</summary>
    public double? Porosity { get; init; }
    /// <summary>Active-material volume fraction ε_s [1], in (0, 1).</summary>
    public double? ActiveVolumeFraction { get; init; }
    /// <summary>Particle radius [µm], &gt; 0.</summary>
    public double? ParticleRadiusUm { get; init; }
    /// <summary>Bruggeman exponent of electrolyte transport [1], in [0, 5]; default 1.5.</summary>
    public double? Bruggeman { get; init; }
    /// <summary>Intrinsic electronic conductivity of the solid σ_s [S/m], &gt; 0; σ_eff = σ_s ε_s^solid_bruggeman. Exactly one of this and <c>effective_conductivity_S_m</c>.</summary>
    [YamlMember(Alias = "solid_conductivity_S_m", ApplyNamingConventions = false)]
    public double? SolidConductivitySM { get; init; }
    /// <summary>Effective electronic conductivity σ_eff [S/m], &gt; 0, used as given.</summary>
    [YamlMember(Alias = "effective_conductivity_S_m", ApplyNamingConventions = false)]
    public double? EffectiveConductivitySM { get; init; }
    /// <summary>Bruggeman exponent of the solid conductivity [1], in [0, 5]; default 1.5.</summary>
    public double? SolidBruggeman { get; init; }
    /// <summary>Density of the active material [kg/m³], &gt; 0; required in a half cell (for mAh/g), optional in a full cell (specific capacity is then not reported).</summary>
    public double? ActiveDensityKgM3 { get; init; }
    /// <summary>Theoretical specific capacity Q [mAh/g], &gt; 0; c_max = 3600 Q ρ / F. Exactly one of this and <c>max_concentration_mol_m3</c>.</summary>
    [YamlMember(Alias = "max_capacity_mAh_g", ApplyNamingConventions = false)]
    public double? MaxCapacityMAhG { get; init; }
    /// <summary>Maximum lithium concentration c_s,max [mol/m³], &gt; 0.</summary>
    public double? MaxConcentrationMolM3 { get; init; }
    /// <summary>Uniform initial state of lithiation θ0 = c_s / c_s,max [1], in (0, 1). Exactly one of this and <c>initial_concentration_mol_m3</c>.</summary>
    public double? InitialStateOfLithiation { get; init; }
    /// <summary>Uniform initial lithium concentration c_s,0 [mol/m³], in (0, c_s,max).</summary>
    public double? InitialConcentrationMolM3 { get; init; }
    /// <summary>Solid diffusivity at 298.15 K [m²/s], &gt; 0. Exactly one of this and <c>solid_diffusivity_function</c>.</summary>
    public double? SolidDiffusivityM2S { get; init; }
    /// <summary>Activation energy of the solid diffusivity [J/mol], in [0, 200 000); default 0. Only with <c>solid_diffusivity_m2_s</c>.</summary>
    [YamlMember(Alias = "solid_diffusivity_activation_energy_J_mol", ApplyNamingConventions = false)]
    public double? SolidDiffusivityActivationEnergyJMol { get; init; }
    /// <summary>A named concentration-dependent D_s(θ, T) [m²/s] with its own temperature dependence: see <see cref="ElectrodeSim.Materials.SolidDiffusivities.Names"/>.</summary>
    public string? SolidDiffusivityFunction { get; init; }
    /// <summary>
    /// Coating quality as one number (MODEL.md §5): sets every key the SiO@C-l/-m/-h cases differ in
    /// (<c>solid_diffusivity_m2_s</c>, <c>kinetics.activation_energy_J_mol</c>, <c>kinetics.film_resistance_ohm_m2</c>)
    /// from the alkali solubility through <see cref="ElectrodeSim.Materials.CoatingQualityMaps.Zhang2024SiOC"/>;
    /// a key given explicitly overrides the mapping.
    /// </summary>
    public CoatingSection? Coating { get; init; }
    /// <summary>Butler–Volmer kinetics of the particle surface.</summary>
    public KineticsSection? Kinetics { get; init; }
    /// <summary>Equilibrium potential U(θ).</summary>
    public OcpSection? Ocp { get; init; }
}

/// <summary>
/// The carbon coating's quality, mapped to the per-variant quantities by piecewise-linear interpolation
/// through the paper's measured variants (<see cref="ElectrodeSim.Materials.CoatingQualityMap"/>): ln D_s, Ea and
/// R_film linear in α between α = 4.8 / 21.7 / 47.5 % (SiO@C-l / -m / -h); outside them the first or last segment
/// is continued linearly, clamped to Ea ≥ 0 and R_film ≥ 0 (<see cref="ElectrodeSim.Materials.CoatingQualityMap.ExtrapolationRule"/>),
/// with a warning.
/// </summary>
public sealed record CoatingSection
{
    /// <summary>Alkali solubility α of the coated particles [%], in [0, 100] (paper Fig. 1c; lower: a denser carbon network).</summary>
    public double? AlkaliSolubilityPercent { get; init; }
}

/// <summary>
/// Butler–Volmer kinetics, j0_ref(T) = j0' exp(−Ea / R T) (MODEL.md §2), given either by j0' or by the
/// mass-action rate constant k of <c>j0 = k c_e^α_a c_s^α_c (c_max − c_s)^α_a exp(Ea/R (1/T_ref − 1/T))</c>
/// (the PyBaMM / COMSOL form), converted exactly: j0' = k c_e,ref^α_a (c_max/2)^(α_a+α_c) exp(Ea / R T_ref).
/// </summary>
public sealed record KineticsSection
{
    /// <summary>Exchange-current prefactor j0' [A/m²], &gt; 0. Exactly one of this and <c>rate_constant</c>.</summary>
    [YamlMember(Alias = "exchange_current_prefactor_A_m2", ApplyNamingConventions = false)]
    public double? ExchangeCurrentPrefactorAM2 { get; init; }
    /// <summary>Rate constant k [(A/m²)(m³/mol)^(2α_a+α_c)], &gt; 0 ((A/m²)(m³/mol)^1.5 for α_a = α_c = ½).</summary>
    public double? RateConstant { get; init; }
    /// <summary>Reference temperature T_ref of <c>rate_constant</c> [K], in (200, 400); default 298.15.</summary>
    [YamlMember(Alias = "reference_temperature_K", ApplyNamingConventions = false)]
    public double? ReferenceTemperatureK { get; init; }
    /// <summary>Activation energy Ea of the interfacial reaction [J/mol], in [0, 200 000).</summary>
    [YamlMember(Alias = "activation_energy_J_mol", ApplyNamingConventions = false)]
    public double? ActivationEnergyJMol { get; init; }
    /// <summary>Anodic transfer coefficient α_a [1], in (0, 1); default 0.5.</summary>
    public double? AnodicTransferCoefficient { get; init; }
    /// <summary>Cathodic transfer coefficient α_c [1], in (0, 1); default 0.5.</summary>
    public double? CathodicTransferCoefficient { get; init; }
    /// <summary>Film resistance per unit particle surface R_film [Ω·m²], ≥ 0; default 0.</summary>
    public double? FilmResistanceOhmM2 { get; init; }
}

/// <summary>Equilibrium potential: exactly one of a named function or a θ,U table.</summary>
public sealed record OcpSection
{
    /// <summary>Name of a closed-form U(θ): see <see cref="OcpFunctions.Names"/>.</summary>
    public string? Function { get; init; }
    /// <summary>
    /// Path of a θ,U table relative to the case file: a regular UTF-8 file of at most 16 MiB
    /// (<see cref="InputLimits.MaxTableBytes"/>), CSV with '#' comments and an optional header, θ [1] in [0, 1]
    /// strictly increasing and U [V] in the first two columns, finite, at least two rows (<see cref="ElectrodeSim.Materials.OcpTable"/>).
    /// </summary>
    public string? Table { get; init; }
    /// <summary>Parameters of <c>sio_stand_in</c> (and only of it).</summary>
    public SiOStandInSection? Parameters { get; init; }
}

/// <summary>Parameters of <see cref="ElectrodeSim.Materials.SiOStandInOcp"/>.</summary>
public sealed record SiOStandInSection
{
    /// <summary>U(1) [V vs Li/Li+], in [0, 0.5]; default 0.01 (the curve is normalised to its 0.01 V end, MODEL.md §5).</summary>
    [YamlMember(Alias = "end_potential_V", ApplyNamingConventions = false)]
    public double? EndPotentialV { get; init; }
    /// <summary>Slope of the low plateau, volts per unit θ [V], in [0, 5].</summary>
    [YamlMember(Alias = "plateau_slope_V", ApplyNamingConventions = false)]
    public double? PlateauSlopeV { get; init; }
    /// <summary>Height of the logistic step [V], in [0, 5].</summary>
    [YamlMember(Alias = "step_height_V", ApplyNamingConventions = false)]
    public double? StepHeightV { get; init; }
    /// <summary>θ at the centre of the step [1], in (0, 1).</summary>
    public double? StepCentre { get; init; }
    /// <summary>Width of the step in θ [1], &gt; 0.</summary>
    public double? StepWidth { get; init; }
}

/// <summary>One protocol step. Currents are positive for lithiation of the working electrode (half cell) or discharge (full cell).</summary>
public sealed record ProtocolStepSection
{
    /// <summary>Step label; default <c>step N</c>.</summary>
    public string? Label { get; init; }
    /// <summary><c>current</c>, <c>voltage</c> or <c>rest</c>.</summary>
    public string? Mode { get; init; }
    /// <summary>Applied current density [A/m²] (mode current).</summary>
    [YamlMember(Alias = "current_density_A_m2", ApplyNamingConventions = false)]
    public double? CurrentDensityAM2 { get; init; }
    /// <summary>Applied current density [mA/cm²] (mode current); 1 mA/cm² = 10 A/m².</summary>
    [YamlMember(Alias = "current_density_mA_cm2", ApplyNamingConventions = false)]
    public double? CurrentDensityMACm2 { get; init; }
    /// <summary>Applied current per mass of active material [A/g] (mode current).</summary>
    [YamlMember(Alias = "specific_current_A_g", ApplyNamingConventions = false)]
    public double? SpecificCurrentAG { get; init; }
    /// <summary>Applied current in multiples of 1C [1/h] (mode current); see <c>cell.one_c_current_density_A_m2</c>.</summary>
    public double? CRate { get; init; }
    /// <summary>Held cell voltage [V] (mode voltage).</summary>
    [YamlMember(Alias = "voltage_V", ApplyNamingConventions = false)]
    public double? VoltageV { get; init; }
    /// <summary>
    /// Longest duration of the step [s], in (0, 1e8] (<see cref="CaseValidator.MaxStepDuration"/>, about 3 years).
    /// Optional: without it the step ends at one of its stop conditions (so a step needs at least one of the
    /// two), at a physical limit, as "stop unreachable" once its state has settled short of them, or at 1e8 s.
    /// </summary>
    public double? MaxDurationS { get; init; }
    /// <summary>Conditions that end the step early.</summary>
    public StopSection? Stop { get; init; }
}

/// <summary>Stop conditions of a step; the step ends at the first one met.</summary>
public sealed record StopSection
{
    /// <summary>End when the cell voltage falls to this value [V].</summary>
    [YamlMember(Alias = "voltage_below_V", ApplyNamingConventions = false)]
    public double? VoltageBelowV { get; init; }
    /// <summary>End when the cell voltage rises to this value [V].</summary>
    [YamlMember(Alias = "voltage_above_V", ApplyNamingConventions = false)]
    public double? VoltageAboveV { get; init; }
    /// <summary>End when the current-density magnitude falls to this value [A/m²], &gt; 0 (voltage steps).</summary>
    [YamlMember(Alias = "current_below_A_m2", ApplyNamingConventions = false)]
    public double? CurrentBelowAM2 { get; init; }
}

/// <summary>Cell counts: integers in [1, 2000]. The <c>negative_</c>/<c>positive_</c> keys (full cells only) override the common counts for one electrode.</summary>
public sealed record MeshSection
{
    /// <summary>Finite volumes across the separator [1].</summary>
    public int? SeparatorCells { get; init; }
    /// <summary>Finite volumes across each electrode [1].</summary>
    public int? ElectrodeCells { get; init; }
    /// <summary>Radial shells per particle [1].</summary>
    public int? ParticleShells { get; init; }
    /// <summary>Finite volumes across the negative electrode of a full cell [1]; default <c>electrode_cells</c>.</summary>
    public int? NegativeElectrodeCells { get; init; }
    /// <summary>Finite volumes across the positive electrode of a full cell [1]; default <c>electrode_cells</c>.</summary>
    public int? PositiveElectrodeCells { get; init; }
    /// <summary>Radial shells of the negative electrode's particles [1]; default <c>particle_shells</c>.</summary>
    public int? NegativeParticleShells { get; init; }
    /// <summary>Radial shells of the positive electrode's particles [1]; default <c>particle_shells</c>.</summary>
    public int? PositiveParticleShells { get; init; }
    /// <summary>Grading β of the particle shells toward the surface [1], in [0, 1): the outer shell is (1 − β) times the uniform width; default 0 (uniform).</summary>
    public double? ParticleSurfaceRefinement { get; init; }
}

/// <summary>Time integration (variable-order BDF) and discretisation scheme choices.</summary>
public sealed record SolverSection
{
    /// <summary>Relative tolerance of the local error test [1], in (0, 0.1); default 1e-4.</summary>
    public double? RelativeTolerance { get; init; }
    /// <summary>Highest BDF order, 1..5; default 5.</summary>
    public int? MaxOrder { get; init; }
    /// <summary>First step [s], ≥ 0; 0 (default) chooses one from the tolerance.</summary>
    public double? InitialStepS { get; init; }
    /// <summary>Largest step [s], &gt; 0; default unlimited.</summary>
    public double? MaxStepS { get; init; }
    /// <summary>Fixed step [s], ≥ 0; positive switches error control off (convergence studies); default 0.</summary>
    public double? FixedStepS { get; init; }
    /// <summary>Face average of transport coefficients: <c>harmonic</c> (default) or <c>arithmetic</c>.</summary>
    public string? FaceAverage { get; init; }
}

/// <summary>Output-file contents.</summary>
public sealed record OutputSection
{
    /// <summary>Write the spatial fields (true, default) or only the time series.</summary>
    public bool? Fields { get; init; }
    /// <summary>Write every n-th accepted time step [1], ≥ 1; default 1.</summary>
    public int? EveryNSteps { get; init; }
}
