using System.Globalization;
using ElectrodeSim.Simulation;
using ElectrodeSim.Materials;

namespace ElectrodeSim.Cases;

/// <summary>
/// Checks a parsed case before anything is built or solved, and reports every problem it
/// finds, each naming the key path, the value as written and what is accepted
/// (<c>electrode.thickness_um: -3 is not &gt; 0</c>). One check, one message.
/// </summary>
public static class CaseValidator
{
    /// <summary><c>cell.type</c> of a working electrode against lithium foil.</summary>
    public const string HalfCell = "half";
    /// <summary><c>cell.type</c> of a negative | separator | positive cell.</summary>
    public const string FullCell = "full";
    /// <summary>The accepted values of <c>cell.type</c>.</summary>
    public static IReadOnlyList<string> CellTypes { get; } = [HalfCell, FullCell];
    /// <summary>The electrode sections of a full cell, in stack order.</summary>
    public static IReadOnlyList<string> FullCellElectrodes { get; } = ["negative_electrode", "positive_electrode"];
    /// <summary>The accepted values of <c>protocol[i].mode</c>.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["current", "voltage", "rest", "voltage_sweep", "impedance"];
    /// <summary>The keys that set the current of a <c>current</c> step; exactly one per step.</summary>
    public static IReadOnlyList<string> CurrentKeys { get; } = ["current_density_A_m2", "current_density_mA_cm2", "specific_current_A_g", "c_rate"];
    /// <summary>The accepted values of <c>solver.face_average</c>.</summary>
    public static IReadOnlyList<string> FaceAverages { get; } = ["harmonic", "arithmetic"];
    /// <summary>The accepted values of <c>solver.linear</c> (2-D resolved cases).</summary>
    public static IReadOnlyList<string> LinearSolvers { get; } = ["gmres", "gmres_klu", "direct"];
    /// <summary>The accepted values of <c>cell.thermal.model</c>.</summary>
    public static IReadOnlyList<string> ThermalModels { get; } = ["lumped", "isothermal"];
    public static IReadOnlyList<string> CapacityScalings { get; } = ["true_disc_area", "cell_area"];
    public static IReadOnlyList<string> InterfaceAreas { get; } = ["projected", "uniform"];
    public static IReadOnlyList<string> ResolvedGeometries { get; } = ["staircase", "cut_cell", "embedded_boundary"];
    /// <summary>Upper bound of activation energies [J/mol]: 200 kJ/mol, far above any Li-ion process; larger values are unit slips.</summary>
    public const double MaxActivationEnergy = 200_000;
    /// <summary>
    /// Longest step [s]: <see cref="ProtocolStep.LongestDuration"/>, 1e8 s, about 3.2 years, far beyond any test
    /// protocol; a larger value (1e300, .inf) is a slip, not a duration. A step without <c>max_duration_s</c> ends at
    /// its stop condition, a physical limit, once its state has settled short of an unreachable stop, or at 1e8 s.
    /// </summary>
    public const double MaxStepDuration = ProtocolStep.LongestDuration;
    private const string MaxStepDurationAccepted = "in (0, 1e8] s (a finite duration of at most about 3 years; without it a step ends at its stop condition, a physical limit or 1e8 s)";
    /// <summary>Accepted range of mesh cell counts.</summary>
    public const int MinCells = 1, MaxCells = 2000;

    /// <summary>
    /// Throws <see cref="CaseValidationException"/> listing every problem, if there is any; otherwise returns the
    /// warnings: findings that do not stop the case (a provenance note for a key the case does not set).
    /// </summary>
    public static IReadOnlyList<CaseError> Validate(CaseDocument document)
    {
        var checks = new Checks(document);
        var errors = checks.Run();
        if (errors.Count > 0) throw new CaseValidationException(document.SourceName, errors) { Warnings = checks.Warnings };
        return checks.Warnings;
    }

    /// <summary>Every problem in the case; empty when it can be built.</summary>
    public static IReadOnlyList<CaseError> FindErrors(CaseDocument document) => new Checks(document).Run();

    /// <summary>The errors (as <see cref="FindErrors"/>) and the warnings (see <see cref="Validate"/>) of a case.</summary>
    public static (IReadOnlyList<CaseError> Errors, IReadOnlyList<CaseError> Warnings) FindAll(CaseDocument document)
    {
        var checks = new Checks(document);
        var errors = checks.Run();
        return (errors, checks.Warnings);
    }

    private sealed class Checks(CaseDocument document)
    {
        private readonly List<CaseError> _errors = [];
        private readonly List<CaseError> _warnings = [];
        private readonly CaseDefinition _case = document.Definition;

        public IReadOnlyList<CaseError> Warnings => _warnings;

        public IReadOnlyList<CaseError> Run()
        {
            if (string.IsNullOrWhiteSpace(_case.Name)) Missing("name", "the case name, text");
            string? type = CheckCell();
            if (type != FullCell) CheckLithiumFoil();
            CheckElectrolyte();
            CheckSeparator();
            InitialOpenCircuitVoltage? ocv = null;
            if (type == FullCell)
            {
                foreach (var (path, section) in new[] { ("electrode", _case.Electrode), ("lithium_foil", (object?)_case.LithiumFoil) })
                    if (section != null)
                        Fail(path, "a mapping", $"accepted with cell.type {FullCell}: a full cell has {string.Join(" and ", FullCellElectrodes)} and no lithium foil", keyNode: true);
                var negative = CheckElectrode("negative_electrode", _case.NegativeElectrode, densityRequired: false);
                var positive = CheckElectrode("positive_electrode", _case.PositiveElectrode, densityRequired: false);
                if (negative is { } n && positive is { } p)
                    ocv = new InitialOpenCircuitVoltage(p.Potential - n.Potential, $"U_p({p.Describe}) − U_n({n.Describe})");
            }
            else
            {
                foreach (var path in FullCellElectrodes)
                    if (path == "negative_electrode" ? _case.NegativeElectrode != null : _case.PositiveElectrode != null)
                        Fail(path, "a mapping", $"accepted with cell.type {type ?? HalfCell}: a half cell has one working electrode, electrode (use cell.type: {FullCell})", keyNode: true);
                if (CheckElectrode("electrode", _case.Electrode, densityRequired: true) is { } working)
                    ocv = new InitialOpenCircuitVoltage(working.Potential, $"U({working.Describe})");
            }
            CheckProtocol(ocv);
            CheckMesh(type);
            CheckResolved(type);
            CheckSolver();
            CheckOutput();
            CheckProvenance();
            return _errors;
        }

        /// <summary>The open-circuit voltage of the initial state [V] and how it was obtained, for the cut-off check.</summary>
        private sealed record InitialOpenCircuitVoltage(double Value, string Description);

        /// <summary>An electrode's equilibrium potential at its initial state, and that state as written.</summary>
        private sealed record InitialPotential(double Potential, string Describe);

        /// <summary>Checks the cell section; returns the cell type when it is one of <see cref="CellTypes"/>.</summary>
        private string? CheckCell()
        {
            var cell = _case.Cell;
            if (cell == null) { Missing("cell", $"section with type ({string.Join(" or ", CellTypes)}) and temperature_K"); return null; }
            string? type = null;
            if (cell.Type == null) Missing("cell.type", $"{HalfCell} (working electrode against lithium foil) or {FullCell} (negative | separator | positive)");
            else if (!CellTypes.Contains(cell.Type))
                Fail("cell.type", cell.Type, $"one of {string.Join(", ", CellTypes)} ({HalfCell}: a working electrode against lithium foil; {FullCell}: negative | separator | positive)");
            else type = cell.Type;
            if (Require(cell.TemperatureK, "cell.temperature_K", "cell temperature [K]"))
                Open(cell.TemperatureK, "cell.temperature_K", 200, 400, "K");
            Positive(cell.OneCCurrentDensityAM2, "cell.one_c_current_density_A_m2");
            CheckThermal(cell.Thermal);
            return type;
        }

