using ElectrodeSim.Native.Hdf5;

namespace ElectrodeSim.Native.Tests;

public sealed class Hdf5TableTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static TableColumn[] Steps() =>
    [
        TableColumn.Of("index", [0, 1, 2]),
        TableColumn.Of("label", ["lithiation", "rest – 1 h", ""]),
        TableColumn.Of("start_s", [0.0, 1234.5, 4834.5]),
        TableColumn.Of("end", ["StopCondition", "Duration", "PhysicalLimit"]),
        TableColumn.Of("charge_C_m2", [-1.5e3, 0.0, double.NaN]),
    ];

    [Fact]
    public void A_table_of_int_double_and_string_columns_round_trips_in_member_order()
    {
        var path = temp.File("table.h5");
        using (var file = Hdf5File.Create(path))
            file.WriteTable("/protocol/outcome", Steps());

        using var read = Hdf5File.OpenRead(path);
        var table = read.ReadTable("/protocol/outcome");
        Assert.Equal(3, table.RowCount);
        Assert.Equal(["index", "label", "start_s", "end", "charge_C_m2"], table.ColumnNames);
        Assert.Equal([0.0, 1.0, 2.0], table.Numbers("index"));
        Assert.Equal(["lithiation", "rest – 1 h", ""], table.Strings("label"));
        Assert.Equal([0.0, 1234.5, 4834.5], table.Numbers("start_s"));
        Assert.Equal(["StopCondition", "Duration", "PhysicalLimit"], table.Strings("end"));
        Assert.True(double.IsNaN(table.Numbers("charge_C_m2")[2]));
        Assert.False(table.HasNumbers("label"));
        Assert.Throws<KeyNotFoundException>(() => table.Strings("index"));
    }

    [Fact]
    public void A_table_without_rows_round_trips_empty()
    {
        var path = temp.File("empty-table.h5");
        using (var file = Hdf5File.Create(path))
            file.WriteTable("/t", [TableColumn.Of("index", Array.Empty<int>()), TableColumn.Of("label", Array.Empty<string>())]);
        using var read = Hdf5File.OpenRead(path);
        var table = read.ReadTable("/t");
        Assert.Equal(0, table.RowCount);
        Assert.Empty(table.Strings("label"));
    }

    [Fact]
    public void Columns_of_different_lengths_or_repeated_names_are_rejected()
    {
        using var file = Hdf5File.Create(temp.File("bad-table.h5"));
        Assert.Throws<ArgumentException>(() => file.WriteTable("/t", [TableColumn.Of("a", [1, 2]), TableColumn.Of("b", [1.0])]));
        Assert.Throws<ArgumentException>(() => file.WriteTable("/t", [TableColumn.Of("a", [1]), TableColumn.Of("a", [1.0])]));
        Assert.Throws<ArgumentException>(() => file.WriteTable("/t", []));
        Assert.False(file.Exists("/t"));
    }

    [Fact]
    public void Reading_a_plain_dataset_as_a_table_throws_naming_it()
    {
        var path = temp.File("not-a-table.h5");
        using var file = Hdf5File.Create(path);
        file.WriteArray("/voltage", [1.0, 2.0]);
        var e = Assert.Throws<Hdf5Exception>(() => file.ReadTable("/voltage"));
        Assert.Contains("/voltage", e.Message);
        Assert.Contains("not a compound", e.Message);
    }

    [H5pyFact]
    public void H5py_reads_the_table_as_a_structured_array()
    {
        var path = temp.File("table-h5py.h5");
        using (var file = Hdf5File.Create(path))
            file.WriteTable("/protocol/outcome", Steps());
        const string script = """
            import sys, h5py
            with h5py.File(sys.argv[1], "r") as f:
                t = f["/protocol/outcome"]
                print(t.shape, t.dtype.names)
                print(t.dtype["index"], t.dtype["start_s"])
                row = t[1]
                label = row["label"].decode() if isinstance(row["label"], bytes) else row["label"]
                print(int(row["index"]), label, float(row["start_s"]))
            """;
        var (exitCode, output) = ExternalTool.Run(ExternalTool.SystemPython, ["-c", script, path]);
        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("(3,) ('index', 'label', 'start_s', 'end', 'charge_C_m2')", lines[0]);
        Assert.Equal("int32 float64", lines[1]);
        Assert.Equal("1 rest – 1 h 1234.5", lines[2]);
    }

    [H5pyFact]
    public void A_table_with_fixed_length_strings_written_by_h5py_is_read()
    {
        var path = temp.File("fixed-table.h5");
        const string script = """
            import sys, h5py, numpy as np
            rows = np.array([(3, b"pulse", 2.5), (4, b"rest", 7.0)], dtype=[("index", "<i8"), ("label", "S12"), ("end_s", "<f4")])
            with h5py.File(sys.argv[1], "w") as f:
                f["t"] = rows
            """;
        var (exitCode, output) = ExternalTool.Run(ExternalTool.SystemPython, ["-c", script, path]);
        Assert.True(exitCode == 0, output);
        using var file = Hdf5File.OpenRead(path);
        var table = file.ReadTable("/t");
        Assert.Equal([3.0, 4.0], table.Numbers("index"));
        Assert.Equal(["pulse", "rest"], table.Strings("label"));
        Assert.Equal([2.5, 7.0], table.Numbers("end_s"));
    }
}
