using System.Globalization;

namespace ElectrodeSim.Mesh.Resolved;

/// <summary>
/// An SVG drawing of a packing: separator, electrode, every disc (with its periodic image where it crosses
/// y = 0 or y = H) numbered by index, contacts as lines. One SVG unit is one micrometre, y drawn upward.
/// </summary>
public static class ResolvedGeometrySvg
{
    public static void Write(TextWriter writer, DiscPacking packing)
    {
        var s = packing.Settings;
        const double um = 1e-6;
        double width = s.ElectrodeEnd / um, height = s.Height / um;
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        double Y(double y) => height - y / um;
        writer.WriteLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{F(-1)} {F(-1)} {F(width + 2)} {F(height + 2)}\" width=\"{F(40 * (width + 2))}\" height=\"{F(40 * (height + 2))}\">");
        writer.WriteLine($"<rect x=\"0\" y=\"0\" width=\"{F(s.SeparatorThickness / um)}\" height=\"{F(height)}\" fill=\"#d9d9d9\"/>");
        writer.WriteLine($"<rect x=\"{F(s.SeparatorThickness / um)}\" y=\"0\" width=\"{F(s.ElectrodeThickness / um)}\" height=\"{F(height)}\" fill=\"#f4efe1\"/>");
        writer.WriteLine("<g fill=\"#6b8fbf\" stroke=\"#1f3552\" stroke-width=\"0.04\">");
        foreach (var d in packing.Discs)
            foreach (double shift in new[] { -s.Height, 0.0, s.Height })
            {
                double y = d.Y + shift;
                if (y + d.Radius < 0 || y - d.Radius > s.Height) continue;
                writer.WriteLine($"<circle cx=\"{F(d.X / um)}\" cy=\"{F(Y(y))}\" r=\"{F(d.Radius / um)}\"/>");
            }
        writer.WriteLine("</g>");
        writer.WriteLine("<g stroke=\"#c0392b\" stroke-width=\"0.15\">");
        foreach (var c in packing.Contacts)
        {
            Disc a = packing.Discs[c.First], b = packing.Discs[c.Second];
            double by = a.Y + DiscPacking.NearestImage(b.Y - a.Y, s.Height);
            writer.WriteLine($"<line x1=\"{F(a.X / um)}\" y1=\"{F(Y(a.Y))}\" x2=\"{F(b.X / um)}\" y2=\"{F(Y(by))}\"/>");
        }
        writer.WriteLine("</g>");
        writer.WriteLine("<g font-size=\"0.8\" text-anchor=\"middle\" fill=\"white\">");
        foreach (var d in packing.Discs)
            writer.WriteLine($"<text x=\"{F(d.X / um)}\" y=\"{F(Y(d.Y) + 0.3)}\">{d.Index}</text>");
        writer.WriteLine("</g>");
        writer.WriteLine($"<rect x=\"0\" y=\"0\" width=\"{F(width)}\" height=\"{F(height)}\" fill=\"none\" stroke=\"black\" stroke-width=\"0.08\"/>");
        writer.WriteLine("</svg>");
    }
}
