namespace ElectrodeSim.Numerics.Sparse;

/// <summary>Settings of <see cref="StaleFactorGmresSolver"/>.</summary>
public sealed record StaleFactorGmresOptions
{
    /// <summary>GMRES stops when the row-equilibrated residual ‖D(b − A x)‖₂ falls below this times ‖D b‖₂.</summary>
    public double RelativeTolerance { get; init; } = 1e-8;
    /// <summary>Arnoldi steps before GMRES gives up; the matrix is then factorised afresh and the system solved directly.</summary>
    public int MaxIterations { get; init; } = 30;
    /// <summary>
    /// A solve that converged but needed more than this many steps factorises the current matrix right after, so the
    /// Newton iterations still to come on it (and later matrices near it) start from an up-to-date preconditioner.
    /// </summary>
    public int RefactorIterations { get; init; } = 8;
    /// <summary>
    /// With a second factorisation object (the background constructor): the solve that would refactorise synchronously
    /// instead starts the factorisation of the current matrix on a worker thread, and GMRES goes on with the kept factors
    /// until the new ones are swapped in. 0: swapped in at the first solve after the worker finished (the counts then
    /// depend on the timing); k &gt; 0: swapped in at the k-th solve after the start, waiting for the worker if it is not
    /// done, so the run does not depend on the timing (k = 1 takes the synchronous solver's decisions; only the second
    /// object's pivot order, chosen at its own first factorisation, differs).
    /// </summary>
    public int SwapAfterSolves { get; init; } = 1;
}

/// <summary>
/// A direct solver whose factorisation is kept across matrices: <see cref="Factor"/> only records the new values, and
/// <see cref="Solve"/> runs GMRES on the current matrix preconditioned by the LU factors of an earlier one (right
/// preconditioning, rows equilibrated by their largest entry). The factors are renewed only when GMRES needs more than
/// <see cref="StaleFactorGmresOptions.RefactorIterations"/> steps or does not converge within
/// <see cref="StaleFactorGmresOptions.MaxIterations"/>. The integrator's Newton iteration thus sees the solution of the
/// current iteration matrix to the GMRES tolerance, as with a fresh factorisation, at the price of a few triangular solves
/// instead of a factorisation. Pays where one factorisation costs many solves (2-D meshes: fill grows as n log n, flops
/// as n^1.5).
/// <para>
/// Given a second factorisation object of the same pattern, the renewal after a solve that needed too many steps runs on a
/// worker thread (one at a time, into the object not in use, on a copy of the matrix) while GMRES goes on with the kept
/// factors; the two objects swap roles when the new factors are taken (<see cref="StaleFactorGmresOptions.SwapAfterSolves"/>).
/// A GMRES failure, the first matrix and a matrix after a singular one are still factorised on the calling thread (after
/// the worker, if busy, has finished). The objects are used by one thread at a time: the worker only touches the spare one,
/// and the caller takes it back only after the worker's task has completed.
/// </para>
/// </summary>
public sealed class StaleFactorGmresSolver : ISparseLinearSolver
{
    private readonly SparsityPattern _pattern;
    private ISparseLinearSolver _direct;
    private ISparseLinearSolver? _spare;
    private readonly StaleFactorGmresOptions _options;
    private readonly Gmres _gmres;
    private readonly double[] _values, _rowScale, _scaledRhs, _work;
    private readonly LinearMap _multiply;
    private readonly InPlaceSolve _precondition;
    private bool _factorsCurrent, _haveFactors, _lostFactors;
    // Every Factor call is a new matrix: _matrixVersion counts them, _factoredVersion is the one the kept factors are of.
    private long _matrixVersion, _factoredVersion = -1;
    // The worker's factorisation: its task (null when none is in flight), the matrix it factorises (a copy) and that matrix's
    // version, and the solves started since it began.
    private Task<bool>? _pending;
    private readonly double[]? _pendingValues;
    private long _pendingVersion;
    private int _solvesSincePending;
    private readonly System.Diagnostics.Stopwatch _waiting = new();

    /// <param name="pattern">The pattern every matrix shares.</param>
    /// <param name="direct">The factorisation used as preconditioner (owned: disposed with this solver).</param>
    public StaleFactorGmresSolver(SparsityPattern pattern, ISparseLinearSolver direct, StaleFactorGmresOptions? options = null)
        : this(pattern, direct, null, options)
    {
    }

