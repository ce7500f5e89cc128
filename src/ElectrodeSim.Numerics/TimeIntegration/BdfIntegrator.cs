using System.Runtime.InteropServices;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Numerics.TimeIntegration;

/// <summary>
/// Variable-step, variable-order (1–5) backward differentiation formulas for
/// <c>M dy/dt + g(t, y) = 0</c>, in variable-coefficient form: at each step the derivative
/// is that of the polynomial through the new point and the last k accepted points,
/// <c>dy/dt(t_{n+1}) ≈ a_0 y_{n+1} + Σ_j a_j y_{n+1-j}</c>, so the step size can change
/// every step without interpolating the history.
/// <para>
/// Local error of order q is estimated from divided differences of the accepted solutions,
/// <c>E_q ≈ h^{q+1} q! y[t_{n+1}, …, t_{n-q}]</c> (DASSL's estimate, which for a constant
/// step is the predictor–corrector difference divided by q + 1). The next order is the one of
/// k − 1, k, k + 1 that allows the longest step. Newton uses the exact Jacobian
/// <c>a_0 M + ∂g/∂y</c>, formed and factorised (klu_refactor on the reused symbolic analysis) at the first iterate of
/// each step and again only when the contraction rate exceeds 0.3. (Keeping it across steps, as DASSL and IDA do, was
/// measured and dropped: here a factorisation costs about one residual evaluation plus solve, and the old matrix
/// doubled the iterations — Marquis2019 1C: 280 → 65 factorisations, 554 → 1176 iterations, slower. Keeping only
/// ∂g/∂y and re-forming a0 M + ∂g/∂y with each step's exact a0, as IDA does, with IDA's rate test, was measured too
/// (2026-12-02): 280 → 39 Jacobians but 405 factorisations, 749 iterations (4–7 per step once ∂g/∂y is a few steps
/// old: its rate is 0.1–0.3 here, against the 1e-4 Newton tolerance) and 251 → 326 steps, thread CPU 78 → 111 ms; a
/// looser Newton tolerance lets one iteration pass but its error reaches the divided differences — at 1e-2: 422 steps,
/// 110 rejected, SiO@C-l capacity −0.018 %. With the fresh matrix the second update is 1e-6–1e-4 in the
/// weighted norm (the error test passes at 1), so the second iteration mostly confirms the first.)
/// Hence <see cref="BdfOptions.OneIterationAcceptance"/>: on the fresh matrix Newton converges quadratically, the second
/// update is κ ‖Δ₁‖² with a curvature κ that changes slowly from step to step, so a step ends after its first iteration
/// when the larger κ of the last two steps that iterated twice puts the second update below the Newton tolerance — at
/// most <see cref="MaxSingleIterationSteps"/> steps in a row, then one iterates twice and measures κ again (Marquis2019 1C: 554 → 383 iterations, the
/// same 251 steps; the skipped second updates, replayed from a trace, were at most 4× the 1e-4 tolerance; off by default,
/// see the option for why). Tried and not
/// kept (2026-12-02): the rate of the previous step times the first update (IDA's test) passes as many steps but lets
/// a step through at 2000× the tolerance on SiO@C-l; Gustafsson's predictive step-size ratio (the smaller of the
/// standard one and ratio × (h/h_prev) (err_prev/err)^(1/(k+1))): SiO@C-l 77 + 15 rejected → 88 + 19 steps,
/// Marquis2019 1C 251 + 25 → 256 + 20, no fewer attempts; a ten times larger first step (0.5 instead of 0.05 over the
/// weighted rate of the differential unknowns): SiO@C-l 77 + 15 → 82 + 23, Marquis2019 1C 251 + 25 → 250 + 24. Also
/// tried (2026-12-07, with Banded; branch stepctl 3cf327e): the first step predicted along the start's consistent rate
/// (algebraic rates from d/dt g_a = 0), so that its error estimate is BDF1's own rather than its whole change, with a
/// first step of 0.5 over the rate growing by up to 10⁴, then 10× until the error allows less: SiO@C-l 91 + 2 steps,
/// 186 Newton, 102 Jacobians → 89 + 3, 186, 101, Marquis2019 1C 263 + 2, 347, 269 → 258 + 2, 337, 264, but the
/// three-class Marquis discharge of ParticleSizeDistributionTests lost accuracy (capacity against rtol 1e-8: −6.7e-7 →
/// −2.1e-6; milder variants the same) and the test failed; not kept.
/// Step-size rule <see cref="StepSizeRule.Banded"/> (2026-12-05; the default since 2026-12-07): quick-bench counts SiO@C-l
/// 77 + 15 rejected steps, 212 Newton, 100 Jacobians → 91 + 2, 184, 101; Marquis2019 1C 251 + 25, 383, 280 → 263 + 2, 347,
/// 269; callgrind on the native bench 27.86 → 26.48 M (SiO@C-l), 293.5 → 279.1 M (Marquis2019 1C) instructions per run.
/// IDA's own settings (safety 2, grow only at η ≥ 2, by 2) gave SiO@C-l 186 Newton but Marquis2019 1C 406 (312 steps): a
/// growth threshold above 1 costs steps here, since every step forms a fresh matrix and a held step saves none.
/// A Newton failure cuts the step by 4 and retries; an error-test failure shrinks it by the
/// error estimate. <see cref="Save"/> and <see cref="Restore"/> let callers go back and re-step
/// to an event (a voltage cut-off) inside a step.
/// </para>
/// </summary>
public sealed class BdfIntegrator
{
    private readonly IDaeSystem _system;
    private readonly ISparseLinearSolver _linear;
    private readonly BdfOptions _options;
    private readonly int _n;
    private readonly double[] _mass;
    private readonly double[] _scale;
    private readonly int[] _diagonalSlot;
    // The differential unknowns' (diagonal slot, mass) pairs, mass ≠ 0, in unknown order: Newton adds a0 M to the Jacobian
    // over these only (callgrind, Marquis2019 1C, per run: Newton's own 12.3 M instructions, nearly all that loop → 6.9 M).
    private readonly DiagonalShift _massShift; // M on the Jacobian's diagonal slots (its nonzero entries)
    private readonly int[] _entryRow;
    private readonly int[] _entryColumn;