        private void CheckThermal(ThermalSection? thermal)
        {
            if (thermal == null) return;
            const string at = "cell.thermal";
            string P(string key) => $"{at}.{key}";
            // Ranges of whatever is given, whatever the model; what a lumped model needs only with it.
            Positive(thermal.HeatCapacityJKgK, P("heat_capacity_J_kgK"));
            Positive(thermal.ArealHeatCapacityJM2K, P("areal_heat_capacity_J_m2K"));
            Positive(thermal.MassKg, P("mass_kg"));
            Positive(thermal.ElectrodeAreaM2, P("electrode_area_m2"));
            AtLeast(thermal.HeatTransferCoefficientWM2K, P("heat_transfer_coefficient_W_m2K"), 0);
            Positive(thermal.CoolingAreaM2, P("cooling_area_m2"));
            Positive(thermal.CoolingAreaPerElectrodeArea, P("cooling_area_per_electrode_area"));
            Open(thermal.AmbientTemperatureK, P("ambient_temperature_K"), 200, 400, "K");
            Open(thermal.InitialTemperatureK, P("initial_temperature_K"), 200, 400, "K");
            if (thermal.Model == null) { Missing(P("model"), string.Join(" or ", ThermalModels)); return; }
            if (!ThermalModels.Contains(thermal.Model)) { Fail(P("model"), thermal.Model, "one of " + string.Join(", ", ThermalModels)); return; }
            if (thermal.Model == "isothermal") return;
            ExactlyOne(at, "the cell's heat capacity",
                ("heat_capacity_J_kgK", thermal.HeatCapacityJKgK), ("areal_heat_capacity_J_m2K", thermal.ArealHeatCapacityJM2K));
            if (thermal.HeatCapacityJKgK != null) Require(thermal.MassKg, P("mass_kg"), "the cell mass [kg], > 0 (C = m c_p / A_electrode)");
            else if (thermal.MassKg is { } mass) Fail(P("mass_kg"), Text(P("mass_kg"), mass), "accepted only with heat_capacity_J_kgK");
            if ((thermal.MassKg != null || thermal.CoolingAreaM2 != null) && thermal.ElectrodeAreaM2 == null)
                Missing(P("electrode_area_m2"), "the cell's electrode area [m²], > 0: mass_kg and cooling_area_m2 are per cell, the model per unit electrode area");
            Require(thermal.HeatTransferCoefficientWM2K, P("heat_transfer_coefficient_W_m2K"), "h [W/(m² K)], >= 0 (0: adiabatic)");
            if (thermal.HeatTransferCoefficientWM2K is > 0 || (thermal.CoolingAreaM2 != null && thermal.CoolingAreaPerElectrodeArea != null))
                ExactlyOne(at, "the cooled area",
                    ("cooling_area_m2", thermal.CoolingAreaM2), ("cooling_area_per_electrode_area", thermal.CoolingAreaPerElectrodeArea));
            if (_case.Resolved != null)
                Fail(P("model"), thermal.Model, "accepted with a resolved section: the 2-D resolved-particle mode is isothermal (use model: isothermal or leave cell.thermal out)");
            foreach (var (path, electrode) in new[] { ("electrode", _case.Electrode), ("negative_electrode", _case.NegativeElectrode), ("positive_electrode", _case.PositiveElectrode) })
                if (electrode?.Kinetics?.DoubleLayerCapacitanceFM2 is > 0)
                    Fail(P("model"), thermal.Model, $"accepted with {path}.kinetics.double_layer_capacitance_F_m2 > 0: the lumped thermal model does not count the double layer's charging power (leave one of them out)");
                else if (electrode?.Ocp?.Hysteresis is not null)
                    Fail(P("model"), thermal.Model, $"accepted with {path}.ocp.hysteresis: the lumped thermal model's heat balance uses a single equilibrium curve and does not count the hysteresis loop's dissipation (leave one of them out)");
        }

        private void CheckLithiumFoil()
        {
            var foil = _case.LithiumFoil;
            if (foil == null) return;
            Positive(foil.RateCoefficientMS, "lithium_foil.rate_coefficient_m_s");
            Positive(foil.LithiumConcentrationMolM3, "lithium_foil.lithium_concentration_mol_m3");
            Open(foil.TransferCoefficient, "lithium_foil.transfer_coefficient", 0, 1);
        }

        private void CheckElectrolyte()
        {
            var electrolyte = _case.Electrolyte;
            if (electrolyte == null) { Missing("electrolyte", "section with correlation and initial_concentration_mol_m3"); return; }
            if (electrolyte.Correlation == null) Missing("electrolyte.correlation", "one of " + string.Join(", ", Electrolytes.Names));
            else if (!Electrolytes.Names.Contains(electrolyte.Correlation))
                Fail("electrolyte.correlation", electrolyte.Correlation, "one of " + string.Join(", ", Electrolytes.Names));
            if (Require(electrolyte.InitialConcentrationMolM3, "electrolyte.initial_concentration_mol_m3", "initial salt concentration [mol/m³], > 0"))
                Positive(electrolyte.InitialConcentrationMolM3, "electrolyte.initial_concentration_mol_m3");
            Positive(electrolyte.ReferenceConcentrationMolM3, "electrolyte.reference_concentration_mol_m3");
            Open(electrolyte.TransferenceNumber, "electrolyte.transference_number", 0, 1);
        }

        private void CheckSeparator()
        {
            var separator = _case.Separator;
            if (separator == null) { Missing("separator", "section with thickness_um and porosity"); return; }
            if (Require(separator.ThicknessUm, "separator.thickness_um", "separator thickness [µm], > 0"))
                Positive(separator.ThicknessUm, "separator.thickness_um");
            if (Require(separator.Porosity, "separator.porosity", "separator porosity, in (0, 1]"))
                LeftOpen(separator.Porosity, "separator.porosity", 0, 1);
            Closed(separator.Bruggeman, "separator.bruggeman", 0, 5);
        }

