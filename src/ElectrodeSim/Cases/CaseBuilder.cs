using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Cases;

/// <summary>
/// Turns a validated case into SI model inputs. Unit conversions (MODEL.md §1, §4, §5):
/// µm × 1e-6 → m; mA/cm² × 10 → A/m²; Q [mAh/g = Ah/kg] → c_max = 3600 Q ρ / F [mol/m³];
/// A/g × active mass per area (ε_s ρ L × 1000 g/m²) → A/m²; C-rate × I_1C with
/// I_1C = ε_s c_max F L / 3600 [A/m²] unless <c>cell.one_c_current_density_A_m2</c> is given;
/// σ_eff = σ_s ε_s^b_s unless <c>effective_conductivity_S_m</c> is given.
/// </summary>
public static class CaseBuilder
{
    /// <summary>Default Bruggeman exponent of the solid conductivity [1].</summary>
    public const double DefaultSolidBruggeman = 1.5;

    private const double Micrometre = 1e-6;
    /// <summary>1 mA/cm² in A/m².</summary>
    private const double MilliampPerSquareCentimetre = 10.0;
    private const double SecondsPerHour = 3600.0;

    private static readonly JsonSerializerOptions ProvenanceJsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    /// <summary>Reads, validates and builds a case file.</summary>
    public static SimulationSetup Load(string path) => Build(CaseFile.Load(path));

    /// <summary>Validates (throwing <see cref="CaseValidationException"/> with every problem) and builds.</summary>
    /// <summary>The resolved section in SI (µm → m); gaps default to 0.2 µm, the area fraction to ε_s, the radius is electrode.particle_radius_um.</summary>
    private static ResolvedSetup BuildResolved(ResolvedSection r, CaseDefinition c, CellParameters cell)
    {
        var electrode = cell.WorkingElectrode;
        var geometry = new Mesh.Resolved.ResolvedGeometrySettings(
            cell.Separator.Thickness, electrode.Thickness, r.HeightUm!.Value * Micrometre,
            new Mesh.Resolved.DiscRadiusDistribution.Fixed(electrode.ParticleRadius),
            r.ParticleAreaFraction ?? electrode.ActiveVolumeFraction,
            MinimumGap: (r.MinimumGapUm ?? 0.2) * Micrometre, SeparatorGap: (r.SeparatorGapUm ?? 0.2) * Micrometre,
            CollectorGap: (r.CollectorGapUm ?? 0.2) * Micrometre, ContactDistance: r.ContactDistanceUm * Micrometre,
            Seed: (ulong)(r.Seed ?? 1));
        var parameters = new Physics.Resolved.ResolvedCellParameters
        {
            Cell = cell,
            ParticleConductivity = r.ParticleConductivitySM!.Value,
            CarbonBinderConductivity = r.CarbonBinderConductivitySM!.Value,
            ContactConductance = r.ContactConductanceSM2!.Value,
            Capacity = r.CapacityScaling == "cell_area" ? Physics.Resolved.CapacityScaling.CellArea : Physics.Resolved.CapacityScaling.TrueDiscArea,
            InterfaceArea = r.InterfaceArea == "uniform" ? Physics.Resolved.InterfaceAreaDistribution.Uniform : Physics.Resolved.InterfaceAreaDistribution.Projected,
        };
        bool cut = r.Geometry is "cut_cell" or "embedded_boundary";
        if (cut) parameters = parameters with { Capacity = Physics.Resolved.CapacityScaling.CutCell, InterfaceArea = Physics.Resolved.InterfaceAreaDistribution.Arc };
        // The embedded boundary's cut cells hold values at grid centres up to ~0.7 h off the circle (outside it for slivers): the kinetics see θ
        // at the circle, or the flux into a sliver is O(h) off (docs/resolved-geometry.md, single-disc accuracy).
        if (r.Geometry == "embedded_boundary") parameters = parameters with { InterfaceState = Physics.Resolved.InterfaceState.Surface };
        var grading = r.SeparatorMesh is { } sm
            ? new Mesh.Resolved.SeparatorGrading((sm.FirstCellUm ?? r.CellSizeUm!.Value) * Micrometre, sm.Growth ?? Mesh.Resolved.SeparatorGrading.DefaultGrowth,
                                                 sm.MaxCellUm is { } max ? max * Micrometre : Mesh.Resolved.SeparatorGrading.DefaultMaxCell)
            : null;
        return new ResolvedSetup(geometry, r.CellSizeUm!.Value * Micrometre, parameters, LinearSolver: c.Solver?.Linear switch
            {
                "direct" => Model.ResolvedLinearSolver.Direct,
                "gmres_klu" => Model.ResolvedLinearSolver.GmresOneThread,
                _ => Model.ResolvedLinearSolver.Gmres,
            })
            { Apertures = cut, EmbeddedBoundary = r.Geometry == "embedded_boundary", SeparatorGrading = grading };
    }

