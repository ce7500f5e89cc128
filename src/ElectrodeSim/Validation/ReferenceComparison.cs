using System.Diagnostics;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Validation;

/// <summary>Largest and RMS |ΔV| over the compared points, and where the largest is.</summary>
public sealed record VoltageErrors(int Points, double Max, double TimeOfMax, double Rms)
{
    /// <summary>Max and RMS in mV.</summary>
    public double MaxMillivolts => 1e3 * Max;
    public double RmsMillivolts => 1e3 * Rms;
}

/// <summary>Largest relative error of a field over all reference times and positions, and where it is.</summary>
public sealed record FieldError(string Quantity, double MaxRelative, double MaxAbsolute, double Time, double Position, string Unit);

/// <summary>
/// What a reference's own fields say about its voltage: the cell voltage at which its stored concentrations
/// and potentials satisfy the model's Butler–Volmer relation with the applied current in both electrodes
/// (∫ a j dx = ±I), found by shifting the interfacial overpotentials of each electrode uniformly. Where the
/// stored voltage and fields come from one converged solution this equals the stored voltage; a difference
/// measures the reference's own inconsistency (e.g. output interpolated between coarse internal steps).
/// </summary>
public sealed record ImpliedVoltage(double[] Time, double[] Voltage, VoltageErrors ReferenceVsImplied, VoltageErrors SimulationVsImplied);

/// <summary>The comparison of one case with its reference.</summary>
public sealed record CaseComparison
{
    public required string CaseName { get; init; }
    public required string CasePath { get; init; }
    public required string MeshDescription { get; init; }
    public required int Unknowns { get; init; }
    public required VoltageErrors Voltage { get; init; }
    /// <summary>Tolerance on <see cref="VoltageErrors.Max"/> [V], or null.</summary>
    public double? VoltageLimit { get; init; }
    public IReadOnlyList<FieldError> Fields { get; init; } = [];
    /// <summary>Tolerance on the electrolyte concentration's largest relative error [1], or null.</summary>
    public double? ElectrolyteConcentrationLimit { get; init; }
    public ImpliedVoltage? Implied { get; init; }
    /// <summary>
    /// The reference solver's internal steps, recovered from its interpolated output voltage
    /// (<see cref="InternalStepRecovery"/>), or null if the reference was not analysed.
    /// </summary>
    public RecoveredSteps? ReferenceSteps { get; init; }
    /// <summary>Simulated voltage at the recovered step times (parallel to <see cref="RecoveredSteps.Steps"/>).</summary>
    public double[] StepSimulatedVoltage { get; init; } = [];
    /// <summary>Simulated voltage at the dropped, unconfirmed step candidates (parallel to <see cref="RecoveredSteps.Unconfirmed"/>; for inspection).</summary>
    public double[] UnconfirmedSimulatedVoltage { get; init; } = [];
    /// <summary>
    /// |ΔV| against the reference's own solution at its recovered internal steps, where that is above the
    /// window threshold; null if no step was recovered. Free of the reference's output interpolation.
    /// </summary>
    public VoltageErrors? StepVoltage { get; init; }
    /// <summary>Tolerance on <see cref="StepVoltage"/>'s largest |ΔV| [V], or null.</summary>
    public double? StepVoltageLimit { get; init; }
    /// <summary>Simulated and reference voltage at the reference times (the whole run, not only the window).</summary>
    public required double[] Time { get; init; }
    public required double[] SimulatedVoltage { get; init; }
    public required double[] ReferenceVoltage { get; init; }
    public TimeSpan WallTime { get; init; }

    public bool VoltageWithinLimit => VoltageLimit is not { } limit || Voltage.Max <= limit;
    public FieldError? ElectrolyteConcentration => Fields.FirstOrDefault(f => f.Quantity == ReferenceComparison.ElectrolyteConcentration);
    public bool FieldsWithinLimit => ElectrolyteConcentrationLimit is not { } limit || ElectrolyteConcentration is not { } e || e.MaxRelative <= limit;
    /// <summary>Within <see cref="StepVoltageLimit"/>; a limit with no recovered step to check it on is not met.</summary>
    public bool StepVoltageWithinLimit => StepVoltageLimit is not { } limit || StepVoltage is { Points: > 0 } e && e.Max <= limit;
    public bool Passed => VoltageWithinLimit && StepVoltageWithinLimit && FieldsWithinLimit;
}

