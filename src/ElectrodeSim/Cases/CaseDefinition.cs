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
    [Key("Case name", Required = KeyAttribute.Always)]
    public string? Name { get; init; }
    /// <summary>Free text.</summary>
    [Key("Free text describing the case")]
    public string? Description { get; init; }
    /// <summary>
    /// Name of a parameter set (<see cref="ParameterSets.Names"/>, e.g. <c>Marquis2019</c>; <c>NAME@VERSION</c>
    /// pins its version). Its keys are the defaults of this case: every key written here overrides the
    /// set's value at the same key path, and giving one of a pair of alternative keys (such as
    /// <c>effective_conductivity_S_m</c> for <c>solid_conductivity_S_m</c>) replaces the set's choice.
    /// </summary>
    [Key("A compiled-in parameter set whose keys are this case's defaults (NAME or NAME@VERSION); every key written here overrides the set's", ChoicesFrom = typeof(ParameterSets), Versioned = true)]
    public string? ParameterSet { get; init; }
    /// <summary>Where the parameter set comes from; copied into the output file.</summary>
    [Key("Where the parameters come from: title, source, DOI, version and per-key notes; copied into the result file")]
    public ProvenanceSection? Provenance { get; init; }
    /// <summary>Cell type and operating temperature.</summary>
    [Key("Cell type and operating temperature", Required = "yes, unless from parameter_set")]
    public CellSection? Cell { get; init; }
    /// <summary>Counter electrode of a half cell; every key optional.</summary>
    [Key("Lithium-metal counter electrode of a half cell (Xu et al. 2019 kinetics)")]
    public LithiumFoilSection? LithiumFoil { get; init; }
    /// <summary>Electrolyte correlation and concentrations.</summary>
    [Key("Electrolyte correlation and concentrations", Required = "yes, unless from parameter_set")]
    public ElectrolyteSection? Electrolyte { get; init; }
    /// <summary>Porous separator.</summary>
    [Key("Porous separator", Required = "yes, unless from parameter_set")]
    public SeparatorSection? Separator { get; init; }
    /// <summary>The working electrode of a half cell.</summary>
    [Key("The working electrode of a half cell", Required = "half cell")]
    public ElectrodeSection? Electrode { get; init; }
    /// <summary>The negative electrode of a full cell (at x = 0, grounded collector).</summary>
    [Key("The negative electrode of a full cell (at x = 0, grounded collector); same keys as electrode", Required = "full cell")]
    public ElectrodeSection? NegativeElectrode { get; init; }
    /// <summary>The positive electrode of a full cell (the cell voltage is its collector's potential).</summary>
    [Key("The positive electrode of a full cell (the cell voltage is its collector's potential); same keys as electrode", Required = "full cell")]
    public ElectrodeSection? PositiveElectrode { get; init; }
    /// <summary>Steps run in order (required, non-empty).</summary>
    [Key("Steps run in order (a non-empty sequence)", Required = "yes, unless from parameter_set")]
    public List<ProtocolStepSection>? Protocol { get; init; }
    /// <summary>Cell counts; defaults from <see cref="ElectrodeSim.Mesh.MeshSettings"/>.</summary>
    [Key("Finite-volume cell counts")]
    public MeshSection? Mesh { get; init; }
    /// <summary>The 2-D resolved-particle mode (MODEL.md §7); absent: the P2D model.</summary>
    [Key("The 2-D resolved-particle mode (MODEL.md §7): discs packed in the electrode on a Cartesian finite-volume mesh; absent: the P2D model")]
    public ResolvedSection? Resolved { get; init; }
    /// <summary>Time-integration settings; defaults from <see cref="ElectrodeSim.Numerics.TimeIntegration.BdfOptions"/>.</summary>
    [Key("Time integration (variable-order BDF) and discretisation choices")]
    public SolverSection? Solver { get; init; }
    /// <summary>What is written to the output file.</summary>
    [Key("What is written to the result file")]
    public OutputSection? Output { get; init; }
}

/// <summary>Parameter provenance (BattMo's metadata block): title, source, DOI and per-key notes.</summary>
public sealed record ProvenanceSection
{
    /// <summary>Title of the parameter set or source paper.</summary>
    [Key("Title of the parameter set or source paper")]
    public string? Title { get; init; }
    /// <summary>Citation of the source.</summary>
    [Key("Citation of the source")]
    public string? Source { get; init; }
    /// <summary>DOI of the source, e.g. <c>10.1007/s40820-023-01267-9</c>.</summary>
    [Key("DOI of the source, e.g. 10.1007/s40820-023-01267-3")]
    public string? Doi { get; init; }
    /// <summary>Version of the parameter set (text), raised whenever a value changes.</summary>
    [Key("Version of the parameter set, raised whenever a value changes")]
    public string? Version { get; init; }
    /// <summary>
    /// Key path → note, e.g. <c>electrode.kinetics.exchange_current_prefactor_A_m2: "calibrated: …"</c>.
    /// A note for a key path the case does not set is a warning (the note is kept); an empty note is an error.
    /// </summary>
    [Key("Key path -> note on how the value was obtained (\"rebuilt: ...\", \"calibrated: ...\"); a note for a key the case does not set is a warning")]
    public Dictionary<string, string>? Notes { get; init; }
}

/// <summary>Cell-level settings.</summary>
public sealed record CellSection
{
    /// <summary>
    /// Cell type: <c>half</c> (the working electrode <c>electrode</c> against lithium foil) or <c>full</c>
    /// (<c>negative_electrode</c> | separator | <c>positive_electrode</c>, negative collector grounded).
    /// </summary>
    [Key("half: the working electrode against lithium foil; full: negative | separator | positive, negative collector grounded", Required = "yes, unless from parameter_set", ChoicesFrom = typeof(CaseValidator), ChoicesMember = nameof(CaseValidator.CellTypes))]
    public string? Type { get; init; }
    /// <summary>Cell temperature [K], in (200, 400).</summary>
    [YamlMember(Alias = "temperature_K", ApplyNamingConventions = false)]
    [Key("Cell temperature", Unit = "K", Range = "in (200, 400)", Required = "yes, unless from parameter_set")]
    public double? TemperatureK { get; init; }
    /// <summary>Current density of 1C [A/m²] for <c>c_rate</c> steps; default the working (half cell) or positive (full cell) electrode's theoretical capacity per hour, ε_s c_max F L / 3600.</summary>
    [YamlMember(Alias = "one_c_current_density_A_m2", ApplyNamingConventions = false)]
    [Key("Current density of 1C for c_rate steps", Unit = "A/m²", Range = "> 0", Default = "the working (half cell) or positive (full cell) electrode's theoretical capacity per hour, ε_s c_max F L / 3600")]
    public double? OneCCurrentDensityAM2 { get; init; }
    /// <summary>The lumped thermal model (one cell temperature); absent or <c>model: isothermal</c>: isothermal at <c>temperature_K</c>.</summary>
    [Key("Lumped thermal model: one cell temperature T with m c_p dT/dt = Q_irr + Q_rev - h A (T - T_amb), per unit electrode area; absent: isothermal at temperature_K")]
    public ThermalSection? Thermal { get; init; }
}

