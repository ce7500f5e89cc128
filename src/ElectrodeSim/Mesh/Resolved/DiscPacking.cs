using System.Globalization;

namespace ElectrodeSim.Mesh.Resolved;

/// <summary>One particle of the 2-D geometry: centre (<paramref name="X"/>, <paramref name="Y"/>) [m] with Y in [0, H), radius [m].</summary>
/// <param name="Index">Position in <see cref="DiscPacking.Discs"/> (largest radius first); particle region <see cref="ResolvedRegions.Particle"/>(Index).</param>
public readonly record struct Disc(int Index, double X, double Y, double Radius)
{
    /// <summary>πR² [m² per unit depth].</summary>
    public double Area => Math.PI * Radius * Radius;

    /// <summary>2πR [m per unit depth], the true reactive perimeter.</summary>
    public double Perimeter => 2 * Math.PI * Radius;
}

/// <summary>Discs <paramref name="First"/> &lt; <paramref name="Second"/> touch: surface gap <paramref name="Gap"/> [m] at most the contact distance.</summary>
public readonly record struct DiscContact(int First, int Second, double Gap);

/// <summary>The packing cannot reach the requested particle area fraction with the requested gaps.</summary>
public sealed class DiscPackingException(string message, double reachedFraction, double requestedFraction) : Exception(message)
{
    /// <summary>Area fraction [1] of the densest overlap-free set of discs the attempt found.</summary>
    public double ReachedFraction { get; } = reachedFraction;
    public double RequestedFraction { get; } = requestedFraction;
}

/// <summary>
/// A seeded random packing of discs in the electrode region, periodic in y.
/// <para>
/// Radii are drawn until their area is closest to the target (the fraction is then met to within half the
/// last disc's area over Le·H, or exactly with <see cref="ResolvedGeometrySettings.ScaleRadiiToFraction"/>), sorted largest first, and placed by random sequential addition: uniform
/// trial centres in <c>x in [Ls + g_s + R, Ls + Le − g_c − R]</c> (separator and collector gaps), <c>y in [0, H)</c>, accepted when every
/// surface gap is at least the minimum gap (nearest image in y). Sequential addition jams near 0.55 for
/// equal discs, so a disc that finds no free place is put at its last trial position and a collective
/// overlap removal follows (Gauss–Seidel sweeps pushing each overlapping pair apart along the line of
/// centres, x clamped to the electrode, y wrapped; a small random shake when a sweep stops making progress).
/// The packing succeeds when one full sweep finds no pair closer than the minimum gap; otherwise a
/// <see cref="DiscPackingException"/> says what was reached.
/// </para>
/// <para>
/// Reproducibility: the stream is <see cref="SplitMix64"/> (no <see cref="System.Random"/>) and every step is
/// sequential. With <see cref="DiscRadiusDistribution.Fixed"/> or <see cref="DiscRadiusDistribution.Listed"/> radii
/// the packing uses only IEEE-exact operations (+, −, ×, ÷, √, floor, round), so a seed gives the same discs
/// bit for bit on every machine; the only exception is a pair with coincident centres, whose push direction
/// takes a cosine. Log-normal radii go through <see cref="Math.Log"/>, <see cref="Math.Exp"/> and
/// <see cref="Math.Cos"/>, which .NET takes from the platform's maths library: the same seed gives the same
/// packing on one platform, and may differ in the last bit (and from there in a placement) on another.
/// </para>
/// </summary>
public sealed class DiscPacking
{
    private DiscPacking(ResolvedGeometrySettings settings, Disc[] discs, DiscContact[] contacts, int sweeps)
    {
        Settings = settings;
        Discs = discs;
        Contacts = contacts;
        RelaxationSweeps = sweeps;
    }

    public ResolvedGeometrySettings Settings { get; }

    /// <summary>The discs, largest radius first; <see cref="Disc.Index"/> is the position in this list.</summary>
    public IReadOnlyList<Disc> Discs { get; }

    /// <summary>Pairs whose surface gap is at most <see cref="ResolvedGeometrySettings.ContactDistance"/>, by first then second disc.</summary>
    public IReadOnlyList<DiscContact> Contacts { get; }

