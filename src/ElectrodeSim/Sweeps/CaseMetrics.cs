using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Sweeps;

/// <summary>
/// The summary quantities of one run, as the sweep summary and <c>compare</c> tabulate them, taken from a
/// <see cref="RunSummary"/> or read back from the attributes <see cref="RunSummary.ToAttributes"/> wrote into a result
/// file (a quantity an older file lacks is NaN).
/// </summary>
public sealed record CaseMetrics(
    double Capacity, double ArealCapacity, double AverageVoltage, double SpecificEnergy,
    double FinalMeanStateOfLithiation, double FinalStateOfLithiationSpread, double FinalMinimumStateOfLithiation, double FinalMaximumStateOfLithiation,
    double SeparatorSideInterfacialCurrent, double CollectorSideInterfacialCurrent, double SolverSteps, double WallTime)
{
    /// <summary>Column headers with units, in the order of <see cref="Values"/>.</summary>
    public static readonly IReadOnlyList<string> Headers =
    [
        "capacity_mAh_g", "capacity_Ah_m2", "average_voltage_V", "energy_mWh_g",
        "final_mean_sol", "final_sol_spread", "final_sol_min", "final_sol_max",
        "j_separator_side_A_m2", "j_collector_side_A_m2", "solver_steps", "wall_time_s",
    ];

    public static readonly CaseMetrics Missing = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public IReadOnlyList<double> Values =>
    [
        Capacity, ArealCapacity, AverageVoltage, SpecificEnergy,
        FinalMeanStateOfLithiation, FinalStateOfLithiationSpread, FinalMinimumStateOfLithiation, FinalMaximumStateOfLithiation,
        SeparatorSideInterfacialCurrent, CollectorSideInterfacialCurrent, SolverSteps, WallTime,
    ];

    public static CaseMetrics From(RunSummary s) => new(
        s.Capacity, s.ArealCapacity, s.AverageVoltage, s.SpecificEnergy,
        s.FinalMeanStateOfLithiation, s.FinalStateOfLithiationSpread, s.FinalMinimumStateOfLithiation, s.FinalMaximumStateOfLithiation,
        s.SeparatorSideInterfacialCurrent, s.CollectorSideInterfacialCurrent, s.Steps, s.WallTime.TotalSeconds);

    /// <summary>
    /// The quantities a 2-D resolved run's file holds (<see cref="Output.ResolvedResultWriter.Summary"/>): capacity, areal
    /// capacity, average voltage, final mean state of lithiation, solver steps, wall time; the rest is NaN, as read back
    /// from its file by <see cref="Read"/>.
    /// </summary>
    public static CaseMetrics From(ResolvedRunResult r)
    {
        var s = Output.ResolvedResultWriter.Summary(r.Model, r.Solution);
        return new(s["summary_capacity_mAh_g"], s["summary_capacity_Ah_m2"], s["summary_average_voltage_V"], double.NaN,
            s["summary_final_mean_state_of_lithiation"], double.NaN, double.NaN, double.NaN, double.NaN, double.NaN,
            s["summary_solver_steps"], s["summary_wall_time_s"]);
    }

    /// <summary>What a result file says about its run: status, failure reason, case name and text, and (if complete) its metrics.</summary>
    /// <param name="InputFilesJson">The <c>input_files</c> attribute: key path → SHA-256 of each file the case read (empty in older files).</param>
    public sealed record ResultFileInfo(string Status, string Reason, string CaseName, string CaseText, CaseMetrics Metrics, string CreatedUtc, string InputFilesJson = "");

    /// <summary>Reads a result file's root attributes; throws <see cref="Hdf5Exception"/> for a file HDF5 cannot open.</summary>
    public static ResultFileInfo Read(string path)
    {
        using var file = Hdf5File.OpenRead(path);
        string S(string name) => file.HasAttribute("/", name) ? file.ReadStringAttribute("/", name) : "";
        double D(string name) => file.HasAttribute("/", name) ? file.ReadDoubleAttribute("/", name) : double.NaN;
        var metrics = new CaseMetrics(
            D("summary_capacity_mAh_g"), D("summary_capacity_Ah_m2"), D("summary_average_voltage_V"), D("summary_specific_energy_mWh_g"),
            D("summary_final_mean_state_of_lithiation"),
            D("summary_final_max_state_of_lithiation") - D("summary_final_min_state_of_lithiation"),
            D("summary_final_min_state_of_lithiation"), D("summary_final_max_state_of_lithiation"),
            D("summary_separator_side_interfacial_current_density_A_m2"), D("summary_collector_side_interfacial_current_density_A_m2"),
            D("summary_solver_steps"), D("summary_wall_time_s"));
        return new ResultFileInfo(S("status"), S("failure_reason"), S("case_name"), S("case_text"), metrics, S("created_utc"), S("input_files"));
    }
}