    // Accepted history, newest first.
    private readonly List<double> _times = new();
    private readonly List<double[]> _states = new();
    private readonly Stack<double[]> _pool = new();
    private readonly int _capacity;

    private int _order = 1;
    private int _lastStepOrder = 1;
    private int _stepsAtOrder;
    private double _step;
    private int _firstSteps;

    private readonly double[] _g, _jacobian, _delta, _b, _weights, _predicted;
    // Divided differences for the error estimates, kept as one diagonal of the Newton table: _history[l] is
    // y[t_n, …, t_{n−l}] over the newest l + 1 accepted points (valid for l < _historyOrders), _candidate[l] the
    // same with the step's new point in front, y[t_{n+1}, …, t_{n+1−l}]. The candidate's diagonal follows from the
    // history's in one vector operation per order, y[t_{n+1}..t_{n+1−l}] = (y[t_n..t_{n+1−l}] − y[t_{n+1}..t_{n+2−l}])
    // / (t_{n+1−l} − t_{n+1}), and becomes the history's when the step is accepted — instead of rebuilding the whole
    // table from the states at every step (O(k²) vector operations and k + 3 state copies; 8–14 % of a run).
    private double[][] _history, _candidate;
    private int _historyOrders, _candidateOrders;
    // With ReuseIterationMatrix: the a0 of the factorised iteration matrix, NaN when the factors are not a0 M + ∂g/∂y
    // (none yet, or the algebraic-initialisation matrix).
    private double _factoredA0 = double.NaN;
    // One-iteration acceptance: the last two measured Newton curvatures ‖Δ₂‖/‖Δ₁‖² (second update over the squared first,
    // weighted norms, on a fresh matrix), +∞ until measured; and how many steps in a row ended after one iteration.
    private double _curvature = double.PositiveInfinity, _curvatureBefore = double.PositiveInfinity;
    private int _singleIterationSteps;
    /// <summary>
    /// Steps in a row that may end after one Newton iteration before one iterates twice to measure the curvature afresh.
    /// (A step whose predicted second update fails the test iterates twice and measures κ anyway.) 3 until 2026-12-07;
    /// quick-bench Newton iterations at 3 / 8 / 10 / 20 / 64 / unbounded: Marquis2019 1C 347 / 313 / 311 / 294 / 282 / 280,
    /// SiO@C-l 184 / 178 / 176 / 170 / 170 / 170, the same steps and Jacobians; against an rtol 1e-8 run (benchmark
    /// `accuracy`) the unbounded rule left the time error as it was (SiO@C-l voltage max 149.3 µV, charge +4.35e-7 →
    /// +4.34e-7 relative; Marquis2019 1C 0.5067 µV). The trace of SiO@C-l's steps shows why a step iterates twice there:
    /// κ ‖Δ₁‖² predicts the second update to within ~20 % and it is 1–3× the Newton tolerance. Accepting at 3× the
    /// tolerance (146 iterations) moved the charge error to +1.96e-6 relative and was not kept.
    /// </summary>
    private const int MaxSingleIterationSteps = 64;
    /// <summary>StepSizeRule.Banded: the step aims at an error estimate of 1 / this (IDA's factor is 2, CVODE's 6).</summary>
    private const double BandedSafety = 3.5;

    public BdfIntegrator(IDaeSystem system, ISparseLinearSolver linearSolver, BdfOptions options)
    {
        options.Validate();
        _system = system;
        _linear = linearSolver;
        _options = options;
        _n = system.Size;
        _mass = system.MassDiagonal.ToArray();
        _scale = system.Scale.ToArray();
        var p = system.JacobianPattern;
        _diagonalSlot = new int[_n];
        for (int i = 0; i < _n; i++) _diagonalSlot[i] = p.SlotOf(i, i);
        int differential = 0;
        foreach (double m in _mass) if (m != 0) differential++;
        var massSlot = new int[differential];
        var massValue = new double[differential];
        for (int i = 0, j = 0; i < _n; i++)
            if (_mass[i] != 0) (massSlot[j], massValue[j++]) = (_diagonalSlot[i], _mass[i]);
        _massShift = new DiagonalShift(massSlot, massValue);
        _entryRow = p.RowIndices;
        _entryColumn = p.EntryColumns;
        _capacity = options.MaxOrder + 2;
        _g = new double[_n];
        _jacobian = new double[p.NonZeroCount];
        _delta = new double[_n];
        _b = new double[_n];
        _weights = new double[_n];
        _predicted = new double[_n];
        _history = new double[_capacity + 1][];
        _candidate = new double[_capacity + 1][];
        for (int i = 0; i <= _capacity; i++) { _history[i] = new double[_n]; _candidate[i] = new double[_n]; }
    }