        /// <summary>
        /// Checks the electrode section <paramref name="e"/> found at key path <paramref name="at"/> (<c>electrode</c>,
        /// <c>negative_electrode</c> or <c>positive_electrode</c>); returns its equilibrium potential at the initial
        /// state when that could be built, for the cut-off check.
        /// </summary>
        private InitialPotential? CheckElectrode(string at, ElectrodeSection? e, bool densityRequired)
        {
            if (e == null) { Missing(at, at == "electrode" ? "section: the working electrode" : $"section: the {at.Replace('_', ' ')} of the full cell"); return null; }
            string P(string key) => $"{at}.{key}";
            if (Require(e.ThicknessUm, P("thickness_um"), "electrode thickness [µm], > 0"))
                Positive(e.ThicknessUm, P("thickness_um"));
            bool porosity = Require(e.Porosity, P("porosity"), "electrolyte volume fraction, in (0, 1)") && Open(e.Porosity, P("porosity"), 0, 1);
            bool active = Require(e.ActiveVolumeFraction, P("active_volume_fraction"), "active-material volume fraction, in (0, 1)")
                && Open(e.ActiveVolumeFraction, P("active_volume_fraction"), 0, 1);
            if (porosity && active && e.Porosity + e.ActiveVolumeFraction > 1)
                Fail($"{P("porosity")} + {P("active_volume_fraction")}",
                    $"{Text(P("porosity"), e.Porosity!.Value)} + {Text(P("active_volume_fraction"), e.ActiveVolumeFraction!.Value)} = {Format(e.Porosity.Value + e.ActiveVolumeFraction.Value)}",
                    "<= 1 (the rest is carbon and binder)", locate: P("active_volume_fraction"));
            var psd = e.ParticleSizeDistribution;
            // A distribution that names its own radii (discrete, or lognormal with mean_radius_um) needs no particle_radius_um.
            bool radiiGiven = psd is { Kind: "discrete" } || psd?.MeanRadiusUm != null;
            if (radiiGiven || Require(e.ParticleRadiusUm, P("particle_radius_um"), "particle radius [µm], > 0"))
                Positive(e.ParticleRadiusUm, P("particle_radius_um"));
            CheckParticleSizeDistribution(at, e);
            Closed(e.Bruggeman, P("bruggeman"), 0, 5);

            ExactlyOne(at, "electronic conductivity [S/m]",
                ("solid_conductivity_S_m", e.SolidConductivitySM), ("effective_conductivity_S_m", e.EffectiveConductivitySM));
            Positive(e.SolidConductivitySM, P("solid_conductivity_S_m"));
            Positive(e.EffectiveConductivitySM, P("effective_conductivity_S_m"));
            Closed(e.SolidBruggeman, P("solid_bruggeman"), 0, 5);

            if (densityRequired) Require(e.ActiveDensityKgM3, P("active_density_kg_m3"), "active-material density [kg/m³], > 0");
            Positive(e.ActiveDensityKgM3, P("active_density_kg_m3"));
            ExactlyOne(at, "the active material's capacity",
                ("max_capacity_mAh_g", e.MaxCapacityMAhG), ("max_concentration_mol_m3", e.MaxConcentrationMolM3));
            Positive(e.MaxCapacityMAhG, P("max_capacity_mAh_g"));
            Positive(e.MaxConcentrationMolM3, P("max_concentration_mol_m3"));
            if (e.MaxCapacityMAhG != null && e.ActiveDensityKgM3 == null && !densityRequired)
                Missing(P("active_density_kg_m3"), $"active-material density [kg/m³], > 0: {P("max_capacity_mAh_g")} needs it for c_max (or give {P("max_concentration_mol_m3")})");

            double? cmax = e.MaxConcentrationMolM3 is > 0 and var c ? c
                : e.MaxCapacityMAhG is > 0 and var q && e.ActiveDensityKgM3 is > 0 and var rho ? CaseBuilder.MaxConcentrationFromCapacity(q, rho) : null;
            ExactlyOne(at, "the initial lithium content",
                ("initial_state_of_lithiation", e.InitialStateOfLithiation), ("initial_concentration_mol_m3", e.InitialConcentrationMolM3));
            double? theta0 = null;
            if (e.InitialStateOfLithiation is { } theta && Open(theta, P("initial_state_of_lithiation"), 0, 1)) theta0 = theta;
            if (e.InitialConcentrationMolM3 is { } c0)
            {
                if (!(c0 > 0 && double.IsFinite(c0))) Fail(P("initial_concentration_mol_m3"), Text(P("initial_concentration_mol_m3"), c0), "> 0");
                else if (cmax is { } max && c0 >= max)
                    Fail(P("initial_concentration_mol_m3"), Text(P("initial_concentration_mol_m3"), c0), $"< c_s,max = {Format(max)} mol/m³");
                else if (cmax is { } m) theta0 = c0 / m;
            }

            if (e.SolidDiffusivityFunction is { } function)
            {
                if (e.SolidDiffusivityM2S is { } constant)
                    Fail(at, $"solid_diffusivity_m2_s: {Text(P("solid_diffusivity_m2_s"), constant)} with solid_diffusivity_function: {function}",
                        "exactly one of solid_diffusivity_m2_s, solid_diffusivity_function", locate: P("solid_diffusivity_function"));
                if (!SolidDiffusivities.Names.Contains(function))
                    Fail(P("solid_diffusivity_function"), function, "one of " + string.Join(", ", SolidDiffusivities.Names));
                if (e.SolidDiffusivityActivationEnergyJMol is { } ea)
                    Fail(P("solid_diffusivity_activation_energy_J_mol"), Text(P("solid_diffusivity_activation_energy_J_mol"), ea),
                        "accepted with solid_diffusivity_function: the function carries its own temperature dependence");
            }
            else if (Require(e.SolidDiffusivityM2S, P("solid_diffusivity_m2_s"), "solid diffusivity [m²/s], > 0, or solid_diffusivity_function (one of " + string.Join(", ", SolidDiffusivities.Names) + ")"))
                Positive(e.SolidDiffusivityM2S, P("solid_diffusivity_m2_s"));
            if (e.SolidDiffusivityScale is { } scale)
            {
                Closed(scale, P("solid_diffusivity_scale"), 0.001, 1000);
                if (e.SolidDiffusivityFunction == null)
                    Fail(P("solid_diffusivity_scale"), Text(P("solid_diffusivity_scale"), scale),
                        "accepted without solid_diffusivity_function (it scales that function; a constant D_s is set by solid_diffusivity_m2_s)");
            }
            if (e.SolidDiffusivityDipScale is { } dipScale)
            {
                Closed(dipScale, P("solid_diffusivity_dip_scale"), 0, 2);
                if (e.SolidDiffusivityFunction is not { } named || SolidDiffusivities.NarrowestMinimum(named) == null)
                    Fail(P("solid_diffusivity_dip_scale"), Text(P("solid_diffusivity_dip_scale"), dipScale),
                        $"accepted without a solid_diffusivity_function with a narrow minimum (graphite_lgm50_oregan2022, nmc811_lgm50_oregan2022){(e.SolidDiffusivityFunction is { } other ? $"; {other} has none" : "")}");
            }
            ActivationEnergy(e.SolidDiffusivityActivationEnergyJMol, P("solid_diffusivity_activation_energy_J_mol"));

            CheckCoating(at, e.Coating);
            CheckKinetics(at, e.Kinetics);
            var ocp = CheckOcp(at, e.Ocp);
            if (theta0 is not { } t0 || ocp == null) return null;
            string state = e.InitialStateOfLithiation != null
                ? $"θ0 = {Text(P("initial_state_of_lithiation"), t0)}"
                : $"θ0 = {Text(P("initial_concentration_mol_m3"), e.InitialConcentrationMolM3!.Value)}/{Format(cmax!.Value)} = {t0.ToString("0.####", CultureInfo.InvariantCulture)}";
            return new InitialPotential(ocp.Evaluate(t0, out _), state);
        }

        private void CheckParticleSizeDistribution(string at, ElectrodeSection e)
        {
            if (e.ParticleSizeDistribution is not { } psd) return;
            string path = at + ".particle_size_distribution";
            string P(string key) => $"{path}.{key}";
            if (_case.Resolved != null)
                Fail(path, "a mapping", "accepted in the P2D model only (the resolved 2-D mode places its own discs)", keyNode: true);
            if (e.Kinetics?.DoubleLayerCapacitanceFM2 is > 0)
                Fail(path, "a mapping", $"accepted without {at}.kinetics.double_layer_capacitance_F_m2 > 0 (the double layer is one per x cell, not per size class: not supported together)", keyNode: true);
            if (e.Ocp?.Hysteresis is not null)
                Fail(path, "a mapping", $"accepted without {at}.ocp.hysteresis (its state is one per x cell, not per size class: not supported together)", keyNode: true);
            if (psd.Kind == null) { Missing(P("kind"), "lognormal or discrete"); return; }
            if (!ParticleSizeDistributionSection.Kinds.Contains(psd.Kind)) { Fail(P("kind"), psd.Kind, "one of " + string.Join(", ", ParticleSizeDistributionSection.Kinds)); return; }
            if (psd.Kind == "lognormal")
            {
                if (psd.RadiiUm != null) Fail(P("radii_um"), "a list", "accepted with kind discrete only (lognormal takes sigma, classes, mean_radius_um)", keyNode: true);
                if (psd.VolumeFractions != null) Fail(P("volume_fractions"), "a list", "accepted with kind discrete only (lognormal takes sigma, classes, mean_radius_um)", keyNode: true);
                if (Require(psd.Sigma, P("sigma"), "standard deviation of ln R, in [0, 2]")) Closed(psd.Sigma, P("sigma"), 0, 2);
                if (Require(psd.Classes, P("classes"), "number of size classes, an integer in [1, 50]")) IntRange(psd.Classes, P("classes"), 1, 50);
                Positive(psd.MeanRadiusUm, P("mean_radius_um"));
                return;
            }
            if (psd.Sigma is { } sigma) Fail(P("sigma"), Text(P("sigma"), sigma), "accepted with kind lognormal only (discrete takes radii_um and volume_fractions)");
            if (psd.Classes is { } classes) Fail(P("classes"), Text(P("classes"), classes), "accepted with kind lognormal only (discrete takes radii_um and volume_fractions)");
            if (psd.MeanRadiusUm is { } mean) Fail(P("mean_radius_um"), Text(P("mean_radius_um"), mean), "accepted with kind lognormal only (discrete takes radii_um and volume_fractions)");
            if (psd.RadiiUm is not { Count: > 0 } radii) { Missing(P("radii_um"), "the radius of each size class [µm], each > 0"); return; }
            if (psd.VolumeFractions is not { Count: > 0 } fractions) { Missing(P("volume_fractions"), "each class's share of the active volume, summing to 1"); return; }
            if (radii.Count > 50) Fail(P("radii_um"), $"{radii.Count} radii", "at most 50 size classes", keyNode: true);
            for (int k = 0; k < radii.Count; k++)
                if (!(radii[k] > 0 && double.IsFinite(radii[k]))) Fail($"{P("radii_um")}[{k}]", Format(radii[k]), "a finite radius > 0 [µm]", locate: P("radii_um"));
            if (fractions.Count != radii.Count)
            {
                Fail(P("volume_fractions"), $"{fractions.Count} values", $"one per radius in radii_um ({radii.Count})", keyNode: true);
                return;
            }
            bool each = true;
            for (int k = 0; k < fractions.Count; k++)
                if (!(fractions[k] > 0 && fractions[k] <= 1)) { each = false; Fail($"{P("volume_fractions")}[{k}]", Format(fractions[k]), "in (0, 1]", locate: P("volume_fractions")); }
            double sum = 0;
            foreach (double w in fractions) sum += w;
            if (each && !(Math.Abs(sum - 1) <= ParticleSizeDistributionSection.SumTolerance))
                Fail(P("volume_fractions"), $"summing to {sum.ToString("R", CultureInfo.InvariantCulture)}", $"fractions summing to 1 within {ParticleSizeDistributionSection.SumTolerance:G1}", keyNode: true);
        }

