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
/// </summary>
public sealed class StaleFactorGmresSolver : ISparseLinearSolver
{
    private readonly SparsityPattern _pattern;
    private readonly ISparseLinearSolver _direct;
    private readonly StaleFactorGmresOptions _options;
    private readonly Gmres _gmres;
    private readonly double[] _values, _rowScale, _scaledRhs, _work;
    private readonly LinearMap _multiply;
    private readonly InPlaceSolve _precondition;
    private bool _factorsCurrent, _haveFactors, _lostFactors;

    /// <param name="pattern">The pattern every matrix shares.</param>
    /// <param name="direct">The factorisation used as preconditioner (owned: disposed with this solver).</param>
    public StaleFactorGmresSolver(SparsityPattern pattern, ISparseLinearSolver direct, StaleFactorGmresOptions? options = null)
    {
        _pattern = pattern;
        _direct = direct;
        _options = options ?? new StaleFactorGmresOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxIterations, 1);
        if (!(_options.RelativeTolerance > 0 && _options.RelativeTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(options), $"GMRES relative tolerance {_options.RelativeTolerance} is not in (0, 1)");
        int n = pattern.Size;
        _gmres = new Gmres(n, _options.MaxIterations);
        _values = new double[pattern.NonZeroCount];
        _rowScale = new double[n];
        _scaledRhs = new double[n];
        _work = new double[n];
        _multiply = Multiply;
        _precondition = Precondition;
    }

    /// <summary>Numeric factorisations actually done (the rest of the <see cref="Factor"/> calls only stored values).</summary>
    public int Factorizations { get; private set; }
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
        if (_haveFactors) { _factorsCurrent = false; EquilibrateRows(); return; } // the scale of this matrix serves all its solves
        FactorCurrent(); // the first matrix (or the first after a failure): no factors to precondition with
    }

    public void Solve(Span<double> rhsThenSolution)
    {
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
        var report = _gmres.Solve(_multiply, _precondition, _scaledRhs, _work, _options.RelativeTolerance);
        LastReport = report;
        KrylovSolves++;
        KrylovIterations += report.Iterations;
        if (report.Converged)
        {
            MaxKrylovIterations = Math.Max(MaxKrylovIterations, report.Iterations);
            _work.CopyTo(rhsThenSolution);
            if (report.Iterations > _options.RefactorIterations) TryFactorCurrent();
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

    public void Dispose() => _direct.Dispose();

    private void FactorCurrent()
    {
        _haveFactors = false;
        _direct.Factor(_values);
        Factorizations++;
        _haveFactors = _factorsCurrent = true;
    }

    /// <summary>Factorises the current matrix; when it is singular the kept factors are gone too (the next <see cref="Factor"/> starts afresh).</summary>
    private bool TryFactorCurrent()
    {
        try { FactorCurrent(); _lostFactors = false; return true; }
        catch (SingularIterationMatrixException) { _lostFactors = true; return false; }
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