/// <summary>
/// Runs a case and compares it with reference results on the reference's own output times: the voltage
/// over the window where the reference voltage is above a threshold (max and RMS |ΔV|), and, where
/// reference fields are given, the electrolyte concentration and potential and the surface concentration
/// of each electrode (largest relative error over every time and position).
/// <para>
/// The voltage is also compared at the reference solver's own internal steps where they can be recovered
/// from its output (<see cref="InternalStepRecovery"/>): a reference written by interpolating between
/// coarse internal steps differs from its own solution between them, and only there.
/// </para>
/// <para>
/// The run keeps every accepted state (its largest step is capped at the reference's output interval) and
/// evaluates the solution at a reference time by cubic Lagrange interpolation of the four nearest states;
/// in x the finite-volume cell-centre values are interpolated linearly (flat beyond the end centres for
/// the electrolyte, whose gradient vanishes at the collectors; linear extrapolation in the electrodes).
/// </para>
/// </summary>
public static class ReferenceComparison
{
    public const string ElectrolyteConcentration = "electrolyte concentration";
    public const string ElectrolytePotential = "electrolyte potential";
    public const string NegativeSurfaceConcentration = "negative surface concentration";
    public const string PositiveSurfaceConcentration = "positive surface concentration";

    /// <summary>Runs <paramref name="casePath"/> (optionally on another mesh) and compares it as <paramref name="entry"/> says.</summary>
    public static CaseComparison Run(ValidationManifest manifest, ValidationCase entry, string referenceDirectory,
        Func<SimulationSetup, SimulationSetup>? adjust = null, CancellationToken cancellation = default)
    {
        string casePath = manifest.CasePath(entry);
        var setup = CaseBuilder.Load(casePath);
        if (adjust != null) setup = adjust(setup);
        var reference = ReferenceVoltage.Read(Path.Combine(referenceDirectory, entry.Voltage!));
        ReferenceField? electrolyte = null, negative = null, positive = null;
        if (entry.Fields is { } files)
        {
            if (files.Electrolyte != null) electrolyte = ReferenceField.Read(Path.Combine(referenceDirectory, files.Electrolyte));
            if (files.NegativeElectrode != null) negative = ReferenceField.Read(Path.Combine(referenceDirectory, files.NegativeElectrode));
            if (files.PositiveElectrode != null) positive = ReferenceField.Read(Path.Combine(referenceDirectory, files.PositiveElectrode));
        }
        return Compare(setup, casePath, reference, manifest.VoltageWindowAboveV ?? double.NegativeInfinity,
            entry.MaxVoltageErrorMV * 1e-3, electrolyte, negative, positive, entry.MaxElectrolyteConcentrationErrorPercent * 1e-2, cancellation)
            with { StepVoltageLimit = entry.MaxStepVoltageErrorMV * 1e-3 };
    }

