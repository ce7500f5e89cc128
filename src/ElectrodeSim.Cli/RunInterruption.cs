using System.Runtime.InteropServices;

namespace ElectrodeSim.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM during <c>run</c>: the first one cancels the run, which stops at its
/// next solver step, marks its file failed ("interrupted (SIGINT)") and releases its lock; the
/// process then exits 128 + the signal number (130, 143), as a shell expects of a program a
/// signal stopped. A second signal is left to its default action and ends the process at once.
/// SIGXFSZ is ignored from the first run on, for the rest of the process (see <see cref="IgnoreFileSizeLimitSignal"/>).
/// </summary>
public sealed class RunInterruption : IDisposable
{
    /// <summary>SIGXFSZ on Linux (not in <see cref="PosixSignal"/>, which takes raw numbers).</summary>
    private const PosixSignal SIGXFSZ = (PosixSignal)25;

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    // A file-size limit (ulimit -f) is one more way for a write to fail: SIGXFSZ is ignored, since it would kill the
    // process mid-write; the write then fails with EFBIG, which ends the run cleanly like a full disk. Ignored for the rest
    // of the process, not only while a run listens: HDF5 may still write at exit (a file whose dataset failed to close is
    // closed by the library's exit handler), and that write must fail, not kill the process after its failure was reported
    // (exit 153 instead of 1, seen once in CI).
    private static readonly PosixSignalRegistration IgnoreFileSizeLimitSignal = PosixSignalRegistration.Create(SIGXFSZ, context => context.Cancel = true);

    private RunInterruption()
    {
        GC.KeepAlive(IgnoreFileSizeLimitSignal);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    /// <summary>Starts listening for SIGINT and SIGTERM until disposed.</summary>
    public static RunInterruption Listen() => new();

    public CancellationToken Token => _cancel.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>"SIGINT" or "SIGTERM".</summary>
    public string SignalName => Signal switch { PosixSignal.SIGINT => "SIGINT", PosixSignal.SIGTERM => "SIGTERM", var s => s?.ToString() ?? "" };

    /// <summary>The failure reason written into the result file.</summary>
    public string Reason() => $"interrupted ({SignalName})";

    /// <summary>128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => Signal switch { PosixSignal.SIGINT => 130, PosixSignal.SIGTERM => 143, _ => RunCommand.RunFailed };

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1) return;   // context.Cancel stays false: the default action ends the process
        context.Cancel = true;
        Signal = context.Signal;
        Console.Error.WriteLine($"{SignalName}: stopping the run at its next solver step (send it again to stop at once)");
        _cancel.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