    public double Time => _times[0];
    public ReadOnlySpan<double> State => _states[0];
    public int Order => _order;
    public IntegratorStatistics Statistics { get; } = new();

    /// <summary>
    /// Starts at (t0, y0): keeps the differential unknowns of y0 and solves g = 0 on the
    /// algebraic rows for a consistent initial state.
    /// </summary>
    public void Initialise(double t0, ReadOnlySpan<double> y0)
    {
        if (_lazy is not null) Materialise(_lazy);
        foreach (var s in _states) _pool.Push(s);
        _states.Clear();
        _times.Clear();
        var y = Rent();
        y0.CopyTo(y);
        SetWeights(y);
        if (!SolveAlgebraic(t0, y, out string failure))
            throw new IntegrationFailedException($"no consistent initial state at t = {t0:G6} s: {failure}");
        _times.Add(t0);
        _states.Add(y);
        _historyOrders = 0;
        _order = 1;
        _stepsAtOrder = 0;
        _firstSteps = 0;
        (_curvature, _curvatureBefore, _singleIterationSteps) = (double.PositiveInfinity, double.PositiveInfinity, 0);
        _step = _options.FixedStep > 0 ? _options.FixedStep : InitialStep(t0, y);
    }

    /// <summary>Takes one accepted step that does not pass <paramref name="tLimit"/>; returns the new time.</summary>
    public double Step(double tLimit)
    {
        if (_lazy is not null && _steppedSinceLazySave) Materialise(_lazy);
        int consecutiveFailures = 0;
        while (true)
        {
            double t = Time;
            double h = Math.Min(_step, _options.MaxStep);
            bool hitsLimit = false;
            if (t + 1.05 * h >= tLimit) { h = tLimit - t; hitsLimit = true; }
            if (!(h > 0)) throw new InvalidOperationException($"step limit {tLimit:G9} s is not after the current time {t:G9} s");
            if (h < _options.MinStep && !hitsLimit)
                throw new IntegrationFailedException($"step size {h:G3} s fell below the minimum {_options.MinStep:G3} s at t = {t:G9} s");

            int k = Math.Min(_order, _times.Count);
            var y = Rent();
            bool converged = TryStep(t + h, k, y);
            if (!converged)
            {
                _pool.Push(y);
                Statistics.NewtonFailures++;
                if (_options.FixedStep > 0)
                    throw new IntegrationFailedException($"Newton did not converge with the fixed step {h:G6} s at t = {t:G9} s");
                _step = h * 0.25;
                if (++consecutiveFailures >= 3) _order = 1;
                if (_step < _options.MinStep)
                    throw new IntegrationFailedException($"Newton did not converge even with step {h:G3} s at t = {t:G9} s");
                continue;
            }

            var estimates = ErrorEstimates(t + h, h, k, y);
            double error = estimates.Current;
            if (_options.FixedStep <= 0 && error > 1.0)
            {
                _pool.Push(y);
                Statistics.RejectedSteps++;
                double factor = _options.StepSizeRule == StepSizeRule.Banded
                    ? Math.Clamp(0.9 * Math.Pow(BandedSafety * error, -1.0 / (k + 1)), 0.25, 0.9)
                    : Math.Clamp(0.9 * Math.Pow(error, -1.0 / (k + 1)), 0.1, 0.9);
                _step = h * factor;
                if (++consecutiveFailures >= 2) { _order = 1; _stepsAtOrder = 0; }
                if (_step < _options.MinStep)
                    throw new IntegrationFailedException($"error test failed with step {h:G3} s at t = {t:G9} s");
                continue;
            }

            Accept(t + h, y, k);
            _steppedSinceLazySave = true;
            ChooseNext(h, k, estimates, hitsLimit);
            return t + h;
        }
    }

    /// <summary>Integrates exactly to <paramref name="tTarget"/> (possibly in several steps).</summary>
    public void AdvanceTo(double tTarget)
    {
        while (Time < tTarget) Step(tTarget);
    }

