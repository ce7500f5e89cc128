using System.Runtime.InteropServices;
using ElectrodeSim.Native.Klu;

namespace ElectrodeSim.Native.Umfpack;

/// <summary>UMFPACK's fill-reducing orderings (Control[UMFPACK_ORDERING], SuiteSparse 5).</summary>
public enum UmfpackOrdering
{
    /// <summary>CHOLMOD's choice (AMD, and METIS nested dissection when AMD fills badly).</summary>
    Cholmod = 0,
    /// <summary>Approximate minimum degree (UMFPACK's default).</summary>
    Amd = 1,
    /// <summary>METIS nested dissection.</summary>
    Metis = 3,
    /// <summary>The best of AMD, METIS and CHOLMOD's (three analyses).</summary>
    Best = 4,
}

/// <summary>
/// Sparse direct LU factorisation (SuiteSparse UMFPACK, multifrontal with dense BLAS kernels on the fronts) of a square
/// matrix with a fixed compressed-sparse-column pattern. The symbolic analysis (ordering, elimination tree, front sizes)
/// is done once in the constructor and reused by every numeric factorisation.
/// </summary>
/// <remarks>An instance is not thread-safe.</remarks>
public sealed unsafe partial class UmfpackFactorization : IDisposable
{
    private const int ControlLength = 20, InfoLength = 90;
    private const int StrategyIndex = 5, IterativeRefinementIndex = 7, OrderingIndex = 10, FlopsInfo = 42;
    private const int StatusOk = 0, WarningSingular = 1;
    private const int SystemA = 0;

    [LibraryImport(NativeLibraries.Umfpack)] private static partial void umfpack_di_defaults(double* control);
    [LibraryImport(NativeLibraries.Umfpack)] private static partial int umfpack_di_symbolic(int rows, int columns, int* columnPointers, int* rowIndices, double* values, void** symbolic, double* control, double* info);
    [LibraryImport(NativeLibraries.Umfpack)] private static partial int umfpack_di_numeric(int* columnPointers, int* rowIndices, double* values, void* symbolic, void** numeric, double* control, double* info);
    [LibraryImport(NativeLibraries.Umfpack)] private static partial int umfpack_di_solve(int system, int* columnPointers, int* rowIndices, double* values, double* x, double* b, void* numeric, double* control, double* info);
    [LibraryImport(NativeLibraries.Umfpack)] private static partial void umfpack_di_free_symbolic(void** symbolic);
    [LibraryImport(NativeLibraries.Umfpack)] private static partial void umfpack_di_free_numeric(void** numeric);

    private readonly int _nonZeros;
    private int* _columnPointers, _rowIndices;
    private double* _values, _control, _info, _work;
    private void* _symbolic, _numeric;

