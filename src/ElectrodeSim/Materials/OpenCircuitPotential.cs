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
        // PCHIP throws ArithmeticException on a non-finite value; say which one instead.
        for (int i = 0; i < theta.Count; i++)
            if (!double.IsFinite(theta[i]) || !double.IsFinite(potential[i]))
                throw new ArgumentException($"OCP table '{name}': row {i + 1} ({theta[i]}, {potential[i]}) is not finite");
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

    /// <summary>
    /// Reads a θ,U table (see <see cref="OcpTable.Parse"/>) from a file; the file is read whole, so callers
    /// that take paths from users read it with their own limits and call <see cref="OcpTable.Parse"/>.
    /// </summary>
    public static TabulatedOcp FromCsv(string path, string? name = null) =>
        OcpTable.Parse(File.ReadAllText(path), System.IO.Path.GetFileName(path), name ?? System.IO.Path.GetFileNameWithoutExtension(path));
}

/// <summary>
/// One bad cell (or the shape) of a θ,U table: the file, the data row and its line, the column, the
/// value as written and what is accepted, read as
/// <c>ocp.csv, row 3 (line 5), column 2 (U): NaN is not a finite number</c>.
/// </summary>
public sealed class OcpTableException(string file, int? row, int? line, int? column, string value, string accepted)
    : FormatException(Format(file, row, line, column, value, accepted))
{
    public string File { get; } = file;
    /// <summary>1-based data row (comments, blank lines and the header not counted), or null for the table as a whole.</summary>
    public int? Row { get; } = row;
    /// <summary>1-based line of the file.</summary>
    public int? Line { get; } = line;
    /// <summary>1-based column: 1 is θ, 2 is U.</summary>
    public int? Column { get; } = column;
    public string Value { get; } = value;
    public string Accepted { get; } = accepted;

    /// <summary>Where in the table, without the file: <c>row 3 (line 5), column 2 (U)</c>.</summary>
    public string Location => Locate(Row, Line, Column);

    private static string Locate(int? row, int? line, int? column)
    {
        var parts = new List<string>();
        if (row is { } r) parts.Add(line is { } l ? $"row {r} (line {l})" : $"row {r}");
        else if (line is { } l) parts.Add($"line {l}");
        if (column is { } c) parts.Add($"column {c} ({(c == 1 ? "θ" : c == 2 ? "U" : "extra")})");
        return string.Join(", ", parts);
    }

    private static string Format(string file, int? row, int? line, int? column, string value, string accepted)
    {
        string at = Locate(row, line, column);
        return $"{file}{(at.Length > 0 ? ", " + at : "")}: {value} is not {accepted}";
    }
}

/// <summary>
/// The θ,U table format of <c>electrode.ocp.table</c>: CSV (comma, semicolon or tab separated, as
/// detected) with '#' comment lines, an optional header row, and per row θ [1] in [0, 1] and U [V]
/// in the first two columns, both finite; θ increases strictly; at least two rows. The first comment
/// line, if any, is the table's source.
/// </summary>
public static class OcpTable
{
    private static readonly CsvHelper.CsvReaderOptions Options = CsvHelper.CsvReaderOptions.Default with
    {
        HasHeader = false,
        CommentPrefix = '#',
        TrackLineNumbers = true,
        AllowLineBreaksInQuotes = false,
        IncludeValuesInExceptions = false,
    };

