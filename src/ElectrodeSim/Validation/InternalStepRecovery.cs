namespace ElectrodeSim.Validation;

/// <summary>
/// One internal time step of the solver that wrote an interpolated output series: the step's time and the
/// solver's solution there, as recovered by <see cref="InternalStepRecovery"/>. Each step is found twice,
/// from two different pairs of neighbouring output pieces; <see cref="Time"/> and <see cref="Value"/> are the
/// means of the two estimates and <see cref="TimeDifference"/> / <see cref="ValueDifference"/> their differences.
/// </summary>
public readonly record struct InternalStep(double Time, double Value, double TimeDifference, double ValueDifference);

/// <summary>What <see cref="InternalStepRecovery.Recover"/> found in a series.</summary>
public sealed record RecoveredSteps
{
    /// <summary>The recovered steps in time order (confirmed by two intersections each).</summary>
    public required IReadOnlyList<InternalStep> Steps { get; init; }
    /// <summary>
    /// The dropped steps (see <see cref="Dropped"/>) with their single estimate (differences NaN): not
    /// confirmed, so not the solver's solution for certain; for inspection only.
    /// </summary>
    public IReadOnlyList<InternalStep> Unconfirmed { get; init; } = [];
    /// <summary>Why the series could not be analysed (e.g. its output times are not uniform), or null.</summary>
    public string? NotApplicable { get; init; }
    public int Samples { get; init; }
    /// <summary>Relative resolution of the stored values the tolerances are built on.</summary>
    public double RelativeResolution { get; init; }
    /// <summary>Windows of four consecutive samples (<see cref="Samples"/> − 3), and how many have a zero third difference.</summary>
    public int Windows { get; init; }
    public int ZeroWindows { get; init; }
    /// <summary>Largest |third difference| of the windows taken as zero, as a fraction of its tolerance (≤ 1; NaN if none).</summary>
    public double LargestZeroFraction { get; init; } = double.NaN;
    /// <summary>Smallest |third difference| of the other windows, as a multiple of its tolerance (&gt; 1; NaN if none): the detection's margin.</summary>
    public double SmallestNonZeroMultiple { get; init; } = double.NaN;
    /// <summary>Pieces seen directly (four or more samples on one quadratic).</summary>
    public int DetectedPieces { get; init; }
    /// <summary>Pieces of three samples (no window of four to show them) that took part in confirming a step.</summary>
    public int InferredPieces { get; init; }
    /// <summary>
    /// Steps found by the intersection of two neighbouring seen pieces that no second intersection confirmed
    /// (e.g. the last step before the pieces become too short to be seen, or a step between two linear pieces).
    /// </summary>
    public int Dropped => Unconfirmed.Count;
    /// <summary>Largest difference between the two estimates of a step's value (0 if no steps).</summary>
    public double MaxValueDifference => Steps.Count == 0 ? 0 : Steps.Max(s => Math.Abs(s.ValueDifference));
    /// <summary>Largest difference between the two estimates of a step's time [s] (0 if no steps).</summary>
    public double MaxTimeDifference => Steps.Count == 0 ? 0 : Steps.Max(s => Math.Abs(s.TimeDifference));
}

