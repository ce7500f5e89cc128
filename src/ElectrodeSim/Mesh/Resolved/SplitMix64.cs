namespace ElectrodeSim.Mesh.Resolved;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014; the seeding generator of Vigna's xoshiro family): a 64-bit
/// counter passed through a fixed bijective mix. Implemented here rather than taken from
/// <see cref="System.Random"/> so a packing depends on nothing but the seed and this file: the sequence is
/// the same on every .NET version, runtime and machine, and a stored seed reproduces a stored geometry.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [a, b).</summary>
    public double Uniform(double a, double b) => a + (b - a) * NextDouble();

    /// <summary>Standard normal deviate (Box–Muller; one of the pair is used, so each call costs two uniforms).</summary>
    public double NextStandardNormal()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: the logarithm stays finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
