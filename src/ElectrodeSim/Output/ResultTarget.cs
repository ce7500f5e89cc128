using System.Globalization;
using ElectrodeSim.Native.Files;
using ElectrodeSim.Native.Hdf5;

namespace ElectrodeSim.Output;

/// <summary>
/// The output file of a run cannot be used: another run is writing it, or its folder cannot be
/// created or written. Raised before anything is solved; the command line treats it as bad input.
/// </summary>
public sealed class OutputTargetException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The claim of one run on its result file <c>NAME.h5</c>: an exclusive lock (<c>NAME.h5.lock</c>,
/// holding pid, host, start time and case path) for as long as the run writes, and a temporary
/// name of its own (<c>.NAME.h5.PID.RANDOM.partial</c>) in the same folder, so that the final
/// name appears only by an atomic rename of a closed file. Two runs on one target can therefore
/// never write into one file or rename one run's result under the other's name.
/// </summary>
public sealed class ResultTarget : IDisposable
{
    private readonly ExclusiveFileLock _lock;
    private readonly List<string> _notes = [];

    private ResultTarget(string finalPath, ExclusiveFileLock runLock)
    {
        FinalPath = finalPath;
        _lock = runLock;
        string directory = Path.GetDirectoryName(finalPath)!;
        string name = Path.GetFileName(finalPath);
        TemporaryPath = Path.Combine(directory, $".{name}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..8]}.partial");
        FailedPath = Path.Combine(directory, Path.GetFileNameWithoutExtension(finalPath) + ".failed.h5");
    }

    /// <summary>The result's final name, <c>NAME.h5</c>.</summary>
    public string FinalPath { get; }
    /// <summary>Where a failed run's file goes, <c>NAME.failed.h5</c>.</summary>
    public string FailedPath { get; }
    /// <summary>This run's own name for the file while it is written.</summary>
    public string TemporaryPath { get; }
    /// <summary>The lock file, <c>NAME.h5.lock</c>.</summary>
    public string LockPath => _lock.Path;
    /// <summary>Warnings from claiming the target (a stale lock taken over, stale temporary files removed).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Set when a run on this target failed and not even its failure marker could be written: why.</summary>
    public string? FailureMarkerProblem { get; private set; }

    /// <summary>The XDMF sidecar of the complete file (<c>NAME.xmf</c>).</summary>
    public string SidecarPath => XdmfSidecar.PathFor(FinalPath);
    /// <summary>The XDMF sidecar of the failed file (<c>NAME.failed.xmf</c>).</summary>
    public string FailedSidecarPath => XdmfSidecar.PathFor(FailedPath);
    /// <summary>The sidecar's name while it is written: beside <see cref="TemporaryPath"/> and like it removed when its run died.</summary>
    public string TemporarySidecarPath => TemporaryPath[..^".partial".Length] + ".xmf.partial";

    /// <summary>
    /// When a failed run's records cannot be kept (the disk is full, the file cannot be finished): a small
    /// <c>NAME.failed.h5</c> with the header <paramref name="writeHeader"/> writes (the case), <c>status = failed</c> and the
    /// reason, in place of any result or sidecar of an earlier run. When not even that can be written, nothing is left
    /// under either name and <see cref="FailureMarkerProblem"/> says why.
    /// </summary>
    /// <returns>The failed file, or null.</returns>
    internal string? WriteFailureMarker(Action<Hdf5File> writeHeader, string reason)
    {
        string marker = TemporaryPath + ".marker";
        try
        {
            using (var file = Hdf5File.Create(marker))
            {
                writeHeader(file);
                file.SetAttribute("/", "status", "failed");
                file.SetAttribute("/", "failure_reason", reason);
            }
            ResultWriter.DeleteIfExists(FinalPath);
            ResultWriter.DeleteIfExists(SidecarPath);
            ResultWriter.DeleteIfExists(FailedSidecarPath);
            File.Move(marker, FailedPath, overwrite: true);
            return FailedPath;
        }
        catch (Exception e) when (ResultWriter.IsIoFailure(e))
        {
            ResultWriter.DeleteIfExists(marker);
            // A failed file from an earlier run would be taken for this one's.
            ResultWriter.DeleteIfExists(FailedPath);
            ResultWriter.DeleteIfExists(FailedSidecarPath);
            FailureMarkerProblem = $"not even the failure marker could be written to {Path.GetDirectoryName(FailedPath)}: {Hdf5Messages.Short(e)}";
            return null;
        }
    }

    /// <summary>Lock file of a result path.</summary>
    public static string LockPathOf(string finalPath) => Path.GetFullPath(finalPath) + ".lock";

    /// <summary>Takes the lock on <paramref name="finalPath"/>, creating its folder if needed.</summary>
    /// <param name="finalPath">The result file, <c>NAME.h5</c>.</param>
    /// <param name="casePath">The case file being run, recorded in the lock for whoever finds it held.</param>
    /// <exception cref="OutputTargetException">Another live run holds the lock, or the folder cannot be created or written.</exception>
    public static ResultTarget Claim(string finalPath, string? casePath = null) => ClaimCore(finalPath, casePath, sweepCase: false);

    /// <summary>
    /// <see cref="Claim(string, string?)"/> for one case of a sweep, which has taken its folder's sweep lock and removed the
    /// stale temporary files of the whole folder once (<see cref="RemoveStaleTemporaryFiles(string)"/>): the folder is not
    /// listed again per case (a thousand cases would list it a thousand times) and the lock's text is not forced to the disk.
    /// </summary>
    internal static ResultTarget ClaimSweepCase(string finalPath) => ClaimCore(finalPath, null, sweepCase: true);

    private static ResultTarget ClaimCore(string finalPath, string? casePath, bool sweepCase)
    {
        string full = Path.GetFullPath(finalPath);
        string directory = Path.GetDirectoryName(full)!;
        try
        {
            if (Directory.Exists(full)) throw new OutputTargetException($"{full}: a directory is in the way of the result file");
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputTargetException)
        {
            throw new OutputTargetException($"{directory}: cannot create the output folder: {e.Message}", e);
        }

        string holder = string.Join('\n',
            $"pid: {Environment.ProcessId}",
            $"host: {Environment.MachineName}",
            $"started_utc: {DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}",
            $"case: {(casePath is null ? "(not given)" : Path.GetFullPath(casePath))}") + "\n";
        ExclusiveFileLock? runLock;
        string? other;
        try { runLock = ExclusiveFileLock.TryAcquire(LockPathOf(full), holder, out other, flushToDisk: !sweepCase); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputTargetException($"{directory}: cannot write there: {e.Message}", e);
        }
        if (runLock is null)
            throw new OutputTargetException($"{full} is being written by another run ({Describe(other)}); wait for it to end or choose another --out");

        var target = new ResultTarget(full, runLock);
        if (runLock.PreviousHolder is { } stale)
            target._notes.Add($"took over the lock of {Path.GetFileName(full)} left by a run that ended without releasing it ({Describe(stale)})");
        if (!sweepCase) target.RemoveStaleTemporaryFiles();
        return target;
    }

    /// <summary>"pid 123 on host h, started 2026-…Z, case /…/x.yaml" from a lock file's text.</summary>
    internal static string Describe(string? lockText)
    {
        var fields = (lockText ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
        if (!fields.TryGetValue("pid", out var pid)) return "its lock file says nothing about it";
        string host = fields.GetValueOrDefault("host", "an unknown host");
        string text = $"pid {pid} on {host}";
        if (fields.TryGetValue("started_utc", out var started)) text += $", started {started}";
        if (fields.TryGetValue("case", out var casePath)) text += $", case {casePath}";
        if (host == Environment.MachineName && int.TryParse(pid, CultureInfo.InvariantCulture, out int id) && !ExclusiveFileLock.ProcessIsAlive(id))
            text += "; that process is no longer running";
        return text;
    }

    /// <summary>
    /// Temporary files of this target left by runs whose process has ended (killed before they
    /// could clean up). With the lock held no live run can be writing one of these.
    /// </summary>
    private void RemoveStaleTemporaryFiles()
    {
        string prefix = "." + Path.GetFileName(FinalPath) + ".";
        foreach (var (file, pid) in StaleTemporaryFiles(Path.GetDirectoryName(FinalPath)!, prefix + "*.partial", prefix.Length))
        {
            try
            {
                File.Delete(file);
                _notes.Add($"removed {Path.GetFileName(file)}, left by a run (pid {pid}) that ended before it finished");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Removes the temporary result files (<c>.NAME.h5.PID.RANDOM.partial</c>) in <paramref name="directory"/> left by runs
    /// whose process has ended, for every NAME at once: what <see cref="Claim(string, string?)"/> does for its own target,
    /// done once by a sweep before it claims its cases with <see cref="ClaimSweepCase"/>. A live process's files are kept.
    /// </summary>
    internal static int RemoveStaleTemporaryFiles(string directory)
    {
        int removed = 0;
        foreach (var (file, _) in StaleTemporaryFiles(directory, ".*.h5.*.partial", -1))
        {
            try { File.Delete(file); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>Files matching <paramref name="pattern"/> whose pid (after <paramref name="prefixLength"/> characters, or after <c>.h5.</c> when -1) is not a live process.</summary>
    private static IEnumerable<(string File, int Pid)> StaleTemporaryFiles(string directory, string pattern, int prefixLength)
    {
        foreach (var file in Directory.EnumerateFiles(directory, pattern))
        {
            string name = Path.GetFileName(file);
            int start = prefixLength >= 0 ? prefixLength : name.LastIndexOf(".h5.", StringComparison.Ordinal) + 4;
            if (start < 4 || start >= name.Length) continue;
            var pidText = name[start..].Split('.')[0];
            if (!int.TryParse(pidText, CultureInfo.InvariantCulture, out int pid) || ExclusiveFileLock.ProcessIsAlive(pid)) continue;
            yield return (file, pid);
        }
    }

    /// <summary>Removes this run's temporary file if it is still there and releases the lock.</summary>
    public void Dispose()
    {
        try { if (File.Exists(TemporaryPath)) File.Delete(TemporaryPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _lock.Dispose();
    }
}
