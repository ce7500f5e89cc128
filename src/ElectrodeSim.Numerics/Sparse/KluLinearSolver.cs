using ElectrodeSim.Native.Klu;

namespace ElectrodeSim.Numerics.Sparse;

/// <summary>
/// SuiteSparse KLU behind <see cref="ISparseLinearSolver"/>: the symbolic analysis (by default block
/// triangular form + AMD ordering; <see cref="KluOptions"/> for others) is done once per pattern, numeric
/// factorisations are <c>klu_refactor</c> calls on the same pivot sequence.
/// </summary>
public sealed class KluLinearSolver : ISparseLinearSolver
{
    private readonly KluFactorization _klu;

    public KluLinearSolver(SparsityPattern pattern) =>
        _klu = new KluFactorization(pattern.Size, pattern.ColumnPointers, pattern.RowIndices);

    public KluLinearSolver(SparsityPattern pattern, KluOptions options) =>
        _klu = new KluFactorization(pattern.Size, pattern.ColumnPointers, pattern.RowIndices, options);

    /// <summary>Factorisations with fresh pivoting (the rest reused the pivot order).</summary>
    public int FreshFactorizations => _klu.FreshFactorizations;

    /// <summary>Floating-point operations of the last factorisation.</summary>
    public double FlopCount => _klu.FlopCount;

    /// <summary>Entries of L and U of the last factorisation (the memory one triangular solve pair reads).</summary>
    public double FactorEntries => _klu.FactorEntries;

    /// <summary>Entries of L and U of the last factorisation (see <see cref="KluFactorization.FactorNonZeros"/>).</summary>
    public (int Lower, int Upper) FactorNonZeros => _klu.FactorNonZeros;

    /// <summary>Copies the last factorisation out: L U = P (R⁻¹ A) Q (see <see cref="KluFactorization.ExtractFactors"/>).</summary>
    public void ExtractFactors(Span<int> lowerPointers, Span<int> lowerRows, Span<double> lowerValues,
                               Span<int> upperPointers, Span<int> upperRows, Span<double> upperValues,
                               Span<int> rowPermutation, Span<int> columnPermutation, Span<double> rowScale) =>
        _klu.ExtractFactors(lowerPointers, lowerRows, lowerValues, upperPointers, upperRows, upperValues, rowPermutation, columnPermutation, rowScale);

    public void Factor(ReadOnlySpan<double> values)
    {
        try { _klu.Factor(values); }
        catch (SingularMatrixException e) { throw new SingularIterationMatrixException(e.Message, e); }
        // Non-finite entries (an overflowing exponential in a trial iterate): the step is cut, not the run.
        catch (ArgumentException e) { throw new SingularIterationMatrixException(e.Message, e); }
    }

    public void Solve(Span<double> rhsThenSolution) => _klu.Solve(rhsThenSolution);

    public void Dispose() => _klu.Dispose();
}
