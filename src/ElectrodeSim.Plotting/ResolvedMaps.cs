using ElectrodeSim.Native.Hdf5;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace ElectrodeSim.Plotting;

/// <summary>
/// Maps of a 2-D resolved-particle result at its last record, like the paper's Fig. 5b–g: a field on the ny × nx mesh
/// (NaN cells left blank), the discs outlined, x and y in µm. <see cref="WriteAll"/> draws the same field of several
/// results on one colour scale (the range over all of them), so SiO@C-l/-m/-h compare by colour.
/// </summary>
public static class ResolvedMaps
{
    public sealed record Field2D(string Case, double[] XFaces, double[] YFaces, double[] Values, int Nx, int Ny, double[] Discs, string Unit)
    {
        /// <summary>The dataset under <c>/fields/</c> (<c>state_of_lithiation</c>), which names the colour bar; empty when not read from a file.</summary>
        public string Field { get; init; } = "";
    }

    /// <summary>
    /// Axis titles naming quantity and unit, in the P2D figures' style (FigurePlotter): x runs from the Li foil as in the result
    /// file (the maps start at the separator interface by design), y along the periodic height. The try-out of 2026-12-07 found
    /// "x [µm]", "y [µm]" and colour bars titled "1" and "A/m^2".
    /// </summary>
    public const string XTitle = "Distance from the Li foil x (µm)", YTitle = "Height y (µm, periodic)";

    /// <summary>The colour bar's title of <paramref name="f"/>: quantity and unit.</summary>
    public static string ColourTitle(Field2D f) => f.Field switch
    {
        "state_of_lithiation" => "State of lithiation c_{s}/c_{s,max}",
        "interfacial_current_density" => "Interfacial current density j (A m^{−2}), > 0 delithiates",
        "" => f.Unit,
        _ => $"{char.ToUpperInvariant(f.Field[0])}{f.Field[1..].Replace('_', ' ')} ({f.Unit})",
    };

    /// <summary>The fields the maps draw, with the figure-name suffix <c>run --plot</c> and <c>plot</c> give them.</summary>
    public static readonly IReadOnlyList<(string Field, string Kind)> Drawn =
        [("state_of_lithiation", "sol-map"), ("interfacial_current_density", "interfacial-current-map")];

    /// <summary>The last record of <paramref name="field"/>, or null when the file lacks it or holds no record of it (a run that failed at once).</summary>
    public static Field2D? TryRead(string path, string field)
    {
        using (var file = Hdf5File.OpenRead(path))
            if (!file.Exists("/fields/" + field) || file.GetDims("/fields/" + field) is not [> 0, _, _]) return null;
        return Read(path, field);
    }

    /// <summary>
    /// Why <paramref name="path"/> is not a 2-D resolved result the maps can draw (a P2D result, not HDF5), or null when it is one;
    /// so that <c>maps</c> refuses a P2D file with a sentence rather than libhdf5's error for the missing <c>/mesh/y_faces</c>.
    /// </summary>
    public static string? WhyNotResolved(string path)
    {
        try
        {
            using var file = Hdf5File.OpenRead(path);
            if (file.Exists("/mesh/phase")) return null;
            return file.Exists("/mesh/x_electrode") || file.Exists("/mesh/negative/x_electrode")
                ? "a P2D result (it has no /mesh/phase), not a 2-D resolved one; maps draws resolved: cases only, `plot` draws a P2D result's figures"
                : "not a 2-D resolved result (it has no /mesh/phase)";
        }
        catch (Exception e) when (e is Hdf5Exception or IOException or DllNotFoundException)
        {
            return $"cannot be read as an HDF5 result ({e.Message})";
        }
    }

    /// <summary>Lowest and highest finite value of a map (NaN, NaN when it has none).</summary>
    public static (double Low, double High) Range(Field2D f)
    {
        var finite = f.Values.Where(double.IsFinite).ToList();
        return finite.Count == 0 ? (double.NaN, double.NaN) : (finite.Min(), finite.Max());
    }