    /// <summary>
    /// Packs the discs of a resolved case (seeded, so this is the packing the run uses); an area fraction the packing
    /// cannot reach with the gaps asked for is a case error naming <c>resolved.particle_area_fraction</c> (or
    /// <c>electrode.active_volume_fraction</c>, its default), what was reached and which keys to change (exit 2).
    /// </summary>
    private static ResolvedSetup PackDiscs(ResolvedSetup setup, ResolvedSection r, string sourceName)
    {
        try
        {
            return setup with { Packing = Mesh.Resolved.DiscPacking.Pack(setup.Geometry) };
        }
        catch (Mesh.Resolved.DiscPackingException e)
        {
            var g = setup.Geometry;
            string Um(double metres) => (metres / Micrometre).ToString("G4", CultureInfo.InvariantCulture);
            string path = r.ParticleAreaFraction is null ? "electrode.active_volume_fraction" : "resolved.particle_area_fraction";
            string defaulted = r.ParticleAreaFraction is null ? " (resolved.particle_area_fraction is not given, so the disc area fraction is this one)" : "";
            throw new CaseValidationException(sourceName, [new CaseError(path,
                e.RequestedFraction.ToString("G6", CultureInfo.InvariantCulture),
                $"a disc area fraction the packing reaches{defaulted}: with discs of radius {Um(setup.Parameters.Cell.WorkingElectrode.ParticleRadius)} um, " +
                $"resolved.minimum_gap_um {Um(g.MinimumGap)}, resolved.separator_gap_um {Um(g.SeparatorGap)} and resolved.collector_gap_um {Um(g.CollectorGap)} " +
                $"it reached {e.ReachedFraction.ToString("F3", CultureInfo.InvariantCulture)} in {g.MaximumRelaxationSweeps} relaxation sweeps (seed {g.Seed}); " +
                "lower the fraction or the gaps")]);
        }
    }

    /// <summary>The lumped thermal model per unit electrode area; null when isothermal. Assumes a validated section.</summary>
    internal static ThermalParameters? BuildThermal(ThermalSection? t, double cellTemperature)
    {
        if (t is null || t.Model != "lumped") return null;
        double capacity = t.ArealHeatCapacityJM2K ?? t.HeatCapacityJKgK!.Value * t.MassKg!.Value / t.ElectrodeAreaM2!.Value;
        double h = t.HeatTransferCoefficientWM2K!.Value;
        double ratio = t.CoolingAreaPerElectrodeArea ?? (t.CoolingAreaM2 is { } area ? area / t.ElectrodeAreaM2!.Value : 0.0);
        double ambient = t.AmbientTemperatureK ?? cellTemperature;
        return new ThermalParameters
        {
            ArealHeatCapacity = capacity,
            HeatTransferConductance = h * ratio,
            AmbientTemperature = ambient,
            InitialTemperature = t.InitialTemperatureK ?? ambient,
        };
    }

