using ElectrodeSim.Cases;
using System.CommandLine;
using ElectrodeSim.Output;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim export RESULT.h5 --csv [--fields a,b] [--out DIR]</c></summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var result = new Argument<FileInfo>("result") { Description = "A result file, e.g. results/sio-c-l.h5 (a CASE.failed.h5 too)" };
        var csv = new Option<bool>("--csv") { Description = "Write CSV (the only format so far): RESULT.timeseries.csv and one RESULT.FIELD.csv per field" };
        var fields = new Option<string>("--fields") { Description = "Fields to export, comma-separated, e.g. surface_state_of_lithiation,electrolyte_concentration (full cell: negative/…, positive/…); default none, the time series only" };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Directory for the CSV files; created if missing (default: the result's directory)" };
        var command = new Command("export", "Write a result's time series (time, voltage, current density, specific capacity, charge, protocol step) and chosen fields as CSV\n" +
                                            "for spreadsheets: one row per record, units in the header, one column per cell (surface_state_of_lithiation@x=12.3um [1]).")
        {
            result, csv, fields, output,
        };
        command.SetAction(parse => Execute(parse.GetValue(result)!.FullName, parse.GetValue(csv), parse.GetValue(fields), parse.GetValue(output)?.FullName));
        return command;
    }

    public static int Execute(string resultPath, bool csv, string? fields, string? outputDirectory)
    {
        if (!csv)
        {
            Console.Error.WriteLine("error: export: choose a format: --csv");
            return RunCommand.BadInput;
        }
        var selected = (fields ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            foreach (var path in ResultCsvExport.Export(resultPath, outputDirectory ?? Path.GetDirectoryName(resultPath)!, selected))
                Console.WriteLine($"wrote {DisplayPath.Of(path)}");
            return RunCommand.Ok;
        }
        catch (ResultExportException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return RunCommand.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: the CSV files could not be written: {e.Message}");
            return RunCommand.RunFailed;
        }
    }
}
