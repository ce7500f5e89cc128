using ElectrodeSim.Plotting.Tests.Support;

namespace ElectrodeSim.Plotting.Tests;

/// <summary>Figures drawn by OxyPlot: present, non-trivial, labelled; missing data said, never drawn empty.</summary>
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
        Assert.Contains("Distance from the separator | electrode interface (µm)", figures["sol-map"]);
        Assert.Contains("Distance from the separator | electrode interface (µm)", figures["mean-sol"]);
        Assert.Contains("Distance from the separator | electrode interface (µm), separator &lt; 0", figures["electrolyte-concentration"]);
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
    public void Svg_figures_are_well_formed_xml_documents_in_the_figure_font()
    {
        var outcome = Plot(ResultFiles.Variant("l"), FigureFormat.Svg);
        Assert.Equal(HalfCellKinds, outcome.Figures.Select(f => f.Kind));
        foreach (var f in outcome.Figures)
        {
            var svg = System.Xml.Linq.XDocument.Load(f.Path).Root!;
            Assert.Equal("svg", svg.Name.LocalName);
            Assert.Equal("http://www.w3.org/2000/svg", svg.Name.NamespaceName);
            var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").ToList();
            Assert.NotEmpty(texts);
            Assert.All(texts, t => Assert.StartsWith(FigureStyle.Font + ",", (string?)t.Attribute("font-family")));
        }
    }

    [Fact]
    public void Pdf_figures_are_pdf_documents_with_a_page()
    {
        var outcome = Plot(ResultFiles.Variant("m"), FigureFormat.Pdf);
        Assert.Equal(HalfCellKinds.Length, outcome.Figures.Count);
        foreach (var f in outcome.Figures)
        {
            Assert.EndsWith(".pdf", f.Path);
            var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f.Path));
            Assert.StartsWith("%PDF-", text);
            Assert.Contains("%%EOF", text[^64..]);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, @"/Type\s*/Page\b"));
            Assert.True(new FileInfo(f.Path).Length > 5_000);
        }
    }

    [Fact]
    public void Several_runs_are_overlaid_labelled_by_case_name_and_their_maps_drawn_side_by_side()
    {
        var results = new[] { "l", "m", "h" }.Select(v => ResultData.Load(ResultFiles.Variant(v))).ToList();
        var outcome = new FigurePlotter(new PlotOptions { Format = FigureFormat.Svg }).PlotComparison(results, ResultFiles.NewFolder("overlay"));
        Assert.Equal(["voltage-capacity", "voltage-time", "sol-maps", "mean-sol", "interfacial-current", "electrolyte-concentration"], outcome.Figures.Select(f => f.Kind));
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

    private static List<ResultData> Variants(params string[] v) => v.Select(x => ResultData.Load(ResultFiles.Variant(x))).ToList();

    [Fact]
    public void Each_case_keeps_its_colour_in_its_own_figures_and_every_overlay_whatever_the_order_of_the_files()
    {
        var forward = Variants("l", "m", "h");
        var backward = Enumerable.Reverse(forward).ToList();
        var reference = CaseStyles.Of(forward);
        Assert.Equal(3, forward.Select(r => reference[r.CaseName].Hex).Distinct().Count());
        foreach (var order in new[] { forward, backward })
        {
            var plotter = new FigurePlotter(new PlotOptions());
            var set = PlotSet.Of(order, plotter.Options);
            string folder = ResultFiles.NewFolder("colours");
            var perRun = order.ToDictionary(r => r.CaseName, r => plotter.PlotResult(r, folder, set));
            var comparison = plotter.PlotComparison(order, folder, set);
            foreach (var r in order)
            {
                string hex = reference[r.CaseName].Hex;
                foreach (var kind in new[] { "voltage-capacity", "voltage-time" })
                    Assert.Equal(hex, Png.Read(perRun[r.CaseName].Figures.Single(f => f.Kind == kind).Path).DominantColour());
                foreach (var kind in new[] { "voltage-capacity", "voltage-time", "mean-sol", "interfacial-current", "electrolyte-concentration" })
                {
                    int pixels = Png.Read(comparison.Figures.Single(f => f.Kind == kind).Path).PixelsOf(hex);
                    Assert.True(pixels > 40, $"{kind}: only {pixels} pixels of {r.CaseName}'s colour {hex}");
                }
            }
        }
    }

    [Fact]
    public void Depth_profiles_of_the_runs_of_one_call_are_drawn_at_the_same_times_up_to_the_shortest_lithiation()
    {
        var runs = Variants("l", "m", "h");
        var plotter = new FigurePlotter(new PlotOptions { Format = FigureFormat.Svg });
        var set = PlotSet.Of(runs, plotter.Options);
        Assert.Equal(5, set.Times.Count);
        double shortest = runs.Min(r => RecordChoice.EndOfLithiation(r, r.Series!.Count).Time);
        Assert.Equal(shortest, set.Times[^1].Time, 9);
        string folder = ResultFiles.NewFolder("same-times");
        foreach (var r in runs)
        {
            var svg = File.ReadAllText(plotter.PlotResult(r, folder, set).Figures.Single(f => f.Kind == "mean-sol").Path);
            foreach (var t in set.Times) Assert.Contains(">" + t.Label[4..] + "<", svg);
        }
        var overlay = File.ReadAllText(plotter.PlotComparison(runs, folder, set).Figures.Single(f => f.Kind == "mean-sol").Path);
        foreach (var t in set.Times) Assert.Contains(">" + t.Label + "<", overlay);
    }

    [Fact]
    public void A_map_that_is_flat_on_the_shared_colour_scale_gets_a_scale_of_its_own()
    {
        var runs = Variants("l", "m", "h");
        var spans = runs.ToDictionary(r => r.CaseName, r =>
        {
            var sol = r.Electrodes[0].StateOfLithiation!;
            var values = sol.At(RecordChoice.EndOfLithiation(r, sol.TimeCount).Index).ToArray();
            return (Lo: values.Min(), Hi: values.Max());
        });
        double shared = spans.Values.Max(s => s.Hi) - spans.Values.Min(s => s.Lo);
        var svg = File.ReadAllText(new FigurePlotter(new PlotOptions { Format = FigureFormat.Svg })
            .PlotComparison(runs, ResultFiles.NewFolder("flat")).Figures.Single(f => f.Kind == "sol-maps").Path);
        foreach (var (name, s) in spans)
        {
            bool flat = s.Hi - s.Lo < FigurePlotter.FlatFraction * shared;
            Assert.Equal(flat, svg.Contains($"State of lithiation, {name} (own scale)"));
        }
        // One run alone is drawn on its own range: no second scale.
        var single = File.ReadAllText(Plot(ResultFiles.Variant("h"), FigureFormat.Svg).Figures.Single(f => f.Kind == "sol-map").Path);
        Assert.DoesNotContain("own scale", single);
    }

    [Fact]
    public void No_figure_code_script_or_document_mentions_the_old_external_plotter()
    {
        string old = "gnu" + "plot";
        var root = ResultFiles.RepositoryRoot;
        // src/ElectrodeSim.Native is left out: its HDF5 comment names the old plotter as an example of a
        // child process, and that assembly belongs to the HDF5 work, not to the figures.
        var files = new[] { "src", "tools", "tests", "cases" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => !f.StartsWith(Path.Combine(root, "src", "ElectrodeSim.Native"), StringComparison.Ordinal))
            .Append(Path.Combine(root, "README.md"));
        var mentions = files.Where(f => File.ReadAllText(f).Contains(old, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Empty(mentions);
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
        Assert.Contains("Distance from the negative electrode | separator interface", electrolyte);
        Assert.Contains(">positive<", electrolyte);
    }

    [Fact]
    public void A_figure_that_cannot_be_written_is_an_error_and_leaves_no_file()
    {
        string folder = ResultFiles.NewFolder("unwritable");
        string blocked = Path.Combine(folder, "blocked");
        File.WriteAllText(blocked, "a file where the figure folder should be");
        var e = Assert.ThrowsAny<IOException>(() => new FigurePlotter(new PlotOptions()).PlotResult(ResultData.Load(ResultFiles.Variant("l")), blocked));
        Assert.Contains("blocked", e.Message);
        Assert.Equal([blocked], Directory.GetFiles(folder));
    }
}
