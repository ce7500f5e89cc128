using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace ElectrodeSim.Plotting;

/// <summary>One GITT estimate for a figure: SOL [1], D [m²/s], and whether the method's assumptions held there.</summary>
public readonly record struct DiffusivityPoint(double StateOfLithiation, double Diffusivity, bool AssumptionsHold);

/// <summary>Figures of the analysis commands (GITT, …), in the one figure style.</summary>
public static class AnalysisFigures
{
    /// <summary>
    /// D_s against state of lithiation on a log axis: the Weppner–Huggins estimate per pulse (filled where its
    /// assumptions hold, open where they fail), the slope form, and the model's own D_s(θ) when known.
    /// </summary>
    public static PlotModel Gitt(string title, IReadOnlyList<DiffusivityPoint> classic, IReadOnlyList<DiffusivityPoint> slope,
                                 IReadOnlyList<(double StateOfLithiation, double Diffusivity)>? model)
    {
        var plot = FigureStyle.Model(title);
        plot.Axes.Add(FigureStyle.Axis(AxisPosition.Bottom, "state of lithiation [1]"));
        plot.Axes.Add(new LogarithmicAxis
        {
            Position = AxisPosition.Left, Title = "solid diffusivity D_s [m²/s]", FontSize = FigureStyle.TextSize, TitleFontSize = FigureStyle.TextSize,
            MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = FigureStyle.Grid, TickStyle = TickStyle.Outside, AxisTitleDistance = 6,
        });
        plot.Legends.Add(FigureStyle.Legend(LegendPosition.BottomRight));
        var colour = OxyColor.FromRgb(0x1f, 0x77, 0xb4);
        var held = new ScatterSeries { Title = "Weppner–Huggins (assumptions hold)", MarkerType = MarkerType.Circle, MarkerSize = 4, MarkerFill = colour };
        var failed = new ScatterSeries { Title = "Weppner–Huggins (assumptions fail)", MarkerType = MarkerType.Circle, MarkerSize = 4, MarkerFill = OxyColors.White, MarkerStroke = colour, MarkerStrokeThickness = 1.2 };
        foreach (var p in classic.Where(p => p.Diffusivity > 0 && double.IsFinite(p.Diffusivity)))
            (p.AssumptionsHold ? held : failed).Points.Add(new ScatterPoint(p.StateOfLithiation, p.Diffusivity));
        var slopeSeries = new ScatterSeries { Title = "slope form (dE/d√t)", MarkerType = MarkerType.Triangle, MarkerSize = 3.5, MarkerFill = OxyColor.FromRgb(0xff, 0x7f, 0x0e) };
        foreach (var p in slope.Where(p => p.Diffusivity > 0 && double.IsFinite(p.Diffusivity)))
            slopeSeries.Points.Add(new ScatterPoint(p.StateOfLithiation, p.Diffusivity));
        if (model is { Count: > 0 })
        {
            var line = new LineSeries { Title = "model D_s(θ)", Color = FigureStyle.Ink, StrokeThickness = 1.6, LineStyle = LineStyle.Dash };
            foreach (var (x, d) in model) line.Points.Add(new DataPoint(x, d));
            plot.Series.Add(line);
        }
        if (held.Points.Count > 0) plot.Series.Add(held);
        if (failed.Points.Count > 0) plot.Series.Add(failed);
        if (slopeSeries.Points.Count > 0) plot.Series.Add(slopeSeries);
        return plot;
    }
}
