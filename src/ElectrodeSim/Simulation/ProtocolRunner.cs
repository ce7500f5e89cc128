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
            model.SetCurrentScale(step.Mode == ControlMode.Current ? step.Value : model.Cell.WorkingElectrode.MaxConcentration * 1e-4);
            double currentGuess = step.Mode == ControlMode.Current ? step.Value : step.Mode == ControlMode.Rest ? 0.0 : state[model.Layout.Current];
            model.EstimateAlgebraicState(state, currentGuess);
            integrator.Initialise(time, state);
            double startCharge = integrator.State[model.Layout.Charge];
            Record(integrator.State, time, s);

            string reason = "time limit";
            double end = time + step.MaxDuration;
            var initiallyMet = step.Stops.FirstOrDefault(c => Distance(c, integrator.State) <= 0);
            if (initiallyMet != null) reason = $"{initiallyMet} at start";
            else
            {
                while (integrator.Time < end)
                {
                    cancellation.ThrowIfCancellationRequested();
                    checkpoint = integrator.Save(checkpoint);
                    double before = integrator.Time;
                    var previous = step.Stops.Select(c => Distance(c, checkpoint!)).ToArray();
                    integrator.Step(end);
                    int hit = -1;
                    for (int c = 0; c < step.Stops.Count; c++)
                        if (Distance(step.Stops[c], integrator.State) <= 0) { hit = c; break; }
                    if (hit >= 0)
                    {
                        // Earliest crossing among those that fired.
                        double tHit = Locate(integrator, checkpoint!, step.Stops[hit], before, previous[hit], integrator.Time);
                        foreach (var (c, k) in step.Stops.Select((c, k) => (c, k)))
                        {
                            if (k == hit) continue;
                            if (Distance(c, integrator.State) <= 0)
                            {
                                double tOther = Locate(integrator, checkpoint!, c, before, previous[k], tHit);
                                if (tOther < tHit) { tHit = tOther; hit = k; }
                            }
                        }
                        if (integrator.Time != tHit) { integrator.Restore(checkpoint!); integrator.AdvanceTo(tHit); }
                        reason = step.Stops[hit].ToString();
                        Record(integrator.State, integrator.Time, s);
                        break;
                    }
                    Record(integrator.State, integrator.Time, s);
                }
            }
            time = integrator.Time;
            state = integrator.State.ToArray();
            solution.Steps.Add(new StepOutcome(s, step.Label, solution.Time[solution.ProtocolStep.IndexOf(s)], time, reason,
                state[model.Layout.Charge] - startCharge));
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

    private double Distance(StopCondition condition, BdfIntegrator.Checkpoint checkpoint) => Distance(condition, checkpoint.Newest);

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
