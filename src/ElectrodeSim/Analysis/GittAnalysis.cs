namespace ElectrodeSim.Analysis;

/// <summary>One protocol step of a record series, as the analyses need it: its mode and time span [s].</summary>
public sealed record StepSpan(int Index, string Label, string Mode, double Start, double End)
{
    public double Duration => End - Start;
}

/// <summary>
/// What one galvanostatic pulse of a GITT train gives. Voltages in V, times in s, D in m²/s.
/// <see cref="RelaxedBefore"/> and <see cref="RelaxedAfter"/> are the voltages at the ends of the rests that enclose
/// the pulse, <see cref="PulseStartVoltage"/> the first value under current (after the instantaneous ohmic and
/// kinetic drop) and <see cref="PulseEndVoltage"/> the last.
/// </summary>
public sealed record GittPulse(
    int Pulse, int Step, double Start, double Duration, double CurrentDensity, double StateOfLithiation,
    double RelaxedBefore, double RelaxedAfter, double PulseStartVoltage, double PulseEndVoltage,
    double Diffusivity, double DiffusionNumber, double SquareRootTimeLinearity, double SlopeDiffusivity)
{
    /// <summary>
    /// How much ΔE_s changes between the neighbouring pulses, relative to this one's: |ΔE_s(k+1) − ΔE_s(k−1)| / (2 |ΔE_s(k)|)
    /// (one-sided at the ends of the train). The formula takes dE/dx as constant over the pulse; a large value says the
    /// equilibrium curve bends within a few pulses (a plateau edge, a step).
    /// </summary>
    public double EquilibriumCurvature { get; init; }

    /// <summary>ΔE_s: change of the relaxed voltage across the pulse [V].</summary>
    public double SteadyStateChange => RelaxedAfter - RelaxedBefore;
    /// <summary>ΔE_t: change of the voltage during the pulse, the instantaneous drop excluded [V].</summary>
    public double TransientChange => PulseEndVoltage - PulseStartVoltage;

    /// <summary>
    /// Whether the Weppner–Huggins assumptions hold for this pulse: a diffusion length short against the particle
    /// (τ D / R² ≤ 0.1), a voltage linear in √t during the pulse (R² of the fit ≥ 0.99) and an equilibrium curve
    /// that is straight across it (<see cref="EquilibriumCurvature"/> ≤ 0.15).
    /// </summary>
    public bool AssumptionsHold => DiffusionNumber <= 0.1 && SquareRootTimeLinearity >= 0.99 && EquilibriumCurvature <= 0.15;
}

