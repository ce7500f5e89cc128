using System.Globalization;
using System.Text;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;

namespace ElectrodeSim.Simulation;

/// <summary>
/// The headline numbers of a run, taken over its first half-cycle: from the first step under current or voltage
/// control through every following step that passes charge the same way (or none: rests), up to the first that
/// reverses it — the lithiation of the paper's protocol, all pulses of a GITT train, a constant-current step and
/// its voltage hold. Specific capacity [mAh/g] (charge of those steps per active mass), charge-weighted average
/// voltage [V], final mean state of lithiation [1] and the interfacial current density at the separator side and
/// the collector side of the working electrode [A/m², sign convention of j] at the end of that half-cycle.
/// Every step's outcome follows in <see cref="StepOutcomes"/>.
/// </summary>
public sealed record RunSummary(
    string CaseName, double Capacity, double AverageVoltage, double FinalMeanStateOfLithiation,
    double SeparatorSideInterfacialCurrent, double CollectorSideInterfacialCurrent, int Steps, TimeSpan WallTime, int Unknowns)
{
    public static RunSummary From(string caseName, P2DModel model, Solution solution, Protocol protocol)
    {
        var (first, last) = HalfCycle(solution);
        double charge = 0;
        for (int k = first; k <= last && k >= 0; k++) charge += solution.Steps[k].Charge;
        var y = last >= 0 ? solution.StepEndStates[last] : solution.FinalState;
        var layer = model.Mesh.ElectrodeLayers.Last();
        double lowest = double.PositiveInfinity, highest = double.NegativeInfinity;
        double maxConcentration = model.Cell.Electrodes[layer.ElectrodeIndex].MaxConcentration;
        for (int i = layer.FirstCell; i < layer.FirstCell + layer.CellCount; i++)
        {
            double sol = model.MeanParticleConcentration(y, i) / maxConcentration;
            lowest = Math.Min(lowest, sol);
            highest = Math.Max(highest, sol);
        }
        return new RunSummary(
            caseName,
            Math.Abs(solution.SpecificCapacity(charge)),
            last >= 0 ? solution.AverageVoltage(first, last) : double.NaN,
            model.MeanStateOfLithiation(y),
            y[model.Layout.InterfacialCurrent(layer.FirstCell)],
            y[model.Layout.InterfacialCurrent(layer.FirstCell + layer.CellCount - 1)],
            solution.Statistics.Steps,
            solution.WallTime,
            model.Size)
        {
            ArealCapacity = Math.Abs(charge) / 3600.0,
            HeadlineSteps = (first, last),
            StepOutcomes = solution.Steps,
            ActiveMassPerArea = solution.ActiveMassPerArea,
            FinalMinimumStateOfLithiation = lowest,
            FinalMaximumStateOfLithiation = highest,
            FinalTemperature = model.Thermal is null ? double.NaN : model.Temperature(y),
            HeatGenerated = model.Thermal is null ? double.NaN : y[model.Layout.HeatGenerated],
        };
    }

    /// <summary>Cell temperature at the end of the half-cycle [K] (lumped thermal model; NaN when isothermal).</summary>
    public double FinalTemperature { get; init; } = double.NaN;
    /// <summary>Heat generated from the start of the run to the end of the half-cycle [J/m²] (lumped thermal model; NaN when isothermal).</summary>
    public double HeatGenerated { get; init; } = double.NaN;

    /// <summary>The first and last protocol step (indices) of the first half-cycle; (−1, −1) when no step passed charge.</summary>
    public static (int First, int Last) HalfCycle(Solution solution)
    {
        var steps = solution.Steps;
        int first = -1;
        for (int k = 0; k < steps.Count && first < 0; k++)
            if (steps[k].Mode != ControlMode.Rest && steps[k].Charge != 0) first = k;
        if (first < 0) return (-1, -1);
        double sign = Math.Sign(steps[first].Charge);
        int last = first;
        for (int k = first + 1; k < steps.Count; k++)
        {
            // A rest passes only the solver's rounding (~1e-10 C/m²); anything against the first step's sign beyond a
            // millionth of its charge is a reversal.
            if (steps[k].Charge * sign < -1e-6 * Math.Abs(steps[first].Charge)) break;
            last = k;
        }
        while (last > first && steps[last].Mode == ControlMode.Rest) last--;
        return (first, last);
    }

    /// <summary>Charge passed in the headline half-cycle per unit cell area [Ah/m²] (the capacity of a full cell).</summary>
    public double ArealCapacity { get; init; }
    /// <summary>Protocol step indices the headline numbers cover.</summary>
    public (int First, int Last) HeadlineSteps { get; init; } = (-1, -1);
    public IReadOnlyList<StepOutcome> StepOutcomes { get; init; } = [];
    /// <summary>[kg/m²]</summary>
    public double ActiveMassPerArea { get; init; } = double.NaN;

    /// <summary>
    /// Lowest and highest particle-mean state of lithiation over the x cells of the working electrode at the end of the
    /// half-cycle [1]; their difference is the spread across the thickness.
    /// </summary>
    public double FinalMinimumStateOfLithiation { get; init; } = double.NaN;
    /// <inheritdoc cref="FinalMinimumStateOfLithiation"/>
    public double FinalMaximumStateOfLithiation { get; init; } = double.NaN;
    /// <summary>Spread of the particle-mean state of lithiation across the electrode thickness at the end of the half-cycle [1].</summary>
    public double FinalStateOfLithiationSpread => FinalMaximumStateOfLithiation - FinalMinimumStateOfLithiation;

    /// <summary>
    /// Specific energy of the half-cycle, ∫V dQ per active mass [mWh/g]. <see cref="AverageVoltage"/> is charge-weighted
    /// (∫V dQ / ∫dQ), so the energy is that average times <see cref="Capacity"/>.
    /// </summary>
    public double SpecificEnergy => Capacity * AverageVoltage;

    public IReadOnlyDictionary<string, double> ToAttributes() => new Dictionary<string, double>
    {
        ["summary_specific_energy_mWh_g"] = SpecificEnergy,
        ["summary_final_min_state_of_lithiation"] = FinalMinimumStateOfLithiation,
        ["summary_final_max_state_of_lithiation"] = FinalMaximumStateOfLithiation,
        ["summary_collector_side_interfacial_current_density_A_m2"] = CollectorSideInterfacialCurrent,
        ["summary_solver_steps"] = Steps,
        ["summary_capacity_mAh_g"] = Capacity,
        ["summary_capacity_Ah_m2"] = ArealCapacity,
        ["summary_average_voltage_V"] = AverageVoltage,
        ["summary_final_mean_state_of_lithiation"] = FinalMeanStateOfLithiation,
        ["summary_separator_side_interfacial_current_density_A_m2"] = SeparatorSideInterfacialCurrent,
        ["summary_wall_time_s"] = WallTime.TotalSeconds,
        ["summary_first_step"] = HeadlineSteps.First,
        ["summary_last_step"] = HeadlineSteps.Last,
    }.Concat(double.IsNaN(FinalTemperature) ? [] : new Dictionary<string, double>
    {
        ["summary_final_temperature_K"] = FinalTemperature,
        ["summary_heat_generated_J_m2"] = HeatGenerated,
    }).ToDictionary();

    private string Covered => HeadlineSteps.First < 0 ? "no step passed charge"
        : HeadlineSteps.First == HeadlineSteps.Last ? $"step {HeadlineSteps.First + 1}"
        : $"steps {HeadlineSteps.First + 1}-{HeadlineSteps.Last + 1}";

    /// <summary>The headline line, then (for a protocol of several steps) one line per step.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"{CaseName}: capacity {(double.IsNaN(Capacity) ? $"{ArealCapacity * 0.1:F4} mAh/cm^2" : $"{Capacity:F1} mAh/g")}, average voltage {AverageVoltage:F4} V, final mean SOL {FinalMeanStateOfLithiation:F4}"));
        if (StepOutcomes.Count > 1) text.Append($" ({Covered})");
        if (!double.IsNaN(FinalTemperature))
            text.Append(string.Create(CultureInfo.InvariantCulture, $", final temperature {FinalTemperature:F2} K, heat {HeatGenerated / 1000:F2} kJ/m^2"));
        text.Append(string.Create(CultureInfo.InvariantCulture, $", {Steps} steps, wall time {WallTime.TotalSeconds:F3} s"));
        if (StepOutcomes.Count > 1)
            foreach (var o in StepOutcomes) text.Append('\n').Append(Describe(o));
        return text.ToString();
    }

    /// <summary>One step's outcome: mode, duration, charge and capacity, and why it ended.</summary>
    public string Describe(StepOutcome o)
    {
        string capacity = double.IsFinite(ActiveMassPerArea) && ActiveMassPerArea > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(o.Charge / (3600.0 * ActiveMassPerArea), 1) + 0.0:F1} mAh/g")
            : string.Create(CultureInfo.InvariantCulture, $"{o.Charge / 36000.0:F4} mAh/cm^2");
        return string.Create(CultureInfo.InvariantCulture,
            $"  step {o.Index + 1} {o.Label} ({o.Mode.ToString().ToLowerInvariant()}): {o.Duration:F1} s, {capacity}, ended: {o.Reason}");
    }
}