/// <summary>
/// Recovers the internal time steps of the solver that produced a stored output series, and its solution at
/// those steps, from the way the output was interpolated between them.
/// <para>
/// A BDF solver such as COMSOL's writes its output at times between its internal steps t_{n-1} &lt; t &lt;= t_n by
/// evaluating the interpolating polynomial of its current order through its solution at the last steps; at
/// order 2 that is the quadratic Q_n through (t_{n-2}, y_{n-2}), (t_{n-1}, y_{n-1}), (t_n, y_n). A series
/// sampled at uniform output times is then piecewise quadratic: the third difference
/// v_{k+3} − 3v_{k+2} + 3v_{k+1} − v_k of four consecutive samples is zero (to the resolution of the stored
/// numbers) when they lie in one piece, and not when they straddle a step. Neighbouring pieces Q_n and
/// Q_{n+1} share the nodes t_{n-1} and t_n, so the two roots of Q_{n+1} − Q_n are those two step times and
/// Q_n there gives the solver's solution at them. Each step t_n is therefore found twice: as the right root
/// of the pair (Q_n, Q_{n+1}), which must lie between the last sample of Q_n and the first of Q_{n+1}, and as
/// the left root of the pair (Q_{n+1}, Q_{n+2}). A step is accepted only where the two estimates agree within
/// the rounding bound of the stored values (see below). A step found once by two seen pieces (typically the
/// last one before the pieces become too short to be seen, or any step between two linear pieces of order-1
/// output, whose difference has a single root) is counted in <see cref="RecoveredSteps.Dropped"/> and not
/// returned as a step.
/// </para>
/// <para>
/// Pieces: a maximal run of windows with zero third difference is one piece that is seen (its samples, four
/// or more). A piece with three samples (a step of about three output intervals) has no window of four: the
/// samples between two seen pieces (and before the first, after the last) are therefore also tried as
/// consecutive three-sample pieces, split from the left and, separately, from the right end of the gap (one
/// or two samples left over break the chain there). A wrongly grouped piece cannot produce two agreeing
/// estimates, so a wrong guess costs steps, not accuracy.
/// </para>
/// <para>
/// Tolerances, from one number, the relative resolution ε of the stored values (default 1e-11: the COMSOL
/// exports have 12 significant digits, a rounding of at most 5e-12 relative): a third difference is zero when
/// |Δ³v| &lt;= 8 ε max|v| over the window (the largest rounding error of four values with weights 1, 3, 3, 1).
/// The error bound of a piece at t is e(t) = ε Σ|l_j(t)| |v_j| over the three samples it is built on (l_j its
/// Lagrange basis), that of a root τ of D = Q_B − Q_A is σ_t = (e_A(τ) + e_B(τ)) / |D'(τ)| and that of its value
/// σ_v = |Q'(τ)| σ_t + e(τ). Two estimates confirm each other when they differ by at most the sum of their
/// bounds in both time and value; a root located to no better than a tenth of an output interval is not used.
/// The output times must be uniform (within 1e-6 of an interval: they are usually stored with fewer digits
/// than the values, so they are replaced by the exact uniform grid; the values were computed on that grid).
/// </para>
/// </summary>
public static class InternalStepRecovery
{
    /// <summary>Default relative resolution of the stored values: 12 significant digits, with a margin of two.</summary>
    public const double DefaultRelativeResolution = 1e-11;

    /// <summary>Largest deviation of a stored output time from the uniform grid, in output intervals.</summary>
    public const double UniformTimeTolerance = 1e-6;

    /// <summary>A root is used only if located to within this fraction of an output interval.</summary>
    public const double RootLocationLimit = 0.1;

    /// <summary>Analyses <paramref name="value"/> stored at the uniform output times <paramref name="time"/> (see the class remarks).</summary>
    public static RecoveredSteps Recover(IReadOnlyList<double> time, IReadOnlyList<double> value, double relativeResolution = DefaultRelativeResolution)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(value);
        if (time.Count != value.Count) throw new ArgumentException($"{time.Count} times but {value.Count} values");
        if (!(relativeResolution > 0) || !double.IsFinite(relativeResolution)) throw new ArgumentOutOfRangeException(nameof(relativeResolution));
        int n = time.Count;
        RecoveredSteps NotApplicable(string reason) => new() { Steps = [], NotApplicable = reason, Samples = n, RelativeResolution = relativeResolution };
        if (n < 4) return NotApplicable($"{n} samples: at least 4 are needed");
        if (value.Any(v => !double.IsFinite(v))) return NotApplicable("the series has non-finite values");

        double h = (time[n - 1] - time[0]) / (n - 1);
        if (!(h > 0) || !double.IsFinite(h)) return NotApplicable("the output times do not increase");
        var t = new double[n];
        for (int k = 0; k < n; k++)
        {
            t[k] = time[0] + k * h;
            if (!(Math.Abs(time[k] - t[k]) <= UniformTimeTolerance * h))
                return NotApplicable($"the output times are not uniform (time {k} is {time[k] - t[k]:G3} s off the uniform grid of {h:G6} s)");
        }
        var v = value.ToArray();
        double eps = relativeResolution;

        // Windows of four samples with a zero third difference.
        int windows = n - 3;
        var zero = new bool[windows];
        double largestZero = double.NaN, smallestNonZero = double.NaN;
        for (int k = 0; k < windows; k++)
        {
            double d3 = v[k + 3] - 3 * v[k + 2] + 3 * v[k + 1] - v[k];
            double scale = Math.Max(Math.Max(Math.Abs(v[k]), Math.Abs(v[k + 1])), Math.Max(Math.Abs(v[k + 2]), Math.Abs(v[k + 3])));
            double ratio = Math.Abs(d3) / (8 * eps * scale);
            zero[k] = ratio <= 1;
            if (zero[k]) largestZero = double.IsNaN(largestZero) ? ratio : Math.Max(largestZero, ratio);
            else smallestNonZero = double.IsNaN(smallestNonZero) ? ratio : Math.Min(smallestNonZero, ratio);
        }

        // The pieces seen directly: maximal runs of zero windows.
        var runs = new List<Piece>();
        for (int k = 0; k < windows; k++)
        {
            if (!zero[k] || (k > 0 && zero[k - 1])) continue;
            int end = k;
            while (end + 1 < windows && zero[end + 1]) end++;
            runs.Add(new Piece(t, v, k, end + 3, inferred: false));
        }

