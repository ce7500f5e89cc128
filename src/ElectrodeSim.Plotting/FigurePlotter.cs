using System.Globalization;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace ElectrodeSim.Plotting;

/// <summary>A time at which the depth profiles of every run of a plot call are drawn.</summary>
public sealed record ProfileTime(double Time, string Label);

/// <summary>
/// What the figures of one plot call share: the style of each case and the times of the depth
/// profiles, so that a case has one colour in every figure and every run is drawn at the same times.
/// </summary>
public sealed class PlotSet
{
    private static readonly double[] DefaultFractions = [0.1, 0.25, 0.5, 0.75, 1.0];

    public required CaseStyles Styles { get; init; }
    public required IReadOnlyList<ProfileTime> Times { get; init; }
    /// <summary>
    /// The colour range of each 2-D resolved map field (<see cref="ResolvedMaps.Drawn"/>) over every resolved result of the call, and
    /// where their drawn span begins (the first electrode column), so that SiO@C-l/-m/-h maps compare by colour.
    /// </summary>
    public IReadOnlyDictionary<string, (double Low, double High)> ResolvedRanges { get; init; } = new Dictionary<string, (double, double)>();
    /// <inheritdoc cref="ResolvedRanges"/>
    public double ResolvedFromX { get; init; } = double.NaN;

    /// <summary>
    /// Cases styled in sorted order; profile times: the requested ones, or for one run its default
    /// records (<see cref="RecordChoice.Choose"/>: the end of every step of a multi-step protocol), or for
    /// several runs 10, 25, 50, 75 and 100 % of the shortest lithiation among them (of the shortest whole
    /// record when any run has several steps), so that every run has fields at every time.
    /// </summary>
    public static PlotSet Of(IReadOnlyList<ResultData> results, PlotOptions options, List<string>? messages = null)
    {
        messages ??= [];
        var styles = CaseStyles.Of(results);
        var (ranges, fromX) = ResolvedExtent(results);
        var recorded = results.Where(r => r.Series is { Count: > 1 }).ToList();
        if (options.Times is { Count: > 0 } requested)
            return new PlotSet { ResolvedRanges = ranges, ResolvedFromX = fromX, Styles = styles, Times = requested.Distinct().Order().Select(t => new ProfileTime(t, Label(t))).ToList() };
        if (recorded.Count == 1)
        {
            var r = recorded[0];
            var records = RecordChoice.Choose(r, r.Series!.Count, null, endOnly: false, messages);
            return new PlotSet { ResolvedRanges = ranges, ResolvedFromX = fromX, Styles = styles, Times = records.Select(c => new ProfileTime(c.Time, c.Label)).ToList() };
        }
        if (recorded.Count == 0) return new PlotSet { ResolvedRanges = ranges, ResolvedFromX = fromX, Styles = styles, Times = [] };
        double start = recorded.Max(r => r.Series!.Time[0]);
        // A run of several protocol steps is compared over its whole record (the whole protocol), a one-step run up
        // to its end of lithiation; the shortest of these spans is the one every run has fields for.
        bool whole = recorded.Any(r => r.Series!.ProtocolStep is { } step && step.Distinct().Skip(1).Any());
        var shortest = recorded.Select(r => (Run: r, End: whole ? r.Series!.Time[^1] : RecordChoice.EndOfLithiation(r, r.Series!.Count).Time)).MinBy(e => e.End);
        double end = shortest.End;
        var times = DefaultFractions.Select(f => start + f * (end - start)).Distinct().Select(t => new ProfileTime(t, Label(t))).ToList();
        times[^1] = times[^1] with { Label = $"{Label(end)} (end of {(whole ? "record" : "lithiation")}, {shortest.Run.CaseName})" };
        return new PlotSet { ResolvedRanges = ranges, ResolvedFromX = fromX, Styles = styles, Times = times };
    }

    private static string Label(double t) => $"t = {RecordChoice.FormatTime(t)}";

    private static (Dictionary<string, (double Low, double High)> Ranges, double FromX) ResolvedExtent(IReadOnlyList<ResultData> results)
    {
        var ranges = new Dictionary<string, (double Low, double High)>();
        var resolved = results.Where(r => r.IsResolved).ToList();
        if (resolved.Count == 0) return (ranges, double.NaN);
        foreach (var (field, _) in ResolvedMaps.Drawn)
        {
            var extents = resolved.Select(r => ResolvedMaps.TryRead(r.Path, field)).OfType<ResolvedMaps.Field2D>().Select(ResolvedMaps.Range)
                .Where(e => double.IsFinite(e.Low)).ToList();
            if (extents.Count > 0) ranges[field] = (extents.Min(e => e.Low), extents.Max(e => e.High));
        }
        return (ranges, resolved.Min(r => ResolvedMaps.ElectrodeStart(r.Path)));
    }
}

/// <summary>
/// Draws the figures of result files with OxyPlot, in process: voltage against specific capacity
/// and against time (one run, or several overlaid), the state of lithiation over electrode depth ×
/// particle radius (the paper's Fig. 5e–g), and depth profiles of the mean particle state of
/// lithiation, the interfacial current density and the electrolyte concentration at several times
/// (overlaid across runs when several are compared). Only what a file holds is drawn; what is
/// missing is said in <see cref="PlotOutcome.Messages"/>.
/// </summary>
public sealed class FigurePlotter(PlotOptions options)
{
    /// <summary>Most panels one state-of-lithiation figure shows.</summary>
    public const int MaxMapPanels = 6;
    private const double Micro = 1e6;
    /// <summary>Points drawn per interval between two records on a monotone cubic.</summary>
    private const int PerInterval = 8;
    private const string DepthTitle = "Distance from the separator | electrode interface (µm)";