    /// <summary>Runs <paramref name="setup"/> and compares it with the reference voltage (and fields, when given).</summary>
    public static CaseComparison Compare(SimulationSetup setup, string casePath, ReferenceVoltage reference, double windowAboveVolts,
        double? voltageLimit = null, ReferenceField? electrolyte = null, ReferenceField? negative = null, ReferenceField? positive = null,
        double? electrolyteConcentrationLimit = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var solver = setup.Solver with { MaxStep = Math.Min(setup.Solver.MaxStep, reference.SmallestInterval) };
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var history = new StateHistory();
        new ProtocolRunner(model, solver).Run(setup.Protocol, [history], cancellation);

        int n = reference.Time.Length;
        var simulated = new double[n];
        var current = new double[n];
        var y = new double[model.Size];
        for (int k = 0; k < n; k++)
        {
            history.Interpolate(reference.Time[k], y);
            simulated[k] = model.Voltage(y);
            current[k] = y[model.Layout.Current];
        }
        bool InWindow(int k) => reference.Voltage[k] > windowAboveVolts;
        var voltage = Errors(reference.Time, simulated, reference.Voltage, InWindow);

        var steps = InternalStepRecovery.Recover(reference.Time, reference.Voltage);
        double[] VoltageAt(IReadOnlyList<InternalStep> at)
        {
            var v = new double[at.Count];
            for (int k = 0; k < at.Count; k++)
            {
                history.Interpolate(at[k].Time, y);
                v[k] = model.Voltage(y);
            }
            return v;
        }
        var stepTime = steps.Steps.Select(s => s.Time).ToArray();
        var stepValue = steps.Steps.Select(s => s.Value).ToArray();
        var stepSimulated = VoltageAt(steps.Steps);
        var stepVoltage = stepTime.Length > 0 ? Errors(stepTime, stepSimulated, stepValue, k => stepValue[k] > windowAboveVolts) : null;

        var fields = new List<FieldError>();
        ImpliedVoltage? implied = null;
        if (electrolyte != null)
        {
            fields.Add(CompareField(ElectrolyteConcentration, "mol/m^3", electrolyte, electrolyte["c_e_mol_m3"], history, model,
                (yy, x) => Electrolyte(model, yy, x, concentration: true)));
            fields.Add(CompareField(ElectrolytePotential, "V", electrolyte, electrolyte["phi_e_V"], history, model,
                (yy, x) => Electrolyte(model, yy, x, concentration: false)));
        }
        if (!model.Cell.IsHalfCell)
        {
            foreach (var (field, name, index) in new[] { (negative, NegativeSurfaceConcentration, 0), (positive, PositiveSurfaceConcentration, 1) })
                if (field != null)
                    fields.Add(CompareField(name, "mol/m^3", field, field["c_s_surf_mol_m3"], history, model,
                        (yy, x) => SurfaceConcentration(model, yy, index, x)));
            if (electrolyte != null && negative != null && positive != null && model.Cell.Electrodes.All(e => e.FilmResistance == 0))
                implied = Implied(model, reference, electrolyte, negative, positive, simulated, current, InWindow);
        }

        return new CaseComparison
        {
            CaseName = setup.Name,
            CasePath = casePath,
            MeshDescription = setup.Mesh.ToString(),
            Unknowns = model.Size,
            Voltage = voltage,
            VoltageLimit = voltageLimit,
            Fields = fields,
            ElectrolyteConcentrationLimit = electrolyteConcentrationLimit,
            Implied = implied,
            ReferenceSteps = steps,
            StepSimulatedVoltage = stepSimulated,
            UnconfirmedSimulatedVoltage = VoltageAt(steps.Unconfirmed),
            StepVoltage = stepVoltage,
            Time = reference.Time,
            SimulatedVoltage = simulated,
            ReferenceVoltage = reference.Voltage,
            WallTime = clock.Elapsed,
        };
    }

    private static VoltageErrors Errors(double[] time, double[] value, double[] reference, Func<int, bool> include)
    {
        double max = 0, at = double.NaN, sum = 0;
        int count = 0;
        for (int k = 0; k < time.Length; k++)
        {
            if (!include(k)) continue;
            double d = Math.Abs(value[k] - reference[k]);
            if (!(d <= max)) { max = d; at = time[k]; }
            sum += d * d;
            count++;
        }
        return new VoltageErrors(count, max, at, count > 0 ? Math.Sqrt(sum / count) : double.NaN);
    }

    private static FieldError CompareField(string quantity, string unit, ReferenceField field, double[,] values, StateHistory history, P2DModel model,
        Func<double[], double, double> simulated)
    {
        var y = new double[model.Size];
        double maxRelative = 0, maxAbsolute = 0, atTime = double.NaN, atX = double.NaN;
        for (int k = 0; k < field.Times.Length; k++)
        {
            history.Interpolate(field.Times[k], y);
            for (int i = 0; i < field.Positions.Length; i++)
            {
                double r = values[k, i];
                double d = Math.Abs(simulated(y, field.Positions[i]) - r);
                double relative = d / Math.Abs(r);
                maxAbsolute = Math.Max(maxAbsolute, d);
                if (!(relative <= maxRelative)) { maxRelative = relative; atTime = field.Times[k]; atX = field.Positions[i]; }
            }
        }
        return new FieldError(quantity, maxRelative, maxAbsolute, atTime, atX, unit);
    }

