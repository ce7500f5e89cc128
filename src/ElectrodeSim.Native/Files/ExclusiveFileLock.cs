using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ElectrodeSim.Native.Files;

/// <summary>
/// An exclusive advisory lock on a small file (<c>flock(LOCK_EX)</c>) whose text says who holds
/// it. The kernel drops the lock when the holder's process ends, however it ends, so a lock file
/// left behind by a killed process is free to take; its old text is handed to the new holder as
/// <see cref="PreviousHolder"/>. <see cref="Dispose"/> removes the file and releases the lock.
/// </summary>
/// <remarks>
/// .NET's <c>FileShare.None</c> takes the same kind of lock, but a second process could then not
/// read the holder's text (every .NET open takes at least a shared lock), so the descriptor is
/// opened and locked here directly. Linux only (the flag values and the <c>struct stat</c>
/// prefix are those of glibc on x86-64 and arm64).
/// </remarks>
public sealed partial class ExclusiveFileLock : IDisposable
{
    private const int O_RDONLY = 0x0, O_RDWR = 0x2, O_CREAT = 0x40, O_CLOEXEC = 0x80000;
    private const int LOCK_EX = 2, LOCK_NB = 4;
    private const int EWOULDBLOCK = 11, ENOENT = 2, ESRCH = 3, EINTR = 4;

    private readonly FileStream stream;
    private readonly ulong inode;
    private bool released;

    private ExclusiveFileLock(string path, FileStream stream, ulong inode, string? previousHolder)
    {
        Path = path;
        this.stream = stream;
        this.inode = inode;
        PreviousHolder = previousHolder;
    }

    /// <summary>Full path of the lock file.</summary>
    public string Path { get; }

    /// <summary>Text of a lock file that was there without a holder (its process ended without releasing it), or null.</summary>
    public string? PreviousHolder { get; }

    /// <summary>
    /// Takes the lock and writes <paramref name="holder"/> into the file, or, when another open
    /// file holds it, returns null and that holder's text.
    /// </summary>
    /// <exception cref="IOException">The lock file cannot be created or locked (no such directory, no permission).</exception>
    /// <param name="flushToDisk">
    /// Whether the holder's text is written through to the disk (fsync) before the lock is returned. The lock itself
    /// never outlives the process, so the text only informs whoever finds the lock held; a sweep, which takes one lock
    /// per case, passes false to keep one fsync per case off its critical path.
    /// </param>
    public static ExclusiveFileLock? TryAcquire(string path, string holder, out string? currentHolder, bool flushToDisk = true)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("Run locks are implemented for Linux only.");
        path = System.IO.Path.GetFullPath(path);
        // A holder that releases between our open and our flock has already removed the file we
        // opened; locking that orphan would let a third run lock a new file at the same path.
        for (int attempt = 0; ; attempt++)
        {
            int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, Convert.ToUInt32("644", 8));
            if (fd < 0)
                throw Error($"cannot create the lock file {path}");
            var handle = new SafeFileHandle(fd, ownsHandle: true);
            var stream = new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
            try
            {
                int status;
                do status = flock(fd, LOCK_EX | LOCK_NB);
                while (status != 0 && Marshal.GetLastPInvokeError() == EINTR);
                if (status != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != EWOULDBLOCK)
                        throw Error($"cannot lock {path}", errno);
                    currentHolder = ReadHolderText(stream);
                    stream.Dispose();
                    return null;
                }
                var locked = Inode(fd, path);
                if (!TryPathInode(path, out var current) || current != locked)
                {
                    stream.Dispose();
                    if (attempt >= 100)
                        throw new IOException($"cannot lock {path}: it is replaced as fast as it is locked");
                    continue;
                }
                var previous = ReadAll(stream);
                // Only a stale lock's text needs clearing: truncating the new, empty file would make ext4 (auto_da_alloc) write
                // it back to the disk when it is closed (writeback started inside close(), per lock), and a sweep takes one lock per case.
                if (stream.Length > 0) stream.SetLength(0);
                stream.Position = 0;
                stream.Write(Encoding.UTF8.GetBytes(holder));
                stream.Flush(flushToDisk);
                currentHolder = null;
                return new ExclusiveFileLock(path, stream, locked, previous.Length > 0 ? previous : null);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// The text of a lock file, read without taking any lock (every .NET open would take one and
    /// fail while the file is held), or null if there is no such file.
    /// </summary>
    public static string? ReadText(string path)
    {
        int fd = open(System.IO.Path.GetFullPath(path), O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ENOENT)
                return null;
            throw Error($"cannot read the lock file {path}", errno);
        }
        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        return ReadAll(stream);
    }

    /// <summary>True if a process with this id runs on this machine (a process of another user counts).</summary>
    public static bool ProcessIsAlive(int pid)
    {
        if (pid <= 0)
            return false;
        return kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != ESRCH;
    }

    /// <summary>Removes the lock file (if it is still ours) and releases the lock.</summary>
    public void Dispose()
    {
        if (released)
            return;
        released = true;
        // Removed while still locked, so no other run can lock this file after it is unlinked.
        if (TryPathInode(Path, out var current) && current == inode)
            unlink(Path);
        stream.Dispose();
    }

    private static string ReadHolderText(FileStream stream)
    {
        // The holder writes its text just after locking; give it a moment before reporting an empty one.
        for (int wait = 0; ; wait++)
        {
            var text = ReadAll(stream);
            if (text.Length > 0 || wait >= 20)
                return text;
            Thread.Sleep(10);
        }
    }

    private static string ReadAll(FileStream stream)
    {
        stream.Position = 0;
        var bytes = new byte[Math.Min(stream.Length, 64 * 1024)];
        int read = 0, n;
        while (read < bytes.Length && (n = stream.Read(bytes, read, bytes.Length - read)) > 0)
            read += n;
        return Encoding.UTF8.GetString(bytes, 0, read);
    }

    private static unsafe ulong Inode(int fd, string path)
    {
        var buffer = stackalloc byte[StatBufferSize];
        if (fstat(fd, buffer) != 0)
            throw Error($"cannot stat the lock file {path}");
        return ((ulong*)buffer)[1];
    }

    private static unsafe bool TryPathInode(string path, out ulong inode)
    {
        var buffer = stackalloc byte[StatBufferSize];
        if (stat(path, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ENOENT) { inode = 0; return false; }
            throw Error($"cannot stat the lock file {path}", errno);
        }
        inode = ((ulong*)buffer)[1];
        return true;
    }

    // struct stat is 144 bytes on x86-64 and 128 on arm64; st_dev then st_ino come first on both.
    private const int StatBufferSize = 256;

    private static IOException Error(string what, int? errno = null)
    {
        var code = errno ?? Marshal.GetLastPInvokeError();
        return new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(code)}");
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int fstat(int fd, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int stat(string path, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unlink(string path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