/// <summary>
/// The lumped thermal model, per unit electrode area: <c>C dT/dt = Q − H (T − T_amb)</c> with C = m c_p / A_electrode
/// (or the areal heat capacity) and H = h A_cooling / A_electrode (or h times the cooling area per electrode area).
/// </summary>
public sealed record ThermalSection
{
    /// <summary><c>lumped</c> (one cell temperature) or <c>isothermal</c> (the default without this section).</summary>
    [Key("lumped: one cell temperature, an unknown of the model; isothermal: T = cell.temperature_K throughout (as without this section)", Required = KeyAttribute.Always, ChoicesFrom = typeof(CaseValidator), ChoicesMember = nameof(CaseValidator.ThermalModels))]
    public string? Model { get; init; }
    /// <summary>Specific heat capacity c_p of the cell [J/(kg K)], &gt; 0; with <c>mass_kg</c> and <c>electrode_area_m2</c>.</summary>
    [YamlMember(Alias = "heat_capacity_J_kgK", ApplyNamingConventions = false)]
    [Key("Specific heat capacity c_p of the whole cell (with mass_kg and electrode_area_m2: C = m c_p / A_electrode)", Unit = "J/(kg·K)", Range = "> 0", Required = "lumped: exactly one of heat_capacity_J_kgK (with mass_kg), areal_heat_capacity_J_m2K")]
    public double? HeatCapacityJKgK { get; init; }
    /// <summary>Mass m of the cell [kg], &gt; 0.</summary>
    [Key("Mass m of the cell", Unit = "kg", Range = "> 0", Required = "with heat_capacity_J_kgK")]
    public double? MassKg { get; init; }
    /// <summary>Heat capacity per unit electrode area C [J/(m² K)], &gt; 0 (instead of c_p, m and the area).</summary>
    [YamlMember(Alias = "areal_heat_capacity_J_m2K", ApplyNamingConventions = false)]
    [Key("Heat capacity per unit electrode area C = m c_p / A_electrode (instead of heat_capacity_J_kgK and mass_kg)", Unit = "J/(m²·K)", Range = "> 0", Required = "lumped: exactly one of heat_capacity_J_kgK (with mass_kg), areal_heat_capacity_J_m2K")]
    public double? ArealHeatCapacityJM2K { get; init; }
    /// <summary>Electrode area of the cell [m²] (all layers: the area the model's current density is per), &gt; 0.</summary>
    [Key("Electrode area A_electrode of the cell (all layers; the area the current densities are per)", Unit = "m²", Range = "> 0", Required = "with mass_kg or cooling_area_m2")]
    public double? ElectrodeAreaM2 { get; init; }
    /// <summary>Heat-transfer coefficient h to the ambient [W/(m² K)], ≥ 0 (0: adiabatic).</summary>
    [YamlMember(Alias = "heat_transfer_coefficient_W_m2K", ApplyNamingConventions = false)]
    [Key("Heat-transfer coefficient h from the cell surface to the ambient (0: adiabatic)", Unit = "W/(m²·K)", Range = ">= 0", Required = "lumped")]
    public double? HeatTransferCoefficientWM2K { get; init; }
    /// <summary>Cooled surface area of the cell [m²], &gt; 0; with <c>electrode_area_m2</c>.</summary>
    [Key("Cooled surface area A of the cell (with electrode_area_m2: H = h A / A_electrode)", Unit = "m²", Range = "> 0", Required = "lumped with h > 0: exactly one of cooling_area_m2, cooling_area_per_electrode_area")]
    public double? CoolingAreaM2 { get; init; }
    /// <summary>Cooled surface area per unit electrode area [1], &gt; 0.</summary>
    [Key("Cooled surface area per unit electrode area, A / A_electrode (instead of cooling_area_m2)", Unit = "1", Range = "> 0", Required = "lumped with h > 0: exactly one of cooling_area_m2, cooling_area_per_electrode_area")]
    public double? CoolingAreaPerElectrodeArea { get; init; }
    /// <summary>Ambient temperature [K], in (200, 400); default <c>cell.temperature_K</c>.</summary>
    [YamlMember(Alias = "ambient_temperature_K", ApplyNamingConventions = false)]
    [Key("Ambient temperature T_amb", Unit = "K", Range = "in (200, 400)", Default = "cell.temperature_K")]
    public double? AmbientTemperatureK { get; init; }
    /// <summary>Cell temperature at the start [K], in (200, 400); default the ambient temperature.</summary>
    [YamlMember(Alias = "initial_temperature_K", ApplyNamingConventions = false)]
    [Key("Cell temperature at the start of the run", Unit = "K", Range = "in (200, 400)", Default = "ambient_temperature_K")]
    public double? InitialTemperatureK { get; init; }
}

/// <summary>Lithium-metal counter electrode, j0_Li = k F c_Li^0.7 c_e^0.3 (Xu et al. 2019). Defaults from <see cref="ElectrodeSim.Model.LithiumFoilParameters"/>.</summary>
public sealed record LithiumFoilSection
{
    /// <summary>Rate coefficient k [m/s]; default 3.5e-8.</summary>
    [Key("Rate coefficient k of j0_Li = k F c_Li^0.7 c_e^0.3", Unit = "m/s", Range = "> 0", Default = "3.5e-8")]
    public double? RateCoefficientMS { get; init; }
    /// <summary>Lithium-metal concentration c_Li = 1 / molar volume [mol/m³]; default 1/1.3e-5.</summary>
    [Key("Lithium-metal concentration c_Li = 1 / molar volume", Unit = "mol/m³", Range = "> 0", Default = "1/1.3e-5 (76923)")]
    public double? LithiumConcentrationMolM3 { get; init; }
    /// <summary>Anodic transfer coefficient of the foil reaction [1], in (0, 1); default 0.5.</summary>
    [Key("Anodic transfer coefficient of the foil reaction", Unit = "1", Range = "in (0, 1)", Default = "0.5")]
    public double? TransferCoefficient { get; init; }
}

/// <summary>Electrolyte: a named correlation and its concentrations.</summary>
public sealed record ElectrolyteSection
{
    /// <summary>Name of a correlation in <see cref="ElectrodeSim.Materials.Electrolytes.Names"/>, e.g. <c>Valoen2005</c>.</summary>
    [Key("Named transport correlation of the electrolyte", Required = "yes, unless from parameter_set", ChoicesFrom = typeof(ElectrodeSim.Materials.Electrolytes))]
    public string? Correlation { get; init; }
    /// <summary>Initial salt concentration [mol/m³], &gt; 0.</summary>
    [Key("Initial salt concentration", Unit = "mol/m³", Range = "> 0", Required = "yes, unless from parameter_set")]
    public double? InitialConcentrationMolM3 { get; init; }
    /// <summary>Reference concentration of the exchange current density [mol/m³], &gt; 0; default 1000.</summary>
    [Key("Reference concentration of the exchange current density", Unit = "mol/m³", Range = "> 0", Default = "1000")]
    public double? ReferenceConcentrationMolM3 { get; init; }
    /// <summary>Cation transference number t+ [1], in (0, 1); default the correlation's own.</summary>
    [Key("Cation transference number t+", Unit = "1", Range = "in (0, 1)", Default = "the correlation's own")]
    public double? TransferenceNumber { get; init; }
}

/// <summary>Porous separator.</summary>
public sealed record SeparatorSection
{
    /// <summary>Thickness [µm], &gt; 0.</summary>
    [Key("Separator thickness", Unit = "µm", Range = "> 0", Required = "yes, unless from parameter_set")]
    public double? ThicknessUm { get; init; }
    /// <summary>Electrolyte volume fraction [1], in (0, 1] (1: a free electrolyte layer).</summary>
    [Key("Electrolyte volume fraction (1: a free electrolyte layer)", Unit = "1", Range = "in (0, 1]", Required = "yes, unless from parameter_set")]
    public double? Porosity { get; init; }
    /// <summary>Bruggeman exponent of electrolyte transport [1], in [0, 5]; default 1.5.</summary>
    [Key("Bruggeman exponent of electrolyte transport", Unit = "1", Range = "in [0, 5]", Default = "1.5")]
    public double? Bruggeman { get; init; }
}

