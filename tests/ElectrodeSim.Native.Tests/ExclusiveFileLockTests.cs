using System.Diagnostics;
using ElectrodeSim.Native.Files;

namespace ElectrodeSim.Native.Tests;

public sealed class ExclusiveFileLockTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_second_acquire_is_refused_with_the_holders_text_until_the_first_is_released()
    {
        var path = temp.File("run.h5.lock");
        var first = ExclusiveFileLock.TryAcquire(path, "pid 1 on host-a", out var holder);
        Assert.NotNull(first);
        Assert.Null(holder);
        Assert.Null(first.PreviousHolder);
        Assert.Equal("pid 1 on host-a", ExclusiveFileLock.ReadText(path));

        // flock belongs to the open file, so a second open in the same process conflicts too.
        Assert.Null(ExclusiveFileLock.TryAcquire(path, "pid 2", out holder));
        Assert.Equal("pid 1 on host-a", holder);

        first.Dispose();
        Assert.False(File.Exists(path));
        Assert.Null(ExclusiveFileLock.ReadText(path));
        using var second = ExclusiveFileLock.TryAcquire(path, "pid 2", out holder);
        Assert.NotNull(second);
        Assert.Null(second.PreviousHolder);
        Assert.Equal("pid 2", ExclusiveFileLock.ReadText(path));
    }

    [Fact]
    public void A_lock_file_without_a_holder_is_taken_over_and_its_old_text_reported()
    {
        var path = temp.File("stale.h5.lock");
        File.WriteAllText(path, "pid 999999 on a run that was killed");
        using var taken = ExclusiveFileLock.TryAcquire(path, "pid 3", out var holder);
        Assert.NotNull(taken);
        Assert.Null(holder);
        Assert.Equal("pid 999999 on a run that was killed", taken.PreviousHolder);
        Assert.Equal("pid 3", ExclusiveFileLock.ReadText(path));
    }

    [Fact]
    public void A_lock_in_a_missing_directory_is_an_IOException_naming_the_file()
    {
        var path = temp.File(Path.Combine("missing", "x.lock"));
        var e = Assert.Throws<IOException>(() => ExclusiveFileLock.TryAcquire(path, "pid", out _));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void This_process_is_alive_and_one_that_has_exited_is_not()
    {
        Assert.True(ExclusiveFileLock.ProcessIsAlive(Environment.ProcessId));
        using var exited = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        exited.WaitForExit();
        Assert.False(ExclusiveFileLock.ProcessIsAlive(exited.Id));
        Assert.False(ExclusiveFileLock.ProcessIsAlive(0));
    }
}
