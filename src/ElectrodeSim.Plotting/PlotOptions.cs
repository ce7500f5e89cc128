using System.Globalization;

namespace ElectrodeSim.Plotting;

/// <summary>Figure file formats: PNG and PDF drawn by SkiaSharp, SVG by OxyPlot.</summary>
public enum FigureFormat { Png, Svg, Pdf }

public static class FigureFormats
{
    public static string Extension(this FigureFormat format) => format switch
    {
        FigureFormat.Png => "png",
        FigureFormat.Svg => "svg",
        FigureFormat.Pdf => "pdf",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Parses <c>png</c>, <c>svg</c> or <c>pdf</c> (any case).</summary>
    public static bool TryParse(string? text, out FigureFormat format)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "png": format = FigureFormat.Png; return true;
            case "svg": format = FigureFormat.Svg; return true;
            case "pdf": format = FigureFormat.Pdf; return true;
            default: format = FigureFormat.Png; return false;
        }
    }

    /// <summary>
    /// Parses a comma-separated list of times in seconds (<c>100,500,900</c>); null for an empty
    /// text. Returns an error message for anything else than finite numbers ≥ 0.
    /// </summary>
    public static IReadOnlyList<double>? ParseTimes(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return null;
        var times = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) || !double.IsFinite(t) || t < 0)
            {
                error = $"--times: '{part}' is not a time in seconds ≥ 0 (expected a comma-separated list such as 100,500,900)";
                return null;
            }
            times.Add(t);
        }
        if (times.Count == 0) { error = "--times: no times given (expected a comma-separated list such as 100,500,900)"; return null; }
        return times;
    }
}

/// <summary>How figures are drawn.</summary>
public sealed record PlotOptions
{
    public FigureFormat Format { get; init; } = FigureFormat.Png;
    /// <summary>
    /// Times [s] for the field figures, each snapped to the nearest record. Null: the state-of-lithiation
    /// map at the end of lithiation and the depth profiles at five times up to it.
    /// </summary>
    public IReadOnlyList<double>? Times { get; init; }
}

/// <summary>A figure file that was written.</summary>
public sealed record Figure(string Path, string Kind, string Title, string? CaseName);

/// <summary>The figures written and what could not be drawn (missing or partial data), one sentence each.</summary>
public sealed class PlotOutcome
{
    public List<Figure> Figures { get; } = [];
    public List<string> Messages { get; } = [];

    public void Add(PlotOutcome other)
    {
        Figures.AddRange(other.Figures);
        foreach (var m in other.Messages) Note(m);
    }

    /// <summary>Adds a message unless it is already there (each figure of a run checks the same data).</summary>
    public void Note(string message)
    {
        if (!Messages.Contains(message)) Messages.Add(message);
    }
}
