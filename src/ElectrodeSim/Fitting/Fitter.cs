using System.Diagnostics;
using ElectrodeSim.Measured;
using ElectrodeSim.Validation;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace ElectrodeSim.Fitting;

/// <summary>A case key the fit varies within [lower, upper], on a linear or a log10 scale.</summary>
public sealed record FitParameter(string Key, double Initial, double Lower, double Upper, bool Log)
{
    /// <summary>The value on the fitting scale (log10 for log parameters).</summary>
    public double ToScaled(double value) => Log ? Math.Log10(value) : value;
    public double FromScaled(double scaled) => Log ? Math.Pow(10, scaled) : scaled;
    public string Short => Key.Split('.').Last();

    /// <summary>Short names that tell the parameters of a list apart: the key's last segment, with its section where two share it.</summary>
    public static string[] ShortNames(IReadOnlyList<FitParameter> list) =>
        list.Select(p => list.Count(q => q.Short == p.Short) > 1 ? $"{p.Key.Split('.')[0]}.{p.Short}" : p.Short).ToArray();
}

/// <summary>
/// One dataset of a fit: a case (with key-path overrides) run against a measured curve on an axis over a window,
/// or against a rate table through a current key; its residuals are multiplied by √weight. Curve residuals are
/// simulated − measured voltage [V] at the measured points (a point beyond the run's end takes its last voltage);
/// rate-table residuals are (simulated − measured) / measured capacity [1].
/// </summary>
public sealed record FitDataset(string Label, string CasePath, IReadOnlyDictionary<string, string>? Set, MeasuredCurve? Curve, RateTable? Table,
    string Axis = MeasuredComparison.TimeAxis, IReadOnlyList<double>? Window = null, double Weight = 1, string CurrentKey = "protocol[0].current_density_mA_cm2");

/// <summary>A fitted parameter: value, standard error on the fitting scale and its 95 % confidence interval.</summary>
public sealed record FittedValue(FitParameter Parameter, double Value, double ScaledStandardError, double Lower95, double Upper95)
{
    public bool AtBound => Value <= Parameter.Lower * (1 + 1e-9) + 1e-300 || Value >= Parameter.Upper * (1 - 1e-9);
}

/// <summary>The outcome of a fit.</summary>
public sealed record FitResult(
    IReadOnlyList<FittedValue> Values, double[,] Correlation, IReadOnlyList<(int Evaluation, double Cost)> CostHistory,
    IReadOnlyList<(string Label, double Rms, int Points)> DatasetRms, double ResidualSigma, int Points, int DegreesOfFreedom,
    int Evaluations, int Iterations, string ExitReason, TimeSpan WallTime)
{
    /// <summary>Pairs with |r| above <paramref name="limit"/>: not identifiable together from these data.</summary>
    public IEnumerable<(int I, int J, double R)> Correlated(double limit = 0.95)
    {
        for (int i = 0; i < Values.Count; i++)
            for (int j = i + 1; j < Values.Count; j++)
                if (Math.Abs(Correlation[i, j]) > limit) yield return (i, j, Correlation[i, j]);
    }
}

/// <summary>
/// Bounded Levenberg–Marquardt (MathNet.Numerics) on the stacked residual vector of every dataset, each residual
/// evaluation a set of <see cref="Simulator.Run(Cases.SimulationSetup, string?, CancellationToken)"/> calls on the case
/// with the parameters set by key path (<see cref="MeasuredComparison.LoadCase"/>, i.e. <c>--set</c>). The Jacobian is
/// by forward differences on the fitting scale, one parameter per task (<see cref="Parallel.For(int, int, Action{int})"/>).
/// Confidence intervals: covariance s² (JᵀJ)⁻¹ on the fitting scale at the optimum, s² = Σr² / (m − n), Student t
/// with m − n degrees of freedom; a log parameter's interval is mapped back (asymmetric in the value).
/// </summary>
public sealed class Fitter(IReadOnlyList<FitParameter> parameters, IReadOnlyList<FitDataset> datasets)
{
    /// <summary>
    /// A fit of any model: <paramref name="residuals"/> maps parameter values (not scaled) to labelled groups of
    /// residuals, already weighted (<c>calibrate</c>: one group per target, (model − target) / scale). The same
    /// bounded LM, Jacobian, intervals and correlations as a fit to measured datasets. It is called from several
    /// threads at once (the Jacobian's columns).
    /// </summary>
    public Fitter(IReadOnlyList<FitParameter> parameters, Func<IReadOnlyList<double>, IReadOnlyList<(string Label, double[] Residuals)>> residuals)
        : this(parameters, Array.Empty<FitDataset>()) => _model = residuals;