    public static SimulationSetup Build(CaseDocument document)
    {
        var warnings = CaseValidator.Validate(document);
        var c = document.Definition;
        bool full = c.Cell!.Type == CaseValidator.FullCell;
        IReadOnlyList<ElectrodeParameters> electrodes = full
            ? [BuildElectrode(c.NegativeElectrode!, "negative electrode", c, document), BuildElectrode(c.PositiveElectrode!, "positive electrode", c, document)]
            : [BuildElectrode(c.Electrode!, c.Name!, c, document)];
        var electrolyte = Electrolytes.ByName(c.Electrolyte!.Correlation!);
        if (c.Electrolyte.TransferenceNumber is { } tPlus && tPlus != electrolyte.TransferenceNumber)
            electrolyte = new ElectrolyteProperties
            {
                Name = $"{electrolyte.Name} (t+ = {tPlus.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)})",
                Source = electrolyte.Source,
                Conductivity = electrolyte.Conductivity,
                Diffusivity = electrolyte.Diffusivity,
                TransferenceNumber = tPlus,
                ThermodynamicFactor = electrolyte.ThermodynamicFactor,
            };
        var cell = new CellParameters
        {
            Temperature = c.Cell!.TemperatureK!.Value,
            Electrolyte = electrolyte,
            InitialElectrolyteConcentration = c.Electrolyte.InitialConcentrationMolM3!.Value,
            ReferenceElectrolyteConcentration = c.Electrolyte.ReferenceConcentrationMolM3 ?? 1000.0,
            Separator = new SeparatorParameters
            {
                Thickness = c.Separator!.ThicknessUm!.Value * Micrometre,
                Porosity = c.Separator.Porosity!.Value,
                Bruggeman = c.Separator.Bruggeman ?? 1.5,
            },
            Electrodes = electrodes,
            LithiumFoil = full ? null : BuildLithiumFoil(c.LithiumFoil),
            Thermal = BuildThermal(c.Cell.Thermal, c.Cell.TemperatureK!.Value),
        };

        var defaultMesh = new MeshSettings();
        var defaultSolver = new BdfOptions();
        return new SimulationSetup
        {
            Name = c.Name!,
            Description = c.Description ?? "",
            Cell = cell,
            Protocol = BuildProtocol(c, cell),
            Mesh = BuildMesh(c.Mesh, full),
            Solver = defaultSolver with
            {
                RelativeTolerance = c.Solver?.RelativeTolerance ?? defaultSolver.RelativeTolerance,
                MaxOrder = c.Solver?.MaxOrder ?? defaultSolver.MaxOrder,
                InitialStep = c.Solver?.InitialStepS ?? defaultSolver.InitialStep,
                MaxStep = c.Solver?.MaxStepS ?? defaultSolver.MaxStep,
                FixedStep = c.Solver?.FixedStepS ?? defaultSolver.FixedStep,
                // One-iteration acceptance (BdfOptions) where the residual is smooth: it predicts the second Newton update from
                // the curvature of the last steps, a quadratic model that the kinks of the hysteresis rate (|j|, h clamped to
                // [−1, 1]) break; not measured on the 2-D mode. Decided here, so run, validate, sweeps and fits solve alike.
                OneIterationAcceptance = c.Resolved is null && !electrodes.Any(e => e.HasHysteresis),
                // Inexact Newton for the 2-D mode's GMRES solves (a direct solver ignores it): ResolvedParticleModel.LaterLinearTolerance.
                LaterLinearTolerance = c.Resolved is null ? 0 : ResolvedParticleModel.LaterLinearTolerance,
            },
            FaceAverage = c.Solver?.FaceAverage == "arithmetic" ? FaceAverage.Arithmetic : FaceAverage.Harmonic,
            Resolved = c.Resolved is { } resolved ? PackDiscs(BuildResolved(resolved, c, cell), resolved, document.SourceName) : null,
            Output = new OutputSettings
            {
                Fields = c.Output?.Fields ?? true,
                EveryNSteps = c.Output?.EveryNSteps ?? 1,
                Schedule = c.Output is { } o && (o.EveryS != null || o.TimesS != null) ? new OutputSchedule(o.EveryS, o.TimesS) : null,
            },
            CaseText = document.Text,
            ProvenanceJson = ProvenanceJson(c.Provenance, document.ParameterSet, document.Coatings, warnings),
            ParameterNotes = ParameterNotes(c.Provenance, document.Coatings),
            Warnings = warnings,
            InputFiles = InputFileDigests(c, document),
        };
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Path, DateTime Written, long Length), string> FileDigests = new();

