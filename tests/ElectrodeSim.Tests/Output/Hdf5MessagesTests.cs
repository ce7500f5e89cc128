using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Output;

namespace ElectrodeSim.Tests.Output;

public class Hdf5MessagesTests
{
    [Fact]
    public void An_HDF5_failure_with_a_system_error_is_told_by_call_object_and_the_systems_reason()
    {
        var stack = "H5Dclose failed for /fields/x: H5D__close_cb(): can't close dataset; " + string.Concat(Enumerable.Repeat("H5F__accum_write(): file write failed; ", 40)) +
                    "H5FD__sec2_write(): file write failed: time = Tue Dec  1 22:52:27 2026 , filename = '/tmp/a.partial', file descriptor = 77, errno = 28, error message = 'No space left on device', buf = 0x55";
        var e = new Hdf5Exception(stack, "H5Dclose", "/fields/x");
        Assert.Equal("H5Dclose failed for /fields/x: No space left on device (errno 28)", Hdf5Messages.Short(e));
        Assert.True(Hdf5Messages.Short(new Hdf5Exception(stack.Replace("errno = 28, ", ""), "H5Dclose", "/fields/x")).Length <= 401);
        var other = new InvalidOperationException(new string('x', 1000));
        Assert.Equal(other.Message, Hdf5Messages.Short(other));
    }
}