        private void CheckCoating(string at, CoatingSection? coating)
        {
            if (coating == null) return;
            string path = at + ".coating.alkali_solubility_percent";
            if (!Require(coating.AlkaliSolubilityPercent, path, $"alkali solubility [%], in [{Format(CoatingQualityMap.MinAlkaliSolubility)}, {Format(CoatingQualityMap.MaxAlkaliSolubility)}]")) return;
            Closed(coating.AlkaliSolubilityPercent, path, CoatingQualityMap.MinAlkaliSolubility, CoatingQualityMap.MaxAlkaliSolubility, "%");
            if (document.Coatings.FirstOrDefault(c => c.ElectrodePath == at) is not { } applied) return;
            var map = applied.Map;
            if (applied.Values.Extrapolated)
                Warn(path, Text(path, applied.AlkaliSolubilityPercent),
                    $"within the measured points of {map.Name}, [{Format(map.MeasuredMin)}, {Format(map.MeasuredMax)}] % ({CoatingQualityMap.ExtrapolationRule})", path);
            if (applied.Mapped.Count == 0)
                Warn(path, Text(path, applied.AlkaliSolubilityPercent),
                    $"used: {string.Join(", ", applied.Explicit)} {(applied.Explicit.Count == 1 ? "is" : "are")} given explicitly and override the coating map (remove them to let alkali_solubility_percent set them)", path);
        }

        private void CheckKinetics(string at, KineticsSection? k)
        {
            string path = at + ".kinetics";
            string P(string key) => $"{path}.{key}";
            if (k == null) { Missing(path, "section with exchange_current_prefactor_A_m2 (or rate_constant) and activation_energy_J_mol"); return; }
            ExactlyOne(path, "the exchange current density: j0' [A/m²] or the mass-action rate constant k",
                ("exchange_current_prefactor_A_m2", k.ExchangeCurrentPrefactorAM2), ("rate_constant", k.RateConstant));
            Positive(k.ExchangeCurrentPrefactorAM2, P("exchange_current_prefactor_A_m2"));
            Positive(k.RateConstant, P("rate_constant"));
            if (k.ReferenceTemperatureK is { } tref)
            {
                if (k.RateConstant == null)
                    Fail(P("reference_temperature_K"), Text(P("reference_temperature_K"), tref), "accepted without rate_constant (j0' has no reference temperature)");
                else Open(tref, P("reference_temperature_K"), 200, 400, "K");
            }
            if (Require(k.ActivationEnergyJMol, P("activation_energy_J_mol"), "Ea [J/mol], 0 for none"))
                ActivationEnergy(k.ActivationEnergyJMol, P("activation_energy_J_mol"));
            Open(k.AnodicTransferCoefficient, P("anodic_transfer_coefficient"), 0, 1);
            Open(k.CathodicTransferCoefficient, P("cathodic_transfer_coefficient"), 0, 1);
            AtLeast(k.FilmResistanceOhmM2, P("film_resistance_ohm_m2"), 0);
            if (k.DoubleLayerCapacitanceFM2 is { } cdl && !(cdl >= 0 && cdl <= 10))
                Fail(P("double_layer_capacitance_F_m2"), Text(P("double_layer_capacitance_F_m2"), cdl), "in [0, 10] F/m^2 (typical 0.1-0.5)");
        }

        private IOpenCircuitPotential? CheckOcp(string at, OcpSection? ocp)
        {
            string path = at + ".ocp";
            if (ocp == null) { Missing(path, $"section with function (one of {string.Join(", ", OcpFunctions.Names)}), table (a θ,U CSV file) or hysteresis (lithiation and delithiation curves)"); return null; }
            if (ocp.EntropicFunction is { } entropic)
            {
                if (ocp.EntropicCoefficientVK is { } constant)
                    Fail(path, $"entropic_function: {entropic} with entropic_coefficient_V_K: {Text(path + ".entropic_coefficient_V_K", constant)}",
                        "at most one of entropic_function, entropic_coefficient_V_K", locate: path + ".entropic_coefficient_V_K");
                if (!EntropicCoefficients.Names.Contains(entropic))
                    Fail(path + ".entropic_function", entropic, "one of " + string.Join(", ", EntropicCoefficients.Names));
            }
            if (ocp.EntropicCoefficientVK is { } dudt && !(dudt >= -0.01 && dudt <= 0.01))
                Fail(path + ".entropic_coefficient_V_K", Text(path + ".entropic_coefficient_V_K", dudt), "in [-0.01, 0.01] V/K (entropic coefficients are below 1 mV/K)");

            if (ocp.Hysteresis is not { } hysteresis)
                return CheckCurve(path, ocp.Function, ocp.Table, ocp.Parameters,
                    $"exactly one of function (one of {string.Join(", ", OcpFunctions.Names)}), table (a θ,U CSV file) or hysteresis (lithiation and delithiation curves)");
            int before = _errors.Count;
            string hp = path + ".hysteresis";
            if (!string.IsNullOrEmpty(ocp.Function) || !string.IsNullOrEmpty(ocp.Table) || ocp.Parameters != null)
                Fail(path, $"hysteresis with {(!string.IsNullOrEmpty(ocp.Function) ? "function: " + ocp.Function : !string.IsNullOrEmpty(ocp.Table) ? "table: " + ocp.Table : "parameters")}",
                    "exactly one of function, table, hysteresis (with hysteresis the curves are hysteresis.lithiation and hysteresis.delithiation)", locate: hp);
            if (_case.Resolved != null)
                Fail(hp, "a mapping", "accepted in the P2D model only (the resolved 2-D mode has no hysteresis state)");
            IOpenCircuitPotential? Branch(string name, OcpBranchSection? branch)
            {
                if (branch == null) { Missing(hp + "." + name, $"the {name} curve: function (one of {string.Join(", ", OcpFunctions.Names)}) or table (a θ,U CSV file)"); return null; }
                return CheckCurve(hp + "." + name, branch.Function, branch.Table, branch.Parameters,
                    $"exactly one of function (one of {string.Join(", ", OcpFunctions.Names)}) or table (a θ,U CSV file)");
            }
            var lithiation = Branch("lithiation", hysteresis.Lithiation);
            var delithiation = Branch("delithiation", hysteresis.Delithiation);
            if (Require(hysteresis.Gamma, hp + ".gamma", "γ [1], the change of h per unit change of θ, in [0, 10000]"))
                Closed(hysteresis.Gamma, hp + ".gamma", 0, 1e4, "");
            Closed(hysteresis.InitialState, hp + ".initial_state", -1, 1, "");
            if (_errors.Count > before || lithiation == null || delithiation == null) return null;
            return new OcpHysteresis(lithiation, delithiation, hysteresis.Gamma!.Value, hysteresis.InitialState ?? OcpFunctions.DefaultInitialHysteresisState).Initial;
        }

