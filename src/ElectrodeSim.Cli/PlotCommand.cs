using ElectrodeSim.Cases;
using System.CommandLine;
using ElectrodeSim.Plotting;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim plot RESULT.h5… [--out DIR] [--format png|svg|pdf] [--times 100,500]</c></summary>
public static class PlotCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var results = new Argument<FileInfo[]>("result") { Description = "One or more result files, e.g. results/sio-c-l.h5 (a CASE.failed.h5 too)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Directory for the figures; created if missing (default: the first result's directory)" };
        var format = new Option<string>("--format", "-f") { Description = "png, svg or pdf", DefaultValueFactory = _ => "png" };
        var times = new Option<string>("--times", "-t") { Description = "Times in s for the field figures, comma-separated, e.g. 100,500,900; each is snapped to the nearest record (default: the map at the end of lithiation, profiles at 10, 25, 50, 75, 100 % of it)" };
        var command = new Command("plot", "Draw the figures of result files (OxyPlot, in process): voltage against specific capacity and time (several results overlaid),\n" +
                                          "the state of lithiation over electrode depth × particle radius, and depth profiles of the mean particle state of lithiation,\n" +
                                          "the interfacial current density and the electrolyte concentration. A file with missing fields gets the figures its data supports.")
        {
            results, output, format, times,
        };
        command.SetAction(parse => Execute(console, parse.GetValue(results)!.Select(f => f.FullName).ToList(), parse.GetValue(output)?.FullName,
                                           parse.GetValue(format)!, parse.GetValue(times)));
        return command;
    }

    public static int Execute(IAnsiConsole console, IReadOnlyList<string> resultFiles, string? outputDirectory, string format, string? times)
    {
        if (!FigureFormats.TryParse(format, out var figureFormat))
        {
            Console.Error.WriteLine($"error: --format: '{format}' is not one of png, svg, pdf");
            return RunCommand.BadInput;
        }
        var requested = FigureFormats.ParseTimes(times, out var timesError);
        if (timesError != null)
        {
            Console.Error.WriteLine($"error: {timesError}");
            return RunCommand.BadInput;
        }
        var results = new List<ResultData>();
        foreach (var path in resultFiles)
        {
            try { results.Add(ResultData.Load(path)); }
            catch (ResultFileException e) { Console.Error.WriteLine($"error: {e.Message}"); }
        }
        if (results.Count != resultFiles.Count) return RunCommand.BadInput;
        string directory = outputDirectory ?? Path.GetDirectoryName(results[0].Path)!;
        return Plot(console, results, directory, new PlotOptions { Format = figureFormat, Times = requested });
    }

    /// <summary>After <c>run --plot</c>: the figures of each result next to it, and the overlays when there are several.</summary>
    public static int AfterRun(IAnsiConsole console, IReadOnlyList<string> resultFiles, string directory)
    {
        if (resultFiles.Count == 0) return RunCommand.Ok;
        var results = new List<ResultData>();
        foreach (var path in resultFiles)
        {
            try { results.Add(ResultData.Load(path)); }
            catch (ResultFileException e) { Console.Error.WriteLine($"error: {e.Message}"); return RunCommand.RunFailed; }
        }
        int status = Plot(console, results, directory, new PlotOptions());
        return status == RunCommand.BadInput ? RunCommand.RunFailed : status;
    }

    private static int Plot(IAnsiConsole console, List<ResultData> results, string directory, PlotOptions options)
    {
        ResultData.LabelDuplicateNames(results);
        var plotter = new FigurePlotter(options);
        var outcome = new PlotOutcome();
        try
        {
            Directory.CreateDirectory(directory);
            // One style per case and one set of profile times across all the figures of the call.
            var set = PlotSet.Of(results, options, outcome.Messages);
            foreach (var result in results) outcome.Add(plotter.PlotResult(result, directory, set));
            if (results.Count > 1) outcome.Add(plotter.PlotComparison(results, directory, set));
        }
        catch (FigureException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.RunFailed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write the figures to {directory}: {e.Message}");
            return RunCommand.BadInput;
        }
        foreach (var message in outcome.Messages) Console.Error.WriteLine($"note: {message}");
        foreach (var figure in outcome.Figures) console.WriteLine($"  wrote {DisplayPath.Of(figure.Path)}");
        if (outcome.Figures.Count == 0)
        {
            Console.Error.WriteLine("error: nothing to plot: the result file(s) hold no time records or fields (see the notes above)");
            return RunCommand.BadInput;
        }
        return RunCommand.Ok;
    }
}
