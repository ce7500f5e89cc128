namespace ElectrodeSim.Numerics.Sparse;

/// <summary>A direct solver for matrices that share one <see cref="SparsityPattern"/>.</summary>
public interface ISparseLinearSolver : IDisposable
{
    /// <summary>Factorises the matrix with the given values; the pattern's symbolic analysis is reused.</summary>
    /// <exception cref="SingularIterationMatrixException">when the matrix is numerically singular.</exception>
    void Factor(ReadOnlySpan<double> values);

    /// <summary>Solves A x = b in place using the last factorisation.</summary>
    void Solve(Span<double> rhsThenSolution);

    /// <summary>
    /// Solves A x = b in place to a relative residual <paramref name="relativeTolerance"/> (a forcing term of an inexact
    /// Newton iteration): an iterative solver may stop there instead of at its own tolerance; a direct solver ignores it.
    /// </summary>
    void Solve(Span<double> rhsThenSolution, double relativeTolerance) => Solve(rhsThenSolution);
}

public sealed class SingularIterationMatrixException(string message, Exception? inner = null) : Exception(message, inner);
