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
}
