using System.Runtime.InteropServices;
using static ElectrodeSim.Native.Klu.KluApi;

namespace ElectrodeSim.Native.Klu;

/// <summary>
/// Sparse direct LU factorization (SuiteSparse KLU) of a square matrix with a fixed
/// compressed-sparse-column pattern, such as a Newton Jacobian whose values change every
/// iteration while its sparsity does not. The symbolic analysis is done once; later
/// factorizations reuse the pivot sequence when it remains numerically sound.
/// </summary>
/// <remarks>
/// An instance is not thread-safe, but separate instances can be used from different threads
/// at the same time.
/// </remarks>
public sealed unsafe class KluFactorization : IDisposable
{
    /// <summary>
    /// Below this pivot ratio a refactorization with the old pivot order is considered
    /// untrustworthy and a fresh factorization with new pivoting is done instead.
    /// </summary>
    private const double RefactorPivotThreshold = 1e-14;

    private readonly int nonZeros;
    private int* columnPointers;
    private int* rowIndices;
    private byte* common;
    private void* symbolic;
    private void* numeric;

    /// <summary>
    /// Copies the sparsity pattern into unmanaged memory and runs the symbolic analysis.
    /// </summary>
    /// <param name="n">Order of the matrix.</param>
    /// <param name="colPointers">0-based column pointers, length <paramref name="n"/> + 1, starting at 0 and non-decreasing.</param>
    /// <param name="rowIndices">0-based row index of each stored entry, column by column; length colPointers[n]. Rows within a column may be in any order but must not repeat.</param>
    public KluFactorization(int n, int[] colPointers, int[] rowIndices)
        : this(n, colPointers, rowIndices, KluOptions.Default)
    {
    }

