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

/// <summary>
/// <see cref="ImpedanceAnalysis.TransmissionLine"/> fitted to a spectrum's charge-transfer arc: series resistance, the pore
/// electrolyte's resistance across the electrode, the interface's charge-transfer resistance, the solid rail's resistance
/// (all [Ω·m²] of cell area), the double layer's capacitance [F/m²] of cell area, the RMS of the relative residuals [1]
/// and the points fitted.
/// </summary>
public sealed record PorousElectrodeFit(double SeriesResistance, double IonicResistance, double ChargeTransferResistance, double Capacitance, double Residual, int Points, double SolidResistance = 0);

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

    /// <summary>
    /// The impedance of a porous electrode in series with R_s [Ω·m²]: de Levie's transmission line with two rails, the pore
    /// electrolyte (resistance R_ion across the electrode's thickness) and the solid (R_sol), loaded by the interface,
    /// charge-transfer resistance R_ct parallel to the double layer C, both summed over the electrode (R_ct = r_ct/(a L),
    /// C = C_dl a L): with z = R_ct/(1 + iωR_ct C) and ν = √((R_ion + R_sol)/z),
    /// Z = R_s + R_ion R_sol/(R_ion + R_sol) (1 + 2/(ν sinh ν)) + (R_ion² + R_sol²)/(R_ion + R_sol) coth(ν)/ν
    /// (symmetric in the two rails). R_sol = 0 gives √(R_ion z) coth √(R_ion/z); both → 0 the Randles circuit.
    /// </summary>
    public static System.Numerics.Complex TransmissionLine(double frequency, double seriesResistance, double ionicResistance, double chargeTransferResistance, double capacitance,
                                                           double solidResistance = 0)
    {
        var z = chargeTransferResistance / new System.Numerics.Complex(1, 2 * Math.PI * frequency * chargeTransferResistance * capacitance);
        double sum = ionicResistance + solidResistance;
        if (sum <= 0) return seriesResistance + z;
        var nu = System.Numerics.Complex.Sqrt(sum / z);
        // coth ν = (1 + e^{-2ν})/(1 − e^{-2ν}) and 1/sinh ν = 2e^{-ν}/(1 − e^{-2ν}) with Re ν > 0: no overflow for large ν.
        var e2 = System.Numerics.Complex.Exp(-2 * nu);
        var coth = (1 + e2) / (1 - e2);
        var cosech = 2 * System.Numerics.Complex.Exp(-nu) / (1 - e2);
        return seriesResistance + ionicResistance * solidResistance / sum * (1 + 2 * cosech / nu)
               + (ionicResistance * ionicResistance + solidResistance * solidResistance) / sum * coth / nu;
    }

    /// <summary>
    /// R_s, R_ion, R_ct, C and R_sol of <see cref="TransmissionLine"/> fitted to the spectrum's charge-transfer arc (the points
    /// <see cref="FitSemicircle"/> uses, from the highest frequency to the first minimum of −Im Z after the arc's top, less
    /// the last half decade, where the next process already adds to −Im Z) by
    /// Levenberg–Marquardt on the real and imaginary parts, each residual divided by |Z| at its frequency, the parameters
    /// in logarithms (all stay &gt; 0), started from the circle fit with R_ion/R_ct from 10⁻³ to 10 (R_sol 10⁻³ and 10⁻¹ of it) and the best kept.
    /// Unlike the circle's chord, R_ct is then the interface's own resistance even where the pore electrolyte's resistance
    /// is comparable (the chord is the line's d.c. limit, √(R_ion R_ct) coth √(R_ion/R_ct), not R_ct).
    /// </summary>
    public static PorousElectrodeFit FitTransmissionLine(IReadOnlyList<double> frequency, IReadOnlyList<double> real, IReadOnlyList<double> imaginary)
    {
        var circle = FitSemicircle(frequency, real, imaginary);
        // The arc's last half decade, where the next (diffusion) process already adds to −Im Z, is left out.
        var arc = Enumerable.Range(0, frequency.Count).OrderByDescending(k => frequency[k]).Take(circle.Points).ToArray();
        double lowest = Math.Sqrt(10) * frequency[arc[^1]];
        var order = arc.Where(k => frequency[k] >= lowest).ToArray();
        if (order.Length < 8) order = arc;
        var f = order.Select(k => frequency[k]).ToArray();
        var zr = order.Select(k => real[k]).ToArray();
        var zi = order.Select(k => imaginary[k]).ToArray();
        double chord = Math.Max(circle.ChargeTransferResistance, 1e-12 * Math.Abs(circle.SeriesResistance) + 1e-300);
        double rs0 = circle.SeriesResistance > 0 ? circle.SeriesResistance : zr.Min();
        PorousElectrodeFit? best = null;
        foreach (double ratio in new[] { 1e-3, 1e-2, 1e-1, 1, 10 })
            foreach (double solid in new[] { 1e-3, 1e-1 })
            {
                double[] p = [Math.Log(rs0), Math.Log(ratio * chord), Math.Log(chord), Math.Log(circle.Capacitance), Math.Log(solid * ratio * chord)];
                var fit = LevenbergMarquardt(f, zr, zi, p);
                if (best is null || fit.Residual < best.Residual) best = fit;
            }
        return best!;
    }

    private static double[] Residuals(double[] f, double[] zr, double[] zi, double[] p)
    {
        var r = new double[2 * f.Length];
        for (int k = 0; k < f.Length; k++)
        {
            var z = TransmissionLine(f[k], Math.Exp(p[0]), Math.Exp(p[1]), Math.Exp(p[2]), Math.Exp(p[3]), Math.Exp(p[4]));
            double scale = Math.Sqrt(zr[k] * zr[k] + zi[k] * zi[k]);
            r[2 * k] = (z.Real - zr[k]) / scale;
            r[2 * k + 1] = (z.Imaginary - zi[k]) / scale;
        }
        return r;
    }

    private static PorousElectrodeFit LevenbergMarquardt(double[] f, double[] zr, double[] zi, double[] p)
    {
        int n = p.Length;
        var r = Residuals(f, zr, zi, p);
        double cost = r.Sum(v => v * v), mu = 1e-3;
        bool converged = false;
        for (int iteration = 0; iteration < 200 && !converged; iteration++)
        {
            // Forward-difference Jacobian in the log parameters.
            var jacobian = new double[r.Length, n];
            for (int c = 0; c < n; c++)
            {
                var q = (double[])p.Clone();
                q[c] += 1e-7;
                var rq = Residuals(f, zr, zi, q);
                for (int k = 0; k < r.Length; k++) jacobian[k, c] = (rq[k] - r[k]) / 1e-7;
            }
            var jtj = new double[n, n];
            var jtr = new double[n];
            for (int a = 0; a < n; a++)
            {
                for (int k = 0; k < r.Length; k++) jtr[a] -= jacobian[k, a] * r[k];
                for (int b = 0; b < n; b++)
                    for (int k = 0; k < r.Length; k++) jtj[a, b] += jacobian[k, a] * jacobian[k, b];
            }
            bool improved = false;
            while (mu < 1e12)
            {
                var damped = (double[,])jtj.Clone();
                for (int a = 0; a < n; a++) damped[a, a] += mu * (jtj[a, a] + 1e-12);
                var step = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(damped).Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(jtr)).ToArray();
                var trial = p.Zip(step, (x, d) => x + Math.Clamp(d, -2, 2)).ToArray();
                var rt = Residuals(f, zr, zi, trial);
                double trialCost = rt.Sum(v => v * v);
                if (double.IsFinite(trialCost) && trialCost < cost)
                {
                    double change = step.Max(Math.Abs);
                    p = trial; r = rt;
                    converged = change < 1e-10 || cost - trialCost < 1e-14 * cost;
                    cost = trialCost;
                    mu = Math.Max(mu / 10, 1e-12);
                    improved = true;
                    break;
                }
                mu *= 10;
            }
            if (!improved) break;
        }
        // The line is symmetric in its rails: the larger is called the electrolyte's.
        double rail1 = Math.Exp(p[1]), rail2 = Math.Exp(p[4]);
        return new PorousElectrodeFit(Math.Exp(p[0]), Math.Max(rail1, rail2), Math.Exp(p[2]), Math.Exp(p[3]), Math.Sqrt(cost / r.Length), f.Length, Math.Min(rail1, rail2));
    }

    /// <summary>The 3 × 3 system a x = b (MathNet's LU with partial pivoting).</summary>
    private static double[] Solve3(double[,] a, double[] b) =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a).Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(b)).ToArray();

    /// <summary>
    /// Distribution of relaxation times (as seed 003 evaluates its spectra): Z(f) ≈ R_∞ + Σ_k g_k / (1 + i 2π f τ_k) over
    /// <paramref name="timesPerDecade"/> log-spaced τ_k from a decade below 1/(2π f_max) to a decade above 1/(2π f_min), the
    /// weights g_k ≥ 0 [Ω·m²] and R_∞ ≥ 0 by Tikhonov-regularised non-negative least squares on the real and imaginary parts
    /// together: min ‖(A x − z)/s‖² + λ ‖g/s‖², s = max |Z| (so λ [1] is independent of the impedance's scale), solved by
    /// Lawson–Hanson's active-set NNLS on the system stacked with √λ I, each passive-set subproblem by MathNet's QR.
    /// A blocking (diffusion-limited) low-frequency tail has no finite τ and lands on the largest τ_k.
    /// </summary>
    public static RelaxationTimeDistribution DistributionOfRelaxationTimes(IReadOnlyList<double> frequency, IReadOnlyList<double> real, IReadOnlyList<double> imaginary,
                                                                           double regularisation = 1e-4, int timesPerDecade = 10)
    {
        int m = frequency.Count;
        if (real.Count != m || imaginary.Count != m) throw new ArgumentException("frequency, real and imaginary differ in length");
        if (m < 3) throw new ArgumentException("a distribution of relaxation times needs at least three frequencies");
        if (!(regularisation > 0) || !double.IsFinite(regularisation)) throw new ArgumentOutOfRangeException(nameof(regularisation), regularisation, "λ must be finite and > 0");
        if (timesPerDecade < 1) throw new ArgumentOutOfRangeException(nameof(timesPerDecade), timesPerDecade, "at least one τ per decade");
        double fMin = frequency.Min(), fMax = frequency.Max();
        if (!(fMin > 0)) throw new ArgumentException("frequencies must be > 0");
        double logLow = Math.Log10(1 / (2 * Math.PI * fMax)) - 1, logHigh = Math.Log10(1 / (2 * Math.PI * fMin)) + 1;
        int n = (int)Math.Ceiling((logHigh - logLow) * timesPerDecade) + 1;
        var tau = Enumerable.Range(0, n).Select(k => Math.Pow(10, logLow + k * (logHigh - logLow) / (n - 1))).ToArray();
        double scale = Enumerable.Range(0, m).Max(k => Math.Sqrt(real[k] * real[k] + imaginary[k] * imaginary[k]));
        if (!(scale > 0)) throw new ArgumentException("the spectrum is zero");
        // Unknowns: R_∞, g_1..g_n (scaled by s). Rows: Re, Im per frequency, then √λ per g.
        int rows = 2 * m + n, cols = n + 1;
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(rows, cols);
        var b = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(rows);
        double root = Math.Sqrt(regularisation);
        for (int i = 0; i < m; i++)
        {
            double w = 2 * Math.PI * frequency[i];
            a[2 * i, 0] = 1;
            for (int k = 0; k < n; k++)
            {
                double wt = w * tau[k], d = 1 + wt * wt;
                a[2 * i, k + 1] = 1 / d;
                a[2 * i + 1, k + 1] = -wt / d;
            }
            b[2 * i] = real[i] / scale;
            b[2 * i + 1] = imaginary[i] / scale;
        }
        for (int k = 0; k < n; k++) a[2 * m + k, k + 1] = root;
        var x = NonNegativeLeastSquares(a, b);
        var fit = a.SubMatrix(0, 2 * m, 0, cols) * x - b.SubVector(0, 2 * m);
        double residual = scale * Math.Sqrt(fit.DotProduct(fit) / (2 * m));
        return new RelaxationTimeDistribution(tau, x.SubVector(1, n).Select(g => g * scale).ToArray(), x[0] * scale, residual, regularisation);
    }

    /// <summary>Lawson–Hanson active-set NNLS: min ‖A x − b‖ subject to x ≥ 0.</summary>
    private static MathNet.Numerics.LinearAlgebra.Vector<double> NonNegativeLeastSquares(MathNet.Numerics.LinearAlgebra.Matrix<double> a, MathNet.Numerics.LinearAlgebra.Vector<double> b)
    {
        int n = a.ColumnCount;
        var x = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(n);
        var passive = new bool[n];
        double tolerance = 1e-12 * a.FrobeniusNorm() * b.L2Norm();
        for (int outer = 0; outer < 3 * n; outer++)
        {
            var gradient = a.TransposeThisAndMultiply(b - a * x);
            int best = -1;
            for (int j = 0; j < n; j++)
                if (!passive[j] && gradient[j] > tolerance && (best < 0 || gradient[j] > gradient[best])) best = j;
            if (best < 0) break;
            passive[best] = true;
            for (int inner = 0; inner < 3 * n; inner++)
            {
                var set = Enumerable.Range(0, n).Where(j => passive[j]).ToArray();
                var sub = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(a.RowCount, set.Length, (r, c) => a[r, set[c]]);
                var z = sub.QR().Solve(b);
                if (z.All(v => v > 0))
                {
                    x.Clear();
                    for (int c = 0; c < set.Length; c++) x[set[c]] = z[c];
                    break;
                }
                // Step from x toward z as far as x stays feasible; the variables that reach 0 leave the passive set.
                double alpha = double.PositiveInfinity;
                for (int c = 0; c < set.Length; c++)
                    if (z[c] <= 0) alpha = Math.Min(alpha, x[set[c]] / (x[set[c]] - z[c]));
                for (int c = 0; c < set.Length; c++)
                {
                    int j = set[c];
                    x[j] += alpha * (z[c] - x[j]);
                    if (x[j] <= 1e-15) { x[j] = 0; passive[j] = false; }
                }
            }
        }
        return x;
    }
}