        /// <summary>One curve at <paramref name="path"/>: exactly one of function, table; <paramref name="missing"/> is what a section with neither lacks.</summary>
        private IOpenCircuitPotential? CheckCurve(string path, string? functionName, string? tablePath, SiOStandInSection? parameters, string missing)
        {
            int before = _errors.Count;
            bool function = !string.IsNullOrEmpty(functionName), table = !string.IsNullOrEmpty(tablePath);
            if (function && table)
                Fail(path, $"function: {functionName} with table: {tablePath}", "exactly one of function, table");
            else if (!function && !table)
                Missing(path, missing);

            if (function && !OcpFunctions.Names.Contains(functionName))
                Fail(path + ".function", functionName!, "one of " + string.Join(", ", OcpFunctions.Names));

            IOpenCircuitPotential? curve = null;
            if (table)
            {
                try { curve = OcpFunctions.ReadTable(tablePath!, document); }
                catch (FileNotFoundException e)
                {
                    Fail(path + ".table", tablePath!, $"an existing file (looked for {e.FileName})");
                }
                catch (InputFileException e)
                {
                    Fail(path + ".table", tablePath!, $"{e.Accepted} (it is {e.Problem})");
                }
                catch (OcpTableException e)
                {
                    Fail(path + ".table", tablePath!, $"a θ,U table ({e.Message})");
                }
            }

            if (function && functionName == OcpFunctions.SiOStandIn) CheckStandIn(path + ".parameters", parameters);
            else if (parameters != null && (function || table))
                Fail(path + ".parameters", "a mapping", $"accepted with {(table ? "a table" : "function: " + functionName)}: only function: {OcpFunctions.SiOStandIn} takes parameters");

            if (_errors.Count > before) return null;
            if (curve != null) return curve;
            try { return OcpFunctions.Create(new OcpSection { Function = functionName, Parameters = parameters }, document); }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or KeyNotFoundException)
            {
                Fail(path, functionName ?? tablePath ?? "", $"a curve that can be built ({ex.Message.TrimEnd('.')})");
                return null;
            }
        }

        private void CheckStandIn(string path, SiOStandInSection? p)
        {
            if (p == null) { Missing(path, $"plateau_slope_V, step_height_V, step_centre and step_width of {OcpFunctions.SiOStandIn}"); return; }
            Closed(p.EndPotentialV, path + ".end_potential_V", 0, 0.5, "V");
            if (Require(p.PlateauSlopeV, path + ".plateau_slope_V", "plateau slope [V per unit θ], in [0, 5]"))
                Closed(p.PlateauSlopeV, path + ".plateau_slope_V", 0, 5, "V");
            if (Require(p.StepHeightV, path + ".step_height_V", "step height [V], in [0, 5]"))
                Closed(p.StepHeightV, path + ".step_height_V", 0, 5, "V");
            if (Require(p.StepCentre, path + ".step_centre", "θ at the step centre, in (0, 1)"))
                Open(p.StepCentre, path + ".step_centre", 0, 1);
            if (Require(p.StepWidth, path + ".step_width", "step width in θ, > 0"))
                Positive(p.StepWidth, path + ".step_width");
        }

        private void CheckProtocol(InitialOpenCircuitVoltage? ocv)
        {
            var steps = _case.Protocol;
            if (steps == null) { Missing("protocol", "a sequence of steps, each with mode current, voltage or rest"); return; }
            if (steps.Count == 0) { Fail("protocol", "an empty sequence", "a non-empty sequence of steps"); return; }
            // The cut-off check compares with U(θ0); that is the electrode's state only until the first step that passes charge.
            bool atInitialState = true;
            long expanded = 0;
            for (int i = 0; i < steps.Count; i++)
            {
                string p = $"protocol[{i}]";
                var item = steps[i];
                if (item?.Repeat == null && item?.Steps == null) { CheckStep(p, item, null, ocv, ref atInitialState); expanded++; continue; }
                var group = item!;
                foreach (var (key, given) in new (string, bool)[]
                {
                    ("mode", group.Mode != null), ("current_density_A_m2", group.CurrentDensityAM2 != null), ("current_density_mA_cm2", group.CurrentDensityMACm2 != null),
                    ("specific_current_A_g", group.SpecificCurrentAG != null), ("c_rate", group.CRate != null), ("voltage_V", group.VoltageV != null),
                    ("max_duration_s", group.MaxDurationS != null), ("stop.current_below_A_m2", group.Stop?.CurrentBelowAM2 != null),
                })
                    if (given) Fail($"{p}.{key}", document.TextAt($"{p}.{key}") ?? "a value",
                        key.StartsWith("stop.", StringComparison.Ordinal)
                            ? "accepted on a repeat group (its stop conditions are voltage_below_V and voltage_above_V, which end the group; give current_below_A_m2 to a voltage step under steps:)"
                            : "accepted on a repeat group (a group has label, repeat, stop and steps; give it to the steps under steps:)");
                if (group.Repeat is not { } repeat) { Missing(p + ".repeat", "how many times the group's steps run, an integer in [1, 100000]"); continue; }
                if (repeat is < 1 or > MaxProtocolSteps) { Fail(p + ".repeat", Text(p + ".repeat", repeat), $"an integer in [1, {MaxProtocolSteps}]"); continue; }
                if (group.Steps is not { Count: > 0 } inner) { Missing(p + ".steps", "the group's steps: a non-empty sequence of steps"); continue; }
                Finite(group.Stop?.VoltageBelowV, p + ".stop.voltage_below_V");
                Finite(group.Stop?.VoltageAboveV, p + ".stop.voltage_above_V");
                for (int k = 0; k < inner.Count; k++)
                {
                    string q = $"{p}.steps[{k}]";
                    if (inner[k] is { } nested && (nested.Repeat != null || nested.Steps != null))
                    {
                        Fail(nested.Repeat != null ? q + ".repeat" : q + ".steps", "a repeat group inside a repeat group",
                            "accepted: groups do not nest (write the inner repetitions out, or repeat the outer group)");
                        continue;
                    }
                    if (inner[k]?.Mode is "voltage_sweep" or "impedance")
                    {
                        Fail(q + ".mode", inner[k]!.Mode!, $"accepted in a repeat group: a {inner[k]!.Mode} step stands on its own (a sweep has cycles)");
                        continue;
                    }
                    CheckStep(q, inner[k], group.Stop, ocv, ref atInitialState);
                }
                expanded += (long)repeat * inner.Count;
            }
            if (expanded > MaxProtocolSteps)
                Fail("protocol", $"{expanded} steps once the repeat groups are written out", $"at most {MaxProtocolSteps} steps");
        }

        /// <summary>The most steps a protocol may have once its repeat groups are written out.</summary>
        public const int MaxProtocolSteps = 100_000;

