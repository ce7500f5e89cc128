using System.Globalization;
using ElectrodeSim.Cli;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Plotting.Tests.Support;

namespace ElectrodeSim.Plotting.Tests;

/// <summary><c>export RESULT.h5 --csv [--fields …] [--out DIR]</c>: the CSV files, their headers and values, and exit 2 for bad input.</summary>
public class ExportCommandTests
{
    private static string[][] ReadCsv(string path) =>
        File.ReadAllLines(path).Select(line => line.Split(',')).ToArray();

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Fact]
    public void Export_writes_the_time_series_and_each_chosen_field_with_units_in_the_header_and_the_values_of_the_file()
    {
        string folder = ResultFiles.NewFolder("export-csv");
        string result = ResultFiles.Variant("l");
        Assert.Equal(RunCommand.Ok, ExportCommand.Execute(result, csv: true, "surface_state_of_lithiation, state_of_lithiation", folder));
        Assert.Equal(["sio-c-l.state_of_lithiation.csv", "sio-c-l.surface_state_of_lithiation.csv", "sio-c-l.timeseries.csv"],
                     Directory.GetFiles(folder).Select(Path.GetFileName).Order());

        using var file = Hdf5File.OpenRead(result);
        var time = file.ReadArray("/time", out _);
        var series = ReadCsv(Path.Combine(folder, "sio-c-l.timeseries.csv"));
        Assert.Equal(["time [s]", "voltage [V]", "current_density [A/m^2]", "specific_capacity [mAh/g]", "charge [C/m^2]", "protocol_step [1]"], series[0]);
        Assert.Equal(time.Length + 1, series.Length);
        var voltage = file.ReadArray("/voltage", out _);
        var step = file.ReadIntArray("/protocol_step", out _);
        for (int k = 0; k < time.Length; k++)
        {
            Assert.Equal(time[k], Number(series[k + 1][0]));
            Assert.Equal(voltage[k], Number(series[k + 1][1]));
            Assert.Equal(step[k].ToString(CultureInfo.InvariantCulture), series[k + 1][5]);
        }

        var x = file.ReadArray("/mesh/x_electrode", out _);
        var surface = file.ReadArray("/fields/surface_state_of_lithiation", out _);
        var field = ReadCsv(Path.Combine(folder, "sio-c-l.surface_state_of_lithiation.csv"));
        Assert.Equal(1 + x.Length, field[0].Length);
        Assert.Equal($"surface_state_of_lithiation@x={(x[0] * 1e6).ToString("0.####", CultureInfo.InvariantCulture)}um [1]", field[0][1]);
        Assert.Equal(time.Length + 1, field.Length);
        int last = time.Length - 1;
        for (int i = 0; i < x.Length; i++) Assert.Equal(surface[last * x.Length + i], Number(field[last + 1][1 + i]));

        var r = file.ReadArray("/mesh/r", out _);
        var map = ReadCsv(Path.Combine(folder, "sio-c-l.state_of_lithiation.csv"));
        Assert.Equal(1 + x.Length * r.Length, map[0].Length);
        Assert.EndsWith($" r={(r[1] * 1e6).ToString("0.####", CultureInfo.InvariantCulture)}um [1]", map[0][2]);
        var sol = file.ReadArray("/fields/state_of_lithiation", out _);
        Assert.Equal(sol[(last * x.Length + 1) * r.Length + 2], Number(map[last + 1][1 + r.Length + 2]));   // x cell 1, shell 2
    }

    [Fact]
    public void Export_of_a_full_cell_names_the_electrode_of_each_field_and_places_it_on_that_electrodes_mesh()
    {
        // The made-up full cell has no dimension scales, like files of earlier versions: the coordinates come from the mesh of matching length.
        string folder = ResultFiles.NewFolder("export-full-cell");
        Assert.Equal(RunCommand.Ok, ExportCommand.Execute(ResultFiles.FullCell, csv: true, "positive/interfacial_current_density,negative/state_of_lithiation", folder));
        string stem = Path.GetFileNameWithoutExtension(ResultFiles.FullCell);
        using var file = Hdf5File.OpenRead(ResultFiles.FullCell);
        var x = file.ReadArray("/mesh/positive/x_electrode", out _);
        var positive = ReadCsv(Path.Combine(folder, $"{stem}.positive_interfacial_current_density.csv"));
        Assert.Equal(1 + x.Length, positive[0].Length);
        Assert.Equal($"interfacial_current_density@x={(x[^1] * 1e6).ToString("0.####", CultureInfo.InvariantCulture)}um [A/m^2]", positive[0][^1]);
        var negative = ReadCsv(Path.Combine(folder, $"{stem}.negative_state_of_lithiation.csv"));
        Assert.Equal(1 + file.GetDims("/mesh/negative/x_electrode")[0] * file.GetDims("/mesh/negative/r")[0], negative[0].Length);
    }

    [Fact]
    public void Export_exits_2_for_a_file_that_is_not_a_result_an_unknown_field_or_no_format_and_writes_nothing()
    {
        string folder = ResultFiles.NewFolder("export-bad-input");
        string result = ResultFiles.Variant("l");
        Assert.Equal(RunCommand.BadInput, ExportCommand.Execute(Path.Combine(ResultFiles.RepositoryRoot, "cases", "sio-c-l.yaml"), csv: true, null, folder));
        Assert.Equal(RunCommand.BadInput, ExportCommand.Execute(Path.Combine(folder, "missing.h5"), csv: true, null, folder));
        Assert.Equal(RunCommand.BadInput, ExportCommand.Execute(result, csv: true, "state_of_lithiation,voltage_of_the_moon", folder));
        Assert.Equal(RunCommand.BadInput, ExportCommand.Execute(result, csv: false, null, folder));
        string foreign = Path.Combine(folder, "foreign.h5");
        using (var file = Hdf5File.Create(foreign)) file.WriteArray("/time", [0.0, 1.0], 2);
        Assert.Equal(RunCommand.BadInput, ExportCommand.Execute(foreign, csv: true, null, folder));
        Assert.Equal(["foreign.h5"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void The_export_command_runs_from_the_command_line_and_names_the_unknown_field()
    {
        string folder = ResultFiles.NewFolder("export-cli");
        var (ok, stdout, _) = CliProcess.Run(folder, "export", ResultFiles.Variant("l"), "--csv", "--out", folder);
        Assert.Equal(RunCommand.Ok, ok);
        Assert.Contains("sio-c-l.timeseries.csv", stdout);
        var (bad, _, stderr) = CliProcess.Run(folder, "export", ResultFiles.Variant("l"), "--csv", "--fields", "bogus", "--out", folder);
        Assert.Equal(RunCommand.BadInput, bad);
        Assert.Contains("no field 'bogus'", stderr);
        Assert.Contains("surface_state_of_lithiation", stderr);
    }
}