/// <summary>Porous insertion electrode of spherical particles (the working electrode of a half cell, or either electrode of a full cell).</summary>
public sealed record ElectrodeSection
{
    /// <summary>Electrode name; default the case name.</summary>
    [Key("Electrode name", Default = "the case name (half cell), negative/positive electrode (full cell)")]
    public string? Name { get; init; }
    /// <summary>Thickness [µm], &gt; 0.</summary>
    [Key("Electrode thickness", Unit = "µm", Range = "> 0", Required = "yes, unless from parameter_set")]
    public double? ThicknessUm { get; init; }
    /// <summary>Electrolyte volume fraction ε_e [1], in (0, 1); ε_e + ε_s ≤ 1 (1: no carbon or binder, as in Chen2020).</summary>
    [Key("Electrolyte volume fraction ε_e; ε_e + ε_s <= 1 (the rest is carbon and binder)", Unit = "1", Range = "in (0, 1)", Required = "yes, unless from parameter_set")]
    public double? Porosity { get; init; }
    /// <summary>Active-material volume fraction ε_s [1], in (0, 1).</summary>
    [Key("Active-material volume fraction ε_s", Unit = "1", Range = "in (0, 1)", Required = "yes, unless from parameter_set")]
    public double? ActiveVolumeFraction { get; init; }
    /// <summary>Particle radius [µm], &gt; 0.</summary>
    [Key("Particle radius (with a particle_size_distribution: the default mean_radius_um of a lognormal one; a discrete one replaces it by its classes' Sauter mean)", Unit = "µm", Range = "> 0", Required = "yes, unless from parameter_set or particle_size_distribution gives the radii")]
    public double? ParticleRadiusUm { get; init; }
    /// <summary>
    /// A particle-size distribution (<see cref="ParticleSizeDistributionSection"/>): N size classes per x cell, each with its
    /// own particles, flux and solid diffusion, sharing the cell's electrolyte and solid potential; absent: one size,
    /// <c>particle_radius_um</c>.
    /// </summary>
    [Key("Particle-size distribution: N size classes per x cell, each with its own radius, share of the active volume, Butler-Volmer flux and solid diffusion, all sharing the cell's c_e, phi_e, phi_s (a_k = 3 eps_s w_k / R_k)", Default = "none: one size, particle_radius_um")]
    public ParticleSizeDistributionSection? ParticleSizeDistribution { get; init; }
    /// <summary>Bruggeman exponent of electrolyte transport [1], in [0, 5]; default 1.5.</summary>
    [Key("Bruggeman exponent of electrolyte transport", Unit = "1", Range = "in [0, 5]", Default = "1.5")]
    public double? Bruggeman { get; init; }
    /// <summary>Intrinsic electronic conductivity of the solid σ_s [S/m], &gt; 0; σ_eff = σ_s ε_s^solid_bruggeman. Exactly one of this and <c>effective_conductivity_S_m</c>.</summary>
    [YamlMember(Alias = "solid_conductivity_S_m", ApplyNamingConventions = false)]
    [Key("Intrinsic electronic conductivity σ_s; σ_eff = σ_s ε_s^solid_bruggeman", Unit = "S/m", Range = "> 0", Required = "exactly one of solid_conductivity_S_m, effective_conductivity_S_m")]
    public double? SolidConductivitySM { get; init; }
    /// <summary>Effective electronic conductivity σ_eff [S/m], &gt; 0, used as given.</summary>
    [YamlMember(Alias = "effective_conductivity_S_m", ApplyNamingConventions = false)]
    [Key("Effective electronic conductivity σ_eff, used as given", Unit = "S/m", Range = "> 0", Required = "exactly one of solid_conductivity_S_m, effective_conductivity_S_m")]
    public double? EffectiveConductivitySM { get; init; }
    /// <summary>Bruggeman exponent of the solid conductivity [1], in [0, 5]; default 1.5.</summary>
    [Key("Bruggeman exponent of the solid conductivity", Unit = "1", Range = "in [0, 5]", Default = "1.5")]
    public double? SolidBruggeman { get; init; }
    /// <summary>Density of the active material [kg/m³], &gt; 0; required in a half cell (for mAh/g), optional in a full cell (specific capacity is then not reported).</summary>
    [Key("Density of the active material (for mAh/g and A/g)", Unit = "kg/m³", Range = "> 0", Required = "half cell; full cell with max_capacity_mAh_g")]
    public double? ActiveDensityKgM3 { get; init; }
    /// <summary>Theoretical specific capacity Q [mAh/g], &gt; 0; c_max = 3600 Q ρ / F. Exactly one of this and <c>max_concentration_mol_m3</c>.</summary>
    [YamlMember(Alias = "max_capacity_mAh_g", ApplyNamingConventions = false)]
    [Key("Theoretical specific capacity Q; c_max = 3600 Q ρ / F", Unit = "mAh/g", Range = "> 0", Required = "exactly one of max_capacity_mAh_g, max_concentration_mol_m3")]
    public double? MaxCapacityMAhG { get; init; }
    /// <summary>Maximum lithium concentration c_s,max [mol/m³], &gt; 0.</summary>
    [Key("Maximum lithium concentration c_s,max", Unit = "mol/m³", Range = "> 0", Required = "exactly one of max_capacity_mAh_g, max_concentration_mol_m3")]
    public double? MaxConcentrationMolM3 { get; init; }
    /// <summary>Uniform initial state of lithiation θ0 = c_s / c_s,max [1], in (0, 1). Exactly one of this and <c>initial_concentration_mol_m3</c>.</summary>
    [Key("Uniform initial state of lithiation θ0 = c_s / c_s,max", Unit = "1", Range = "in (0, 1)", Required = "exactly one of initial_state_of_lithiation, initial_concentration_mol_m3")]
    public double? InitialStateOfLithiation { get; init; }
    /// <summary>Uniform initial lithium concentration c_s,0 [mol/m³], in (0, c_s,max).</summary>
    [Key("Uniform initial lithium concentration c_s,0, below c_s,max", Unit = "mol/m³", Range = "> 0", Required = "exactly one of initial_state_of_lithiation, initial_concentration_mol_m3")]
    public double? InitialConcentrationMolM3 { get; init; }
    /// <summary>Solid diffusivity at 298.15 K [m²/s], &gt; 0. Exactly one of this and <c>solid_diffusivity_function</c>.</summary>
    [Key("Solid diffusivity at 298.15 K", Unit = "m²/s", Range = "> 0", Required = "exactly one of solid_diffusivity_m2_s, solid_diffusivity_function (or set by coating)")]
    public double? SolidDiffusivityM2S { get; init; }
    /// <summary>Activation energy of the solid diffusivity [J/mol], in [0, 200 000); default 0. Only with <c>solid_diffusivity_m2_s</c>.</summary>
    [YamlMember(Alias = "solid_diffusivity_activation_energy_J_mol", ApplyNamingConventions = false)]
    [Key("Activation energy of the solid diffusivity (only with solid_diffusivity_m2_s)", Unit = "J/mol", Range = "in [0, 200000)", Default = "0")]
    public double? SolidDiffusivityActivationEnergyJMol { get; init; }
    /// <summary>A named concentration-dependent D_s(θ, T) [m²/s] with its own temperature dependence: see <see cref="ElectrodeSim.Materials.SolidDiffusivities.Names"/>.</summary>
    [Key("A named concentration-dependent D_s(θ, T) with its own temperature dependence", Required = "exactly one of solid_diffusivity_m2_s, solid_diffusivity_function", ChoicesFrom = typeof(ElectrodeSim.Materials.SolidDiffusivities))]
    public string? SolidDiffusivityFunction { get; init; }
    /// <summary>
    /// Factor on the D_s(θ, T) of <c>solid_diffusivity_function</c> [1], in [0.001, 1000]; default 1. Only with
    /// <c>solid_diffusivity_function</c> (a constant D_s is scaled by writing another <c>solid_diffusivity_m2_s</c>).
    /// A fitting lever: it keeps the function's shape in θ and its temperature dependence and moves its level.
    /// </summary>
    [Key("Factor on the D_s(θ, T) of solid_diffusivity_function (only with it); keeps the shape in θ and the temperature dependence", Unit = "1", Range = "in [0.001, 1000]", Default = "1")]
    public double? SolidDiffusivityScale { get; init; }
    /// <summary>
    /// Factor on the depth (in log10 D) of the narrowest minimum of an O'Regan 2022 D_s(x) [1], in [0, 2]; default 1 (as
    /// published). Only with <c>solid_diffusivity_function</c> graphite_lgm50_oregan2022 (the minimum at x = 0.203, 35.7× deep,
    /// 0.025 wide) or nmc811_lgm50_oregan2022 (x = 0.322, 8.4×). 0 removes the minimum, 2 doubles its depth in log10; the rest
    /// of the function is untouched (a factor 10^((s − 1) a exp(−(x − b)²/c)) that is 1 away from the minimum).
    /// A fitting lever for the narrow minima of a GITT fit (GITT analysed as single-phase diffusion reads a two-phase region as a low D).
    /// </summary>
    [Key("Factor on the depth (log10 D) of the narrowest minimum of an O'Regan 2022 D_s(x) (graphite: x = 0.203, 35.7x; NMC 811: x = 0.322, 8.4x): 1 as published, 0 removes it; only with solid_diffusivity_function graphite_lgm50_oregan2022 or nmc811_lgm50_oregan2022", Unit = "1", Range = "in [0, 2]", Default = "1")]
    public double? SolidDiffusivityDipScale { get; init; }
    /// <summary>
    /// Coating quality as one number (MODEL.md §5): sets every key the SiO@C-l/-m/-h cases differ in
    /// (<c>solid_diffusivity_m2_s</c>, <c>kinetics.activation_energy_J_mol</c>, <c>kinetics.film_resistance_ohm_m2</c>)
    /// from the alkali solubility through <see cref="ElectrodeSim.Materials.CoatingQualityMaps.Zhang2024SiOC"/>;
    /// a key given explicitly overrides the mapping.
    /// </summary>
    [Key("Coating quality as one number: sets solid_diffusivity_m2_s, kinetics.activation_energy_J_mol and kinetics.film_resistance_ohm_m2 from the alkali solubility (SiO@C map of Zhang et al. 2024); an explicit key overrides it")]
    public CoatingSection? Coating { get; init; }
    /// <summary>Butler–Volmer kinetics of the particle surface.</summary>
    [Key("Butler-Volmer kinetics of the particle surface, j0_ref(T) = j0' exp(-Ea / R T)", Required = "yes, unless from parameter_set")]
    public KineticsSection? Kinetics { get; init; }
    /// <summary>Equilibrium potential U(θ).</summary>
    [Key("Equilibrium potential U(θ): a named function, a θ,U table, or lithiation and delithiation curves with a hysteresis state", Required = "yes, unless from parameter_set")]
    public OcpSection? Ocp { get; init; }
}