        /// <summary>One protocol step at key path <paramref name="p"/>; <paramref name="groupStop"/> is its repeat group's stop section, if any.</summary>
        private void CheckStep(string p, ProtocolStepSection? step, StopSection? groupStop, InitialOpenCircuitVoltage? ocv, ref bool atInitialState)
        {
            {
                if (step == null) { Missing(p, "a step: a mapping with mode current, voltage or rest"); atInitialState = false; return; }
                string? mode = step.Mode;
                if (mode == null) Missing(p + ".mode", string.Join(", ", Modes));
                else if (!Modes.Contains(mode)) { Fail(p + ".mode", mode, "one of " + string.Join(", ", Modes)); mode = null; }

                var currents = new (string Key, double? Value)[]
                {
                    ("current_density_A_m2", step.CurrentDensityAM2), ("current_density_mA_cm2", step.CurrentDensityMACm2),
                    ("specific_current_A_g", step.SpecificCurrentAG), ("c_rate", step.CRate),
                }.Where(c => c.Value != null).ToList();
                double? current = null;
                if (mode == "current")
                {
                    if (currents.Count == 0)
                        Missing(p, "for mode current, one of " + string.Join(", ", CurrentKeys));
                    else if (currents.Count > 1)
                        Fail(p, string.Join(" with ", currents.Select(c => $"{c.Key}: {Text($"{p}.{c.Key}", c.Value!.Value)}")), "exactly one of " + string.Join(", ", CurrentKeys));
                    else
                    {
                        var (key, value) = currents[0];
                        bool full = _case.Cell?.Type == FullCell;
                        if (value == 0 || !double.IsFinite(value!.Value))
                            Fail($"{p}.{key}", Text($"{p}.{key}", value!.Value),
                                $"a finite, non-zero current (positive {(full ? "discharges" : "lithiates")}; use mode: rest for no current)");
                        else current = value;
                        var working = full ? _case.PositiveElectrode : _case.Electrode;
                        if (key == "specific_current_A_g" && working != null && working.ActiveDensityKgM3 == null)
                            Fail($"{p}.{key}", Text($"{p}.{key}", value!.Value),
                                $"accepted without {(full ? "positive_electrode" : "electrode")}.active_density_kg_m3 (A/g needs the active mass); use current_density_A_m2 or c_rate");
                    }
                }
                else if (mode != null)
                    foreach (var (key, value) in currents)
                        Fail($"{p}.{key}", Text($"{p}.{key}", value!.Value), $"accepted in a {mode} step: only mode current takes a current");

                if (mode == "voltage")
                {
                    if (Require(step.VoltageV, p + ".voltage_V", "the held voltage [V]")) Finite(step.VoltageV, p + ".voltage_V");
                }
                else if (mode != null && step.VoltageV is { } v)
                    Fail(p + ".voltage_V", Text(p + ".voltage_V", v), $"accepted in a {mode} step: only mode voltage takes voltage_V");

                if (mode is "voltage_sweep" or "impedance")
                {
                    CheckExperimentStep(p, step, mode);
                    if (mode == "voltage_sweep") atInitialState = false;
                    return;
                }
                CheckNoExperimentKeys(p, step, mode);

                if (step.MaxDurationS is { } duration && !(duration > 0 && duration <= MaxStepDuration))
                    Fail(p + ".max_duration_s", Text(p + ".max_duration_s", duration), MaxStepDurationAccepted);

                var stop = step.Stop;
                Finite(stop?.VoltageBelowV, p + ".stop.voltage_below_V");
                Finite(stop?.VoltageAboveV, p + ".stop.voltage_above_V");
                Positive(stop?.CurrentBelowAM2, p + ".stop.current_below_A_m2");
                if (stop?.CurrentBelowAM2 is { } ib && mode is "current" or "rest")
                    Fail(p + ".stop.current_below_A_m2", Text(p + ".stop.current_below_A_m2", ib),
                        $"accepted in a {mode} step: the current is set there and cannot fall; use it to end a voltage step");
                if (stop?.VoltageBelowV is { } below && stop.VoltageAboveV is { } above && below >= above)
                    Fail(p + ".stop.voltage_below_V", Text(p + ".stop.voltage_below_V", below),
                        $"< stop.voltage_above_V ({Text(p + ".stop.voltage_above_V", above)}): the step would end at once");

                bool ends = step.MaxDurationS != null
                    || stop?.VoltageBelowV != null || stop?.VoltageAboveV != null || stop?.CurrentBelowAM2 != null
                    || groupStop?.VoltageBelowV != null || groupStop?.VoltageAboveV != null;
                if (!ends)
                    Missing(p, "a finite max_duration_s or a stop condition (stop.voltage_below_V, stop.voltage_above_V, stop.current_below_A_m2): the step would never end");

                if (atInitialState && current is { } i0 && ocv != null)
                    CheckCutOffAgainstOcv(p, i0, stop, ocv);
                if (mode != "rest") atInitialState = false;
            }
        }

        /// <summary>A voltage_sweep or impedance step: its own keys, and none of the keys that end or drive other steps.</summary>
        private void CheckExperimentStep(string p, ProtocolStepSection step, string mode)
        {
            foreach (var (key, given) in new (string, bool)[]
            {
                ("max_duration_s", step.MaxDurationS != null), ("stop", step.Stop != null), ("voltage_V", step.VoltageV != null),
            })
                if (given) Fail($"{p}.{key}", document.TextAt($"{p}.{key}") ?? "a value",
                    $"accepted in a {mode} step: {(mode == "impedance" ? "it takes no time" : "its duration is its path length over the scan rate")}");
            if (mode == "voltage_sweep")
            {
                foreach (var (key, given) in new (string, bool)[] { ("frequency_min_Hz", step.FrequencyMinHz != null), ("frequency_max_Hz", step.FrequencyMaxHz != null), ("points_per_decade", step.PointsPerDecade != null) })
                    if (given) Fail($"{p}.{key}", document.TextAt($"{p}.{key}") ?? "a value", "accepted in a voltage_sweep step: only mode impedance takes it");
                if (Require(step.ScanRateMVS, p + ".scan_rate_mV_s", "the scan rate [mV/s]") && !(step.ScanRateMVS > 0 && step.ScanRateMVS <= 1e4))
                    Fail(p + ".scan_rate_mV_s", Text(p + ".scan_rate_mV_s", step.ScanRateMVS!.Value), "in (0, 10000] mV/s");
                if (Require(step.StartV, p + ".start_V", "the voltage the sweep starts at [V]")) Finite(step.StartV, p + ".start_V");
                if (step.VerticesV is not { Count: > 0 } vertices) { Missing(p + ".vertices_V", "a non-empty list of vertex potentials [V]"); }
                else
                {
                    double previous = step.StartV ?? double.NaN;
                    for (int k = 0; k < vertices.Count; k++)
                    {
                        string at = $"{p}.vertices_V[{k}]";
                        if (!double.IsFinite(vertices[k])) Fail(at, Text(at, vertices[k]), "a finite number");
                        else if (vertices[k] == previous) Fail(at, Text(at, vertices[k]), $"different from the potential before it ({Format(previous)} V): a segment of zero length");
                        previous = vertices[k];
                    }
                }
                if (step.Cycles is { } cycles && cycles is < 1 or > 10000) Fail(p + ".cycles", Text(p + ".cycles", cycles), "an integer in [1, 10000]");
                return;
            }
            foreach (var (key, given) in new (string, bool)[] { ("scan_rate_mV_s", step.ScanRateMVS != null), ("start_V", step.StartV != null), ("vertices_V", step.VerticesV != null), ("cycles", step.Cycles != null) })
                if (given) Fail($"{p}.{key}", document.TextAt($"{p}.{key}") ?? "a value", "accepted in an impedance step: only mode voltage_sweep takes it");
            bool low = Require(step.FrequencyMinHz, p + ".frequency_min_Hz", "the lowest frequency [Hz]");
            bool high = Require(step.FrequencyMaxHz, p + ".frequency_max_Hz", "the highest frequency [Hz]");
            if (low && !(step.FrequencyMinHz >= 1e-6 && step.FrequencyMinHz < 1e9))
                Fail(p + ".frequency_min_Hz", Text(p + ".frequency_min_Hz", step.FrequencyMinHz!.Value), "in [1e-6, 1e9) Hz");
            if (high && !(step.FrequencyMaxHz > 0 && step.FrequencyMaxHz <= 1e9))
                Fail(p + ".frequency_max_Hz", Text(p + ".frequency_max_Hz", step.FrequencyMaxHz!.Value), "in (0, 1e9] Hz");
            else if (low && high && !(step.FrequencyMaxHz > step.FrequencyMinHz))
                Fail(p + ".frequency_max_Hz", Text(p + ".frequency_max_Hz", step.FrequencyMaxHz!.Value), $"above frequency_min_Hz ({Format(step.FrequencyMinHz!.Value)} Hz)");
            if (step.PointsPerDecade is { } n && n is < 1 or > 1000) Fail(p + ".points_per_decade", Text(p + ".points_per_decade", n), "an integer in [1, 1000]");
        }

