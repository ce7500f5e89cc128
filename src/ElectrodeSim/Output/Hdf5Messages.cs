using System.Text.RegularExpressions;
using ElectrodeSim.Native.Hdf5;

namespace ElectrodeSim.Output;

/// <summary>
/// One-line forms of I/O failures for messages and failure reasons. An HDF5 failure carries the
/// library's whole error stack (dozens of frames on a full disk); what a user needs is which call
/// failed on which object and the operating system's reason.
/// </summary>
public static partial class Hdf5Messages
{
    private const int MaxLength = 400;

    /// <summary>"H5Dclose failed for /fields/x: No space left on device (errno 28)", or an HDF5 message shortened; other messages as they are.</summary>
    public static string Short(Exception? e)
    {
        if (e is null) return "unknown error";
        if (e is not Hdf5Exception h) return e.Message;
        if (SystemError().Match(h.Message) is { Success: true } m)
            return $"{h.FunctionName} failed for {h.ObjectPath}: {m.Groups[2].Value} (errno {m.Groups[1].Value})";
        var text = h.Message.ReplaceLineEndings(" ");
        return text.Length <= MaxLength ? text : text[..MaxLength] + "…";
    }

    [GeneratedRegex(@"errno = (\d+), error message = '([^']*)'")]
    private static partial Regex SystemError();
}