    /// <summary>Parses table text; <paramref name="file"/> names it in errors (<see cref="OcpTableException"/>).</summary>
    public static TabulatedOcp Parse(string text, string file, string name)
    {
        var theta = new List<double>();
        var u = new List<double>();
        int? previousLine = null;
        try
        {
            using var csv = CsvHelper.CsvReader.FromText(text, Options);
            bool first = true;
            while (csv.Read())
            {
                int line = (int)csv.LineNumber;
                string Field(int k) => k < csv.FieldCount ? csv.GetString(k).Trim() : "";
                string x = Field(0);
                if (first && !IsNumber(x)) { first = false; continue; } // header
                first = false;
                int row = theta.Count + 1;
                if (csv.FieldCount < 2)
                    throw new OcpTableException(file, row, line, null, $"'{Shorten(csv.FieldCount == 0 ? "" : csv.GetString(0))}' (one field)", "a row of θ and U separated by ',', ';' or a tab");
                double t = Number(file, row, line, 1, x);
                double v = Number(file, row, line, 2, Field(1));
                if (!(t >= 0 && t <= 1))
                    throw new OcpTableException(file, row, line, 1, x, "in [0, 1] (θ is a state of lithiation, c_s / c_s,max)");
                if (theta.Count > 0 && !(t > theta[^1]))
                    throw new OcpTableException(file, row, line, 1, x,
                        t == theta[^1] ? $"a new θ (row {row - 1}, line {previousLine}, has it already; θ must increase strictly)"
                                       : $"> {theta[^1].ToString("R", System.Globalization.CultureInfo.InvariantCulture)} of row {row - 1} (line {previousLine}): θ must increase strictly");
                theta.Add(t);
                u.Add(v);
                previousLine = line;
            }
        }
        catch (CsvHelper.CsvFormatException e)
        {
            throw new OcpTableException(file, null, e.LineNumber > 0 ? (int)e.LineNumber : null, null, "malformed CSV", $"readable CSV ({e.Message.TrimEnd('.')})");
        }
        if (theta.Count < 2)
            throw new OcpTableException(file, null, null, null, theta.Count == 1 ? "one data row" : "no data rows", "at least two rows of θ, U");
        string source = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith('#'))?.TrimStart('#').Trim() is { Length: > 0 } comment ? comment : file;
        return new TabulatedOcp(name, source, theta, u);
    }

    private static bool IsNumber(string text) => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static double Number(string file, int row, int line, int column, string text)
    {
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value))
            throw new OcpTableException(file, row, line, column, text.Length == 0 ? "an empty field" : $"'{Shorten(text)}'", "a number");
        if (!double.IsFinite(value))
            throw new OcpTableException(file, row, line, column, Shorten(text), "a finite number");
        return value;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : $"{text[..60]}… ({text.Length} characters)";
}

/// <summary>U(θ) [V] and dU/dθ from one evaluation of a closed-form fit.</summary>
public delegate double ValueWithSlope(double theta, out double slope);

/// <summary>
/// A U(θ) given by a closed-form expression, with its derivative: either one function that returns both (a fit whose
/// tanh and exp terms serve the value and the slope alike, evaluated once per call), or the two apart.
/// </summary>
public sealed class FunctionOcp : IOpenCircuitPotential
{
    private readonly ValueWithSlope _evaluate;

    public FunctionOcp(string name, string source, ValueWithSlope evaluate)
    {
        Name = name;
        Source = source;
        _evaluate = evaluate;
    }

    public FunctionOcp(string name, string source, Func<double, double> u, Func<double, double> dudTheta)
        : this(name, source, (double theta, out double slope) => { slope = dudTheta(theta); return u(theta); }) { }

    public string Name { get; }
    public string Source { get; }
    public double Evaluate(double theta, out double slope) => _evaluate(theta, out slope);
}

/// <summary>Named equilibrium-potential functions.</summary>
public static class OpenCircuitPotentials
{
    private const double Eps = 1e-6;

    // Verbrugge 2016 coefficients, highest power first (θ^7 … θ^0); declared before the functions that read them.
    private static readonly double[] LithiationCoefficients = [-96.63, 372.6, -587.6, 489.9, -232.8, 62.99, -9.286, 0.8633];
    private static readonly double[] DelithiationCoefficients = [-51.02, 161.3, -205.7, 140.2, -58.76, 16.87, -3.792, 0.9937];

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
        _stepAtEnd = Logistic((stepCentre - 1) / stepWidth);
    }

    /// <summary>σ((θc − 1)/w), the step's value at θ = 1 the curve is normalised by: a constant, formed once rather than per call (an exp).</summary>
    private readonly double _stepAtEnd;

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
        return EndPotential + PlateauSlope * (1 - theta) + StepHeight * (s - _stepAtEnd);
    }
}