    /// <summary>
    /// Dense output over the last accepted step: the state at <paramref name="t"/> in [t_n, t_{n+1}] from the
    /// polynomial the step's BDF formula of order k was built on — the one through the new point and the k
    /// before it (Lagrange form) — so it is as accurate as the step and continuous with the accepted points.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is outside the last step.</exception>
    public void Interpolate(double t, Span<double> y)
    {
        if (_times.Count < 2 || !(t >= _times[1] && t <= _times[0]))
            throw new ArgumentOutOfRangeException(nameof(t), t, _times.Count < 2
                ? "no step has been taken since the start"
                : $"dense output covers the last step only, [{_times[1]:G9}, {_times[0]:G9}] s");
        int m = Math.Min(_lastStepOrder, _times.Count - 1) + 1;
        y.Clear();
        for (int j = 0; j < m; j++)
        {
            double weight = 1.0;
            for (int l = 0; l < m; l++)
                if (l != j) weight *= (t - _times[l]) / (_times[j] - _times[l]);
            if (weight == 0) continue;
            var state = _states[j];
            for (int i = 0; i < _n; i++) y[i] += weight * state[i];
        }
    }

    /// <summary>Time of the accepted point before the newest (the start of the last step) [s]; NaN before the first step.</summary>
    public double PreviousTime => _times.Count > 1 ? _times[1] : double.NaN;

    /// <summary>A saved integrator state that <see cref="Restore"/> returns to.</summary>
    public sealed class Checkpoint
    {
        internal double[] Times = [];
        // The accepted states and the divided-difference diagonal (so that stepping on from a restored checkpoint repeats
        // the same steps bit for bit). While Lazy, these are the integrator's own arrays, which it leaves untouched until it
        // copies them into OwnStates / OwnHistory (Materialise) before it would overwrite one.
        internal double[][] States = [];
        internal double[][] History = [];
        internal double[][]? OwnStates, OwnHistory;
        internal bool Lazy;
        internal int Count, Order, LastStepOrder, StepsAtOrder, FirstSteps, Steps, HistoryOrders, SingleIterationSteps;
        internal double Step, Curvature, CurvatureBefore;
        /// <summary>The state at the checkpoint's time.</summary>
        public ReadOnlySpan<double> Newest => States[0];
        public double Time => Times[0];
    }

    // The checkpoint that still shares the integrator's arrays (at most one), and whether a step was accepted since it was
    // saved. Until the second step after it the arrays it names are intact: an accepted step drops the oldest state into
    // the pool (reused by the next step's first attempt) and leaves the old history diagonal as the next candidate (written
    // by the next step's error estimates). So the copy a checkpoint needs is made only when a second step, a restore, a new
    // start, a history rebuild or another checkpoint comes — not before every step, where the protocol runner saves one
    // (Marquis2019 1C: Save was 49 M of 423 M instructions per run, all of it copies).
    private Checkpoint? _lazy;
    private bool _steppedSinceLazySave;

    /// <summary>
    /// Saves the current state (history, its divided differences, order, next step) so that a caller can come back to it,
    /// e.g. to locate an event. Pass an earlier checkpoint to reuse its buffers.
    /// </summary>
    public Checkpoint Save(Checkpoint? reuse = null)
    {
        if (_lazy is not null && !ReferenceEquals(_lazy, reuse)) Materialise(_lazy);
        var c = reuse ?? new Checkpoint();
        if (c.States.Length != _capacity)
        {
            c.States = new double[_capacity][];
            c.Times = new double[_capacity];
            c.History = new double[_capacity + 1][];
            (c.OwnStates, c.OwnHistory) = (null, null);
        }
        c.Count = _times.Count;
        for (int i = 0; i < _times.Count; i++)
        {
            c.Times[i] = _times[i];
            c.States[i] = _states[i];
        }
        (c.Order, c.LastStepOrder, c.StepsAtOrder, c.FirstSteps, c.Step, c.Steps) = (_order, _lastStepOrder, _stepsAtOrder, _firstSteps, _step, Statistics.Steps);
        c.HistoryOrders = _historyOrders;
        for (int l = 0; l < _historyOrders; l++) c.History[l] = _history[l];
        (c.Curvature, c.CurvatureBefore, c.SingleIterationSteps) = (_curvature, _curvatureBefore, _singleIterationSteps);
        c.Lazy = true;
        _lazy = c;
        _steppedSinceLazySave = false;
        return c;
    }

    /// <summary>Gives the lazy checkpoint copies of its own of the arrays it shares with the integrator.</summary>
    private void Materialise(Checkpoint c)
    {
        if (ReferenceEquals(_lazy, c)) _lazy = null;
        if (!c.Lazy) return;
        c.Lazy = false;
        if (c.OwnStates is null)
        {
            c.OwnStates = new double[_capacity][];
            for (int i = 0; i < _capacity; i++) c.OwnStates[i] = new double[_n];
            c.OwnHistory = new double[_capacity + 1][];
            for (int i = 0; i <= _capacity; i++) c.OwnHistory[i] = new double[_n];
        }
        for (int i = 0; i < c.Count; i++)
        {
            Array.Copy(c.States[i], c.OwnStates[i], _n);
            c.States[i] = c.OwnStates[i];
        }
        for (int l = 0; l < c.HistoryOrders; l++)
        {
            Array.Copy(c.History[l], c.OwnHistory![l], _n);
            c.History[l] = c.OwnHistory[l];
        }
    }

