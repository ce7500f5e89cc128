using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Measured;

namespace ElectrodeSim.Validation;

/// <summary>RMSE, MAE and largest |ΔV| over the compared points [V], and where (on the entry's axis) the largest is.</summary>
public sealed record CurveMetrics(int Points, double Rmse, double Mae, double MaxAbs, double AxisOfMax)
{
    public static CurveMetrics Of(IReadOnlyList<double> x, IReadOnlyList<double> measured, IReadOnlyList<double> simulated)
    {
        int n = 0;
        double sum2 = 0, sum1 = 0, max = 0, at = double.NaN;
        for (int k = 0; k < x.Count; k++)
        {
            if (!double.IsFinite(simulated[k]) || !double.IsFinite(measured[k])) continue;
            double d = Math.Abs(simulated[k] - measured[k]);
            n++;
            sum2 += d * d;
            sum1 += d;
            if (d >= max) { max = d; at = x[k]; }
        }
        return n == 0 ? new CurveMetrics(0, double.NaN, double.NaN, double.NaN, double.NaN) : new CurveMetrics(n, Math.Sqrt(sum2 / n), sum1 / n, max, at);
    }
}

/// <summary>
/// A simulated run set against a measured curve on one axis: time [s from the start of the step] or capacity
/// (mAh/g when the data can be had per active mass, mAh/cm² otherwise), both curves in display units.
/// </summary>
public sealed record CurveSamples(string Axis, string AxisUnit, double[] X, double[] Measured, double[] Simulated, double[] SimulatedX, double[] SimulatedV,
    double MeasuredEndCapacity, double SimulatedEndCapacity, string CapacityUnit)
{
    /// <summary>(simulated − measured) / measured capacity at the end of the step [%]; NaN without a measured capacity.</summary>
    public double CapacityErrorPercent => 100 * (SimulatedEndCapacity - MeasuredEndCapacity) / MeasuredEndCapacity;
}

/// <summary>
/// The comparisons of simulated runs with measured data that <c>validate</c> and <c>fit</c> share: a run's voltage
/// interpolated (linearly, between its recorded states) onto the measured points of a curve, on the time or capacity
/// axis; a rate table's capacities against runs at its currents. Both go through <see cref="Simulator.Run(SimulationSetup, string?, CancellationToken)"/>.
/// </summary>
public static class MeasuredComparison
{
    public const string TimeAxis = "time";
    public const string CapacityAxis = "capacity";
    public static IReadOnlyList<string> Axes { get; } = [TimeAxis, CapacityAxis];

    /// <summary>Loads a case with key-path overrides applied exactly as <c>run --set</c> does.</summary>
    public static SimulationSetup LoadCase(string casePath, IReadOnlyDictionary<string, string>? set) =>
        CaseBuilder.Build(CaseOverrides.Load(casePath, (set ?? new Dictionary<string, string>()).Select(s => new CaseOverride(s.Key, s.Value)).ToList()));

    /// <summary>
    /// The setup with its largest step capped so that linear interpolation between recorded states follows the
    /// curve (1/400 of the measured span), and no field output.
    /// </summary>
    public static SimulationSetup ForCurve(SimulationSetup setup, MeasuredCurve curve) =>
        setup with { Solver = setup.Solver with { MaxStep = Math.Min(setup.Solver.MaxStep, Math.Max(curve.Time[^1] / 400, 1e-3)) } };

    /// <summary>
    /// The measured and simulated voltages at the measured points whose axis value is in <paramref name="window"/>
    /// (display units; null: all). A measured point beyond the end of the run gets NaN, or with
    /// <paramref name="holdLast"/> the run's last voltage (so that a fit's residual vector keeps its length).
    /// </summary>
    public static CurveSamples Samples(RunResult run, MeasuredCurve curve, string axis, IReadOnlyList<double>? window, bool holdLast = false)
    {
        var s = run.Solution;
        double massPerArea = s.ActiveMassPerArea;
        var perMass = curve.CapacityPerMass();
        double[]? measuredCapacity = perMass ?? curve.CapacityPerArea(massPerArea);
        double capacityScale = perMass != null ? 1 / 3600.0 : 1 / 36000.0;     // C/kg -> mAh/g, C/m² -> mAh/cm²
        string capacityUnit = perMass != null ? "mAh/g" : "mAh/cm²";
        double t0 = s.Time[0], q0 = s.Charge[0];
        var simTime = s.Time.Select(t => t - t0).ToArray();
        var simCapacity = s.Charge.Select(q => Math.Abs(q - q0) * (perMass != null ? 1 / massPerArea : 1) * capacityScale).ToArray();
        double[] simX, measuredX;
        string unit;
        if (axis == CapacityAxis)
        {
            measuredX = measuredCapacity?.Select(q => q * capacityScale).ToArray()
                ?? throw new InvalidDataException($"{curve.File}: a capacity axis needs a capacity or current column (and an area or mass where the model's basis differs)");
            simX = simCapacity;
            unit = capacityUnit;
        }
        else
        {
            measuredX = curve.Time;
            simX = simTime;
            unit = "s";
        }
        var x = new List<double>();
        var measured = new List<double>();
        var simulated = new List<double>();
        for (int k = 0; k < measuredX.Length; k++)
        {
            if (window is { Count: 2 } w && (measuredX[k] < w[0] || measuredX[k] > w[1])) continue;
            x.Add(measuredX[k]);
            measured.Add(curve.Voltage[k]);
            simulated.Add(Interpolate(simX, s.Voltage, measuredX[k], holdLast));
        }
        double measuredEnd = measuredCapacity is { } mc ? mc[^1] * capacityScale : double.NaN;
        double simulatedEnd = perMass != null ? run.Summary.Capacity : run.Summary.ArealCapacity / 10.0;   // mAh/g, or Ah/m² -> mAh/cm²
        return new CurveSamples(axis, unit, x.ToArray(), measured.ToArray(), simulated.ToArray(), simX, s.Voltage.ToArray(), measuredEnd, simulatedEnd, capacityUnit);
    }

