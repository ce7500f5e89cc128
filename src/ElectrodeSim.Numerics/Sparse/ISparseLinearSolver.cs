namespace ElectrodeSim.Numerics.Sparse;

/// <summary>A direct solver for matrices that share one <see cref="SparsityPattern"/>.</summary>
public interface ISparseLinearSolver : IDisposable
{
    /// <summary>Factorises the matrix with the given values; the pattern's symbolic analysis is reused.</summary>
    /// <exception cref="SingularIterationMatrixException">when the matrix is numerically singular.</exception>
    void Factor(ReadOnlySpan<double> values);

    /// <summary>
    /// Factorises the matrix <c>values + a M</c>, M the diagonal matrix <paramref name="shift"/> describes (in the BDF
    /// iteration matrix a0 M + ∂g/∂y: the mass matrix, a = a0). By default the shift is added to <paramref name="values"/>,
    /// which are then factorised; a solver that copies the values anyway may add it on the way and leave them unchanged.
    /// </summary>
    /// <exception cref="SingularIterationMatrixException">when the matrix is numerically singular.</exception>
    void Factor(Span<double> values, double a, DiagonalShift shift)
    {
        shift.AddTo(values, a);
        Factor(values);
    }

    /// <summary>Solves A x = b in place using the last factorisation.</summary>
    void Solve(Span<double> rhsThenSolution);

    /// <summary>
    /// Solves A x = b in place to a relative residual <paramref name="relativeTolerance"/> (a forcing term of an inexact
    /// Newton iteration): an iterative solver may stop there instead of at its own tolerance; a direct solver ignores it.
    /// </summary>
    void Solve(Span<double> rhsThenSolution, double relativeTolerance) => Solve(rhsThenSolution);
}

public sealed class SingularIterationMatrixException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A diagonal matrix on a pattern: <see cref="Coefficients"/>[j] on the diagonal entry at value slot <see cref="Slots"/>[j]
/// (every other diagonal entry zero). A solver may prepare for one shift once and recognise it by reference.
/// </summary>
public sealed class DiagonalShift(int[] slots, double[] coefficients)
{
    public int[] Slots { get; } = slots.Length == coefficients.Length ? slots
        : throw new ArgumentException($"{slots.Length} slots but {coefficients.Length} coefficients");
    public double[] Coefficients { get; } = coefficients;

    /// <summary>values[Slots[j]] += a Coefficients[j].</summary>
    public void AddTo(Span<double> values, double a)
    {
        var slots = Slots;
        var coefficients = Coefficients;
        for (int j = 0; j < slots.Length; j++) values[slots[j]] += a * coefficients[j];
    }
}
