namespace ElectrodeSim.Mesh.Resolved;

/// <summary>
/// Exact measures of a disc of radius R centred at the origin cut by an axis-aligned rectangle or segment: the cut-cell
/// geometry of <see cref="ResolvedMesh"/> (cell areas inside a disc, face apertures, the arc length a cell holds). SI; closed
/// forms, no sampling, so their error is rounding only.
/// </summary>
public static class DiscCellGeometry
{
    /// <summary>Area of the disc inside [x0, x1] × [y0, y1] [m²], coordinates relative to the disc's centre.</summary>
    public static double RectangleArea(double radius, double x0, double x1, double y0, double y1)
    {
        if (x1 <= -radius || x0 >= radius || y1 <= -radius || y0 >= radius) return 0.0;
        double area = Quadrant(radius, x1, y1) - Quadrant(radius, x0, y1) - Quadrant(radius, x1, y0) + Quadrant(radius, x0, y0);
        return Math.Clamp(area, 0.0, (x1 - x0) * (y1 - y0));
    }

    /// <summary>
    /// Area [m²] and centroid (x, y) [m] of the disc inside [x0, x1] × [y0, y1], coordinates relative to the disc's centre; the
    /// centroid is the rectangle's centre when the area is 0. Closed forms: in x, split where the circle crosses y = y0 and y = y1,
    /// each piece's upper edge is y1 or √(R² − x²) and its lower edge y0 or −√(R² − x²), and ∫x·√(R² − x²) dx = −(R² − x²)^{3/2}/3.
    /// </summary>
    public static (double Area, double X, double Y) RectangleCentroid(double radius, double x0, double x1, double y0, double y1)
    {
        double a = Math.Max(x0, -radius), b = Math.Min(x1, radius);
        if (b <= a || y1 <= -radius || y0 >= radius) return (0.0, 0.5 * (x0 + x1), 0.5 * (y0 + y1));
        Span<double> breaks = stackalloc double[6];
        int n = 0;
        breaks[n++] = a;
        breaks[n++] = b;
        foreach (double y in (ReadOnlySpan<double>)[y0, y1])
            if (Math.Abs(y) < radius)
            {
                double xc = Math.Sqrt(radius * radius - y * y);
                if (xc > a && xc < b) breaks[n++] = xc;
                if (-xc > a && -xc < b) breaks[n++] = -xc;
            }
        var sorted = breaks[..n];
        sorted.Sort();
        double r2 = radius * radius, area = 0.0, mx = 0.0, my = 0.0;
        double S(double x) => Math.Sqrt(Math.Max(0.0, r2 - x * x));
        double Cube(double x) => Math.Pow(Math.Max(0.0, r2 - x * x), 1.5);
        for (int k = 0; k + 1 < n; k++)
        {
            double p = sorted[k], q = sorted[k + 1];
            if (q <= p) continue;
            double s = S(0.5 * (p + q));
            bool topArc = s < y1, bottomArc = -s > y0;
            if ((topArc ? s : y1) <= (bottomArc ? -s : y0)) continue; // the piece is outside the disc
            // ∫ top − bottom, ∫ x (top − bottom), ∫ (top² − bottom²) / 2 over [p, q].
            double arcIntegral = Primitive(radius, q) - Primitive(radius, p), arcMoment = (Cube(p) - Cube(q)) / 3;
            double squareIntegral = r2 * (q - p) - (q * q * q - p * p * p) / 3;
            double length = q - p, xMoment = 0.5 * (q * q - p * p);
            area += (topArc ? arcIntegral : y1 * length) - (bottomArc ? -arcIntegral : y0 * length);
            mx += (topArc ? arcMoment : y1 * xMoment) - (bottomArc ? -arcMoment : y0 * xMoment);
            my += 0.5 * ((topArc ? squareIntegral : y1 * y1 * length) - (bottomArc ? squareIntegral : y0 * y0 * length));
        }
        return area > 0 ? (area, mx / area, my / area) : (0.0, 0.5 * (x0 + x1), 0.5 * (y0 + y1));
    }

    /// <summary>Length of the disc's chord on the segment x = <paramref name="x"/>, y in [y0, y1] (equally y = x, x in [y0, y1]) [m].</summary>
    public static double SegmentLength(double radius, double x, double y0, double y1)
    {
        if (Math.Abs(x) >= radius) return 0.0;
        double s = Math.Sqrt(radius * radius - x * x);
        return Math.Max(0.0, Math.Min(y1, s) - Math.Max(y0, -s));
    }

    /// <summary>Length of the circle of radius R inside [x0, x1] × [y0, y1] [m] (the half-open rectangle: each arc point counted once over a tiling).</summary>
    public static double ArcLength(double radius, double x0, double x1, double y0, double y1)
    {
        if (x1 <= -radius || x0 >= radius || y1 <= -radius || y0 >= radius) return 0.0;
        Span<double> angles = stackalloc double[10];
        int n = 0;
        angles[n++] = 0.0;
        angles[n++] = 2 * Math.PI;
        foreach (double x in (ReadOnlySpan<double>)[x0, x1])
            if (Math.Abs(x) < radius)
            {
                double a = Math.Acos(x / radius);
                angles[n++] = a;
                angles[n++] = 2 * Math.PI - a;
            }
        foreach (double y in (ReadOnlySpan<double>)[y0, y1])
            if (Math.Abs(y) < radius)
            {
                double a = Math.Asin(y / radius);
                angles[n++] = a < 0 ? a + 2 * Math.PI : a;
                angles[n++] = Math.PI - a;
            }
        var sorted = angles[..n];
        sorted.Sort();
        double length = 0.0;
        for (int k = 0; k + 1 < n; k++)
        {
            double mid = 0.5 * (sorted[k] + sorted[k + 1]);
            double px = radius * Math.Cos(mid), py = radius * Math.Sin(mid);
            if (px >= x0 && px < x1 && py >= y0 && py < y1) length += radius * (sorted[k + 1] - sorted[k]);
        }
        return length;
    }

    /// <summary>Area of the disc with x ≤ a and y ≤ b.</summary>
    private static double Quadrant(double radius, double a, double b)
    {
        a = Math.Min(a, radius);
        if (a <= -radius || b <= -radius) return 0.0;
        double lower = Primitive(radius, -radius);
        if (b >= radius) return 2 * (Primitive(radius, a) - lower);
        double xb = Math.Sqrt(radius * radius - b * b);
        double area = 0.0;
        // Columns |x| ≥ xb: the whole chord (2s) when b ≥ 0, nothing when b < 0; |x| < xb: from −s up to b.
        if (b >= 0) area += 2 * (Primitive(radius, Math.Min(a, -xb)) - lower);
        if (a > -xb)
        {
            double m = Math.Min(a, xb);
            area += b * (m + xb) + Primitive(radius, m) - Primitive(radius, -xb);
        }
        if (b >= 0 && a > xb) area += 2 * (Primitive(radius, a) - Primitive(radius, xb));
        return area;
    }

    /// <summary>∫₀ˣ √(R² − t²) dt.</summary>
    private static double Primitive(double radius, double x)
    {
        x = Math.Clamp(x, -radius, radius);
        return 0.5 * (x * Math.Sqrt(Math.Max(0.0, radius * radius - x * x)) + radius * radius * Math.Asin(x / radius));
    }
}
