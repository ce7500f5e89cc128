using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using ElectrodeSim.Native.Files;
using ElectrodeSim.Output;

namespace ElectrodeSim.Sweeps;

/// <summary>One row of the sweep summary.</summary>
public sealed record SweepRow(int Index, string Name, IReadOnlyList<SweepInput> Inputs, string Status, string Reason, CaseMetrics Metrics, string ResultFile)
{
    public const string Complete = "complete", Failed = "failed", NotRun = "not run";
}

/// <summary>What a sweep reports while it runs (called from worker threads).</summary>
public interface ISweepProgress
{
    void Started(SweepCase c);
    /// <param name="skipped">True for a case found complete from an earlier run (same fingerprint, <c>status = complete</c>).</param>
    void Finished(SweepCase c, SweepRow row, bool skipped);
}

/// <summary>The manifest entry of one case: what was run, how it ended and how often a run of this fingerprint finished.</summary>
public sealed class ManifestEntry
{
    public int Index { get; set; }
    /// <summary>The case's name and result file stem (<c>case-0007</c>); empty in manifests written before sharding.</summary>
    public string Name { get; set; } = "";
    /// <summary>The case's swept inputs, so that <see cref="SweepMerge"/> tabulates a shard without the sweep file.</summary>
    public List<SweepInput> Inputs { get; set; } = [];
    public string Fingerprint { get; set; } = "";
    public string Status { get; set; } = SweepRow.NotRun;
    public string? Reason { get; set; }
    public string Result { get; set; } = "";
    /// <summary>Runs of this fingerprint that finished (complete or failed); a run killed midway is not counted.</summary>
    public int Runs { get; set; }
    public string? FinishedUtc { get; set; }
}

/// <summary>The sweep's record in its output folder (<c>manifest.json</c>), replaced atomically.</summary>
public sealed class SweepManifest
{
    public const string FileName = "manifest.json";
    public string Sweep { get; set; } = "";
    /// <summary>The sweep's name (the summary's title).</summary>
    public string Name { get; set; } = "";
    /// <summary>Cases of the whole sweep (a shard's manifest lists only its own).</summary>
    public int CaseCount { get; set; }
    /// <summary>The plan's fingerprint (<see cref="SweepPlan.Fingerprint"/>): the same in every shard of one sweep.</summary>
    public string SweepFingerprint { get; set; } = "";
    /// <summary><c>K/N</c> for a shard's manifest; null for the whole sweep.</summary>
    public string? Shard { get; set; }
    /// <summary>The swept keys, in the summary's column order.</summary>
    public List<string> SweptKeys { get; set; } = [];
    public List<ManifestEntry> Cases { get; set; } = [];

    internal static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static SweepManifest? TryRead(string directory, string fileName = FileName)
    {
        string path = Path.Combine(directory, fileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<SweepManifest>(File.ReadAllText(path), Options); }
        catch (JsonException) { return null; }   // unreadable: every case is checked against its result file instead
    }
}

/// <summary>
/// Runs the cases of a <see cref="SweepPlan"/> in parallel inside this process, each with its own model, through
/// <see cref="Simulator.Run(Cases.SimulationSetup, ResultTarget?, CancellationToken, Func{string}?)"/> into
/// <c>DIR/case-NNNN.h5</c>. Resumable: a case whose result file is complete and holds the same fully resolved case
/// text (fingerprint) is not run again but read back, whatever the manifest says, so a kill at any moment — even
/// between a result's rename and the manifest's update — loses no case and runs none twice. A failing case is recorded
/// with its reason and does not stop the others. With a <see cref="SweepShard"/> only that shard's cases run, under
/// the shard's own lock and manifest: the manifest is still replaced atomically by one writer, so each shard keeps the
/// kill -9 guarantees of a whole sweep, and no two processes ever write one manifest (no shared-file locking needed).
/// </summary>
public sealed class SweepRunner(SweepPlan plan, string outputDirectory, int parallelism, SweepShard? shard = null)
{
    private readonly object _sync = new();
    private SweepManifest _manifest = new();
    private Dictionary<int, ManifestEntry> _entries = [];
    private int _dirty;
    private readonly SemaphoreSlim _wake = new(0);

    public string OutputDirectory { get; } = Path.GetFullPath(outputDirectory);
    public SweepShard Shard { get; } = shard ?? SweepShard.Whole;

    /// <summary>The cases of this runner's shard, in index order.</summary>
    public IReadOnlyList<SweepCase> ShardCases => plan.Cases.Where(c => Shard.Contains(c.Index)).ToList();

