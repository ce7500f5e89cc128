using ElectrodeSim.Native.Hdf5;

namespace ElectrodeSim.Native.Tests;

public sealed class Hdf5FileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static double[] Ramp(int length, double scale = 0.5) =>
        Enumerable.Range(0, length).Select(i => i * scale - 3.0).ToArray();

    [Fact]
    public void Fixed_double_arrays_round_trip_in_one_two_and_three_dimensions()
    {
        var path = temp.File("fixed.h5");
        var line = Ramp(7);
        var plane = Ramp(12);
        var block = Ramp(2 * 3 * 4);
        using (var file = Hdf5File.Create(path))
        {
            file.WriteArray("/line", line, 7);
            file.WriteArray("/mesh/plane", plane, 3, 4);
            file.WriteArray("/mesh/deep/block", block, 2, 3, 4);
        }

        using var reopened = Hdf5File.OpenRead(path);
        Assert.Equal(line, reopened.ReadArray("/line", out var lineDims));
        Assert.Equal([7L], lineDims);
        Assert.Equal(plane, reopened.ReadArray("/mesh/plane", out var planeDims));
        Assert.Equal([3L, 4L], planeDims);
        Assert.Equal(block, reopened.ReadArray("/mesh/deep/block", out var blockDims));
        Assert.Equal([2L, 3L, 4L], blockDims);
        Assert.Equal([2L, 3L, 4L], reopened.GetDims("/mesh/deep/block"));
    }

    [Fact]
    public void Fixed_int_array_round_trips()
    {
        var path = temp.File("ints.h5");
        int[] cells = [0, -1, 2, int.MaxValue, int.MinValue, 5];
        using (var file = Hdf5File.Create(path))
            file.WriteArray("/mesh/cell_to_node", cells, 2, 3);

        using var reopened = Hdf5File.OpenRead(path);
        Assert.Equal(cells, reopened.ReadIntArray("/mesh/cell_to_node", out var dims));
        Assert.Equal([2L, 3L], dims);
    }

    [Fact]
    public void Writing_an_array_whose_shape_does_not_match_its_length_is_rejected()
    {
        using var file = Hdf5File.Create(temp.File("shape.h5"));
        Assert.Throws<ArgumentException>(() => file.WriteArray("/bad", Ramp(5), 2, 3));
    }

    [Fact]
    public void Rewriting_a_fixed_array_replaces_it()
    {
        using var file = Hdf5File.Create(temp.File("replace.h5"));
        file.WriteArray("/grid", Ramp(6), 2, 3);
        file.WriteArray("/grid", Ramp(4, 2.0), 4);

        Assert.Equal(Ramp(4, 2.0), file.ReadArray("/grid", out var dims));
        Assert.Equal([4L], dims);
    }

    [Fact]
    public void Extendable_dataset_round_trips_appended_slices()
    {
        var path = temp.File("extendable.h5");
        long[] sliceDims = [2, 3, 4];
        const int slices = 100;
        const int sliceLength = 2 * 3 * 4;
        static double Value(int slice, int i) => slice * 1000.0 + i + 0.25;

        using (var file = Hdf5File.Create(path))
        using (var dataset = file.CreateExtendable("/results/concentration", sliceDims, chunkSlices: 16))
        {
            Assert.Equal(0, dataset.Count);
            Assert.Equal(sliceDims, dataset.SliceDims);
            var slice = new double[sliceLength];
            for (var s = 0; s < slices; s++)
            {
                for (var i = 0; i < sliceLength; i++)
                    slice[i] = Value(s, i);
                dataset.Append(slice);
            }
            Assert.Equal(slices, dataset.Count);
        }

        using var reopened = Hdf5File.OpenRead(path);
        var values = reopened.ReadArray("/results/concentration", out var dims);
        Assert.Equal([slices, 2L, 3L, 4L], dims);
        for (var s = 0; s < slices; s++)
        {
            for (var i = 0; i < sliceLength; i++)
                Assert.Equal(Value(s, i), values[s * sliceLength + i]);
        }
    }

    [Fact]
    public void Extendable_dataset_of_scalars_grows_as_a_time_series()
    {
        using var file = Hdf5File.Create(temp.File("time.h5"));
        using (var time = file.CreateExtendable("/time", []))
        {
            foreach (var t in new[] { 0.0, 0.1, 0.3 })
                time.Append([t]);
        }

        Assert.Equal([0.0, 0.1, 0.3], file.ReadArray("/time", out var dims));
        Assert.Equal([3L], dims);
    }

    [Fact]
    public void Reopened_extendable_dataset_continues_after_the_last_slice()
    {
        var path = temp.File("resume.h5");
        using (var file = Hdf5File.Create(path))
        using (var dataset = file.CreateExtendable("/voltage", [2]))
        {
            dataset.Append([1.0, 2.0]);
            dataset.Append([3.0, 4.0]);
        }

        using (var file = Hdf5File.OpenReadWrite(path))
        using (var dataset = file.OpenExtendable("/voltage"))
        {
            Assert.Equal(2, dataset.Count);
            Assert.Equal([2L], dataset.SliceDims);
            dataset.Append([5.0, 6.0]);
        }

        using var reopened = Hdf5File.OpenRead(path);
        Assert.Equal([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], reopened.ReadArray("/voltage", out var dims));
        Assert.Equal([3L, 2L], dims);
    }

    [Fact]
    public void Opening_a_fixed_dataset_as_extendable_throws()
    {
        using var file = Hdf5File.Create(temp.File("fixed-not-extendable.h5"));
        file.WriteArray("/fixed", Ramp(4), 2, 2);
        var error = Assert.Throws<Hdf5Exception>(() => file.OpenExtendable("/fixed"));
        Assert.Contains("/fixed", error.Message);
    }

    [Fact]
    public void Appending_a_slice_of_the_wrong_length_is_rejected()
    {
        using var file = Hdf5File.Create(temp.File("wrong-slice.h5"));
        using var dataset = file.CreateExtendable("/field", [3]);
        Assert.Throws<ArgumentException>(() => dataset.Append([1.0, 2.0]));
        Assert.Equal(0, dataset.Count);
    }

    [Fact]
    public void Disposing_the_file_closes_its_open_extendable_datasets()
    {
        var file = Hdf5File.Create(temp.File("close.h5"));
        var dataset = file.CreateExtendable("/field", [2]);
        dataset.Append([1.0, 2.0]);
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => dataset.Append([3.0, 4.0]));
        dataset.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Exists("/field"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/cell")]
    [InlineData("/cell/voltage")]
    public void Attributes_of_every_kind_round_trip(string objectPath)
    {
        var path = temp.File("attributes.h5");
        using (var file = Hdf5File.Create(path))
        {
            file.WriteArray("/cell/voltage", Ramp(3), 3);
            file.SetAttribute(objectPath, "units", "V · Ω");
            file.SetAttribute(objectPath, "temperature", 298.15);
            file.SetAttribute(objectPath, "steps", 1L << 40);
            file.SetAttribute(objectPath, "thicknesses", [70e-6, 25e-6, 60e-6]);
        }

        using var reopened = Hdf5File.OpenRead(path);
        Assert.True(reopened.HasAttribute(objectPath, "units"));
        Assert.False(reopened.HasAttribute(objectPath, "missing"));
        Assert.Equal("V · Ω", reopened.ReadStringAttribute(objectPath, "units"));
        Assert.Equal(298.15, reopened.ReadDoubleAttribute(objectPath, "temperature"));
        Assert.Equal(1L << 40, reopened.ReadLongAttribute(objectPath, "steps"));
        Assert.Equal([70e-6, 25e-6, 60e-6], reopened.ReadDoubleArrayAttribute(objectPath, "thicknesses"));
    }

    [Fact]
    public void Overwriting_an_attribute_replaces_its_value_and_kind()
    {
        using var file = Hdf5File.Create(temp.File("overwrite.h5"));
        file.CreateGroup("/cell");
        file.SetAttribute("/cell", "label", "first");
        file.SetAttribute("/cell", "label", "second, and longer");
        Assert.Equal("second, and longer", file.ReadStringAttribute("/cell", "label"));

        file.SetAttribute("/cell", "capacity", 1.5);
        file.SetAttribute("/cell", "capacity", 2.5);
        Assert.Equal(2.5, file.ReadDoubleAttribute("/cell", "capacity"));

        file.SetAttribute("/cell", "capacity", 3L);
        Assert.Equal(3L, file.ReadLongAttribute("/cell", "capacity"));

        file.SetAttribute("/cell", "capacity", [1.0, 2.0]);
        Assert.Equal([1.0, 2.0], file.ReadDoubleArrayAttribute("/cell", "capacity"));

        file.SetAttribute("/cell", "capacity", []);
        Assert.Empty(file.ReadDoubleArrayAttribute("/cell", "capacity"));
    }

    [Fact]
    public void Reading_an_array_attribute_as_a_scalar_throws()
    {
        using var file = Hdf5File.Create(temp.File("scalar.h5"));
        file.SetAttribute("/", "pair", [1.0, 2.0]);
        Assert.Throws<Hdf5Exception>(() => file.ReadDoubleAttribute("/", "pair"));
        Assert.Throws<Hdf5Exception>(() => file.ReadStringAttribute("/", "pair"));
    }

    [Fact]
    public void Reading_a_missing_attribute_throws_naming_it()
    {
        using var file = Hdf5File.Create(temp.File("missing-attribute.h5"));
        var error = Assert.Throws<Hdf5Exception>(() => file.ReadDoubleAttribute("/", "porosity"));
        Assert.Equal("H5Aopen", error.FunctionName);
        Assert.Contains("porosity", error.Message);
    }

    [Fact]
    public void CreateGroup_creates_missing_intermediate_groups_and_tolerates_existing_ones()
    {
        using var file = Hdf5File.Create(temp.File("groups.h5"));
        file.CreateGroup("/electrodes/positive/particles");
        file.CreateGroup("/electrodes/positive");
        file.CreateGroup("/");

        Assert.True(file.Exists("/electrodes"));
        Assert.True(file.Exists("/electrodes/positive/particles"));
        Assert.Equal(["positive"], file.ListChildren("/electrodes"));
    }

    [Fact]
    public void A_new_file_answers_for_its_own_links_and_open_datasets_as_the_file_read_from_disk_does()
    {
        // A file this object created knows its links and keeps the datasets it wrote open: a replaced dataset's attributes,
        // scales and references must reach the new one, and a removed group's datasets must no longer be found.
        var path = temp.File("known.h5");
        using (var file = Hdf5File.Create(path))
        {
            file.WriteArray("/a/b/x", Ramp(3), 3);
            file.SetAttribute("/a/b/x", "units", "m");
            file.WriteArray("/a/b/x", Ramp(4, 2.0), 4);            // replaced while the first is kept open
            file.SetAttribute("/a/b/x", "units", "s");
            file.WriteArray("a//b/y/", Ramp(2), 2);                // the same link spelt otherwise
            file.SetAttribute("/a/b/y", "note", "y");
            Assert.True(file.Exists("/a/b") && file.Exists("a/b/y") && !file.Exists("/a/b/z") && !file.Exists("/a/b/x/deeper"));
            Assert.Throws<Hdf5Exception>(() => file.CreateGroup("/a/b/x"));
            file.WriteArray("/t", Ramp(4), 4);
            file.WriteDimensionScales([("/t", "time")], [new DimensionScaleAttachment("/a/b/x", 0, "/t")]);
            file.WriteArray("/gone/inner", Ramp(2), 2);
            file.WriteArray("/gone", Ramp(5), 5);                  // a dataset replaces the group and what it held
            file.SetAttribute("/gone", "kind", "dataset");
            Assert.False(file.Exists("/gone/inner"));
            Assert.True(file.IsDimensionScaleAttached("/a/b/x", 0, "/t"));
        }

        using var reopened = Hdf5File.OpenRead(path);
        Assert.Equal(Ramp(4, 2.0), reopened.ReadArray("/a/b/x", out _));
        Assert.Equal("s", reopened.ReadStringAttribute("/a/b/x", "units"));
        Assert.Equal("y", reopened.ReadStringAttribute("/a/b/y", "note"));
        Assert.True(reopened.IsDimensionScaleAttached("/a/b/x", 0, "/t"));
        Assert.Equal("t", reopened.DimensionLabel("/a/b/x", 0));
        Assert.Equal(Ramp(5), reopened.ReadArray("/gone", out _));
        Assert.Equal("dataset", reopened.ReadStringAttribute("/gone", "kind"));
        Assert.False(reopened.Exists("/gone/inner"));
        Assert.Equal(["b"], reopened.ListChildren("/a"));
        Assert.Equal(["x", "y"], reopened.ListChildren("/a/b"));
    }

    [Fact]
    public void CreateGroup_over_a_dataset_throws()
    {
        using var file = Hdf5File.Create(temp.File("group-over-dataset.h5"));
        file.WriteArray("/voltage", Ramp(2), 2);
        Assert.Throws<Hdf5Exception>(() => file.CreateGroup("/voltage"));
    }

    [Fact]
    public void ListChildren_and_Exists_describe_the_hierarchy()
    {
        using var file = Hdf5File.Create(temp.File("tree.h5"));
        file.WriteArray("/fields/voltage", Ramp(2), 2);
        file.WriteArray("/fields/current", Ramp(2), 2);
        file.CreateGroup("/fields/derived");
        file.CreateGroup("/mesh");

        Assert.Equal(["current", "derived", "voltage"], file.ListChildren("/fields"));
        Assert.Equal(["fields", "mesh"], file.ListChildren("/"));
        Assert.Empty(file.ListChildren("/mesh"));

        Assert.True(file.Exists("/"));
        Assert.True(file.Exists("/fields/voltage"));
        Assert.True(file.Exists("fields/voltage"));
        Assert.False(file.Exists("/fields/temperature"));
        Assert.False(file.Exists("/missing/voltage"));
        Assert.False(file.Exists("/fields/voltage/child"));
    }

    [Fact]
    public void Reading_a_missing_dataset_throws_Hdf5Exception_naming_the_path()
    {
        using var file = Hdf5File.Create(temp.File("missing.h5"));
        var error = Assert.Throws<Hdf5Exception>(() => file.ReadArray("/fields/absent", out _));
        Assert.Equal("/fields/absent", error.ObjectPath);
        Assert.Equal("H5Dopen2", error.FunctionName);
        Assert.Contains("/fields/absent", error.Message);
    }

    [Fact]
    public void Opening_a_missing_file_throws_Hdf5Exception_naming_the_file()
    {
        var path = temp.File("does-not-exist.h5");
        var error = Assert.Throws<Hdf5Exception>(() => Hdf5File.OpenRead(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Files_written_from_parallel_threads_are_each_intact()
    {
        var results = Enumerable.Range(0, 4).AsParallel().Select(worker =>
        {
            var path = temp.File($"parallel-{worker}.h5");
            using (var file = Hdf5File.Create(path))
            using (var dataset = file.CreateExtendable("/series", [8]))
            {
                for (var step = 0; step < 50; step++)
                    dataset.Append(Enumerable.Repeat(worker * 100.0 + step, 8).ToArray());
                file.SetAttribute("/series", "worker", (long)worker);
            }
            using var reopened = Hdf5File.OpenRead(path);
            var values = reopened.ReadArray("/series", out _);
            return values.Select((v, i) => v == worker * 100.0 + i / 8).All(ok => ok)
                && reopened.ReadLongAttribute("/series", "worker") == worker;
        }).ToArray();

        Assert.All(results, Assert.True);
    }

    [H5DumpFact]
    public void H5dump_shows_the_chunked_unlimited_layout_of_an_extendable_dataset()
    {
        var path = temp.File("layout.h5");
        using (var file = Hdf5File.Create(path))
        using (var dataset = file.CreateExtendable("/results/potential", [3, 5], chunkSlices: 32, deflateLevel: 6))
        {
            dataset.Append(Ramp(15));
            dataset.Append(Ramp(15, 2.0));
        }

        var (exitCode, output) = ExternalTool.Run("h5dump", ["-H", "-p", path]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("DATASET \"potential\"", output);
        Assert.Contains("( 2, 3, 5 ) / ( H5S_UNLIMITED, 3, 5 )", output);
        Assert.Contains("CHUNKED ( 32, 3, 5 )", output);
        Assert.Contains("COMPRESSION DEFLATE { LEVEL 6 }", output);
    }

    [H5pyFact]
    public void A_complete_file_is_read_while_another_process_holds_an_hdf5_lock_on_it()
    {
        var path = temp.File("held.h5");
        using (var file = Hdf5File.Create(path)) file.WriteArray("/x", [1.0, 2.0, 3.0]);
        // h5py opens it for appending with HDF5's own flock (locking on, as any HDF5 program by default) and holds it:
        // the situation of a descriptor inherited by a process that outlives the writer.
        var start = new System.Diagnostics.ProcessStartInfo(ExternalTool.SystemPython) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        // A child process another test starts at the moment our writer's descriptor is open (before its close-on-exec mark)
        // may hold the writer's lock for its lifetime (an h5dump: milliseconds): the holder retries its open for up to 10 s.
        const string script = "import sys, time, h5py\nfor attempt in range(100):\n    try:\n        f = h5py.File(sys.argv[1], 'a'); break\n" +
                              "    except OSError:\n        if attempt == 99: raise\n        time.sleep(0.1)\nprint('open', flush=True)\nsys.stdin.read()\n";
        foreach (var a in new[] { "-c", script, path }) start.ArgumentList.Add(a);
        start.RedirectStandardError = true;
        using var holder = System.Diagnostics.Process.Start(start)!;
        try
        {
            string? line = holder.StandardOutput.ReadLine();
            // Its stderr is read only when it failed: a holder that opened the file keeps it open until its stdin closes.
            if (line != "open") Assert.Fail($"the holder did not open the file: {line}{holder.StandardError.ReadToEnd()}");
            using var read = Hdf5File.OpenRead(path);
            Assert.Equal([1.0, 2.0, 3.0], read.ReadArray("/x", out _));
        }
        finally
        {
            holder.StandardInput.Close();
            if (!holder.WaitForExit(10_000)) holder.Kill();
        }
    }

    [H5pyFact]
    public void H5py_reads_a_dataset_and_a_string_attribute()
    {
        var path = temp.File("interop.h5");
        using (var file = Hdf5File.Create(path))
        {
            file.WriteArray("/fields/voltage", [1.5, 2.5, 3.5, 4.5, 5.5, 6.5], 2, 3);
            file.SetAttribute("/fields/voltage", "units", "V");
            file.SetAttribute("/", "title", "Graphite | NMC – 1C");
        }

        const string script = """
            import sys, h5py
            with h5py.File(sys.argv[1], "r") as f:
                v = f["/fields/voltage"]
                print(v.shape, v.dtype, v[1, 2])
                for value in (v.attrs["units"], f.attrs["title"]):
                    print(type(value).__name__, value)
            """;
        var (exitCode, output) = ExternalTool.Run(ExternalTool.SystemPython, ["-c", script, path]);
        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("(2, 3) float64 6.5", lines[0]);
        Assert.Equal("str V", lines[1]);
        Assert.Equal("str Graphite | NMC – 1C", lines[2]);
    }

    [H5pyFact]
    public void Fixed_length_string_attributes_written_by_h5py_are_read()
    {
        var path = temp.File("fixed-strings.h5");
        const string script = """
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w") as f:
                f.attrs["model"] = np.bytes_(b"DFN")
                f.attrs.create("padded", np.bytes_(b"SPM"), dtype="S8")
                f.attrs["count"] = np.int32(7)
            """;
        var (exitCode, output) = ExternalTool.Run(ExternalTool.SystemPython, ["-c", script, path]);
        Assert.True(exitCode == 0, output);

        using var file = Hdf5File.OpenRead(path);
        Assert.Equal("DFN", file.ReadStringAttribute("/", "model"));
        Assert.Equal("SPM", file.ReadStringAttribute("/", "padded"));
        Assert.Equal(7L, file.ReadLongAttribute("/", "count"));
        Assert.Equal(7.0, file.ReadDoubleAttribute("/", "count"));
    }

    [Fact]
    public void A_child_process_does_not_inherit_an_open_file()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc is Linux-only; the guarantee is tested where it is used
        using var dir = new TempDirectory();
        var path = dir.File("inherited.h5");
        using var file = Hdf5File.Create(path);
        var (exitCode, output) = ExternalTool.Run("/bin/sh", ["-c", "ls -l /proc/$$/fd"]);
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("inherited.h5", output);
    }
}
