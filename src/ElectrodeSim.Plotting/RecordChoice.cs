using System.Globalization;

namespace ElectrodeSim.Plotting;

/// <summary>A record of a run picked for a field figure, with the label its curve or panel carries.</summary>
public sealed record Record(int Index, double Time, string Label);

/// <summary>Which records the field figures show: requested times snapped to records, or the defaults.</summary>
public static class RecordChoice
{
    /// <summary>Fractions of the lithiation time at which the depth profiles are drawn by default.</summary>
    private static readonly double[] DefaultFractions = [0.1, 0.25, 0.5, 0.75, 1.0];

    public static string FormatTime(double t) =>
        Math.Abs(t) >= 10 ? t.ToString("F0", CultureInfo.InvariantCulture) + " s" : t.ToString("0.##", CultureInfo.InvariantCulture) + " s";

    /// <summary>
    /// The last record of the first current step that lithiates the working electrode (I &gt; 0),
    /// among the first <paramref name="available"/> records; labelled with the step's name.
    /// </summary>
    public static Record EndOfLithiation(ResultData result, int available)
    {
        var series = result.Series!;
        var time = series.Time;
        int last = Math.Min(available, series.Count) - 1;
        int end = last;
        string label = result.Status == "complete" ? "end of record" : "last record";
        if (series.ProtocolStep is { } step && series.CurrentDensity is { } current)
        {
            int first = Enumerable.Range(0, series.Count).FirstOrDefault(i => current[i] > 0, -1);
            if (first >= 0)
            {
                int s = step[first];
                int stepEnd = Array.FindLastIndex(step, v => v == s);
                string name = result.Protocol.FirstOrDefault(p => p.Index == s)?.Label is { Length: > 0 } l ? l : (result.IsHalfCell ? "lithiation" : $"step {s}");
                if (stepEnd <= last && (result.Status == "complete" || stepEnd < series.Count - 1))
                    (end, label) = (stepEnd, $"end of {name}");
            }
        }
        return new Record(end, time[end], $"t = {FormatTime(time[end])} ({label})");
    }

    /// <summary>
    /// The requested times snapped to the nearest of the first <paramref name="available"/> records
    /// (those outside the record are skipped with a message), or, without a request or when none is
    /// inside, the default: the end of lithiation alone (<paramref name="endOnly"/>, for maps) or, for
    /// profiles, the end of every step of a multi-step protocol (the whole protocol), else five records
    /// up to the end of lithiation.
    /// </summary>
    public static IReadOnlyList<Record> Choose(ResultData result, int available, IReadOnlyList<double>? requested, bool endOnly, List<string> messages)
    {
        var time = result.Series!.Time;
        int n = Math.Min(available, time.Length);
        var end = EndOfLithiation(result, n);
        var chosen = new List<Record>();
        if (requested is { Count: > 0 })
        {
            double t0 = time[0], t1 = time[n - 1], tolerance = 1e-9 * Math.Max(1, Math.Abs(t1));
            foreach (var t in requested)
            {
                if (t < t0 - tolerance || t > t1 + tolerance)
                {
                    messages.Add($"{result.CaseName}: t = {FormatTime(t)} is outside the recorded fields ({FormatTime(t0)} to {FormatTime(t1)}); skipped");
                    continue;
                }
                int i = Nearest(time, n, t);
                if (chosen.All(c => c.Index != i))
                    chosen.Add(i == end.Index ? end : new Record(i, time[i], $"t = {FormatTime(time[i])}"));
            }
            if (chosen.Count > 0) return chosen.OrderBy(c => c.Index).ToList();
            messages.Add($"{result.CaseName}: none of the requested times is inside the record; the default times are used");
        }
        if (endOnly) return [end];
        if (StepEnds(result, n) is { Count: > 1 } ends) return ends;
        foreach (var f in DefaultFractions)
        {
            int i = f >= 1 ? end.Index : Nearest(time, n, time[0] + f * (end.Time - time[0]));
            if (chosen.All(c => c.Index != i))
                chosen.Add(i == end.Index ? end : new Record(i, time[i], $"t = {FormatTime(time[i])}"));
        }
        return chosen.OrderBy(c => c.Index).ToList();
    }

    /// <summary>Most step ends drawn as default profiles of a multi-step protocol.</summary>
    private const int MaxStepEnds = 6;

    /// <summary>
    /// For a protocol of several steps, the last record of each step among the first <paramref name="n"/> (at most
    /// <see cref="MaxStepEnds"/>, spread evenly over the steps), so the default profiles cover the whole protocol.
    /// </summary>
    private static List<Record>? StepEnds(ResultData result, int n)
    {
        if (result.Series!.ProtocolStep is not { } step) return null;
        var ends = new List<int>();
        for (int i = 0; i < n; i++)
            if (i == n - 1 || step[i + 1] != step[i]) ends.Add(i);
        if (ends.Count > MaxStepEnds)
            ends = Enumerable.Range(0, MaxStepEnds).Select(k => ends[(int)Math.Round(k * (ends.Count - 1) / (MaxStepEnds - 1.0))]).Distinct().ToList();
        var time = result.Series.Time;
        return ends.Select(i =>
        {
            int s = step[i];
            string name = result.Protocol.FirstOrDefault(p => p.Index == s)?.Label is { Length: > 0 } l ? l : $"step {s + 1}";
            return new Record(i, time[i], $"t = {FormatTime(time[i])} (end of {name})");
        }).ToList();
    }

    private static int Nearest(double[] time, int n, double t)
    {
        int best = 0;
        for (int i = 1; i < n; i++)
            if (Math.Abs(time[i] - t) < Math.Abs(time[best] - t)) best = i;
        return best;
    }
}
