using System.Diagnostics;
using System.Globalization;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;

namespace ElectrodeSim.Simulation;

/// <summary>
/// Runs a protocol on a model: one BDF integration per step, restarted (with a consistent
/// algebraic state) at every change of control, stop conditions located inside the step by
/// re-stepping from the last state before the crossing (Illinois regula falsi on the step end
/// time), so the reported end state lies on the cut-off, not after it.
/// </summary>
public sealed class ProtocolRunner(IElectrochemicalModel model, BdfOptions options)
{
    /// <summary>An event is located when the watched quantity is this close to its threshold (V or A/m², relative to max(1, |threshold|)).</summary>
    public double EventTolerance { get; init; } = 1e-9;

    /// <summary>The bounds every step ends at (MODEL.md §5).</summary>
    public PhysicalLimits Limits { get; init; } = new();

    /// <summary>
    /// When set, observers get the state at these run times (dense output between solver steps) and at every
    /// protocol step's start and end, instead of at every solver step. The solution's time series keep every step.
    /// </summary>
    public OutputSchedule? Schedule { get; init; }

    /// <summary>
    /// Makes the sparse linear solver for the model's Jacobian pattern (default: the model's own,
    /// <see cref="IElectrochemicalModel.CreateLinearSolver"/>); a test or benchmark replaces or wraps it.
    /// </summary>
    public Func<SparsityPattern, ISparseLinearSolver>? LinearSolver { get; init; }

