using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ElectrodeSim.Cases;

/// <summary>
/// The limits on every file ElectrodeSim reads as input, in one place. A case needs a few kB and
/// about six levels of nesting; the limits are far above that and far below what would make
/// reading slow or exhaust the stack.
/// </summary>
public static class InputLimits
{
    /// <summary>Largest case file or calibration spec [bytes]: 1 MiB.</summary>
    public const long MaxCaseBytes = 1 << 20;
    /// <summary>Largest table (an OCP θ,U CSV) [bytes]: 16 MiB.</summary>
    public const long MaxTableBytes = 16 << 20;
    /// <summary>Deepest nesting of YAML mappings and sequences; the case schema needs about six.</summary>
    public const int MaxNestingDepth = 64;
    /// <summary>Characters of one value as written kept in an error message; the rest is counted, not echoed.</summary>
    public const int MaxValueShown = 60;
    /// <summary>Characters of the value part of an error message, which may quote several values (<c>a: 1 with b: 2</c>).</summary>
    public const int MaxMessageValue = 160;
    /// <summary>Characters of what an error message says is accepted (a section's whole key list fits several times).</summary>
    public const int MaxAcceptedShown = 4096;
    /// <summary>Characters of a key path kept in an error message.</summary>
    public const int MaxPathShown = 120;

    /// <summary>A byte count as the limits are stated: <c>1 MiB</c>, <c>16 MiB</c>, <c>2.0 GiB</c>.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => $"{bytes} bytes",
    };

    /// <summary>
    /// <paramref name="text"/> cut to its first <paramref name="max"/> characters, with the full length
    /// said: a 20 MB value must not be echoed back whole.
    /// Control characters (a NUL, a line break inside a value) are written as <c>\u0000</c> so that one
    /// message stays one line and prints as text.
    /// </summary>
    public static string Shorten(string text, int max = MaxValueShown)
    {
        string kept = text;
        if (text.Length > max)
        {
            int cut = max;
            if (char.IsHighSurrogate(text[cut - 1])) cut--;
            kept = text[..cut];
        }
        if (kept.Any(char.IsControl))
            kept = string.Concat(kept.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
        return text.Length > max ? $"{kept}… ({text.Length.ToString("N0", CultureInfo.InvariantCulture)} characters)" : kept;
    }
}

/// <summary>
/// A file that cannot be read as an input: it is not a regular file, too large, not valid UTF-8,
/// or its path is not a usable path. <see cref="Problem"/> is what was found, <see cref="Accepted"/>
/// what is accepted, in the words of <see cref="CaseError"/>.
/// </summary>
public sealed class InputFileException(string path, string problem, string accepted, Exception? inner = null)
    : IOException($"{InputLimits.Shorten(path, InputLimits.MaxPathShown)}: {problem} is not {accepted}", inner)
{
    /// <summary>The path as given (may be unprintable; shorten before showing).</summary>
    public string FilePath { get; } = path;
    public string Problem { get; } = problem;
    public string Accepted { get; } = accepted;
    /// <summary>Line (1-based) of the problem inside the file, when it has one (invalid UTF-8).</summary>
    public int? Line { get; init; }
}

