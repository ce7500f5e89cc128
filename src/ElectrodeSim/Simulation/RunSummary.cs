using System.Globalization;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;

namespace ElectrodeSim.Simulation;

/// <summary>
/// The headline numbers of a run, taken from its first constant-current step (the lithiation of
/// the paper's protocol): specific capacity [mAh/g], charge-weighted average voltage [V], final
/// mean state of lithiation [1], and the interfacial current density at the separator side of the
/// working electrode at the end of that step [A/m², sign convention of j].
/// </summary>
public sealed record RunSummary(
    string CaseName, double Capacity, double AverageVoltage, double FinalMeanStateOfLithiation,
    double SeparatorSideInterfacialCurrent, double CollectorSideInterfacialCurrent, int Steps, TimeSpan WallTime, int Unknowns)
{
    public static RunSummary From(string caseName, P2DModel model, Solution solution, Protocol protocol)
    {
        int headline = Enumerable.Range(0, protocol.Steps.Count).FirstOrDefault(k => protocol.Steps[k].Mode == ControlMode.Current);
        double charge = solution.StepCharge(headline);
        var y = solution.FinalState;
        var layer = model.Mesh.ElectrodeLayers.Last();
        return new RunSummary(
            caseName,
            Math.Abs(solution.SpecificCapacity(charge)),
            solution.AverageVoltage(headline),
            model.MeanStateOfLithiation(y),
            y[model.Layout.InterfacialCurrent(layer.FirstCell)],
            y[model.Layout.InterfacialCurrent(layer.FirstCell + layer.CellCount - 1)],
            solution.Statistics.Steps,
            solution.WallTime,
            model.Size)
        {
            ArealCapacity = Math.Abs(charge) / 3600.0,
        };
    }

    /// <summary>Charge passed in the headline step per unit cell area [Ah/m²] (the capacity of a full cell).</summary>
    public double ArealCapacity { get; init; }

    public IReadOnlyDictionary<string, double> ToAttributes() => new Dictionary<string, double>
    {
        ["summary_capacity_mAh_g"] = Capacity,
        ["summary_capacity_Ah_m2"] = ArealCapacity,
        ["summary_average_voltage_V"] = AverageVoltage,
        ["summary_final_mean_state_of_lithiation"] = FinalMeanStateOfLithiation,
        ["summary_separator_side_interfacial_current_density_A_m2"] = SeparatorSideInterfacialCurrent,
        ["summary_wall_time_s"] = WallTime.TotalSeconds,
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{CaseName}: capacity {(double.IsNaN(Capacity) ? $"{ArealCapacity:F3} Ah/m^2" : $"{Capacity:F1} mAh/g")}, average voltage {AverageVoltage:F4} V, final mean SOL {FinalMeanStateOfLithiation:F4}, " +
        $"{Steps} steps, wall time {WallTime.TotalSeconds:F3} s");
}