    public Solution Run(Protocol protocol, IEnumerable<ISolutionObserver>? observers = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var sinks = observers?.ToArray() ?? [];
        using var linear = LinearSolver?.Invoke(model.JacobianPattern)
                           ?? model.CreateLinearSolver(model.JacobianPattern);
        var integrator = new BdfIntegrator(model, linear, options);
        var solution = new Solution { Statistics = integrator.Statistics, ActiveMassPerArea = model.ActiveMassPerArea };
        var state = model.InitialState();
        double time = 0;
        BdfIntegrator.Checkpoint? checkpoint = null;

        var schedule = Schedule;
        double sunkTime = double.NegativeInfinity;
        int sunkStep = -1, scheduledRecords = 0;
        var interpolated = schedule is null ? [] : new double[model.Size];

        void Sink(ReadOnlySpan<double> y, double t, int step)
        {
            if (t == sunkTime && step == sunkStep) return;
            (sunkTime, sunkStep) = (t, step);
            foreach (var sink in sinks) sink.Record(t, y, step);
        }

        void Record(ReadOnlySpan<double> y, double t, int step, bool stepBoundary = false)
        {
            solution.Time.Add(t);
            solution.Voltage.Add(model.Voltage(y));
            solution.CurrentDensity.Add(y[model.CurrentIndex]);
            solution.Charge.Add(y[model.ChargeIndex]);
            solution.ProtocolStep.Add(step);
            if (schedule is null || stepBoundary) Sink(y, t, step);
        }

        // The scheduled times inside the integrator's last step, from its dense output.
        void Scheduled(int step)
        {
            if (schedule is null) return;
            foreach (double t in schedule.Between(Math.Max(integrator.PreviousTime, sunkTime), integrator.Time))
            {
                if (++scheduledRecords > OutputSchedule.MaxRecords)
                    throw new SimulationFailedException(string.Create(CultureInfo.InvariantCulture,
                        $"the output schedule asks for more than {OutputSchedule.MaxRecords} records by t = {t:G6} s: raise output.every_s or list fewer output.times_s"));
                integrator.Interpolate(t, interpolated);
                Sink(interpolated, t, step);
            }
        }

        for (int s = 0; s < protocol.Steps.Count; s++)
        {
            var step = protocol.Steps[s];
            if (step.Mode == ControlMode.Impedance)
            {
                // No time passes: the spectrum of the state the step starts from, which is also its end state.
                if (model is not P2DModel p2d)
                    throw new SimulationFailedException($"step {s + 1} ('{step.Label}'): impedance is computed for P2D cases only; the 2-D resolved mode has no linearised cell voltage yet");
                var spectrum = ImpedanceSpectrum.Compute(p2d, state, time, step.Frequencies, s);
                solution.Impedance.Add(spectrum);
                solution.StepEndStates.Add(state.ToArray());
                solution.Steps.Add(new StepOutcome(s, step.Label, step.Mode, time, time, StepEnd.Duration,
                    string.Create(CultureInfo.InvariantCulture, $"impedance spectrum: {step.Frequencies.Count} frequencies, {step.Frequencies[^1]:G3} to {step.Frequencies[0]:G3} Hz"), 0.0));
                continue;
            }
            int endedBy = -1; // the stop condition that ended the step, if one did
            // Error weights of I: the set current, or the working electrode's 1C current when I is free (hold) or zero (rest).
            model.SetCurrentScale(step.Mode == ControlMode.Current ? step.Value : model.OneCCurrentDensity);
            var entry = state.ToArray();
            Start(integrator, step, s, time, state);
            double startTime = time, startCharge = integrator.State[model.ChargeIndex];

            bool capped = !(step.MaxDuration <= ProtocolStep.LongestDuration);
            double end = time + (capped ? ProtocolStep.LongestDuration : step.MaxDuration);
            string reason = capped
                ? string.Create(CultureInfo.InvariantCulture, $"time limit (no max_duration_s: the longest step, {ProtocolStep.LongestDuration:G3} s)")
                : "time limit";
            var ended = StepEnd.Duration;
            int watches = step.Stops.Count + Limits.Count;
            var before = new double[watches];
            var now = new double[watches];
            Distances(step, integrator.State, before);
            // At the start a physical limit ends the step when the state is beyond it (a particle may start empty
            // and be lithiated): the control cannot be applied — its consistent state (e.g. the surface concentration
            // the current implies) is outside, so it is not recorded and the run goes on from the state before.
            // Otherwise a stop that already holds ends the step.
            int limitAtStart = Enumerable.Range(step.Stops.Count, Limits.Count).FirstOrDefault(w => before[w] < -2 * Tolerance(step, w), -1);
            int stopAtStart = Enumerable.Range(0, step.Stops.Count).FirstOrDefault(w => before[w] <= 0, -1);
            if (limitAtStart >= 0)
                (reason, ended) = ($"{Limits.Describe(model, limitAtStart - step.Stops.Count, integrator.State)} at start{AtStartHint(limitAtStart - step.Stops.Count)}", StepEnd.PhysicalLimit);
            else
            {
                Record(integrator.State, time, s, stepBoundary: true);
                if (stopAtStart >= 0) (reason, ended, endedBy) = ($"{step.Stops[stopAtStart]} at start", StepEnd.StopConditionAtStart, stopAtStart);
            }
            bool endedAtStart = limitAtStart >= 0 || stopAtStart >= 0;
            while (!endedAtStart && integrator.Time < end)
            {
                cancellation.ThrowIfCancellationRequested();
                double t0 = integrator.Time;
                checkpoint = integrator.Save(checkpoint);
                try { integrator.Step(end); }
                catch (IntegrationFailedException e) when (NearLimit(integrator.State) is int near)
                {
                    // Butler–Volmer's j0 vanishes as θ_surf → 0 or 1, so the kinetics turn singular a hair before the
                    // limit itself: the last accepted state is at the limit to within that hair and ends the step there.
                    (reason, ended) = (string.Create(CultureInfo.InvariantCulture,
                        $"{Limits.Describe(model, near, integrator.State)} (to within {LimitDistance(integrator.State, near):G2}, where the solver stopped converging: {e.Message})"), StepEnd.PhysicalLimit);
                    break;
                }
                catch (IntegrationFailedException e)
                {
                    var b = model.StateBounds(integrator.State);
                    throw new SimulationFailedException(string.Create(CultureInfo.InvariantCulture,
                        $"step {s + 1} ('{step.Label}') failed at t = {integrator.Time:G9} s ({integrator.Time - startTime:G6} s into the step): {e.Message}; " +
                        $"last accepted state: V = {model.Voltage(integrator.State):G6} V, I = {integrator.State[model.CurrentIndex]:G4} A/m^2, " +
                        $"state of lithiation in [{b.MinimumStateOfLithiation.Value:G6}, {b.MaximumStateOfLithiation.Value:G6}], c_e >= {b.MinimumElectrolyteConcentration.Value:G4} mol/m^3"), e);
                }
                int hit = -1;
                double tHit = double.PositiveInfinity;
                // Of the stops and limits reached in this step, the one reached first ends it.
                Distances(step, integrator.State, now);
                for (int w = 0; w < watches; w++)
                {
                    if (now[w] > 0) continue;
                    // A limit the step started on (a particle starting empty) ends it only when the state moves beyond it.
                    if (before[w] <= 0 && now[w] >= before[w]) continue;
                    double t = before[w] <= 0 ? t0 : Locate(integrator, checkpoint, step, w, t0, before[w], Math.Min(tHit, integrator.Time));
                    if (t < tHit) { tHit = t; hit = w; }
                }
                if (hit >= 0)
                {
                    if (schedule is not null)
                    {
                        // Re-step from the checkpoint to the event (the same steps the location took) so that every
                        // scheduled time before it comes from the dense output of the step that covers it.
                        integrator.Restore(checkpoint);
                        while (integrator.Time < tHit) { integrator.Step(tHit); Scheduled(s); }
                    }
                    else if (integrator.Time != tHit) { integrator.Restore(checkpoint); integrator.AdvanceTo(tHit); }
                    (reason, ended) = hit < step.Stops.Count
                        ? (step.Stops[hit].ToString(), StepEnd.StopCondition)
                        : (Limits.Describe(model, hit - step.Stops.Count, integrator.State), StepEnd.PhysicalLimit);
                    if (hit < step.Stops.Count) endedBy = hit;
                    if (integrator.Time > t0) Record(integrator.State, integrator.Time, s);
                    break;
                }
                Scheduled(s);
                Record(integrator.State, integrator.Time, s);
                if (step.Stops.Count > 0 && Unreachable(step, checkpoint, integrator, startTime, before, now) is { } settled)
                {
                    (reason, ended) = (settled, StepEnd.Unreachable);
                    break;
                }
                (before, now) = (now, before);
            }
            time = integrator.Time;
            if (schedule is not null && limitAtStart < 0) Sink(integrator.State, time, s);
            state = limitAtStart >= 0 ? entry : integrator.State.ToArray();
            solution.StepEndStates.Add(state.ToArray());
            solution.Steps.Add(new StepOutcome(s, step.Label, step.Mode, startTime, time, ended, reason, state[model.ChargeIndex] - startCharge));
            // A repeat group's own stop ends the group: the run goes on after its last step.
            if (endedBy >= step.GroupStopsFrom && step.GroupEnd > s + 1) s = step.GroupEnd - 1;
        }
        solution.FinalState = state;
        solution.WallTime = clock.Elapsed;
        return solution;
    }

