using ElectrodeSim.Native.Hdf5;

namespace ElectrodeSim.Native.Tests;

public sealed class DimensionScaleTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>A growing 2-D field over a growing /time and a fixed /x, both declared scales.</summary>
    private string WriteFieldWithScales()
    {
        var path = temp.File("scales.h5");
        using var file = Hdf5File.Create(path);
        var time = file.CreateExtendable("/time", []);
        file.WriteArray("/x", [0.1, 0.2, 0.3], 3);
        var field = file.CreateExtendable("/fields/c", [3]);
        file.SetDimensionScale("/time", "time");
        file.SetDimensionScale("/x", "x");
        file.AttachDimensionScale("/fields/c", 0, "/time");
        file.AttachDimensionScale("/fields/c", 1, "/x", label: "x [m]");
        // Appending after attaching: the scales describe a file that is still being written.
        for (int k = 0; k < 4; k++)
        {
            time.Append([k * 10.0]);
            field.Append([k, k + 0.5, k + 1.0]);
        }
        return path;
    }

    [Fact]
    public void Attached_scales_are_found_on_their_own_dimension_only_with_their_labels()
    {
        var path = WriteFieldWithScales();
        using var file = Hdf5File.OpenRead(path);
        Assert.True(file.IsDimensionScale("/time"));
        Assert.True(file.IsDimensionScale("/x"));
        Assert.False(file.IsDimensionScale("/fields/c"));
        Assert.True(file.IsDimensionScaleAttached("/fields/c", 0, "/time"));
        Assert.True(file.IsDimensionScaleAttached("/fields/c", 1, "/x"));
        Assert.False(file.IsDimensionScaleAttached("/fields/c", 1, "/time"));
        Assert.Equal(1, file.DimensionScaleCount("/fields/c", 0));
        Assert.Equal("time", file.DimensionLabel("/fields/c", 0));
        Assert.Equal("x [m]", file.DimensionLabel("/fields/c", 1));
        Assert.Equal([4L, 3L], file.GetDims("/fields/c"));
    }

    [Fact]
    public void A_dataset_without_scales_reports_none()
    {
        var path = temp.File("plain.h5");
        using var file = Hdf5File.Create(path);
        file.WriteArray("/a", [1.0, 2.0], 2);
        Assert.False(file.IsDimensionScale("/a"));
        Assert.Equal(0, file.DimensionScaleCount("/a", 0));
        Assert.Equal("", file.DimensionLabel("/a", 0));
    }

    [Fact]
    public void Attaching_to_a_dimension_the_dataset_does_not_have_fails_with_the_call_and_path()
    {
        using var file = Hdf5File.Create(temp.File("bad.h5"));
        file.WriteArray("/x", [1.0, 2.0], 2);
        file.WriteArray("/a", [1.0, 2.0], 2);
        file.SetDimensionScale("/x", "x");
        var error = Assert.Throws<Hdf5Exception>(() => file.AttachDimensionScale("/a", 1, "/x"));
        Assert.Equal("H5DSattach_scale", error.FunctionName);
        Assert.Contains("/a", error.Message);
    }

    [H5pyFact]
    public void H5py_sees_the_scales_and_labels_of_every_dimension()
    {
        var path = WriteFieldWithScales();
        var (exitCode, output) = ExternalTool.Run(ExternalTool.SystemPython,
        [
            "-c",
            "import h5py,sys\n" +
            "f=h5py.File(sys.argv[1],'r')\n" +
            "d=f['/fields/c']\n" +
            "print(d.dims[0][0].name, d.dims[1][0].name, d.dims[0].label, d.dims[1].label, list(d.dims[0][0][:]))\n",
            path,
        ]);
        Assert.True(exitCode == 0, output);
        Assert.Equal("/time /x time x [m] [0.0, 10.0, 20.0, 30.0]", output.Trim());
    }

    /// <summary>
    /// Two scales over a 3-D field, a second field and a scale nobody uses, written either by H5DS call by call or by
    /// <see cref="Hdf5File.WriteDimensionScales"/> in one go.
    /// </summary>
    private string WriteThreeScales(string name, bool batched)
    {
        var path = temp.File(name);
        using var file = Hdf5File.Create(path);
        file.WriteArray("/time", [0.0, 1.0], 2);
        file.WriteArray("/mesh/x", [0.1, 0.2, 0.3], 3);
        file.WriteArray("/mesh/r", [1.0, 2.0], 2);
        file.WriteArray("/mesh/unused", [5.0], 1);
        file.WriteArray("/fields/c", new double[12], 2, 3, 2);
        file.WriteArray("/voltage", [3.0, 3.1], 2);
        if (batched)
            file.WriteDimensionScales([("/time", "time"), ("/mesh/x", "x"), ("/mesh/r", "r"), ("/mesh/unused", "u")],
            [
                new("/fields/c", 0, "/time"), new("/fields/c", 1, "/mesh/x", "x [m]"), new("/fields/c", 2, "/mesh/r"),
                new("/voltage", 0, "/time"),
            ]);
        else
        {
            file.SetDimensionScale("/time", "time");
            file.SetDimensionScale("/mesh/x", "x");
            file.SetDimensionScale("/mesh/r", "r");
            file.SetDimensionScale("/mesh/unused", "u");
            file.AttachDimensionScale("/fields/c", 0, "/time");
            file.AttachDimensionScale("/fields/c", 1, "/mesh/x", label: "x [m]");
            file.AttachDimensionScale("/fields/c", 2, "/mesh/r");
            file.AttachDimensionScale("/voltage", 0, "/time");
        }
        return path;
    }

    [H5DumpFact]
    public void Scales_written_in_one_go_are_attribute_for_attribute_what_H5DS_writes_call_by_call()
    {
        string Dump(string path)
        {
            var (exitCode, output) = ExternalTool.Run("h5dump", ["-A", path]);
            Assert.True(exitCode == 0, output);
            // Object addresses differ between the files (the attributes are written in another order); types, shapes,
            // values, the referenced paths and the attribute names are what must agree.
            return System.Text.RegularExpressions.Regex.Replace(output.Replace(path, "FILE"), @"DATASET \d+ ", "DATASET ");
        }
        string batched = Dump(WriteThreeScales("batched.h5", batched: true));
        string byCall = Dump(WriteThreeScales("by-call.h5", batched: false));
        Assert.Contains("REFERENCE_LIST", byCall);
        Assert.Contains("DIMENSION_LABELS", byCall);
        Assert.Equal(byCall, batched);
    }

    [Fact]
    public void Scales_written_in_one_go_are_found_by_H5DS_on_their_dimensions_with_their_labels()
    {
        var path = WriteThreeScales("batched.h5", batched: true);
        using var file = Hdf5File.OpenRead(path);
        foreach (var scale in new[] { "/time", "/mesh/x", "/mesh/r", "/mesh/unused" }) Assert.True(file.IsDimensionScale(scale), scale);
        Assert.False(file.IsDimensionScale("/fields/c"));
        Assert.True(file.IsDimensionScaleAttached("/fields/c", 0, "/time"));
        Assert.True(file.IsDimensionScaleAttached("/fields/c", 1, "/mesh/x"));
        Assert.True(file.IsDimensionScaleAttached("/fields/c", 2, "/mesh/r"));
        Assert.False(file.IsDimensionScaleAttached("/fields/c", 1, "/time"));
        Assert.True(file.IsDimensionScaleAttached("/voltage", 0, "/time"));
        Assert.Equal(1, file.DimensionScaleCount("/fields/c", 2));
        Assert.Equal(["time", "x [m]", "r"], new[] { 0, 1, 2 }.Select(d => file.DimensionLabel("/fields/c", d)));
    }

    [Fact]
    public void Writing_scales_in_one_go_refuses_an_undeclared_scale_a_missing_dimension_and_a_second_time()
    {
        using var file = Hdf5File.Create(temp.File("refused.h5"));
        file.WriteArray("/x", [1.0, 2.0], 2);
        file.WriteArray("/a", [1.0, 2.0], 2);
        var undeclared = Assert.Throws<Hdf5Exception>(() => file.WriteDimensionScales([], [new("/a", 0, "/x")]));
        Assert.Contains("/x is not among the scales", undeclared.Message);
        var dimension = Assert.Throws<Hdf5Exception>(() => file.WriteDimensionScales([("/x", "x")], [new("/a", 1, "/x")]));
        Assert.Contains("/a (dimension 1", dimension.Message);
        Assert.Contains("1 dimension(s)", dimension.Message);
        using var other = Hdf5File.Create(temp.File("twice.h5"));
        other.WriteArray("/x", [1.0, 2.0], 2);
        other.WriteArray("/a", [1.0, 2.0], 2);
        other.WriteDimensionScales([("/x", "x")], [new("/a", 0, "/x")]);
        var twice = Assert.Throws<Hdf5Exception>(() => other.WriteDimensionScales([("/x", "x")], [new("/a", 0, "/x")]));
        Assert.Contains("already has the dimension-scale attribute", twice.Message);
    }
}