    /// <summary>Linear interpolation of (xs, ys) at <paramref name="x"/>; xs non-decreasing. Beyond the ends: NaN, or the end value with <paramref name="hold"/>.</summary>
    public static double Interpolate(IReadOnlyList<double> xs, IReadOnlyList<double> ys, double x, bool hold)
    {
        int n = xs.Count;
        if (n == 0) return double.NaN;
        if (x <= xs[0]) return x == xs[0] || hold ? ys[0] : double.NaN;
        if (x >= xs[n - 1]) return x == xs[n - 1] || hold ? ys[n - 1] : double.NaN;
        int lo = 0, hi = n - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (xs[mid] <= x) lo = mid; else hi = mid;
        }
        double span = xs[hi] - xs[lo];
        return span > 0 ? ys[lo] + (ys[hi] - ys[lo]) * (x - xs[lo]) / span : ys[hi];
    }

    /// <summary>
    /// The value a current key of a case takes for a current density <paramref name="amperesPerSquareMetre"/> [A/m²]:
    /// <c>…current_density_mA_cm2</c> (÷ 10), <c>…current_density_A_m2</c>, <c>…specific_current_A_g</c> (÷ mass per area ÷ 1000).
    /// </summary>
    public static double CurrentKeyValue(string key, double amperesPerSquareMetre, double activeMassPerArea) =>
        key.EndsWith("current_density_mA_cm2", StringComparison.Ordinal) ? amperesPerSquareMetre / 10
        : key.EndsWith("current_density_A_m2", StringComparison.Ordinal) ? amperesPerSquareMetre
        : key.EndsWith("specific_current_A_g", StringComparison.Ordinal) ? amperesPerSquareMetre / activeMassPerArea / 1000
        : throw new ArgumentException($"{key}: a rate table's current key ends in current_density_mA_cm2, current_density_A_m2 or specific_current_A_g");

    public static IReadOnlyList<string> CurrentKeySuffixes { get; } = ["current_density_mA_cm2", "current_density_A_m2", "specific_current_A_g"];

    /// <summary>One rate of a rate table: measured and simulated capacity (mAh/g, or mAh/cm² for a per-area table) at a current (A/g or mA/cm²).</summary>
    public sealed record RatePoint(double Current, string CurrentUnit, double Measured, double Simulated, string CapacityUnit, RunResult? Run, string? Failure)
    {
        public double ErrorPercent => 100 * (Simulated - Measured) / Measured;
    }

    /// <summary>Runs <paramref name="casePath"/> (with <paramref name="set"/>) at each current of <paramref name="table"/> through <paramref name="currentKey"/>.</summary>
    public static IReadOnlyList<RatePoint> RunRateTable(string casePath, IReadOnlyDictionary<string, string>? set, RateTable table, string currentKey, bool parallel = true)
    {
        var baseSetup = LoadCase(casePath, set);
        double massPerArea = baseSetup.Cell.WorkingElectrode.ActiveMassPerArea;
        bool perMass = table.CapacityIn(MeasuredBasis.PerMass, massPerArea) != null && table.CapacityBasis != MeasuredBasis.PerArea;
        var capacity = perMass ? table.CapacityIn(MeasuredBasis.PerMass, massPerArea)! : table.CapacityIn(MeasuredBasis.PerArea, massPerArea)
            ?? throw new InvalidDataException($"{table.File}: the capacities cannot be put per mass or per area (give normalisation in the sidecar)");
        var current = table.CurrentIn(MeasuredBasis.PerArea, massPerArea)
            ?? throw new InvalidDataException($"{table.File}: the currents cannot be put per electrode area (give normalisation.area_cm2 or use A/g, mA/cm²)");
        bool currentPerMass = table.CurrentBasis == MeasuredBasis.PerMass;
        var points = new RatePoint[table.Current.Length];
        void One(int k)
        {
            var changes = new Dictionary<string, string>(set ?? new Dictionary<string, string>())
            {
                [currentKey] = CaseOverride.Format(CurrentKeyValue(currentKey, current[k], massPerArea)),
            };
            double shown = currentPerMass ? table.Current[k] / 1000 : current[k] / 10;          // A/g or mA/cm²
            string currentUnit = currentPerMass ? "A/g" : "mA/cm²";
            double measured = perMass ? capacity[k] / 3600 : capacity[k] / 36000;
            try
            {
                var run = Simulator.Run(LoadCase(casePath, changes));
                double simulated = perMass ? run.Summary.Capacity : run.Summary.ArealCapacity / 10;
                points[k] = new RatePoint(shown, currentUnit, measured, simulated, perMass ? "mAh/g" : "mAh/cm²", run, null);
            }
            catch (Exception e) when (e is not (OutOfMemoryException or CaseValidationException))
            {
                points[k] = new RatePoint(shown, currentUnit, measured, double.NaN, perMass ? "mAh/g" : "mAh/cm²", null, e.Message);
            }
        }
        if (parallel) Parallel.For(0, points.Length, One);
        else for (int k = 0; k < points.Length; k++) One(k);
        return points;
    }

    public static string Number(double x, string format = "G6") => x.ToString(format, CultureInfo.InvariantCulture);
}
