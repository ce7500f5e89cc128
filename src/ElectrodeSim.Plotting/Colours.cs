using OxyPlot;

namespace ElectrodeSim.Plotting;

/// <summary>
/// Colours: viridis (perceptually uniform, readable in grey and by colour-blind readers) for maps
/// and for sequences in time, and the Okabe–Ito qualitative set for curves of different runs.
/// </summary>
public static class Colours
{
    /// <summary>Viridis sampled at 11 equally spaced points (van der Walt and Smith, matplotlib 2015).</summary>
    private static readonly string[] Viridis =
    [
        "#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
        "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725",
    ];

    /// <summary>Okabe and Ito (2008) colour-blind-safe set, black last; the light yellow is left out (it does not show on white).</summary>
    private static readonly string[] Qualitative =
    [
        "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000",
    ];

    /// <summary>Viridis interpolated to <paramref name="n"/> colours, for colour axes.</summary>
    public static OxyPalette ViridisPalette(int n = 256) => OxyPalette.Interpolate(n, Viridis.Select(Parse).ToArray());

    /// <summary>Viridis at <paramref name="s"/> in [0, 1], linearly interpolated, as <c>#rrggbb</c>.</summary>
    public static string ViridisAt(double s)
    {
        s = Math.Clamp(s, 0, 1) * (Viridis.Length - 1);
        int i = Math.Min((int)s, Viridis.Length - 2);
        double w = s - i;
        var (a, b) = (Rgb(Viridis[i]), Rgb(Viridis[i + 1]));
        int Mix(int k) => (int)Math.Round(a[k] + w * (b[k] - a[k]));
        return $"#{Mix(0):x2}{Mix(1):x2}{Mix(2):x2}";
    }

    /// <summary>
    /// <paramref name="n"/> colours for curves at successive times, dark (early) to light (late);
    /// the bright yellow end is left out because it does not show on white.
    /// </summary>
    public static string[] Sequence(int n) =>
        Enumerable.Range(0, n).Select(k => ViridisAt(n == 1 ? 0 : 0.85 * k / (n - 1))).ToArray();

    /// <summary>Colour of the k-th case of a plot call (cases in sorted order, see <see cref="CaseStyles"/>).</summary>
    public static string Run(int k) => Qualitative[k % Qualitative.Length];

    public static OxyColor Parse(string hex) => OxyColor.FromRgb((byte)Rgb(hex)[0], (byte)Rgb(hex)[1], (byte)Rgb(hex)[2]);

    private static int[] Rgb(string hex) =>
        [Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16)];
}