    public static Field2D Read(string path, string field)
    {
        using var file = Hdf5File.OpenRead(path);
        var values = file.ReadArray("/fields/" + field, out var dims);
        int nt = (int)dims[0], ny = (int)dims[1], nx = (int)dims[2];
        if (nt == 0) throw new InvalidDataException($"{path}: /fields/{field} holds no record");
        var last = values.AsSpan((nt - 1) * nx * ny, nx * ny).ToArray();
        string unit = file.ReadStringAttribute("/fields/" + field, "units");
        return new Field2D(Path.GetFileNameWithoutExtension(path), file.ReadArray("/mesh/x_faces", out _), file.ReadArray("/mesh/y_faces", out _),
                           last, nx, ny, file.ReadArray("/mesh/discs", out _), unit) { Field = field };
    }

    /// <summary>Where the electrode begins [m]: the first x column with a cell that is not separator (phase 0) in <c>/mesh/phase</c>.</summary>
    public static double ElectrodeStart(string path)
    {
        using var file = Hdf5File.OpenRead(path);
        var phase = file.ReadIntArray("/mesh/phase", out var dims);
        var faces = file.ReadArray("/mesh/x_faces", out _);
        int ny = (int)dims[0], nx = (int)dims[1];
        for (int i = 0; i < nx; i++)
            for (int j = 0; j < ny; j++)
                if (phase[j * nx + i] != 0) return faces[i];
        return faces[0];
    }