    /// <summary>
    /// Puts the integrator at a consistent state of step <paramref name="s"/>'s control: first from the model's
    /// estimate (uniform reaction, Butler–Volmer inverted per cell), then — when damped Newton finds no
    /// consistent state from there — by continuation in the set value, from the one the entry state already
    /// satisfies (its own current, or its own voltage for a hold) to the step's, in steps that halve on failure.
    /// A step that cannot start even so fails with the cause in the field's words.
    /// </summary>
    private void Start(BdfIntegrator integrator, ProtocolStep step, int s, double time, double[] state)
    {
        var entry = state.ToArray();
        var (mode, target) = step.Mode == ControlMode.Rest ? (ControlMode.Current, 0.0) : (step.Mode, step.Value);
        (model.Control.Mode, model.Control.SetValue) = (step.Mode, step.Value);
        (model.Control.Ramp, model.Control.RampStart) = (step.Ramp, time);
        model.EstimateAlgebraicState(state, step.Mode switch { ControlMode.Current => step.Value, ControlMode.Rest => 0.0, _ => state[model.CurrentIndex] });
        IntegrationFailedException failure;
        try { integrator.Initialise(time, state); return; }
        catch (IntegrationFailedException e) { failure = e; }

        double from = mode == ControlMode.Voltage ? model.Voltage(entry) : entry[model.CurrentIndex];
        var consistent = entry;
        double reached = 0, increment = 0.25;
        model.Control.Mode = mode;
        while (reached < 1 && increment >= 1e-4)
        {
            double next = Math.Min(1.0, reached + increment);
            model.Control.SetValue = from + next * (target - from);
            var guess = consistent.ToArray();
            try
            {
                integrator.Initialise(time, guess);
                (consistent, reached) = (integrator.State.ToArray(), next);
                increment *= 2;
            }
            catch (IntegrationFailedException e) { (failure, increment) = (e, increment / 4); }
        }
        (model.Control.Mode, model.Control.SetValue) = (step.Mode, step.Value);
        if (reached >= 1)
        {
            consistent.CopyTo(state, 0);
            integrator.Initialise(time, state);
            return;
        }
        string unit = mode == ControlMode.Voltage ? "V" : "A/m^2";
        string path = string.Create(CultureInfo.InvariantCulture,
            $"continuation from {from:G4} to {target:G4} {unit} reached {from + reached * (target - from):G4} {unit}");
        throw new SimulationFailedException(
            $"step {s + 1} ('{step.Label}') cannot start at t = {time:G6} s: {failure.Message}; {path}; {model.DescribeKinetics(mode == ControlMode.Voltage ? entry[model.CurrentIndex] : target, entry)}", failure);
    }