/// <summary>
/// A distribution of relaxation times: weights <see cref="Weights"/> g_k [Ω·m²] at <see cref="Times"/> τ_k [s], the
/// high-frequency resistance R_∞ [Ω·m²], the RMS misfit of the fitted spectrum [Ω·m²] and the λ used.
/// </summary>
public sealed record RelaxationTimeDistribution(double[] Times, double[] Weights, double HighFrequencyResistance, double Residual, double Regularisation)
{
    /// <summary>Σ g_k [Ω·m²]: the polarisation resistance the distribution holds.</summary>
    public double TotalResistance => Weights.Sum();

    /// <summary>
    /// The time constants of the local maxima of g, largest first by their weight, each refined by a parabola through
    /// log τ at the maximum and its two neighbours [s]; a maximum below <paramref name="fraction"/> of the largest is left out.
    /// </summary>
    public IReadOnlyList<double> PeakTimes(double fraction = 0.05)
    {
        double largest = Weights.Max();
        var peaks = new List<(double Tau, double Weight)>();
        for (int k = 0; k < Weights.Length; k++)
        {
            double left = k > 0 ? Weights[k - 1] : 0, right = k + 1 < Weights.Length ? Weights[k + 1] : 0;
            if (!(Weights[k] > left && Weights[k] >= right && Weights[k] >= fraction * largest)) continue;
            double logTau = Math.Log10(Times[k]);
            if (k > 0 && k + 1 < Weights.Length)
            {
                double denominator = left - 2 * Weights[k] + right;
                double step = Math.Log10(Times[k + 1]) - logTau;
                if (denominator < 0) logTau += 0.5 * step * (left - right) / denominator;
            }
            peaks.Add((Math.Pow(10, logTau), Weights[k]));
        }
        return peaks.OrderByDescending(p => p.Weight).Select(p => p.Tau).ToList();
    }
}