    /// <summary>The map of one field, colour range [<paramref name="low"/>, <paramref name="high"/>], the electrode only (x ≥ <paramref name="fromX"/> m).</summary>
    public static PlotModel Map(Field2D f, string title, double low, double high, double fromX)
    {
        var model = FigureStyle.Model(title);
        int i0 = Array.FindIndex(f.XFaces, x => x >= fromX - 1e-12);
        i0 = Math.Clamp(i0, 0, f.Nx - 1);
        model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Palette = Colours.ViridisPalette(), Minimum = low, Maximum = high, Title = ColourTitle(f), InvalidNumberColor = OxyColors.White });
        model.Axes.Add(FigureStyle.Axis(AxisPosition.Bottom, XTitle, 1e6 * f.XFaces[i0], 1e6 * f.XFaces[^1], grid: false));
        model.Axes.Add(FigureStyle.Axis(AxisPosition.Left, YTitle, 0, 1e6 * f.YFaces[^1], grid: false));
        // A heat map spaces its columns evenly, so each run of equally wide columns is one (a graded separator: a run per column),
        // placed by its cell edges; the rows are uniform.
        foreach (var (first, last) in EqualWidthRuns(f.XFaces, i0, f.Nx))
        {
            var data = new double[last - first + 1, f.Ny];
            for (int j = 0; j < f.Ny; j++)
                for (int i = first; i <= last; i++) data[i - first, j] = f.Values[j * f.Nx + i];
            model.Series.Add(new HeatMapSeries
            {
                X0 = 1e6 * f.XFaces[first], X1 = 1e6 * f.XFaces[last + 1], Y0 = 1e6 * f.YFaces[0], Y1 = 1e6 * f.YFaces[^1],
                CoordinateDefinition = HeatMapCoordinateDefinition.Edge, Data = data, Interpolate = false, RenderMethod = HeatMapRenderMethod.Bitmap,
            });
        }
        double height = f.YFaces[^1];
        for (int k = 0; k + 2 < f.Discs.Length; k += 3)
            foreach (double shift in new[] { -height, 0.0, height })
            {
                double x = f.Discs[k], y = f.Discs[k + 1] + shift, r = f.Discs[k + 2];
                if (y + r < 0 || y - r > height) continue;
                model.Annotations.Add(new EllipseAnnotation { X = 1e6 * x, Y = 1e6 * y, Width = 2e6 * r, Height = 2e6 * r, Fill = OxyColors.Transparent, Stroke = OxyColors.Black, StrokeThickness = 0.8 });
            }
        return model;
    }

    /// <summary>Columns <paramref name="from"/> … <paramref name="count"/> − 1 as runs (first, last) of equal widths (to 1e-9 relative) between the faces <paramref name="xFaces"/>.</summary>
    public static IReadOnlyList<(int First, int Last)> EqualWidthRuns(IReadOnlyList<double> xFaces, int from, int count)
    {
        var runs = new List<(int, int)>();
        int start = from;
        for (int i = from + 1; i <= count; i++)
        {
            double w0 = xFaces[start + 1] - xFaces[start];
            if (i < count && Math.Abs(xFaces[i + 1] - xFaces[i] - w0) <= 1e-9 * w0) continue;
            runs.Add((start, i - 1));
            start = i;
        }
        return runs;
    }

    /// <summary>
    /// The features the paper reads off its Fig. 5 maps, at the last record of a result: the mean SOL of the particle cells in
    /// the electrode's first and last quarter (separator side, collector side) and the mean |j| of the interface cells within
    /// <paramref name="band"/> [m] of the separator.
    /// </summary>
    public static (double SeparatorSol, double CollectorSol, double SeparatorCurrent, double Capacity) Features(string path, double band = 2e-6)
    {
        var sol = Read(path, "state_of_lithiation");
        var j = Read(path, "interfacial_current_density");
        using var file = Hdf5File.OpenRead(path);
        var phase = file.ReadIntArray("/mesh/phase", out _);
        var capacity = file.ReadArray("/specific_capacity", out _);
        int firstElectrode = Array.FindIndex(phase, p => p != 0);
        int firstColumn = Enumerable.Range(0, sol.Nx).First(i => Enumerable.Range(0, sol.Ny).Any(r => phase[r * sol.Nx + i] != 0));
        double start = sol.XFaces[firstColumn], end = sol.XFaces[^1], quarter = 0.25 * (end - start);
        double s1 = 0, s2 = 0, jsum = 0; int n1 = 0, n2 = 0, nj = 0;
        for (int r = 0; r < sol.Ny; r++)
            for (int i = 0; i < sol.Nx; i++)
            {
                double x = 0.5 * (sol.XFaces[i] + sol.XFaces[i + 1]);
                double v = sol.Values[r * sol.Nx + i];
                if (double.IsFinite(v) && x < start + quarter) { s1 += v; n1++; }
                if (double.IsFinite(v) && x > end - quarter) { s2 += v; n2++; }
                double c = j.Values[r * sol.Nx + i];
                if (double.IsFinite(c) && x < start + band) { jsum += Math.Abs(c); nj++; }
            }
        _ = firstElectrode;
        return (s1 / n1, s2 / n2, jsum / nj, capacity[^1]);
    }

    /// <summary>
    /// Fixes the plot margins and sizes the figure so that a micrometre is as long in x as in y (discs stay round): a plot
    /// area 520 px high and as wide as the drawn span asks, within 200–1600 px.
    /// </summary>
    /// <summary>The map of <see cref="Map"/> with its margins fixed and the pixel size at which a micrometre is as long in x as in y.</summary>
    public static (PlotModel Model, int Width, int Height) Figure(Field2D f, string title, double low, double high, double fromX)
    {
        var model = Map(f, title, low, high, fromX);
        var (width, height) = EqualScale(model, f, fromX);
        return (model, width, height);
    }

    private static (int Width, int Height) EqualScale(PlotModel model, Field2D f, double fromX)
    {
        const double left = 64, top = 44, right = 112, bottom = 52, plotHeight = 520;
        int i0 = Math.Clamp(Array.FindIndex(f.XFaces, x => x >= fromX - 1e-12), 0, f.Nx - 1);
        double plotWidth = Math.Clamp(plotHeight * (f.XFaces[^1] - f.XFaces[i0]) / f.YFaces[^1], 200, 1600);
        model.PlotMargins = new OxyThickness(left, top, right, bottom);
        var pad = model.Padding;
        return ((int)Math.Round(plotWidth + left + right + pad.Left + pad.Right), (int)Math.Round(plotHeight + top + bottom + pad.Top + pad.Bottom));
    }

    /// <summary>Draws (from x = <paramref name="fromX"/> [m]; NaN: where the electrode begins) <paramref name="field"/> of every result into <paramref name="directory"/> as NAME-FIELD.png on one colour scale; returns the paths.</summary>
    public static IReadOnlyList<string> WriteAll(IReadOnlyList<string> results, string field, string directory, double fromX)
    {
        if (double.IsNaN(fromX)) fromX = results.Min(ElectrodeStart);
        var maps = results.Select(r => Read(r, field)).ToList();
        double low = maps.Min(m => Range(m).Low), high = maps.Max(m => Range(m).High);
        var written = new List<string>();
        foreach (var m in maps)
        {
            string path = Path.Combine(directory, $"{m.Case}-{field}.png");
            var (model, width, height) = Figure(m, $"{m.Case}: {field.Replace('_', ' ')} at the end", low, high, fromX);
            FigureRenderer.Write(model, path, FigureFormat.Png, width, height);
            written.Add(path);
        }
        return written;
    }
}
