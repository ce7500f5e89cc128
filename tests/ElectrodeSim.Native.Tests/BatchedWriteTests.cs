using ElectrodeSim.Native.Hdf5;

namespace ElectrodeSim.Native.Tests;

/// <summary>The batched writes a sweep's result files use: many slices in one append, and tables written with small conversion buffers.</summary>
public sealed class BatchedWriteTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Appending_many_slices_at_once_gives_the_dataset_that_appending_them_one_by_one_gives()
    {
        var path = temp.File("many.h5");
        var slices = Enumerable.Range(0, 3 * 150).Select(i => Math.Sin(i) * 1e3).ToArray();   // 150 slices of 3, over several 64-slice chunks
        var steps = Enumerable.Range(0, 150).Select(i => i / 7).ToArray();
        using (var file = Hdf5File.Create(path))
        {
            using var one = file.CreateExtendable("/one", [3]);
            using var many = file.CreateExtendable("/many", [3]);
            using var oneInt = file.CreateExtendable("/one_int", [], int32Values: true);
            using var manyInt = file.CreateExtendable("/many_int", [], int32Values: true);
            for (int k = 0; k < 150; k++)
            {
                one.Append(slices.AsSpan(3 * k, 3));
                oneInt.Append(steps.AsSpan(k, 1));
            }
            many.AppendMany(slices.AsSpan(0, 3 * 100));
            many.AppendMany(ReadOnlySpan<double>.Empty);                     // nothing
            many.AppendMany(slices.AsSpan(3 * 100));
            manyInt.AppendMany(steps);
            Assert.Equal(150, many.Count);
            Assert.Throws<ArgumentException>(() => many.AppendMany(new double[4]));   // not whole slices
            Assert.Equal(150, many.Count);
        }
        using var read = Hdf5File.OpenRead(path);
        Assert.Equal(read.ReadArray("/one", out var oneDims), read.ReadArray("/many", out var manyDims));
        Assert.Equal([150L, 3L], manyDims);
        Assert.Equal(oneDims, manyDims);
        Assert.Equal(slices, read.ReadArray("/many", out _));
        Assert.Equal(read.ReadIntArray("/one_int", out _), read.ReadIntArray("/many_int", out _));
        Assert.Equal(steps, read.ReadIntArray("/many_int", out _));
    }

    [Fact]
    public void A_batch_of_attributes_reads_back_as_the_single_writes_and_replaces_existing_ones_whatever_their_type()
    {
        var path = temp.File("attributes.h5");
        using (var file = Hdf5File.Create(path))
        {
            file.WriteArray("/x", [1.0, 2.0]);
            file.SetAttribute("/x", "status", 3.5);                       // replaced by a string below
            file.SetAttribute("/", "kept", "untouched");
            file.SetAttributes("/x",
            [
                Hdf5Attribute.Of("status", "complete"),
                Hdf5Attribute.Of("units", "m — µm × 1e-6"),
                Hdf5Attribute.Of("steps", 77L),
                Hdf5Attribute.Of("wall_time_s", 0.0123),
                Hdf5Attribute.Of("empty", ""),
            ]);
            file.SetAttributes("/", [Hdf5Attribute.Of("count", 2L), Hdf5Attribute.Of("count", 3L)]);   // the last of one name wins
            file.SetAttributes("/", []);
        }
        using var read = Hdf5File.OpenRead(path);
        Assert.Equal("complete", read.ReadStringAttribute("/x", "status"));
        Assert.Equal("m — µm × 1e-6", read.ReadStringAttribute("/x", "units"));
        Assert.Equal(77L, read.ReadLongAttribute("/x", "steps"));
        Assert.Equal(0.0123, read.ReadDoubleAttribute("/x", "wall_time_s"));
        Assert.Equal("", read.ReadStringAttribute("/x", "empty"));
        Assert.Equal(3L, read.ReadLongAttribute("/", "count"));
        Assert.Equal("untouched", read.ReadStringAttribute("/", "kept"));
        Assert.Throws<Hdf5Exception>(() => read.ReadDoubleAttribute("/x", "status"));   // a string now, not the old double
    }

    [Fact]
    public void A_file_built_in_memory_appears_only_when_closed_and_reads_back_like_one_written_to_disk()
    {
        var path = temp.File("memory.h5");
        var values = Enumerable.Range(0, 300).Select(i => i * 0.25).ToArray();
        using (var file = Hdf5File.CreateInMemory(path))
        {
            Assert.True(file.InMemory);
            file.SetAttribute("/", "status", "running");
            using (var series = file.CreateExtendable("/time", []))
                series.AppendMany(values);
            file.WriteTable("/outcome", [TableColumn.Of("index", [0]), TableColumn.Of("reason", ["V <= 0.01 V"])]);
            file.Flush();
            Assert.False(File.Exists(path));                                  // nothing on disk before the close
            file.SetAttribute("/", "status", "complete");
        }
        Assert.True(File.Exists(path));
        using var read = Hdf5File.OpenRead(path);
        Assert.Equal("complete", read.ReadStringAttribute("/", "status"));
        Assert.Equal(values, read.ReadArray("/time", out var dims));
        Assert.Equal([300L], dims);
        Assert.Equal(["V <= 0.01 V"], read.ReadTable("/outcome").Strings("reason"));
    }

    [Fact]
    public void A_file_built_in_memory_whose_folder_is_gone_fails_at_the_close_with_an_io_error()
    {
        string folder = temp.File("gone");
        Directory.CreateDirectory(folder);
        var file = Hdf5File.CreateInMemory(System.IO.Path.Combine(folder, "x.h5"));
        file.SetAttribute("/", "status", "running");
        Directory.Delete(folder);
        Assert.ThrowsAny<IOException>(() => file.Dispose());
        file.Dispose();                                                       // closed once: a second dispose does nothing
    }

    [Fact]
    public void A_table_larger_than_its_conversion_buffer_minimum_round_trips_every_row()
    {
        var path = temp.File("long-table.h5");
        const int rows = 20_000;
        var labels = Enumerable.Range(0, rows).Select(i => new string((char)('a' + i % 26), i % 300) + "é" + i).ToArray();
        var values = Enumerable.Range(0, rows).Select(i => i * 0.5 - 3).ToArray();
        using (var file = Hdf5File.Create(path))
            file.WriteTable("/t", [TableColumn.Of("index", Enumerable.Range(0, rows).ToArray()), TableColumn.Of("label", labels), TableColumn.Of("value", values)]);
        using var read = Hdf5File.OpenRead(path);
        var table = read.ReadTable("/t");
        Assert.Equal(rows, table.RowCount);
        Assert.Equal(labels, table.Strings("label"));
        Assert.Equal(values, table.Numbers("value"));
        Assert.Equal(rows - 1.0, table.Numbers("index")[^1]);
    }
}