        // Two chains, with the samples of each gap split into three-sample pieces from its left and from its right end.
        var steps = new List<InternalStep>();
        var single = new List<InternalStep>();
        var usedInferred = new HashSet<(int, int)>();
        foreach (bool fromLeft in new[] { true, false })
        {
            var chain = Chain(runs, t, v, fromLeft);
            var (right, left) = Intersections(chain, t, h, eps);
            for (int i = 0; i < chain.Count; i++)
            {
                if (right[i] is not { } first) continue;
                if (i + 1 < chain.Count && left[i + 1] is { } second
                    && Math.Abs(first.Time - second.Time) <= first.TimeBound + second.TimeBound
                    && Math.Abs(first.Value - second.Value) <= first.ValueBound + second.ValueBound)
                {
                    var step = new InternalStep(0.5 * (first.Time + second.Time), 0.5 * (first.Value + second.Value), first.Time - second.Time, first.Value - second.Value);
                    if (!steps.Any(x => Math.Abs(x.Time - step.Time) <= RootLocationLimit * h)) steps.Add(step);
                    for (int j = i; j <= i + 2; j++)
                        if (chain[j] is { Inferred: true } piece) usedInferred.Add((piece.First, piece.Last));
                }
                else if (!chain[i]!.Inferred && !chain[i + 1]!.Inferred && !single.Any(x => Math.Abs(x.Time - first.Time) <= RootLocationLimit * h))
                    single.Add(new InternalStep(first.Time, first.Value, double.NaN, double.NaN));
            }
        }
        steps.Sort((a, b) => a.Time.CompareTo(b.Time));
        var unconfirmed = single.Where(c => !steps.Any(x => Math.Abs(x.Time - c.Time) <= RootLocationLimit * h)).OrderBy(c => c.Time).ToList();