    /// <summary>Within this fraction of a limit's scale a solver failure counts as reaching the limit.</summary>
    private const double NearLimitBand = 1e-4;

    private double LimitDistance(ReadOnlySpan<double> y, int limit)
    {
        Span<double> d = stackalloc double[Limits.Count];
        Limits.Distances(model, y, d);
        return d[limit];
    }

    /// <summary>The limit state y is within <see cref="NearLimitBand"/> of, or null.</summary>
    private int? NearLimit(ReadOnlySpan<double> y)
    {
        for (int k = 0; k < Limits.Count; k++)
            if (LimitDistance(y, k) <= NearLimitBand * Limits.Scale(model, k)) return k;
        return null;
    }

    /// <summary>Why a limit can hold the moment a control is applied.</summary>
    private static string AtStartHint(int limit) => limit switch
    {
        0 or 1 => " (the surface state of lithiation this current implies — the outer shell's plus the surface flux j/(F D_s) over the outer " +
                  "half-shell — is already beyond it: lower the current, or refine the shells toward the surface with mesh.particle_shells / mesh.particle_surface_refinement)",
        _ => "",
    };

    /// <summary>
    /// Signed distance of watch <paramref name="w"/> of a step — its stop conditions, then the physical limits —
    /// positive before the crossing, ≤ 0 at or after it. A limit's distance is shifted by its tolerance, so
    /// that the located end state lies inside the limit, never beyond it.
    /// </summary>
    private double Distance(ProtocolStep step, int w, ReadOnlySpan<double> y)
    {
        if (w < step.Stops.Count)
        {
            var condition = step.Stops[w];
            double value = condition.Quantity == StopQuantity.Voltage ? model.Voltage(y) : Math.Abs(y[model.CurrentIndex]);
            return condition.WhenBelow ? value - condition.Threshold : condition.Threshold - value;
        }
        int limit = w - step.Stops.Count;
        Span<double> distances = stackalloc double[Limits.Count];
        Limits.Distances(model, y, distances);
        return distances[limit] - Tolerance(step, w);
    }

    /// <summary>All watched distances of a step at state y, in the order of <see cref="Distance"/>.</summary>
    private void Distances(ProtocolStep step, ReadOnlySpan<double> y, Span<double> into)
    {
        for (int w = 0; w < step.Stops.Count; w++) into[w] = Distance(step, w, y);
        var limits = into[step.Stops.Count..];
        Limits.Distances(model, y, limits);
        for (int k = 0; k < limits.Length; k++) limits[k] -= Tolerance(step, step.Stops.Count + k);
    }

