using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Numerics.TimeIntegration;

/// <summary>
/// A semi-explicit index-1 DAE in the form <c>M dy/dt + g(t, y) = 0</c> with a constant
/// diagonal mass matrix M (zero on algebraic rows).
/// </summary>
public interface IDaeSystem
{
    int Size { get; }

    /// <summary>Pattern of ∂g/∂y; must contain the diagonal.</summary>
    SparsityPattern JacobianPattern { get; }

    /// <summary>Diagonal of M; 0 marks an algebraic unknown.</summary>
    ReadOnlySpan<double> MassDiagonal { get; }

    /// <summary>Typical magnitude of each unknown, in its own unit; absolute tolerances are rtol × scale.</summary>
    ReadOnlySpan<double> Scale { get; }

    /// <summary>
    /// Evaluates g(t, y) into <paramref name="residual"/> and, when <paramref name="jacobian"/>
    /// is not empty, ∂g/∂y into it in the order of <see cref="JacobianPattern"/>.
    /// </summary>
    void Evaluate(double t, ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian);
}
