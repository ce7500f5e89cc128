using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Measured;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Measured;

public class MeasuredDataReaderTests
{
    private const string CyclerTsv =
        "Time_min\tVoltage_mV\tCurrent_mA\tCapacity_mAh\tStatus\tStep\n" +
        "0\t3000\t0\t0\tREST\t1\n" +
        "1\t2900\t-2\t0\tDCH\t2\n" +
        "2\t2800\t-2\t0.0333333\tDCH\t2\n" +
        "4\t2600\t-2\t0.1\tDCH\t2\n" +
        "5\t2700\t1\t0.1\tCHA\t3\n";

    private const string CyclerSidecar =
        "data: cycler.tsv\n" +
        "columns:\n" +
        "  time: {name: Time_min, unit: min}\n" +
        "  voltage: {name: Voltage_mV, unit: mV}\n" +
        "  current: {name: Current_mA, unit: mA}\n" +
        "  capacity: {name: Capacity_mAh, unit: mAh}\n" +
        "  status: Status\n" +
        "  step: Step\n" +
        "current_sign: negative_discharge\n" +
        "select: {status: DCH}\n" +
        "normalisation: {active_mass_mg: 2, area_cm2: 1.5}\n";

    private static void Near(double[] expected, double[] actual, int digits)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], actual[k], digits);
    }

    private static string Write(Repository.TemporaryDirectory dir, string name, string text)
    {
        string path = Path.Combine(dir.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static MeasuredCurve Read(string sidecar, string data = CyclerTsv, string dataName = "cycler.tsv")
    {
        using var dir = new Repository.TemporaryDirectory();
        Write(dir, dataName, data);
        return MeasuredDataReader.ReadCurve(Write(dir, "cycler.yaml", sidecar));
    }

    private static string ErrorOf(string sidecar, string data = CyclerTsv, string dataName = "cycler.tsv")
    {
        using var dir = new Repository.TemporaryDirectory();
        Write(dir, dataName, data);
        string path = Write(dir, "cycler.yaml", sidecar);
        var e = Assert.ThrowsAny<Exception>(() => MeasuredDataReader.ReadCurve(path));
        Assert.True(e is CaseValidationException or MeasuredDataException, e.ToString());
        return e.Message;
    }

    [Fact]
    public void A_status_selected_tsv_step_is_converted_to_SI_with_discharge_positive()
    {
        var curve = Read(CyclerSidecar);
        Assert.Equal([0.0, 60.0, 180.0], curve.Time);                 // from the first DCH row, min -> s
        Near([2.9, 2.8, 2.6], curve.Voltage, 12);              // mV -> V
        Near([2e-3, 2e-3, 2e-3], curve.Current!, 12);          // mA -> A, sign flipped to discharge positive
        Assert.Equal(0.36, curve.Capacity![2], 9);                     // 0.1 mAh = 0.36 C
        Assert.Equal(MeasuredBasis.Absolute, curve.Basis);
        // 0.36 C / 2 mg = 1.8e5 C/kg = 50 mAh/g; / 1.5 cm2 = 2400 C/m2 = 0.0667 mAh/cm2.
        Assert.Equal(1.8e5, curve.CapacityPerMass()![2], 6);
        Assert.Equal(0.36 / 1.5e-4, curve.CapacityPerArea()![2], 6);
    }

    [Fact]
    public void Capacity_is_integrated_from_current_when_no_capacity_column_is_named()
    {
        var curve = Read(CyclerSidecar.Replace("  capacity: {name: Capacity_mAh, unit: mAh}\n", ""));
        Assert.Equal(2e-3 * 180, curve.Capacity![2], 12);
    }

    [Fact]
    public void A_step_index_or_a_time_window_selects_rows_too()
    {
        Assert.Equal(3, Read(CyclerSidecar.Replace("select: {status: DCH}", "select: {step: 2}")).Time.Length);
        var window = Read(CyclerSidecar.Replace("select: {status: DCH}", "select: {time_window_s: [60, 150]}"));
        Assert.Equal([0.0, 60.0], window.Time);
        Near([2.9, 2.8], window.Voltage, 12);
    }

    [Fact]
    public void Time_origin_file_keeps_the_files_time_axis()
    {
        var curve = Read(CyclerSidecar + "time_origin: file\n");
        Assert.Equal([60.0, 120.0, 240.0], curve.Time);
        Assert.Contains("time_origin: start is not one of first_row, file", ErrorOf(CyclerSidecar + "time_origin: start\n"));
    }

    [Theory]
    [InlineData("mAh/g", 3600.0, MeasuredBasis.PerMass)]
    [InlineData("mAh/cm2", 36000.0, MeasuredBasis.PerArea)]
    [InlineData("Ah", 3600.0, MeasuredBasis.Absolute)]
    [InlineData("Ah/kg", 3600.0, MeasuredBasis.PerMass)]
    public void Capacity_units_convert_to_SI(string unit, double factor, MeasuredBasis basis)
    {
        var u = MeasuredUnits.Find(unit, MeasuredQuantity.Capacity)!;
        Assert.Equal(factor, u.ToSi, 12);
        Assert.Equal(basis, u.Basis);
    }

    [Theory]
    [InlineData("mA/cm²", 10.0)]
    [InlineData("A/g", 1000.0)]
    [InlineData("mA/g", 1.0)]
    [InlineData("A/m2", 1.0)]
    public void Current_units_convert_to_SI(string unit, double factor) =>
        Assert.Equal(factor, MeasuredUnits.Find(unit, MeasuredQuantity.Current)!.ToSi, 12);

    [Fact]
    public void A_missing_column_names_file_header_row_the_column_and_the_header()
    {
        string message = ErrorOf(CyclerSidecar.Replace("Voltage_mV, unit", "Volts, unit"));
        Assert.Contains("cycler.tsv: row 1, column 'Volts': no such column (named by the sidecar's columns.voltage.name)", message);
        Assert.Contains("'Voltage_mV'", message);
    }

    [Fact]
    public void A_missing_column_names_the_header_line_after_comment_lines()
    {
        // Cycler exports start with comment lines; the header is then line 3 of the file, not row 1.
        string message = ErrorOf(CyclerSidecar.Replace("Voltage_mV, unit", "Volts, unit"), "# cell 7\n# 25 degC\n" + CyclerTsv);
        Assert.Contains("cycler.tsv: row 3, column 'Volts': no such column", message);
    }

    [Fact]
    public void A_unit_typo_names_the_key_and_lists_the_accepted_units()
    {
        string message = ErrorOf(CyclerSidecar.Replace("unit: mV", "unit: mv"));
        Assert.Contains("cycler.yaml", message);
        Assert.Contains("columns.voltage.unit: mv is not one of V, mV", message);
    }

    [Fact]
    public void An_unknown_sidecar_key_is_named_by_its_path()
    {
        string message = ErrorOf(CyclerSidecar + "normalisation_typo: 3\n");
        Assert.Contains("normalisation_typo", message);
    }

    [Fact]
    public void Time_going_backwards_names_the_row_and_column()
    {
        string data = CyclerTsv.Replace("4\t2600\t-2\t0.1\tDCH", "1.5\t2600\t-2\t0.1\tDCH");
        string message = ErrorOf(CyclerSidecar, data);
        Assert.Contains("cycler.tsv: row 5, column 'Time_min': time is not monotonic: 1.5 after 2 (row 4) min", message);
    }

    [Fact]
    public void A_row_with_more_cells_than_the_header_is_an_error_naming_file_and_row()
    {
        // A decimal comma in a comma-separated export: "3,2" splits into two cells and shifts the current into the next column.
        const string csv = "# cell 1\nTime_min,Voltage_mV,Current_mA\n0,3000,-2\n1,3,2,-2\n2,2800,-2\n";
        string message = ErrorOf(CyclerSidecar.Replace("cycler.tsv", "cycler.csv").Replace("  capacity: {name: Capacity_mAh, unit: mAh}\n", "")
            .Replace("  status: Status\n  step: Step\n", "").Replace("select: {status: DCH}\n", ""), csv, "cycler.csv");
        Assert.Contains("cycler.csv: row 4: 4 cells where the header names 3 (cell 4 is '-2')", message);
        // Empty trailing cells (a trailing delimiter) are accepted.
        var curve = Read(CyclerSidecar.Replace("cycler.tsv", "cycler.csv").Replace("  capacity: {name: Capacity_mAh, unit: mAh}\n", "")
            .Replace("  status: Status\n  step: Step\n", "").Replace("select: {status: DCH}\n", ""), "Time_min,Voltage_mV,Current_mA\n0,3000,-2,\n1,2900,-2,\n", "cycler.csv");
        Assert.Equal(2, curve.Time.Length);
    }

    [Fact]
    public void An_empty_selected_step_is_an_error()
    {
        string message = ErrorOf(CyclerSidecar.Replace("status: DCH", "status: DIS"));
        Assert.Contains("the selected step is empty (select status = DIS matches none of 5 rows)", message);
        Assert.Contains("cycler.tsv, column 'Status': the selected step is empty", message);
    }

    [Fact]
    public void NaN_rows_are_an_error_unless_dropping_is_allowed_and_then_counted()
    {
        string data = CyclerTsv.Replace("2\t2800\t-2", "2\tNaN\t-2");
        Assert.Contains("cycler.tsv: row 4, column 'Voltage_mV': NaN (set nan_rows: drop", ErrorOf(CyclerSidecar, data));
        var curve = Read(CyclerSidecar + "nan_rows: drop\n", data);
        Assert.Equal(1, curve.DroppedRows);
        Near([2.9, 2.6], curve.Voltage, 12);
    }

    [Fact]
    public void A_short_row_is_named_as_short_with_its_field_counts_not_as_a_NaN_row_and_counted_apart_when_dropped()
    {
        // The selected row on line 4 cut before its step: 5 fields of the header's 6.
        string data = CyclerTsv.Replace("2\t2800\t-2\t0.0333333\tDCH\t2\n", "2\t2800\t-2\t0.0333333\tDCH\n");
        string message = ErrorOf(CyclerSidecar, data);
        Assert.Contains("cycler.tsv: row 4: a short row: 5 field(s) where the header names 6", message);
        Assert.DoesNotContain("NaN", message);
        var curve = Read(CyclerSidecar + "nan_rows: drop\n", data);
        Assert.Equal(1, curve.ShortRowsDropped);
        Assert.Equal(0, curve.DroppedRows);
    }

    [Fact]
    public void A_value_that_is_not_a_number_names_row_and_column()
    {
        string data = CyclerTsv.Replace("2\t2800\t-2", "2\t2,8V\t-2");
        Assert.Contains("cycler.tsv: row 4, column 'Voltage_mV': '2,8V' is not a finite number (in mV)", ErrorOf(CyclerSidecar, data));
    }

    [Fact]
    public void A_rate_table_in_A_per_g_and_mAh_per_g_reads_with_its_voltage_window()
    {
        using var dir = new Repository.TemporaryDirectory();
        Write(dir, "rate.csv", "current_A_g,capacity_mAh_g\n0.2,1783.6\n5,1123.0\n");
        string sidecar = Write(dir, "rate.yaml", "data: rate.csv\nkind: rate_table\ncolumns:\n  current: {name: current_A_g, unit: A/g}\n  capacity: {name: capacity_mAh_g, unit: mAh/g}\nvoltage_window_V: [0.01, 1.0]\n");
        var table = MeasuredDataReader.ReadRateTable(sidecar);
        Near([200.0, 5000.0], table.Current, 9);                 // A/kg
        Assert.Equal(1123.0 * 3600, table.Capacity[1], 6);              // C/kg
        Assert.Equal((0.01, 1.0), table.VoltageWindow);
        // Per area through a model's loading of 1.8 mg/cm2 = 0.018 kg/m2: 0.2 A/g -> 3.6 A/m2.
        Assert.Equal(3.6, table.CurrentIn(MeasuredBasis.PerArea, 0.018)![0], 9);
    }

    [Fact]
    public void The_LG_M50_export_reads_with_its_sidecar()
    {
        var curve = MeasuredDataReader.ReadCurve(Path.Combine(Repository.Root, "validation", "lgm50-chen2020", "cell785-0.5C.data.yaml"));
        Assert.True(curve.Time.Length > 200);
        Assert.InRange(curve.Current![10], 2.49, 2.51);                                     // A, discharge positive
        Assert.InRange(curve.CapacityPerArea()![^1] / 3600, 47.0, 47.3);                  // 4.842 Ah / 0.1027 m2 = 47.15 Ah/m2
    }

    /// <summary>
    /// Every LG M50 sidecar points at its own cell's file and puts its current and capacity on the modelled pair's
    /// 0.1027 m2: discharge current positive at the nominal C-rate (1C = 5 A, in A as the file), and the last capacity the file's
    /// discharged_Ah (read here straight from the CSV) over the area.
    /// </summary>
    [Theory]
    [InlineData("cell781-0.1C", 0.5)] [InlineData("cell782-0.1C", 0.5)] [InlineData("cell783-0.1C", 0.5)] [InlineData("cell784-0.1C", 0.5)]
    [InlineData("cell785-0.5C", 2.5)] [InlineData("cell786-0.5C", 2.5)] [InlineData("cell787-0.5C", 2.5)] [InlineData("cell788-0.5C", 2.5)]
    public void Every_LG_M50_sidecar_reads_its_own_cell_per_electrode_area(string name, double currentA)
    {
        var curve = MeasuredDataReader.ReadCurve(Path.Combine(Repository.Root, "validation", "lgm50-chen2020", name + ".data.yaml"));
        string cell = name[4..7], rate = name.EndsWith("0.1C", StringComparison.Ordinal) ? "0p1C" : "0p5C";
        var lines = File.ReadAllLines(Path.Combine(Repository.SharedReference, "lgm50_chen2020", $"Cell{cell}_{rate}_25degC_discharge1.csv"))
            .Where(l => l.Length > 0).ToArray();
        int ah = Array.IndexOf(lines[0].Split(','), "discharged_Ah");
        double lastAh = double.Parse(lines[^1].Split(',')[ah], CultureInfo.InvariantCulture);
        Assert.Equal(lines.Length - 1, curve.Time.Length);
        Assert.InRange(curve.Current![curve.Current.Length / 2], 0.99 * currentA, 1.01 * currentA);                     // A
        Assert.Equal(lastAh * 3600 / 0.1027, curve.CapacityPerArea()![^1], 6);                                           // C/m2
    }
}
