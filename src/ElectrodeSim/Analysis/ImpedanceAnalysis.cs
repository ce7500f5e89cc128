using ElectrodeSim.Materials;

namespace ElectrodeSim.Analysis;

/// <summary>The high-frequency semicircle of a spectrum: series resistance, charge-transfer resistance [Ω·m²] and where the arc ends.</summary>
/// <param name="SeriesResistance">Re Z where the arc meets the real axis on the high-frequency side [Ω·m²].</param>
/// <param name="ChargeTransferResistance">The arc's chord on the real axis [Ω·m²].</param>
/// <param name="ApexFrequency">Frequency of the arc's top (largest −Im Z) [Hz]; C = 1/(2π f R_ct) for an ideal arc.</param>
/// <param name="Points">Spectrum points the circle was fitted to.</param>
public readonly record struct Semicircle(double SeriesResistance, double ChargeTransferResistance, double ApexFrequency, double CentreImaginary, int Points)
{
    /// <summary>C = 1/(2π f_apex R_ct) [F/m²].</summary>
    public double Capacitance => 1.0 / (2 * Math.PI * ApexFrequency * ChargeTransferResistance);
}

/// <summary>Activation energy [J/mol] from an Arrhenius fit, with its standard error.</summary>
public readonly record struct ArrheniusFit(double ActivationEnergy, double ActivationEnergyError, double RSquared, int Points);

/// <summary>
/// The impedance analyses of the seed papers, for simulated or measured spectra alike: the charge-transfer resistance
/// from the high-frequency semicircle (an algebraic circle fit, Kåsa, to the points from the highest frequency to the
/// first minimum of −Im Z after the arc's top), and the activation energy from R_ct(T).
/// </summary>
public static class ImpedanceAnalysis
{
    /// <param name="frequency">[Hz], any order.</param>
    /// <param name="real">Re Z.</param>
    /// <param name="imaginary">Im Z (negative for a capacitive arc).</param>
    public static Semicircle FitSemicircle(IReadOnlyList<double> frequency, IReadOnlyList<double> real, IReadOnlyList<double> imaginary)
    {
        var order = Enumerable.Range(0, frequency.Count).OrderByDescending(k => frequency[k]).ToArray();
        var f = order.Select(k => frequency[k]).ToArray();
        var x = order.Select(k => real[k]).ToArray();
        var y = order.Select(k => -imaginary[k]).ToArray();
        int apex = 0;
        while (apex + 1 < y.Length && y[apex + 1] >= y[apex]) apex++;
        int end = apex;
        while (end + 1 < y.Length && y[end + 1] <= y[end]) end++;
        int start = 0;
        if (end - start + 1 < 3) throw new ArgumentException("no semicircle: fewer than three points from the highest frequency to the end of the first arc");
        // Kåsa: x² + y² + D x + E y + F = 0, linear least squares in D, E, F.
        var a = new double[3, 3];
        var b = new double[3];
        for (int k = start; k <= end; k++)
        {
            double[] row = [x[k], y[k], 1];
            double rhs = -(x[k] * x[k] + y[k] * y[k]);
            for (int r = 0; r < 3; r++) { b[r] += row[r] * rhs; for (int c = 0; c < 3; c++) a[r, c] += row[r] * row[c]; }
        }
        var s = Solve3(a, b);
        double xc = -s[0] / 2, yc = -s[1] / 2, radius = Math.Sqrt(xc * xc + yc * yc - s[2]);
        double half = Math.Sqrt(Math.Max(0, radius * radius - yc * yc));
        return new Semicircle(xc - half, 2 * half, f[apex], -yc, end - start + 1);
    }

    /// <summary>
    /// E_a from R_ct at temperatures T [K]: slope of ln(1/R_ct) against 1/T times −R (the paper's form, 1/R_ct ∝ exp(−E_a/RT));
    /// with <paramref name="withTemperature"/>, of ln(T/R_ct), the form exact for Butler–Volmer kinetics (R_ct = RT/(F j0)).
    /// </summary>
    public static ArrheniusFit Arrhenius(IReadOnlyList<double> temperatures, IReadOnlyList<double> resistances, bool withTemperature = false)
    {
        var x = temperatures.Select(t => 1.0 / t).ToList();
        var y = temperatures.Select((t, k) => Math.Log((withTemperature ? t : 1.0) / resistances[k])).ToList();
        var fit = LineFit.Of(x, y);
        return new ArrheniusFit(-fit.Slope * PhysicalConstants.GasConstant, fit.SlopeError * PhysicalConstants.GasConstant, fit.RSquared, fit.Points);
    }

    /// <summary>The 3 × 3 system a x = b (MathNet's LU with partial pivoting).</summary>
    private static double[] Solve3(double[,] a, double[] b) =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a).Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(b)).ToArray();
}