    /// <param name="pattern">The pattern every matrix shares.</param>
    /// <param name="direct">The factorisation used as preconditioner (owned: disposed with this solver).</param>
    /// <param name="background">
    /// A second factorisation object of the same pattern (owned) into which renewals are factorised on a worker thread; null
    /// for the synchronous solver.
    /// </param>
    public StaleFactorGmresSolver(SparsityPattern pattern, ISparseLinearSolver direct, ISparseLinearSolver? background, StaleFactorGmresOptions? options = null)
    {
        _pattern = pattern;
        _direct = direct;
        _spare = background;
        _options = options ?? new StaleFactorGmresOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxIterations, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.SwapAfterSolves);
        if (!(_options.RelativeTolerance > 0 && _options.RelativeTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(options), $"GMRES relative tolerance {_options.RelativeTolerance} is not in (0, 1)");
        if (ReferenceEquals(direct, background)) throw new ArgumentException("the background factorisation must be a second object", nameof(background));
        int n = pattern.Size;
        _gmres = new Gmres(n, _options.MaxIterations);
        _values = new double[pattern.NonZeroCount];
        if (background != null) _pendingValues = new double[pattern.NonZeroCount];
        _rowScale = new double[n];
        _scaledRhs = new double[n];
        _work = new double[n];
        _multiply = Multiply;
        _precondition = Precondition;
    }

    /// <summary>The factorisation that preconditions the solves now (the one given, or with a background object whichever of the two was swapped in last).</summary>
    public ISparseLinearSolver Preconditioner => _direct;

    /// <summary>Numeric factorisations actually done (the rest of the <see cref="Factor"/> calls only stored values); with a background object, those of the worker included.</summary>
    public int Factorizations { get; private set; }
    /// <summary>Factorisations done on the worker thread (their factors taken or, if singular, dropped).</summary>
    public int BackgroundFactorizations { get; private set; }
    /// <summary>Time the calling thread spent waiting for the worker's factorisation.</summary>
    public TimeSpan BackgroundWait => _waiting.Elapsed;
    /// <summary>Solves done by GMRES on a kept factorisation, and their Arnoldi steps in total.</summary>
    public int KrylovSolves { get; private set; }
    public int KrylovIterations { get; private set; }
    /// <summary>The largest number of Arnoldi steps one converged solve needed.</summary>
    public int MaxKrylovIterations { get; private set; }
    /// <summary>GMRES solves that did not converge within the limit (each then factorised and solved directly).</summary>
    public int KrylovFailures { get; private set; }
    /// <summary>Solves by the factors of the current matrix (one pair of triangular solves each).</summary>
    public int DirectSolves { get; private set; }
    /// <summary>The last solve's GMRES report (zero iterations when it was direct).</summary>
    public GmresReport LastReport { get; private set; }

    public void Factor(ReadOnlySpan<double> values)
    {
        if (values.Length != _values.Length) throw new ArgumentException($"Expected {_values.Length} values for the pattern, got {values.Length}.", nameof(values));
        for (int k = 0; k < values.Length; k++)
            if (!double.IsFinite(values[k])) throw new SingularIterationMatrixException($"Matrix value {k} is {values[k]}; the factorisation needs finite values.");
        values.CopyTo(_values);
        _matrixVersion++;
        if (_haveFactors) { _factorsCurrent = false; EquilibrateRows(); return; } // the scale of this matrix serves all its solves
        FactorCurrent(); // the first matrix (or the first after a failure): no factors to precondition with
    }

    public void Solve(Span<double> rhsThenSolution) => Solve(rhsThenSolution, _options.RelativeTolerance);