    /// <summary>
    /// SHA-256 of every file the case reads (OCP tables) and of its parameter set's text, by key path. A file's digest is
    /// kept per (path, modification time, length), so a thousand cases of one sweep read a shared table once.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> InputFileDigests(CaseDefinition c, CaseDocument document)
    {
        var digests = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, electrode) in new[] { ("electrode", c.Electrode), ("negative_electrode", c.NegativeElectrode), ("positive_electrode", c.PositiveElectrode) })
        {
            var tables = new[]
            {
                (".ocp.table", electrode?.Ocp?.Table),
                (".ocp.hysteresis.lithiation.table", electrode?.Ocp?.Hysteresis?.Lithiation?.Table),
                (".ocp.hysteresis.delithiation.table", electrode?.Ocp?.Hysteresis?.Delithiation?.Table),
            };
            foreach (var (key, table) in tables)
            {
                if (table is not { Length: > 0 }) continue;
                var file = new FileInfo(document.ResolvePath(table));
                digests[path + key] = FileDigests.GetOrAdd((file.FullName, file.LastWriteTimeUtc, file.Length),
                    k => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(k.Path))));
            }
        }
        if (document.ParameterSet is { } set)
            digests["parameter_set"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(set.Text)));
        return digests;
    }

    /// <summary>c_s,max = 3600 Q ρ / F [mol/m³] for Q in mAh/g (= Ah/kg) and ρ in kg/m³.</summary>
    public static double MaxConcentrationFromCapacity(double capacityMAhPerGram, double densityKgPerM3) =>
        SecondsPerHour * capacityMAhPerGram * densityKgPerM3 / PhysicalConstants.Faraday;

    /// <summary>Current density of 1C [A/m²] (<see cref="ElectrodeParameters.OneCCurrentDensity"/>).</summary>
    public static double OneCCurrentDensity(ElectrodeParameters electrode) => electrode.OneCCurrentDensity;

    /// <summary>
    /// j0' [A/m²] of the mass-action form j0 = k c_e^α_a c_s^α_c (c_max − c_s)^α_a exp(Ea/R (1/T_ref − 1/T)):
    /// at θ = ½ and c_e = c_ref it equals j0_ref(T) = k c_ref^α_a (c_max/2)^(α_a+α_c) exp(Ea/R (1/T_ref − 1/T)),
    /// and j0_ref(T) = j0' exp(−Ea/RT) (MODEL.md §2), so j0' = k c_ref^α_a (c_max/2)^(α_a+α_c) exp(Ea / R T_ref).
    /// </summary>
    public static double ExchangeCurrentPrefactor(double rateConstant, double maxConcentration, double referenceConcentration,
        double anodic, double cathodic, double activationEnergy, double referenceTemperature) =>
        rateConstant * Math.Pow(referenceConcentration, anodic) * Math.Pow(0.5 * maxConcentration, anodic + cathodic)
        * Math.Exp(activationEnergy / (PhysicalConstants.GasConstant * referenceTemperature));

    /// <summary>Default reference temperature of a rate constant [K].</summary>
    public const double DefaultReferenceTemperature = 298.15;

    private static ElectrodeParameters BuildElectrode(ElectrodeSection e, string defaultName, CaseDefinition c, CaseDocument document)
    {
        var k = e.Kinetics!;
        double activeFraction = e.ActiveVolumeFraction!.Value;
        double density = e.ActiveDensityKgM3 ?? double.NaN;
        double maxConcentration = e.MaxConcentrationMolM3 ?? MaxConcentrationFromCapacity(e.MaxCapacityMAhG!.Value, density);
        double anodic = k.AnodicTransferCoefficient ?? 0.5, cathodic = k.CathodicTransferCoefficient ?? 0.5;
        double activationEnergy = k.ActivationEnergyJMol!.Value;
        var sizeClasses = ParticleSizeClasses(e);
        return new ElectrodeParameters
        {
            Name = e.Name ?? defaultName,
            Thickness = e.ThicknessUm!.Value * Micrometre,
            Porosity = e.Porosity!.Value,
            ActiveVolumeFraction = activeFraction,
            ParticleRadius = sizeClasses is { Count: 1 } one ? one[0].Radius : sizeClasses is { } classes ? ParticleSizeClass.SauterMeanRadius(classes) : e.ParticleRadiusUm!.Value * Micrometre,
            ParticleSizeClasses = sizeClasses is { Count: > 1 } ? sizeClasses : null,
            BruggemanElectrolyte = e.Bruggeman ?? 1.5,
            EffectiveConductivity = e.EffectiveConductivitySM
                ?? e.SolidConductivitySM!.Value * Math.Pow(activeFraction, e.SolidBruggeman ?? DefaultSolidBruggeman),
            MaxConcentration = maxConcentration,
            InitialStateOfLithiation = e.InitialStateOfLithiation ?? e.InitialConcentrationMolM3!.Value / maxConcentration,
            SolidDiffusivity = e.SolidDiffusivityM2S ?? 0.0,
            SolidDiffusivityActivationEnergy = e.SolidDiffusivityActivationEnergyJMol ?? 0.0,
            SolidDiffusivityFunction = e.SolidDiffusivityFunction is { } function ? SolidDiffusivities.ByName(function) : null,
            SolidDiffusivityScale = e.SolidDiffusivityScale ?? 1.0,
            SolidDiffusivityDip = e.SolidDiffusivityFunction is { } named ? SolidDiffusivities.NarrowestMinimum(named) : null,
            SolidDiffusivityDipScale = e.SolidDiffusivityDipScale ?? 1.0,
            ExchangeCurrentPrefactor = k.ExchangeCurrentPrefactorAM2
                ?? ExchangeCurrentPrefactor(k.RateConstant!.Value, maxConcentration, c.Electrolyte!.ReferenceConcentrationMolM3 ?? 1000.0,
                    anodic, cathodic, activationEnergy, k.ReferenceTemperatureK ?? DefaultReferenceTemperature),
            ReactionActivationEnergy = activationEnergy,
            AnodicTransferCoefficient = anodic,
            CathodicTransferCoefficient = cathodic,
            FilmResistance = k.FilmResistanceOhmM2 ?? 0.0,
            DoubleLayerCapacitance = k.DoubleLayerCapacitanceFM2 ?? 0.0,
            OpenCircuitPotential = OcpFunctions.Create(e.Ocp!, document),
            EntropicCoefficient = e.Ocp!.EntropicFunction is { } entropic ? EntropicCoefficients.ByName(entropic)
                : e.Ocp.EntropicCoefficientVK is { } dudt ? EntropicCoefficients.Constant(dudt) : null,
            Hysteresis = OcpFunctions.CreateHysteresis(e.Ocp!, document),
            ActiveMaterialDensity = density,
        };
    }

    /// <summary>
    /// The size classes of <c>particle_size_distribution</c> in SI, null without one (a single class becomes a single size).
    /// Lognormal: N equal shares of the active volume, class k at the median of its bin, R_k ∝ exp(σ Φ⁻¹((k + ½)/N)), scaled
    /// so that the classes' Sauter mean Σ w / Σ (w / R) is mean_radius_um (default particle_radius_um). Discrete: as given.
    /// </summary>
    public static IReadOnlyList<ParticleSizeClass>? ParticleSizeClasses(ElectrodeSection e)
    {
        if (e.ParticleSizeDistribution is not { } psd) return null;
        if (psd.Kind == "discrete")
            return psd.RadiiUm!.Select((r, k) => new ParticleSizeClass(r * Micrometre, psd.VolumeFractions![k])).ToArray();
        int n = psd.Classes!.Value;
        double sigma = psd.Sigma!.Value;
        double mean = (psd.MeanRadiusUm ?? e.ParticleRadiusUm!.Value) * Micrometre;
        if (n == 1) return [new ParticleSizeClass(mean, 1.0)];
        var shape = Enumerable.Range(0, n).Select(k => new ParticleSizeClass(Math.Exp(sigma * MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (k + 0.5) / n)), 1.0 / n)).ToArray();
        double scale = mean / ParticleSizeClass.SauterMeanRadius(shape);
        return shape.Select(c => c with { Radius = c.Radius * scale }).ToArray();
    }

    private static MeshSettings BuildMesh(MeshSection? mesh, bool full)
    {
        var defaults = new MeshSettings();
        var settings = new MeshSettings
        {
            SeparatorCells = mesh?.SeparatorCells ?? defaults.SeparatorCells,
            ElectrodeCells = mesh?.ElectrodeCells ?? defaults.ElectrodeCells,
            ParticleShells = mesh?.ParticleShells ?? defaults.ParticleShells,
            ParticleSurfaceRefinement = mesh?.ParticleSurfaceRefinement ?? defaults.ParticleSurfaceRefinement,
        };
        if (!full || mesh == null) return settings;
        if (mesh.NegativeElectrodeCells != null || mesh.PositiveElectrodeCells != null)
            settings = settings with { ElectrodeCellCounts = [mesh.NegativeElectrodeCells ?? settings.ElectrodeCells, mesh.PositiveElectrodeCells ?? settings.ElectrodeCells] };
        if (mesh.NegativeParticleShells != null || mesh.PositiveParticleShells != null)
            settings = settings with { ParticleShellCounts = [mesh.NegativeParticleShells ?? settings.ParticleShells, mesh.PositiveParticleShells ?? settings.ParticleShells] };
        return settings;
    }

    /// <summary>The case's notes; a key a coating map set gets the mapping's note (a note written for another α would mislead).</summary>
    private static Dictionary<string, string> ParameterNotes(ProvenanceSection? provenance, IReadOnlyList<AppliedCoating> coatings)
    {
        var notes = new Dictionary<string, string>(provenance?.Notes ?? [], StringComparer.Ordinal);
        foreach (var coating in coatings)
            foreach (var key in coating.Mapped.Keys) notes[key] = CoatingMapping.Note(coating);
        return notes;
    }

    /// <summary>
    /// The provenance section as JSON, with the parameter set (name, version) it was laid over, what each coating map
    /// set (<c>coating_map</c>: the map and its points with sources, α, the rule outside the points, the values it
    /// produced and the keys that overrode it) and the validator's warnings.
    /// </summary>
    /// <summary>
    /// The provenance block as JSON, its keys snake_case and unset keys left out, as <see cref="JsonSerializer"/> writes the
    /// record with <see cref="ProvenanceJsonOptions"/>; built by hand because serialising the record by reflection was ~2 % of
    /// a whole Marquis2019 1C run in the natively compiled tool (perf: System.Text.Json's first-use type metadata).
    /// </summary>
    internal static JsonObject ProvenanceNode(ProvenanceSection provenance)
    {
        var node = new JsonObject();
        if (provenance.Title is { } title) node["title"] = title;
        if (provenance.Source is { } source) node["source"] = source;
        if (provenance.Doi is { } doi) node["doi"] = doi;
        if (provenance.Version is { } version) node["version"] = version;
        if (provenance.Notes is { } notes)
        {
            var n = new JsonObject();
            foreach (var (key, note) in notes) n[key] = note;
            node["notes"] = n;
        }
        return node;
    }

    private static string ProvenanceJson(ProvenanceSection? provenance, ParameterSet? set, IReadOnlyList<AppliedCoating> coatings, IReadOnlyList<CaseError> warnings)
    {
        var node = ProvenanceNode(provenance ?? new ProvenanceSection());
        if (set != null) node["parameter_set"] = set.Label;
        if (coatings.Count > 0)
            node["coating_map"] = new JsonArray(coatings.Select(coating => (JsonNode?)new JsonObject
            {
                ["electrode"] = coating.ElectrodePath,
                ["alkali_solubility_percent"] = coating.AlkaliSolubilityPercent,
                ["map"] = coating.Map.Name,
                ["source"] = coating.Map.Source,
                ["interpolation"] = "piecewise-linear in alpha through the measured points: ln D_s, Ea and R_film linear",
                ["extrapolation"] = CoatingQualityMap.ExtrapolationRule,
                ["extrapolated"] = coating.Values.Extrapolated,
                ["values"] = new JsonObject
                {
                    ["solid_diffusivity_m2_s"] = coating.Values.SolidDiffusivity,
                    ["activation_energy_J_mol"] = coating.Values.ActivationEnergy,
                    ["film_resistance_ohm_m2"] = coating.Values.FilmResistance,
                },
                ["set"] = new JsonArray(coating.Mapped.Keys.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray()),
                ["overridden_by_explicit_keys"] = new JsonArray(coating.Explicit.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray()),
                ["points"] = new JsonArray(coating.Map.Points.Select(p => (JsonNode?)new JsonObject
                {
                    ["variant"] = p.Variant,
                    ["alkali_solubility_percent"] = p.AlkaliSolubilityPercent,
                    ["solid_diffusivity_m2_s"] = p.SolidDiffusivity,
                    ["activation_energy_J_mol"] = p.ActivationEnergy,
                    ["film_resistance_ohm_m2"] = p.FilmResistance,
                    ["sources"] = new JsonObject
                    {
                        ["alkali_solubility_percent"] = p.AlkaliSolubilitySource,
                        ["solid_diffusivity_m2_s"] = p.SolidDiffusivitySource,
                        ["activation_energy_J_mol"] = p.ActivationEnergySource,
                        ["film_resistance_ohm_m2"] = p.FilmResistanceSource,
                    },
                }).ToArray()),
            }).ToArray());
        if (warnings.Count > 0) node["warnings"] = new JsonArray(warnings.Select(w => (JsonNode?)JsonValue.Create(w.ToString())).ToArray());
        return node.ToJsonString(ProvenanceJsonOptions);
    }

    private static LithiumFoilParameters BuildLithiumFoil(LithiumFoilSection? foil)
    {
        var defaults = new LithiumFoilParameters();
        return new LithiumFoilParameters
        {
            RateCoefficient = foil?.RateCoefficientMS ?? defaults.RateCoefficient,
            LithiumConcentration = foil?.LithiumConcentrationMolM3 ?? defaults.LithiumConcentration,
            TransferCoefficient = foil?.TransferCoefficient ?? defaults.TransferCoefficient,
        };
    }

    /// <summary>
    /// The protocol with its repeat groups written out: repetition k of a group's step is labelled "LABEL #k"; each
    /// carries the group's stop conditions after its own and the index of the first step after the group, where a
    /// group stop sends the run.
    /// </summary>
    private static Protocol BuildProtocol(CaseDefinition c, CellParameters cell)
    {
        var working = cell.WorkingElectrode;
        var steps = new List<ProtocolStep>();
        for (int i = 0; i < c.Protocol!.Count; i++)
        {
            var item = c.Protocol[i];
            if (item.Mode == "voltage_sweep")
            {
                steps.AddRange(SweepSegments(item, item.Label ?? $"step {steps.Count + 1}"));
                continue;
            }
            if (item.Mode == "impedance")
            {
                steps.Add(new ProtocolStep
                {
                    Label = item.Label ?? $"step {steps.Count + 1}", Mode = ControlMode.Impedance, MaxDuration = 0,
                    Frequencies = ImpedanceFrequencies(item.FrequencyMinHz!.Value, item.FrequencyMaxHz!.Value, item.PointsPerDecade ?? 10),
                });
                continue;
            }
            if (item.Repeat is not { } repeat)
            {
                steps.Add(Step(item, item.Label ?? $"step {steps.Count + 1}", null, -1));
                continue;
            }
            int end = steps.Count + repeat * item.Steps!.Count;
            for (int k = 1; k <= repeat; k++)
                for (int j = 0; j < item.Steps.Count; j++)
                {
                    var inner = item.Steps[j];
                    string label = $"{inner.Label ?? $"step {j + 1}"} #{k}";
                    if (item.Label != null) label = $"{item.Label}: {label}";
                    steps.Add(Step(inner, label, item.Stop, end));
                }
        }
        return new Protocol(steps);

        ProtocolStep Step(ProtocolStepSection s, string label, StopSection? groupStop, int groupEnd)
        {
            var mode = s.Mode switch
            {
                "current" => ControlMode.Current,
                "voltage" => ControlMode.Voltage,
                _ => ControlMode.Rest,
            };
            double value = mode switch
            {
                ControlMode.Current => CurrentDensity(s, c.Cell!, working),
                ControlMode.Voltage => s.VoltageV!.Value,
                _ => 0.0,
            };
            var stops = new List<StopCondition>();
            if (s.Stop?.VoltageBelowV is { } below) stops.Add(new StopCondition(StopQuantity.Voltage, true, below));
            if (s.Stop?.VoltageAboveV is { } above) stops.Add(new StopCondition(StopQuantity.Voltage, false, above));
            if (s.Stop?.CurrentBelowAM2 is { } current) stops.Add(new StopCondition(StopQuantity.CurrentMagnitude, true, current));
            int own = stops.Count;
            if (groupStop?.VoltageBelowV is { } groupBelow) stops.Add(new StopCondition(StopQuantity.Voltage, true, groupBelow));
            if (groupStop?.VoltageAboveV is { } groupAbove) stops.Add(new StopCondition(StopQuantity.Voltage, false, groupAbove));
            return new ProtocolStep
            {
                Label = label,
                Mode = mode,
                Value = value,
                MaxDuration = s.MaxDurationS ?? double.PositiveInfinity,
                Stops = stops,
                GroupStopsFrom = own,
                GroupEnd = groupEnd,
            };
        }
    }

    /// <summary>
    /// A linear sweep written out as one voltage step per straight segment: start → v1 → … → vn → start, <c>cycles</c>
    /// times, each segment with V(t) = V_a + ν (t − t_a) (ν signed) for |V_b − V_a| / |ν| seconds. Labels name the
    /// cycle and the segment's ends, so /protocol/outcome reads as the sweep.
    /// </summary>
    private static IEnumerable<ProtocolStep> SweepSegments(ProtocolStepSection s, string label)
    {
        double rate = s.ScanRateMVS!.Value * 1e-3;
        var path = new List<double> { s.StartV!.Value };
        path.AddRange(s.VerticesV!);
        path.Add(s.StartV.Value);
        int cycles = s.Cycles ?? 1;
        for (int c = 1; c <= cycles; c++)
            for (int k = 0; k + 1 < path.Count; k++)
            {
                double a = path[k], b = path[k + 1];
                if (a == b) continue;
                yield return new ProtocolStep
                {
                    Label = string.Create(CultureInfo.InvariantCulture, $"{label}: sweep cycle {c} segment {k + 1} ({a:G6} -> {b:G6} V)"),
                    Mode = ControlMode.Voltage,
                    Value = a,
                    Ramp = Math.Sign(b - a) * rate,
                    MaxDuration = Math.Abs(b - a) / rate,
                };
            }
    }

    /// <summary>Log-spaced frequencies [Hz] from <paramref name="high"/> down to <paramref name="low"/>, both included, <paramref name="perDecade"/> per decade.</summary>
    public static double[] ImpedanceFrequencies(double low, double high, int perDecade)
    {
        double decades = Math.Log10(high / low);
        int intervals = Math.Max(1, (int)Math.Ceiling(decades * perDecade - 1e-9));
        var f = new double[intervals + 1];
        for (int k = 0; k <= intervals; k++) f[k] = high * Math.Pow(10, -decades * k / intervals);
        f[intervals] = low;
        return f;
    }

    /// <summary>The step's current density [A/m²], positive for lithiation, from whichever of the four current keys it has.</summary>
    private static double CurrentDensity(ProtocolStepSection s, CellSection cell, ElectrodeParameters working)
    {
        if (s.CurrentDensityAM2 is { } aPerM2) return aPerM2;
        if (s.CurrentDensityMACm2 is { } mAPerCm2) return mAPerCm2 * MilliampPerSquareCentimetre;
        if (s.SpecificCurrentAG is { } aPerG) return aPerG * working.ActiveMassPerArea * 1000.0;
        return s.CRate!.Value * (cell.OneCCurrentDensityAM2 ?? OneCCurrentDensity(working));
    }
}
