namespace ElectrodeSim.Materials;

/// <summary>A correlation's value f(c, T) and its slope ∂f/∂c from one evaluation.</summary>
public delegate double CorrelationWithSlope(double c, double temperature, out double dfdc);

/// <summary>A correlation f(c, T) with its source; the derivative ∂f/∂c is by central difference unless supplied.</summary>
public sealed class Correlation
{
    private readonly Func<double, double, double> _f;
    private readonly Func<double, double, double>? _dfdc;
    private readonly CorrelationWithSlope? _withSlope;

    public Correlation(string name, string source, string unit, Func<double, double, double> f, Func<double, double, double>? dfdc = null)
    {
        Name = name;
        Source = source;
        Unit = unit;
        _f = f;
        _dfdc = dfdc;
    }

    /// <summary>
    /// A correlation whose value and slope share their costly parts (an exp, a square root): <paramref name="withSlope"/> gives
    /// both from one call, <paramref name="f"/> the value alone (for evaluations without a Jacobian).
    /// </summary>
    public Correlation(string name, string source, string unit, Func<double, double, double> f, CorrelationWithSlope withSlope)
        : this(name, source, unit, f)
    {
        _withSlope = withSlope;
    }

    public string Name { get; }
    public string Source { get; }
    public string Unit { get; }

    public double Value(double c, double temperature) => _f(c, temperature);

    /// <summary>Value and ∂f/∂c. Central difference with a step of 1e-6 relative (error ~1e-10 relative for smooth correlations).</summary>
    public double Value(double c, double temperature, out double dfdc)
    {
        if (_withSlope != null) return _withSlope(c, temperature, out dfdc);
        if (_dfdc != null)
        {
            dfdc = _dfdc(c, temperature);
            return _f(c, temperature);
        }
        double h = 1e-6 * Math.Max(Math.Abs(c), 1.0);
        dfdc = (_f(c + h, temperature) - _f(c - h, temperature)) / (2 * h);
        return _f(c, temperature);
    }

    /// <summary>The value of a <see cref="Constant"/> correlation (its slope 0); null for one that depends on c or T.</summary>
    public double? ConstantValue { get; private init; }

    public static Correlation Constant(string name, string unit, double value) =>
        new(name, "constant", unit, (_, _) => value, (double _, double _, out double slope) => { slope = 0.0; return value; }) { ConstantValue = value };
}
