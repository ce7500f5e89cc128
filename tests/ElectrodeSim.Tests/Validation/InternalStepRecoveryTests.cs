using System.Globalization;
using ElectrodeSim.Validation;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Validation;

/// <summary>
/// <see cref="InternalStepRecovery"/> on synthetic output: a smooth function, "solved" exactly on an irregular
/// internal step grid and written at 200 uniform output times by the same interpolation as COMSOL's (linear on
/// the first step, then the quadratic through the last three steps), must give back the internal steps and
/// the function's values there.
/// </summary>
public class InternalStepRecoveryTests(ITestOutputHelper output)
{
    private const double Duration = 3600;
    private const int Samples = 200;
    private static readonly double Interval = Duration / (Samples - 1);

    private static double Smooth(double t) => 3.7 - 0.3 * (t / Duration) - 0.05 * Math.Exp(-t / 200) - 0.2 * Math.Pow(t / Duration, 6);

    /// <summary>
    /// Internal steps: short ones at the start (several per output interval: not recoverable), 98.5 s steps,
    /// one of 2.2 output intervals (too few samples: breaks the chain), eight steps of exactly five output
    /// intervals (every step on a sample), irregular 67–90 s steps, then steps of 3.3–4.1 intervals (pieces of
    /// three samples, inferred, and of four) to the end.
    /// </summary>
    private static List<double> InternalSteps()
    {
        var steps = new List<double> { 0, 2, 6, 14, 30, 60 };
        for (int j = 1; j <= 10; j++) steps.Add(60 + 98.5 * j);
        steps.Add(60 * Interval);
        for (int j = 1; j <= 8; j++) steps.Add((60 + 5 * j) * Interval);
        foreach (double h in new[] { 80.3, 77.1, 71.9, 86.6, 69.7, 75.0, 90.2, 66.6, 73.3, 81.0 }) steps.Add(steps[^1] + h);
        while (steps[^1] + 3.3 * Interval < Duration - 1) steps.Add(steps[^1] + (3.3 + 0.4 * (steps.Count % 3)) * Interval);
        steps.Add(Duration);
        return steps;
    }

    private static double[] OutputTimes() => Enumerable.Range(0, Samples).Select(k => k * Interval).ToArray();

    /// <summary>The output at <paramref name="t"/>: on (t_{n-1}, t_n] the interpolant of order <paramref name="order"/> (at most n) through the last steps.</summary>
    private static double Interpolated(IReadOnlyList<double> steps, Func<double, double> f, double t, int order)
    {
        if (t <= steps[0]) return f(steps[0]);
        int n = 1;
        while (steps[n] < t) n++;
        int points = Math.Min(order, n) + 1;
        double sum = 0;
        for (int a = n - points + 1; a <= n; a++)
        {
            double l = 1;
            for (int b = n - points + 1; b <= n; b++)
                if (b != a) l *= (t - steps[b]) / (steps[a] - steps[b]);
            sum += l * f(steps[a]);
        }
        return sum;
    }

    private static double[] Output(IReadOnlyList<double> steps, int order = 2) => OutputTimes().Select(t => Interpolated(steps, Smooth, t, order)).ToArray();

    private (double Time, double Value) WorstMatch(RecoveredSteps r, IReadOnlyList<double> steps)
    {
        double worstTime = 0, worstValue = 0;
        foreach (var s in r.Steps)
        {
            double nearest = steps.MinBy(x => Math.Abs(x - s.Time));
            worstTime = Math.Max(worstTime, Math.Abs(nearest - s.Time));
            worstValue = Math.Max(worstValue, Math.Abs(Smooth(nearest) - s.Value));
        }
        output.WriteLine($"{r.Steps.Count} of {steps.Count} steps recovered ({r.Dropped} found once and dropped; {r.DetectedPieces} pieces seen, {r.InferredPieces} three-sample pieces used); " +
                         $"zero third differences {r.ZeroWindows} of {r.Windows} (largest {r.LargestZeroFraction:G3} of the tolerance, other windows at least {r.SmallestNonZeroMultiple:G3} times it); " +
                         $"worst |dt| {worstTime:G3} s, |dV| {worstValue:G3}");
        return (worstTime, worstValue);
    }