    /// <summary>
    /// Copies the sparsity pattern into unmanaged memory and runs the symbolic analysis with the given ordering
    /// options (<see cref="KluOptions.Default"/>: KLU's defaults, block triangular form + AMD).
    /// </summary>
    /// <param name="n">Order of the matrix.</param>
    /// <param name="colPointers">0-based column pointers, length <paramref name="n"/> + 1, starting at 0 and non-decreasing.</param>
    /// <param name="rowIndices">0-based row index of each stored entry, column by column.</param>
    /// <param name="options">Fill-reducing ordering and block triangular form.</param>
    public KluFactorization(int n, int[] colPointers, int[] rowIndices, KluOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentNullException.ThrowIfNull(colPointers);
        ArgumentNullException.ThrowIfNull(rowIndices);
        ValidatePattern(n, colPointers, rowIndices);

        Size = n;
        nonZeros = colPointers[n];
        try
        {
            common = (byte*)NativeMemory.AllocZeroed(CommonAllocation);
            klu_defaults(common);
            RequireKnownCommonLayout();

            columnPointers = (int*)NativeMemory.Alloc((nuint)(n + 1), sizeof(int));
            // At least one element so an all-zero pattern still gets a valid pointer.
            this.rowIndices = (int*)NativeMemory.Alloc((nuint)Math.Max(nonZeros, 1), sizeof(int));
            colPointers.AsSpan().CopyTo(new Span<int>(columnPointers, n + 1));
            rowIndices.AsSpan().CopyTo(new Span<int>(this.rowIndices, nonZeros));

            *(int*)(common + BtfOffset) = options.BlockTriangular ? 1 : 0;
            if (!(options.PivotTolerance > 0 && options.PivotTolerance <= 1))
                throw new ArgumentOutOfRangeException(nameof(options), options.PivotTolerance, "The pivot tolerance must be in (0, 1].");
            *(double*)(common + TolOffset) = options.PivotTolerance;
            if (options.Permutation is { } permutation)
            {
                ValidatePermutation(n, permutation);
                // The same permutation for rows and columns: P A Pᵀ keeps the diagonal (the pivots) on the diagonal.
                fixed (int* order = permutation)
                    symbolic = klu_analyze_given(n, columnPointers, this.rowIndices, order, order, common);
            }
            else
            {
                *(int*)(common + OrderingOffset) = (int)options.Ordering;
                symbolic = klu_analyze(n, columnPointers, this.rowIndices, common);
            }
            if (symbolic == null)
                throw Failure("klu_analyze");
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <summary>Order of the matrix.</summary>
    public int Size { get; }

    /// <summary>Floating-point operations of the last factorisation (klu_flops): the cost measure of an ordering, independent of the machine's load.</summary>
    public double FlopCount
    {
        get
        {
            ThrowIfDisposed();
            if (numeric == null) return double.NaN;
            if (klu_flops(symbolic, numeric, common) == 0) throw Failure("klu_flops");
            return *(double*)(common + FlopsOffset);
        }
    }

    /// <summary>
    /// Entries of L and U of the last factorisation, diagonals included (klu_numeric's lnz + unz; with block triangular form
    /// the off-diagonal blocks are not counted). One solve reads each once: the cost measure of a solve. NaN before the first.
    /// </summary>
    public double FactorEntries
    {
        get
        {
            ThrowIfDisposed();
            if (numeric == null) return double.NaN;
            // klu_numeric starts with int n, nblocks, lnz, unz (SuiteSparse 5 and later); n guards the layout.
            var head = (int*)numeric;
            return head[0] == Size ? (double)head[2] + head[3] : double.NaN;
        }
    }

    /// <summary>
    /// Entries of L and of U of the last factorisation (klu_numeric's lnz and unz, diagonals included), the lengths
    /// <see cref="ExtractFactors"/> needs. Only for a factorisation in one block (block triangular form off, or a matrix that
    /// is one strongly connected block).
    /// </summary>
    public (int Lower, int Upper) FactorNonZeros
    {
        get
        {
            ThrowIfDisposed();
            if (numeric == null) throw new InvalidOperationException("No valid factorization: Factor must succeed first.");
            // klu_numeric starts with int n, nblocks, lnz, unz (SuiteSparse 5 and later).
            var head = (int*)numeric;
            if (head[0] != Size) throw new NotSupportedException("The loaded KLU library uses an unknown klu_numeric layout.");
            if (head[1] != 1) throw new NotSupportedException($"The factorisation has {head[1]} blocks; extraction is done for one block only (block triangular form off).");
            return (head[2], head[3]);
        }
    }

    /// <summary>
    /// Copies the last factorisation out (klu_extract): L U = P (R⁻¹ A) Q, with L unit lower and U upper triangular in
    /// compressed columns (diagonals stored), row permutation P (row k of the factored matrix is row <c>rowPermutation[k]</c>
    /// of A), column permutation Q (column k is column <c>columnPermutation[k]</c>) and row scale R in pivotal order (row
    /// <c>rowPermutation[k]</c> of A divided by <c>rowScale[k]</c>: klu_factor permutes its scale factors so, and
    /// klu_extract copies them as they are). Lengths: pointers n + 1, L and U entries as <see cref="FactorNonZeros"/>, the rest n.
    /// </summary>
    public void ExtractFactors(Span<int> lowerPointers, Span<int> lowerRows, Span<double> lowerValues,
                               Span<int> upperPointers, Span<int> upperRows, Span<double> upperValues,
                               Span<int> rowPermutation, Span<int> columnPermutation, Span<double> rowScale)
    {
        var (lnz, unz) = FactorNonZeros;
        if (lowerPointers.Length != Size + 1 || upperPointers.Length != Size + 1 || lowerRows.Length != lnz || lowerValues.Length != lnz
            || upperRows.Length != unz || upperValues.Length != unz || rowPermutation.Length != Size || columnPermutation.Length != Size || rowScale.Length != Size)
            throw new ArgumentException($"Extraction buffers do not match n = {Size}, L entries {lnz}, U entries {unz}.");
        fixed (int* lp = lowerPointers, li = lowerRows, up = upperPointers, ui = upperRows, p = rowPermutation, q = columnPermutation)
        fixed (double* lx = lowerValues, ux = upperValues, rs = rowScale)
        {
            if (klu_extract(numeric, symbolic, lp, li, lx, up, ui, ux, null, null, null, p, q, rs, null, common) == 0)
                throw Failure("klu_extract");
        }
    }

    /// <summary>Factorisations done afresh with new pivoting (klu_factor).</summary>
    public int FreshFactorizations { get; private set; }

    /// <summary>Factorisations that reused the previous pivot order (klu_refactor, accepted).</summary>
    public int Refactorizations { get; private set; }

    /// <summary>
    /// KLU's cheap reciprocal condition estimate (smallest over largest pivot magnitude) of
    /// the last successful factorization; 0 before the first one.
    /// </summary>
    public double ReciprocalConditionEstimate { get; private set; }

    /// <summary>
    /// Factorizes the matrix with the given values. After the first call the previous pivot
    /// order is reused (klu_refactor); if that fails or leaves pivots tinier than 1e-14 relative
    /// to the largest, the matrix is factorized afresh with new pivoting.
    /// </summary>
    /// <param name="values">Entry values in the order of the pattern given to the constructor.</param>
    /// <exception cref="SingularMatrixException">A zero pivot was found even with fresh pivoting.</exception>
    /// <exception cref="ArgumentException">The values have the wrong length, or the matrix is singular because it contains NaN or infinity.</exception>
    public void Factor(ReadOnlySpan<double> values)
    {
        ThrowIfDisposed();
        if (values.Length != nonZeros)
            throw new ArgumentException($"Expected {nonZeros} values for the pattern, got {values.Length}.", nameof(values));

        fixed (double* entries = values)
        {
            if (numeric != null)
            {
                if (klu_refactor(columnPointers, rowIndices, entries, symbolic, numeric, common) != 0
                    && EstimateReciprocalCondition() >= RefactorPivotThreshold)
                {
                    Refactorizations++;
                    return;
                }
                FreeNumeric();
            }

            numeric = klu_factor(columnPointers, rowIndices, entries, symbolic, common);
            FreshFactorizations++;
            if (numeric == null)
                throw Status == KLU_SINGULAR ? Singular(values) : Failure("klu_factor");
            // Also rejects NaN, which klu_factor lets through as a "nonzero" pivot.
            if (!(EstimateReciprocalCondition() > 0))
            {
                FreeNumeric();
                throw Singular(values);
            }
        }
    }

    /// <summary>
    /// Solves A x = b in place with the last factorization. The span holds one right-hand
    /// side of length <see cref="Size"/>, or several stored one after another.
    /// </summary>
    public void Solve(Span<double> rhsThenSolution) => SolveCore(rhsThenSolution, transposed: false);

    /// <summary>
    /// Solves Aᵀ x = b in place with the last factorization. The span holds one right-hand
    /// side of length <see cref="Size"/>, or several stored one after another.
    /// </summary>
    public void SolveTransposed(Span<double> rhsThenSolution) => SolveCore(rhsThenSolution, transposed: true);

    private void SolveCore(Span<double> rhs, bool transposed)
    {
        ThrowIfDisposed();
        if (numeric == null)
            throw new InvalidOperationException("No valid factorization: Factor must succeed before solving.");
        if (rhs.Length == 0 || rhs.Length % Size != 0)
            throw new ArgumentException($"Right-hand side length {rhs.Length} is not a positive multiple of the matrix order {Size}.", nameof(rhs));

        fixed (double* b = rhs)
        {
            var ok = transposed
                ? klu_tsolve(symbolic, numeric, Size, rhs.Length / Size, b, common)
                : klu_solve(symbolic, numeric, Size, rhs.Length / Size, b, common);
            if (ok == 0)
                throw Failure(transposed ? "klu_tsolve" : "klu_solve");
        }
    }

    /// <summary>Frees the native factorization and pattern.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees native memory if the owner forgot to dispose.</summary>
    ~KluFactorization() => Release();

    private int Status => *(int*)(common + StatusOffset);

    private double EstimateReciprocalCondition()
    {
        if (klu_rcond(symbolic, numeric, common) == 0)
            throw Failure("klu_rcond");
        var rcond = *(double*)(common + RcondOffset);
        ReciprocalConditionEstimate = rcond;
        return rcond;
    }

    private Exception Singular(ReadOnlySpan<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                return new ArgumentException($"Matrix value {i} is {values[i]}; the factorization needs finite values.", nameof(values));
        }
        var column = Status == KLU_SINGULAR ? *(int*)(common + SingularColumnOffset) : -1;
        if (column < 0 || column >= Size)
            column = -1;
        var where = column >= 0 ? $" (zero pivot in column {column})" : "";
        return new SingularMatrixException($"The {Size}×{Size} matrix is singular{where}.", column);
    }

    private Exception Failure(string function)
    {
        var status = Status;
        var message = $"{function} failed: {Describe(status)}.";
        return status switch
        {
            KLU_OUT_OF_MEMORY => new OutOfMemoryException(message),
            KLU_INVALID => new ArgumentException(message),
            _ => new InvalidOperationException(message),
        };
    }

    /// <summary>
    /// Guards the hard-coded klu_common offsets: klu_defaults must have put its documented
    /// defaults where the SuiteSparse 5 layout says they are.
    /// </summary>
    private void RequireKnownCommonLayout()
    {
        var tol = *(double*)(common + TolOffset);
        var scale = *(int*)(common + ScaleOffset);
        var haltIfSingular = *(int*)(common + HaltIfSingularOffset);
        if (tol != 0.001 || scale != 2 || haltIfSingular != 1 || Status != KLU_OK)
            throw new NotSupportedException(
                "The loaded KLU library uses an unknown klu_common layout; SuiteSparse 5 or later (libklu1) is required.");
    }

    private static void ValidatePermutation(int n, int[] permutation)
    {
        if (permutation.Length != n)
            throw new ArgumentException($"Expected a permutation of length {n}, got {permutation.Length}.", nameof(permutation));
        var seen = new bool[n];
        foreach (var k in permutation)
        {
            if ((uint)k >= (uint)n || seen[k])
                throw new ArgumentException($"The ordering is not a permutation of 0..{n - 1} (entry {k}).", nameof(permutation));
            seen[k] = true;
        }
    }

    private static void ValidatePattern(int n, int[] colPointers, int[] rowIndices)
    {
        if (colPointers.Length != n + 1)
            throw new ArgumentException($"Expected {n + 1} column pointers, got {colPointers.Length}.", nameof(colPointers));
        if (colPointers[0] != 0)
            throw new ArgumentException("The first column pointer must be 0.", nameof(colPointers));
        if (rowIndices.Length != colPointers[n])
            throw new ArgumentException($"Expected {colPointers[n]} row indices (colPointers[n]), got {rowIndices.Length}.", nameof(rowIndices));

        // KLU scatters each column into a dense work vector, so a repeated row would silently
        // overwrite its twin instead of being summed.
        var lastColumnSeen = new int[n];
        Array.Fill(lastColumnSeen, -1);
        for (var column = 0; column < n; column++)
        {
            if (colPointers[column + 1] < colPointers[column])
                throw new ArgumentException($"Column pointers decrease at column {column}.", nameof(colPointers));
            for (var p = colPointers[column]; p < colPointers[column + 1]; p++)
            {
                var row = rowIndices[p];
                if ((uint)row >= (uint)n)
                    throw new ArgumentException($"Row index {row} at position {p} is outside 0..{n - 1}.", nameof(rowIndices));
                if (lastColumnSeen[row] == column)
                    throw new ArgumentException($"Row {row} appears twice in column {column}.", nameof(rowIndices));
                lastColumnSeen[row] = column;
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(common == null, this);

    private void FreeNumeric()
    {
        var handle = numeric;
        numeric = null;
        klu_free_numeric(&handle, common);
    }

    private void Release()
    {
        if (common != null)
        {
            if (numeric != null)
                FreeNumeric();
            if (symbolic != null)
            {
                var handle = symbolic;
                symbolic = null;
                klu_free_symbolic(&handle, common);
            }
        }
        NativeMemory.Free(columnPointers);
        NativeMemory.Free(rowIndices);
        NativeMemory.Free(common);
        columnPointers = null;
        rowIndices = null;
        common = null;
    }
}
