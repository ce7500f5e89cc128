using ElectrodeSim.Plotting.Tests.Support;

namespace ElectrodeSim.Plotting.Tests;

/// <summary>Figures drawn by gnuplot: present, non-trivial, labelled; missing data said, never drawn empty.</summary>
public class FigurePlotterTests
{
    private static readonly string[] HalfCellKinds =
        ["voltage-capacity", "voltage-time", "sol-map", "mean-sol", "interfacial-current", "electrolyte-concentration"];

    private static PlotOutcome Plot(string result, FigureFormat format = FigureFormat.Png, IReadOnlyList<double>? times = null, string? folder = null) =>
        new FigurePlotter(new PlotOptions { Format = format, Times = times }).PlotResult(ResultData.Load(result), folder ?? ResultFiles.NewFolder("figures"));

    private static void AssertNonTrivialPng(string path)
    {
        Assert.True(new FileInfo(path).Length > 8_000, $"{Path.GetFileName(path)} is only {new FileInfo(path).Length} bytes");
        var png = Png.Read(path);
        Assert.InRange(png.Width, 500, 2000);
        Assert.InRange(png.Height, 350, 1500);
        Assert.True(png.InkFraction() > 0.02, $"{Path.GetFileName(path)}: {png.InkFraction():P1} of the pixels differ from the background");
        Assert.True(png.ColouredPixels() > 1000, $"{Path.GetFileName(path)}: only {png.ColouredPixels()} coloured pixels (no curve or map?)");
    }

    [Fact]
    public void Every_figure_of_a_complete_run_is_a_non_trivial_png()
    {
        var outcome = Plot(ResultFiles.Variant("l"));
        Assert.Empty(outcome.Messages);
        Assert.Equal(HalfCellKinds, outcome.Figures.Select(f => f.Kind));
        foreach (var f in outcome.Figures)
        {
            Assert.Equal($"sio-c-l-{f.Kind}.png", Path.GetFileName(f.Path));
            AssertNonTrivialPng(f.Path);
        }
    }

    [Fact]
    public void Svg_figures_carry_their_axis_labels_with_units_and_the_map_a_labelled_colour_bar()
    {
        var figures = Plot(ResultFiles.Variant("h"), FigureFormat.Svg).Figures.ToDictionary(f => f.Kind, f => File.ReadAllText(f.Path));
        Assert.Contains("Specific capacity (mAh g", figures["voltage-capacity"]);
        Assert.Contains("Voltage (V vs Li/Li", figures["voltage-capacity"]);
        Assert.Contains("Time (", figures["voltage-time"]);
        Assert.Contains("Depth from separator (µm)", figures["sol-map"]);
        Assert.Contains("Particle radius r (µm)", figures["sol-map"]);
        Assert.Contains("State of lithiation c", figures["sol-map"]);
        Assert.Contains("end of lithiation", figures["sol-map"]);
        Assert.Contains("Mean state of lithiation", figures["mean-sol"]);
        Assert.Contains("Lithiation current density −j (A m", figures["interfacial-current"]);
        Assert.Contains("Electrolyte concentration c", figures["electrolyte-concentration"]);
        Assert.Contains("separator", figures["electrolyte-concentration"]);
        Assert.All(figures.Values, svg => Assert.Contains("SiO@C-h", svg));
    }

    [Fact]
    public void Pdf_figures_are_pdf_documents()
    {
        var outcome = Plot(ResultFiles.Variant("m"), FigureFormat.Pdf);
        Assert.Equal(HalfCellKinds.Length, outcome.Figures.Count);
        foreach (var f in outcome.Figures)
        {
            Assert.EndsWith(".pdf", f.Path);
            Assert.StartsWith("%PDF", File.ReadAllText(f.Path)[..8]);
            Assert.True(new FileInfo(f.Path).Length > 5_000);
        }
    }

    [Fact]
    public void Several_runs_are_overlaid_labelled_by_case_name_and_their_maps_drawn_side_by_side()
    {
        var results = new[] { "l", "m", "h" }.Select(v => ResultData.Load(ResultFiles.Variant(v))).ToList();
        var outcome = new FigurePlotter(new PlotOptions { Format = FigureFormat.Svg }).PlotComparison(results, ResultFiles.NewFolder("overlay"));
        Assert.Equal(["voltage-capacity", "voltage-time", "sol-maps"], outcome.Figures.Select(f => f.Kind));
        foreach (var f in outcome.Figures)
        {
            var svg = File.ReadAllText(f.Path);
            Assert.Contains("SiO@C-l", svg);
            Assert.Contains("SiO@C-m", svg);
            Assert.Contains("SiO@C-h", svg);
        }
        var png = new FigurePlotter(new PlotOptions()).PlotComparison(results, ResultFiles.NewFolder("overlay-png"));
        Assert.All(png.Figures, f => AssertNonTrivialPng(f.Path));
    }

    [Fact]
    public void Requested_times_are_snapped_to_records_and_times_outside_the_record_are_skipped_with_a_message()
    {
        var r = ResultData.Load(ResultFiles.Variant("l"));
        var messages = new List<string>();
        var records = RecordChoice.Choose(r, r.Series!.Count, [100, 500, 99_999], endOnly: true, messages);
        Assert.Equal(2, records.Count);
        var t = r.Series.Time;
        foreach (var (record, wanted) in records.Zip(new[] { 100.0, 500.0 }))
            Assert.All(t, other => Assert.True(Math.Abs(record.Time - wanted) <= Math.Abs(other - wanted)));
        Assert.Contains(messages, m => m.Contains("99999 s is outside"));

        var outcome = Plot(ResultFiles.Variant("l"), FigureFormat.Svg, times: [100, 500, 99_999]);
        Assert.Equal(HalfCellKinds, outcome.Figures.Select(f => f.Kind));
        var map = File.ReadAllText(outcome.Figures.Single(f => f.Kind == "sol-map").Path);
        Assert.Contains(records[0].Label, map);
        Assert.Contains(records[1].Label, map);
    }

