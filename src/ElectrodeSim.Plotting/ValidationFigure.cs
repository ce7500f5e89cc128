using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace ElectrodeSim.Plotting;

/// <summary>
/// One measured-vs-simulated pair of a validation figure: the measured points, the simulated curve and the
/// residual (simulated − measured) at the measured points, in the figure's units.
/// </summary>
public sealed record OverlaySeries(string Label, double[] MeasuredX, double[] MeasuredY, double[] SimulatedX, double[] SimulatedY, double[] ResidualX, double[] Residual);

/// <summary>
/// The validation figure: measured (markers) and simulated (line) curves overlaid in the upper panel, one colour
/// per curve or rate, and their residual in a lower panel sharing the horizontal axis.
/// </summary>
public static class ValidationFigure
{
    public static PlotModel Model(string title, string xTitle, string yTitle, string residualTitle, IReadOnlyList<OverlaySeries> series, bool residualMarkersOnly = false)
    {
        var model = FigureStyle.Model(title);
        model.Axes.Add(FigureStyle.Axis(AxisPosition.Bottom, xTitle));
        var top = FigureStyle.Axis(AxisPosition.Left, yTitle);
        top.Key = "y";
        top.StartPosition = 0.34;
        top.EndPosition = 1.0;
        var bottom = FigureStyle.Axis(AxisPosition.Left, residualTitle);
        bottom.Key = "residual";
        bottom.StartPosition = 0.0;
        bottom.EndPosition = 0.28;
        bottom.MinimumPadding = 0.1;
        bottom.MaximumPadding = 0.1;
        model.Axes.Add(top);
        model.Axes.Add(bottom);
        model.Legends.Add(FigureStyle.Legend(LegendPosition.TopRight));
        foreach (var (s, k) in series.Select((s, k) => (s, k)))
        {
            var colour = Colours.Parse(Colours.Run(k));
            var measured = new ScatterSeries { Title = $"{s.Label} measured", YAxisKey = "y", MarkerType = MarkerType.Circle,
                MarkerSize = s.MeasuredX.Length < 20 ? 6 : 2.2, MarkerFill = s.MeasuredX.Length < 20 ? colour : OxyColor.FromAColor(120, colour) };
            int stride = Math.Max(1, s.MeasuredX.Length / 300);
            for (int i = 0; i < s.MeasuredX.Length; i += stride)
                if (double.IsFinite(s.MeasuredY[i])) measured.Points.Add(new ScatterPoint(s.MeasuredX[i], s.MeasuredY[i]));
            var simulated = new LineSeries { Title = $"{s.Label} simulated", YAxisKey = "y", Color = colour, StrokeThickness = 1.8 };
            for (int i = 0; i < s.SimulatedX.Length; i++)
                if (double.IsFinite(s.SimulatedY[i])) simulated.Points.Add(new DataPoint(s.SimulatedX[i], s.SimulatedY[i]));
            var residual = new LineSeries { YAxisKey = "residual", Color = colour, StrokeThickness = residualMarkersOnly ? 0 : 1.2, MarkerType = residualMarkersOnly ? MarkerType.Circle : MarkerType.None, MarkerFill = colour, MarkerSize = 3 };
            for (int i = 0; i < s.ResidualX.Length; i++)
                if (double.IsFinite(s.Residual[i])) residual.Points.Add(new DataPoint(s.ResidualX[i], s.Residual[i]));
            if (measured.Points.Count > 0) model.Series.Add(measured);
            if (simulated.Points.Count > 1 || s.MeasuredX.Length == 0) model.Series.Add(simulated);
            model.Series.Add(residual);
        }
        var zero = new LineSeries { YAxisKey = "residual", Color = OxyColor.FromRgb(0x88, 0x88, 0x88), StrokeThickness = 0.8, LineStyle = LineStyle.Dash };
        double lo = series.SelectMany(s => s.ResidualX).DefaultIfEmpty(0).Min(), hi = series.SelectMany(s => s.ResidualX).DefaultIfEmpty(1).Max();
        zero.Points.Add(new DataPoint(lo, 0));
        zero.Points.Add(new DataPoint(hi, 0));
        model.Series.Add(zero);
        return model;
    }

    /// <summary>Draws the figure to <paramref name="path"/> (PNG, written to a temporary file and renamed).</summary>
    public static void Write(string path, string title, string xTitle, string yTitle, string residualTitle, IReadOnlyList<OverlaySeries> series, bool residualMarkersOnly = false) =>
        FigureRenderer.Write(Model(title, xTitle, yTitle, residualTitle, series, residualMarkersOnly), path, FigureFormat.Png, 900, 640);
}