/// <summary>
/// A particle-size distribution of an electrode: either <c>kind: lognormal</c> (the active volume lognormally distributed
/// in radius, log-space standard deviation <c>sigma</c>, discretised into <c>classes</c> equal-volume classes at their
/// bins' median quantiles, the radii scaled so that the classes' Sauter mean Σ w / Σ (w / R) is <c>mean_radius_um</c>:
/// the specific area a = 3 ε_s / R_mean is that of one size of that radius), or <c>kind: discrete</c> with explicit
/// <c>radii_um</c> and <c>volume_fractions</c> (summing to 1 within 1e-12).
/// </summary>
public sealed record ParticleSizeDistributionSection
{
    /// <summary><c>lognormal</c> or <c>discrete</c>.</summary>
    [Key("lognormal (sigma, classes, mean_radius_um) or discrete (radii_um, volume_fractions)", Required = KeyAttribute.Always, ChoicesFrom = typeof(ParticleSizeDistributionSection), ChoicesMember = nameof(Kinds))]
    public string? Kind { get; init; }
    /// <summary>Lognormal: the Sauter (surface-weighted) mean radius of the classes [µm], &gt; 0; default the electrode's particle_radius_um.</summary>
    [Key("lognormal: Sauter (surface-weighted) mean radius sum(w)/sum(w/R) of the classes, so a = 3 eps_s / mean_radius_um as for one size of that radius", Unit = "µm", Range = "> 0", Default = "the electrode's particle_radius_um")]
    public double? MeanRadiusUm { get; init; }
    /// <summary>Lognormal: standard deviation of ln R of the volume distribution [1], in [0, 2].</summary>
    [Key("lognormal: standard deviation of ln R of the active-volume distribution (0: every class the same radius)", Unit = "1", Range = "in [0, 2]", Required = "kind lognormal")]
    public double? Sigma { get; init; }
    /// <summary>Lognormal: number of equal-volume size classes, in [1, 50].</summary>
    [Key("lognormal: number of size classes (equal shares of the active volume, each at its bin's median quantile of ln R)", Unit = "1", Range = "in [1, 50]", Required = "kind lognormal")]
    public int? Classes { get; init; }
    /// <summary>Discrete: the class radii [µm], each &gt; 0.</summary>
    [YamlMember(Alias = "radii_um", ApplyNamingConventions = false)]
    [Key("discrete: radius of each size class", Unit = "µm", Range = "each > 0", Required = "kind discrete")]
    public List<double>? RadiiUm { get; init; }
    /// <summary>Discrete: each class's share of the active volume [1], each in (0, 1], summing to 1 within 1e-12.</summary>
    [Key("discrete: share of the electrode's active volume of each class, as many as radii_um", Unit = "1", Range = "each in (0, 1], sum 1 within 1e-12", Required = "kind discrete")]
    public List<double>? VolumeFractions { get; init; }

    /// <summary>The accepted kinds.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["lognormal", "discrete"];