    public PlotOptions Options { get; } = options;

    private sealed record Planned(PlotModel Model, int Width, int Height, Figure Figure);

    /// <summary>Every figure one result supports, named <c>STEM-KIND.EXT</c> in <paramref name="directory"/>.</summary>
    /// <param name="set">Styles and times shared with the other results of the call; by default those of this result alone.</param>
    public PlotOutcome PlotResult(ResultData result, string directory, PlotSet? set = null)
    {
        var outcome = new PlotOutcome();
        var plan = new List<Planned>();
        set ??= PlotSet.Of([result], Options, outcome.Messages);
        string stem = Path.Combine(directory, result.Stem);
        foreach (var note in result.Notes) outcome.Messages.Add($"{result.CaseName} ({Path.GetFileName(result.Path)}): {note}");

        if (VoltageCurves([result], outcome.Messages) is { Count: > 0 } curves)
        {
            if (curves.Any(c => c.X.Length > 0))
                plan.Add(VoltageFigure(curves, set, $"{stem}-voltage-capacity", byCapacity: true, $"{result.CaseName}: voltage against specific capacity", result.CaseName, outcome.Messages));
            plan.Add(VoltageFigure(curves, set, $"{stem}-voltage-time", byCapacity: false, $"{result.CaseName}: voltage against time", result.CaseName, outcome.Messages));
        }

        if (result.Series is { Count: 1 })
            outcome.Note($"{result.CaseName}: only the initial state was recorded; no field figure is drawn");
        if (result.IsResolved)
        {
            if (result.Series is { Count: > 1 }) ResolvedMapFigures(result, set, stem, plan, outcome.Messages);
            Render(plan, outcome);
            return outcome;
        }
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
                    AddDrawn(plan, Profiles([new ProfileSource(result, mean, electrode.Depth, 1.0)], set, $"{stem}-mean-sol{suffix}", "mean-sol" + suffix,
                        "Mean state of lithiation of the particles", DepthTitle, $"{result.CaseName}: mean particle state of lithiation{where}", result.CaseName, null, outcome.Messages));
                else outcome.Messages.Add($"{result.CaseName}: no mean state-of-lithiation field{where}; its profile is not drawn");

                if (electrode.InterfacialCurrentDensity is { } j)
                {
                    var (label, sign) = CurrentLabel(result.IsHalfCell);
                    AddDrawn(plan, Profiles([new ProfileSource(result, j, electrode.Depth, sign)], set, $"{stem}-interfacial-current{suffix}", "interfacial-current" + suffix,
                        label, DepthTitle, $"{result.CaseName}: interfacial current density{where}", result.CaseName, null, outcome.Messages));
                }
                else outcome.Messages.Add($"{result.CaseName}: no interfacial current density field{where}; its profile is not drawn");
            }
            if (result.ElectrolyteConcentration is { } ce && result.X is { } x)
            {
                var (origin, title) = CellOrigin(result);
                AddDrawn(plan, Profiles([new ProfileSource(result, ce, x.Select(v => v - origin).ToArray(), 1.0)], set, $"{stem}-electrolyte-concentration", "electrolyte-concentration",
                    "Electrolyte concentration c_{e} (mol m^{−3})", title, $"{result.CaseName}: electrolyte concentration", result.CaseName, result, outcome.Messages));
            }
            else if (result.Electrodes.Count > 0 || result.ElectrolyteConcentration != null)
                outcome.Messages.Add($"{result.CaseName}: no electrolyte concentration field with its mesh; its profile is not drawn");
        }
        Render(plan, outcome);
        return outcome;
    }

    /// <summary>
    /// A 2-D resolved result's maps at its last record (<see cref="ResolvedMaps"/>, as the <c>maps</c> command draws them: the
    /// electrode, discs outlined, equal x and y scale), on the colour range the call's resolved results share.
    /// </summary>
    private void ResolvedMapFigures(ResultData result, PlotSet set, string stem, List<Planned> plan, List<string> messages)
    {
        double fromX = double.IsNaN(set.ResolvedFromX) ? ResolvedMaps.ElectrodeStart(result.Path) : set.ResolvedFromX;
        foreach (var (field, kind) in ResolvedMaps.Drawn)
        {
            if (ResolvedMaps.TryRead(result.Path, field) is not { } map) { messages.Add($"{result.CaseName}: no {field.Replace('_', ' ')} field; its map is not drawn"); continue; }
            var (low, high) = set.ResolvedRanges.TryGetValue(field, out var shared) ? shared : ResolvedMaps.Range(map);
            string title = $"{result.CaseName}: {field.Replace('_', ' ')} at t = {RecordChoice.FormatTime(result.Series!.Time[^1])} (end)";
            var (model, width, height) = ResolvedMaps.Figure(map, title, low, high, fromX);
            plan.Add(new Planned(model, width, height, new Figure(FigurePath($"{stem}-{kind}"), kind, title, result.CaseName)));
        }
    }

    /// <summary>
    /// The overlays of several runs: voltage against capacity and time (<c>voltage-capacity</c>,
    /// <c>voltage-time</c>); of the half cells with fields, their maps at the end of lithiation side
    /// by side (<c>sol-maps</c>) and the depth profiles at the same times (<c>mean-sol</c>,
    /// <c>interfacial-current</c>, <c>electrolyte-concentration</c>).
    /// </summary>
    public PlotOutcome PlotComparison(IReadOnlyList<ResultData> results, string directory, PlotSet? set = null)
    {
        var outcome = new PlotOutcome();
        var plan = new List<Planned>();
        set ??= PlotSet.Of(results, Options, outcome.Messages);
        if (VoltageCurves(results, outcome.Messages) is { Count: > 0 } curves)
        {
            if (curves.Any(c => c.X.Length > 0))
                plan.Add(VoltageFigure(curves, set, Path.Combine(directory, "voltage-capacity"), byCapacity: true, "Voltage against specific capacity", null, outcome.Messages));
            plan.Add(VoltageFigure(curves, set, Path.Combine(directory, "voltage-time"), byCapacity: false, "Voltage against time", null, outcome.Messages));
        }
        var halfCells = results.Where(r => r.IsHalfCell && r.Series is { Count: > 1 } && r.Electrodes.Count == 1).ToList();
        var panels = new List<MapPanel>();
        foreach (var r in halfCells)
            if (r.Electrodes[0] is { StateOfLithiation: { } sol, Radius: not null } e)
            {
                var end = RecordChoice.EndOfLithiation(r, sol.TimeCount);
                panels.Add(new MapPanel(e, sol, end.Index, $"{r.CaseName}, {end.Label}", r.CaseName));
            }
        if (panels.Count > 1)
        {
            if (panels.Count > MaxMapPanels) outcome.Messages.Add($"the side-by-side map shows the first {MaxMapPanels} of {panels.Count} runs");
            plan.Add(MapFigure(panels.Take(MaxMapPanels).ToList(), Path.Combine(directory, "sol-maps"), "sol-maps", "State of lithiation in the particles", null));
        }
        if (halfCells.Count > 1)
        {
            var withMean = halfCells.Where(r => r.Electrodes[0].MeanStateOfLithiation != null).ToList();
            if (withMean.Count > 1)
                AddDrawn(plan, Profiles(withMean.Select(r => new ProfileSource(r, r.Electrodes[0].MeanStateOfLithiation!, r.Electrodes[0].Depth, 1.0)).ToList(), set,
                    Path.Combine(directory, "mean-sol"), "mean-sol", "Mean state of lithiation of the particles", DepthTitle, "Mean particle state of lithiation", null, null, outcome.Messages));
            var withCurrent = halfCells.Where(r => r.Electrodes[0].InterfacialCurrentDensity != null).ToList();
            if (withCurrent.Count > 1)
                AddDrawn(plan, Profiles(withCurrent.Select(r => new ProfileSource(r, r.Electrodes[0].InterfacialCurrentDensity!, r.Electrodes[0].Depth, -1.0)).ToList(), set,
                    Path.Combine(directory, "interfacial-current"), "interfacial-current", CurrentLabel(true).Label, DepthTitle, "Lithiation current density", null, null, outcome.Messages));
            var withElectrolyte = halfCells.Where(r => r.ElectrolyteConcentration != null && r.X != null).ToList();
            if (withElectrolyte.Count > 1)
                AddDrawn(plan, Profiles(withElectrolyte.Select(r => new ProfileSource(r, r.ElectrolyteConcentration!, r.X!.Select(v => v - CellOrigin(r).Origin).ToArray(), 1.0)).ToList(), set,
                    Path.Combine(directory, "electrolyte-concentration"), "electrolyte-concentration", "Electrolyte concentration c_{e} (mol m^{−3})", CellOrigin(withElectrolyte[0]).Title,
                    "Electrolyte concentration", null, withElectrolyte[0], outcome.Messages));
        }
        Render(plan, outcome);
        return outcome;
    }

    /// <summary>Why the figures cannot use their font, or null: Skia silently substitutes another one.</summary>
    private static readonly Lazy<string?> FontProblem = new(() =>
    {
        var typeface = SkiaSharp.SKTypeface.FromFamilyName(FigureStyle.Font);
        return typeface is not null && string.Equals(typeface.FamilyName, FigureStyle.Font, StringComparison.OrdinalIgnoreCase) ? null
            : $"the figure font {FigureStyle.Font} is not installed (Debian package fonts-go; tools/setup.sh installs it): the figures are drawn in {typeface?.FamilyName ?? "a fallback font"}, which may draw l and I alike";
    });

    private void Render(List<Planned> plan, PlotOutcome outcome)
    {
        if (plan.Count > 0 && FontProblem.Value is { } font) outcome.Messages.Insert(0, font);
        var errors = new Exception?[plan.Count];
        Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, k =>
        {
            try { FigureRenderer.Write(plan[k].Model, plan[k].Figure.Path, Options.Format, plan[k].Width, plan[k].Height); }
            catch (Exception e) { errors[k] = e; }
        });
        // A figure the writer cannot store (disk full, no permission) stops everything; one that
        // cannot be drawn is a note, and the other figures are still drawn.
        if (errors.FirstOrDefault(e => e is IOException or UnauthorizedAccessException) is { } fatal)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fatal);
        var messages = outcome.Messages.ToList();
        outcome.Messages.Clear();
        foreach (var m in messages) outcome.Note(m);
        for (int k = 0; k < plan.Count; k++)
        {
            if (errors[k] is { } failed) outcome.Note($"{plan[k].Figure.Title}: not drawn: {failed.Message}");
            else outcome.Figures.Add(plan[k].Figure);
        }
    }

    private string FigurePath(string stem) => Path.GetFullPath(stem + "." + Options.Format.Extension());

    private static void AddDrawn(List<Planned> plan, Planned? figure)
    {
        if (figure is not null) plan.Add(figure);
    }

    /// <summary>
    /// The paper quotes the lithiation current as a positive magnitude (5.5 A/m² near the
    /// electrolyte); the file's j is positive for delithiation, so a half cell shows −j.
    /// </summary>
    private static (string Label, double Sign) CurrentLabel(bool halfCell) => halfCell
        ? ("Lithiation current density −j (A m^{−2})", -1.0)
        : ("Interfacial current density j (A m^{−2}), > 0 delithiates", 1.0);

    /// <summary>
    /// The x origin of whole-cell profiles: the separator | electrode interface of a half cell (the
    /// origin of every depth in the figures; the separator lies at x &lt; 0), the negative electrode |
    /// separator interface of a full cell. Without a region map, the lithium foil or collector.
    /// </summary>
    private static (double Origin, string Title) CellOrigin(ResultData r)
    {
        if (r.Region is { } region && r.XFaces is { } faces)
            for (int i = 1; i < region.Length; i++)
                if (region[i] != region[i - 1] && (region[i] == 0 || region[i - 1] == 0))
                    return (faces[i], r.IsHalfCell
                        ? "Distance from the separator | electrode interface (µm), separator < 0"
                        : "Distance from the negative electrode | separator interface (µm)");
        return (0, r.IsHalfCell ? "Distance from the lithium foil (µm)" : "Distance from the negative current collector (µm)");
    }

    // ----- voltage -----

    /// <summary>A voltage curve; <c>X</c> is specific capacity [mAh/g], or areal capacity [mAh/cm²] when <c>Areal</c>.</summary>
    private sealed record Curve(string Label, double[] X, bool Areal, double[] Time, double[] Voltage, int[]? Step, bool HalfCell, double? ConstantCurrent);

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
            curves.Add(new Curve(r.CaseName, x, areal, s.Time, s.Voltage, s.ProtocolStep, r.IsHalfCell, ConstantCurrent(s)));
        }
        return curves;
    }

    /// <summary>
    /// The points of a recorded curve: within each protocol step and each run of finite values, a
    /// monotone cubic in time through the records (<see cref="MonotoneCubic"/>) for both
    /// coordinates; a step change (a kink in the current) and a missing value break the line.
    /// </summary>
    private static List<DataPoint> Smooth(double[] time, double[] x, double[] y, int[]? step)
    {
        var points = new List<DataPoint>();
        int n = Math.Min(time.Length, Math.Min(x.Length, y.Length));
        int start = 0;
        for (int i = 1; i <= n; i++)
        {
            bool breaks = i == n || !double.IsFinite(x[i]) || !double.IsFinite(y[i]) || !double.IsFinite(x[i - 1]) || !double.IsFinite(y[i - 1])
                          || (step != null && i < step.Length && step[i] != step[i - 1]) || time[i] <= time[i - 1];
            if (!breaks) continue;
            int length = i - start;
            if (length >= 1 && double.IsFinite(x[start]) && double.IsFinite(y[start]))
            {
                var t = time.AsSpan(start, length);
                var (_, sx) = MonotoneCubic.Sample(t, x.AsSpan(start, length), PerInterval);
                var (_, sy) = MonotoneCubic.Sample(t, y.AsSpan(start, length), PerInterval);
                if (points.Count > 0) points.Add(DataPoint.Undefined);
                for (int k = 0; k < sx.Length; k++) points.Add(new DataPoint(sx[k], sy[k]));
            }
            start = i;
        }
        return points;
    }

    private Planned VoltageFigure(List<Curve> curves, PlotSet set, string stem, bool byCapacity, string title, string? caseName, List<string> messages)
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

        var model = FigureStyle.Model(title);
        model.Axes.Add(FigureStyle.Axis(AxisPosition.Bottom, !byCapacity ? $"Time ({timeUnit})" : areal ? "Capacity (mAh cm^{−2})" : "Specific capacity (mAh g^{−1})", minimum: 0));
        model.Axes.Add(FigureStyle.Axis(AxisPosition.Left, curves.All(c => c.HalfCell) ? "Voltage (V vs Li/Li^{+})" : curves.Any(c => c.HalfCell) ? "Voltage (V)" : "Cell voltage (V)"));
        model.Legends.Add(FigureStyle.Legend(LegendPosition.TopRight));
        foreach (var c in drawn)
        {
            var style = set.Styles[c.Label];
            var series = new LineSeries
            {
                Title = c.Label,
                Color = style.Colour,
                StrokeThickness = 2.2,
                LineStyle = LineStyle.Solid,
                Dashes = style.Dashes,
                LineJoin = LineJoin.Round,
            };
            var x = byCapacity ? c.X : c.Time.Select(t => t * timeScale).ToArray();
            series.Points.AddRange(Smooth(c.Time, x, c.Voltage, c.Step));
            model.Series.Add(series);
        }
        return new Planned(model, 820, 580, new Figure(FigurePath(stem), byCapacity ? "voltage-capacity" : "voltage-time", title, caseName));
    }

    // ----- state-of-lithiation map -----

    private sealed record MapPanel(ElectrodeData Electrode, FieldSeries Field, int Record, string Title, string CaseName);

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
            if (HasFinite(sol.At(r.Index))) panels.Add(new MapPanel(electrode, sol, r.Index, r.Label, result.CaseName));
            else messages.Add($"{result.CaseName}: the state of lithiation at {r.Label} has no finite value; that map panel is not drawn");
        }
        return panels;
    }

    /// <summary>A panel whose own range is below this fraction of the shared colour range gets a colour scale of its own.</summary>
    public const double FlatFraction = 0.2;

    private static (double Lo, double Hi) Range(MapPanel p)
    {
        double lo = double.MaxValue, hi = double.MinValue;
        foreach (var v in p.Field.At(p.Record))
            if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        return (lo, hi);
    }

    /// <summary>
    /// Panels side by side on one radius axis. Colour: one shared viridis scale over all panels;
    /// a panel that is nearly flat on it (its own range below <see cref="FlatFraction"/> of the shared
    /// range) is drawn on a scale of its own, shown beside the shared one and named after the panel,
    /// so that its structure is not lost in one colour. The shared scale is left out when every panel
    /// has its own (runs that differ in level more than within themselves: the mean-sol overlay
    /// compares the levels). Contour lines at round levels of the scale each panel is drawn on.
    /// </summary>
    private Planned MapFigure(List<MapPanel> panels, string stem, string kind, string title, string? caseName)
    {
        int n = panels.Count;
        var ranges = panels.Select(Range).ToList();
        double sharedLo = ranges.Min(r => r.Lo), sharedHi = ranges.Max(r => r.Hi);
        var shared = ColourRange(sharedLo, sharedHi);
        var own = ranges.Select(r => n > 1 && r.Hi - r.Lo < FlatFraction * (sharedHi - sharedLo) ? ColourRange(r.Lo, r.Hi) : ((double Lo, double Hi)?)null).ToList();
        bool sharedUsed = own.Any(o => o is null);
        int bars = (sharedUsed ? 1 : 0) + own.Count(o => o != null);
        const int panelWidth = 400, gapWidth = 40, barWidth = 110;
        int width = 90 + n * panelWidth + (n - 1) * gapWidth + bars * barWidth, height = 560;
        double plotWidth = n * panelWidth + (n - 1) * gapWidth;

        var model = FigureStyle.Model(title);
        double rMax = panels.Max(p => p.Electrode.RadiusFaces![^1]) * Micro;
        model.Axes.Add(FigureStyle.Axis(AxisPosition.Left, "Particle radius r (µm)", 0, rMax, grid: false));
        if (sharedUsed) model.Axes.Add(ColourAxis("shared", n > 1 && bars > 1 ? "State of lithiation c_{s}/c_{s,max} (shared)" : "State of lithiation c_{s}/c_{s,max}", shared, 0));
        int tier = sharedUsed ? 1 : 0;
        for (int k = 0; k < n; k++)
        {
            var p = panels[k];
            var e = p.Electrode;
            double start = k * (panelWidth + gapWidth) / plotWidth, end = (k * (panelWidth + gapWidth) + panelWidth) / plotWidth;
            var x = FigureStyle.Axis(AxisPosition.Bottom, DepthTitle, 0, e.Thickness * Micro, grid: false);
            (x.Key, x.StartPosition, x.EndPosition) = ($"x{k}", start, end);
            model.Axes.Add(x);
            // The panel title sits on an empty top axis over the panel.
            model.Axes.Add(new LinearAxis
            {
                Position = AxisPosition.Top, Key = $"title{k}", StartPosition = start, EndPosition = end, Title = p.Title,
                TitleFontSize = FigureStyle.TextSize, TickStyle = TickStyle.None, LabelFormatter = _ => "", AxislineStyle = LineStyle.None,
                MajorGridlineStyle = LineStyle.None, Minimum = 0, Maximum = 1, AxisTitleDistance = 2,
            });
            string colourKey = "shared";
            var scale = shared;
            if (own[k] is { } o)
            {
                colourKey = $"own{k}";
                scale = o;
                model.Axes.Add(ColourAxis(colourKey, $"State of lithiation, {p.CaseName} (own scale)", o, tier++));
            }
            var (xs, rs, grid) = Grid(e, p.Field.At(p.Record));
            model.Series.Add(new HeatMapSeries
            {
                XAxisKey = x.Key, ColorAxisKey = colourKey,
                X0 = xs[0], X1 = xs[^1], Y0 = rs[0], Y1 = rs[^1], Data = grid,
                CoordinateDefinition = HeatMapCoordinateDefinition.Center,
                Interpolate = false,
                // Vector cells for small grids (crisp in SVG and PDF), an image for resampled ones.
                RenderMethod = grid.Length <= 20_000 ? HeatMapRenderMethod.Rectangles : HeatMapRenderMethod.Bitmap,
            });
            var levels = Levels(scale.Lo, scale.Hi, Range(p));
            if (levels.Length > 0)
            {
                var (cx, cr, cells) = Centres(e, p.Field.At(p.Record));
                model.Series.Add(new ContourSeries
                {
                    XAxisKey = x.Key, ColumnCoordinates = cx, RowCoordinates = cr, Data = cells, ContourLevels = levels,
                    Color = OxyColor.FromAColor(190, OxyColors.Black), StrokeThickness = 0.9, LineStyle = LineStyle.Solid,
                    // OxyPlot labels only contours of more than ten screen points, and places them at
                    // the middle of the point list; the labels are set below instead, one per level.
                    FontSize = 0, LabelBackground = OxyColors.Undefined,
                });
                string format = Digits(levels);
                foreach (var level in levels)
                    if (LabelPoint(cx, cr, cells, level) is { } at)
                        model.Annotations.Add(new TextAnnotation
                        {
                            XAxisKey = x.Key, Text = level.ToString(format, CultureInfo.InvariantCulture), TextPosition = at,
                            FontSize = 10, TextColor = OxyColors.Black, Background = OxyColor.FromAColor(190, OxyColors.White),
                            Stroke = OxyColors.Undefined, StrokeThickness = 0, Padding = new OxyThickness(1),
                            TextHorizontalAlignment = HorizontalAlignment.Center, TextVerticalAlignment = VerticalAlignment.Middle,
                        });
            }
        }
        return new Planned(model, width, height, new Figure(FigurePath(stem), kind, title, caseName));
    }

    private static LinearColorAxis ColourAxis(string key, string title, (double Lo, double Hi) range, int tier) => new()
    {
        Key = key, Position = AxisPosition.Right, PositionTier = tier, Title = title,
        Palette = Colours.ViridisPalette(), Minimum = range.Lo, Maximum = range.Hi,
        LowColor = Colours.Parse("#440154"), HighColor = Colours.Parse("#fde725"), InvalidNumberColor = OxyColors.White,
        FontSize = FigureStyle.TextSize, TitleFontSize = FigureStyle.TextSize, TickStyle = TickStyle.Outside, MajorStep = Step(range.Hi - range.Lo),
    };

    /// <summary>
    /// The colour scale spans the values shown, rounded outward to a round step, and at least 10⁻⁴
    /// wide, so that a field uniform to rounding does not look patterned.
    /// </summary>
    private static (double Lo, double Hi) ColourRange(double lo, double hi)
    {
        const double least = 1e-4;
        if (hi - lo < least) { double mid = 0.5 * (lo + hi); (lo, hi) = (mid - least / 2, mid + least / 2); }
        double step = Step(hi - lo) / 2;
        double a = Math.Floor(lo / step) * step, b = Math.Ceiling(hi / step) * step;
        if (a < 0 && lo >= 0) { b -= a; a = 0; }
        if (b > 1 && hi <= 1) { a = Math.Max(0, a - (b - 1)); b = 1; }
        return (a, b);
    }

    /// <summary>A 1-2-5 step giving about five intervals over <paramref name="span"/>.</summary>
    private static double Step(double span)
    {
        double raw = span / 5, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / magnitude;
        return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * magnitude;
    }

    /// <summary>Round contour levels strictly inside the panel's values (none for a field uniform on its scale).</summary>
    private static double[] Levels(double lo, double hi, (double Lo, double Hi) values)
    {
        double step = Step(hi - lo);
        var levels = new List<double>();
        for (double v = Math.Ceiling(lo / step) * step; v < hi; v += step)
            if (v > values.Lo && v < values.Hi) levels.Add(Math.Round(v / step) * step);
        return levels.ToArray();
    }

    private static string Digits(double[] levels)
    {
        double step = levels.Length > 1 ? levels[1] - levels[0] : Math.Abs(levels[0]);
        int digits = Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 0, 6);
        return "0." + new string('0', Math.Max(1, digits));
    }

    /// <summary>
    /// Coordinates [µm] and values [x, r] of one record for the contour lines: the cell-centre values
    /// interpolated bilinearly onto a grid about 80 points a side, so that contours are smooth curves
    /// (not chords across whole cells) long enough to carry a label.
    /// </summary>
    private static (double[] X, double[] R, double[,] Values) Centres(ElectrodeData e, ReadOnlySpan<double> sol)
    {
        int nx = e.Depth.Length, nr = e.Radius!.Length;
        var cx = e.Depth.Select(v => v * Micro).ToArray();
        var cr = e.Radius.Select(v => v * Micro).ToArray();
        var fx = Refined(cx, 80);
        var fr = Refined(cr, 80);
        var values = new double[fx.Length, fr.Length];
        for (int i = 0; i < fx.Length; i++)
        {
            var (i0, wx) = Bracket(cx, fx[i]);
            for (int k = 0; k < fr.Length; k++)
            {
                var (k0, wr) = Bracket(cr, fr[k]);
                int i1 = Math.Min(i0 + 1, nx - 1), k1 = Math.Min(k0 + 1, nr - 1);
                values[i, k] = (1 - wx) * ((1 - wr) * sol[i0 * nr + k0] + wr * sol[i0 * nr + k1])
                             + wx * ((1 - wr) * sol[i1 * nr + k0] + wr * sol[i1 * nr + k1]);
            }
        }
        return (fx, fr, values);
    }

    /// <summary>
    /// Where a contour label goes: of the points where the level crosses a grid line along x, the one
    /// nearest the middle of the panel (in fractions of its width and height); null if none.
    /// </summary>
    private static DataPoint? LabelPoint(double[] x, double[] r, double[,] v, double level)
    {
        double xm = 0.5 * (x[0] + x[^1]), rm = 0.5 * (r[0] + r[^1]);
        double xs = Math.Max(x[^1] - x[0], 1e-12), rs = Math.Max(r[^1] - r[0], 1e-12);
        DataPoint? best = null;
        double bestDistance = double.MaxValue;
        void Consider(double px, double pr)
        {
            double d = Math.Pow((px - xm) / xs, 2) + Math.Pow((pr - rm) / rs, 2);
            if (d < bestDistance) (bestDistance, best) = (d, new DataPoint(px, pr));
        }
        for (int i = 0; i < x.Length; i++)
            for (int k = 0; k < r.Length; k++)
            {
                if (i + 1 < x.Length && (v[i, k] - level) * (v[i + 1, k] - level) < 0)
                    Consider(x[i] + (x[i + 1] - x[i]) * (level - v[i, k]) / (v[i + 1, k] - v[i, k]), r[k]);
                if (k + 1 < r.Length && (v[i, k] - level) * (v[i, k + 1] - level) < 0)
                    Consider(x[i], r[k] + (r[k + 1] - r[k]) * (level - v[i, k]) / (v[i, k + 1] - v[i, k]));
            }
        return best;
    }

    /// <summary>About <paramref name="points"/> points from the first to the last centre, the centres among them.</summary>
    private static double[] Refined(double[] c, int points)
    {
        if (c.Length < 2) return c;
        int per = Math.Max(1, (int)Math.Ceiling((points - 1.0) / (c.Length - 1)));
        var r = new List<double>();
        for (int i = 0; i < c.Length - 1; i++)
            for (int k = 0; k < per; k++) r.Add(c[i] + (c[i + 1] - c[i]) * k / per);
        r.Add(c[^1]);
        return r.ToArray();
    }

    /// <summary>The interval of <paramref name="c"/> holding <paramref name="v"/> and the weight of its upper end.</summary>
    private static (int Index, double Weight) Bracket(double[] c, double v)
    {
        if (c.Length < 2) return (0, 0);
        int i = Math.Clamp(Array.BinarySearch(c, v) is int b && b >= 0 ? b : ~b - 1, 0, c.Length - 2);
        return (i, Math.Clamp((v - c[i]) / (c[i + 1] - c[i]), 0, 1));
    }

    /// <summary>
    /// The map as a uniform grid for the heat map: the cells themselves on a uniform mesh, else each
    /// finite-volume cell resampled (piecewise constant, at the smallest cell's width, at most 400
    /// columns or rows) so that a non-uniform mesh is drawn with its true cell boundaries.
    /// </summary>
    private static (double[] X, double[] R, double[,] Values) Grid(ElectrodeData e, ReadOnlySpan<double> sol)
    {
        int nr = e.Radius!.Length;
        var (xi, xc) = Uniform(e.DepthFaces);
        var (ri, rc) = Uniform(e.RadiusFaces!);
        var values = new double[xi.Length, ri.Length];
        for (int i = 0; i < xi.Length; i++)
            for (int k = 0; k < ri.Length; k++) values[i, k] = sol[xi[i] * nr + ri[k]];
        return (xc, rc, values);
    }

    /// <summary>For a uniform grid over the faces: the cell index at each grid centre, and the centres [µm].</summary>
    private static (int[] Cell, double[] Centre) Uniform(double[] faces)
    {
        int n = faces.Length - 1;
        double width = faces[^1] - faces[0], smallest = Enumerable.Range(0, n).Min(i => faces[i + 1] - faces[i]);
        bool uniform = Enumerable.Range(0, n).All(i => Math.Abs(faces[i + 1] - faces[i] - width / n) <= 1e-6 * width);
        int m = uniform ? n : Math.Clamp((int)Math.Ceiling(width / smallest), n, 400);
        var cell = new int[m];
        var centre = new double[m];
        for (int j = 0, i = 0; j < m; j++)
        {
            centre[j] = faces[0] + (j + 0.5) * width / m;
            while (i < n - 1 && faces[i + 1] <= centre[j]) i++;
            cell[j] = i;
            centre[j] *= Micro;
        }
        return (cell, centre);
    }

    // ----- depth profiles -----

    /// <summary>One run's field to draw against <c>X</c> [m] (scaled by <c>Sign</c>).</summary>
    private sealed record ProfileSource(ResultData Result, FieldSeries Field, double[] X, double Sign);

    /// <summary>
    /// The field at <paramref name="t"/>: the record at that time, or between two records linear in
    /// time (records are the solver's steps; nothing finer is stored). Null outside the record.
    /// </summary>
    private static double[]? FieldAt(ResultData r, FieldSeries f, double t)
    {
        var time = r.Series!.Time;
        int n = Math.Min(f.TimeCount, time.Length);
        if (n == 0) return null;
        double tolerance = 1e-9 * Math.Max(1, Math.Abs(time[n - 1]));
        if (t < time[0] - tolerance || t > time[n - 1] + tolerance) return null;
        int i = 0;
        while (i < n - 1 && time[i + 1] <= t + tolerance) i++;
        if (Math.Abs(time[i] - t) <= tolerance || i == n - 1) return f.At(i).ToArray();
        double w = (t - time[i]) / (time[i + 1] - time[i]);
        var a = f.At(i);
        var b = f.At(i + 1);
        var v = new double[a.Length];
        for (int k = 0; k < v.Length; k++) v[k] = (1 - w) * a[k] + w * b[k];
        return v;
    }

    /// <summary>
    /// Profiles at the call's times. One run: one curve per time, viridis from early (dark) to late.
    /// Several runs: colour and marker per case, the dash pattern per time (solid at the last one).
    /// Markers sit at the cell centres; the line between them is a monotone cubic.
    /// </summary>
    private Planned? Profiles(List<ProfileSource> sources, PlotSet set, string stem, string kind, string ylabel, string xlabel, string title, string? caseName,
                              ResultData? regions, List<string> messages)
    {
        var times = set.Times;
        var curves = new List<(ProfileSource Source, int Time, double[] Values)>();
        foreach (var s in sources)
            for (int k = 0; k < times.Count; k++)
            {
                var values = FieldAt(s.Result, s.Field, times[k].Time);
                if (values is null)
                {
                    var t = s.Result.Series!.Time;
                    messages.Add($"{s.Result.CaseName}: {times[k].Label} is outside the recorded fields ({RecordChoice.FormatTime(t[0])} to {RecordChoice.FormatTime(t[Math.Min(s.Field.TimeCount, t.Length) - 1])}); skipped");
                    continue;
                }
                if (!values.Any(double.IsFinite))
                {
                    messages.Add($"{s.Result.CaseName}: {s.Field.Path} at {times[k].Label} has no finite value; that curve is not drawn");
                    continue;
                }
                curves.Add((s, k, values));
            }
        if (curves.Count == 0) return null;

        bool overlay = sources.Count > 1;
        var model = FigureStyle.Model(title);
        var x = FigureStyle.Axis(AxisPosition.Bottom, xlabel);
        var y = FigureStyle.Axis(AxisPosition.Left, ylabel);
        model.Axes.Add(x);
        model.Axes.Add(y);
        var legend = FigureStyle.Legend(LegendPosition.RightTop, overlay ? null : "Time");
        legend.LegendPlacement = LegendPlacement.Outside;
        model.Legends.Add(legend);
        var sequence = Colours.Sequence(times.Count);
        var timeDashes = TimeDashes(times.Count);
        double lo = double.MaxValue, hi = double.MinValue;
        foreach (var (s, k, values) in curves)
        {
            var style = set.Styles[s.Result.CaseName];
            var colour = overlay ? style.Colour : Colours.Parse(sequence[k]);
            var xs = s.X.Select(v => v * Micro).ToArray();
            var ys = values.Select(v => s.Sign * v).ToArray();
            foreach (var v in ys) if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            var line = new LineSeries
            {
                Title = overlay ? null : times[k].Label.StartsWith("t = ", StringComparison.Ordinal) ? times[k].Label[4..] : times[k].Label,
                Color = colour, StrokeThickness = 1.8, LineStyle = LineStyle.Solid, Dashes = overlay ? timeDashes[k] : null,
                RenderInLegend = !overlay,
            };
            line.Points.AddRange(Through(xs, ys));
            model.Series.Add(line);
            // The markers are the cell values; the monotone cubic only joins them.
            var marks = new LineSeries { LineStyle = LineStyle.None, MarkerType = overlay ? style.Marker : MarkerType.Circle, MarkerSize = 3.2, MarkerFill = colour, MarkerStroke = colour, RenderInLegend = false };
            for (int i = 0; i < xs.Length; i++) if (double.IsFinite(ys[i])) marks.Points.Add(new DataPoint(xs[i], ys[i]));
            model.Series.Add(marks);
        }
        if (overlay)
        {
            foreach (var s in sources.Where(s => curves.Any(c => c.Source == s)))
            {
                var style = set.Styles[s.Result.CaseName];
                model.Series.Add(new LineSeries { Title = s.Result.CaseName, Color = style.Colour, StrokeThickness = 2, LineStyle = LineStyle.Solid, MarkerType = style.Marker, MarkerSize = 3.5, MarkerFill = style.Colour });
            }
            foreach (var k in curves.Select(c => c.Time).Distinct().Order())
                model.Series.Add(new LineSeries { Title = times[k].Label, Color = OxyColor.FromRgb(0x55, 0x55, 0x55), StrokeThickness = 1.6, LineStyle = LineStyle.Solid, Dashes = timeDashes[k] });
        }
        if (regions is { Region: { } region, XFaces: { } faces })
        {
            // Layer boundaries dashed, each layer named at the top of the plot.
            double origin = CellOrigin(regions).Origin;
            double top = hi + 0.12 * Math.Max(hi - lo, 1e-9 * Math.Max(1, Math.Abs(hi)));
            y.Maximum = hi + 0.2 * Math.Max(hi - lo, 1e-9 * Math.Max(1, Math.Abs(hi)));
            int start = 0;
            for (int i = 1; i <= region.Length; i++)
            {
                if (i < region.Length && region[i] == region[start]) continue;
                string name = region[start] == 0 ? "separator" : regions.IsHalfCell ? "electrode" : region[start] == 1 ? "negative" : "positive";
                model.Annotations.Add(new TextAnnotation
                {
                    Text = name, TextPosition = new DataPoint(0.5 * (faces[start] + faces[i]) * Micro - origin * Micro, top),
                    TextHorizontalAlignment = HorizontalAlignment.Center, TextVerticalAlignment = VerticalAlignment.Middle,
                    Stroke = OxyColors.Transparent, StrokeThickness = 0, TextColor = OxyColor.FromRgb(0x55, 0x55, 0x55),
                });
                if (i < region.Length)
                    model.Annotations.Add(new LineAnnotation { Type = LineAnnotationType.Vertical, X = (faces[i] - origin) * Micro, Color = OxyColor.FromRgb(0x88, 0x88, 0x88), LineStyle = LineStyle.Dash, StrokeThickness = 1 });
                start = i;
            }
        }
        return new Planned(model, overlay ? 1000 : 940, 580, new Figure(FigurePath(stem), kind, title, caseName));
    }

    /// <summary>Dash patterns for successive times: the last (latest) solid, earlier ones ever shorter dashes.</summary>
    private static double[]?[] TimeDashes(int n)
    {
        double[]?[] patterns = [[1.5, 2.5], [4, 3], [8, 3, 2, 3], [10, 4], [6, 2], [2, 2, 6, 2]];
        return Enumerable.Range(0, n).Select(k => k == n - 1 ? null : patterns[(n - 2 - k) % patterns.Length]).ToArray();
    }

    /// <summary>A monotone cubic through the finite cell values, broken where one is missing.</summary>
    private static List<DataPoint> Through(double[] x, double[] y)
    {
        var points = new List<DataPoint>();
        int start = 0;
        for (int i = 0; i <= x.Length; i++)
        {
            if (i < x.Length && double.IsFinite(y[i])) continue;
            if (i - start >= 1)
            {
                var (sx, sy) = MonotoneCubic.Sample(x.AsSpan(start, i - start), y.AsSpan(start, i - start), PerInterval);
                if (points.Count > 0) points.Add(DataPoint.Undefined);
                for (int k = 0; k < sx.Length; k++) points.Add(new DataPoint(sx[k], sy[k]));
            }
            start = i + 1;
        }
        return points;
    }
}
