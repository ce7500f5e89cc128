using ElectrodeSim.Cases;
using System.CommandLine;
using ElectrodeSim.Plotting;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim report RESULT_DIR [--out FILE]</c></summary>
public static class ReportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var directory = new Argument<DirectoryInfo>("result-dir") { Description = "Folder of result files (*.h5), e.g. results" };
        var output = new Option<FileInfo>("--out", "-o") { Description = $"The HTML file to write (default: RESULT_DIR/{HtmlReport.DefaultFileName})" };
        var command = new Command("report", "Write one self-contained HTML page for a folder of results: a side-by-side table of the runs,\n" +
                                            "each run's case summary, its figures (inline SVG), solver report and case file. Viewing it needs no network.")
        {
            directory, output,
        };
        command.SetAction(parse => Execute(console, parse.GetValue(directory)!.FullName, parse.GetValue(output)?.FullName));
        return command;
    }

    public static int Execute(IAnsiConsole console, string resultDirectory, string? outputPath)
    {
        ReportOutcome outcome;
        try { outcome = HtmlReport.Write(resultDirectory, outputPath); }
        catch (ResultFileException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.BadInput;
        }
        catch (FigureException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.RunFailed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write the report: {e.Message}");
            return RunCommand.BadInput;
        }
        foreach (var message in outcome.Messages) Console.Error.WriteLine($"note: {message}");
        console.WriteLine($"wrote {DisplayPath.Of(outcome.Path)} ({outcome.Runs} run(s), {outcome.Figures} figure(s))");
        return outcome.Runs == 0 ? RunCommand.BadInput : RunCommand.Ok;
    }
}
