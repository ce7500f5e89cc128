using MathNet.Numerics.Interpolation;

namespace ElectrodeSim.Materials;

/// <summary>Equilibrium potential U(θ) [V vs Li/Li+] of an insertion material as a function of its state of lithiation θ = c_s / c_s,max.</summary>
public interface IOpenCircuitPotential
{
    string Name { get; }
    string Source { get; }
    /// <summary>U(θ) [V] and dU/dθ [V].</summary>
    double Evaluate(double theta, out double slope);
}

/// <summary>
/// A tabulated U(θ) interpolated with the monotone piecewise-cubic Hermite scheme of
/// Fritsch & Carlson (PCHIP): no overshoot between points, so a monotone table gives a
/// monotone curve. Outside the table it extends linearly with the end slopes.
/// </summary>
public sealed class TabulatedOcp : IOpenCircuitPotential
{
    private readonly CubicSpline _spline;
    private readonly double _thetaMin, _thetaMax, _uMin, _uMax, _slopeMin, _slopeMax;

    public TabulatedOcp(string name, string source, IReadOnlyList<double> theta, IReadOnlyList<double> potential)
    {
        if (theta.Count != potential.Count || theta.Count < 2)
            throw new ArgumentException($"OCP table '{name}' needs at least two (theta, U) pairs of equal count");
        for (int i = 1; i < theta.Count; i++)
            if (!(theta[i] > theta[i - 1]))
                throw new ArgumentException($"OCP table '{name}': theta must increase strictly (row {i}: {theta[i]} after {theta[i - 1]})");
        Name = name;
        Source = source;
        Theta = theta.ToArray();
        Potential = potential.ToArray();
        _spline = CubicSpline.InterpolatePchipSorted(Theta, Potential);
        _thetaMin = Theta[0];
        _thetaMax = Theta[^1];
        _uMin = Potential[0];
        _uMax = Potential[^1];
        _slopeMin = _spline.Differentiate(_thetaMin);
        _slopeMax = _spline.Differentiate(_thetaMax);
    }

    public string Name { get; }
    public string Source { get; }
    public double[] Theta { get; }
    public double[] Potential { get; }

    public double Evaluate(double theta, out double slope)
    {
        if (theta <= _thetaMin) { slope = _slopeMin; return _uMin + _slopeMin * (theta - _thetaMin); }
        if (theta >= _thetaMax) { slope = _slopeMax; return _uMax + _slopeMax * (theta - _thetaMax); }
        slope = _spline.Differentiate(theta);
        return _spline.Interpolate(theta);
    }

    /// <summary>Reads a CSV with '#' comment lines, an optional header, and θ, U in the first two columns.</summary>
    public static TabulatedOcp FromCsv(string path, string? name = null)
    {
        var theta = new List<double>();
        var u = new List<double>();
        var comments = new List<string>();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('#')) { comments.Add(line.TrimStart('#').Trim()); continue; }
            var parts = line.Split(',', ';', '\t');
            if (parts.Length < 2) continue;
            if (!double.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out double x)) continue; // header
            if (!double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out double y))
                throw new FormatException($"{path}: '{parts[1]}' is not a number");
            theta.Add(x);
            u.Add(y);
        }
        return new TabulatedOcp(name ?? System.IO.Path.GetFileNameWithoutExtension(path), comments.Count > 0 ? comments[0] : path, theta, u);
    }
}

/// <summary>A U(θ) given by a closed-form expression, with its derivative.</summary>
public sealed class FunctionOcp(string name, string source, Func<double, double> u, Func<double, double> dudTheta) : IOpenCircuitPotential
{
    public string Name { get; } = name;
    public string Source { get; } = source;
    public double Evaluate(double theta, out double slope) { slope = dudTheta(theta); return u(theta); }
}

/// <summary>Named equilibrium-potential functions.</summary>
public static class OpenCircuitPotentials
{
    private const double Eps = 1e-6;