    private readonly Func<IReadOnlyList<double>, IReadOnlyList<(string Label, double[] Residuals)>>? _model;

    private int _evaluations;
    private readonly string[] _names = FitParameter.ShortNames(parameters);
    private readonly List<(int, double)> _history = [];
    private readonly object _lock = new();
    private (double[] U, double[] R)? _last;
    // The compared points of each curve dataset, from its first successful run (a failed run gets as many residuals).
    private readonly Dictionary<FitDataset, int> _counts = new(ReferenceEqualityComparer.Instance);

    public int MaxIterations { get; init; } = 30;
    /// <summary>Forward-difference step on the fitting scale: decades for log parameters, a fraction of the range for linear ones.</summary>
    public double DifferenceStep { get; init; } = 0.01;
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
    public Action<string>? Log { get; init; }
    /// <summary>Iterations in a row without a 1e-6 relative improvement of the best cost that end the fit.</summary>
    public int StallIterations { get; init; } = 5;

    private sealed class StalledException : Exception;

    /// <summary>Residual value given to every point of a dataset whose run failed [V or 1]: large, finite, so LM steps back.</summary>
    public const double FailedResidual = 1.0;

    /// <summary>Parameter values (not scaled) → the case key overrides of a dataset.</summary>
    private Dictionary<string, string> Overrides(FitDataset d, IReadOnlyList<double> values)
    {
        var set = new Dictionary<string, string>(d.Set ?? new Dictionary<string, string>());
        for (int k = 0; k < parameters.Count; k++) set[parameters[k].Key] = Cases.CaseOverride.Format(values[k]);
        return set;
    }

    /// <summary>The stacked, weighted residual vector at parameter <paramref name="values"/> (not scaled).</summary>
    public double[] Residuals(IReadOnlyList<double> values)
    {
        Interlocked.Increment(ref _evaluations);
        if (_model != null) return _model(values).SelectMany(g => g.Residuals).ToArray();
        var parts = new List<double>();
        foreach (var d in datasets) parts.AddRange(DatasetResiduals(d, values).Select(r => Math.Sqrt(d.Weight) * r));
        return parts.ToArray();
    }

    /// <summary>The unweighted residuals of one dataset.</summary>
    public double[] DatasetResiduals(FitDataset d, IReadOnlyList<double> values)
    {
        var set = Overrides(d, values);
        if (d.Curve is { } curve)
        {
            try
            {
                var run = Simulator.Run(MeasuredComparison.ForCurve(MeasuredComparison.LoadCase(d.CasePath, set), curve));
                var s = MeasuredComparison.Samples(run, curve, d.Axis, d.Window, holdLast: true);
                lock (_lock) _counts[d] = s.X.Length;
                return s.X.Select((_, k) => s.Simulated[k] - s.Measured[k]).ToArray();
            }
            catch (Exception e) when (e is not (OutOfMemoryException or Cases.CaseValidationException))
            {
                int n;
                lock (_lock) n = _counts.TryGetValue(d, out int c) ? c : -1;
                if (n < 0) throw;                       // at the start point: nothing to fit from
                Log?.Invoke($"  {d.Label}: the run failed ({e.Message}); residuals set to {FailedResidual}");
                return Enumerable.Repeat(FailedResidual, n).ToArray();
            }
        }
        var points = MeasuredComparison.RunRateTable(d.CasePath, set, d.Table!, d.CurrentKey, parallel: false);
        return points.Select(p => p.Failure != null ? FailedResidual : (p.Simulated - p.Measured) / p.Measured).ToArray();
    }


