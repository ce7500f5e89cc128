using System.Diagnostics;
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
public sealed class ProtocolRunner(P2DModel model, BdfOptions options)
{
    /// <summary>An event is located when the watched quantity is this close to its threshold (V or A/m², relative to max(1, |threshold|)).</summary>
    public double EventTolerance { get; init; } = 1e-9;

    public Solution Run(Protocol protocol, IEnumerable<ISolutionObserver>? observers = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var sinks = observers?.ToArray() ?? [];
        using var linear = new KluLinearSolver(model.JacobianPattern);
        var integrator = new BdfIntegrator(model, linear, options);
        var solution = new Solution { Statistics = integrator.Statistics, ActiveMassPerArea = model.Cell.WorkingElectrode.ActiveMassPerArea };
        var state = model.InitialState();
        double time = 0;
        BdfIntegrator.Checkpoint? checkpoint = null;

        void Record(ReadOnlySpan<double> y, double t, int step)
        {
            solution.Time.Add(t);
            solution.Voltage.Add(model.Voltage(y));
            solution.CurrentDensity.Add(y[model.Layout.Current]);
            solution.Charge.Add(y[model.Layout.Charge]);
            solution.ProtocolStep.Add(step);
            foreach (var sink in sinks) sink.Record(t, y, step);
        }

        for (int s = 0; s < protocol.Steps.Count; s++)
        {
            var step = protocol.Steps[s];
            model.Control.Mode = step.Mode;
            model.Control.SetValue = step.Value;
            // Error weights of I: the set current, or the working electrode's 1C current when I is free (hold) or zero (rest).
            model.SetCurrentScale(step.Mode == ControlMode.Current ? step.Value : model.Cell.WorkingElectrode.OneCCurrentDensity);
            double currentGuess = step.Mode switch
            {
                ControlMode.Current => step.Value,
                ControlMode.Rest => 0.0,
                _ => state[model.Layout.Current],
            };
            model.EstimateAlgebraicState(state, currentGuess);
            integrator.Initialise(time, state);
            double startTime = time, startCharge = integrator.State[model.Layout.Charge];
            Record(integrator.State, time, s);

            string reason = "time limit";
            var ended = StepEnd.Duration;
            double end = time + step.MaxDuration;
            var before = new double[step.Stops.Count];
            var initiallyMet = step.Stops.FirstOrDefault(c => Distance(c, integrator.State) <= 0);
            if (initiallyMet != null) (reason, ended) = ($"{initiallyMet} at start", StepEnd.StopConditionAtStart);
            while (initiallyMet == null && integrator.Time < end)
            {
                cancellation.ThrowIfCancellationRequested();
                double t0 = integrator.Time;
                if (step.Stops.Count > 0)
                {
                    checkpoint = integrator.Save(checkpoint);
                    for (int c = 0; c < step.Stops.Count; c++) before[c] = Distance(step.Stops[c], integrator.State);
                }
                integrator.Step(end);
                int hit = -1;
                double tHit = double.PositiveInfinity;
                // Of the conditions that fired in this step, the one that crossed first ends it.
                for (int c = 0; c < step.Stops.Count; c++)
                {
                    if (Distance(step.Stops[c], integrator.State) > 0) continue;
                    double t = Locate(integrator, checkpoint!, step.Stops[c], t0, before[c], Math.Min(tHit, integrator.Time));
                    if (t < tHit) { tHit = t; hit = c; }
                }
                if (hit >= 0)
                {
                    if (integrator.Time != tHit) { integrator.Restore(checkpoint!); integrator.AdvanceTo(tHit); }
                    (reason, ended) = (step.Stops[hit].ToString(), StepEnd.StopCondition);
                    Record(integrator.State, integrator.Time, s);
                    break;
                }
                Record(integrator.State, integrator.Time, s);
            }
            time = integrator.Time;
            state = integrator.State.ToArray();
            solution.Steps.Add(new StepOutcome(s, step.Label, step.Mode, startTime, time, ended, reason, state[model.Layout.Charge] - startCharge));
        }
        solution.FinalState = state;
        solution.WallTime = clock.Elapsed;
        return solution;
    }

    /// <summary>Signed distance to the stop threshold: positive before the crossing, ≤ 0 at or after it.</summary>
    private double Distance(StopCondition condition, ReadOnlySpan<double> y)
    {
        double value = condition.Quantity == StopQuantity.Voltage ? model.Voltage(y) : Math.Abs(y[model.Layout.Current]);
        return condition.WhenBelow ? value - condition.Threshold : condition.Threshold - value;
    }

    /// <summary>Finds the crossing time in (t0, t1] by Illinois regula falsi, re-stepping from the checkpoint; leaves the integrator at it.</summary>
    private double Locate(BdfIntegrator integrator, BdfIntegrator.Checkpoint checkpoint, StopCondition condition, double t0, double g0, double t1)
    {
        if (integrator.Time != t1) { integrator.Restore(checkpoint); integrator.AdvanceTo(t1); }
        double g1 = Distance(condition, integrator.State);
        double tolerance = EventTolerance * Math.Max(1.0, Math.Abs(condition.Threshold));
        int side = 0;
        for (int iteration = 0; iteration < 60 && g1 < -tolerance; iteration++)
        {
            double t = t1 - g1 * (t1 - t0) / (g1 - g0);
            if (!(t > t0 && t < t1)) t = 0.5 * (t0 + t1);
            if (t1 - t0 < 1e-12 * Math.Max(1.0, t1)) break;
            integrator.Restore(checkpoint);
            integrator.AdvanceTo(t);
            double g = Distance(condition, integrator.State);
            if (g > tolerance)
            {
                t0 = t; g0 = g;
                if (side == -1) g1 *= 0.5;
                side = -1;
            }
            else
            {
                t1 = t; g1 = g;
                if (side == +1) g0 *= 0.5;
                side = +1;
                if (g >= -tolerance) break;
            }
        }
        if (integrator.Time != t1) { integrator.Restore(checkpoint); integrator.AdvanceTo(t1); }
        return t1;
    }
}
