using System.Text.RegularExpressions;

namespace ElectrodeSim.Sweeps;

/// <summary>The shards' manifests do not make one sweep (a case missing, one case with two fingerprints, …); nothing was written.</summary>
public sealed class SweepMergeException(IReadOnlyList<string> problems)
    : Exception($"{problems.Count} problem(s) merging the sweep: " + string.Join("; ", problems.Take(3)))
{
    /// <summary>Each problem names the case (<c>case-0003 (index 3)</c>) or the manifest file it concerns.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>A sweep gathered from its shards' manifests and result files: one row per case, in index order.</summary>
public sealed record MergedSweep(string Name, string SourceName, int CaseCount, IReadOnlyList<string> SweptKeys, IReadOnlyList<SweepRow> Rows, IReadOnlyList<string> Manifests);

/// <summary>
/// Gathers the shards of a sweep (<c>sweep --shard K/N</c>) from one or more output folders: every manifest found
/// (<c>manifest.json</c>, <c>manifest.shard-K-of-N.json</c>) is read, and each case index of the sweep must be listed by
/// at least one, always with the same fingerprint. A case counts as complete when its result file is complete and holds
/// exactly that case (the check a resumed sweep makes), whatever the manifest says, so a shard killed between a
/// result's rename and its manifest's update loses nothing; the summary's numbers are read from the result files.
/// Listed twice with one fingerprint (a requeued task, an unsharded run beside the shards) is the same case, listed once.
/// </summary>
public static class SweepMerge
{
    private static readonly Regex ManifestName = new(@"^manifest(\.shard-\d+-of-\d+)?\.json$", RegexOptions.CultureInvariant);

    private sealed record Listing(string Manifest, string Directory, ManifestEntry Entry);

    /// <param name="directories">Output folders of the shards (one shared folder, or one per shard).</param>
    /// <param name="outputDirectory">Where the summary will be written: result file names are relative to it.</param>
    /// <exception cref="SweepMergeException">Every problem found, each naming its case or file.</exception>
    public static MergedSweep Merge(IReadOnlyList<string> directories, string outputDirectory)
    {
        var problems = new List<string>();
        var manifests = new List<(string Path, string Directory, SweepManifest Manifest)>();
        foreach (var given in directories)
        {
            string directory = Path.GetFullPath(given);
            if (!Directory.Exists(directory)) { problems.Add($"{given}: no such folder"); continue; }
            var files = Directory.EnumerateFiles(directory, "manifest*.json").Where(f => ManifestName.IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) { problems.Add($"{given}: no manifest.json or manifest.shard-K-of-N.json (not the output folder of a sweep)"); continue; }
            foreach (var file in files)
            {
                var manifest = SweepManifest.TryRead(directory, Path.GetFileName(file));
                if (manifest is null) problems.Add($"{file}: not a readable sweep manifest");
                else manifests.Add((file, directory, manifest));
            }
        }
        if (manifests.Count == 0) throw new SweepMergeException(problems.Count > 0 ? problems : ["no manifest given"]);

        var first = manifests[0];
        if (manifests.Skip(1).Where(m => m.Manifest.CaseCount != first.Manifest.CaseCount).Select(m => m.Path).ToList() is { Count: > 0 } other)
            throw new SweepMergeException([.. problems, .. other.Select(p => $"{p}: case_count {manifests.First(m => m.Path == p).Manifest.CaseCount}, but {first.Path} has {first.Manifest.CaseCount} (shards of different sweeps)")]);
        foreach (var (path, _, m) in manifests.Skip(1))
        {
            if (m.SweepFingerprint != first.Manifest.SweepFingerprint)
                problems.Add($"{path}: sweep fingerprint {Short(m.SweepFingerprint)}, but {first.Path} has {Short(first.Manifest.SweepFingerprint)} (generated from another version of the sweep file or its base case)");
            if (m.Name != first.Manifest.Name)
                problems.Add($"{path}: sweep '{m.Name}', but {first.Path} is of sweep '{first.Manifest.Name}'");
            if (!m.SweptKeys.SequenceEqual(first.Manifest.SweptKeys))
                problems.Add($"{path}: swept keys [{string.Join(", ", m.SweptKeys)}], but {first.Path} has [{string.Join(", ", first.Manifest.SweptKeys)}]");
        }
        int count = first.Manifest.CaseCount;
        var listings = new List<Listing>[count];
        for (int i = 0; i < count; i++) listings[i] = [];
        foreach (var (path, directory, m) in manifests)
            foreach (var e in m.Cases)
            {
                if (e.Index < 0 || e.Index >= count) problems.Add($"{path}: case index {e.Index} outside 0..{count - 1}");
                else listings[e.Index].Add(new Listing(path, directory, e));
            }

        var rows = new List<SweepRow>();
        var missing = new List<int>();
        for (int i = 0; i < count; i++)
        {
            string name = SweepPlan.CaseName(i, count);
            var found = listings[i];
            if (found.Count == 0) { missing.Add(i); continue; }
            var fingerprints = found.GroupBy(l => l.Entry.Fingerprint).ToList();
            if (fingerprints.Count > 1)
            {
                problems.Add($"{name} (index {i}) has different fingerprints: " +
                    string.Join(", ", fingerprints.Select(g => $"{Short(g.Key)} in {string.Join(" and ", g.Select(l => l.Manifest))}")) +
                    " (the shards ran different versions of the sweep or its base case; run the stale shard again)");
                continue;
            }
            var inputs = found.Select(l => l.Entry.Inputs).FirstOrDefault(x => x.Count > 0) ?? [];
            if (inputs.Count == 0 && first.Manifest.SweptKeys.Count > 0)
            {
                problems.Add($"{name} (index {i}): {found[0].Manifest} lists no inputs (written by an older electrodesim; run that sweep or shard again to rewrite it)");
                continue;
            }
            SweepRow? row = null;
            foreach (var l in found)
            {
                string result = Path.Combine(l.Directory, name + ".h5");
                if (SweepRunner.CompletedEarlier(result, l.Entry.Fingerprint) is { } metrics)
                {
                    row = new SweepRow(i, name, inputs, SweepRow.Complete, "", metrics, Path.GetRelativePath(outputDirectory, result));
                    break;
                }
            }
            if (row is null)
            {
                if (found.FirstOrDefault(l => l.Entry.Status == SweepRow.Complete) is { } claimed)
                {
                    problems.Add($"{name} (index {i}): {claimed.Manifest} says complete, but {Path.Combine(claimed.Directory, name + ".h5")} is missing, unreadable or holds another case");
                    continue;
                }
                var best = found.FirstOrDefault(l => l.Entry.Status == SweepRow.Failed) ?? found[0];
                string reason = best.Entry.Status == SweepRow.Failed ? best.Entry.Reason ?? "" : $"not run by {Path.GetFileName(best.Manifest)}";
                string file = best.Entry.Status == SweepRow.Failed && best.Entry.Result.Length > 0 ? Path.GetRelativePath(outputDirectory, Path.Combine(best.Directory, best.Entry.Result)) : "";
                row = new SweepRow(i, name, inputs, best.Entry.Status == SweepRow.Failed ? SweepRow.Failed : SweepRow.NotRun, reason, CaseMetrics.Missing, file);
            }
            rows.Add(row);
        }
        if (missing.Count > 0)
            problems.Insert(0, $"{missing.Count} of {count} cases are in no manifest: " +
                string.Join(", ", missing.Take(20).Select(i => $"{SweepPlan.CaseName(i, count)} (index {i})")) + (missing.Count > 20 ? ", …" : "") +
                $" (their shards did not start, or their folders were not given; shard K of N holds the cases with index mod N = K)");
        if (problems.Count > 0) throw new SweepMergeException(problems);
        return new MergedSweep(first.Manifest.Name, first.Manifest.Sweep, count, first.Manifest.SweptKeys, rows, manifests.Select(m => m.Path).ToList());
    }

    private static string Short(string fingerprint) => fingerprint.Length > 12 ? fingerprint[..12] + "…" : fingerprint;
}