    /// <summary>Runs every case of the shard not already complete; returns one row per case of the shard, in index order.</summary>
    /// <exception cref="OutputTargetException">Another sweep holds the folder, or it cannot be written.</exception>
    public IReadOnlyList<SweepRow> Run(ISweepProgress? progress, CancellationToken cancellation, Func<string>? cancellationReason = null)
    {
        Directory.CreateDirectory(OutputDirectory);
        var cases = ShardCases;
        using var folderLock = ExclusiveFileLock.TryAcquire(Path.Combine(OutputDirectory, Shard.LockFileName),
            $"pid: {Environment.ProcessId}\nhost: {Environment.MachineName}\nsweep: {plan.Definition.SourceName}\nshard: {Shard}\n", out var holder)
            ?? throw new OutputTargetException($"{OutputDirectory} is used by another sweep{(Shard.IsWhole ? "" : $" of shard {Shard}")} ({ResultTarget.Describe(holder)})");

        // With the shard's lock held no other process writes its manifest: temporary ones are left by a killed run.
        foreach (var stale in Directory.EnumerateFiles(OutputDirectory, $".{Shard.ManifestFileName}.*.tmp")) File.Delete(stale);
        // Temporary result files of runs that died, for every case at once: the cases are then claimed without listing
        // the folder each (ResultTarget.ClaimSweepCase), which made a sweep's claims quadratic in its case count.
        ResultTarget.RemoveStaleTemporaryFiles(OutputDirectory);
        var previous = SweepManifest.TryRead(OutputDirectory, Shard.ManifestFileName);
        var old = previous?.Cases.GroupBy(e => e.Index).ToDictionary(g => g.Key, g => g.First()) ?? [];
        _manifest = new SweepManifest
        {
            Sweep = plan.Definition.SourceName,
            Name = plan.Definition.Name,
            CaseCount = plan.Cases.Count,
            SweepFingerprint = plan.Fingerprint,
            Shard = Shard.IsWhole ? null : Shard.ToString(),
            SweptKeys = plan.Definition.SweptKeys.ToList(),
            Cases = cases.Select(c =>
            {
                var e = old.TryGetValue(c.Index, out var kept) && kept.Fingerprint == c.Fingerprint
                    ? kept : new ManifestEntry { Index = c.Index, Fingerprint = c.Fingerprint, Result = c.Name + ".h5" };
                e.Name = c.Name;
                e.Inputs = c.Inputs.ToList();
                return e;
            }).ToList(),
        };
        _entries = _manifest.Cases.ToDictionary(e => e.Index);
        WriteManifest();

        var rows = new SweepRow?[plan.Cases.Count];
        var writer = Task.Run(ManifestWriterLoop);
        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellation };
            var order = Partitioner.Create(cases, EnumerablePartitionerOptions.NoBuffering);
            try
            {
                Parallel.ForEach(order, options, c => rows[c.Index] = RunCase(c, progress, cancellation, cancellationReason));
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { }
        }
        finally
        {
            Volatile.Write(ref _stop, 1);
            _stopped.Set();
            _wake.Release();
            writer.Wait();
            WriteManifest();
        }
        return cases.Select(c => rows[c.Index] ?? new SweepRow(c.Index, c.Name, c.Inputs, SweepRow.NotRun, "interrupted before it started", CaseMetrics.Missing, "")).ToList();
    }

    private int _stop;

    private SweepRow RunCase(SweepCase c, ISweepProgress? progress, CancellationToken cancellation, Func<string>? cancellationReason)
    {
        string path = Path.Combine(OutputDirectory, c.Name + ".h5");
        var entry = _entries[c.Index];
        if (CompletedEarlier(path, c.Fingerprint) is { } metrics)
        {
            // A run killed between the result's rename and the release of its lock leaves the lock (and perhaps a
            // temporary file): claiming the finished target once takes them over and removes them.
            try { using (ResultTarget.Claim(path)) { } }
            catch (OutputTargetException) { }
            var done = new SweepRow(c.Index, c.Name, c.Inputs, SweepRow.Complete, "", metrics, Path.GetFileName(path));
            lock (_sync)
            {
                // A run that finished after the last manifest update (killed in between) is recorded now.
                if (entry.Status != SweepRow.Complete) { entry.Status = SweepRow.Complete; entry.Reason = null; entry.Runs = Math.Max(entry.Runs, 1); entry.Result = done.ResultFile; MarkDirty(); }
            }
            progress?.Finished(c, done, skipped: true);
            return done;
        }

        progress?.Started(c);
        SweepRow row;
        try
        {
            using var target = ResultTarget.ClaimSweepCase(path);
            try
            {
                // A case with a resolved: section runs on the 2-D model, which writes its own file layout.
                var ran = c.Setup.Resolved is not null
                    ? CaseMetrics.From(Simulator.RunResolved(c.Setup, target, cancellation, cancellationReason))
                    : CaseMetrics.From(Simulator.Run(c.Setup, target, cancellation, cancellationReason).Summary);
                row = new SweepRow(c.Index, c.Name, c.Inputs, SweepRow.Complete, "", ran, Path.GetFileName(path));
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // Stopped midway (SIGINT, SIGTERM): the case ran and left its file marked failed, so it is failed with the
                // reason, not "not run"; the loop itself stops taking cases since the token is its own.
                string reason = cancellationReason?.Invoke() ?? "interrupted";
                row = new SweepRow(c.Index, c.Name, c.Inputs, SweepRow.Failed, reason, CaseMetrics.Missing,
                    File.Exists(target.FailedPath) ? Path.GetFileName(target.FailedPath) : "");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                row = new SweepRow(c.Index, c.Name, c.Inputs, SweepRow.Failed, Hdf5Messages.Short(e), CaseMetrics.Missing,
                    File.Exists(target.FailedPath) ? Path.GetFileName(target.FailedPath) : "");
            }
        }
        catch (OutputTargetException e)
        {
            row = new SweepRow(c.Index, c.Name, c.Inputs, SweepRow.Failed, e.Message, CaseMetrics.Missing, "");
        }
        lock (_sync)
        {
            entry.Status = row.Status;
            entry.Reason = row.Status == SweepRow.Failed ? row.Reason : null;
            entry.Result = row.ResultFile;
            entry.Runs++;
            entry.FinishedUtc = DateTime.UtcNow.ToString("O");
            MarkDirty();
        }
        progress?.Finished(c, row, skipped: false);
        return row;
    }

    /// <summary>The metrics of a complete run of exactly the case with this fingerprint in the result file at <paramref name="path"/>, or null.</summary>
    internal static CaseMetrics? CompletedEarlier(string path, string fingerprint)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var info = CaseMetrics.Read(path);
            return info.Status == SweepRow.Complete && CaseFingerprint.Of(info.CaseText, CaseFingerprint.ParseInputFiles(info.InputFilesJson)) == fingerprint ? info.Metrics : null;
        }
        catch (Exception e) when (e is Native.Hdf5.Hdf5Exception or IOException) { return null; }
    }

    private void MarkDirty()
    {
        Volatile.Write(ref _dirty, 1);
        _wake.Release();
    }

    /// <summary>Shortest time between two manifest writes while cases finish.</summary>
    private static readonly TimeSpan ManifestInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The wait between two manifest writes is at least this many times the last write's duration, so that rewriting a
    /// large manifest (half a megabyte for a thousand cases) takes at most about 1/20 of one core however fast cases finish.
    /// </summary>
    private const int ManifestDutyFactor = 20;
    private readonly ManualResetEventSlim _stopped = new();

    /// <summary>
    /// Writes the manifest after finished cases, at most once per <see cref="ManifestInterval"/>; cases that finish in
    /// between are in the next write, and <see cref="Run"/> writes the last one itself. One throttled writer keeps a
    /// thousand 5 ms cases from spending a core rewriting a half-megabyte file; resuming loses nothing by it, since a
    /// result file, not the manifest, decides whether a case is complete.
    /// </summary>
    private void ManifestWriterLoop()
    {
        var sinceWrite = Stopwatch.StartNew();
        var interval = ManifestInterval;
        while (true)
        {
            _wake.Wait();
            if (Volatile.Read(ref _stop) == 1) return;
            var wait = interval - sinceWrite.Elapsed;
            if (wait > TimeSpan.Zero && _stopped.Wait(wait)) return;
            if (Interlocked.Exchange(ref _dirty, 0) == 1)
            {
                sinceWrite.Restart();
                WriteManifest();
                var took = sinceWrite.Elapsed;
                interval = took * ManifestDutyFactor > ManifestInterval ? took * ManifestDutyFactor : ManifestInterval;
            }
        }
    }

    /// <summary>
    /// Why the manifest could not be written (a full disk, a folder made read-only), the first time it failed; null when every
    /// write succeeded. A failed write does not stop the sweep: the result files, not the manifest, decide on a resume which
    /// cases are complete, and the cases' own failures are reported with them.
    /// </summary>
    public string? ManifestProblem { get; private set; }

    private void WriteManifest()
    {
        string json;
        lock (_sync) json = JsonSerializer.Serialize(_manifest, SweepManifest.Options);
        try { AtomicFile.WriteAllText(Path.Combine(OutputDirectory, Shard.ManifestFileName), json); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            lock (_sync) ManifestProblem ??= $"{Shard.ManifestFileName} could not be written: {e.Message}";
        }
    }
}

/// <summary>Replaces a file by writing a temporary sibling and renaming it over the target.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Write(path, temporary => File.WriteAllText(temporary, text));

    public static void Write(string path, Action<string> writeTemporary)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
        try
        {
            writeTemporary(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
