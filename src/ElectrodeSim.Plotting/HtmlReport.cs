using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace ElectrodeSim.Plotting;

/// <summary>What <see cref="HtmlReport.Write"/> produced.</summary>
public sealed record ReportOutcome(string Path, int Runs, int Figures, IReadOnlyList<string> Messages);

/// <summary>
/// One self-contained HTML page for a folder of result files: a side-by-side table when it holds
/// several runs, then per run its case summary, its figures as inline SVG, its solver report and
/// protocol outcome, and the case file. The page loads nothing: no scripts, no external styles,
/// fonts or images, and a content security policy that forbids fetching any.
/// </summary>
public static partial class HtmlReport
{
    public const string DefaultFileName = "report.html";

    /// <summary>Writes the report of the <c>*.h5</c> files in <paramref name="resultDirectory"/> (default <c>DIR/report.html</c>).</summary>
    /// <exception cref="ResultFileException">The folder does not exist or holds no result file.</exception>
    /// <exception cref="FigureException">A figure could not be drawn.</exception>
    public static ReportOutcome Write(string resultDirectory, string? outputPath = null)
    {
        if (!Directory.Exists(resultDirectory)) throw new ResultFileException($"{resultDirectory}: no such directory");
        var messages = new List<string>();
        var files = Directory.GetFiles(resultDirectory, "*.h5").Order(StringComparer.Ordinal).ToList();
        // Runs in progress: .NAME.h5.PID.RANDOM.partial, or NAME.h5.partial from earlier versions.
        foreach (var partial in Directory.GetFiles(resultDirectory, "*.partial").Where(f => f.Contains(".h5", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            messages.Add($"{Path.GetFileName(partial)} is a run in progress; it is not in the report");
        if (files.Count == 0) throw new ResultFileException($"{resultDirectory}: no result files (*.h5)");

        var runs = new List<ResultData>();
        var unreadable = new List<(string File, string Reason)>();
        var skipped = new List<string>();
        foreach (var file in files)
        {
            try { runs.Add(ResultData.Load(file)); }
            catch (ResultFileException e) when (e.NotAResult)
            {
                skipped.Add(Path.GetFileName(file));
                messages.Add($"skipped {Path.GetFileName(file)}: {e.Message}");
            }
            catch (ResultFileException e) { unreadable.Add((Path.GetFileName(file), e.Message)); messages.Add(e.Message); }
        }
        ResultData.LabelDuplicateNames(runs);

        if (runs.Count == 0 && unreadable.Count == 0)
            throw new ResultFileException($"{resultDirectory}: no ElectrodeSim result files ({string.Join("; ", messages)})");

        var plotter = new FigurePlotter(new PlotOptions { Format = FigureFormat.Svg });
        // One style per case and one set of profile times for the whole page, as in `plot`.
        var set = PlotSet.Of(runs, plotter.Options, messages);
        var work = Directory.CreateTempSubdirectory("electrodesim-report-").FullName;
        try
        {
            var perRun = runs.Select(r => plotter.PlotResult(r, work, set)).ToList();
            var comparison = runs.Count > 1 ? plotter.PlotComparison(runs, work, set) : new PlotOutcome();
            messages.AddRange(perRun.SelectMany(o => o.Messages).Concat(comparison.Messages).Distinct());

            int figureCounter = 0;
            string Svg(Figure f) => InlineSvg(File.ReadAllText(f.Path), $"f{++figureCounter}-");
            var html = Page(Path.GetFullPath(resultDirectory), runs, perRun, comparison, unreadable, skipped, Svg, set.Styles);
            string path = Path.GetFullPath(outputPath ?? Path.Combine(resultDirectory, DefaultFileName));
            File.WriteAllText(path, html, new UTF8Encoding(false));
            return new ReportOutcome(path, runs.Count, figureCounter, messages);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string Anchor(ResultData r) => "run-" + Regex.Replace(r.Stem, "[^A-Za-z0-9_-]", "-");

    private static string Page(string folder, List<ResultData> runs, List<PlotOutcome> perRun, PlotOutcome comparison,
                               List<(string File, string Reason)> unreadable, List<string> skipped, Func<Figure, string> svg, CaseStyles styles)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html>");
        sb.AppendLine("<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">");
        sb.AppendLine("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        sb.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.AppendLine($"<title>ElectrodeSim results: {E(Path.GetFileName(folder))}</title>");
        sb.AppendLine($"<style>{Style}</style>\n</head>\n<body>");
        sb.AppendLine("<header>");
        sb.AppendLine("<h1>ElectrodeSim results</h1>");
        string version = runs.Select(r => r.ProgramVersion).FirstOrDefault(v => v != null) ?? "unknown";
        sb.AppendLine($"<p class=\"meta\">Folder <code>{E(folder)}</code> · {runs.Count} run(s) · ElectrodeSim {E(version)} · report written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC</p>");
        if (runs.Count > 0)
        {
            sb.AppendLine("<nav><ul>");
            foreach (var r in runs)
                sb.AppendLine($"<li>{Swatch(styles, r)}<a href=\"#{Anchor(r)}\">{E(r.CaseName)}</a> <span class=\"status {E(r.Status)}\">{E(r.Status)}</span></li>");
            sb.AppendLine("</ul></nav>");
        }
        sb.AppendLine("</header>\n<main>");

        if (unreadable.Count > 0)
        {
            sb.AppendLine("<section class=\"unreadable\"><h2>Files that could not be read</h2><ul>");
            foreach (var (file, reason) in unreadable) sb.AppendLine($"<li><code>{E(file)}</code>: {E(reason)}</li>");
            sb.AppendLine("</ul></section>");
        }

        if (skipped.Count > 0)
        {
            sb.AppendLine("<section class=\"skipped\"><h2>Other HDF5 files, not in the report</h2>");
            sb.AppendLine("<p>These have no root attribute <code>program = ElectrodeSim</code>, so they are not ElectrodeSim results.</p><ul>");
            foreach (var file in skipped) sb.AppendLine($"<li><code>{E(file)}</code></li>");
            sb.AppendLine("</ul></section>");
        }

        if (runs.Count > 1)
        {
            sb.AppendLine("<section id=\"comparison\">\n<h2>Side by side</h2>");
            sb.AppendLine(ComparisonTable(runs, styles));
            Figures(sb, comparison.Figures, svg);
            sb.AppendLine("</section>");
        }

        for (int k = 0; k < runs.Count; k++) RunSection(sb, runs[k], perRun[k], svg, styles);

        sb.AppendLine("</main>");
        sb.AppendLine("<footer>Sign conventions: I &gt; 0 lithiates the working electrode of a half cell; j &gt; 0 delithiates a particle " +
                      "(the lithiation current density −j is drawn for half cells). Depth is measured from the separator into the electrode.</footer>");
        sb.AppendLine("</body>\n</html>");
        return sb.ToString();
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The case's colour in every figure of the page, as a small swatch before its name.</summary>
    private static string Swatch(CaseStyles styles, ResultData r) =>
        $"<span class=\"swatch\" style=\"background:{styles[r.CaseName].Hex}\" title=\"colour of {E(r.CaseName)} in the figures\"></span>";

    private static string SummaryValue(ResultData r, string key) => r.Summary.TryGetValue(key, out var stored) && double.IsFinite(stored) && ResultData.DisplayValue(key, stored) is var v ? key switch
    {
        "summary_capacity_mAh_g" => F(v, "F1"),
        "summary_capacity_Ah_m2" => F(v, "F3"),
        "summary_average_voltage_V" => F(v, "F4"),
        "summary_final_mean_state_of_lithiation" => F(v, "F4"),
        "summary_wall_time_s" => F(v, "F3"),
        _ => F(v, "G4"),
    } : "–";

    private static string SolverValue(ResultData r, string key) =>
        r.Solver.TryGetValue(key, out var v) ? (key == "wall_time_s" ? F(v, "F3") : F(v, "N0")) : "–";

    private static string ComparisonTable(List<ResultData> runs, CaseStyles styles)
    {
        var sb = new StringBuilder("<table class=\"comparison\">\n<thead><tr><th scope=\"col\"></th>");
        foreach (var r in runs) sb.Append($"<th scope=\"col\">{Swatch(styles, r)}<a href=\"#{Anchor(r)}\">{E(r.CaseName)}</a></th>");
        sb.AppendLine("</tr></thead>\n<tbody>");
        void Row(string label, Func<ResultData, string> value, bool numeric = true)
        {
            sb.Append($"<tr><th scope=\"row\">{E(label)}</th>");
            foreach (var r in runs) sb.Append(numeric ? $"<td class=\"num\">{E(value(r))}</td>" : $"<td>{value(r)}</td>");
            sb.AppendLine("</tr>");
        }
        Row("File", r => $"<code>{E(Path.GetFileName(r.Path))}</code>", numeric: false);
        Row("Status", r => $"<span class=\"status {E(r.Status)}\">{E(r.Status)}</span>", numeric: false);
        Row("Parameters", r => E(ParameterSource(r)), numeric: false);
        foreach (var (key, label) in ResultData.SummaryKeys.Where(k => runs.Any(r => r.Summary.ContainsKey(k.Key))))
            Row(label, r => SummaryValue(r, key));
        foreach (var (key, label) in ResultData.SolverKeys.Where(k => k.Key != "wall_time_s" && runs.Any(r => r.Solver.ContainsKey(k.Key))))
            Row(label, r => SolverValue(r, key));
        sb.AppendLine("</tbody>\n</table>");
        return sb.ToString();
    }

    /// <summary>
    /// Where a run's parameters come from, as its case says (the root attribute <c>provenance</c>):
    /// a named parameter set (<c>parameter_set</c>) the case was laid over, or the case's own values,
    /// with the source it cites, if any.
    /// </summary>
    internal static string ParameterSource(ResultData r)
    {
        var p = r.Provenance;
        string? set = p.GetValueOrDefault("parameter_set");
        string? source = p.GetValueOrDefault("source");
        string own = set is { Length: > 0 } ? $"parameter set {set}" : "the case's own values (no parameter_set)";
        return source is { Length: > 0 } ? $"{own}; source cited: {source}" : $"{own}; no source cited";
    }

    private static void RunSection(StringBuilder sb, ResultData r, PlotOutcome figures, Func<Figure, string> svg, CaseStyles styles)
    {
        sb.AppendLine($"<section class=\"run\" id=\"{Anchor(r)}\">");
        sb.AppendLine($"<h2>{Swatch(styles, r)}{E(r.CaseName)} <span class=\"status {E(r.Status)}\">{E(r.Status)}</span></h2>");
        if (!string.IsNullOrEmpty(r.CaseDescription)) sb.AppendLine($"<p class=\"description\">{E(r.CaseDescription)}</p>");

        sb.AppendLine("<h3>Case summary</h3>\n<table class=\"summary\"><tbody>");
        void Row(string label, string? value) { if (!string.IsNullOrEmpty(value)) sb.AppendLine($"<tr><th scope=\"row\">{E(label)}</th><td>{E(value)}</td></tr>"); }
        Row("File", Path.GetFileName(r.Path));
        Row("Status", r.Status);
        Row("Failure reason", r.FailureReason);
        Row("Model", r.Model);
        foreach (var (key, label) in ResultData.SummaryKeys.Where(k => r.Summary.ContainsKey(k.Key)))
            Row(label, SummaryValue(r, key));
        if (r.Series is { Count: > 0 } s)
            Row("Records", $"{s.Count} over {F(s.Time[^1] - s.Time[0], "F1")} s");
        Row("Parameters", ParameterSource(r));
        Row("Source title", r.Provenance.GetValueOrDefault("title"));
        Row("DOI", r.Provenance.GetValueOrDefault("doi"));
        Row("Written", r.CreatedUtc);
        Row("Program version", r.ProgramVersion);
        sb.AppendLine("</tbody></table>");

        // The plotter's messages about this run, without the run's name in front.
        string[] prefixes = [$"{r.CaseName} ({Path.GetFileName(r.Path)}): ", $"{r.CaseName}: "];
        var notes = figures.Messages.Select(m => prefixes.FirstOrDefault(m.StartsWith) is { } p ? m[p.Length..] : m).Distinct().ToList();
        if (notes.Count > 0)
        {
            sb.AppendLine("<div class=\"notes\"><h3>Missing or partial data</h3><ul>");
            foreach (var n in notes) sb.AppendLine($"<li>{E(n)}</li>");
            sb.AppendLine("</ul></div>");
        }

        if (figures.Figures.Count > 0)
        {
            sb.AppendLine("<h3>Figures</h3>");
            Figures(sb, figures.Figures, svg);
        }
        else sb.AppendLine("<p class=\"nofigures\">No figures: the run recorded too little to draw (see the notes above).</p>");

        sb.AppendLine("<h3>Solver report</h3>");
        if (r.Solver.Count > 0)
        {
            sb.AppendLine("<table class=\"solver\"><tbody>");
            foreach (var (key, label) in ResultData.SolverKeys.Where(k => r.Solver.ContainsKey(k.Key)))
                sb.AppendLine($"<tr><th scope=\"row\">{E(label)}</th><td class=\"num\">{E(SolverValue(r, key))}</td></tr>");
            if (r.SolverDescription != null) sb.AppendLine($"<tr><th scope=\"row\">Method</th><td>{E(r.SolverDescription)}</td></tr>");
            sb.AppendLine("</tbody></table>");
        }
        else sb.AppendLine("<p>No solver report in the file (a run writes it when it completes).</p>");

        if (r.Protocol.Count > 0)
        {
            sb.AppendLine("<h3>Protocol</h3>\n<table class=\"protocol\"><thead><tr><th>Step</th><th>Label</th><th>Mode</th><th>Start [s]</th><th>End [s]</th><th>Duration [s]</th><th>Charge [C/m²]</th><th>Capacity [mAh/g]</th><th>Ended by</th></tr></thead><tbody>");
            string N(double v, string format) => double.IsFinite(v) ? F(v, format) : "–";
            foreach (var p in r.Protocol)
            {
                string ended = p.End is { Length: > 0 } end ? $"{E(p.Reason)} <span class=\"end\">({E(end)})</span>" : E(p.Reason);
                sb.AppendLine($"<tr><td class=\"num\">{p.Index}</td><td>{E(p.Label)}</td><td>{E(p.Mode ?? "–")}</td><td class=\"num\">{N(p.StartTime, "F1")}</td><td class=\"num\">{N(p.EndTime, "F1")}</td>" +
                              $"<td class=\"num\">{N(p.Duration, "F1")}</td><td class=\"num\">{N(p.Charge, "F1")}</td><td class=\"num\">{N(p.Capacity, "F1")}</td><td>{ended}</td></tr>");
            }
            sb.AppendLine("</tbody></table>");
        }
        if (!string.IsNullOrEmpty(r.CaseText))
            sb.AppendLine($"<details><summary>Case file</summary><pre>{E(r.CaseText)}</pre></details>");
        sb.AppendLine("</section>");
    }

    private static void Figures(StringBuilder sb, List<Figure> figures, Func<Figure, string> svg)
    {
        sb.AppendLine("<div class=\"figures\">");
        foreach (var f in figures)
            sb.AppendLine($"<figure class=\"{E(f.Kind)}\">{svg(f)}<figcaption>{E(f.Title)}</figcaption></figure>");
        sb.AppendLine("</div>");
    }

    /// <summary>
    /// An SVG figure made fit to sit inline among others: no XML prolog or doctype, every id
    /// prefixed (clip paths of different figures would otherwise share ids), and sized by its view
    /// box (made from its width and height when it has none) so that it scales with the page.
    /// </summary>
    internal static string InlineSvg(string svg, string prefix)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start < 0) throw new FigureException("the SVG figure has no <svg> element");
        svg = svg[start..];
        svg = IdAttribute().Replace(svg, m => $"id={m.Groups[1].Value}{prefix}{m.Groups[2].Value}{m.Groups[1].Value}");
        svg = LocalReference().Replace(svg, m => $"{m.Groups[1].Value}={m.Groups[2].Value}#{prefix}");
        svg = svg.Replace("url(#", $"url(#{prefix}");
        int end = svg.IndexOf('>');
        string head = svg[..end];
        if (!head.Contains("viewBox", StringComparison.Ordinal))
        {
            string Size(string name) => SizeAttribute().Matches(head).FirstOrDefault(m => m.Groups[1].Value == name)?.Groups[3].Value ?? "0";
            head += $" viewBox=\"0 0 {Size("width")} {Size("height")}\"";
        }
        head = SizeAttribute().Replace(head, "");
        return head + " class=\"plot\" role=\"img\"" + svg[end..];
    }

    [GeneratedRegex("""\bid=(['"])(.*?)\1""")]
    private static partial Regex IdAttribute();

    [GeneratedRegex("""\b(xlink:href|href)=(['"])#""")]
    private static partial Regex LocalReference();

    [GeneratedRegex("""\s(width|height)=(['"])([^'"]*)\2""")]
    private static partial Regex SizeAttribute();

    private const string Style = """

        :root { color-scheme: light; }
        body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; margin: 0; color: #1a1a1a; background: #fafafa; line-height: 1.45; }
        header, main, footer { max-width: 1560px; margin: 0 auto; padding: 0 24px; }
        header { padding-top: 24px; }
        h1 { font-size: 1.8em; margin: 0 0 4px; }
        h2 { font-size: 1.4em; border-bottom: 2px solid #2a788e; padding-bottom: 4px; margin-top: 36px; }
        h3 { font-size: 1.1em; margin: 20px 0 8px; color: #333; }
        .meta { color: #555; margin: 0 0 12px; }
        nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 8px 20px; }
        a { color: #2a5d8e; }
        code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; }
        pre { background: #f0f0f0; padding: 12px; overflow-x: auto; }
        table { border-collapse: collapse; background: #fff; margin: 8px 0 16px; }
        th, td { border: 1px solid #d0d0d0; padding: 4px 10px; text-align: left; vertical-align: top; }
        thead th { background: #e9eef3; }
        th[scope=row] { background: #f4f6f8; font-weight: normal; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .status { font-size: 0.75em; padding: 1px 7px; border-radius: 8px; vertical-align: middle; background: #ddd; }
        .status.complete { background: #d5efd8; color: #1d5e27; }
        .status.failed { background: #f7d4d0; color: #8a1f12; }
        .status.running { background: #fbeec2; color: #6b4e00; }
        .notes { background: #fff8e1; border-left: 4px solid #e6a700; padding: 4px 16px; }
        .figures { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
        @media (max-width: 1000px) { .figures { grid-template-columns: 1fr; } }
        .swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; margin-right: 0.4em; vertical-align: -0.08em; }
        figure { margin: 0; background: #fff; border: 1px solid #e0e0e0; padding: 8px; }
        figure.sol-maps { grid-column: 1 / -1; }
        svg.plot { display: block; width: 100%; height: auto; }
        figure.sol-maps svg.plot { max-width: 1500px; margin: 0 auto; }
        figcaption { font-size: 0.9em; color: #444; text-align: center; margin-top: 4px; }
        footer { color: #666; font-size: 0.85em; padding-bottom: 32px; margin-top: 32px; }

        """;
}