    /// <summary>
    /// As <see cref="Solve(Span{double})"/> with GMRES stopping at <paramref name="relativeTolerance"/> instead of
    /// <see cref="StaleFactorGmresOptions.RelativeTolerance"/> (a solve by current factors is exact either way).
    /// </summary>
    public void Solve(Span<double> rhsThenSolution, double relativeTolerance)
    {
        if (!(relativeTolerance > 0 && relativeTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(relativeTolerance), $"GMRES relative tolerance {relativeTolerance} is not in (0, 1)");
        if (_pending != null)
        {
            _solvesSincePending++;
            int swap = _options.SwapAfterSolves;
            if (swap > 0 ? _solvesSincePending >= swap : _pending.IsCompleted) TakePending();
        }
        if (!_haveFactors)
        {
            if (!_lostFactors) throw new InvalidOperationException("No valid factorization: Factor must succeed before solving.");
            rhsThenSolution.Fill(double.NaN); // a refactorisation in an earlier solve found the matrix singular
            return;
        }
        if (_factorsCurrent)
        {
            _direct.Solve(rhsThenSolution);
            DirectSolves++;
            LastReport = new GmresReport(true, 0, 0);
            return;
        }
        for (int i = 0; i < _scaledRhs.Length; i++) _scaledRhs[i] = _rowScale[i] * rhsThenSolution[i];
        var report = _gmres.Solve(_multiply, _precondition, _scaledRhs, _work, relativeTolerance);
        LastReport = report;
        KrylovSolves++;
        KrylovIterations += report.Iterations;
        if (report.Converged)
        {
            MaxKrylovIterations = Math.Max(MaxKrylovIterations, report.Iterations);
            _work.CopyTo(rhsThenSolution);
            if (report.Iterations > _options.RefactorIterations)
            {
                if (_spare == null) TryFactorCurrent();
                else if (_pending == null) StartPending();
            }
            return;
        }
        KrylovFailures++;
        if (!TryFactorCurrent())
        {
            // Singular or non-finite: Newton sees a non-finite correction and the step is cut.
            rhsThenSolution.Fill(double.NaN);
            return;
        }
        _direct.Solve(rhsThenSolution);
        DirectSolves++;
    }

    public void Dispose()
    {
        // A factorisation still in flight must end before its object is freed; its result (or failure) is no longer wanted.
        try { _pending?.Wait(); }
        catch (AggregateException) { }
        _direct.Dispose();
        _spare?.Dispose();
    }

    private void FactorCurrent()
    {
        WaitPending(); // never two factorisations at once; a synchronous one makes the worker's older one moot
        _pending = null;
        _haveFactors = false;
        _direct.Factor(_values);
        Factorizations++;
        _haveFactors = _factorsCurrent = true;
        _factoredVersion = _matrixVersion;
    }

    /// <summary>Factorises the current matrix; when it is singular the kept factors are gone too (the next <see cref="Factor"/> starts afresh).</summary>
    private bool TryFactorCurrent()
    {
        try { FactorCurrent(); _lostFactors = false; return true; }
        catch (SingularIterationMatrixException) { _lostFactors = true; return false; }
    }

    /// <summary>Starts the factorisation of a copy of the current matrix into the spare object on a worker thread.</summary>
    private void StartPending()
    {
        var spare = _spare!;
        var values = _pendingValues!;
        _values.CopyTo(values, 0);
        _pendingVersion = _matrixVersion;
        _solvesSincePending = 0;
        Factorizations++;
        BackgroundFactorizations++;
        _pending = Task.Run(() =>
        {
            try { spare.Factor(values); return true; }
            catch (SingularIterationMatrixException) { return false; } // the kept factors stay; a later solve may try again
        });
    }

    /// <summary>Waits for the worker (if one is in flight); other exceptions than a singular matrix surface here.</summary>
    private void WaitPending()
    {
        if (_pending == null || _pending.IsCompleted) { _pending?.GetAwaiter().GetResult(); return; }
        _waiting.Start();
        try { _pending.GetAwaiter().GetResult(); }
        finally { _waiting.Stop(); }
    }

    /// <summary>Waits for the worker's factorisation and, when it succeeded, makes its object the preconditioner.</summary>
    private void TakePending()
    {
        WaitPending();
        bool factored = _pending!.Result;
        _pending = null;
        if (!factored) return;
        (_direct, _spare) = (_spare!, _direct);
        _factoredVersion = _pendingVersion;
        _factorsCurrent = _factoredVersion == _matrixVersion;
    }

    /// <summary>D = 1 / (largest |entry| of each row) of the current matrix, so no equation's units dominate the residual norm.</summary>
    private void EquilibrateRows()
    {
        Array.Clear(_rowScale);
        var rows = _pattern.RowIndices;
        for (int k = 0; k < rows.Length; k++) _rowScale[rows[k]] = Math.Max(_rowScale[rows[k]], Math.Abs(_values[k]));
        for (int i = 0; i < _rowScale.Length; i++) _rowScale[i] = _rowScale[i] > 0 ? 1 / _rowScale[i] : 1;
    }

    /// <summary>y = D A x.</summary>
    private void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        _pattern.Multiply(_values, x, y);
        for (int i = 0; i < y.Length; i++) y[i] *= _rowScale[i];
    }

    /// <summary>v ← M⁻¹ D⁻¹ v with M the kept factors, so that D A M⁻¹ D⁻¹ ≈ I when the matrix has changed little.</summary>
    private void Precondition(Span<double> v)
    {
        for (int i = 0; i < v.Length; i++) v[i] /= _rowScale[i];
        _direct.Solve(v);
    }
}
