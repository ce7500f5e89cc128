using System.Globalization;
using ElectrodeSim.Cases;

namespace ElectrodeSim.Sweeps;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/>: the cases whose index modulo the count is the shard's index
/// (<c>--shard 1/4</c> runs cases 1, 5, 9, …). The partition depends on nothing but the case index, so every job of a
/// Slurm array computes it alone and the shards cover each case exactly once. Striding rather than contiguous blocks
/// spreads the slow corners of a grid (the fastest-varying key is the last) over every shard.
/// A shard writes its own manifest and holds its own lock (<see cref="ManifestFileName"/>, <see cref="LockFileName"/>),
/// so shards of one sweep can share an output folder (their result files are disjoint) or each have their own.
/// </summary>
public readonly record struct SweepShard(int Index, int Count)
{
    /// <summary>The whole sweep: one shard, with the file names of an unsharded run.</summary>
    public static readonly SweepShard Whole = new(0, 1);

    public bool IsWhole => Count == 1;

    public bool Contains(int caseIndex) => caseIndex % Count == Index;

    /// <summary><c>manifest.json</c> for the whole sweep, <c>manifest.shard-1-of-4.json</c> for a shard.</summary>
    public string ManifestFileName => IsWhole ? SweepManifest.FileName : $"manifest.shard-{Index}-of-{Count}.json";

    public string LockFileName => IsWhole ? "sweep.lock" : $"sweep.shard-{Index}-of-{Count}.lock";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Reads <c>K/N</c> (0 ≤ K &lt; N ≤ 100000).</summary>
    /// <exception cref="CaseValidationException">Naming <c>--shard</c>, the value and what is accepted.</exception>
    public static SweepShard Parse(string text)
    {
        string[] parts = (text ?? "").Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n is >= 1 and <= 100_000 && k < n)
            return new SweepShard(k, n);
        throw new CaseValidationException("--shard", [new CaseError("--shard", InputLimits.Shorten(text ?? ""), "K/N with whole numbers 0 <= K < N <= 100000, e.g. 0/4 (Slurm: $SLURM_ARRAY_TASK_ID/N)")]);
    }
}
