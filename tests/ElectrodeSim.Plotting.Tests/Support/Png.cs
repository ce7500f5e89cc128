using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ElectrodeSim.Plotting.Tests.Support;

/// <summary>
/// A decoded 8-bit PNG (grey, RGB, grey+alpha or RGBA, not interlaced): enough to tell a rendered
/// figure or page from a blank one without an imaging library.
/// </summary>
internal sealed class Png
{
    public int Width { get; }
    public int Height { get; }
    /// <summary>RGB of every pixel, row-major, alpha composited on white.</summary>
    public byte[] Rgb { get; }

    private Png(int width, int height, byte[] rgb) => (Width, Height, Rgb) = (width, height, rgb);

    public static Png Read(string path) => Decode(File.ReadAllBytes(path));

    public static Png Decode(byte[] bytes)
    {
        ReadOnlySpan<byte> signature = [137, 80, 78, 71, 13, 10, 26, 10];
        if (!bytes.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("not a PNG file");
        int width = 0, height = 0, bitDepth = 0, colourType = 0, interlace = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at + 8 <= bytes.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            string type = Encoding.ASCII.GetString(bytes, at + 4, 4);
            var data = bytes.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                (bitDepth, colourType, interlace) = (data[8], data[9], data[12]);
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        int channels = colourType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new NotSupportedException($"PNG colour type {colourType}") };
        if (bitDepth != 8 || interlace != 0) throw new NotSupportedException($"PNG bit depth {bitDepth}, interlace {interlace}");

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
        var raw = inflated.ToArray();
        int stride = width * channels;
        var pixels = new byte[height * stride];
        var previous = new byte[stride];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? row[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter {filter}"),
                };
                row[i] = (byte)(line[i] + predicted);
            }
            row.CopyTo(previous);
        }

        var rgb = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++)
        {
            var px = pixels.AsSpan(p * channels, channels);
            int alpha = channels is 2 or 4 ? px[channels - 1] : 255;
            for (int k = 0; k < 3; k++)
            {
                int v = channels <= 2 ? px[0] : px[k];
                rgb[p * 3 + k] = (byte)((v * alpha + 255 * (255 - alpha)) / 255);
            }
        }
        return new Png(width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Standard deviation of the luminance over all pixels [0–255].</summary>
    public double LuminanceDeviation()
    {
        double sum = 0, sumSquares = 0;
        int n = Width * Height;
        for (int p = 0; p < n; p++)
        {
            double l = 0.2126 * Rgb[3 * p] + 0.7152 * Rgb[3 * p + 1] + 0.0722 * Rgb[3 * p + 2];
            sum += l;
            sumSquares += l * l;
        }
        double mean = sum / n;
        return Math.Sqrt(Math.Max(0, sumSquares / n - mean * mean));
    }

    /// <summary>Fraction of pixels that differ from the most common colour (the background).</summary>
    public double InkFraction()
    {
        var counts = new Dictionary<int, int>();
        for (int p = 0; p < Width * Height; p++)
        {
            int key = (Rgb[3 * p] << 16) | (Rgb[3 * p + 1] << 8) | Rgb[3 * p + 2];
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return 1 - (double)counts.Values.Max() / (Width * Height);
    }

    /// <summary>Pixels with a clearly saturated colour (max − min channel ≥ 60): curves and colour maps, not text or grid.</summary>
    public int ColouredPixels()
    {
        int n = 0;
        for (int p = 0; p < Width * Height; p++)
        {
            int r = Rgb[3 * p], g = Rgb[3 * p + 1], b = Rgb[3 * p + 2];
            if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) >= 60) n++;
        }
        return n;
    }

    /// <summary>The most common clearly saturated colour (see <see cref="ColouredPixels"/>) as <c>#rrggbb</c>: the curve of a one-curve figure.</summary>
    public string DominantColour()
    {
        var counts = new Dictionary<int, int>();
        for (int p = 0; p < Width * Height; p++)
        {
            int r = Rgb[3 * p], g = Rgb[3 * p + 1], b = Rgb[3 * p + 2];
            if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) < 60) continue;
            int key = (r << 16) | (g << 8) | b;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts.Count == 0 ? "none" : $"#{counts.MaxBy(c => c.Value).Key:x6}";
    }

    /// <summary>Pixels of exactly the colour <c>#rrggbb</c>.</summary>
    public int PixelsOf(string hex)
    {
        int key = Convert.ToInt32(hex[1..], 16), n = 0;
        for (int p = 0; p < Width * Height; p++)
            if (((Rgb[3 * p] << 16) | (Rgb[3 * p + 1] << 8) | Rgb[3 * p + 2]) == key) n++;
        return n;
    }
}
