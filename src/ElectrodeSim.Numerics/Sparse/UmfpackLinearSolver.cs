using ElectrodeSim.Native.Klu;
using ElectrodeSim.Native.Umfpack;

namespace ElectrodeSim.Numerics.Sparse;

/// <summary>
/// SuiteSparse UMFPACK behind <see cref="ISparseLinearSolver"/>: one symbolic analysis per pattern (the fill-reducing
/// ordering, e.g. METIS nested dissection for a 2-D mesh), a multifrontal numeric factorisation per call.
/// </summary>
public sealed class UmfpackLinearSolver(SparsityPattern pattern, UmfpackOrdering ordering = UmfpackOrdering.Amd) : ISparseLinearSolver
{
    private readonly UmfpackFactorization _lu = new(pattern.Size, pattern.ColumnPointers, pattern.RowIndices, ordering);

    /// <summary>Floating-point operations of the last factorisation.</summary>
    public double FlopCount => _lu.FlopCount;

    public void Factor(ReadOnlySpan<double> values)
    {
        try { _lu.Factor(values); }
        catch (SingularMatrixException e) { throw new SingularIterationMatrixException(e.Message, e); }
        catch (ArgumentException e) { throw new SingularIterationMatrixException(e.Message, e); }
    }

    public void Solve(Span<double> rhsThenSolution) => _lu.Solve(rhsThenSolution);

    public void Dispose() => _lu.Dispose();
}