    /// <summary>Copies the pattern and runs the symbolic analysis with the given ordering.</summary>
    /// <param name="n">Order of the matrix.</param>
    /// <param name="colPointers">0-based column pointers, length n + 1.</param>
    /// <param name="rowIndices">0-based row indices, ascending within each column.</param>
    /// <param name="ordering">Fill-reducing ordering.</param>
    public UmfpackFactorization(int n, int[] colPointers, int[] rowIndices, UmfpackOrdering ordering = UmfpackOrdering.Amd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (colPointers.Length != n + 1 || colPointers[0] != 0 || rowIndices.Length != colPointers[n])
            throw new ArgumentException($"not a compressed-sparse-column pattern of order {n}", nameof(colPointers));
        Size = n;
        _nonZeros = colPointers[n];
        try
        {
            _control = (double*)NativeMemory.AllocZeroed(ControlLength, sizeof(double));
            _info = (double*)NativeMemory.AllocZeroed(InfoLength, sizeof(double));
            umfpack_di_defaults(_control);
            _control[OrderingIndex] = (int)ordering;
            _control[IterativeRefinementIndex] = 0; // the Newton iteration is the refinement
            _columnPointers = (int*)NativeMemory.Alloc((nuint)(n + 1), sizeof(int));
            _rowIndices = (int*)NativeMemory.Alloc((nuint)Math.Max(_nonZeros, 1), sizeof(int));
            _values = (double*)NativeMemory.AllocZeroed((nuint)Math.Max(_nonZeros, 1), sizeof(double));
            _work = (double*)NativeMemory.Alloc((nuint)n, sizeof(double));
            colPointers.AsSpan().CopyTo(new Span<int>(_columnPointers, n + 1));
            rowIndices.AsSpan().CopyTo(new Span<int>(_rowIndices, _nonZeros));
            // The symbolic analysis looks at the pattern only (values are used for nothing but statistics), so ones will do.
            new Span<double>(_values, _nonZeros).Fill(1.0);
            void* symbolic;
            int status;
            // Every ordering but AMD may run METIS, whose random generator is process-wide: serialised with MetisOrdering's calls.
            if (ordering == UmfpackOrdering.Amd) status = umfpack_di_symbolic(n, n, _columnPointers, _rowIndices, _values, &symbolic, _control, _info);
            else lock (Metis.MetisOrdering.Serial) status = umfpack_di_symbolic(n, n, _columnPointers, _rowIndices, _values, &symbolic, _control, _info);
            if (status != StatusOk) throw new InvalidOperationException($"umfpack_di_symbolic failed with status {status}");
            _symbolic = symbolic;
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <summary>Order of the matrix.</summary>
    public int Size { get; }

    /// <summary>Floating-point operations of the last numeric factorisation (Info[UMFPACK_FLOPS]).</summary>
    public double FlopCount => _info == null ? double.NaN : _info[FlopsInfo];

    /// <summary>Numeric factorisation with the given values (in pattern order), reusing the symbolic analysis.</summary>
    /// <exception cref="SingularMatrixException">A zero pivot.</exception>
    /// <exception cref="ArgumentException">Wrong length or non-finite values.</exception>
    public void Factor(ReadOnlySpan<double> values)
    {
        ObjectDisposedException.ThrowIf(_control == null, this);
        if (values.Length != _nonZeros) throw new ArgumentException($"Expected {_nonZeros} values for the pattern, got {values.Length}.", nameof(values));
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) throw new ArgumentException($"Matrix value {i} is {values[i]}; the factorization needs finite values.", nameof(values));
        values.CopyTo(new Span<double>(_values, _nonZeros));
        FreeNumeric();
        void* numeric;
        int status = umfpack_di_numeric(_columnPointers, _rowIndices, _values, _symbolic, &numeric, _control, _info);
        if (status == WarningSingular)
        {
            umfpack_di_free_numeric(&numeric);
            throw new SingularMatrixException($"The {Size}×{Size} matrix is singular.", -1);
        }
        if (status != StatusOk) throw new InvalidOperationException($"umfpack_di_numeric failed with status {status}");
        _numeric = numeric;
    }

    /// <summary>Solves A x = b in place with the last factorisation (one right-hand side).</summary>
    public void Solve(Span<double> rhsThenSolution)
    {
        ObjectDisposedException.ThrowIf(_control == null, this);
        if (_numeric == null) throw new InvalidOperationException("No valid factorization: Factor must succeed before solving.");
        if (rhsThenSolution.Length != Size) throw new ArgumentException($"Right-hand side length {rhsThenSolution.Length} is not the matrix order {Size}.", nameof(rhsThenSolution));
        fixed (double* b = rhsThenSolution)
        {
            int status = umfpack_di_solve(SystemA, _columnPointers, _rowIndices, _values, _work, b, _numeric, _control, _info);
            if (status != StatusOk) throw new InvalidOperationException($"umfpack_di_solve failed with status {status}");
        }
        new ReadOnlySpan<double>(_work, Size).CopyTo(rhsThenSolution);
    }

    /// <summary>Frees the native objects.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees native memory if the owner forgot to dispose.</summary>
    ~UmfpackFactorization() => Release();

    private void FreeNumeric()
    {
        if (_numeric == null) return;
        void* numeric = _numeric;
        _numeric = null;
        umfpack_di_free_numeric(&numeric);
    }

    private void Release()
    {
        FreeNumeric();
        if (_symbolic != null)
        {
            void* symbolic = _symbolic;
            _symbolic = null;
            umfpack_di_free_symbolic(&symbolic);
        }
        NativeMemory.Free(_columnPointers); _columnPointers = null;
        NativeMemory.Free(_rowIndices); _rowIndices = null;
        NativeMemory.Free(_values); _values = null;
        NativeMemory.Free(_work); _work = null;
        NativeMemory.Free(_control); _control = null;
        NativeMemory.Free(_info); _info = null;
    }
}