/// <summary>
/// Reads input files with the limits of <see cref="InputLimits"/>: only regular files, checked by
/// type before they are opened (opening a FIFO blocks until someone writes to it, and
/// <c>/dev/zero</c> never ends), read up to the limit and no further, decoded as strict UTF-8.
/// </summary>
public static class InputFiles
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>What a path must be, for error messages.</summary>
    public static string Accepted(long maxBytes) => $"a regular file of at most {InputLimits.Bytes(maxBytes)}";

    /// <summary>
    /// Why <paramref name="path"/> is not a usable path (empty, a NUL or other character no file name
    /// can hold), or null when it is one. Checked before any file-system call, which would throw
    /// <see cref="ArgumentException"/> on it.
    /// </summary>
    public static string? PathProblem(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "an empty path";
        int bad = path.IndexOfAny(Path.GetInvalidPathChars());
        if (bad >= 0) return $"a path with the character U+{(int)path[bad]:X4} at position {bad + 1}";
        return null;
    }

    /// <summary>
    /// The text of a regular file of at most <paramref name="maxBytes"/> bytes, decoded as strict UTF-8
    /// (a byte-order mark is dropped). A path that does not exist raises <see cref="FileNotFoundException"/>;
    /// every other reason it cannot be read raises <see cref="InputFileException"/>.
    /// </summary>
    public static string ReadText(string path, long maxBytes)
    {
        var bytes = ReadBytes(path, maxBytes);
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            int offset = start + Math.Max(0, e.Index);
            int line = 1;
            for (int i = 0; i < offset && i < bytes.Length; i++) if (bytes[i] == (byte)'\n') line++;
            string bad = e.BytesUnknown is { Length: > 0 } unknown ? "byte " + string.Join(" ", unknown.Take(4).Select(b => $"0x{b:X2}")) : "a byte";
            throw new InputFileException(path, $"{bad} at byte offset {offset}", $"UTF-8 text (the byte sequence at line {line} is not UTF-8)", e) { Line = line };
        }
    }

    /// <summary>The bytes of a regular file of at most <paramref name="maxBytes"/> bytes (see <see cref="ReadText"/>).</summary>
    public static byte[] ReadBytes(string path, long maxBytes)
    {
        if (PathProblem(path) is { } problem) throw new InputFileException(path, problem, "a file path");
        string full = Path.GetFullPath(path);
        string accepted = Accepted(maxBytes);
        var (kind, size) = Inspect(full);
        switch (kind)
        {
            case FileKind.Missing: throw new FileNotFoundException($"file not found: {DisplayPath.Of(full)}", full);
            case FileKind.Regular: break;
            default: throw new InputFileException(path, Describe(kind), accepted);
        }
        if (size > maxBytes) throw new InputFileException(path, $"a file of {size.ToString("N0", CultureInfo.InvariantCulture)} bytes ({InputLimits.Bytes(size)})", accepted);
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
            // The file may have grown since it was inspected: read one byte past the limit to tell.
            var buffer = new byte[(int)Math.Min(maxBytes + 1, Math.Max(size + 1, 4096))];
            int total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > maxBytes) break;
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, 2L * buffer.Length));
                }
                int read = stream.Read(buffer, total, buffer.Length - total);
                if (read == 0) break;
                total += read;
            }
            if (total > maxBytes) throw new InputFileException(path, $"a file of more than {InputLimits.Bytes(maxBytes)}", accepted);
            Array.Resize(ref buffer, total);
            return buffer;
        }
        catch (Exception e) when ((e is IOException || e is UnauthorizedAccessException) && e is not InputFileException)
        {
            if (e is FileNotFoundException or DirectoryNotFoundException) throw new FileNotFoundException($"file not found: {DisplayPath.Of(full)}", full, e);
            throw new InputFileException(path, $"a file that cannot be read ({e.Message.TrimEnd('.')})", accepted, e);
        }
    }

    private enum FileKind { Missing, Regular, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Other }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };

    /// <summary>
    /// The type and size of the file at <paramref name="path"/> (symbolic links followed), without opening it.
    /// .NET has no public API for the file type on Unix (a FIFO and /dev/zero report
    /// <see cref="FileAttributes.Normal"/>), so this asks the runtime's own native shim
    /// (<c>SystemNative_Stat</c>, whose <c>FileStatus</c> layout and <c>S_IF*</c> values are the same on
    /// every Unix the runtime supports). Where that shim is absent (Windows) the managed attributes are used.
    /// </summary>
    private static (FileKind Kind, long Size) Inspect(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                var status = new byte[256];
                if (SystemNativeStat(path, status) != 0)
                    return File.Exists(path) || Directory.Exists(path) ? (FileKind.Other, 0) : (FileKind.Missing, 0);
                int mode = BitConverter.ToInt32(status, ModeOffset);
                long size = BitConverter.ToInt64(status, SizeOffset);
                var kind = (mode & 0xF000) switch
                {
                    0x8000 => FileKind.Regular,
                    0x4000 => FileKind.Directory,
                    0x1000 => FileKind.Fifo,
                    0x2000 => FileKind.CharacterDevice,
                    0x6000 => FileKind.BlockDevice,
                    0xC000 => FileKind.Socket,
                    _ => FileKind.Other,
                };
                return (kind, size);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
        if (Directory.Exists(path)) return (FileKind.Directory, 0);
        var info = new FileInfo(path);
        if (!info.Exists) return (FileKind.Missing, 0);
        return (info.Attributes & FileAttributes.Device) != 0 ? (FileKind.CharacterDevice, 0) : (FileKind.Regular, info.Length);
    }

    // struct FileStatus { int32 Flags; int32 Mode; uint32 Uid; uint32 Gid; int64 Size; ... } (dotnet/runtime, pal_io.h)
    private const int ModeOffset = 4, SizeOffset = 16;

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, SetLastError = true)]
    private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
}

/// <summary>How a path is shown in a message: relative to the working folder when the file is inside it, absolute otherwise.</summary>
public static class DisplayPath
{
    /// <summary>
    /// <paramref name="path"/> relative to <paramref name="workingDirectory"/> (the current folder by default) when it lies
    /// inside it; absolute when a relative path would climb out of it (<c>../../tmp/x.h5</c> for <c>/tmp/x.h5</c>).
    /// </summary>
    public static string Of(string path, string? workingDirectory = null)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(workingDirectory ?? Environment.CurrentDirectory, full);
        bool climbs = relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative);
        return climbs ? full : relative;
    }
}
