using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;

namespace ElectrodeSim.Plotting;

/// <summary>
/// The one look of every figure: the Go font (Bigelow &amp; Holmes, Debian <c>fonts-go</c>), drawn to
/// tell l, I and 1 apart: l has a tail, I has serifs, 1 a flag and a foot, so "SiO@C-l" cannot be
/// read as "SiO@C-I" (in DejaVu Sans or Liberation Sans l and I are both bare strokes, differing
/// only in height). Go has no superscript or subscript digits, so units are written as OxyPlot math
/// text (<c>m^{−2}</c>, <c>c_{s}</c>). Axis text 13 px, titles 1.2× that; legends inside the canvas
/// (in the plot area, or beside it with room reserved), so no page edge can cut them.
/// </summary>
public static class FigureStyle
{
    public const string Font = "Go";
    public const double TextSize = 13;
    public const double TitleSize = 1.2 * TextSize;
    public const double LegendSize = 12;
    public static readonly OxyColor Grid = OxyColor.FromRgb(0xdd, 0xdd, 0xdd);
    public static readonly OxyColor Ink = OxyColor.FromRgb(0x1a, 0x1a, 0x1a);

    public static PlotModel Model(string title) => new()
    {
        Title = title,
        TitleFontSize = TitleSize,
        TitleFontWeight = FontWeights.Normal,
        DefaultFont = Font,
        DefaultFontSize = TextSize,
        Background = OxyColors.White,
        TextColor = Ink,
        PlotAreaBorderColor = OxyColor.FromRgb(0x55, 0x55, 0x55),
        PlotAreaBorderThickness = new OxyThickness(1),
        Padding = new OxyThickness(10, 8, 20, 10),
    };

    public static LinearAxis Axis(AxisPosition position, string title, double? minimum = null, double? maximum = null, bool grid = true) => new()
    {
        Position = position,
        Title = title,
        FontSize = TextSize,
        TitleFontSize = TextSize,
        Minimum = minimum ?? double.NaN,
        Maximum = maximum ?? double.NaN,
        MajorGridlineStyle = grid ? LineStyle.Solid : LineStyle.None,
        MajorGridlineColor = Grid,
        MinorTickSize = 2,
        TickStyle = TickStyle.Outside,
        AxisTitleDistance = 6,
        MinimumPadding = 0.02,
        MaximumPadding = 0.04,
    };

    /// <summary>A legend inside the plot area, at <paramref name="position"/>.</summary>
    public static Legend Legend(LegendPosition position = LegendPosition.TopRight, string? title = null) => new()
    {
        LegendPlacement = LegendPlacement.Inside,
        LegendPosition = position,
        LegendTitle = title,
        LegendTitleFontSize = LegendSize,
        LegendFontSize = LegendSize,
        LegendBackground = OxyColor.FromAColor(230, OxyColors.White),
        LegendBorder = OxyColor.FromRgb(0xbb, 0xbb, 0xbb),
        LegendBorderThickness = 0.8,
        LegendSymbolLength = 34,
        LegendMargin = 8,
    };
}

/// <summary>How one case is drawn in every figure of a plot call: colour, dash pattern (the cue that survives grey print) and marker.</summary>
public sealed record CaseStyle(int Index, string Hex, double[]? Dashes, MarkerType Marker)
{
    public OxyColor Colour => Colours.Parse(Hex);
}

/// <summary>
/// One style per case, keyed by case name: the k-th name in ordinal sorted order of the cases of a
/// plot, report or <c>run --plot</c> call gets the k-th Okabe–Ito colour, dash pattern and marker,
/// so a case keeps its colour in every figure of the call and in the report whatever order the
/// files were given in (SiO@C-h, -l, -m: blue, orange, green).
/// </summary>
public sealed class CaseStyles
{
    private static readonly double[]?[] DashPatterns = [null, [7, 3], [8, 3, 2, 3], [2, 2.5], [12, 4], [8, 3, 2, 3, 2, 3]];
    private static readonly MarkerType[] Markers = [MarkerType.Circle, MarkerType.Square, MarkerType.Triangle, MarkerType.Diamond, MarkerType.Cross, MarkerType.Plus];

    private readonly Dictionary<string, CaseStyle> _styles = new(StringComparer.Ordinal);

    public CaseStyles(IEnumerable<string> caseNames)
    {
        foreach (var (name, k) in caseNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select((n, k) => (n, k)))
            _styles[name] = new CaseStyle(k, Colours.Run(k), DashPatterns[k % DashPatterns.Length], Markers[k % Markers.Length]);
    }

    public static CaseStyles Of(IEnumerable<ResultData> results) => new(results.Select(r => r.CaseName));

    /// <summary>The style of a case of this call; a name not given at construction gets the next free style.</summary>
    public CaseStyle this[string caseName]
    {
        get
        {
            if (_styles.TryGetValue(caseName, out var s)) return s;
            int k = _styles.Count;
            return _styles[caseName] = new CaseStyle(k, Colours.Run(k), DashPatterns[k % DashPatterns.Length], Markers[k % Markers.Length]);
        }
    }
}
