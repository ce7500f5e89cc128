using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;
using static ElectrodeSim.Plotting.Gnuplot;

namespace ElectrodeSim.Plotting;

/// <summary>
/// Draws the figures of result files with gnuplot: voltage against specific capacity and against
/// time (one run, or several overlaid), the state of lithiation over electrode depth × particle
/// radius (the paper's Fig. 5e–g), and depth profiles of the mean particle state of lithiation,
/// the interfacial current density and the electrolyte concentration at several times.
/// Only what a file holds is drawn; what is missing is said in <see cref="PlotOutcome.Messages"/>.
/// </summary>
public sealed class FigurePlotter(PlotOptions options, Gnuplot? gnuplot = null)
{
    /// <summary>Most panels one state-of-lithiation figure shows.</summary>
    public const int MaxMapPanels = 6;
    private const double Micro = 1e6;

    private readonly Gnuplot _gnuplot = gnuplot ?? new Gnuplot();

    public PlotOptions Options { get; } = options;

    private sealed record Planned(GnuplotJob Job, Figure Figure);

    /// <summary>Every figure one result supports, named <c>STEM-KIND.EXT</c> in <paramref name="directory"/>.</summary>
    public PlotOutcome PlotResult(ResultData result, string directory)
    {
        var outcome = new PlotOutcome();
        var plan = new List<Planned>();
        string stem = Path.Combine(directory, result.Stem);
        foreach (var note in result.Notes) outcome.Messages.Add($"{result.CaseName} ({Path.GetFileName(result.Path)}): {note}");

        if (VoltageCurves([result], outcome.Messages) is { Count: > 0 } curves)
        {
            if (curves.Any(c => c.X.Length > 0))
                plan.Add(VoltageFigure(curves, $"{stem}-voltage-capacity", byCapacity: true, $"{result.CaseName}: voltage against specific capacity", result.CaseName, outcome.Messages));
            plan.Add(VoltageFigure(curves, $"{stem}-voltage-time", byCapacity: false, $"{result.CaseName}: voltage against time", result.CaseName, outcome.Messages));
        }

        if (result.Series is { Count: 1 })
            outcome.Note($"{result.CaseName}: only the initial state was recorded; no field figure is drawn");
        if (result.Series is { Count: > 1 })
        {
            foreach (var electrode in result.Electrodes)
            {
                string suffix = result.Electrodes.Count > 1 ? "-" + electrode.Name : "";
                string where = result.Electrodes.Count > 1 ? $" ({electrode.Name} electrode)" : "";
                if (MapPanels(result, electrode, outcome.Messages) is { Count: > 0 } panels)
                    plan.Add(MapFigure(panels, $"{stem}-sol-map{suffix}", "sol-map" + suffix, $"{result.CaseName}: state of lithiation in the particles{where}", result.CaseName));
                else outcome.Messages.Add($"{result.CaseName}: no state-of-lithiation field{where}; the map is not drawn");

                if (electrode.MeanStateOfLithiation is { } mean)
                    AddDrawn(plan, DepthProfile(result, electrode, mean, $"{stem}-mean-sol{suffix}", "mean-sol" + suffix, "Mean state of lithiation of the particles", 1.0,
                        $"{result.CaseName}: mean particle state of lithiation{where}", outcome.Messages));
                else outcome.Messages.Add($"{result.CaseName}: no mean state-of-lithiation field{where}; its profile is not drawn");

                if (electrode.InterfacialCurrentDensity is { } j)
                {
                    // The paper quotes the lithiation current as a positive magnitude (5.5 A/m² near the
                    // electrolyte); the file's j is positive for delithiation, so a half cell shows -j.
                    var (label, sign) = result.IsHalfCell
                        ? ("Lithiation current density −j (A m^{-2})", -1.0)
                        : ("Interfacial current density j (A m^{-2}), > 0 delithiates", 1.0);
                    AddDrawn(plan, DepthProfile(result, electrode, j, $"{stem}-interfacial-current{suffix}", "interfacial-current" + suffix, label, sign,
                        $"{result.CaseName}: interfacial current density{where}", outcome.Messages));
                }
                else outcome.Messages.Add($"{result.CaseName}: no interfacial current density field{where}; its profile is not drawn");
            }
            if (result.ElectrolyteConcentration is { } ce && result.X is { } x)
                AddDrawn(plan, ElectrolyteProfile(result, ce, x, $"{stem}-electrolyte-concentration", outcome.Messages));
            else if (result.Electrodes.Count > 0 || result.ElectrolyteConcentration != null)
                outcome.Messages.Add($"{result.CaseName}: no electrolyte concentration field with its mesh; its profile is not drawn");
        }
        Render(plan, outcome);
        return outcome;
    }