    /// <summary>
    /// Silicon lithiation branch, 7th-order polynomial fit of Verbrugge, Baker & Xiao,
    /// J. Electrochem. Soc. 163 (2016) A262, doi:10.1149/2.0581602jes, with the end terms
    /// 1e-4 (1/θ + 1/(θ − 1)) as PyBaMM's Chen2020_composite evaluates it.
    /// </summary>
    public static IOpenCircuitPotential SiliconLithiationVerbrugge2016 { get; } = new FunctionOcp(
        "SiliconLithiation_Verbrugge2016", "Verbrugge et al., J. Electrochem. Soc. 163 (2016) A262, doi:10.1149/2.0581602jes",
        x => Poly(LithiationCoefficients, Clamp(x)) + 1e-4 * (1 / Clamp(x) + 1 / (Clamp(x) - 1)),
        x => PolyDerivative(LithiationCoefficients, Clamp(x)) - 1e-4 * (1 / (Clamp(x) * Clamp(x)) + 1 / ((Clamp(x) - 1) * (Clamp(x) - 1))));

    /// <summary>Silicon delithiation branch of the same fit.</summary>
    public static IOpenCircuitPotential SiliconDelithiationVerbrugge2016 { get; } = new FunctionOcp(
        "SiliconDelithiation_Verbrugge2016", "Verbrugge et al., J. Electrochem. Soc. 163 (2016) A262, doi:10.1149/2.0581602jes",
        x => Poly(DelithiationCoefficients, Clamp(x)),
        x => PolyDerivative(DelithiationCoefficients, Clamp(x)));

    // Highest power first (θ^7 … θ^0).
    private static readonly double[] LithiationCoefficients = [-96.63, 372.6, -587.6, 489.9, -232.8, 62.99, -9.286, 0.8633];
    private static readonly double[] DelithiationCoefficients = [-51.02, 161.3, -205.7, 140.2, -58.76, 16.87, -3.792, 0.9937];

    private static double Clamp(double x) => Math.Clamp(x, Eps, 1 - Eps);

    private static double Poly(double[] c, double x)
    {
        double s = 0;
        foreach (var a in c) s = s * x + a;
        return s;
    }

    private static double PolyDerivative(double[] c, double x)
    {
        double s = 0;
        int n = c.Length - 1;
        for (int i = 0; i < n; i++) s = s * x + c[i] * (n - i);
        return s;
    }
}

/// <summary>
/// Stand-in lithiation curve for SiO, built as MODEL.md §5 asks until a measured low-rate
/// (0.1 A/g) curve is supplied: the curve is normalised to its own 0.01 V end, so U(1) equals
/// <c>EndPotential</c>, with a steep decline (a logistic step of height <c>StepHeight</c> centred at
/// <c>StepCentre</c> with width <c>StepWidth</c>) onto a low sloping plateau (<c>PlateauSlope</c>
/// volts per unit θ above the end potential):
/// <c>U(θ) = U_end + s (1 − θ) + A [σ((θc − θ)/w) − σ((θc − 1)/w)]</c>, σ the logistic function.
/// </summary>
public sealed class SiOStandInOcp : IOpenCircuitPotential
{
    public SiOStandInOcp(double endPotential, double plateauSlope, double stepHeight, double stepCentre, double stepWidth)
    {
        EndPotential = endPotential;
        PlateauSlope = plateauSlope;
        StepHeight = stepHeight;
        StepCentre = stepCentre;
        StepWidth = stepWidth;
    }

    public double EndPotential { get; }
    public double PlateauSlope { get; }
    public double StepHeight { get; }
    public double StepCentre { get; }
    public double StepWidth { get; }
    public string Name => "SiO_stand_in";
    public string Source => "stand-in built for ElectrodeSim (MODEL.md §5): logistic step onto a low sloping plateau, U(1) = 0.01 V; parameters calibrated, see cases/README.md";

    private static double Logistic(double z) => 1.0 / (1.0 + Math.Exp(-z));

    public double Evaluate(double theta, out double slope)
    {
        double z = (StepCentre - theta) / StepWidth;
        double s = Logistic(z);
        slope = -PlateauSlope - StepHeight * s * (1 - s) / StepWidth;
        return EndPotential + PlateauSlope * (1 - theta) + StepHeight * (s - Logistic((StepCentre - 1) / StepWidth));
    }
}