    /// <summary>Overlap-removal sweeps the packing needed (0: sequential addition placed every disc).</summary>
    public int RelaxationSweeps { get; }

    /// <summary>Σ πR² / (Le·H) [1].</summary>
    public double AreaFraction => Discs.Sum(d => d.Area) / Settings.ElectrodeArea;

    /// <summary>
    /// Σ 2πR / (Le·H) [1/m], the reactive perimeter per electrode area: what a homogenised (P2D) comparison must
    /// match. For equal discs it is 2φ/R, the cylinder value (a sphere packing has 3ε_s/R).
    /// </summary>
    public double SpecificInterfacialArea => Discs.Sum(d => d.Perimeter) / Settings.ElectrodeArea;

    /// <summary>Surface-to-surface distance of two discs [m], nearest image in y (negative: they overlap).</summary>
    public double SurfaceGap(int first, int second) => SurfaceGap(Discs[first], Discs[second], Settings.Height);

    /// <summary>Surface-to-surface distance of two discs [m] in a domain periodic with <paramref name="height"/> [m] in y.</summary>
    public static double SurfaceGap(Disc a, Disc b, double height)
    {
        double dy = NearestImage(b.Y - a.Y, height);
        return Math.Sqrt((b.X - a.X) * (b.X - a.X) + dy * dy) - a.Radius - b.Radius;
    }

    /// <summary>y [m] brought into [0, H).</summary>
    public static double Wrap(double y, double height)
    {
        double wrapped = y - height * Math.Floor(y / height);
        return wrapped < height ? wrapped : 0.0;
    }

    /// <summary>The signed y separation [m] of the nearest periodic image, in [−H/2, H/2].</summary>
    public static double NearestImage(double dy, double height) => dy - height * Math.Round(dy / height);

    /// <summary>Packs discs as <paramref name="settings"/> ask; throws <see cref="ArgumentException"/> on invalid settings, <see cref="DiscPackingException"/> when the fraction cannot be reached.</summary>
    public static DiscPacking Pack(ResolvedGeometrySettings settings)
    {
        var problems = settings.Problems();
        if (problems.Count > 0) throw new ArgumentException("resolved geometry: " + string.Join("; ", problems));

        var random = new SplitMix64(settings.Seed);
        double[] radii = DrawRadii(settings, random);
        int n = radii.Length;
        var x = new double[n];
        var y = new double[n];
        double height = settings.Height, gap = settings.MinimumGap;
        var bins = new NeighbourBins(settings, radii[0]);

        bool overlapped = false;
        double sequentialArea = 0;
        for (int i = 0; i < n; i++)
        {
            bool placed = false;
            for (int attempt = 0; attempt < settings.SequentialAdditionAttempts && !placed; attempt++)
            {
                x[i] = random.Uniform(settings.LowestCentreX(radii[i]), settings.HighestCentreX(radii[i]));
                y[i] = random.Uniform(0, height);
                placed = !bins.Overlaps(i, x, y, radii, gap);
            }
            overlapped |= !placed;
            if (placed) sequentialArea += Math.PI * radii[i] * radii[i];
            bins.Insert(i, x[i], y[i]);
        }

        bool relaxed = true;
        int sweeps = overlapped ? Relax(settings, radii, x, y, random, out relaxed) : 0;
        if (!relaxed)
        {
            // The discs sequential addition placed are an overlap-free set; so is what survives the relaxation
            // once the worst overlapping discs are dropped. The denser of the two is what was reached.
            double reached = Math.Max(sequentialArea / settings.ElectrodeArea, OverlapFreeFraction(settings, radii, x, y));
            throw new DiscPackingException(
                $"disc packing reached particle area fraction {reached:F3} of the requested {settings.ParticleAreaFraction:F3} " +
                $"({n} discs, mean radius {radii.Average():G3} m, minimum gap {gap:G3} m, separator gap {settings.SeparatorGap:G3} m, collector gap {settings.CollectorGap:G3} m, " +
                $"{settings.MaximumRelaxationSweeps} relaxation sweeps): lower {nameof(ResolvedGeometrySettings.ParticleAreaFraction)}, " +
                $"reduce {nameof(ResolvedGeometrySettings.MinimumGap)}, {nameof(ResolvedGeometrySettings.SeparatorGap)} or {nameof(ResolvedGeometrySettings.CollectorGap)}, " +
                "or widen the radius distribution (unequal discs pack denser)",
                reached, settings.ParticleAreaFraction);
        }

        var discs = new Disc[n];
        for (int i = 0; i < n; i++) discs[i] = new Disc(i, x[i], Wrap(y[i], height), radii[i]);
        return new DiscPacking(settings, discs, FindContacts(settings, discs), sweeps);
    }

