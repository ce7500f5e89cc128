using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ElectrodeSim.Numerics.Sparse;

/// <summary>
/// A KLU factorisation whose solves run on single-precision copies of its L and U factors: after each
/// <see cref="Factor"/> (KLU, double) the factors are extracted (klu_extract) and stored as float values with int32 row
/// indices, 8 bytes an entry against KLU's 12, and <see cref="Solve"/> does the two triangular solves on them in double
/// arithmetic. The triangular solves of a large 2-D factorisation are bound by the memory they read, so this is meant as
/// a preconditioner (<see cref="StaleFactorGmresSolver"/>), where rounding the factors to 24 bits changes only how well
/// it preconditions, not the tolerance GMRES reaches. A solve's backward error is about that of a float LU (≈ 1e-7 of the
/// factors' magnitude), so it is not meant as a direct solver where double accuracy is wanted.
/// Needs one block (block triangular form off), as <c>ResolvedParticleModel.CreateDirectSolver</c> factorises.
/// </summary>
public sealed class SinglePrecisionKluSolver : ISparseLinearSolver
{
    private readonly KluLinearSolver _klu;
    private readonly int _n;
    // Off-diagonal parts of L (unit diagonal) and U in compressed columns, U's diagonal apart; the permutations and scale
    // folded: the solve reads b at _rowSource[k] times _rowFactor[k] and writes x at _columnTarget[k].
    private int[] _lowerPointers, _upperPointers;
    private int[] _lowerRows = [], _upperRows = [];
    private float[] _lowerValues = [], _upperValues = [];
    private readonly double[] _upperDiagonalInverse, _rowFactor, _work;
    private readonly int[] _rowSource, _columnTarget;
    // klu_extract's double output, kept between factorisations.
    private int[] _extractLowerRows = [], _extractUpperRows = [];
    private double[] _extractLowerValues = [], _extractUpperValues = [];
    private readonly int[] _extractLowerPointers, _extractUpperPointers;
    private readonly double[] _rowScale;
    private bool _haveFactors;

    /// <param name="klu">The double factorisation (owned: disposed with this solver); block triangular form must be off.</param>
    public SinglePrecisionKluSolver(KluLinearSolver klu, int size)
    {
        _klu = klu;
        _n = size;
        _lowerPointers = new int[size + 1];
        _upperPointers = new int[size + 1];
        _extractLowerPointers = new int[size + 1];
        _extractUpperPointers = new int[size + 1];
        _upperDiagonalInverse = new double[size];
        _rowFactor = new double[size];
        _rowScale = new double[size];
        _work = new double[size];
        _rowSource = new int[size];
        _columnTarget = new int[size];
    }

    /// <summary>Floating-point operations of the last (double) factorisation.</summary>
    public double FlopCount => _klu.FlopCount;

    /// <summary>Entries of L and U of the last factorisation (diagonals included), as <see cref="KluLinearSolver.FactorEntries"/>.</summary>
    public double FactorEntries => _klu.FactorEntries;