    /// <summary>How far the volume fractions' sum may be from 1.</summary>
    public const double SumTolerance = 1e-12;
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
    [Key("Alkali solubility α of the coated particles (lower: a denser carbon network); piecewise-linear through 4.8 / 21.7 / 47.5 % (SiO@C-l/m/h), outside them the end segment continued linearly, clamped to Ea >= 0 and R_film >= 0, with a warning", Unit = "%", Range = "in [0, 100]", Required = KeyAttribute.Always)]
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
    [Key("Exchange-current prefactor j0' of j0_ref(T) = j0' exp(-Ea / R T)", Unit = "A/m²", Range = "> 0", Required = "exactly one of exchange_current_prefactor_A_m2, rate_constant")]
    public double? ExchangeCurrentPrefactorAM2 { get; init; }
    /// <summary>Rate constant k [(A/m²)(m³/mol)^(2α_a+α_c)], &gt; 0 ((A/m²)(m³/mol)^1.5 for α_a = α_c = ½).</summary>
    [Key("Mass-action rate constant k of j0 = k c_e^α_a c_s^α_c (c_max - c_s)^α_a exp(Ea/R (1/T_ref - 1/T))", Unit = "(A/m²)(m³/mol)^(2α_a+α_c)", Range = "> 0", Required = "exactly one of exchange_current_prefactor_A_m2, rate_constant")]
    public double? RateConstant { get; init; }
    /// <summary>Reference temperature T_ref of <c>rate_constant</c> [K], in (200, 400); default 298.15.</summary>
    [YamlMember(Alias = "reference_temperature_K", ApplyNamingConventions = false)]
    [Key("Reference temperature T_ref of rate_constant (only with it)", Unit = "K", Range = "in (200, 400)", Default = "298.15")]
    public double? ReferenceTemperatureK { get; init; }
    /// <summary>Activation energy Ea of the interfacial reaction [J/mol], in [0, 200 000).</summary>
    [YamlMember(Alias = "activation_energy_J_mol", ApplyNamingConventions = false)]
    [Key("Activation energy Ea of the interfacial reaction (0 for none)", Unit = "J/mol", Range = "in [0, 200000)", Required = "yes, unless from parameter_set or set by coating")]
    public double? ActivationEnergyJMol { get; init; }
    /// <summary>Anodic transfer coefficient α_a [1], in (0, 1); default 0.5.</summary>
    [Key("Anodic transfer coefficient α_a", Unit = "1", Range = "in (0, 1)", Default = "0.5")]
    public double? AnodicTransferCoefficient { get; init; }
    /// <summary>Cathodic transfer coefficient α_c [1], in (0, 1); default 0.5.</summary>
    [Key("Cathodic transfer coefficient α_c", Unit = "1", Range = "in (0, 1)", Default = "0.5")]
    public double? CathodicTransferCoefficient { get; init; }
    /// <summary>Film resistance per unit particle surface R_film [Ω·m²], ≥ 0; default 0.</summary>
    [Key("Film resistance per unit particle surface", Unit = "Ω·m²", Range = ">= 0", Default = "0 (or set by coating)")]
    public double? FilmResistanceOhmM2 { get; init; }
    /// <summary>Double-layer capacitance per unit particle surface C_dl [F/m²], ≥ 0; default 0 (none).</summary>
    [YamlMember(Alias = "double_layer_capacitance_F_m2", ApplyNamingConventions = false)]
    [Key("Double-layer capacitance per unit particle surface: interfacial current j + C_dl d(φ_s − φ_e)/dt (0: none, the faradaic current alone)", Unit = "F/m²", Range = "in [0, 10]", Default = "0")]
    public double? DoubleLayerCapacitanceFM2 { get; init; }
}

/// <summary>Equilibrium potential: exactly one of a named function, a θ,U table, or two branches with hysteresis.</summary>
public sealed record OcpSection
{
    /// <summary>Name of a closed-form U(θ): see <see cref="OcpFunctions.Names"/>.</summary>
    [Key("Name of a closed-form U(θ)", Required = "exactly one of function, table, hysteresis", ChoicesFrom = typeof(OcpFunctions))]
    public string? Function { get; init; }
    /// <summary>
    /// Path of a θ,U table relative to the case file: a regular UTF-8 file of at most 16 MiB
    /// (<see cref="InputLimits.MaxTableBytes"/>), CSV with '#' comments and an optional header, θ [1] in [0, 1]
    /// strictly increasing and U [V] in the first two columns, finite, at least two rows (<see cref="ElectrodeSim.Materials.OcpTable"/>).
    /// </summary>
    [Key("Path of a θ,U CSV table relative to the case file (θ strictly increasing in [0, 1], U in V; at most 16 MiB)", Required = "exactly one of function, table, hysteresis")]
    public string? Table { get; init; }
    /// <summary>A named entropic coefficient ∂U/∂T(θ): see <see cref="ElectrodeSim.Materials.EntropicCoefficients.Names"/>.</summary>
    [Key("A named entropic coefficient dU/dT(θ): U(θ, T) = U(θ) + (T - 298.15 K) dU/dT, and the reversible heat a j T dU/dT of the thermal model", Required = "at most one of entropic_function, entropic_coefficient_V_K", Default = "none (dU/dT = 0)", ChoicesFrom = typeof(ElectrodeSim.Materials.EntropicCoefficients))]
    public string? EntropicFunction { get; init; }
    /// <summary>A constant entropic coefficient ∂U/∂T [V/K].</summary>
    [YamlMember(Alias = "entropic_coefficient_V_K", ApplyNamingConventions = false)]
    [Key("A constant entropic coefficient dU/dT (instead of entropic_function)", Unit = "V/K", Range = "in [-0.01, 0.01]", Required = "at most one of entropic_function, entropic_coefficient_V_K", Default = "none (dU/dT = 0)")]
    public double? EntropicCoefficientVK { get; init; }
    /// <summary>Parameters of <c>sio_stand_in</c> (and only of it).</summary>
    [Key("Parameters of sio_stand_in (and only of it)", Required = "with function: sio_stand_in")]
    public SiOStandInSection? Parameters { get; init; }
    /// <summary>Separate lithiation and delithiation curves with a hysteresis state (<see cref="ElectrodeSim.Materials.OcpHysteresis"/>); P2D only.</summary>
    [Key("Separate lithiation and delithiation curves blended by a hysteresis state h per particle: U = (1+h)/2 U_delith + (1-h)/2 U_lith, dh/dt = γ |dθ/dt| (sign(j) - h) driven by the faradaic interfacial current (P2D model only; absent: one curve, no hysteresis)", Required = "exactly one of function, table, hysteresis")]
    public OcpHysteresisSection? Hysteresis { get; init; }
}

/// <summary>
/// OCP hysteresis (<see cref="ElectrodeSim.Materials.OcpHysteresis"/>): the two branches, γ and the initial state. The state
/// h [1] of the particle in each x cell follows <c>dh/dt = γ 3 (j − |j| h) / (F R_p c_s,max)</c> (j &gt; 0 delithiating),
/// and <c>U(θ, h) = (1 + h)/2 U_delith(θ) + (1 − h)/2 U_lith(θ)</c>.
/// </summary>
public sealed record OcpHysteresisSection
{
    /// <summary>The branch a lithiating particle follows (h = −1).</summary>
    [Key("Equilibrium curve a lithiating particle follows (h = -1): a named function or a θ,U table", Required = KeyAttribute.Always)]
    public OcpBranchSection? Lithiation { get; init; }
    /// <summary>The branch a delithiating particle follows (h = +1).</summary>
    [Key("Equilibrium curve a delithiating particle follows (h = +1): a named function or a θ,U table", Required = KeyAttribute.Always)]
    public OcpBranchSection? Delithiation { get; init; }
    /// <summary>γ [1] (in [0, 10000]): change of h per unit change of the particle's mean state of lithiation; 1/γ is the Δθ over which the potential crosses (1 − 1/e) of the gap after a reversal.</summary>
    [Key("γ of dh/dt = γ |dθ/dt| (sign(j) - h): change of h per unit change of the particle's mean state of lithiation; after a reversal the potential crosses (1 - 1/e) of the gap within Δθ = 1/γ (0: h stays at initial_state)", Unit = "1", Range = "in [0, 10000]", Required = KeyAttribute.Always)]
    public double? Gamma { get; init; }
    /// <summary>h at the start of the run [1], in [−1, 1]; default −1 (the lithiation branch).</summary>
    [Key("Hysteresis state h at the start of the run (-1: on the lithiation branch, +1: on the delithiation branch)", Unit = "1", Range = "in [-1, 1]", Default = "-1")]
    public double? InitialState { get; init; }
}