    /// <summary>How close to zero watch <paramref name="w"/>'s distance must come for the crossing to count as located.</summary>
    private double Tolerance(ProtocolStep step, int w) => w < step.Stops.Count
        ? EventTolerance * Math.Max(1.0, Math.Abs(step.Stops[w].Threshold))
        : Limits.Tolerance * Limits.Scale(model, w - step.Stops.Count);

    /// <summary>
    /// A stop the step cannot reach: the state has settled — over a step at least a tenth of the time the step
    /// has run, no unknown changed by more than a hundredth of its error tolerance — and at the rate the watched
    /// quantities still move, none would reach its threshold within a thousand times that time. Returns the
    /// reason, or null while a stop may still be reached.
    /// </summary>
    private string? Unreachable(ProtocolStep step, BdfIntegrator.Checkpoint previous, BdfIntegrator integrator, double startTime, double[] before, double[] now)
    {
        double h = integrator.Time - previous.Time, elapsed = integrator.Time - startTime;
        if (!(h >= 0.1 * elapsed)) return null;
        var y = integrator.State;
        var y0 = previous.Newest;
        var scale = model.Scale;
        for (int i = 0; i < y.Length; i++)
            if (Math.Abs(y[i] - y0[i]) > 0.01 * options.RelativeTolerance * (Math.Abs(y[i]) + scale[i])) return null;
        for (int w = 0; w < step.Stops.Count; w++)
        {
            double approach = (before[w] - now[w]) / h;
            if (approach > 0 && now[w] / approach <= 1000 * elapsed) return null;
        }
        string settled = string.Create(CultureInfo.InvariantCulture, $"V {model.Voltage(y):G6} V, |I| {Math.Abs(y[model.CurrentIndex]):G3} A/m^2");
        return $"stop unreachable: the state settled ({settled}) after {elapsed:G4} s without reaching {string.Join(" or ", step.Stops)}";
    }

    /// <summary>Finds the crossing time in (t0, t1] by Illinois regula falsi, re-stepping from the checkpoint; leaves the integrator at it.</summary>
    private double Locate(BdfIntegrator integrator, BdfIntegrator.Checkpoint checkpoint, ProtocolStep step, int w, double t0, double g0, double t1)
    {
        if (integrator.Time != t1) { integrator.Restore(checkpoint); integrator.AdvanceTo(t1); }
        double g1 = Distance(step, w, integrator.State);
        double tolerance = Tolerance(step, w);
        // w0, w1: the Illinois weights of the bracket ends' values (halved when one end is kept twice); the
        // decisions use the true values g0, g1.
        double w0 = g0, w1 = g1;
        int side = 0;
        for (int iteration = 0; iteration < 60 && g1 < -tolerance; iteration++)
        {
            if (t1 - t0 < 1e-12 * Math.Max(1.0, t1)) break;
            double t = t1 - w1 * (t1 - t0) / (w1 - w0);
            if (!(t > t0 && t < t1)) t = 0.5 * (t0 + t1);
            integrator.Restore(checkpoint);
            integrator.AdvanceTo(t);
            double g = Distance(step, w, integrator.State);
            if (g > tolerance)
            {
                (t0, g0, w0) = (t, g, g);
                if (side == -1) w1 *= 0.5;
                side = -1;
            }
            else
            {
                (t1, g1, w1) = (t, g, g);
                if (side == +1) w0 *= 0.5;
                side = +1;
            }
        }
        // The watched value is known only to the Newton tolerance; where that noise hides the crossing, the
        // last point before it ends the step (never one beyond a limit).
        double located = g1 >= -tolerance ? t1 : t0;
        if (integrator.Time != located) { integrator.Restore(checkpoint); if (located > checkpoint.Time) integrator.AdvanceTo(located); }
        return located;
    }
}
