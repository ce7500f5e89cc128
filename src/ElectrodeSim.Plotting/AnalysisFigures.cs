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

    private static readonly OxyColor[] Palette =
    [
        OxyColor.FromRgb(0x1f, 0x77, 0xb4), OxyColor.FromRgb(0xff, 0x7f, 0x0e), OxyColor.FromRgb(0x2c, 0xa0, 0x2c), OxyColor.FromRgb(0xd6, 0x27, 0x28),
        OxyColor.FromRgb(0x94, 0x67, 0xbd), OxyColor.FromRgb(0x8c, 0x56, 0x4b), OxyColor.FromRgb(0xe3, 0x77, 0xc2), OxyColor.FromRgb(0x7f, 0x7f, 0x7f),
    ];

    private static LogarithmicAxis LogAxis(AxisPosition position, string title) => new()
    {
        Position = position, Title = title, FontSize = FigureStyle.TextSize, TitleFontSize = FigureStyle.TextSize,
        MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = FigureStyle.Grid, TickStyle = TickStyle.Outside, AxisTitleDistance = 6,
    };

    /// <summary>Current density [A/m²] against potential [V], one line per voltammogram.</summary>
    public static PlotModel VoltammogramOverlay(string title, IReadOnlyList<(string Label, double[] Potential, double[] Current)> curves)
    {
        var plot = FigureStyle.Model(title);
        plot.Axes.Add(FigureStyle.Axis(AxisPosition.Bottom, "cell voltage [V]"));
        plot.Axes.Add(FigureStyle.Axis(AxisPosition.Left, "current density [A/m²] (> 0 lithiating)"));
        plot.Legends.Add(FigureStyle.Legend(LegendPosition.BottomRight));
        for (int k = 0; k < curves.Count; k++)
        {
            var line = new LineSeries { Title = curves[k].Label, Color = Palette[k % Palette.Length], StrokeThickness = 1.4 };
            for (int i = 0; i < curves[k].Potential.Length; i++) line.Points.Add(new DataPoint(curves[k].Potential[i], curves[k].Current[i]));
            plot.Series.Add(line);
        }
        return plot;
    }

    /// <summary>log |i_p| against log v with the fitted power law i_p = a v^b.</summary>
    public static PlotModel PeakCurrentPowerLaw(string title, IReadOnlyList<double> scanRates, IReadOnlyList<double> peaks, double slope, double intercept)
    {
        var plot = FigureStyle.Model(title);
        plot.Axes.Add(LogAxis(AxisPosition.Bottom, "scan rate v [V/s]"));
        plot.Axes.Add(LogAxis(AxisPosition.Left, "peak current |i_p| [A/m²]"));
        plot.Legends.Add(FigureStyle.Legend(LegendPosition.TopLeft));
        var points = new ScatterSeries { Title = "peaks", MarkerType = MarkerType.Circle, MarkerSize = 4, MarkerFill = Palette[0] };
        for (int k = 0; k < scanRates.Count; k++) points.Points.Add(new ScatterPoint(scanRates[k], Math.Abs(peaks[k])));
        var fit = new LineSeries { Title = $"fit b = {slope:F3}", Color = FigureStyle.Ink, LineStyle = LineStyle.Dash, StrokeThickness = 1.2 };
        foreach (double v in new[] { scanRates.Min(), scanRates.Max() }) fit.Points.Add(new DataPoint(v, Math.Pow(10, intercept + slope * Math.Log10(v))));
        plot.Series.Add(fit);
        plot.Series.Add(points);
        return plot;
    }

    /// <summary>Nyquist plot: −Im Z against Re Z [Ω·cm²], one line per spectrum, equal axis scales.</summary>
    public static PlotModel Nyquist(string title, IReadOnlyList<(string Label, double[] Real, double[] Imaginary)> spectra)
    {
        var plot = FigureStyle.Model(title);
        plot.PlotType = PlotType.Cartesian;
        plot.Axes.Add(FigureStyle.Axis(AxisPosition.Bottom, "Re Z [Ω·cm²]"));
        plot.Axes.Add(FigureStyle.Axis(AxisPosition.Left, "−Im Z [Ω·cm²]"));
        plot.Legends.Add(FigureStyle.Legend(LegendPosition.TopLeft));
        for (int k = 0; k < spectra.Count; k++)
        {
            var line = new LineSeries { Title = spectra[k].Label, Color = Palette[k % Palette.Length], StrokeThickness = 1.4, MarkerType = MarkerType.Circle, MarkerSize = 2 };
            for (int i = 0; i < spectra[k].Real.Length; i++) line.Points.Add(new DataPoint(1e4 * spectra[k].Real[i], -1e4 * spectra[k].Imaginary[i]));
            plot.Series.Add(line);
        }
        return plot;
    }

    /// <summary>Bode plot: |Z| [Ω·cm²] (solid, left axis) and −phase [°] (dashed, right axis) against frequency.</summary>
    public static PlotModel Bode(string title, IReadOnlyList<(string Label, double[] Frequency, double[] Real, double[] Imaginary)> spectra)
    {
        var plot = FigureStyle.Model(title);
        plot.Axes.Add(LogAxis(AxisPosition.Bottom, "frequency [Hz]"));
        plot.Axes.Add(LogAxis(AxisPosition.Left, "|Z| [Ω·cm²]"));
        plot.Axes.Add(new LinearAxis { Position = AxisPosition.Right, Key = "phase", Title = "−phase [°] (dashed)", FontSize = FigureStyle.TextSize, TitleFontSize = FigureStyle.TextSize });
        plot.Legends.Add(FigureStyle.Legend(LegendPosition.TopRight));
        for (int k = 0; k < spectra.Count; k++)
        {
            var (label, f, re, im) = spectra[k];
            var magnitude = new LineSeries { Title = label, Color = Palette[k % Palette.Length], StrokeThickness = 1.4 };
            var phase = new LineSeries { Color = Palette[k % Palette.Length], StrokeThickness = 1.0, LineStyle = LineStyle.Dash, YAxisKey = "phase" };
            for (int i = 0; i < f.Length; i++)
            {
                magnitude.Points.Add(new DataPoint(f[i], 1e4 * Math.Sqrt(re[i] * re[i] + im[i] * im[i])));
                phase.Points.Add(new DataPoint(f[i], -Math.Atan2(im[i], re[i]) * 180 / Math.PI));
            }
            plot.Series.Add(magnitude);
            plot.Series.Add(phase);
        }
        return plot;
    }

    /// <summary>Arrhenius plot: ln(1/R_ct) against 1000/T, per series, with its fitted line.</summary>
    public static PlotModel Arrhenius(string title, IReadOnlyList<(string Label, double[] Temperature, double[] Resistance, double ActivationEnergy)> series)
    {
        var plot = FigureStyle.Model(title);
        plot.Axes.Add(FigureStyle.Axis(AxisPosition.Bottom, "1000 / T [1/K]"));
        plot.Axes.Add(FigureStyle.Axis(AxisPosition.Left, "ln(1 / R_ct [Ω·m²])"));
        plot.Legends.Add(FigureStyle.Legend(LegendPosition.TopRight));
        for (int k = 0; k < series.Count; k++)
        {
            var (label, t, r, ea) = series[k];
            var points = new ScatterSeries { Title = $"{label}: Ea = {ea / 1000:F2} kJ/mol", MarkerType = MarkerType.Circle, MarkerSize = 4, MarkerFill = Palette[k % Palette.Length] };
            for (int i = 0; i < t.Length; i++) points.Points.Add(new ScatterPoint(1000 / t[i], Math.Log(1 / r[i])));
            plot.Series.Add(points);
        }
        return plot;
    }
}
