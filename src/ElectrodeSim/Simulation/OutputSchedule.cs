namespace ElectrodeSim.Simulation;

/// <summary>
/// The run times [s] at which the state is written instead of at every solver step: every <see cref="Every"/>
/// seconds from the start of the run, and/or the listed <see cref="Times"/>. The runner interpolates the state at
/// each with the integrator's dense output, and writes every protocol step's start and end besides.
/// </summary>
public sealed class OutputSchedule
{
    /// <summary>At most this many scheduled records in one run (a guard against a schedule that would fill the disk).</summary>
    public const int MaxRecords = 1_000_000;

    public OutputSchedule(double? every, IReadOnlyList<double>? times)
    {
        if (every is { } e && !(e > 0 && e < double.PositiveInfinity)) throw new ArgumentOutOfRangeException(nameof(every), e, "an output interval [s] > 0");
        Every = every;
        Times = times?.ToArray() ?? [];
        for (int k = 1; k < Times.Count; k++)
            if (!(Times[k] > Times[k - 1])) throw new ArgumentException($"output times must increase: {Times[k]} s follows {Times[k - 1]} s", nameof(times));
    }

    /// <summary>Output interval [s], or null.</summary>
    public double? Every { get; }
    /// <summary>Listed output times [s], increasing.</summary>
    public IReadOnlyList<double> Times { get; }

    /// <summary>The scheduled times in (<paramref name="from"/>, <paramref name="to"/>], increasing, each once (a listed time on the interval's grid too).</summary>
    public IEnumerable<double> Between(double from, double to)
    {
        if (!(to > from)) yield break;
        int next = LowerBoundAbove(from);
        long k = Every is { } e ? (long)Math.Floor(from / e) + 1 : long.MaxValue;
        while (true)
        {
            double fromGrid = Every is { } step ? k * step : double.PositiveInfinity;
            if (fromGrid <= from) { k++; continue; }
            double fromList = next < Times.Count ? Times[next] : double.PositiveInfinity;
            double t = Math.Min(fromGrid, fromList);
            if (!(t <= to)) yield break;
            yield return t;
            if (fromGrid == t) k++;
            if (fromList == t) next++;
        }
    }

    private int LowerBoundAbove(double t)
    {
        int lo = 0, hi = Times.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (Times[mid] <= t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
