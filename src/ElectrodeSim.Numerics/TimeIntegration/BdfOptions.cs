using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Numerics.TimeIntegration;

/// <summary>Settings of <see cref="BdfIntegrator"/>. Times in seconds.</summary>
public sealed record BdfOptions
{
    /// <summary>Relative tolerance of the local error test; absolute tolerance is this times each unknown's scale.</summary>
    public double RelativeTolerance { get; init; } = 1e-3;
    /// <summary>Highest BDF order (1–5).</summary>
    public int MaxOrder { get; init; } = 5;
    /// <summary>First step; 0 chooses one from the tolerance.</summary>
    public double InitialStep { get; init; }
    public double MaxStep { get; init; } = double.PositiveInfinity;
    public double MinStep { get; init; } = 1e-12;
    /// <summary>When positive, every step has this size (no error control): for convergence studies.</summary>
    public double FixedStep { get; init; }
    /// <summary>Newton stops when the weighted RMS norm of the update falls below this (in units of the error tolerance).</summary>
    public double NewtonTolerance { get; init; } = 1e-4;
    public int MaxNewtonIterations { get; init; } = 8;
    /// <summary>
    /// End Newton after its first iteration on a freshly factorised matrix when the quadratic convergence measured on the
    /// preceding steps (the second update over the squared first, the larger of the last two) puts the next update below
    /// <see cref="NewtonTolerance"/>; at most 64 steps in a row (BdfIntegrator's MaxSingleIterationSteps), then one iterates twice and measures again.
    /// Off by default: on (2026-12-02) it saved 12.8 % of Marquis2019 1C's instructions (Newton 554 → 383) at an unchanged
    /// COMSOL agreement, but the hysteresis cycle's h overshoot beyond ±1 stopped shrinking with the tolerance (1.03e-3 at
    /// rtol 1e-3, 7.2e-5 at rtol 1e-5 against &lt; 5 % of the former before: HysteresisTests), not yet explained (the likely
    /// cause: the hysteresis rate's kinks, |j| and h clamped to [−1, 1], break the quadratic model). A case's solver has it
    /// on for P2D cases without hysteresis (CaseBuilder; 2026-12-03, callgrind: Marquis2019 1C 496 → 423 M instructions per run, Newton
    /// 554 → 383, the same 251 steps; SiO@C-l 216 → 212 iterations, capacity changed by 8e-11 relative).
    /// </summary>
    public bool OneIterationAcceptance { get; init; }
    /// <summary>
    /// Keep the factorised iteration matrix a0 M + ∂g/∂y across steps (modified Newton, as DASSL and IDA do) while a0
    /// stays within a factor <see cref="IterationMatrixA0Ratio"/> of the one it was formed with; it is refreshed when the
    /// contraction rate degrades, and a step whose Newton fails on a kept matrix is retried once with a fresh one before
    /// the step is cut. Off by default (the P2D models: there a factorisation costs about a residual evaluation); on for
    /// the 2-D resolved-particle model, whose factorisation costs tens of solves.
    /// </summary>
    public bool ReuseIterationMatrix { get; init; }
    /// <summary>With <see cref="ReuseIterationMatrix"/>: the largest ratio (either way) of a step's a0 to the kept matrix's before it is re-formed.</summary>
    public double IterationMatrixA0Ratio { get; init; } = 2.0;
    /// <summary>
    /// Inexact Newton: when positive, the Newton iterations after a step's first solve their linear systems only to this
    /// relative residual (<see cref="ISparseLinearSolver.Solve(Span{double}, double)"/>; an iterative solver stops there,
    /// a direct one ignores it), the first at the solver's own tolerance. Those later updates are a fraction of the first
    /// (the first iteration leaves an error of about the linear tolerance times its update), so a looser relative residual
    /// on them leaves an absolute error far below the Newton tolerance. 0 (the default): every solve at the solver's own.
    /// </summary>
    public double LaterLinearTolerance { get; init; }
    /// <summary>
    /// How the next step size follows from the error estimate (<see cref="TimeIntegration.StepSizeRule"/>). Default
    /// <see cref="StepSizeRule.Banded"/> (2026-12-07): fewer rejected steps and Newton iterations than
    /// <see cref="StepSizeRule.Continuous"/> and a smaller time error against an rtol 1e-8 run (the enum has the figures).
    /// </summary>
    public StepSizeRule StepSizeRule { get; init; } = StepSizeRule.Banded;
    /// <summary>Damped Newton iterations allowed for a consistent initial state.</summary>
    public int MaxInitialisationIterations { get; init; } = 60;

