using OxyPlot;

namespace ElectrodeSim.Plotting;

/// <summary>A figure could not be drawn or written.</summary>
public sealed class FigureException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Writes an OxyPlot model in process: PNG and PDF through SkiaSharp (OxyPlot.SkiaSharp), SVG
/// through OxyPlot's own exporter, with text measured by Skia so that SVG labels are laid out with
/// the same font metrics as the PNG. The figure is written to a temporary file beside the target
/// and moved into place only when complete, so a failure never leaves a broken image.
/// </summary>
public static class FigureRenderer
{
    public static void Write(PlotModel model, string path, FigureFormat format, int width, int height)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial");
        try
        {
            using (var stream = File.Create(temporary))
            {
                switch (format)
                {
                    case FigureFormat.Png:
                        new OxyPlot.SkiaSharp.PngExporter { Width = width, Height = height }.Export(model, stream);
                        break;
                    case FigureFormat.Svg:
                        string svg;
                        using (var measurer = new OxyPlot.SkiaSharp.SkiaRenderContext { RenderTarget = OxyPlot.SkiaSharp.RenderTarget.VectorGraphic })
                            svg = new SvgExporter { Width = width, Height = height, IsDocument = true, TextMeasurer = measurer }.ExportToString(model);
                        // A viewer without the figure font falls back to DejaVu Sans, then any sans.
                        svg = svg.Replace($"font-family=\"{FigureStyle.Font}\"", $"font-family=\"{FigureStyle.Font}, 'DejaVu Sans', sans-serif\"", StringComparison.Ordinal);
                        using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true)) writer.Write(svg.TrimStart('\uFEFF'));
                        break;
                    case FigureFormat.Pdf:
                        // One PDF point per PNG pixel: the page has the PNG's layout, in vectors.
                        new OxyPlot.SkiaSharp.PdfExporter { Width = width, Height = height }.Export(model, stream);
                        break;
                    default: throw new ArgumentOutOfRangeException(nameof(format));
                }
            }
            if (new FileInfo(temporary).Length == 0) throw new FigureException($"{Path.GetFileName(path)}: the exporter wrote nothing");
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is not FigureException and not IOException and not UnauthorizedAccessException)
        {
            throw new FigureException($"{Path.GetFileName(path)} could not be drawn: {e.GetType().Name}: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