/// <summary>One branch of an OCP with hysteresis: exactly one of a named function or a θ,U table (the keys of <see cref="OcpSection"/>).</summary>
public sealed record OcpBranchSection
{
    /// <summary>Name of a closed-form U(θ): see <see cref="OcpFunctions.Names"/>.</summary>
    [Key("Name of a closed-form U(θ)", Required = "exactly one of function, table", ChoicesFrom = typeof(OcpFunctions))]
    public string? Function { get; init; }
    /// <summary>Path of a θ,U table relative to the case file (the format of <c>ocp.table</c>).</summary>
    [Key("Path of a θ,U CSV table relative to the case file (θ strictly increasing in [0, 1], U in V; at most 16 MiB)", Required = "exactly one of function, table")]
    public string? Table { get; init; }
    /// <summary>Parameters of <c>sio_stand_in</c> (and only of it).</summary>
    [Key("Parameters of sio_stand_in (and only of it)", Required = "with function: sio_stand_in")]
    public SiOStandInSection? Parameters { get; init; }
}

/// <summary>Parameters of <see cref="ElectrodeSim.Materials.SiOStandInOcp"/>.</summary>
public sealed record SiOStandInSection
{
    /// <summary>U(1) [V vs Li/Li+], in [0, 0.5]; default 0.01 (the curve is normalised to its 0.01 V end, MODEL.md §5).</summary>
    [YamlMember(Alias = "end_potential_V", ApplyNamingConventions = false)]
    [Key("U(1), the end the curve is normalised to", Unit = "V", Range = "in [0, 0.5]", Default = "0.01")]
    public double? EndPotentialV { get; init; }
    /// <summary>Slope of the low plateau, volts per unit θ [V], in [0, 5].</summary>
    [YamlMember(Alias = "plateau_slope_V", ApplyNamingConventions = false)]
    [Key("Slope of the low plateau, volts per unit θ", Unit = "V", Range = "in [0, 5]", Required = "yes, unless from parameter_set")]
    public double? PlateauSlopeV { get; init; }
    /// <summary>Height of the logistic step [V], in [0, 5].</summary>
    [YamlMember(Alias = "step_height_V", ApplyNamingConventions = false)]
    [Key("Height of the logistic step", Unit = "V", Range = "in [0, 5]", Required = "yes, unless from parameter_set")]
    public double? StepHeightV { get; init; }
    /// <summary>θ at the centre of the step [1], in (0, 1).</summary>
    [Key("θ at the centre of the step", Unit = "1", Range = "in (0, 1)", Required = "yes, unless from parameter_set")]
    public double? StepCentre { get; init; }
    /// <summary>Width of the step in θ [1], &gt; 0.</summary>
    [Key("Width of the step in θ", Unit = "1", Range = "> 0", Required = "yes, unless from parameter_set")]
    public double? StepWidth { get; init; }
}

/// <summary>One protocol step. Currents are positive for lithiation of the working electrode (half cell) or discharge (full cell).</summary>
public sealed record ProtocolStepSection
{
    /// <summary>Step label; default <c>step N</c>.</summary>
    [Key("Step label", Default = "step N")]
    public string? Label { get; init; }
    /// <summary><c>current</c>, <c>voltage</c> or <c>rest</c>.</summary>
    [Key("What the step controls: current, voltage, rest, voltage_sweep (linear sweeps between vertex potentials: cyclic voltammetry) or impedance (a small-signal spectrum at the current state, no time passes)", Required = "every step but a repeat group (a step with repeat and steps)", ChoicesFrom = typeof(CaseValidator), ChoicesMember = nameof(CaseValidator.Modes))]
    public string? Mode { get; init; }
    /// <summary>Makes this item a repeat group: its <see cref="Steps"/> run this many times [1].</summary>
    [Key("Makes the item a repeat group: its steps run this many times in order (GITT pulse + rest, cycles); the group's stop conditions apply to each of its steps, and when one of them ends a step the group ends", Unit = "1", Range = $"in [1, 100000]; at most 100000 steps in the whole protocol", Required = "with steps")]
    public int? Repeat { get; init; }
    /// <summary>The steps of a repeat group, run <see cref="Repeat"/> times; no groups inside.</summary>
    [Key("The steps of a repeat group, each a protocol step (no groups inside a group)", Required = "with repeat")]
    public List<ProtocolStepSection>? Steps { get; init; }
    /// <summary>Applied current density [A/m²] (mode current).</summary>
    [YamlMember(Alias = "current_density_A_m2", ApplyNamingConventions = false)]
    [Key("Applied current density, positive for lithiation (half cell) or discharge (full cell)", Unit = "A/m²", Range = "finite, non-zero", Required = "mode current: exactly one of the four current keys")]
    public double? CurrentDensityAM2 { get; init; }
    /// <summary>Applied current density [mA/cm²] (mode current); 1 mA/cm² = 10 A/m².</summary>
    [YamlMember(Alias = "current_density_mA_cm2", ApplyNamingConventions = false)]
    [Key("Applied current density (1 mA/cm² = 10 A/m²)", Unit = "mA/cm²", Range = "finite, non-zero", Required = "mode current: exactly one of the four current keys")]
    public double? CurrentDensityMACm2 { get; init; }
    /// <summary>Applied current per mass of active material [A/g] (mode current).</summary>
    [YamlMember(Alias = "specific_current_A_g", ApplyNamingConventions = false)]
    [Key("Applied current per mass of active material (needs active_density_kg_m3)", Unit = "A/g", Range = "finite, non-zero", Required = "mode current: exactly one of the four current keys")]
    public double? SpecificCurrentAG { get; init; }
    /// <summary>Applied current in multiples of 1C [1/h] (mode current); see <c>cell.one_c_current_density_A_m2</c>.</summary>
    [Key("Applied current in multiples of 1C (see cell.one_c_current_density_A_m2)", Unit = "1/h", Range = "finite, non-zero", Required = "mode current: exactly one of the four current keys")]
    public double? CRate { get; init; }
    /// <summary>Held cell voltage [V] (mode voltage).</summary>
    [YamlMember(Alias = "voltage_V", ApplyNamingConventions = false)]
    [Key("Held cell voltage", Unit = "V", Range = "finite", Required = "mode voltage")]
    public double? VoltageV { get; init; }
    /// <summary>Scan rate of a linear voltage sweep [mV/s] (mode voltage_sweep).</summary>
    [YamlMember(Alias = "scan_rate_mV_s", ApplyNamingConventions = false)]
    [Key("Scan rate of the linear voltage sweep", Unit = "mV/s", Range = "in (0, 10000]", Required = "mode voltage_sweep")]
    public double? ScanRateMVS { get; init; }
    /// <summary>Voltage the sweep starts from and returns to at the end of each cycle [V] (mode voltage_sweep).</summary>
    [YamlMember(Alias = "start_V", ApplyNamingConventions = false)]
    [Key("Voltage the sweep starts at and returns to at the end of each cycle (the step starts by holding it)", Unit = "V", Range = "finite", Required = "mode voltage_sweep")]
    public double? StartV { get; init; }
    /// <summary>Vertex potentials [V], swept through in order (mode voltage_sweep).</summary>
    [YamlMember(Alias = "vertices_V", ApplyNamingConventions = false)]
    [Key("Vertex potentials the sweep turns at, in order: start → vertex → back, or start → v1 → v2 → … → start", Unit = "V", Range = "finite, each different from the one before (the first from start_V)", Required = "mode voltage_sweep")]
    public List<double>? VerticesV { get; init; }
    /// <summary>Number of sweep cycles [1] (mode voltage_sweep).</summary>
    [Key("Number of cycles of the sweep (start → vertices → start)", Unit = "1", Range = "in [1, 10000]", Default = "1")]
    public int? Cycles { get; init; }
    /// <summary>Lowest frequency of an impedance spectrum [Hz] (mode impedance).</summary>
    [YamlMember(Alias = "frequency_min_Hz", ApplyNamingConventions = false)]
    [Key("Lowest frequency of the impedance spectrum (small-signal, at the state the step starts from)", Unit = "Hz", Range = "in [1e-6, 1e9)", Required = "mode impedance (below frequency_max_Hz)")]
    public double? FrequencyMinHz { get; init; }
    /// <summary>Highest frequency of an impedance spectrum [Hz] (mode impedance).</summary>
    [YamlMember(Alias = "frequency_max_Hz", ApplyNamingConventions = false)]
    [Key("Highest frequency of the impedance spectrum", Unit = "Hz", Range = "in (0, 1e9]", Required = "mode impedance (above frequency_min_Hz)")]
    public double? FrequencyMaxHz { get; init; }
    /// <summary>Frequencies per decade, log-spaced [1] (mode impedance).</summary>
    [Key("Frequencies per decade, log-spaced from frequency_max_Hz down to frequency_min_Hz (both included)", Unit = "1", Range = "in [1, 1000]", Default = "10")]
    public int? PointsPerDecade { get; init; }
    /// <summary>
    /// Longest duration of the step [s], in (0, 1e8] (<see cref="CaseValidator.MaxStepDuration"/>, about 3 years).
    /// Optional: without it the step ends at one of its stop conditions (so a step needs at least one of the
    /// two), at a physical limit, as "stop unreachable" once its state has settled short of them, or at 1e8 s.
    /// </summary>
    [Key("Longest duration of the step (about 3 years at most)", Unit = "s", Range = "in (0, 1e8]", Default = "until a stop condition, a physical limit, an unreachable stop or 1e8 s", Required = "max_duration_s or a stop condition")]
    public double? MaxDurationS { get; init; }
    /// <summary>Conditions that end the step early.</summary>
    [Key("Conditions that end the step early; the first one met ends it")]
    public StopSection? Stop { get; init; }
}