    /// <summary>
    /// A packing of given discs (a stored disc list, a single disc for a verification case): radii, positions
    /// and indices as given (index = position), y taken modulo H; throws <see cref="ArgumentException"/> naming the
    /// first disc outside the electrode less its boundary gap, or the first pair closer than the minimum gap.
    /// The settings' radius distribution, fraction and seed are not used.
    /// </summary>
    public static DiscPacking FromDiscs(ResolvedGeometrySettings settings, IReadOnlyList<Disc> discs)
    {
        double height = settings.Height;
        var placed = new Disc[discs.Count];
        for (int i = 0; i < discs.Count; i++)
        {
            var d = discs[i];
            if (!(d.Radius > 0) || !double.IsFinite(d.X) || !double.IsFinite(d.Y))
                throw new ArgumentException($"disc {i}: radius {d.Radius} m or centre ({d.X}, {d.Y}) m is not valid");
            if (d.X < settings.LowestCentreX(d.Radius) || d.X > settings.HighestCentreX(d.Radius))
                throw new ArgumentException($"disc {i} (x = {d.X} m, R = {d.Radius} m): its centre is not in [{settings.LowestCentreX(d.Radius)}, {settings.HighestCentreX(d.Radius)}] m, the electrode less the separator and collector gaps");
            if (2 * (2 * d.Radius + settings.MinimumGap) > height)
                throw new ArgumentException($"disc {i} (R = {d.Radius} m) is too large for the periodic height {height} m");
            placed[i] = d with { Index = i, Y = Wrap(d.Y, height) };
        }
        for (int i = 0; i < placed.Length; i++)
            for (int j = i + 1; j < placed.Length; j++)
                if (SurfaceGap(placed[i], placed[j], height) < settings.MinimumGap)
                    throw new ArgumentException($"discs {i} and {j} are {SurfaceGap(placed[i], placed[j], height)} m apart, less than the minimum gap {settings.MinimumGap} m");
        return new DiscPacking(settings, placed, FindContacts(settings, placed), 0);
    }

    private static double[] DrawRadii(ResolvedGeometrySettings settings, SplitMix64 random)
    {
        double target = settings.ParticleAreaFraction * settings.ElectrodeArea, area = 0;
        var radii = new List<double>();
        // Add a disc while that brings the area closer to the target than stopping would.
        while (true)
        {
            double r = settings.Radii.Draw(random);
            if (area + 0.5 * Math.PI * r * r > target) break;
            radii.Add(r);
            area += Math.PI * r * r;
            if (radii.Count > 10_000_000) throw new ArgumentException("resolved geometry: more than 1e7 discs; use larger radii or a smaller domain");
        }
        if (radii.Count == 0)
            throw new ArgumentException($"resolved geometry: {nameof(ResolvedGeometrySettings.ParticleAreaFraction)} {settings.ParticleAreaFraction} of {settings.ElectrodeArea:G3} m² is less than half a disc's area");
        if (settings.ScaleRadiiToFraction)
        {
            double scale = Math.Sqrt(target / area), largest = scale * radii.Max();
            for (int i = 0; i < radii.Count; i++) radii[i] *= scale;
            if (2 * (2 * largest + settings.MinimumGap) > settings.Height || 2 * largest + settings.SeparatorGap + settings.CollectorGap > settings.ElectrodeThickness)
                throw new ArgumentException($"resolved geometry: scaled to the fraction, the largest radius {largest} m no longer fits the height or the electrode thickness");
        }
        // Stable sort, largest first: the draw order breaks ties, so the order depends on the seed alone.
        return [.. radii.Select((r, i) => (r, i)).OrderByDescending(p => p.r).ThenBy(p => p.i).Select(p => p.r)];
    }