    /// <summary>Returns to a state saved by <see cref="Save"/>; steps taken since are no longer counted.</summary>
    public void Restore(Checkpoint c)
    {
        if (_lazy is not null) Materialise(_lazy);
        foreach (var s in _states) _pool.Push(s);
        _states.Clear();
        _times.Clear();
        for (int i = 0; i < c.Count; i++)
        {
            var y = Rent();
            Array.Copy(c.States[i], y, _n);
            _states.Add(y);
            _times.Add(c.Times[i]);
        }
        (_order, _lastStepOrder, _stepsAtOrder, _firstSteps, _step) = (c.Order, c.LastStepOrder, c.StepsAtOrder, c.FirstSteps, c.Step);
        Statistics.Steps = c.Steps;
        _historyOrders = c.HistoryOrders;
        for (int l = 0; l < _historyOrders; l++) Array.Copy(c.History[l], _history[l], _n);
        (_curvature, _curvatureBefore, _singleIterationSteps) = (c.Curvature, c.CurvatureBefore, c.SingleIterationSteps);
    }

    private double[] Rent() => _pool.Count > 0 ? _pool.Pop() : new double[_n];

    private void Accept(double tNew, double[] y, int k)
    {
        _times.Insert(0, tNew);
        _states.Insert(0, y);
        if (_times.Count > _capacity)
        {
            _pool.Push(_states[^1]);
            _states.RemoveAt(_states.Count - 1);
            _times.RemoveAt(_times.Count - 1);
        }
        // The step's diagonal (computed by ErrorEstimates for this y) is the new history's.
        (_history, _candidate) = (_candidate, _history);
        _historyOrders = Math.Min(_candidateOrders, _times.Count);
        _candidateOrders = 0;
        double h = tNew - _times[1];
        _lastStepOrder = k;
        Statistics.Steps++;
        Statistics.MaxOrderUsed = Math.Max(Statistics.MaxOrderUsed, k);
        Statistics.SmallestStep = Math.Min(Statistics.SmallestStep, h);
        Statistics.LargestStep = Math.Max(Statistics.LargestStep, h);
        if (k == _order) _stepsAtOrder++;
        else { _order = k; _stepsAtOrder = 1; }
        _firstSteps++;
    }

    private readonly record struct Estimates(double Lower, double Current, double Higher);

    private void ChooseNext(double h, int k, Estimates e, bool hitLimit)
    {
        if (_options.FixedStep > 0)
        {
            _step = _options.FixedStep;
            _order = Math.Min(_options.MaxOrder, _times.Count);
            return;
        }
        bool banded = _options.StepSizeRule == StepSizeRule.Banded;
        double Ratio(double err, int q) => err <= 0 ? 10.0 : banded ? Math.Pow(BandedSafety * err, -1.0 / (q + 1)) : 0.9 * Math.Pow(err, -1.0 / (q + 1));
        int best = k;
        double ratio = Ratio(e.Current, k);
        if (k > 1 && !double.IsNaN(e.Lower))
        {
            double r = Ratio(e.Lower, k - 1);
            if (r > ratio) { best = k - 1; ratio = r; }
        }
        if (k < _options.MaxOrder && !double.IsNaN(e.Higher) && _stepsAtOrder >= k + 1)
        {
            double r = Ratio(e.Higher, k + 1);
            if (r > 1.2 * ratio) { best = k + 1; ratio = r; }
        }
        double maxGrowth = _firstSteps < 4 ? 10.0 : 4.0;
        // Banded (StepSizeRule): a step that would shrink by less than 10 % is kept, a shrink is at least 10 % and at most
        // half (IDA's eta_low, eta_min), a growth at most 4×; during start-up (the first four steps) as Continuous.
        if (!banded || _firstSteps < 4) ratio = Math.Clamp(ratio, 0.2, maxGrowth);
        else if (ratio >= 1.0) ratio = Math.Min(ratio, maxGrowth);
        else if (ratio >= 0.9) ratio = 1.0;
        else ratio = Math.Max(ratio, 0.5);
        if (best != k) _stepsAtOrder = 0;
        _order = best;
        // A step shortened to hit a limit says nothing about the step the error allows.
        double basis = hitLimit ? Math.Max(h, _step) : h;
        _step = Math.Min(basis * ratio, _options.MaxStep);
    }