        /// <summary>The sweep and spectrum keys belong to their modes only.</summary>
        private void CheckNoExperimentKeys(string p, ProtocolStepSection step, string? mode)
        {
            if (mode == null) return;
            foreach (var (key, given) in new (string, bool)[]
            {
                ("scan_rate_mV_s", step.ScanRateMVS != null), ("start_V", step.StartV != null), ("vertices_V", step.VerticesV != null), ("cycles", step.Cycles != null),
                ("frequency_min_Hz", step.FrequencyMinHz != null), ("frequency_max_Hz", step.FrequencyMaxHz != null), ("points_per_decade", step.PointsPerDecade != null),
            })
                if (given) Fail($"{p}.{key}", document.TextAt($"{p}.{key}") ?? "a value", $"accepted in a {mode} step: only modes voltage_sweep and impedance take it");
        }

        /// <summary>
        /// A lithiating (discharging) step ends when V falls to its cut-off, but V starts at or below the
        /// open-circuit voltage; a cut-off at or above it ends the step before it passes any charge (and
        /// the mirror case for delithiation). This is the usual slip of a cut-off written for another material.
        /// </summary>
        private void CheckCutOffAgainstOcv(string p, double current, StopSection? stop, InitialOpenCircuitVoltage ocv)
        {
            string at = $"{ocv.Description} = {ocv.Value.ToString("0.####", CultureInfo.InvariantCulture)} V, the open-circuit voltage at the start";
            bool full = _case.Cell?.Type == FullCell;
            if (current > 0 && stop?.VoltageBelowV is { } below && below >= ocv.Value)
                Fail(p + ".stop.voltage_below_V", Text(p + ".stop.voltage_below_V", below),
                    $"below {at} (cut-off above the open-circuit voltage: the {(full ? "discharge" : "lithiation")} would end at once)");
            if (current < 0 && stop?.VoltageAboveV is { } above && above <= ocv.Value)
                Fail(p + ".stop.voltage_above_V", Text(p + ".stop.voltage_above_V", above),
                    $"above {at} (cut-off below the open-circuit voltage: the {(full ? "charge" : "delithiation")} would end at once)");
        }

        private void CheckMesh(string? cellType)
        {
            var mesh = _case.Mesh;
            if (mesh == null) return;
            IntRange(mesh.SeparatorCells, "mesh.separator_cells", MinCells, MaxCells);
            IntRange(mesh.ElectrodeCells, "mesh.electrode_cells", MinCells, MaxCells);
            IntRange(mesh.ParticleShells, "mesh.particle_shells", MinCells, MaxCells);
            if (mesh.ParticleSurfaceRefinement is { } beta && !(beta >= 0 && beta < 1))
                Fail("mesh.particle_surface_refinement", Text("mesh.particle_surface_refinement", beta), "in [0, 1) (0: uniform shells)");
            foreach (var (key, value) in new[]
                     {
                         ("negative_electrode_cells", mesh.NegativeElectrodeCells), ("positive_electrode_cells", mesh.PositiveElectrodeCells),
                         ("negative_particle_shells", mesh.NegativeParticleShells), ("positive_particle_shells", mesh.PositiveParticleShells),
                     })
            {
                if (value is not { } n) continue;
                if (cellType == FullCell) IntRange(n, "mesh." + key, MinCells, MaxCells);
                else Fail("mesh." + key, Text("mesh." + key, n), $"accepted with cell.type {cellType ?? HalfCell}: only a full cell has a {key.Split('_')[0]} electrode (use electrode_cells / particle_shells)");
            }
        }

        private void CheckResolved(string? cellType)
        {
            if (_case.Resolved is not { } r) return;
            if (cellType == FullCell) { Fail("resolved", "a mapping", $"accepted with cell.type {HalfCell} only: the resolved-particle mode is a half cell", keyNode: true); return; }
            if (r.HeightUm is null) Missing("resolved.height_um", "the height of the periodic box");
            if (r.CellSizeUm is null) Missing("resolved.cell_size_um", "the mesh cell size");
            if (r.ParticleConductivitySM is null) Missing("resolved.particle_conductivity_S_m", "the particles' electronic conductivity");
            if (r.CarbonBinderConductivitySM is null) Missing("resolved.carbon_binder_conductivity_S_m", "the carbon/binder conductivity");
            if (r.ContactConductanceSM2 is null) Missing("resolved.contact_conductance_S_m2", "the particle-matrix contact conductance");
            Positive(r.HeightUm, "resolved.height_um");
            bool h = Positive(r.CellSizeUm, "resolved.cell_size_um");
            Open(r.ParticleAreaFraction, "resolved.particle_area_fraction", 0, 0.9);
            AtLeast(r.MinimumGapUm, "resolved.minimum_gap_um", 0);
            AtLeast(r.SeparatorGapUm, "resolved.separator_gap_um", 0);
            AtLeast(r.CollectorGapUm, "resolved.collector_gap_um", 0);
            AtLeast(r.ContactDistanceUm, "resolved.contact_distance_um", r.MinimumGapUm ?? 0.2);
            if (r.Seed is { } seed && seed < 0) Fail("resolved.seed", Text("resolved.seed", seed), ">= 0");
            Positive(r.ParticleConductivitySM, "resolved.particle_conductivity_S_m");
            Positive(r.CarbonBinderConductivitySM, "resolved.carbon_binder_conductivity_S_m");
            Positive(r.ContactConductanceSM2, "resolved.contact_conductance_S_m2");
            if (r.CapacityScaling != null && !CapacityScalings.Contains(r.CapacityScaling))
                Fail("resolved.capacity_scaling", r.CapacityScaling, "one of " + string.Join(", ", CapacityScalings));
            if (r.InterfaceArea != null && !InterfaceAreas.Contains(r.InterfaceArea))
                Fail("resolved.interface_area", r.InterfaceArea, "one of " + string.Join(", ", InterfaceAreas));
            if (r.Geometry != null && !ResolvedGeometries.Contains(r.Geometry))
                Fail("resolved.geometry", r.Geometry, "one of " + string.Join(", ", ResolvedGeometries));
            else if (r.Geometry is "cut_cell" or "embedded_boundary" && (r.CapacityScaling != null || r.InterfaceArea != null))
                Fail("resolved.geometry", r.Geometry, "staircase when resolved.capacity_scaling or resolved.interface_area is given (the cut-cell geometries set both)");
            if (h && r.CellSizeUm is { } size && r.HeightUm is { } height && height > 0 && size > height / 3)
                Fail("resolved.cell_size_um", Text("resolved.cell_size_um", size), $"<= resolved.height_um / 3 = {Format(height / 3)} (the periodic mesh needs 3 rows)");
            if (r.SeparatorMesh is { } sm)
            {
                bool first = Positive(sm.FirstCellUm, "resolved.separator_mesh.first_cell_um");
                if (sm.Growth is { } growth && !(growth >= 1 && growth <= 2))
                    Fail("resolved.separator_mesh.growth", Text("resolved.separator_mesh.growth", growth), "in [1, 2]");
                bool max = Positive(sm.MaxCellUm, "resolved.separator_mesh.max_cell_um");
                double? firstCell = first ? sm.FirstCellUm ?? (h ? r.CellSizeUm : null) : null;
                double maxCell = sm.MaxCellUm ?? Mesh.Resolved.SeparatorGrading.DefaultMaxCell * 1e6;
                if (max && firstCell is { } fc && maxCell < fc)
                    Fail("resolved.separator_mesh.max_cell_um", Text("resolved.separator_mesh.max_cell_um", maxCell),
                         $">= resolved.separator_mesh.first_cell_um = {Format(fc)} (the widest column is at least the first)");
                if (first && sm.FirstCellUm is { } f && _case.Separator?.ThicknessUm is { } ls && ls > 0 && f > ls)
                    Fail("resolved.separator_mesh.first_cell_um", Text("resolved.separator_mesh.first_cell_um", f), $"<= separator.thickness_um = {Format(ls)}");
            }
            if (h && r.CellSizeUm is { } size2 && (r.SeparatorGapUm ?? 0.2) < size2 / 2)
                Fail("resolved.separator_gap_um", Text("resolved.separator_gap_um", r.SeparatorGapUm ?? 0.2), $">= resolved.cell_size_um / 2 = {Format(size2 / 2)} (no particle cell may border the separator)");
        }

