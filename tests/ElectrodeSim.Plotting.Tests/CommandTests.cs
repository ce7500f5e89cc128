using ElectrodeSim.Cli;
using ElectrodeSim.Plotting.Tests.Support;
using Spectre.Console;

namespace ElectrodeSim.Plotting.Tests;

/// <summary>The <c>plot</c>, <c>report</c> and <c>run --plot</c> commands: files written and exit codes (0 ok, 2 bad input).</summary>
public class CommandTests
{
    private static IAnsiConsole Quiet() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(new StringWriter()),
    });

    [Fact]
    public void Plot_writes_each_runs_figures_and_the_overlays_and_exits_0()
    {
        string folder = ResultFiles.NewFolder("plot-command");
        var files = new[] { "l", "m", "h" }.Select(ResultFiles.Variant).ToList();
        Assert.Equal(RunCommand.Ok, PlotCommand.Execute(Quiet(), files, folder, "svg", "200,600"));
        var written = Directory.GetFiles(folder).Select(Path.GetFileName).ToHashSet();
        // Six figures per run; the overlays: two voltage figures, the maps side by side, three depth profiles.
        Assert.Equal(3 * 6 + 6, written.Count);
        Assert.Contains("sio-c-h-sol-map.svg", written);
        Assert.Contains("voltage-capacity.svg", written);
        Assert.Contains("sol-maps.svg", written);
    }

    [Fact]
    public void Plot_of_one_case_run_into_two_folders_keeps_both_runs_figures_and_labels_apart()
    {
        // A user's variant: the same case (same file name, same case name) run into results-a/ and results-b/.
        string root = ResultFiles.NewFolder("plot-same-stem"), folder = Path.Combine(root, "figures");
        var files = new[] { "results-a", "results-b" }.Select(d =>
        {
            Directory.CreateDirectory(Path.Combine(root, d));
            string target = Path.Combine(root, d, "sio-c-l.h5");
            File.Copy(ResultFiles.Variant("l"), target);
            return target;
        }).ToList();
        Assert.Equal(RunCommand.Ok, PlotCommand.Execute(Quiet(), files, folder, "svg", null));
        var written = Directory.GetFiles(folder).Select(Path.GetFileName).ToHashSet();
        Assert.Equal(2 * 6 + 6, written.Count);
        Assert.Contains("results-a-sio-c-l-sol-map.svg", written);
        Assert.Contains("results-b-sio-c-l-sol-map.svg", written);
        var results = files.Select(ResultData.Load).ToList();
        ResultData.LabelDuplicateNames(results);
        Assert.Equal(["SiO@C-l (results-a-sio-c-l)", "SiO@C-l (results-b-sio-c-l)"], results.Select(r => r.CaseName).ToArray());
    }

    [Fact]
    public void Compare_of_one_case_run_into_two_folders_labels_the_rows_apart()
    {
        string root = ResultFiles.NewFolder("compare-same-stem");
        var files = new[] { "results-a", "results-b" }.Select(d =>
        {
            Directory.CreateDirectory(Path.Combine(root, d));
            string target = Path.Combine(root, d, "sio-c-l.h5");
            File.Copy(ResultFiles.Variant("l"), target);
            return target;
        }).ToList();
        string output = Path.Combine(root, "compare");
        Assert.Equal(RunCommand.Ok, CompareCommand.Execute(Quiet(), files, output));
        var labels = File.ReadAllLines(Path.Combine(output, "compare.csv")).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(2, labels.Count);
        Assert.NotEqual(labels[0], labels[1]);
        Assert.All(labels, l => Assert.StartsWith("SiO@C-l (", l));
        Assert.Contains(labels, l => l.Contains("results-a"));
    }

    [Fact]
    public void Plot_exits_2_for_a_missing_file_an_unknown_format_or_bad_times()
    {
        string folder = ResultFiles.NewFolder("plot-bad-input");
        var good = new[] { ResultFiles.Variant("l") };
        Assert.Equal(RunCommand.BadInput, PlotCommand.Execute(Quiet(), [Path.Combine(folder, "missing.h5")], folder, "png", null));
        Assert.Equal(RunCommand.BadInput, PlotCommand.Execute(Quiet(), good, folder, "jpeg", null));
        Assert.Equal(RunCommand.BadInput, PlotCommand.Execute(Quiet(), good, folder, "png", "100,soon"));
        Assert.Equal(RunCommand.BadInput, PlotCommand.Execute(Quiet(), good, folder, "png", "-5"));
        Assert.Equal(RunCommand.BadInput, PlotCommand.Execute(Quiet(), [Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml")], folder, "png", null));
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void Plot_of_a_partial_result_exits_0_with_what_exists_and_2_when_nothing_can_be_drawn()
    {
        string folder = ResultFiles.NewFolder("plot-partial");
        Assert.Equal(RunCommand.Ok, PlotCommand.Execute(Quiet(), [ResultFiles.WithoutFields], folder, "png", null));
        Assert.Equal(2, Directory.GetFiles(folder).Length);
        Assert.Equal(RunCommand.BadInput, PlotCommand.Execute(Quiet(), [ResultFiles.FailedAtStart], ResultFiles.NewFolder("plot-nothing"), "png", null));
    }

    [Fact]
    public void Report_exits_2_for_a_folder_without_results_and_writes_the_page_otherwise()
    {
        Assert.Equal(RunCommand.BadInput, ReportCommand.Execute(Quiet(), ResultFiles.NewFolder("report-empty"), null));
        string folder = ResultFiles.NewFolder("report-command");
        File.Copy(ResultFiles.WithoutFields, Path.Combine(folder, "a.h5"));
        File.Copy(ResultFiles.WithoutFields, Path.Combine(folder, "b.h5"));
        string output = Path.Combine(folder, "two-runs.html");
        Assert.Equal(RunCommand.Ok, ReportCommand.Execute(Quiet(), folder, output));
        Assert.Contains("<table class=\"comparison\">", File.ReadAllText(output));
    }

    [Fact]
    public void Run_with_plot_draws_each_result_next_to_it_and_the_overlaid_voltage_curves()
    {
        string folder = ResultFiles.NewFolder("run-plot");
        var cases = new[] { "sio-c-l.yaml", "sio-c-h.yaml" }.Select(c => new FileInfo(Path.Combine(ResultFiles.RepositoryRoot, "cases", c))).ToArray();
        Assert.Equal(RunCommand.Ok, RunCommand.Execute(Quiet(), cases, folder, plot: true));
        var written = Directory.GetFiles(folder).Select(Path.GetFileName).ToHashSet();
        Assert.Contains("sio-c-l.h5", written);
        Assert.Contains("sio-c-l-sol-map.png", written);
        Assert.Contains("sio-c-h-voltage-capacity.png", written);
        Assert.Contains("voltage-capacity.png", written);
        Assert.Contains("voltage-time.png", written);
    }

    [Fact]
    public void Check_takes_set_overrides_and_folders_as_run_does()
    {
        string cases = Path.Combine(ResultFiles.RepositoryRoot, "cases");
        var l = new[] { new FileInfo(Path.Combine(cases, "sio-c-l.yaml")) };
        var saved = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try
        {
            Assert.Equal(RunCommand.Ok, RunCommand.Check(Quiet(), l, ["mesh.electrode_cells=8"]));
            Assert.Equal(RunCommand.BadInput, RunCommand.Check(Quiet(), l, ["electrode.thickness_um=-3", "mesh.electrode_cels=6"]));
            // A folder stands for its *.yaml files (cases/ holds the six SiO@C cases), as for run.
            Assert.Equal(RunCommand.Ok, RunCommand.Check(Quiet(), [new FileInfo(cases)]));
        }
        finally { Console.SetError(saved); }
        string text = error.ToString();
        Assert.Contains("electrode.thickness_um: -3 is not > 0", text);
        Assert.Contains("mesh.electrode_cels: 'electrode_cels' is not a key of mesh", text);
        Assert.DoesNotContain("a directory is not a regular file", text);
    }

    [Fact]
    public void Run_with_an_out_that_cannot_be_a_folder_exits_2_before_solving_and_names_no_file_that_does_not_exist()
    {
        string folder = ResultFiles.NewFolder("run-bad-out");
        string inTheWay = Path.Combine(folder, "results");
        File.WriteAllText(inTheWay, "a file where the folder should be");
        var cases = new[] { new FileInfo(Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml")) };
        foreach (var output in new[] { inTheWay, Path.Combine(inTheWay, "below") })
        {
            var saved = Console.Error;
            var error = new StringWriter();
            Console.SetError(error);
            int status;
            try { status = RunCommand.Execute(Quiet(), cases, output); }
            finally { Console.SetError(saved); }
            Assert.Equal(RunCommand.BadInput, status);
            Assert.StartsWith($"error: --out {output}: ", error.ToString());
            Assert.DoesNotContain("failed.h5", error.ToString());
        }
        Assert.Equal(["results"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }
}
