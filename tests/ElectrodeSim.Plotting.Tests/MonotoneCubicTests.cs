namespace ElectrodeSim.Plotting.Tests;

/// <summary>The monotone cubic the figures draw recorded series with.</summary>
public class MonotoneCubicTests
{
    [Fact]
    public void The_curve_passes_through_every_record()
    {
        double[] x = [0, 1, 2.5, 3, 7], y = [0.3, 0.25, 0.24, 0.1, 0.01];
        var (sx, sy) = MonotoneCubic.Sample(x, y, 8);
        Assert.Equal((x.Length - 1) * 8 + 1, sx.Length);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i], sx[i * 8], 12);
            Assert.Equal(y[i], sy[i * 8], 12);
        }
    }

    [Fact]
    public void Monotone_records_give_a_monotone_curve_without_overshoot_where_a_cubic_spline_would_overshoot()
    {
        // A voltage that falls slowly and then sharply (the knee at the cut-off of SiO@C-h).
        double[] x = [0, 1, 2, 3, 3.2, 3.4], y = [0.23, 0.229, 0.228, 0.2, 0.05, 0.01];
        var (_, sy) = MonotoneCubic.Sample(x, y, 16);
        for (int k = 1; k < sy.Length; k++) Assert.True(sy[k] <= sy[k - 1] + 1e-15, $"rises at sample {k}: {sy[k - 1]} → {sy[k]}");
        Assert.InRange(sy.Min(), 0.01, 0.23);
        Assert.InRange(sy.Max(), 0.01, 0.23);
    }

    [Fact]
    public void A_local_maximum_is_not_exceeded_between_records()
    {
        double[] x = [0, 1, 2, 3], y = [0, 1, 1, 0];
        var (_, sy) = MonotoneCubic.Sample(x, y, 20);
        Assert.True(sy.Max() <= 1 + 1e-12);
    }

    [Fact]
    public void The_curve_is_smooth_between_records_not_a_polygon()
    {
        double[] x = [0, 1, 2, 3], y = [0, 0.5, 1.5, 3.5];
        var (sx, sy) = MonotoneCubic.Sample(x, y, 10);
        // At the middle of the second interval the chord gives 1.0; a cubic with slopes fitted to the neighbours does not.
        Assert.Equal(1.5, sx[15], 12);
        Assert.NotEqual(1.0, sy[15], 3);
        Assert.InRange(sy[15], 0.5, 1.5);
    }

    [Fact]
    public void Two_points_are_a_straight_line()
    {
        var (sx, sy) = MonotoneCubic.Sample([0.0, 2.0], [1.0, 3.0], 8);
        Assert.Equal([0.0, 2.0], sx);
        Assert.Equal([1.0, 3.0], sy);
    }
}