    public void Validate()
    {
        if (!(RelativeTolerance > 0 && RelativeTolerance < 1)) throw new ArgumentException($"relative tolerance {RelativeTolerance} is not in (0, 1)");
        if (MaxOrder is < 1 or > 5) throw new ArgumentException($"max order {MaxOrder} is not in 1..5");
        if (FixedStep < 0) throw new ArgumentException($"fixed step {FixedStep} is negative");
        if (!(MinStep > 0)) throw new ArgumentException($"min step {MinStep} is not > 0");
        if (!(LaterLinearTolerance >= 0 && LaterLinearTolerance < 1)) throw new ArgumentException($"later linear tolerance {LaterLinearTolerance} is not in [0, 1)");
        if (!(IterationMatrixA0Ratio >= 1)) throw new ArgumentException($"iteration matrix a0 ratio {IterationMatrixA0Ratio} is not >= 1");
    }
}

/// <summary>
/// The step-size rule of <see cref="BdfIntegrator"/> after an accepted or rejected step (η = next step / this step, from
/// the weighted error estimate err of the order chosen, q that order).
/// </summary>
public enum StepSizeRule
{
    /// <summary>
    /// After IDA and CVODE (Hindmarsh et al., SUNDIALS IDA/CVODE documentation, "Mathematical considerations": step size
    /// and order selection, and the optional inputs IDASetEtaFixedStepBounds / IDASetEtaMax / IDASetEtaMin / IDASetEtaLow):
    /// η = (S·err)^(−1/(q+1)) with a safety factor S = 3.5 (the step aims at an error of 1/S, IDA uses 2, CVODE 6); a step
    /// whose η lies in [0.9, 1) is kept, η ≥ 1 grows it by at most 4, η &lt; 0.9 shrinks it to η bounded by [0.5, 0.9];
    /// after an error-test failure η = 0.9 (S·err)^(−1/(q+1)) bounded by [0.25, 0.9]. The default, by measurement (see
    /// BdfIntegrator): fewer rejected steps and Newton iterations than <see cref="Continuous"/> on every case measured, and
    /// a smaller time error — against an rtol 1e-8 run (2026-12-07, benchmark `accuracy`, voltage every 2 s) SiO@C-l
    /// 342 → 149 µV at most, capacity −1.9e-6 → +4.4e-7 relative; Marquis2019 1C 1.58 → 0.51 µV at most.
    /// </summary>
    Banded,
    /// <summary>η = 0.9 err^(−1/(q+1)) bounded by [0.2, 4] after a success, [0.1, 0.9] after an error-test failure (the default until 2026-12-07).</summary>
    Continuous,
}

/// <summary>What the integrator did: the solver report.</summary>
public sealed class IntegratorStatistics
{
    public int Steps { get; internal set; }
    public int RejectedSteps { get; internal set; }
    public int NewtonFailures { get; internal set; }
    public int NewtonIterations { get; internal set; }
    public int JacobianEvaluations { get; internal set; }
    public int Factorizations { get; internal set; }
    public int MaxOrderUsed { get; internal set; }
    public double SmallestStep { get; internal set; } = double.PositiveInfinity;
    public double LargestStep { get; internal set; }

    public override string ToString() =>
        $"steps {Steps}, rejected {RejectedSteps}, Newton failures {NewtonFailures}, Newton iterations {NewtonIterations}, " +
        $"Jacobians {JacobianEvaluations}, max order {MaxOrderUsed}";
}

public sealed class IntegrationFailedException(string message) : Exception(message);
