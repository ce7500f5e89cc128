using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace ElectrodeSim.Plotting;

/// <summary>
/// A tornado figure of normalised sensitivities: one row per parameter, ordered by the magnitude of the first quantity's
/// sensitivity (largest at the top), one bar per quantity in the row, a zero line between gains and losses.
/// </summary>
public static class TornadoFigure
{
    /// <param name="parameters">Row labels (case key paths).</param>
    /// <param name="quantities">Per quantity: its legend label and one sensitivity per parameter (NaN: no bar).</param>
    public static PlotModel Of(string title, IReadOnlyList<string> parameters, IReadOnlyList<(string Label, IReadOnlyList<double> Values)> quantities)
    {
        var model = FigureStyle.Model(title);
        double Key(int p) => quantities.Count == 0 || double.IsNaN(quantities[0].Values[p]) ? -1 : Math.Abs(quantities[0].Values[p]);
        // CategoryAxis draws its first label at the bottom: the least sensitive parameter first.
        var order = Enumerable.Range(0, parameters.Count).OrderBy(Key).ThenByDescending(p => parameters[p], StringComparer.Ordinal).ToList();
        var categories = new CategoryAxis
        {
            Position = AxisPosition.Left, Key = "parameters", FontSize = FigureStyle.TextSize, TickStyle = TickStyle.None,
            GapWidth = 0.4,
        };
        foreach (int p in order) categories.Labels.Add(parameters[p]);
        model.Axes.Add(categories);
        var values = FigureStyle.Axis(AxisPosition.Bottom, "normalised sensitivity ∂ln y / ∂ln p");
        values.Key = "values";
        values.ExtraGridlines = [0];
        values.ExtraGridlineColor = FigureStyle.Ink;
        values.ExtraGridlineThickness = 1;
        model.Axes.Add(values);
        for (int q = 0; q < quantities.Count; q++)
        {
            var series = new BarSeries
            {
                Title = quantities[q].Label, XAxisKey = "values", YAxisKey = "parameters",
                FillColor = Colours.Parse(Colours.Run(q)), StrokeThickness = 0,
            };
            foreach (int p in order) series.Items.Add(new BarItem(double.IsNaN(quantities[q].Values[p]) ? 0 : quantities[q].Values[p]));
            model.Series.Add(series);
        }
        model.Legends.Add(FigureStyle.Legend(LegendPosition.BottomRight));
        return model;
    }
}