    /// <summary>c_e or φ_e at <paramref name="x"/>: linear between cell centres, flat beyond the end centres (no flux at the collectors).</summary>
    private static double Electrolyte(P2DModel model, double[] y, double x, bool concentration)
    {
        var L = model.Layout;
        int n = model.Mesh.CellCount;
        return Profile(model.Mesh.Centres, 0, n, x, flatEnds: true,
            i => concentration ? y[L.ElectrolyteConcentration(i)] : y[L.ElectrolytePotential(i)]);
    }

    /// <summary>Surface concentration of electrode <paramref name="electrode"/> at <paramref name="x"/> [mol/m³].</summary>
    private static double SurfaceConcentration(P2DModel model, double[] y, int electrode, double x)
    {
        var layer = model.Mesh.ElectrodeLayers.First(l => l.ElectrodeIndex == electrode);
        double cmax = model.Cell.Electrodes[electrode].MaxConcentration;
        return Profile(model.Mesh.Centres, layer.FirstCell, layer.CellCount, x, flatEnds: false,
            i => model.SurfaceStateOfLithiation(y, i) * cmax);
    }

    /// <summary>Piecewise-linear profile through cell-centre values of cells [first, first + count).</summary>
    private static double Profile(double[] centres, int first, int count, double x, bool flatEnds, Func<int, double> value)
    {
        int last = first + count - 1;
        if (count == 1) return value(first);
        if (x <= centres[first] && flatEnds) return value(first);
        if (x >= centres[last] && flatEnds) return value(last);
        int left = first;
        while (left < last - 1 && x > centres[left + 1]) left++;
        double t = (x - centres[left]) / (centres[left + 1] - centres[left]);
        return value(left) + t * (value(left + 1) - value(left));
    }

    /// <summary>The voltage implied by the reference's own fields (see <see cref="ImpliedVoltage"/>).</summary>
    private static ImpliedVoltage Implied(P2DModel model, ReferenceVoltage reference, ReferenceField electrolyte, ReferenceField negative, ReferenceField positive,
        double[] simulated, double[] current, Func<int, bool> inWindow)
    {
        var cell = model.Cell;
        double f = PhysicalConstants.Faraday / (PhysicalConstants.GasConstant * cell.Temperature);
        var implied = new double[reference.Time.Length];
        var ce = electrolyte["c_e_mol_m3"];
        var pe = electrolyte["phi_e_V"];
        for (int k = 0; k < reference.Time.Length; k++)
        {
            int kn = Array.IndexOf(negative.Times, reference.Time[k]), kp = Array.IndexOf(positive.Times, reference.Time[k]), ke = Array.IndexOf(electrolyte.Times, reference.Time[k]);
            if (kn < 0 || kp < 0 || ke < 0) { implied[k] = double.NaN; continue; }
            // I > 0 (discharge) leaves the negative electrode (∫ a j dx = I) and enters the positive (−I).
            double shiftNegative = OverpotentialShift(cell, 0, negative, kn, electrolyte, ke, ce, pe, f, current[k]);
            double shiftPositive = OverpotentialShift(cell, 1, positive, kp, electrolyte, ke, ce, pe, f, -current[k]);
            implied[k] = reference.Voltage[k] + shiftPositive - shiftNegative;
        }
        bool Usable(int k) => inWindow(k) && double.IsFinite(implied[k]);
        return new ImpliedVoltage(reference.Time, implied,
            Errors(reference.Time, reference.Voltage, implied, Usable),
            Errors(reference.Time, simulated, implied, Usable));
    }