        private void CheckSolver()
        {
            var solver = _case.Solver;
            if (solver == null) return;
            Open(solver.RelativeTolerance, "solver.relative_tolerance", 0, 0.1);
            IntRange(solver.MaxOrder, "solver.max_order", 1, 5);
            AtLeast(solver.InitialStepS, "solver.initial_step_s", 0);
            if (solver.MaxStepS is { } maxStep && !(maxStep > 0))
                Fail("solver.max_step_s", Text("solver.max_step_s", maxStep), "> 0 (.inf for no limit)");
            AtLeast(solver.FixedStepS, "solver.fixed_step_s", 0);
            if (solver.FaceAverage != null && !FaceAverages.Contains(solver.FaceAverage))
                Fail("solver.face_average", solver.FaceAverage, "one of " + string.Join(", ", FaceAverages));
            if (solver.Linear != null && !LinearSolvers.Contains(solver.Linear))
                Fail("solver.linear", solver.Linear, "one of " + string.Join(", ", LinearSolvers));
            else if (solver.Linear != null && _case.Resolved == null)
                Fail("solver.linear", solver.Linear, "accepted in a P2D case: only a case with a resolved: section chooses its linear solver (the P2D solver condenses its particle shells and has no choice); remove the key");
        }

        private void CheckOutput()
        {
            if (_case.Output?.EveryNSteps is { } n && n < 1)
                Fail("output.every_n_steps", Text("output.every_n_steps", n), "an integer >= 1");
            if (_case.Output is not { } output) return;
            bool scheduled = output.EveryS != null || output.TimesS != null;
            if (output.EveryS is { } every && !(every > 0 && every < double.PositiveInfinity))
                Fail("output.every_s", Text("output.every_s", every), "a time [s] > 0");
            if (output.TimesS is { } times)
                for (int k = 0; k < times.Count; k++)
                {
                    string at = $"output.times_s[{k}]";
                    if (!(times[k] >= 0 && times[k] < double.PositiveInfinity)) { Fail(at, Text(at, times[k]), "a run time [s] >= 0"); break; }
                    if (k > 0 && !(times[k] > times[k - 1])) { Fail(at, Text(at, times[k]), $"a run time [s] after the one before it ({Format(times[k - 1])} s): the times increase"); break; }
                }
            if (scheduled && output.EveryNSteps is > 1)
                Fail("output.every_n_steps", Text("output.every_n_steps", output.EveryNSteps.Value),
                    "1 (or left out) when output.every_s or output.times_s choose the written times: they replace writing solver steps");
        }

        private void CheckProvenance()
        {
            var notes = _case.Provenance?.Notes;
            if (notes == null) return;
            var present = document.KeyPaths.Where(k => !k.StartsWith("provenance", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, note) in notes)
            {
                string locate = "provenance.notes." + key;
                // A note that outlived its key (the case switched to ocp.table, say) misleads but does not stop the run.
                if (!present.Contains(key))
                {
                    string hint = CaseFile.Closest(key, present) is { } near ? $"; did you mean {near}?" : "";
                    Warn("provenance.notes", $"'{key}'", $"a key path present in this case (the note refers to no value of the case{hint})", locate);
                }
                if (string.IsNullOrWhiteSpace(note))
                    Fail(locate, "an empty note", "a note such as \"rebuilt: …\" or \"calibrated: …\"");
            }
        }

        // ---- helpers: one message per kind of check ----

        private void Fail(string path, string value, string accepted, string? locate = null, bool keyNode = false)
        {
            string at = locate ?? path;
            var node = (keyNode ? document.Index.KeyAt(at) : document.Index.ValueAt(at)) ?? document.Index.NearestPresent(at);
            // A value the case inherits from its parameter set says so: the user looks for it in the set, not the file.
            if (document.IsFromParameterSet(at)) value += $" (from parameter set {document.ParameterSet!.Label})";
            _errors.Add(new CaseError(path, value, accepted) { Line = (int?)node?.Start.Line, Column = (int?)node?.Start.Column });
        }

        private void Warn(string path, string value, string accepted, string locate)
        {
            var node = document.Index.KeyAt(locate) ?? document.Index.NearestPresent(locate);
            _warnings.Add(new CaseError(path, value, accepted) { Line = (int?)node?.Start.Line, Column = (int?)node?.Start.Column });
        }

        private void Missing(string path, string what)
        {
            var node = document.Index.NearestPresent(path);
            _errors.Add(CaseError.Missing(path, what) with { Line = (int?)node?.Start.Line, Column = (int?)node?.Start.Column });
        }

        private bool Require<T>(T? value, string path, string what) where T : struct
        {
            if (value != null) return true;
            Missing(path, what);
            return false;
        }

        /// <summary>Exactly one of alternative keys of one section.</summary>
        private void ExactlyOne(string section, string what, params (string Key, double? Value)[] options)
        {
            var given = options.Where(o => o.Value != null).ToList();
            string keys = string.Join(", ", options.Select(o => o.Key));
            if (given.Count == 0)
                Missing($"{section}.{options[0].Key}", $"or {string.Join(" or ", options.Skip(1).Select(o => $"{section}.{o.Key}"))}: {what}, exactly one of {keys}");
            else if (given.Count > 1)
                Fail(section, string.Join(" with ", given.Select(o => $"{o.Key}: {Text($"{section}.{o.Key}", o.Value!.Value)}")), $"exactly one of {keys}",
                    locate: $"{section}.{given[1].Key}");
        }

        private bool Positive(double? value, string path)
        {
            if (value is not { } v) return true;
            if (v > 0 && double.IsFinite(v)) return true;
            Fail(path, Text(path, v), v > 0 ? "a finite number > 0" : "> 0");
            return false;
        }

        private void AtLeast(double? value, string path, double lower)
        {
            if (value is not { } v) return;
            if (!(v >= lower && double.IsFinite(v))) Fail(path, Text(path, v), $">= {Format(lower)}" + (double.IsFinite(v) || double.IsNaN(v) ? "" : " and finite"));
        }

        private void Finite(double? value, string path)
        {
            if (value is { } v && !double.IsFinite(v)) Fail(path, Text(path, v), "a finite number");
        }

        private bool Open(double? value, string path, double lower, double upper, string unit = "")
        {
            if (value is not { } v || (v > lower && v < upper)) return true;
            Fail(path, Text(path, v), $"in ({Format(lower)}, {Format(upper)})" + Unit(unit));
            return false;
        }

        private bool LeftOpen(double? value, string path, double lower, double upper, string unit = "")
        {
            if (value is not { } v || (v > lower && v <= upper)) return true;
            Fail(path, Text(path, v), $"in ({Format(lower)}, {Format(upper)}]" + Unit(unit));
            return false;
        }

        private void Closed(double? value, string path, double lower, double upper, string unit = "")
        {
            if (value is { } v && !(v >= lower && v <= upper))
                Fail(path, Text(path, v), $"in [{Format(lower)}, {Format(upper)}]" + Unit(unit));
        }

        private void ActivationEnergy(double? value, string path)
        {
            if (value is { } v && !(v >= 0 && v < MaxActivationEnergy))
                Fail(path, Text(path, v), $"in [0, {Format(MaxActivationEnergy)}) J/mol");
        }

        private void IntRange(int? value, string path, int lower, int upper)
        {
            if (value is { } n && (n < lower || n > upper))
                Fail(path, Text(path, n), $"an integer in [{lower}, {upper}]");
        }

        private static string Unit(string unit) => unit.Length == 0 ? "" : " " + unit;

        /// <summary>The value as the user wrote it, else formatted.</summary>
        private string Text(string path, double value) => document.TextAt(path) is { } text ? InputLimits.Shorten(text) : Format(value);

        private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
    }
}
