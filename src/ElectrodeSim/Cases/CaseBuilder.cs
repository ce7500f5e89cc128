using System.Text.Encodings.Web;
using System.Text.Json;
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
    public static SimulationSetup Build(CaseDocument document)
    {
        CaseValidator.Validate(document);
        var c = document.Definition;
        var electrode = BuildElectrode(c, document);
        var cell = new CellParameters
        {
            Temperature = c.Cell!.TemperatureK!.Value,
            Electrolyte = Electrolytes.ByName(c.Electrolyte!.Correlation!),
            InitialElectrolyteConcentration = c.Electrolyte.InitialConcentrationMolM3!.Value,
            ReferenceElectrolyteConcentration = c.Electrolyte.ReferenceConcentrationMolM3 ?? 1000.0,
            Separator = new SeparatorParameters
            {
                Thickness = c.Separator!.ThicknessUm!.Value * Micrometre,
                Porosity = c.Separator.Porosity!.Value,
                Bruggeman = c.Separator.Bruggeman ?? 1.5,
            },
            Electrodes = [electrode],
            LithiumFoil = BuildLithiumFoil(c.LithiumFoil),
        };

        var defaultMesh = new MeshSettings();
        var defaultSolver = new BdfOptions();
        return new SimulationSetup
        {
            Name = c.Name!,
            Description = c.Description ?? "",
            Cell = cell,
            Protocol = BuildProtocol(c, cell),
            Mesh = new MeshSettings
            {
                SeparatorCells = c.Mesh?.SeparatorCells ?? defaultMesh.SeparatorCells,
                ElectrodeCells = c.Mesh?.ElectrodeCells ?? defaultMesh.ElectrodeCells,
                ParticleShells = c.Mesh?.ParticleShells ?? defaultMesh.ParticleShells,
            },
            Solver = defaultSolver with
            {
                RelativeTolerance = c.Solver?.RelativeTolerance ?? defaultSolver.RelativeTolerance,
                MaxOrder = c.Solver?.MaxOrder ?? defaultSolver.MaxOrder,
                InitialStep = c.Solver?.InitialStepS ?? defaultSolver.InitialStep,
                MaxStep = c.Solver?.MaxStepS ?? defaultSolver.MaxStep,
                FixedStep = c.Solver?.FixedStepS ?? defaultSolver.FixedStep,
            },
            FaceAverage = c.Solver?.FaceAverage == "arithmetic" ? FaceAverage.Arithmetic : FaceAverage.Harmonic,
            Output = new OutputSettings
            {
                Fields = c.Output?.Fields ?? true,
                EveryNSteps = c.Output?.EveryNSteps ?? 1,
            },
            CaseText = document.Text,
            ProvenanceJson = JsonSerializer.Serialize(c.Provenance ?? new ProvenanceSection(), ProvenanceJsonOptions),
            ParameterNotes = new Dictionary<string, string>(c.Provenance?.Notes ?? [], StringComparer.Ordinal),
        };
    }

    /// <summary>c_s,max = 3600 Q ρ / F [mol/m³] for Q in mAh/g (= Ah/kg) and ρ in kg/m³.</summary>
    public static double MaxConcentrationFromCapacity(double capacityMAhPerGram, double densityKgPerM3) =>
        SecondsPerHour * capacityMAhPerGram * densityKgPerM3 / PhysicalConstants.Faraday;

    /// <summary>Current density of 1C [A/m²]: the electrode's theoretical capacity per area, ε_s c_max F L, passed in one hour.</summary>
    public static double OneCCurrentDensity(ElectrodeParameters electrode) =>
        electrode.ActiveVolumeFraction * electrode.MaxConcentration * PhysicalConstants.Faraday * electrode.Thickness / SecondsPerHour;

    private static ElectrodeParameters BuildElectrode(CaseDefinition c, CaseDocument document)
    {
        var e = c.Electrode!;
        var k = e.Kinetics!;
        double activeFraction = e.ActiveVolumeFraction!.Value;
        double density = e.ActiveDensityKgM3!.Value;
        return new ElectrodeParameters
        {
            Name = e.Name ?? c.Name!,
            Thickness = e.ThicknessUm!.Value * Micrometre,
            Porosity = e.Porosity!.Value,
            ActiveVolumeFraction = activeFraction,
            ParticleRadius = e.ParticleRadiusUm!.Value * Micrometre,
            BruggemanElectrolyte = e.Bruggeman ?? 1.5,
            EffectiveConductivity = e.EffectiveConductivitySM
                ?? e.SolidConductivitySM!.Value * Math.Pow(activeFraction, e.SolidBruggeman ?? DefaultSolidBruggeman),
            MaxConcentration = e.MaxConcentrationMolM3 ?? MaxConcentrationFromCapacity(e.MaxCapacityMAhG!.Value, density),
            InitialStateOfLithiation = e.InitialStateOfLithiation!.Value,
            SolidDiffusivity = e.SolidDiffusivityM2S!.Value,
            SolidDiffusivityActivationEnergy = e.SolidDiffusivityActivationEnergyJMol ?? 0.0,
            ExchangeCurrentPrefactor = k.ExchangeCurrentPrefactorAM2!.Value,
            ReactionActivationEnergy = k.ActivationEnergyJMol!.Value,
            AnodicTransferCoefficient = k.AnodicTransferCoefficient ?? 0.5,
            CathodicTransferCoefficient = k.CathodicTransferCoefficient ?? 0.5,
            FilmResistance = k.FilmResistanceOhmM2 ?? 0.0,
            OpenCircuitPotential = OcpFunctions.Create(e.Ocp!, document),
            ActiveMaterialDensity = density,
        };
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

    private static Protocol BuildProtocol(CaseDefinition c, CellParameters cell)
    {
        var working = cell.WorkingElectrode;
        var steps = new List<ProtocolStep>();
        for (int i = 0; i < c.Protocol!.Count; i++)
        {
            var s = c.Protocol[i];
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
            steps.Add(new ProtocolStep
            {
                Label = s.Label ?? $"step {i + 1}",
                Mode = mode,
                Value = value,
                MaxDuration = s.MaxDurationS ?? double.PositiveInfinity,
                Stops = stops,
            });
        }
        return new Protocol(steps);
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