    /// <summary>
    /// The overlays of several runs: voltage against capacity and time (<c>voltage-capacity</c>,
    /// <c>voltage-time</c>) and, when every run is a half cell with a state-of-lithiation field,
    /// their maps at the end of lithiation side by side on one colour scale (<c>sol-maps</c>).
    /// </summary>
    public PlotOutcome PlotComparison(IReadOnlyList<ResultData> results, string directory)
    {
        var outcome = new PlotOutcome();
        var plan = new List<Planned>();
        if (VoltageCurves(results, outcome.Messages) is { Count: > 0 } curves)
        {
            if (curves.Any(c => c.X.Length > 0))
                plan.Add(VoltageFigure(curves, Path.Combine(directory, "voltage-capacity"), byCapacity: true, "Voltage against specific capacity", null, outcome.Messages));
            plan.Add(VoltageFigure(curves, Path.Combine(directory, "voltage-time"), byCapacity: false, "Voltage against time", null, outcome.Messages));
        }
        var panels = new List<MapPanel>();
        foreach (var r in results.Where(r => r.IsHalfCell && r.Series is { Count: > 1 }))
            if (r.Electrodes.FirstOrDefault() is { StateOfLithiation: { } sol, Radius: not null } e)
            {
                var end = RecordChoice.EndOfLithiation(r, sol.TimeCount);
                panels.Add(new MapPanel(e, sol, end.Index, $"{r.CaseName}, {end.Label}"));
            }
        if (panels.Count > 1)
        {
            if (panels.Count > MaxMapPanels) outcome.Messages.Add($"the side-by-side map shows the first {MaxMapPanels} of {panels.Count} runs");
            plan.Add(MapFigure(panels.Take(MaxMapPanels).ToList(), Path.Combine(directory, "sol-maps"), "sol-maps", "State of lithiation in the particles", null));
        }
        Render(plan, outcome);
        return outcome;
    }