    /// <summary>Weighted RMS error estimates for orders k−1, k, k+1 (NaN when the history is too short).</summary>
    private Estimates ErrorEstimates(double tNew, double h, int k, double[] y)
    {
        int available = _times.Count; // history points before this step
        if (available < k + 1)
        {
            SetWeights(y);
            // Start-up: no divided difference of order k+1 yet; take the whole change as error (conservative).
            for (int i = 0; i < _n; i++) _delta[i] = y[i] - _predicted[i];
            _candidateOrders = 0;
            double e = 0.5 * WeightedNorm(_delta);
            return new Estimates(double.NaN, e, double.NaN);
        }
        int levels = Math.Min(k + 2, available); // divided-difference order reachable
        if (_historyOrders < levels) RebuildHistory(levels);
        int n = _n;
        var weights = _weights.AsSpan(0, n);
        var scale = _scale.AsSpan(0, n);
        double rtol = _options.RelativeTolerance;
        // Orders 1 and 2 in one pass together with the weights at the new point and the candidate's first entry (the point
        // itself) (levels ≥ 2: the history holds k + 1 ≥ 2 points); then order l from order l − 1 two orders per pass
        // (TwoDifferences), the last one alone when their number is odd. The weighted norms (sums[l]) of the orders
        // q = l − 1 ≥ k − 1 only, the ones the error test and the order choice look at.
        Span<double> sums = stackalloc double[levels + 1];
        {
            var point = y.AsSpan(0, n);
            var first = _candidate[0].AsSpan(0, n);
            var next = _candidate[1].AsSpan(0, n);
            var next2 = _candidate[2].AsSpan(0, n);
            double inv = 1.0 / (_times[0] - tNew), inv2 = 1.0 / (_times[1] - tNew);
            var hi = _history[0].AsSpan(0, n);
            var hi2 = _history[1].AsSpan(0, n);
            if (k <= 2) BdfVectorLoops.FirstTwoDifferences<BdfVectorLoops.On>(point, first, weights, scale, rtol, hi, inv, next, hi2, inv2, next2, out sums[2]);
            else BdfVectorLoops.FirstTwoDifferences<BdfVectorLoops.Off>(point, first, weights, scale, rtol, hi, inv, next, hi2, inv2, next2, out sums[2]);
        }
        for (int l = 3; l <= levels; l += 2)
        {
            double inv = 1.0 / (_times[l - 1] - tNew);
            var hi = _history[l - 1].AsSpan(0, n);
            var lo = _candidate[l - 1].AsSpan(0, n);
            var next = _candidate[l].AsSpan(0, n);
            bool squares = l - 1 >= k - 1;
            if (l == levels)
            {
                if (squares) sums[l] = BdfVectorLoops.DifferenceSquares(hi, lo, inv, next, weights);
                else BdfVectorLoops.Difference(hi, lo, inv, next);
                continue;
            }
            double inv2 = 1.0 / (_times[l] - tNew);
            var hi2 = _history[l].AsSpan(0, n);
            var next2 = _candidate[l + 1].AsSpan(0, n);
            if (squares) BdfVectorLoops.TwoDifferences<BdfVectorLoops.On, BdfVectorLoops.On>(hi, lo, inv, next, hi2, inv2, next2, weights, out sums[l], out sums[l + 1]);
            else if (l >= k - 1) BdfVectorLoops.TwoDifferences<BdfVectorLoops.Off, BdfVectorLoops.On>(hi, lo, inv, next, hi2, inv2, next2, weights, out sums[l], out sums[l + 1]);
            else BdfVectorLoops.TwoDifferences<BdfVectorLoops.Off, BdfVectorLoops.Off>(hi, lo, inv, next, hi2, inv2, next2, weights, out sums[l], out sums[l + 1]);
        }
        double lower = double.NaN, current = double.NaN, higher = double.NaN;
        double factorial = 1.0; // (l-1)!
        for (int l = 2; l <= levels; l++)
        {
            factorial *= l - 1;
            int q = l - 1;
            if (q < k - 1) continue;
            double e = Math.Pow(h, l) * factorial * Math.Sqrt(sums[l] / n);
            if (q == k - 1) lower = e;
            else if (q == k) current = e;
            else if (q == k + 1) higher = e;
        }
        _candidateOrders = levels + 1;
        return new Estimates(lower, current, higher);
    }

    /// <summary>
    /// Rebuilds the history's diagonal y[t_n, …, t_{n−l}], l &lt; <paramref name="orders"/>, from the accepted states (after a
    /// start or a start-up step): the Newton table computed in place, its top entry kept at each order.
    /// </summary>
    private void RebuildHistory(int orders)
    {
        if (_lazy is not null) Materialise(_lazy);
        var work = _candidate; // free until ErrorEstimates fills it
        for (int j = 0; j < orders; j++) Array.Copy(_states[j], work[j], _n);
        Array.Copy(work[0], _history[0], _n);
        for (int l = 1; l < orders; l++)
        {
            for (int i = 0; i < orders - l; i++)
            {
                double inv = 1.0 / (_times[i + l] - _times[i]);
                var hi = work[i + 1];
                var lo = work[i];
                for (int c = 0; c < _n; c++) lo[c] = (hi[c] - lo[c]) * inv;
            }
            Array.Copy(work[0], _history[l], _n);
        }
        _historyOrders = orders;
    }

    private bool TryStep(double tNew, int k, double[] y)
    {
        Span<double> a = stackalloc double[k + 1];
        Span<double> nodes = stackalloc double[k + 1];
        nodes[0] = tNew;
        for (int j = 1; j <= k; j++) nodes[j] = _times[j - 1];
        double a0 = 0;
        for (int m = 1; m <= k; m++) a0 += 1.0 / (nodes[0] - nodes[m]);
        for (int j = 1; j <= k; j++)
        {
            double num = 1, den = 1;
            for (int m = 0; m <= k; m++)
            {
                if (m == j) continue;
                den *= nodes[j] - nodes[m];
                if (m != 0) num *= nodes[0] - nodes[m];
            }
            a[j] = num / den;
        }
        PredictWithHistoryTerm(tNew, Math.Min(k + 1, _times.Count), k, a, y);
        if (!_options.ReuseIterationMatrix) return Newton(tNew, a0, y);
        bool kept = double.IsFinite(_factoredA0) && a0 <= _options.IterationMatrixA0Ratio * _factoredA0 && _factoredA0 <= _options.IterationMatrixA0Ratio * a0;
        if (Newton(tNew, a0, y, keepMatrix: kept)) return true;
        if (!kept) return false;
        // The kept matrix may be what failed: once more from the prediction with a fresh one before the step is cut.
        Array.Copy(_predicted, y, _n);
        return Newton(tNew, a0, y);
    }