    public void Factor(ReadOnlySpan<double> values)
    {
        _haveFactors = false;
        _klu.Factor(values);
        var (lnz, unz) = _klu.FactorNonZeros;
        if (_extractLowerRows.Length != lnz) { _extractLowerRows = new int[lnz]; _extractLowerValues = new double[lnz]; }
        if (_extractUpperRows.Length != unz) { _extractUpperRows = new int[unz]; _extractUpperValues = new double[unz]; }
        _klu.ExtractFactors(_extractLowerPointers, _extractLowerRows, _extractLowerValues, _extractUpperPointers, _extractUpperRows, _extractUpperValues,
                            _rowSource, _columnTarget, _rowScale);
        int n = _n;
        for (int k = 0; k < n; k++) _rowFactor[k] = 1.0 / _rowScale[k]; // klu_factor stores the scale in pivotal row order
        // L without its unit diagonal.
        if (_lowerRows.Length != lnz - n) { _lowerRows = new int[Math.Max(lnz - n, 0)]; _lowerValues = new float[_lowerRows.Length]; }
        int count = 0;
        for (int j = 0; j < n; j++)
        {
            _lowerPointers[j] = count;
            for (int p = _extractLowerPointers[j]; p < _extractLowerPointers[j + 1]; p++)
            {
                int i = _extractLowerRows[p];
                if (i == j) continue;
                if (i < j) throw new InvalidOperationException($"klu_extract gave an entry above the diagonal of L (row {i}, column {j})");
                _lowerRows[count] = i;
                _lowerValues[count++] = (float)_extractLowerValues[p];
            }
        }
        _lowerPointers[n] = count;
        if (count != _lowerRows.Length) throw new InvalidOperationException($"L has {lnz} entries but {lnz - count} on its diagonal instead of {n}");
        // U without its diagonal (kept inverted, in double).
        if (_upperRows.Length != unz - n) { _upperRows = new int[Math.Max(unz - n, 0)]; _upperValues = new float[_upperRows.Length]; }
        count = 0;
        for (int j = 0; j < n; j++)
        {
            _upperPointers[j] = count;
            double diagonal = 0;
            for (int p = _extractUpperPointers[j]; p < _extractUpperPointers[j + 1]; p++)
            {
                int i = _extractUpperRows[p];
                if (i == j) { diagonal = _extractUpperValues[p]; continue; }
                if (i > j) throw new InvalidOperationException($"klu_extract gave an entry below the diagonal of U (row {i}, column {j})");
                _upperRows[count] = i;
                _upperValues[count++] = (float)_extractUpperValues[p];
            }
            if (diagonal == 0) throw new SingularIterationMatrixException($"U has no non-zero diagonal entry in column {j}");
            _upperDiagonalInverse[j] = 1.0 / diagonal;
        }
        _upperPointers[n] = count;
        if (count != _upperRows.Length) throw new InvalidOperationException($"U has {unz} entries but {unz - count} on its diagonal instead of {n}");
        _haveFactors = true;
    }

    public void Solve(Span<double> rhsThenSolution)
    {
        if (!_haveFactors) throw new InvalidOperationException("No valid factorization: Factor must succeed before solving.");
        if (rhsThenSolution.Length != _n) throw new ArgumentException($"Right-hand side length {rhsThenSolution.Length} is not the order {_n}.", nameof(rhsThenSolution));
        int n = _n;
        var w = _work;
        for (int k = 0; k < n; k++) w[k] = rhsThenSolution[_rowSource[k]] * _rowFactor[k];
        ref double x = ref MemoryMarshal.GetArrayDataReference(w);
        // L z = c by columns (unit diagonal): each solved entry updates the rows below it.
        {
            ref int pointers = ref MemoryMarshal.GetArrayDataReference(_lowerPointers);
            ref int rows = ref MemoryMarshal.GetArrayDataReference(_lowerRows);
            ref float vals = ref MemoryMarshal.GetArrayDataReference(_lowerValues);
            int start = pointers;
            for (int j = 0; j < n; j++)
            {
                int end = Unsafe.Add(ref pointers, j + 1);
                double xj = Unsafe.Add(ref x, j);
                if (xj != 0)
                    for (int p = start; p < end; p++) Unsafe.Add(ref x, Unsafe.Add(ref rows, p)) -= Unsafe.Add(ref vals, p) * xj;
                start = end;
            }
        }
        // U y = z by columns from the last.
        {
            ref int pointers = ref MemoryMarshal.GetArrayDataReference(_upperPointers);
            ref int rows = ref MemoryMarshal.GetArrayDataReference(_upperRows);
            ref float vals = ref MemoryMarshal.GetArrayDataReference(_upperValues);
            ref double inverse = ref MemoryMarshal.GetArrayDataReference(_upperDiagonalInverse);
            int end = Unsafe.Add(ref pointers, n);
            for (int j = n - 1; j >= 0; j--)
            {
                int start = Unsafe.Add(ref pointers, j);
                double xj = Unsafe.Add(ref x, j) * Unsafe.Add(ref inverse, j);
                Unsafe.Add(ref x, j) = xj;
                if (xj != 0)
                    for (int p = start; p < end; p++) Unsafe.Add(ref x, Unsafe.Add(ref rows, p)) -= Unsafe.Add(ref vals, p) * xj;
                end = start;
            }
        }
        for (int k = 0; k < n; k++) rhsThenSolution[_columnTarget[k]] = w[k];
    }

    public void Dispose() => _klu.Dispose();
}