    private void Render(List<Planned> plan, PlotOutcome outcome)
    {
        var warnings = new IReadOnlyList<string>[plan.Count];
        var errors = new Exception?[plan.Count];
        // gnuplot processes run side by side, driven from threads of their own: each waits on a
        // process, and blocking pool threads would stall everything else on the pool meanwhile.
        int next = -1;
        var workers = Enumerable.Range(0, Math.Min(plan.Count, Math.Max(2, Environment.ProcessorCount))).Select(_ => new Thread(() =>
        {
            for (int k = Interlocked.Increment(ref next); k < plan.Count; k = Interlocked.Increment(ref next))
            {
                try { warnings[k] = _gnuplot.Render(plan[k].Job); }
                catch (Exception e) { errors[k] = e; }
            }
        }) { IsBackground = true, Name = "gnuplot" }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        // gnuplot missing or hanging stops everything; one figure it rejects (data it cannot
        // draw) is a note, and the other figures are still drawn.
        if (errors.FirstOrDefault(e => e is not null and not GnuplotException { FigureRejected: true }) is { } error) ExceptionDispatchInfo.Throw(error);
        var messages = outcome.Messages.ToList();
        outcome.Messages.Clear();
        foreach (var m in messages) outcome.Note(m);
        for (int k = 0; k < plan.Count; k++)
        {
            if (errors[k] is { } rejected)
            {
                outcome.Note($"{plan[k].Figure.Title}: not drawn: {rejected.Message}");
                continue;
            }
            outcome.Figures.Add(plan[k].Figure);
            foreach (var w in warnings[k]) outcome.Note(w);
        }
    }

    // ----- voltage -----

    /// <summary>A voltage curve; <c>X</c> is specific capacity [mAh/g], or areal capacity [mAh/cm²] when <c>Areal</c>.</summary>
    private sealed record Curve(string Label, double[] X, bool Areal, double[] Time, double[] Voltage, bool HalfCell, double? ConstantCurrent);

    /// <summary>The applied current density [A/m²] when it is the same over the whole record (one constant-current step).</summary>
    private static double? ConstantCurrent(TimeSeries s)
    {
        if (s.CurrentDensity is not { } i || Finite(i) != i.Length || i.Length == 0) return null;
        double lo = i.Min(), hi = i.Max();
        return hi - lo <= 1e-9 * Math.Max(1, Math.Abs(hi)) && hi != 0 ? hi : null;
    }

    private static int Finite(double[] v) => v.Count(double.IsFinite);

    private static bool HasFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values) if (double.IsFinite(v)) return true;
        return false;
    }

    /// <summary>The chosen records that have a finite value to draw; the others are said.</summary>
    private static List<Record> Drawable(ResultData result, FieldSeries field, IReadOnlyList<Record> records, List<string> messages)
    {
        var drawable = records.Where(r => HasFinite(field.At(r.Index))).ToList();
        foreach (var r in records.Except(drawable))
            messages.Add($"{result.CaseName}: {field.Path} at {r.Label} has no finite value; that curve is not drawn");
        return drawable;
    }

    private static List<Curve> VoltageCurves(IEnumerable<ResultData> results, List<string> messages)
    {
        var curves = new List<Curve>();
        foreach (var r in results)
        {
            var s = r.Series;
            if (s is null || s.Voltage is null) { messages.Add($"{r.CaseName}: no voltage time series; no voltage curve"); continue; }
            if (s.Count < 2) { messages.Add($"{r.CaseName}: {s.Count} time record(s), too few for a voltage curve"); continue; }
            if (Finite(s.Voltage) < 2) { messages.Add($"{r.CaseName}: the voltage has fewer than two finite values; no voltage curve"); continue; }
            // Specific capacity needs the active mass; without it (a full cell), the charge per area.
            var (x, areal) = s.SpecificCapacity is { } q && Finite(q) >= 2 ? (q, false)
                           : s.Charge is { } c && Finite(c) >= 2 ? (c.Select(v => v / 3.6 / 1e4).ToArray(), true)
                           : ([], false);
            if (x.Length == 0) messages.Add($"{r.CaseName}: neither /specific_capacity nor /charge is usable; its voltage is drawn against time only");
            curves.Add(new Curve(r.CaseName, x, areal, s.Time, s.Voltage, r.IsHalfCell, ConstantCurrent(s)));
        }
        return curves;
    }

    private Planned VoltageFigure(List<Curve> curves, string stem, bool byCapacity, string title, string? caseName, List<string> messages)
    {
        // One capacity axis per figure: the one most runs have (specific when tied); the others are said.
        bool areal = curves.Count(c => c.X.Length > 0 && c.Areal) > curves.Count(c => c.X.Length > 0 && !c.Areal);
        var drawn = byCapacity ? curves.Where(c => c.X.Length > 0 && c.Areal == areal).ToList() : curves;
        if (byCapacity)
            foreach (var c in curves.Where(c => c.X.Length > 0 && c.Areal != areal))
                messages.Add($"{c.Label}: its capacity is {(c.Areal ? "per area" : "per mass")}, the others' {(areal ? "per area" : "per mass")}; it is left out of {Path.GetFileName(stem)}");
        if (byCapacity && areal) title = title.Replace("specific capacity", "capacity", StringComparison.Ordinal);
        // Runs at one constant current, as the paper's Fig. 5a (5 mA/cm²): say it in the title.
        if (curves.Select(c => c.ConstantCurrent).Distinct().ToList() is [double current])
            title += string.Create(CultureInfo.InvariantCulture, $", {current / 10:0.###} mA/cm²");
        double tMax = curves.Max(c => c.Time[^1]);
        var (timeScale, timeUnit) = tMax > 7200 ? (1 / 3600.0, "h") : tMax > 600 ? (1 / 60.0, "min") : (1.0, "s");
        var job = NewJob(stem, 800, 560);
        var sb = Preamble(title);
        sb.AppendLine(!byCapacity ? $"set xlabel 'Time ({timeUnit})'" : areal ? "set xlabel 'Capacity (mAh cm^{-2})'" : "set xlabel 'Specific capacity (mAh g^{-1})'");
        sb.AppendLine(curves.All(c => c.HalfCell) ? "set ylabel 'Voltage (V vs Li/Li^+)'" : curves.Any(c => c.HalfCell) ? "set ylabel 'Voltage (V)'" : "set ylabel 'Cell voltage (V)'");
        sb.AppendLine("set xrange [0:*]");
        sb.AppendLine("set key top right spacing 1.3");
        var plots = new List<string>();
        for (int k = 0; k < drawn.Count; k++)
        {
            var c = drawn[k];
            string file = $"run{k}.dat";
            var data = new StringBuilder();
            for (int i = 0; i < c.Voltage.Length; i++)
                data.Append(Number(byCapacity ? c.X[i] : c.Time[i] * timeScale)).Append(' ').AppendLine(Number(c.Voltage[i]));
            job.DataFiles[file] = data.ToString();
            plots.Add($"{Quote(file)} using 1:2 with lines lw 2.2 lc rgb '{Colours.Run(curves.IndexOf(c))}' title {Quote(c.Label)} noenhanced");
        }
        sb.AppendLine("plot " + string.Join(", \\\n     ", plots));
        return Finish(job, sb, byCapacity ? "voltage-capacity" : "voltage-time", title, caseName);
    }

    // ----- state-of-lithiation map -----

    private sealed record MapPanel(ElectrodeData Electrode, FieldSeries Field, int Record, string Title);

    private List<MapPanel> MapPanels(ResultData result, ElectrodeData electrode, List<string> messages)
    {
        if (electrode.StateOfLithiation is not { } sol || electrode.RadiusFaces is null) return [];
        var records = RecordChoice.Choose(result, sol.TimeCount, Options.Times, endOnly: true, messages);
        if (records.Count > MaxMapPanels)
        {
            messages.Add($"{result.CaseName}: the state-of-lithiation map shows the first {MaxMapPanels} of {records.Count} times");
            records = records.Take(MaxMapPanels).ToList();
        }
        var panels = new List<MapPanel>();
        foreach (var r in records)
        {
            if (HasFinite(sol.At(r.Index))) panels.Add(new MapPanel(electrode, sol, r.Index, r.Label));
            else messages.Add($"{result.CaseName}: the state of lithiation at {r.Label} has no finite value; that map panel is not drawn");
        }
        return panels;
    }

    private Planned MapFigure(List<MapPanel> panels, string stem, string kind, string title, string? caseName)
    {
        int n = panels.Count;
        int cols = Math.Min(n, 3), rows = (n + cols - 1) / cols;
        const int panelWidth = 430, panelHeight = 360, barWidth = 175, top = 60;
        // The canvas is widened for a long title (about 9.5 px a character at 14 pt); the panels stay centred.
        int grid = cols * panelWidth + barWidth;
        int width = Math.Max(grid, (int)(9.5 * title.Length) + 40), height = rows * panelHeight + top;
        double left = (width - grid) / 2.0;
        var job = NewJob(stem, width, height);

        double lo = double.MaxValue, hi = double.MinValue;
        foreach (var p in panels)
            foreach (var v in p.Field.At(p.Record))
                if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        var (cbLo, cbHi) = ColourRange(lo, hi);

        var sb = new StringBuilder();
        sb.Append(Colours.ViridisPalette());
        sb.AppendLine($"set cbrange [{Number(cbLo)}:{Number(cbHi)}]");
        sb.AppendLine("set cblabel 'State of lithiation c_s/c_{s,max}' offset 1,0");
        sb.AppendLine("set cbtics nomirror out");
        sb.AppendLine("set xlabel 'Depth from separator (µm)'");
        sb.AppendLine("set ylabel 'Particle radius r (µm)'");
        sb.AppendLine("set tics out nomirror");
        sb.AppendLine("set border lw 1.0");
        sb.AppendLine("unset key");
        sb.AppendLine("set style fill solid 1.0 noborder");
        sb.AppendLine($"set multiplot title {Quote(title)} noenhanced font ',14'");
        double cellWidth = (double)panelWidth / width, cellHeight = (double)panelHeight / height;
        double titleBand = (double)top / height;
        for (int k = 0; k < n; k++)
        {
            var p = panels[k];
            int col = k % cols, row = k / cols;
            // Each panel's cell keeps room for the y label and tick labels on its left, the panel
            // title above (40 px) and the x tick labels and label below (80 px).
            double x0 = (left + 85.0) / width + col * cellWidth, x1 = (left - 25.0) / width + (col + 1) * cellWidth;
            double cellTop = 1 - titleBand - row * cellHeight;
            double y1 = cellTop - 40.0 / height, y0 = cellTop - cellHeight + 80.0 / height;
            sb.AppendLine($"set lmargin at screen {Number(x0)}; set rmargin at screen {Number(x1)}");
            sb.AppendLine($"set bmargin at screen {Number(y0)}; set tmargin at screen {Number(y1)}");
            if (k == n - 1)
            {
                double barTop = 1 - titleBand - 40.0 / height, barBottom = 1 - titleBand - rows * cellHeight + 80.0 / height;
                sb.AppendLine($"set colorbox user origin screen {Number((left + grid - 150.0) / width)}, screen {Number(barBottom)} size screen {Number(22.0 / width)}, screen {Number(barTop - barBottom)}");
            }
            else sb.AppendLine("unset colorbox");
            sb.AppendLine($"set title {Quote(p.Title)} noenhanced");
            var e = p.Electrode;
            sb.AppendLine($"set xrange [0:{Number(e.Thickness * Micro)}]");
            sb.AppendLine($"set yrange [0:{Number(e.RadiusFaces![^1] * Micro)}]");
            string file = $"map{k}.dat";
            job.DataFiles[file] = MapData(e, p.Field.At(p.Record));
            // Each finite-volume cell is drawn as the box it stands for (non-uniform meshes stay exact).
            sb.AppendLine($"plot {Quote(file)} using 1:2:3:4:5:6:7 with boxxyerror fs solid 1.0 noborder fc palette");
        }
        sb.AppendLine("unset multiplot");
        return Finish(job, sb, kind, title, caseName);
    }

    private static string MapData(ElectrodeData e, ReadOnlySpan<double> sol)
    {
        int nx = e.Depth.Length, nr = e.Radius!.Length;
        // Boxes overlap their neighbours by a fraction of a pixel: antialiased edges that merely
        // touch leave light hairlines between cells of the same colour. The axes clip the overhang.
        double dx = 0.002 * e.Thickness * Micro, dr = 0.002 * e.RadiusFaces![^1] * Micro;
        var sb = new StringBuilder();
        for (int i = 0; i < nx; i++)
            for (int k = 0; k < nr; k++)
                sb.Append(Number(e.Depth[i] * Micro)).Append(' ').Append(Number(e.Radius[k] * Micro)).Append(' ')
                  .Append(Number(e.DepthFaces[i] * Micro - dx)).Append(' ').Append(Number(e.DepthFaces[i + 1] * Micro + dx)).Append(' ')
                  .Append(Number(e.RadiusFaces[k] * Micro - dr)).Append(' ').Append(Number(e.RadiusFaces[k + 1] * Micro + dr)).Append(' ')
                  .AppendLine(Number(sol[i * nr + k]));
        return sb.ToString();
    }

    /// <summary>
    /// The colour scale spans the values shown, widened to steps of 0.005 so the bar has round
    /// ticks, and to at least 0.01 so that a nearly uniform field does not look patterned.
    /// </summary>
    private static (double Lo, double Hi) ColourRange(double lo, double hi)
    {
        const double step = 0.005, least = 0.01;
        double a = Math.Floor(lo / step) * step, b = Math.Ceiling(hi / step) * step;
        if (b - a < least) { double mid = 0.5 * (a + b); a = mid - least / 2; b = mid + least / 2; }
        if (a < 0) { b -= a; a = 0; }
        if (b > 1) { a = Math.Max(0, a - (b - 1)); b = 1; }
        return (a, b);
    }

    // ----- depth profiles -----

    private static void AddDrawn(List<Planned> plan, Planned? figure)
    {
        if (figure is not null) plan.Add(figure);
    }

    private Planned? DepthProfile(ResultData result, ElectrodeData e, FieldSeries field, string stem, string kind, string ylabel, double sign, string title, List<string> messages)
    {
        var records = Drawable(result, field, RecordChoice.Choose(result, field.TimeCount, Options.Times, endOnly: false, messages), messages);
        if (records.Count == 0) return null;
        var job = NewJob(stem, 920, 560);
        var sb = Preamble(title);
        sb.AppendLine("set xlabel 'Depth from separator (µm)'");
        sb.AppendLine($"set ylabel {Quote(ylabel)}");
        sb.AppendLine($"set xrange [0:{Number(e.Thickness * Micro)}]");
        sb.AppendLine(ProfileKey);
        var colours = Colours.Sequence(records.Count);
        var plots = new List<string>();
        for (int k = 0; k < records.Count; k++)
        {
            string file = $"t{k}.dat";
            var values = field.At(records[k].Index);
            var data = new StringBuilder();
            for (int i = 0; i < e.Depth.Length; i++) data.Append(Number(e.Depth[i] * Micro)).Append(' ').AppendLine(Number(sign * values[i]));
            job.DataFiles[file] = data.ToString();
            plots.Add($"{Quote(file)} using 1:2 with linespoints lw 2 pt 7 ps 0.6 lc rgb '{colours[k]}' title {Quote(KeyLabel(records[k]))} noenhanced");
        }
        sb.AppendLine("plot " + string.Join(", \\\n     ", plots));
        return Finish(job, sb, kind, title, result.CaseName);
    }

    private Planned? ElectrolyteProfile(ResultData result, FieldSeries ce, double[] x, string stem, List<string> messages)
    {
        var records = Drawable(result, ce, RecordChoice.Choose(result, ce.TimeCount, Options.Times, endOnly: false, messages), messages);
        if (records.Count == 0) return null;
        string title = $"{result.CaseName}: electrolyte concentration";
        var job = NewJob(stem, 920, 560);
        var sb = Preamble(title);
        sb.AppendLine(result.IsHalfCell ? "set xlabel 'Distance from the lithium foil x (µm)'" : "set xlabel 'Distance from the negative current collector x (µm)'");
        sb.AppendLine("set ylabel 'Electrolyte concentration c_e (mol m^{-3})'");
        sb.AppendLine(ProfileKey);
        double xMax = result.XFaces?[^1] ?? x[^1];
        sb.AppendLine($"set xrange [0:{Number(xMax * Micro)}]");
        if (result.Region is { } region && result.XFaces is { } faces)
        {
            // Layer boundaries dashed, each layer named at the top.
            int start = 0;
            for (int i = 1; i <= region.Length; i++)
            {
                if (i < region.Length && region[i] == region[start]) continue;
                string name = region[start] == 0 ? "separator" : result.IsHalfCell ? "electrode" : region[start] == 1 ? "negative" : "positive";
                double mid = 0.5 * (faces[start] + faces[i]) * Micro;
                sb.AppendLine($"set label {Quote(name)} at first {Number(mid)}, graph 0.95 center textcolor rgb '#555555'");
                if (i < region.Length) sb.AppendLine($"set arrow from first {Number(faces[i] * Micro)}, graph 0 to first {Number(faces[i] * Micro)}, graph 1 nohead dt 2 lc rgb '#888888'");
                start = i;
            }
            sb.AppendLine("set offsets 0, 0, graph 0.12, graph 0.05");
        }
        var colours = Colours.Sequence(records.Count);
        var plots = new List<string>();
        for (int k = 0; k < records.Count; k++)
        {
            string file = $"t{k}.dat";
            var values = ce.At(records[k].Index);
            var data = new StringBuilder();
            for (int i = 0; i < x.Length; i++) data.Append(Number(x[i] * Micro)).Append(' ').AppendLine(Number(values[i]));
            job.DataFiles[file] = data.ToString();
            plots.Add($"{Quote(file)} using 1:2 with linespoints lw 2 pt 7 ps 0.5 lc rgb '{colours[k]}' title {Quote(KeyLabel(records[k]))} noenhanced");
        }
        sb.AppendLine("plot " + string.Join(", \\\n     ", plots));
        return Finish(job, sb, "electrolyte-concentration", title, result.CaseName);
    }

    // ----- common -----

    private GnuplotJob NewJob(string stem, int width, int height) => new()
    {
        OutputPath = Path.GetFullPath(stem + "." + Options.Format.Extension()),
        Format = Options.Format,
        Width = width,
        Height = height,
        Script = "",
    };

    /// <summary>The legend of the depth profiles, beside the plot (the curves leave no free corner).</summary>
    private const string ProfileKey = "set key outside right top vertical Left reverse samplen 2 width -4 spacing 1.2 title 'Time' noenhanced";

    private static string KeyLabel(Record r) => r.Label.StartsWith("t = ", StringComparison.Ordinal) ? r.Label[4..] : r.Label;

    private static StringBuilder Preamble(string title)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"set title {Quote(title)} noenhanced font ',14'");
        sb.AppendLine("set border lw 1.0");
        sb.AppendLine("set grid back lc rgb '#dddddd' lw 0.8 dt 1");
        sb.AppendLine("set tics out nomirror");
        sb.AppendLine("set mxtics 2; set mytics 2");
        sb.AppendLine("set lmargin 10");
        return sb;
    }

    private static Planned Finish(GnuplotJob job, StringBuilder script, string kind, string title, string? caseName)
    {
        job.Script = script.ToString();
        return new Planned(job, new Figure(job.OutputPath, kind, title, caseName));
    }
}
