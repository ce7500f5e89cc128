namespace ElectrodeSim.Native.Tests;

public sealed class NativeLibrariesTests
{
    [Fact]
    public void Missing_native_library_error_names_every_candidate_and_the_package()
    {
        var error = Assert.Throws<DllNotFoundException>(() =>
            NativeLibraries.Load("klu", ["libnot-there.so.9", "not-there.dll"], "libklu1"));

        Assert.Contains("libnot-there.so.9", error.Message);
        Assert.Contains("not-there.dll", error.Message);
        Assert.Contains("libklu1", error.Message);
    }
}