/// <summary>Stop conditions of a step; the step ends at the first one met.</summary>
public sealed record StopSection
{
    /// <summary>End when the cell voltage falls to this value [V].</summary>
    [YamlMember(Alias = "voltage_below_V", ApplyNamingConventions = false)]
    [Key("End when the cell voltage falls to this value (< voltage_above_V)", Unit = "V", Range = "finite")]
    public double? VoltageBelowV { get; init; }
    /// <summary>End when the cell voltage rises to this value [V].</summary>
    [YamlMember(Alias = "voltage_above_V", ApplyNamingConventions = false)]
    [Key("End when the cell voltage rises to this value", Unit = "V", Range = "finite")]
    public double? VoltageAboveV { get; init; }
    /// <summary>End when the current-density magnitude falls to this value [A/m²], &gt; 0 (voltage steps).</summary>
    [YamlMember(Alias = "current_below_A_m2", ApplyNamingConventions = false)]
    [Key("End when the current-density magnitude falls to this value (voltage steps only)", Unit = "A/m²", Range = "> 0")]
    public double? CurrentBelowAM2 { get; init; }
}

/// <summary>Cell counts: integers in [1, 2000]. The <c>negative_</c>/<c>positive_</c> keys (full cells only) override the common counts for one electrode.</summary>
public sealed record MeshSection
{
    /// <summary>Finite volumes across the separator [1].</summary>
    [Key("Finite volumes across the separator", Unit = "1", Range = "in [1, 2000]", Default = "8")]
    public int? SeparatorCells { get; init; }
    /// <summary>Finite volumes across each electrode [1].</summary>
    [Key("Finite volumes across each electrode", Unit = "1", Range = "in [1, 2000]", Default = "16")]
    public int? ElectrodeCells { get; init; }
    /// <summary>Radial shells per particle [1].</summary>
    [Key("Radial shells per particle", Unit = "1", Range = "in [1, 2000]", Default = "10")]
    public int? ParticleShells { get; init; }
    /// <summary>Finite volumes across the negative electrode of a full cell [1]; default <c>electrode_cells</c>.</summary>
    [Key("Finite volumes across the negative electrode (full cell only)", Unit = "1", Range = "in [1, 2000]", Default = "electrode_cells")]
    public int? NegativeElectrodeCells { get; init; }
    /// <summary>Finite volumes across the positive electrode of a full cell [1]; default <c>electrode_cells</c>.</summary>
    [Key("Finite volumes across the positive electrode (full cell only)", Unit = "1", Range = "in [1, 2000]", Default = "electrode_cells")]
    public int? PositiveElectrodeCells { get; init; }
    /// <summary>Radial shells of the negative electrode's particles [1]; default <c>particle_shells</c>.</summary>
    [Key("Radial shells of the negative electrode's particles (full cell only)", Unit = "1", Range = "in [1, 2000]", Default = "particle_shells")]
    public int? NegativeParticleShells { get; init; }
    /// <summary>Radial shells of the positive electrode's particles [1]; default <c>particle_shells</c>.</summary>
    [Key("Radial shells of the positive electrode's particles (full cell only)", Unit = "1", Range = "in [1, 2000]", Default = "particle_shells")]
    public int? PositiveParticleShells { get; init; }
    /// <summary>Grading β of the particle shells toward the surface [1], in [0, 1): the outer shell is (1 − β) times the uniform width; default 0 (uniform).</summary>
    [Key("Grading β of the particle shells toward the surface: the outer shell is (1 - β) times the uniform width", Unit = "1", Range = "in [0, 1)", Default = "0 (uniform)")]
    public double? ParticleSurfaceRefinement { get; init; }
}