    private double[] ResidualsScaled(Vector<double> u)
    {
        lock (_lock)
            if (_last is { } last && last.U.SequenceEqual(u)) return last.R;
        var r = Residuals(u.Select((x, k) => parameters[k].FromScaled(x)).ToArray());
        lock (_lock) _last = (u.ToArray(), r);
        return r;
    }

    private Matrix<double> Jacobian(Vector<double> u, double[] r0)
    {
        int n = parameters.Count;
        var columns = new double[n][];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism }, j =>
        {
            var p = parameters[j];
            double lo = p.ToScaled(p.Lower), hi = p.ToScaled(p.Upper);
            double h = p.Log ? DifferenceStep : DifferenceStep * (hi - lo);
            if (u[j] + h > hi) h = -h;                       // step inwards at the upper bound
            var shifted = u.ToArray();
            shifted[j] += h;
            var values = shifted.Select((x, k) => parameters[k].FromScaled(x)).ToArray();
            var r = Residuals(values);
            columns[j] = r.Select((v, i) => (v - r0[i]) / h).ToArray();
        });
        return Matrix<double>.Build.Dense(r0.Length, n, (i, j) => columns[j][i]);
    }

    public FitResult Run()
    {
        var clock = Stopwatch.StartNew();
        var u0 = Vector<double>.Build.DenseOfEnumerable(parameters.Select(p => p.ToScaled(p.Initial)));
        var r0 = ResidualsScaled(u0);
        int m = r0.Length, n = parameters.Count;
        // As many residuals as parameters (a calibration to as many targets) is solvable but leaves no degrees of
        // freedom: no residual variance, so no intervals (NaN); fewer cannot determine the parameters.
        if (m < n || (m == n && _model == null)) throw new InvalidDataException($"the fit has {m} residual(s) for {n} parameter(s); it needs more data points than parameters");
        Record(r0);
        Log?.Invoke($"fit: {n} parameter(s), {m} residuals in {(_model != null ? "a model" : $"{datasets.Count} dataset(s)")}; start: cost {Cost(r0):G4}, RMS {1e3 * Rms(r0):F2} (mV for curves)");
        var index = Vector<double>.Build.Dense(m, i => i);
        var zero = Vector<double>.Build.Dense(m);
        double bestCost = Cost(r0);
        var bestU = u0.Clone();
        int stalled = 0, modelCalls = 0;
        Vector<double> Model(Vector<double> u, Vector<double> x)
        {
            var r = ResidualsScaled(u);
            Record(r);
            modelCalls++;
            double cost = Cost(r);
            // MathNet's tolerances act on its internal (bound-transformed) parameters and rarely stop a fit whose
            // residuals come from a solver at finite tolerance; stop when the best cost has not improved by 1e-6
            // relative over StallIterations iterations in a row that land on it.
            // A rejected trial (worse cost, LM raising its damping) is progress of a kind and does not count.
            if (cost < bestCost * (1 - 1e-6)) { stalled = 0; }
            else if (cost <= bestCost * (1 + 1e-6) && ++stalled >= StallIterations) { if (cost < bestCost) { bestCost = cost; bestU = u.Clone(); } throw new StalledException(); }
            if (cost < bestCost) { bestCost = cost; bestU = u.Clone(); }
            Log?.Invoke($"  eval {_evaluations}: {string.Join(", ", parameters.Select((p, k) => $"{_names[k]}={p.FromScaled(u[k]):G5}"))}: cost {Cost(r):G5}, RMS {1e3 * Rms(r):F2}");
            return Vector<double>.Build.DenseOfArray(r);
        }
        Matrix<double> Derivatives(Vector<double> u, Vector<double> x) => Jacobian(u, ResidualsScaled(u));
        var objective = ObjectiveFunction.NonlinearModel(Model, Derivatives, index, zero, null);
        var lower = Vector<double>.Build.DenseOfEnumerable(parameters.Select(p => p.ToScaled(p.Lower)));
        var upper = Vector<double>.Build.DenseOfEnumerable(parameters.Select(p => p.ToScaled(p.Upper)));
        var scales = Vector<double>.Build.DenseOfEnumerable(parameters.Select(p => p.Log ? 1.0 : p.ToScaled(p.Upper) - p.ToScaled(p.Lower)));
        // Stop once a step changes the scaled parameters or the cost by less than 1e-8 relative: the residuals
        // come from a solver at a finite tolerance, so MathNet's 1e-15 defaults only spin at the optimum.
        var lm = new LevenbergMarquardtMinimizer(gradientTolerance: 1e-12, stepTolerance: 1e-8, functionTolerance: 1e-10, maximumIterations: MaxIterations);
        Vector<double> best;
        string exit;
        int iterations;
        try
        {
            var result = lm.FindMinimum(objective, u0, lower, upper, scales);
            best = result.MinimizingPoint;
            exit = result.ReasonForExit.ToString();
            iterations = result.Iterations;
        }
        catch (StalledException)
        {
            best = bestU;
            exit = $"Converged (best cost unchanged to 1e-6 over {StallIterations} iterations)";
            iterations = modelCalls;
        }
        var rBest = ResidualsScaled(best);
        // A final residual check: MathNet's point is the best it accepted; keep the start if it is better.
        if (Cost(rBest) > Cost(r0)) { best = u0; rBest = r0; }
        var jacobian = Jacobian(best, rBest);
        int dof = m - n;
        double s2 = dof > 0 ? rBest.Sum(r => r * r) / dof : double.NaN;
        var jtj = jacobian.TransposeThisAndMultiply(jacobian);
        Matrix<double> covariance, inverse;
        try { inverse = jtj.Inverse(); }
        catch (Exception) { inverse = Matrix<double>.Build.Dense(n, n, double.NaN); }
        covariance = inverse * s2;
        double t = dof > 0 ? StudentT.InvCDF(0, 1, dof, 0.975) : double.NaN;
        var values = new List<FittedValue>();
        for (int k = 0; k < n; k++)
        {
            double se = Math.Sqrt(Math.Max(covariance[k, k], 0));
            if (!double.IsFinite(covariance[k, k])) se = double.NaN;
            var p = parameters[k];
            values.Add(new FittedValue(p, p.FromScaled(best[k]), se, p.FromScaled(best[k] - t * se), p.FromScaled(best[k] + t * se)));
        }
        var correlation = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                correlation[i, j] = inverse[i, j] / Math.Sqrt(inverse[i, i] * inverse[j, j]);   // s² cancels
        var rms = new List<(string, double, int)>();
        var fitted = best.Select((x, k) => parameters[k].FromScaled(x)).ToArray();
        if (_model != null)
            foreach (var (label, r) in _model(fitted)) rms.Add((label, Math.Sqrt(r.Sum(v => v * v) / r.Length), r.Length));
        foreach (var d in datasets)
        {
            var r = DatasetResiduals(d, fitted);
            rms.Add((d.Label, Math.Sqrt(r.Sum(v => v * v) / r.Length), r.Length));
        }
        return new FitResult(values, correlation, _history.ToList(), rms, Math.Sqrt(s2), m, dof, _evaluations, iterations, exit, clock.Elapsed);
    }

    private void Record(double[] r)
    {
        lock (_lock)
        {
            // A point evaluated again (MathNet's first call is the start point) is answered from _last, not run:
            // it is the same evaluation, listed once.
            if (_history.Count > 0 && _history[^1].Item1 == _evaluations) return;
            _history.Add((_evaluations, Cost(r)));
        }
    }

    private static double Cost(double[] r) => r.Sum(x => x * x);
    private static double Rms(double[] r) => Math.Sqrt(r.Sum(x => x * x) / r.Length);
}