    /// <summary>
    /// Extrapolates the polynomial through the newest <paramref name="points"/> accepted states to t (into y and the
    /// prediction), forms the BDF history term b = Σ_{j=1..k} a_j y_{n+1−j} and the error weights at the prediction, all in one
    /// pass (<see cref="BdfVectorLoops.Predict"/>: the same sums in the same order as one loop per state and quantity).
    /// </summary>
    private void PredictWithHistoryTerm(double t, int points, int k, ReadOnlySpan<double> a, double[] y)
    {
        int n = _n;
        var predicted = y.AsSpan(0, n);
        var b = _b.AsSpan(0, n);
        // points = min(k + 1, history) ≥ k (k ≤ history): states 0 … k−1 enter both sums, state k (if any) the prediction only.
        Span<double> lagrange = stackalloc double[points];
        for (int j = 0; j < points; j++)
        {
            double l = 1;
            for (int m = 0; m < points; m++)
                if (m != j) l *= (t - _times[m]) / (_times[j] - _times[m]);
            lagrange[j] = l;
        }
        // All states, the copy and the weights in one pass; state points − 1 enters the history term only below the order.
        BdfVectorLoops.Predict(CollectionsMarshal.AsSpan(_states)[..points], points == k, lagrange, a[1..], predicted, b,
            _predicted.AsSpan(0, n), _weights.AsSpan(0, n), _scale.AsSpan(0, n), _options.RelativeTolerance);
    }

    /// <summary>Solves <c>M (a0 y + b) + g(t, y) = 0</c> for y in place.</summary>
    private bool Newton(double t, double a0, double[] y, bool keepMatrix = false)
    {
        // Simplified Newton: the iteration matrix a0 M + ∂g/∂y is formed and factorised at the
        // first iterate and refreshed only when the contraction rate degrades, so most iterations
        // cost one residual evaluation and one pair of triangular solves.
        int n = _n;
        var state = y.AsSpan(0, n);
        var g = _g.AsSpan(0, n);
        var delta = _delta.AsSpan(0, n);
        var mass = _mass.AsSpan(0, n);
        var history = _b.AsSpan(0, n);
        var weights = _weights.AsSpan(0, n);
        var scale = _scale.AsSpan(0, n);
        double previous = double.PositiveInfinity;
        bool refresh = !keepMatrix, fresh = false, firstFresh = false;
        for (int iteration = 0; iteration < _options.MaxNewtonIterations; iteration++)
        {
            if (refresh)
            {
                _system.Evaluate(t, y, _g, _jacobian);
                Statistics.JacobianEvaluations++;
                _factoredA0 = double.NaN;
                try { _linear.Factor(_jacobian, a0, _massShift); }
                catch (SingularIterationMatrixException) { return false; }
                _factoredA0 = a0;
                Statistics.Factorizations++;
                refresh = false;
                fresh = true;
                if (iteration == 0) firstFresh = true;
            }
            else
            {
                _system.Evaluate(t, y, _g, Span<double>.Empty);
                fresh = false;
            }
            BdfVectorLoops.Residual(g, mass, state, history, a0, delta);
            if (iteration > 0 && _options.LaterLinearTolerance > 0) _linear.Solve(_delta, _options.LaterLinearTolerance);
            else _linear.Solve(_delta);
            Statistics.NewtonIterations++;
            // One pass: the update, its weighted RMS norm and whether it is at round-off (WeightedNorm and AtRoundOff fused).
            double sum = BdfVectorLoops.Update(state, delta, weights, scale, out bool atRoundOff);
            double norm = Math.Sqrt(sum / n);
            if (!double.IsFinite(norm)) return false;
            if (atRoundOff) return true;
            if (iteration > 0)
            {
                double rate = norm / previous;
                if (iteration == 1 && firstFresh)
                {
                    (_curvatureBefore, _curvature) = (_curvature, norm / (previous * previous));
                    _singleIterationSteps = 0;
                }
                // Linear convergence with rate ρ leaves an error of about ρ/(1−ρ) times the last update.
                if (rate < 1 && rate / (1 - rate) * norm <= _options.NewtonTolerance) return true;
                if (rate > 0.3)
                {
                    if (fresh && rate > 1) return false;
                    refresh = true;
                }
            }
            else if (norm <= 0.01 * _options.NewtonTolerance) return true;
            else if (fresh && _options.OneIterationAcceptance && _singleIterationSteps < MaxSingleIterationSteps
                     && Math.Max(_curvature, _curvatureBefore) * norm * norm <= _options.NewtonTolerance)
            {
                // On a fresh matrix Newton converges quadratically: the next update would be about κ ‖Δ₁‖², κ the curvature
                // measured on the last steps that iterated twice.
                _singleIterationSteps++;
                return true;
            }
            previous = norm;
        }
        return false;
    }

