namespace ElectrodeSim.Mesh.Resolved;

/// <summary>Where the radii of the discs of a packing come from. Radii in m.</summary>
public abstract record DiscRadiusDistribution
{
    /// <summary>The largest radius a draw can return [m] (sizes the periodic-height check and the neighbour bins).</summary>
    public abstract double MaximumRadius { get; }

    /// <summary>The mean radius [m] (estimates how many discs a fraction needs).</summary>
    public abstract double MeanRadius { get; }

    /// <summary>One radius [m].</summary>
    public abstract double Draw(SplitMix64 random);

    /// <summary>A reason the distribution cannot be used, or null.</summary>
    public abstract string? Problem();

    /// <summary>Every disc has radius <paramref name="Radius"/> [m].</summary>
    public sealed record Fixed(double Radius) : DiscRadiusDistribution
    {
        public override double MaximumRadius => Radius;
        public override double MeanRadius => Radius;
        public override double Draw(SplitMix64 random) => Radius;
        public override string? Problem() => Radius > 0 && double.IsFinite(Radius) ? null : $"disc radius {Radius} m is not > 0";
    }

    /// <summary>
    /// Log-normal radii: ln R ~ N(μ, <paramref name="LogStandardDeviation"/>²) with μ = ln(<paramref name="Mean"/>) − σ²/2,
    /// so E[R] = <paramref name="Mean"/> [m]; truncated to [<paramref name="Minimum"/>, <paramref name="Maximum"/>] [m]
    /// by redrawing, which shifts the mean slightly when the bounds cut into the distribution.
    /// </summary>
    public sealed record LogNormal(double Mean, double LogStandardDeviation, double Minimum, double Maximum) : DiscRadiusDistribution
    {
        public override double MaximumRadius => Maximum;
        public override double MeanRadius => Mean;

        public override double Draw(SplitMix64 random)
        {
            double mu = Math.Log(Mean) - 0.5 * LogStandardDeviation * LogStandardDeviation;
            for (int attempt = 0; attempt < 10_000; attempt++)
            {
                double r = Math.Exp(mu + LogStandardDeviation * random.NextStandardNormal());
                if (r >= Minimum && r <= Maximum) return r;
            }
            throw new InvalidOperationException($"log-normal radius (mean {Mean} m, σ_ln {LogStandardDeviation}) never fell in [{Minimum}, {Maximum}] m in 10000 draws: widen the bounds");
        }

        public override string? Problem() =>
            !(Mean > 0) || !double.IsFinite(Mean) ? $"mean disc radius {Mean} m is not > 0"
            : !(LogStandardDeviation >= 0) || !double.IsFinite(LogStandardDeviation) ? $"log standard deviation {LogStandardDeviation} is not >= 0"
            : !(Minimum > 0) || !(Maximum >= Minimum) || !double.IsFinite(Maximum) ? $"radius bounds [{Minimum}, {Maximum}] m are not 0 < min <= max"
            : null;
    }

    /// <summary>Radii drawn uniformly, with replacement, from <paramref name="Radii"/> [m] (e.g. a measured size list).</summary>
    public sealed record Listed(IReadOnlyList<double> Radii) : DiscRadiusDistribution
    {
        public override double MaximumRadius => Radii.Max();
        public override double MeanRadius => Radii.Average();
        public override double Draw(SplitMix64 random) => Radii[(int)(random.NextDouble() * Radii.Count)];

        public override string? Problem()
        {
            if (Radii.Count == 0) return "the radius list is empty";
            foreach (double r in Radii)
                if (!(r > 0) || !double.IsFinite(r)) return $"radius {r} m in the list is not > 0";
            return null;
        }
    }
}