/// <summary>
/// The 2-D resolved-particle mode: geometry (height, discs, gaps, seed), mesh cell size and the electronic network. The
/// separator, electrolyte, active material, kinetics and ε_e come from the other sections; electrode.particle_radius_um
/// is the disc radius, electrode.active_volume_fraction the default area fraction.
/// </summary>
public sealed record ResolvedSection
{
    [Key("Height H of the periodic box", Unit = "µm", Range = "> 0", Required = KeyAttribute.Always)]
    public double? HeightUm { get; init; }
    [Key("Cartesian cell size h of the mesh", Unit = "µm", Range = "> 0, at most min(separator, electrode thickness, H/3)", Required = KeyAttribute.Always)]
    public double? CellSizeUm { get; init; }
    [Key("Target fraction of the electrode area covered by discs", Unit = "1", Range = "in (0, 0.9)", Default = "electrode.active_volume_fraction")]
    public double? ParticleAreaFraction { get; init; }
    [Key("Smallest surface gap between two discs", Unit = "µm", Range = ">= 0", Default = "0.2")]
    public double? MinimumGapUm { get; init; }
    [Key("Smallest distance from a disc to the separator (at least h/2)", Unit = "µm", Range = ">= 0", Default = "0.2")]
    public double? SeparatorGapUm { get; init; }
    [Key("Smallest distance from a disc to the current collector (below h/2 a disc touches it)", Unit = "µm", Range = ">= 0", Default = "0.2")]
    public double? CollectorGapUm { get; init; }
    [Key("Two discs whose surface gap is at most this touch (electronic contact); absent: no contacts", Unit = "µm", Range = ">= 0, and >= minimum_gap_um")]
    public double? ContactDistanceUm { get; init; }
    [Key("Seed of the packing (SplitMix64); the disc list follows from it bit for bit", Unit = "1", Range = ">= 0", Default = "1")]
    public long? Seed { get; init; }
    [YamlMember(Alias = "particle_conductivity_S_m", ApplyNamingConventions = false)]
    [Key("Electronic conductivity σ_s inside a particle (and across particle contacts)", Unit = "S/m", Range = "> 0", Required = KeyAttribute.Always)]
    public double? ParticleConductivitySM { get; init; }
    [YamlMember(Alias = "carbon_binder_conductivity_S_m", ApplyNamingConventions = false)]
    [Key("Bulk conductivity σ_cb of the carbon/binder network; σ_m,eff = σ_cb (1 − ε_m)^b", Unit = "S/m", Range = "> 0", Required = KeyAttribute.Always)]
    public double? CarbonBinderConductivitySM { get; init; }
    [YamlMember(Alias = "contact_conductance_S_m2", ApplyNamingConventions = false)]
    [Key("Electronic contact conductance G_c between a particle surface and the matrix network (the interface conductive network)", Unit = "S/m²", Range = "> 0", Required = KeyAttribute.Always)]
    public double? ContactConductanceSM2 { get; init; }
    [Key("How a disc's staircase cells hold its lithium: true_disc_area (c_max scaled so the disc holds πR² c_max) or cell_area", Default = "true_disc_area", ChoicesFrom = typeof(CaseValidator), ChoicesMember = nameof(CaseValidator.CapacityScalings))]
    public string? CapacityScaling { get; init; }
    [Key("How 2πR is shared among a disc's interface faces: projected (A |n·e|, the local area) or uniform", Default = "projected", ChoicesFrom = typeof(CaseValidator), ChoicesMember = nameof(CaseValidator.InterfaceAreas))]
    public string? InterfaceArea { get; init; }
    [Key("Discretisation of the discs: staircase (the cells whose centre is inside), cut_cell (exact disc area and arc per cell, slivers merged into the particle cells beside them) or embedded_boundary (every cell the disc covers is its own control volume, cut-face fluxes interpolated to the aperture centroids, the kinetics at the state of lithiation interpolated to the circle: second order in the single-disc test, max and rms)", Default = "staircase", ChoicesFrom = typeof(CaseValidator), ChoicesMember = nameof(CaseValidator.ResolvedGeometries))]
    public string? Geometry { get; init; }
    [Key("Graded separator columns: first_cell_um beside the electrode, each column towards the lithium foil growth times wider, up to max_cell_um; absent: uniform columns of cell_size_um (the electrode and the rows are the same either way)")]
    public SeparatorMeshSection? SeparatorMesh { get; init; }
}

/// <summary>
/// The separator's graded columns in the 2-D resolved mode (<see cref="Mesh.Resolved.SeparatorGrading"/>): narrow beside the electrode,
/// where the current enters the matrix between the discs, widening towards the lithium foil, where the fields are nearly 1-D in x.
/// </summary>
public sealed record SeparatorMeshSection
{
    [Key("Width of the separator column beside the electrode (at most separator.thickness_um)", Unit = "µm", Range = "> 0", Default = "resolved.cell_size_um")]
    public double? FirstCellUm { get; init; }
    [Key("Width ratio of each separator column to its neighbour on the electrode side (1: uniform columns of first_cell_um)", Unit = "1", Range = "in [1, 2]", Default = "1.2")]
    public double? Growth { get; init; }
    [Key("Widest separator column (at least first_cell_um)", Unit = "µm", Range = "> 0", Default = "2")]
    public double? MaxCellUm { get; init; }
}

/// <summary>Time integration (variable-order BDF) and discretisation scheme choices.</summary>
public sealed record SolverSection
{
    /// <summary>Relative tolerance of the local error test [1], in (0, 0.1); default 1e-3 (BdfOptions).</summary>
    [Key("Relative tolerance of the local error test", Unit = "1", Range = "in (0, 0.1)", Default = "1e-3")]
    public double? RelativeTolerance { get; init; }
    /// <summary>Highest BDF order, 1..5; default 5.</summary>
    [Key("Highest BDF order", Unit = "1", Range = "in [1, 5]", Default = "5")]
    public int? MaxOrder { get; init; }
    /// <summary>First step [s], ≥ 0; 0 (default) chooses one from the tolerance.</summary>
    [Key("First time step; 0 chooses one from the tolerance", Unit = "s", Range = ">= 0", Default = "0")]
    public double? InitialStepS { get; init; }
    /// <summary>Largest step [s], &gt; 0; default unlimited.</summary>
    [Key("Largest time step (.inf for no limit)", Unit = "s", Range = "> 0", Default = "unlimited")]
    public double? MaxStepS { get; init; }
    /// <summary>Fixed step [s], ≥ 0; positive switches error control off (convergence studies); default 0.</summary>
    [Key("Fixed time step; positive switches error control off (convergence studies)", Unit = "s", Range = ">= 0", Default = "0")]
    public double? FixedStepS { get; init; }
    /// <summary>Face average of transport coefficients: <c>harmonic</c> (default) or <c>arithmetic</c>.</summary>
    [Key("Face average of transport coefficients", Default = "harmonic", ChoicesFrom = typeof(CaseValidator), ChoicesMember = nameof(CaseValidator.FaceAverages))]
    public string? FaceAverage { get; init; }
    /// <summary>
    /// Linear solver of the 2-D resolved-particle model (resolved cases only): <c>gmres</c> (default; GMRES on each iteration
    /// matrix preconditioned by two-domain factors kept from an earlier one: two METIS halves factorised by KLU on two
    /// threads, dense Schur complement on their separator), <c>gmres_klu</c> (the same on one whole-matrix nested-dissection
    /// KLU factorisation, one thread: for sweeps that already keep every core busy) or <c>direct</c> (a whole-matrix KLU
    /// factorisation of every iteration matrix). All solve each Newton system; results agree to the tolerances
    /// (docs/resolved-model.md).
    /// </summary>
    [Key("Linear solver of the 2-D resolved model (resolved cases only): gmres (GMRES on kept two-domain factors: two METIS halves factorised by KLU on two threads, dense Schur complement on their separator), gmres_klu (GMRES on kept whole-matrix nested-dissection KLU factors, one thread) or direct (a KLU factorisation of every iteration matrix)", Default = "gmres", ChoicesFrom = typeof(CaseValidator), ChoicesMember = nameof(CaseValidator.LinearSolvers))]
    public string? Linear { get; init; }
}

/// <summary>Output-file contents.</summary>
public sealed record OutputSection
{
    /// <summary>Write the spatial fields (true, default) or only the time series.</summary>
    [Key("Write the spatial fields (true) or only the time series", Default = "true")]
    public bool? Fields { get; init; }
    /// <summary>Write every n-th accepted time step [1], ≥ 1; default 1.</summary>
    [Key("Write every n-th accepted time step", Unit = "1", Range = ">= 1", Default = "1")]
    public int? EveryNSteps { get; init; }
    /// <summary>Write the state every this many seconds of run time [s] (interpolated between solver steps), with every step's start and end.</summary>
    [Key("Write the state every this many seconds of run time (from the start of the run), interpolated between solver steps with the integrator's own polynomial; each protocol step's start and end are written too. Instead of every solver step", Unit = "s", Range = "> 0, with at most 1e6 records in a run; not with every_n_steps > 1")]
    public double? EveryS { get; init; }
    /// <summary>Run times at which to write the state [s] (interpolated between solver steps), with every step's start and end.</summary>
    [Key("Run times (from the start of the run) at which to write the state, interpolated between solver steps; each protocol step's start and end are written too. Instead of every solver step; may be combined with every_s", Unit = "s", Range = ">= 0, increasing; not with every_n_steps > 1")]
    public List<double>? TimesS { get; init; }
}