    [Fact]
    public void Recovers_the_internal_steps_and_values_of_quadratically_interpolated_output()
    {
        var steps = InternalSteps();
        var r = InternalStepRecovery.Recover(OutputTimes(), Output(steps));
        var (worstTime, worstValue) = WorstMatch(r, steps);

        Assert.Null(r.NotApplicable);
        Assert.True(worstTime <= 1e-9 * Duration, $"a recovered step time is {worstTime:G3} s off");
        Assert.True(worstValue <= 1e-9, $"a recovered value is {worstValue:G3} off");
        // Every step from the first 98.5 s one on is recovered, except the two around the 2.2-interval step
        // (its piece has two samples) and the last three (no following pieces to confirm them).
        var recoverable = steps.Where(t => t >= 158 && t <= 3500).ToList();
        var missing = recoverable.Where(t => !r.Steps.Any(s => Math.Abs(s.Time - t) < 1e-6)).ToList();
        output.WriteLine("not recovered in 158-3500 s: " + string.Join(", ", missing.Select(t => t.ToString("F1", CultureInfo.InvariantCulture))));
        Assert.True(missing.Count <= 3, $"{missing.Count} steps not recovered");
        Assert.True(r.InferredPieces >= 1, "no three-sample piece was inferred");
        Assert.True(r.Dropped >= 1, "the last step cannot be confirmed and must be dropped");
        // Steps on a sample (the five-interval section) are found too.
        for (int j = 1; j <= 7; j++)
            Assert.Contains(r.Steps, s => Math.Abs(s.Time - (60 + 5 * j) * Interval) < 1e-6);
    }

    [Fact]
    public void Recovers_the_steps_from_output_stored_with_12_digit_values_and_10_digit_times()
    {
        var steps = InternalSteps();
        var time = OutputTimes().Select(t => double.Parse(t.ToString("G10", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)).ToArray();
        var value = Output(steps).Select(v => double.Parse(v.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)).ToArray();
        var r = InternalStepRecovery.Recover(time, value);
        var (worstTime, worstValue) = WorstMatch(r, steps);

        Assert.True(r.Steps.Count >= steps.Count(t => t >= 158 && t <= 3500) - 3, $"only {r.Steps.Count} steps recovered");
        Assert.True(worstTime <= 0.01, $"a recovered step time is {worstTime:G3} s off");
        Assert.True(worstValue <= 1e-7, $"a recovered value is {worstValue:G3} off");
        Assert.True(r.MaxValueDifference <= 1e-7, $"the two estimates of a step differ by {r.MaxValueDifference:G3}");
    }

    [Fact]
    public void A_smooth_series_sampled_directly_has_no_internal_steps()
    {
        var r = InternalStepRecovery.Recover(OutputTimes(), OutputTimes().Select(Smooth).ToArray());
        WorstMatch(r, InternalSteps());
        Assert.Null(r.NotApplicable);
        Assert.Equal(0, r.ZeroWindows);
        Assert.Empty(r.Steps);
    }

    [Fact]
    public void Steps_between_linear_pieces_are_found_once_and_dropped()
    {
        // Order-1 output (linear between steps): neighbouring lines share one node only, so no step has a
        // second estimate. They are found once and dropped, never accepted. (A step midway between two samples has a
        // zero third difference across it too, which breaks the chain there: steps of 5.37 intervals avoid that.)
        var steps = new List<double> { 0 };
        while (steps[^1] + 5.37 * Interval < Duration) steps.Add(steps[^1] + 5.37 * Interval);
        steps.Add(Duration);
        var r = InternalStepRecovery.Recover(OutputTimes(), Output(steps, order: 1));
        WorstMatch(r, steps);
        Assert.True(r.Dropped >= steps.Count - 4, $"only {r.Dropped} steps found once");
        Assert.Empty(r.Steps);
    }

    [Fact]
    public void Output_times_that_are_not_uniform_are_not_analysed()
    {
        var time = OutputTimes();
        time[100] += 0.01 * Interval;
        var r = InternalStepRecovery.Recover(time, Output(InternalSteps()));
        Assert.NotNull(r.NotApplicable);
        Assert.Contains("not uniform", r.NotApplicable);
        Assert.Empty(r.Steps);
    }
}