    private static int Relax(ResolvedGeometrySettings settings, double[] radii, double[] x, double[] y, SplitMix64 random, out bool relaxed)
    {
        int n = radii.Length;
        double height = settings.Height, gap = settings.MinimumGap;
        double meanRadius = radii.Average();
        // Each push overshoots a little so the sweeps end with every gap strictly at least the minimum.
        double overshoot = 1e-3 * meanRadius;
        var bins = new NeighbourBins(settings, radii[0]);
        double best = double.PositiveInfinity;
        int sinceProgress = 0;
        for (int sweep = 1; sweep <= settings.MaximumRelaxationSweeps; sweep++)
        {
            bins.Clear();
            for (int i = 0; i < n; i++) bins.Insert(i, x[i], y[i]);
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                foreach (int j in bins.Near(x[i], y[i]))
                {
                    if (j <= i) continue;
                    double dx = x[j] - x[i], dy = NearestImage(y[j] - y[i], height);
                    double distance = Math.Sqrt(dx * dx + dy * dy), required = radii[i] + radii[j] + gap;
                    if (distance >= required) continue;
                    double overlap = required - distance;
                    total += overlap;
                    double ux, uy;
                    if (distance > 1e-12 * meanRadius) { ux = dx / distance; uy = dy / distance; }
                    else { double a = random.Uniform(0, 2 * Math.PI); ux = Math.Cos(a); uy = Math.Sin(a); }
                    // Move each disc against its area, so a small disc gives way to a large one.
                    double wi = radii[j] * radii[j] / (radii[i] * radii[i] + radii[j] * radii[j]), wj = 1 - wi;
                    double push = overlap + overshoot;
                    x[i] = Math.Clamp(x[i] - wi * push * ux, settings.LowestCentreX(radii[i]), settings.HighestCentreX(radii[i]));
                    y[i] -= wi * push * uy;
                    x[j] = Math.Clamp(x[j] + wj * push * ux, settings.LowestCentreX(radii[j]), settings.HighestCentreX(radii[j]));
                    y[j] += wj * push * uy;
                }
            }
            for (int i = 0; i < n; i++) y[i] = Wrap(y[i], height);
            if (total == 0) { relaxed = true; return sweep; }
            if (total < 0.999 * best) { best = total; sinceProgress = 0; }
            else if (++sinceProgress >= 200)
            {
                double amplitude = 0.05 * meanRadius;
                for (int i = 0; i < n; i++)
                {
                    x[i] = Math.Clamp(x[i] + random.Uniform(-amplitude, amplitude), settings.LowestCentreX(radii[i]), settings.HighestCentreX(radii[i]));
                    y[i] += random.Uniform(-amplitude, amplitude);
                }
                best = double.PositiveInfinity;
                sinceProgress = 0;
            }
        }
        relaxed = false;
        return settings.MaximumRelaxationSweeps;
    }

    /// <summary>Drops discs, the one with the most overlap first, until none is closer than the minimum gap; the rest's area fraction.</summary>
    private static double OverlapFreeFraction(ResolvedGeometrySettings settings, double[] radii, double[] x, double[] y)
    {
        int n = radii.Length;
        var kept = Enumerable.Repeat(true, n).ToArray();
        var overlap = new double[n];
        while (true)
        {
            Array.Clear(overlap);
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    if (!kept[i] || !kept[j]) continue;
                    double gapShort = settings.MinimumGap - SurfaceGap(new Disc(i, x[i], y[i], radii[i]), new Disc(j, x[j], y[j], radii[j]), settings.Height);
                    if (gapShort > 0) { overlap[i] += gapShort; overlap[j] += gapShort; }
                }
            int worst = Array.IndexOf(overlap, overlap.Max());
            if (overlap[worst] <= 0) break;
            kept[worst] = false;
        }
        double area = 0;
        for (int i = 0; i < n; i++) if (kept[i]) area += Math.PI * radii[i] * radii[i];
        return area / settings.ElectrodeArea;
    }

    private static DiscContact[] FindContacts(ResolvedGeometrySettings settings, Disc[] discs)
    {
        if (settings.ContactDistance is not { } contactDistance) return [];
        var contacts = new List<DiscContact>();
        for (int i = 0; i < discs.Length; i++)
            for (int j = i + 1; j < discs.Length; j++)
            {
                double gap = SurfaceGap(discs[i], discs[j], settings.Height);
                if (gap <= contactDistance) contacts.Add(new DiscContact(i, j, gap));
            }
        return [.. contacts];
    }

    /// <summary>The disc list as CSV: <c>index,x_m,y_m,radius_m</c>, one disc a line, round-trip precision.</summary>
    public void WriteDiscsCsv(TextWriter writer)
    {
        writer.WriteLine("index,x_m,y_m,radius_m");
        foreach (var d in Discs)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{d.Index},{d.X:R},{d.Y:R},{d.Radius:R}"));
    }

    /// <summary>The contacts as CSV: <c>first,second,gap_m</c>.</summary>
    public void WriteContactsCsv(TextWriter writer)
    {
        writer.WriteLine("first,second,gap_m");
        foreach (var c in Contacts)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.First},{c.Second},{c.Gap:R}"));
    }

    /// <summary>
    /// Uniform bins over the electrode, periodic in y, each at least 2·R_max + gap wide so every disc that can
    /// overlap disc i sits in i's bin or one of its eight neighbours.
    /// </summary>
    private sealed class NeighbourBins
    {
        private readonly double _x0, _binWidth, _binHeight, _height;
        private readonly int _nx, _ny;
        private readonly List<int>[] _members;

        public NeighbourBins(ResolvedGeometrySettings settings, double largestRadius)
        {
            double reach = 2 * largestRadius + settings.MinimumGap;
            _x0 = settings.ElectrodeStart;
            _nx = Math.Max(1, (int)Math.Floor(settings.ElectrodeThickness / reach));
            _ny = Math.Max(1, (int)Math.Floor(settings.Height / reach));
            _binWidth = settings.ElectrodeThickness / _nx;
            _binHeight = settings.Height / _ny;
            _height = settings.Height;
            _members = new List<int>[_nx * _ny];
            for (int b = 0; b < _members.Length; b++) _members[b] = [];
        }

        private (int, int) BinOf(double x, double y)
        {
            int bx = Math.Clamp((int)Math.Floor((x - _x0) / _binWidth), 0, _nx - 1);
            int by = (int)Math.Floor(y / _binHeight) % _ny;
            if (by < 0) by += _ny;
            return (bx, by);
        }

        public void Clear()
        {
            foreach (var m in _members) m.Clear();
        }

        public void Insert(int disc, double x, double y)
        {
            var (bx, by) = BinOf(x, y);
            _members[by * _nx + bx].Add(disc);
        }

        /// <summary>Discs in the 3 × 3 bins around (x, y), each once.</summary>
        public IEnumerable<int> Near(double x, double y)
        {
            var (bx, by) = BinOf(x, y);
            int rows = Math.Min(3, _ny), cols = 3;
            for (int dyb = 0; dyb < rows; dyb++)
            {
                int row = ((by + dyb - 1) % _ny + _ny) % _ny;
                for (int dxb = -1; dxb < cols - 1; dxb++)
                {
                    int col = bx + dxb;
                    if (col < 0 || col >= _nx) continue;
                    foreach (int d in _members[row * _nx + col]) yield return d;
                }
            }
        }

        public bool Overlaps(int disc, double[] x, double[] y, double[] radii, double gap)
        {
            foreach (int j in Near(x[disc], y[disc]))
            {
                if (j == disc) continue;
                double dx = x[j] - x[disc], dy = NearestImage(y[j] - y[disc], _height);
                double required = radii[disc] + radii[j] + gap;
                if (dx * dx + dy * dy < required * required) return true;
            }
            return false;
        }
    }
}
