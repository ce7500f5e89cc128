using System.Net;
using System.Text.RegularExpressions;
using ElectrodeSim.Plotting.Tests.Support;

namespace ElectrodeSim.Plotting.Tests;

/// <summary>The HTML report: self-contained, complete, and rendered by a real browser.</summary>
public class HtmlReportTests
{
    private static readonly Lazy<string> VariantsReport = new(() =>
        HtmlReport.Write(ResultFiles.Variants, Path.Combine(ResultFiles.NewFolder("report"), "report.html")).Path);

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [Fact]
    public void The_report_of_several_runs_has_a_side_by_side_table_case_summaries_inline_svg_figures_and_solver_reports()
    {
        var html = File.ReadAllText(VariantsReport.Value);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Equal(1, Count(html, "<table class=\"comparison\">"));
        Assert.Equal(3, Count(html, "<section class=\"run\""));
        Assert.Equal(3, Count(html, "<h3>Case summary</h3>"));
        Assert.Equal(3, Count(html, "<table class=\"solver\">"));
        // Six figures per run and six overlays (voltage against capacity and time, three depth profiles, the maps side by side).
        Assert.Equal(3 * 6 + 6, Count(html, "<svg"));
        Assert.Equal(Count(html, "<svg"), Count(html, "</svg>"));
        foreach (var name in new[] { "SiO@C-l", "SiO@C-m", "SiO@C-h" }) Assert.Contains(name, html);
        Assert.Contains("737.2", html);
        Assert.DoesNotContain("<?xml", html);
        // Ids are unique although every SVG figure numbers its clip paths from 1.
        var ids = Regex.Matches(html, """\bid=["']([^"']+)["']""").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void The_report_gives_capacities_in_mAh_per_g_and_mAh_per_cm2_and_the_parameter_source_the_case_names()
    {
        var html = File.ReadAllText(VariantsReport.Value);
        Assert.Contains(WebUtility.HtmlEncode("Areal capacity [mAh/cm²]"), html);
        Assert.DoesNotContain(WebUtility.HtmlEncode("Ah/m²"), html);
        Assert.DoesNotContain("Ah/m²", html);
        var run = ResultData.Load(ResultFiles.Variant("l"));
        double stored = run.Summary["summary_capacity_Ah_m2"];
        Assert.Contains($"<td class=\"num\">{(0.1 * stored).ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}</td>", html);
        // The SiO@C cases cite the paper but lay their values over no parameter set.
        Assert.False(run.Provenance.ContainsKey("parameter_set"));
        Assert.DoesNotContain("Parameter set</th><td>Zhang", html);
        Assert.Contains("the case&#39;s own values (no parameter_set); source cited: Zhang et al.", html);
    }

    [Fact]
    public void Each_case_has_the_colour_of_its_swatch_in_every_figure_of_the_report()
    {
        var html = File.ReadAllText(VariantsReport.Value);
        var styles = CaseStyles.Of(new[] { "l", "m", "h" }.Select(v => ResultData.Load(ResultFiles.Variant(v))));
        foreach (var name in new[] { "SiO@C-l", "SiO@C-m", "SiO@C-h" })
        {
            var style = styles[name];
            Assert.Contains($"background:{style.Hex}\" title=\"colour of {name}", html);
            // The run's own voltage figure draws its one curve in that colour and in no other case's.
            int start = html.IndexOf($"<h2><span class=\"swatch\" style=\"background:{style.Hex}\"", StringComparison.Ordinal);
            Assert.True(start > 0, $"no section for {name}");
            int end = html.IndexOf("</figure>", start, StringComparison.Ordinal);
            string voltage = html[start..end];
            Assert.Contains(SvgColour(style.Hex), voltage);
            foreach (var other in new[] { "SiO@C-l", "SiO@C-m", "SiO@C-h" }.Where(o => o != name))
                Assert.DoesNotContain(SvgColour(styles[other].Hex), voltage);
        }
        // The overlays draw every case.
        int side = html.IndexOf("<section id=\"comparison\">", StringComparison.Ordinal);
        string comparison = html[side..html.IndexOf("</section>", side, StringComparison.Ordinal)];
        foreach (var name in new[] { "SiO@C-l", "SiO@C-m", "SiO@C-h" }) Assert.Contains(SvgColour(styles[name].Hex), comparison);
    }

    private static string SvgColour(string hex) =>
        $"stroke:rgb({Convert.ToInt32(hex[1..3], 16)},{Convert.ToInt32(hex[3..5], 16)},{Convert.ToInt32(hex[5..7], 16)})";

    [Fact]
    public void The_report_needs_no_network_no_script_no_external_style_font_or_image()
    {
        var html = File.ReadAllText(VariantsReport.Value);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotMatch("""(src|href)\s*=\s*["'](https?:|//)""", html);
        Assert.DoesNotMatch("""url\(\s*["']?(https?:|//)""", html);
        Assert.Contains("Content-Security-Policy", html);
    }

    [Fact]
    public async Task The_report_renders_in_headless_chromium_with_its_tables_and_figures()
    {
        string folder = ResultFiles.NewFolder("chromium");
        string shot = Path.Combine(folder, "report.png");
        var dom = Task.Run(() => Chromium.DumpDom(VariantsReport.Value));
        Chromium.Screenshot(VariantsReport.Value, shot, 1280, 2000);

        var png = Png.Read(shot);
        Assert.Equal(1280, png.Width);
        Assert.Equal(2000, png.Height);
        Assert.True(png.LuminanceDeviation() > 15, $"luminance deviation {png.LuminanceDeviation():F1}: the page looks blank");
        Assert.True(png.InkFraction() > 0.05, $"only {png.InkFraction():P1} of the page differs from the background");
        // The top of the page holds the voltage overlays and the three state-of-lithiation maps.
        Assert.True(png.ColouredPixels() > 50_000, $"only {png.ColouredPixels()} coloured pixels: the figures did not render");

        var rendered = await dom;
        Assert.Equal(3 * 6 + 6, Count(rendered, "<svg"));
        Assert.Contains("<table class=\"comparison\">", rendered);
        Assert.Equal(3, Count(rendered, "<table class=\"solver\">"));
        Assert.Contains("Side by side", rendered);
    }

    [Fact]
    public void A_report_of_a_failed_run_and_a_run_without_fields_says_what_is_missing_and_draws_what_exists()
    {
        string folder = ResultFiles.NewFolder("report-partial");
        File.Copy(ResultFiles.WithoutFields, Path.Combine(folder, "sio-c-l.h5"));
        File.Copy(ResultFiles.FailedMidRun, Path.Combine(folder, "sio-c-m.failed.h5"));
        File.Copy(ResultFiles.FailedAtStart, Path.Combine(folder, "sio-c-h.failed.h5"));
        File.WriteAllText(Path.Combine(folder, "broken.h5"), "not HDF5");
        File.WriteAllText(Path.Combine(folder, "next.h5.partial"), "");

        var outcome = HtmlReport.Write(folder);
        Assert.Equal(Path.Combine(folder, HtmlReport.DefaultFileName), outcome.Path);
        Assert.Equal(3, outcome.Runs);
        var html = File.ReadAllText(outcome.Path);
        Assert.Contains("Files that could not be read", html);
        Assert.Contains("broken.h5", html);
        Assert.Contains(outcome.Messages, m => m.Contains("next.h5.partial"));
        Assert.Equal(3, Count(html, "<div class=\"notes\">"));
        Assert.Contains("output.fields: false", html);
        Assert.Contains("stopped by the test", html);
        Assert.Contains("No figures: the run recorded too little to draw", html);
        Assert.Equal(2, Count(html, "<span class=\"status failed\">failed</span></h2>"));
        // sio-c-l: two voltage figures; sio-c-m (failed mid-run): six; overlays of the two with records: two.
        Assert.Equal(2 + 6 + 2, outcome.Figures);
    }

    [Fact]
    public void A_folder_without_result_files_is_rejected()
    {
        var e = Assert.Throws<ResultFileException>(() => HtmlReport.Write(ResultFiles.NewFolder("empty")));
        Assert.Contains("no result files", e.Message);
        Assert.Throws<ResultFileException>(() => HtmlReport.Write(Path.Combine(ResultFiles.NewFolder("gone"), "missing")));
    }
}