    [Fact]
    public void By_default_the_map_shows_the_end_of_lithiation_and_the_profiles_five_times_up_to_it()
    {
        var r = ResultData.Load(ResultFiles.Variant("m"));
        var end = RecordChoice.EndOfLithiation(r, r.Series!.Count);
        Assert.Equal(r.Series.Count - 1, end.Index);
        Assert.Equal(r.Protocol[0].EndTime, end.Time, 6);
        Assert.Contains("end of lithiation", end.Label);
        var profiles = RecordChoice.Choose(r, r.Series.Count, null, endOnly: false, []);
        Assert.Equal(5, profiles.Count);
        Assert.Equal(end, profiles[^1]);
    }

    [Fact]
    public void A_run_without_fields_gets_its_voltage_curves_and_a_message_but_no_empty_figure()
    {
        var outcome = Plot(ResultFiles.WithoutFields);
        Assert.Equal(["voltage-capacity", "voltage-time"], outcome.Figures.Select(f => f.Kind));
        Assert.All(outcome.Figures, f => AssertNonTrivialPng(f.Path));
        Assert.Contains(outcome.Messages, m => m.Contains("no /fields group"));
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(outcome.Figures[0].Path)!).Length);
    }

    [Fact]
    public void A_failed_run_is_plotted_from_what_it_recorded()
    {
        var outcome = Plot(ResultFiles.FailedMidRun);
        Assert.Equal(HalfCellKinds, outcome.Figures.Select(f => f.Kind));
        Assert.All(outcome.Figures, f => Assert.StartsWith("sio-c-l.failed-", Path.GetFileName(f.Path)));
        Assert.All(outcome.Figures, f => AssertNonTrivialPng(f.Path));
        Assert.Contains(outcome.Messages, m => m.Contains("the run failed") && m.Contains("stopped by the test"));
    }

    [Fact]
    public void A_run_that_failed_before_recording_enough_gives_no_figure_and_says_why()
    {
        string folder = ResultFiles.NewFolder("failed-at-start");
        var outcome = Plot(ResultFiles.FailedAtStart, folder: folder);
        Assert.Empty(outcome.Figures);
        Assert.Empty(Directory.GetFiles(folder));
        Assert.Contains(outcome.Messages, m => m.Contains("the run failed"));
        Assert.Contains(outcome.Messages, m => m.Contains("too few for a voltage curve"));
        Assert.Contains(outcome.Messages, m => m.Contains("only the initial state was recorded"));
    }

    [Fact]
    public void A_file_cut_short_mid_record_is_plotted_from_the_records_every_series_has()
    {
        var outcome = Plot(ResultFiles.Interrupted);
        Assert.Equal(["voltage-capacity", "voltage-time", "sol-map", "mean-sol", "interfacial-current", "electrolyte-concentration"],
                     outcome.Figures.Select(f => f.Kind));
        Assert.All(outcome.Figures, f => AssertNonTrivialPng(f.Path));
        Assert.Contains(outcome.Messages, m => m.Contains("different lengths"));
    }

    [Fact]
    public void A_full_cell_result_gets_figures_for_each_electrode()
    {
        var outcome = Plot(ResultFiles.FullCell, FigureFormat.Svg);
        Assert.Equal(["voltage-capacity", "voltage-time", "sol-map-negative", "mean-sol-negative", "interfacial-current-negative",
                      "sol-map-positive", "mean-sol-positive", "interfacial-current-positive", "electrolyte-concentration"],
                     outcome.Figures.Select(f => f.Kind));
        var voltage = File.ReadAllText(outcome.Figures[0].Path);
        Assert.Contains("Cell voltage (V)", voltage);
        Assert.Contains("Capacity (mAh cm", voltage);
        var electrolyte = File.ReadAllText(outcome.Figures[^1].Path);
        Assert.Contains("negative current collector", electrolyte);
        Assert.Contains(">positive<", electrolyte);
    }

    [Fact]
    public void A_missing_gnuplot_is_reported_with_the_package_to_install()
    {
        var plotter = new FigurePlotter(new PlotOptions(), new Gnuplot("gnuplot-not-installed-here"));
        var e = Assert.Throws<GnuplotException>(() => plotter.PlotResult(ResultData.Load(ResultFiles.Variant("l")), ResultFiles.NewFolder("no-gnuplot")));
        Assert.Contains("gnuplot-nox", e.Message);
    }

    [Fact]
    public void A_gnuplot_error_is_reported_with_its_message_and_leaves_no_figure()
    {
        string output = Path.Combine(ResultFiles.NewFolder("gnuplot-error"), "broken.png");
        var job = new GnuplotJob { OutputPath = output, Format = FigureFormat.Png, Width = 400, Height = 300, Script = "plot 'missing.dat' using 1:2 with lines\n" };
        var e = Assert.Throws<GnuplotException>(() => new Gnuplot().Render(job));
        Assert.Contains("missing.dat", e.Message);
        Assert.False(File.Exists(output));
    }
}