        return new RecoveredSteps
        {
            Steps = steps,
            Unconfirmed = unconfirmed,
            Samples = n,
            RelativeResolution = eps,
            Windows = windows,
            ZeroWindows = zero.Count(z => z),
            LargestZeroFraction = largestZero,
            SmallestNonZeroMultiple = smallestNonZero,
            DetectedPieces = runs.Count,
            InferredPieces = usedInferred.Count,
        };
    }

    /// <summary>
    /// The pieces in time order, null marking a break between non-neighbours: the runs, and between two runs (and
    /// before the first, after the last) the gap's samples as three-sample pieces, split from the gap's left end
    /// (<paramref name="fromLeft"/>) or its right end; samples left over (one or two) are a break.
    /// </summary>
    private static List<Piece?> Chain(List<Piece> runs, double[] t, double[] v, bool fromLeft)
    {
        var chain = new List<Piece?>();
        void Gap(int first, int last, bool before, bool after)
        {
            // Samples first..last lie between the run before (if any) and the run after (if any).
            int count = last - first + 1, pieces = Math.Max(count, 0) / 3, rest = Math.Max(count, 0) - 3 * pieces;
            if (count < 0 && count != -1) { chain.Add(null); return; } // runs overlapping by more than one sample: not neighbours
            if (count <= 0) return;                                     // neighbours (-1: they share a sample on the step)
            int start = fromLeft ? first : first + rest;
            if (rest > 0 && !fromLeft && before) chain.Add(null);
            for (int p = 0; p < pieces; p++) chain.Add(new Piece(t, v, start + 3 * p, start + 3 * p + 2, inferred: true));
            if (rest > 0 && fromLeft && after) chain.Add(null);
        }
        if (runs.Count == 0) return chain;
        Gap(0, runs[0].First - 1, before: false, after: true);
        for (int r = 0; r < runs.Count; r++)
        {
            if (r > 0) Gap(runs[r - 1].Last + 1, runs[r].First - 1, before: true, after: true);
            chain.Add(runs[r]);
        }
        Gap(runs[^1].Last + 1, t.Length - 1, before: true, after: false);
        return chain;
    }

    /// <summary>For each neighbouring pair (chain[i], chain[i+1]): the root between them (the right end of chain[i]) and its other root (its left end).</summary>
    private static (Estimate?[] Right, Estimate?[] Left) Intersections(List<Piece?> chain, double[] t, double h, double eps)
    {
        var right = new Estimate?[chain.Count];
        var left = new Estimate?[chain.Count];
        for (int i = 0; i + 1 < chain.Count; i++)
        {
            if (chain[i] is not { } a || chain[i + 1] is not { } b) continue;
            double lo = Math.Min(t[a.Last], t[b.First]), hi = Math.Max(t[a.Last], t[b.First]);
            Estimate? between = null, other = null;
            int inside = 0;
            foreach (var root in Roots(a, b, h))
            {
                var e = Locate(a, b, root, eps);
                if (!(e.TimeBound <= RootLocationLimit * h)) continue;
                double slack = Math.Max(e.TimeBound, UniformTimeTolerance * h);
                if (root >= lo - slack && root <= hi + slack) { between = e; inside++; }
                else other = e;
            }
            if (inside != 1) continue;
            right[i] = between;
            left[i] = other;
        }
        return (right, left);
    }

    /// <summary>A root of Q_B − Q_A with its error bounds; its value is Q_A's (A's samples are next to both of its roots).</summary>
    private readonly record struct Estimate(double Time, double Value, double TimeBound, double ValueBound);

    private static Estimate Locate(Piece a, Piece b, double root, double eps)
    {
        double slope = b.Slope(root) - a.Slope(root);
        double timeBound = slope != 0 ? eps * (a.ErrorWeight(root) + b.ErrorWeight(root)) / Math.Abs(slope) : double.PositiveInfinity;
        return new Estimate(root, a.Value(root), timeBound, Math.Abs(a.Slope(root)) * timeBound + eps * a.ErrorWeight(root));
    }

    /// <summary>Real roots of Q_B − Q_A (one if the difference is linear), each polished by Newton steps on the Lagrange forms.</summary>
    private static List<double> Roots(Piece a, Piece b, double h)
    {
        // D in x = (t − c)/s from its values at x = −1, 0, 1 (exact for a quadratic).
        double c = a.Time(a.Last), s = Math.Max(h, 0.5 * (b.Time(b.Last) - a.Time(a.First)));
        double D(double tt) => b.Value(tt) - a.Value(tt);
        double dm = D(c - s), d0 = D(c), dp = D(c + s);
        double alpha = d0, beta = 0.5 * (dp - dm), gamma = 0.5 * (dp + dm) - d0;
        var xs = new List<double>();
        if (gamma == 0)
        {
            if (beta != 0) xs.Add(-alpha / beta);
        }
        else
        {
            double disc = beta * beta - 4 * alpha * gamma;
            if (disc >= 0)
            {
                double q = -0.5 * (beta + Math.CopySign(Math.Sqrt(disc), beta));
                if (q != 0) { xs.Add(q / gamma); xs.Add(alpha / q); }
                else xs.Add(0);
            }
        }
        var roots = new List<double>();
        foreach (double x in xs)
        {
            double r = c + s * x;
            if (!double.IsFinite(r)) continue;
            for (int iteration = 0; iteration < 3; iteration++)
            {
                double slope = b.Slope(r) - a.Slope(r);
                if (slope == 0) break;
                double step = D(r) / slope;
                if (!double.IsFinite(step) || Math.Abs(step) > s) break;
                r -= step;
            }
            roots.Add(r);
        }
        return roots;
    }

    /// <summary>A quadratic output piece through samples [First, Last], built on its first, middle and last sample.</summary>
    private sealed class Piece
    {
        private readonly double[] _t = new double[3], _v = new double[3];
        private readonly double[] _time;

        public Piece(double[] time, double[] value, int first, int last, bool inferred)
        {
            Inferred = inferred;
            _time = time;
            First = first;
            Last = last;
            int[] nodes = [first, (first + last) / 2, last];
            for (int j = 0; j < 3; j++) { _t[j] = time[nodes[j]]; _v[j] = value[nodes[j]]; }
        }

        public int First { get; }
        public int Last { get; }
        /// <summary>Three samples taken as a piece without a window of four to show it.</summary>
        public bool Inferred { get; }
        public double Time(int sample) => _time[sample];

        private double Basis(int j, double t)
        {
            double l = 1;
            for (int m = 0; m < 3; m++)
                if (m != j) l *= (t - _t[m]) / (_t[j] - _t[m]);
            return l;
        }

        private double BasisSlope(int j, double t)
        {
            double sum = 0;
            for (int m = 0; m < 3; m++)
            {
                if (m == j) continue;
                double term = 1 / (_t[j] - _t[m]);
                for (int o = 0; o < 3; o++)
                    if (o != j && o != m) term *= (t - _t[o]) / (_t[j] - _t[o]);
                sum += term;
            }
            return sum;
        }

        public double Value(double t) => Basis(0, t) * _v[0] + Basis(1, t) * _v[1] + Basis(2, t) * _v[2];
        public double Slope(double t) => BasisSlope(0, t) * _v[0] + BasisSlope(1, t) * _v[1] + BasisSlope(2, t) * _v[2];
        /// <summary>Σ |l_j(t)| |v_j|: times the relative resolution, the bound of the value's rounding error.</summary>
        public double ErrorWeight(double t) => Math.Abs(Basis(0, t) * _v[0]) + Math.Abs(Basis(1, t) * _v[1]) + Math.Abs(Basis(2, t) * _v[2]);
    }
}