/// <summary>
/// Equilibrium-potential hysteresis of an insertion material (silicon: lithiation and delithiation curves ~0.2 V apart)
/// as a one-state model per particle surface (the Verbrugge/Wycisk type, as Plett's battery-model hysteresis state): a
/// hysteresis state h ∈ [−1, 1] blends the two branches,
/// <c>U(θ, h) = (1 + h)/2 U_delith(θ) + (1 − h)/2 U_lith(θ)</c>, and relaxes toward the branch of the current reaction at a
/// rate proportional to how fast the particle's state of lithiation changes:
/// <c>dh/dt = γ |dθ̄/dt| (s − h)</c>, s = +1 delithiating (j &gt; 0), −1 lithiating, with
/// <c>|dθ̄/dt| = 3 |j| / (F R_p c_s,max)</c> (the particle's mean state of lithiation moved by the faradaic j):
/// <c>dh/dt = γ 3 (j − |j| h) / (F R_p c_s,max)</c>. γ [1] is how many units of h a unit change of θ moves: after a
/// reversal the potential has crossed (1 − e^−1) of the gap once θ has moved 1/γ.
/// <para>
/// Why a state and not an instantaneous switch on the sign of the current: a switch makes U jump by the whole gap at
/// j = 0 (a rest, the turn of a cycle), a discontinuity in the residual Newton cannot converge across and a rest
/// would have no equilibrium. The state is continuous in time; its right side is Lipschitz in j (the |j| kink at
/// j = 0 leaves the rate 0 there), it is still during a rest (h remembers the last branch), and [−1, 1] is invariant
/// (at h = ±1 the rate points inward or vanishes; outside it the rate pulls h back). The integrator holds that bound to its
/// tolerance, not exactly: where j changes sign its polynomial can overshoot ±1 by a fraction of rtol, so U takes h clamped.
/// </para>
/// </summary>
public sealed class OcpHysteresis
{
    public OcpHysteresis(IOpenCircuitPotential lithiation, IOpenCircuitPotential delithiation, double rate, double initialState)
    {
        if (!(rate >= 0) || !double.IsFinite(rate)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "the hysteresis rate γ must be finite and >= 0");
        if (!(initialState >= -1 && initialState <= 1)) throw new ArgumentOutOfRangeException(nameof(initialState), initialState, "the initial hysteresis state must be in [-1, 1]");
        Lithiation = lithiation;
        Delithiation = delithiation;
        Rate = rate;
        InitialState = initialState;
        Initial = At(initialState);
    }

    /// <summary>U_lith(θ): the branch a lithiating particle follows (h = −1).</summary>
    public IOpenCircuitPotential Lithiation { get; }
    /// <summary>U_delith(θ): the branch a delithiating particle follows (h = +1).</summary>
    public IOpenCircuitPotential Delithiation { get; }
    /// <summary>γ [1]: change of h per unit change of the particle's state of lithiation, toward the current branch.</summary>
    public double Rate { get; }
    /// <summary>h at the start of the run [1], in [−1, 1].</summary>
    public double InitialState { get; }
    /// <summary>The curve at the initial state, U(θ, h0): the equilibrium of the rest state.</summary>
    public IOpenCircuitPotential Initial { get; }

    /// <summary>
    /// U(θ, h) [V], ∂U/∂θ [V] and ∂U/∂h = (U_delith − U_lith)/2 [V]. h is taken clamped to [−1, 1]: the integrator keeps
    /// it there only to its tolerance (a few 1e-4 at rtol 1e-3 where j changes sign), and U never leaves the loop the two
    /// branches span (∂U/∂h = 0 outside).
    /// </summary>
    public double Evaluate(double theta, double h, out double slope, out double dUdh)
    {
        double ul = Lithiation.Evaluate(theta, out double sl);
        double ud = Delithiation.Evaluate(theta, out double sd);
        double hc = Math.Clamp(h, -1.0, 1.0);
        double wd = 0.5 * (1 + hc), wl = 0.5 * (1 - hc);
        slope = wd * sd + wl * sl;
        dUdh = hc == h ? 0.5 * (ud - ul) : 0.0;
        return wd * ud + wl * ul;
    }

    /// <summary>The curve at a fixed state h, as an <see cref="IOpenCircuitPotential"/>.</summary>
    public IOpenCircuitPotential At(double h) => new FunctionOcp(
        $"{Lithiation.Name}|{Delithiation.Name}@h={h.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}",
        $"hysteresis blend of {Lithiation.Source} and {Delithiation.Source}",
        theta => Evaluate(theta, h, out _, out _),
        theta => { Evaluate(theta, h, out double s, out _); return s; });

    /// <summary>
    /// dh/dt [1/s] at faradaic current density <paramref name="j"/> [A/m², positive delithiating] for a particle of radius
    /// <paramref name="radius"/> [m] and c_s,max <paramref name="maxConcentration"/> [mol/m³], and its derivatives in j and h.
    /// </summary>
    public double StateRate(double j, double h, double radius, double maxConcentration, out double dj, out double dh)
    {
        double k = Rate * 3.0 / (PhysicalConstants.Faraday * radius * maxConcentration);
        double abs = Math.Abs(j), sign = Math.Sign(j);
        dj = k * (1 - sign * h);
        dh = -k * abs;
        return k * (j - abs * h);
    }
}