/// <summary>
/// The galvanostatic intermittent titration technique as the papers evaluate it (Weppner &amp; Huggins,
/// J. Electrochem. Soc. 124 (1977) 1569), for spherical particles of radius R, where the volume-to-surface
/// ratio is R/3: <c>D = 4/(π τ) · (R/3)² · (ΔE_s / ΔE_t)²</c>, with τ the pulse duration, ΔE_s the change of
/// the relaxed voltage across the pulse and ΔE_t the change during the pulse without the instantaneous drop.
/// The slope form replaces ΔE_t by √τ·dE/d√t fitted over the pulse's later part (t − t_start ≥ τ/10), which leaves out
/// the first seconds where the electrolyte polarises: <c>D = 4/π · (R/3)² · (ΔE_s / (τ dE/d√t))²</c>.
/// The formula assumes semi-infinite diffusion (τ ≪ R²/D) and a small, linear change of the equilibrium potential
/// with composition; each pulse reports the diffusion number τ D/R² and how linear V is in √t so that the
/// pulses where those assumptions fail are visible. The input is a record series — simulated or measured.
/// </summary>
public static class GittAnalysis
{
    /// <summary>
    /// Every pulse of the series: a current step with a rest before it and one after it (the relaxed voltages are
    /// the last records of those rests). <paramref name="stateOfLithiation"/> gives the SOL at each record [1]; the
    /// pulse's is the mean of its start and end.
    /// </summary>
    /// <param name="time">Record times [s].</param>
    /// <param name="voltage">Cell voltage per record [V].</param>
    /// <param name="current">Current density per record [A/m²].</param>
    /// <param name="step">Protocol step index of each record.</param>
    /// <param name="particleRadius">R [m].</param>
    public static IReadOnlyList<GittPulse> Analyse(
        IReadOnlyList<double> time, IReadOnlyList<double> voltage, IReadOnlyList<double> current, IReadOnlyList<int> step,
        IReadOnlyList<double> stateOfLithiation, IReadOnlyList<StepSpan> steps, double particleRadius)
    {
        if (!(particleRadius > 0)) throw new ArgumentOutOfRangeException(nameof(particleRadius), particleRadius, "a particle radius [m] > 0");
        int n = time.Count;
        if (voltage.Count != n || current.Count != n || step.Count != n || stateOfLithiation.Count != n)
            throw new ArgumentException("time, voltage, current, step and state of lithiation need one value per record");
        // First and last record of each step.
        var first = new Dictionary<int, int>();
        var last = new Dictionary<int, int>();
        for (int k = 0; k < n; k++)
        {
            first.TryAdd(step[k], k);
            last[step[k]] = k;
        }
        var pulses = new List<GittPulse>();
        for (int s = 1; s + 1 < steps.Count; s++)
        {
            var (before, pulse, after) = (steps[s - 1], steps[s], steps[s + 1]);
            if (pulse.Mode != "current" || before.Mode != "rest" || after.Mode != "rest" || !(pulse.Duration > 0)) continue;
            if (!last.TryGetValue(before.Index, out int relaxedBefore) || !first.TryGetValue(pulse.Index, out int start)
                || !last.TryGetValue(pulse.Index, out int end) || !last.TryGetValue(after.Index, out int relaxedAfter) || end <= start) continue;
            double tau = time[end] - time[start];
            double steady = voltage[relaxedAfter] - voltage[relaxedBefore];
            double transient = voltage[end] - voltage[start];
            double diffusivity = 4.0 / (Math.PI * tau) * Math.Pow(particleRadius / 3.0, 2) * Math.Pow(steady / transient, 2);
            pulses.Add(new GittPulse(
                pulses.Count + 1, pulse.Index, time[start], tau, current[start], 0.5 * (stateOfLithiation[start] + stateOfLithiation[end]),
                voltage[relaxedBefore], voltage[relaxedAfter], voltage[start], voltage[end],
                diffusivity, tau * diffusivity / (particleRadius * particleRadius), SquareRootTimeFit(time, voltage, start, end, 0.0, out _),
                SlopeForm(time, voltage, start, end, tau, steady, particleRadius)));
        }
        for (int k = 0; k < pulses.Count; k++)
        {
            int lo = Math.Max(0, k - 1), hi = Math.Min(pulses.Count - 1, k + 1);
            double change = hi > lo ? Math.Abs(pulses[hi].SteadyStateChange - pulses[lo].SteadyStateChange) / (hi - lo) : 0.0;
            pulses[k] = pulses[k] with { EquilibriumCurvature = change / Math.Abs(pulses[k].SteadyStateChange) };
        }
        return pulses;
    }

    private static double SlopeForm(IReadOnlyList<double> time, IReadOnlyList<double> voltage, int start, int end, double tau, double steady, double radius)
    {
        SquareRootTimeFit(time, voltage, start, end, 0.1 * tau, out double slope);
        return double.IsNaN(slope) ? double.NaN : 4.0 / Math.PI * Math.Pow(radius / 3.0, 2) * Math.Pow(steady / (tau * slope), 2);
    }

    /// <summary>
    /// R² of the least-squares line of V against √(t − t_start) over a pulse's records from <paramref name="from"/> seconds
    /// into it, and the line's slope dE/d√t [V/√s] (NaN, with R² = 1, when fewer than three records are there).
    /// </summary>
    private static double SquareRootTimeFit(IReadOnlyList<double> time, IReadOnlyList<double> voltage, int start, int end, double from, out double slope)
    {
        double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
        int m = 0;
        for (int k = start; k <= end; k++)
        {
            double elapsed = time[k] - time[start];
            if (elapsed < from) continue;
            double x = Math.Sqrt(elapsed), y = voltage[k];
            sx += x; sy += y; sxx += x * x; sxy += x * y; syy += y * y;
            m++;
        }
        slope = double.NaN;
        if (m < 3) return 1.0;
        double cxx = sxx - sx * sx / m, cyy = syy - sy * sy / m, cxy = sxy - sx * sy / m;
        if (cxx > 0) slope = cxy / cxx;
        return cxx > 0 && cyy > 0 ? cxy * cxy / (cxx * cyy) : 1.0;
    }
}
