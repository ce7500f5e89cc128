namespace ElectrodeSim.Native.Klu;

/// <summary>The matrix handed to <see cref="KluFactorization.Factor"/> is singular.</summary>
public sealed class SingularMatrixException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Description of the failure.</param>
    /// <param name="column">Column of the original matrix with a zero pivot, or -1 if unknown.</param>
    public SingularMatrixException(string message, int column)
        : base(message)
    {
        Column = column;
    }

    /// <summary>
    /// Column of the original matrix at which KLU found a zero pivot (the unknown that is
    /// undetermined), or -1 if KLU did not report one.
    /// </summary>
    public int Column { get; }
}