    /// <summary>
    /// Solves the algebraic rows g_a(t, y) = 0 with the differential unknowns of y held fixed: Newton with the
    /// exact Jacobian at every iterate, damped by the natural monotonicity test (Deuflhard): a step λΔ is taken
    /// when the simplified Newton correction at the new point, J⁻¹ g(y − λΔ) with the same factors, is shorter
    /// than (1 − λ/4)‖Δ‖; otherwise λ is halved. Far from the solution (exponential kinetics at a poor guess)
    /// full steps overshoot, and this keeps every iterate where the linearisation still points downhill.
    /// </summary>
    private bool SolveAlgebraic(double t, double[] y, out string failure)
    {
        _factoredA0 = double.NaN;
        var trial = _predicted;
        double lambda = 1.0;
        for (int iteration = 0; iteration < _options.MaxInitialisationIterations; iteration++)
        {
            _system.Evaluate(t, y, _g, _jacobian);
            Statistics.JacobianEvaluations++;
            for (int k = 0; k < _jacobian.Length; k++)
                if (_mass[_entryRow[k]] != 0) _jacobian[k] = _entryRow[k] == _entryColumn[k] ? 1.0 : 0.0;
            try { _linear.Factor(_jacobian); }
            catch (SingularIterationMatrixException) { failure = $"the Jacobian of the algebraic equations is singular (Newton iteration {iteration + 1})"; return false; }
            Statistics.Factorizations++;
            for (int i = 0; i < _n; i++) _delta[i] = _mass[i] == 0 ? _g[i] : 0.0;
            _linear.Solve(_delta);
            Statistics.NewtonIterations++;
            SetWeights(y);
            double norm = WeightedNorm(_delta);
            if (!double.IsFinite(norm)) { failure = $"the algebraic equations are not finite at the iterate (Newton iteration {iteration + 1})"; return false; }
            if (norm <= _options.NewtonTolerance || AtRoundOff(y))
            {
                for (int i = 0; i < _n; i++) y[i] -= _delta[i];
                failure = "";
                return true;
            }
            lambda = Math.Min(1.0, 4 * lambda);
            while (true)
            {
                for (int i = 0; i < _n; i++) trial[i] = y[i] - lambda * _delta[i];
                _system.Evaluate(t, trial, _g, Span<double>.Empty);
                for (int i = 0; i < _n; i++) _b[i] = _mass[i] == 0 ? _g[i] : 0.0;
                _linear.Solve(_b);
                double next = WeightedNorm(_b);
                if (double.IsFinite(next) && next <= (1 - 0.25 * lambda) * norm) break;
                lambda *= 0.5;
                if (lambda < 1e-6) { failure = $"Newton stalled: no damped step reduces the correction (weighted norm {norm:G3} at iteration {iteration + 1})"; return false; }
            }
            Array.Copy(trial, y, _n);
        }
        failure = $"Newton did not converge in {_options.MaxInitialisationIterations} damped iterations";
        return false;
    }

    /// <summary>True when the last update is at the level of rounding error of every unknown (tight tolerances cannot ask for more).</summary>
    private bool AtRoundOff(ReadOnlySpan<double> y)
    {
        for (int i = 0; i < _n; i++)
            if (Math.Abs(_delta[i]) > 1e-13 * (Math.Abs(y[i]) + _scale[i])) return false;
        return true;
    }

    private double InitialStep(double t0, double[] y)
    {
        if (_options.InitialStep > 0) return _options.InitialStep;
        // Rate of the differential unknowns at t0 from M dy/dt = -g.
        _system.Evaluate(t0, y, _g, Span<double>.Empty);
        for (int i = 0; i < _n; i++) _delta[i] = _mass[i] != 0 ? -_g[i] / _mass[i] : 0.0;
        SetWeights(y);
        double rate = WeightedNorm(_delta);
        double h = rate > 0 ? 0.05 / rate : 1.0;
        return Math.Clamp(h, _options.MinStep * 10, Math.Min(_options.MaxStep, 1e3));
    }

    private void SetWeights(ReadOnlySpan<double> y)
    {
        double rtol = _options.RelativeTolerance;
        var weights = _weights.AsSpan(0, _n);
        var scale = _scale.AsSpan(0, _n);
        y = y[.._n];
        for (int i = 0; i < weights.Length; i++) weights[i] = 1.0 / (rtol * (Math.Abs(y[i]) + scale[i]));
    }

    private double WeightedNorm(ReadOnlySpan<double> v)
    {
        double sum = 0;
        var weights = _weights.AsSpan(0, _n);
        v = v[.._n];
        for (int i = 0; i < weights.Length; i++)
        {
            double x = v[i] * weights[i];
            sum += x * x;
        }
        return Math.Sqrt(sum / _n);
    }
}
