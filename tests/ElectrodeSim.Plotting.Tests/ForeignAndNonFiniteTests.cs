using ElectrodeSim.Cli;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Plotting.Tests.Support;
using Spectre.Console;

namespace ElectrodeSim.Plotting.Tests;

/// <summary>Files <c>plot</c> and <c>report</c> must not take for runs, and runs with values that are not finite.</summary>
public class ForeignAndNonFiniteTests
{
    private static IAnsiConsole Quiet() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(new StringWriter()),
    });

    /// <summary>An HDF5 file with a time series and a voltage, as another program writes one, but no <c>program = ElectrodeSim</c>.</summary>
    private static string Foreign(string folder, string? program = null)
    {
        string path = Path.Combine(folder, "foreign.h5");
        using var file = Hdf5File.Create(path);
        file.WriteArray("/time", [0.0, 1.0, 2.0]);
        file.WriteArray("/voltage", [3.0, 2.9, 2.8]);
        file.SetAttribute("/", "case_name", "looks like a run");
        if (program != null) file.SetAttribute("/", "program", program);
        return path;
    }

    private static (int Status, string Error) WithStandardError(Func<int> action)
    {
        var saved = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try { return (action(), error.ToString()); }
        finally { Console.SetError(saved); }
    }

    [Fact]
    public void Plot_refuses_an_HDF5_file_that_is_not_an_ElectrodeSim_result_with_exit_2_saying_why()
    {
        string folder = ResultFiles.NewFolder("plot-foreign");
        foreach (var program in new[] { null, "h5py" })
        {
            string foreign = Foreign(folder, program);
            var e = Assert.Throws<ResultFileException>(() => ResultData.Load(foreign));
            Assert.True(e.NotAResult);
            var (status, error) = WithStandardError(() => PlotCommand.Execute(Quiet(), [foreign], folder, "svg", null));
            Assert.Equal(RunCommand.BadInput, status);
            Assert.Contains("is not an ElectrodeSim result", error);
            Assert.Contains(program is null ? "missing" : "'h5py'", error);
            Assert.Equal(["foreign.h5"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void Report_skips_a_foreign_h5_file_with_a_note_and_counts_only_the_runs()
    {
        string folder = ResultFiles.NewFolder("report-foreign");
        File.Copy(ResultFiles.WithoutFields, Path.Combine(folder, "a.h5"));
        Foreign(folder);
        var outcome = HtmlReport.Write(folder);
        Assert.Equal(1, outcome.Runs);
        Assert.Contains(outcome.Messages, m => m.StartsWith("skipped foreign.h5: ", StringComparison.Ordinal) && m.Contains("not an ElectrodeSim result"));
        var html = File.ReadAllText(outcome.Path);
        Assert.DoesNotContain("looks like a run", html);
        Assert.Contains("<li><code>foreign.h5</code></li>", html);
        Assert.Contains("1 run(s)", html);

        string onlyForeign = ResultFiles.NewFolder("report-only-foreign");
        Foreign(onlyForeign);
        var (status, error) = WithStandardError(() => ReportCommand.Execute(Quiet(), onlyForeign, null));
        Assert.Equal(RunCommand.BadInput, status);
        Assert.Contains("no ElectrodeSim result files", error);
    }

    /// <summary>SiO@C-l with NaN and ±∞ written into its voltage, one particle's state of lithiation and the whole mean state of lithiation.</summary>
    private static string NonFinite(string folder)
    {
        string path = Path.Combine(folder, "sio-c-l-nan.h5");
        File.Copy(ResultFiles.Variant("l"), path);
        using var file = Hdf5File.OpenReadWrite(path);
        var voltage = file.ReadArray("/voltage", out _);
        voltage[5] = double.NaN;
        voltage[9] = double.PositiveInfinity;
        file.WriteArray("/voltage", voltage);
        var sol = file.ReadArray("/fields/state_of_lithiation", out var solDims);
        int nx = (int)solDims[1], nr = (int)solDims[2];
        for (int t = 0; t < solDims[0]; t++)
            for (int k = 0; k < nr; k++) sol[(t * nx + 2) * nr + k] = double.NaN;
        file.WriteArray("/fields/state_of_lithiation", sol, solDims);
        var mean = file.ReadArray("/fields/mean_state_of_lithiation", out var meanDims);
        Array.Fill(mean, double.NaN);
        file.WriteArray("/fields/mean_state_of_lithiation", mean, meanDims);
        file.SetAttribute("/", "case_name", "SiO@C-l with NaN");
        return path;
    }

    [Fact]
    public void A_result_with_non_finite_values_gets_notes_and_its_remaining_figures()
    {
        string folder = ResultFiles.NewFolder("plot-nan");
        string path = NonFinite(folder);
        var data = ResultData.Load(path);
        Assert.Contains(data.Notes, n => n.StartsWith("/voltage holds 2 of ", StringComparison.Ordinal));
        Assert.Contains(data.Notes, n => n.StartsWith("/fields/state_of_lithiation holds ", StringComparison.Ordinal));
        Assert.True(double.IsNaN(data.Series!.Voltage![9]));

        string figures = ResultFiles.NewFolder("plot-nan-figures");
        var (status, error) = WithStandardError(() => PlotCommand.Execute(Quiet(), [path], figures, "svg", null));
        Assert.Equal(RunCommand.Ok, status);
        var written = Directory.GetFiles(figures).Select(Path.GetFileName).ToHashSet();
        Assert.Contains("sio-c-l-nan-voltage-capacity.svg", written);
        Assert.Contains("sio-c-l-nan-sol-map.svg", written);
        Assert.Contains("sio-c-l-nan-interfacial-current.svg", written);
        Assert.DoesNotContain("sio-c-l-nan-mean-sol.svg", written);
        Assert.Contains("/fields/mean_state_of_lithiation", error);
    }

    [Fact]
    public void One_result_with_non_finite_values_does_not_fail_the_report_of_its_folder()
    {
        string folder = ResultFiles.NewFolder("report-nan");
        NonFinite(folder);
        File.Copy(ResultFiles.Variant("m"), Path.Combine(folder, "sio-c-m.h5"));
        var (status, error) = WithStandardError(() => ReportCommand.Execute(Quiet(), folder, null));
        Assert.Equal(RunCommand.Ok, status);
        Assert.Contains("/voltage holds 2 of ", error);
        var html = File.ReadAllText(Path.Combine(folder, HtmlReport.DefaultFileName));
        Assert.Contains("SiO@C-l with NaN", html);
        Assert.Contains("/fields/mean_state_of_lithiation holds", System.Net.WebUtility.HtmlDecode(html));
    }

    [Fact]
    public void The_protocol_outcome_is_read_from_the_compound_dataset_and_from_the_old_attribute()
    {
        var current = ResultData.Load(ResultFiles.Variant("l"));
        var step = Assert.Single(current.Protocol);
        Assert.Equal("lithiation", step.Label);
        Assert.Equal("current", step.Mode);
        Assert.Equal("StopCondition", step.End);
        Assert.Equal(current.Summary["summary_capacity_mAh_g"], step.Capacity, 6);
        Assert.Equal(step.EndTime - step.StartTime, step.Duration);

        string folder = ResultFiles.NewFolder("old-outcome");
        string old = Path.Combine(folder, "old.h5");
        File.Copy(ResultFiles.Variant("l"), old);
        using (var file = Hdf5File.OpenReadWrite(old))
            file.WriteArray("/protocol/outcome", [1.0]);   // an unreadable table: the attribute is used
        var fallback = ResultData.Load(old);
        var oldStep = Assert.Single(fallback.Protocol);
        Assert.Equal("lithiation", oldStep.Label);
        Assert.Null(oldStep.Mode);
        Assert.Equal(step.Charge, oldStep.Charge, tolerance: 1e-9 * Math.Abs(step.Charge));   // the attribute keeps 10 digits
        Assert.Contains(fallback.Notes, n => n.StartsWith("/protocol/outcome could not be read", StringComparison.Ordinal));
    }
}