    /// <summary>
    /// The uniform shift δ of the overpotential η = φ_s − φ_e − U(c_s/c_max) over an electrode's reference
    /// positions for which a ∫ j dx (trapezoid rule on those positions) equals <paramref name="target"/> [A/m²].
    /// </summary>
    private static double OverpotentialShift(CellParameters cell, int index, ReferenceField field, int k, ReferenceField electrolyte, int ke,
        double[,] ce, double[,] pe, double f, double target)
    {
        var electrode = cell.Electrodes[index];
        var x = field.Positions;
        var cs = field["c_s_surf_mol_m3"];
        var ps = field["phi_s_V"];
        int n = x.Length;
        var j0 = new double[n];
        var eta = new double[n];
        for (int i = 0; i < n; i++)
        {
            double c = Interpolate(electrolyte.Positions, ce, ke, x[i]);
            double theta = Math.Clamp(cs[k, i] / electrode.MaxConcentration, 1e-12, 1 - 1e-12);
            j0[i] = electrode.ReferenceExchangeCurrentDensity(cell.Temperature)
                    * Math.Pow(c / cell.ReferenceElectrolyteConcentration, electrode.AnodicTransferCoefficient)
                    * Math.Pow((1 - theta) / 0.5, electrode.AnodicTransferCoefficient) * Math.Pow(theta / 0.5, electrode.CathodicTransferCoefficient);
            eta[i] = ps[k, i] - Interpolate(electrolyte.Positions, pe, ke, x[i]) - electrode.OpenCircuitPotential.Evaluate(theta, out _);
        }
        double aa = electrode.AnodicTransferCoefficient, ac = electrode.CathodicTransferCoefficient, a = electrode.SpecificArea;
        double Total(double shift, out double slope)
        {
            double sum = 0, dsum = 0;
            for (int i = 0; i < n; i++)
            {
                double ea = Math.Exp(aa * f * (eta[i] + shift)), ec = Math.Exp(-ac * f * (eta[i] + shift));
                double j = j0[i] * (ea - ec), dj = j0[i] * f * (aa * ea + ac * ec);
                double w = 0.5 * ((i > 0 ? x[i] - x[i - 1] : 0) + (i < n - 1 ? x[i + 1] - x[i] : 0));
                sum += w * j;
                dsum += w * dj;
            }
            slope = a * dsum;
            return a * sum;
        }
        double delta = 0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double residual = Total(delta, out double slope) - target;
            double step = Math.Clamp(residual / slope, -0.05, 0.05);
            delta -= step;
            if (Math.Abs(step) < 1e-12) break;
        }
        return delta;
    }

    private static double Interpolate(double[] positions, double[,] values, int k, double x)
    {
        int n = positions.Length;
        if (x <= positions[0]) return values[k, 0];
        if (x >= positions[n - 1]) return values[k, n - 1];
        int i = Array.BinarySearch(positions, x);
        if (i >= 0) return values[k, i];
        i = ~i - 1;
        double t = (x - positions[i]) / (positions[i + 1] - positions[i]);
        return values[k, i] + t * (values[k, i + 1] - values[k, i]);
    }

    /// <summary>Every accepted state of a run, for evaluation at arbitrary times.</summary>
    private sealed class StateHistory : ISolutionObserver
    {
        private readonly List<double> _times = [];
        private readonly List<double[]> _states = [];

        public void Record(double time, ReadOnlySpan<double> state, int protocolStep)
        {
            // A restart records its initial state at the time the previous step ended; keep the later one.
            if (_times.Count > 0 && time <= _times[^1]) { _times.RemoveAt(_times.Count - 1); _states.RemoveAt(_states.Count - 1); }
            _times.Add(time);
            _states.Add(state.ToArray());
        }

        /// <summary>The state at <paramref name="t"/> by cubic Lagrange interpolation through the four nearest records.</summary>
        public void Interpolate(double t, Span<double> y)
        {
            int count = _times.Count;
            int k = _times.BinarySearch(t);
            if (k >= 0) { _states[k].CopyTo(y); return; }
            k = ~k;
            int points = Math.Min(4, count);
            int lo = Math.Clamp(k - 2, 0, count - points);
            y.Clear();
            for (int a = lo; a < lo + points; a++)
            {
                double l = 1;
                for (int b = lo; b < lo + points; b++)
                    if (b != a) l *= (t - _times[b]) / (_times[a] - _times[b]);
                var s = _states[a];
                for (int i = 0; i < y.Length; i++) y[i] += l * s[i];
            }
        }
    }
}
