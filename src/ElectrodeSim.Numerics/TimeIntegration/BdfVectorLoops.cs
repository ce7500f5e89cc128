using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ElectrodeSim.Numerics.TimeIntegration;

/// <summary>
/// The element-wise loops of <see cref="BdfIntegrator"/> (prediction, history term, divided differences, Newton residual
/// and update, error weights) two doubles at a time (<see cref="Vector128{T}"/>: SSE2 on every x64, NEON on arm64), the
/// remainder one at a time. Each element gets the same operations in the same order as the scalar loop (no fused
/// multiply–add), so the vectors are bit for bit the scalar ones; only the sums of squares of the weighted norms are
/// accumulated in two lanes (pairs of elements added in another order: the norms change in the last bits).
/// All spans of one call have the caller's length n (checked once per call).
/// </summary>
internal static class BdfVectorLoops
{
    private static void Check(int n, int length)
    {
        if (length < n) throw new ArgumentException($"span of length {length} is shorter than {n}");
    }

    /// <summary>p = 0 + l s, b = 0 + a s.</summary>
    public static void FirstTerms(ReadOnlySpan<double> s, double l, double a, Span<double> p, Span<double> b)
    {
        int n = s.Length;
        Check(n, p.Length); Check(n, b.Length);
        ref double rs = ref MemoryMarshal.GetReference(s);
        ref double rp = ref MemoryMarshal.GetReference(p);
        ref double rb = ref MemoryMarshal.GetReference(b);
        var vl = Vector128.Create(l);
        var va = Vector128.Create(a);
        var zero = Vector128<double>.Zero;
        int i = 0;
        for (; i + 2 <= n; i += 2)
        {
            var x = Vector128.LoadUnsafe(ref rs, (nuint)i);
            (zero + vl * x).StoreUnsafe(ref rp, (nuint)i);
            (zero + va * x).StoreUnsafe(ref rb, (nuint)i);
        }
        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref rs, i);
            Unsafe.Add(ref rp, i) = 0.0 + l * x;
            Unsafe.Add(ref rb, i) = 0.0 + a * x;
        }
    }

    /// <summary>p += l s, b += a s.</summary>
    public static void AddTerms(ReadOnlySpan<double> s, double l, double a, Span<double> p, Span<double> b)
    {
        int n = s.Length;
        Check(n, p.Length); Check(n, b.Length);
        ref double rs = ref MemoryMarshal.GetReference(s);
        ref double rp = ref MemoryMarshal.GetReference(p);
        ref double rb = ref MemoryMarshal.GetReference(b);
        var vl = Vector128.Create(l);
        var va = Vector128.Create(a);
        int i = 0;
        for (; i + 2 <= n; i += 2)
        {
            var x = Vector128.LoadUnsafe(ref rs, (nuint)i);
            (Vector128.LoadUnsafe(ref rp, (nuint)i) + vl * x).StoreUnsafe(ref rp, (nuint)i);
            (Vector128.LoadUnsafe(ref rb, (nuint)i) + va * x).StoreUnsafe(ref rb, (nuint)i);
        }
        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref rs, i);
            Unsafe.Add(ref rp, i) += l * x;
            Unsafe.Add(ref rb, i) += a * x;
        }
    }

    /// <summary>p += l s.</summary>
    public static void AddTerm(ReadOnlySpan<double> s, double l, Span<double> p)
    {
        int n = s.Length;
        Check(n, p.Length);
        ref double rs = ref MemoryMarshal.GetReference(s);
        ref double rp = ref MemoryMarshal.GetReference(p);
        var vl = Vector128.Create(l);
        int i = 0;
        for (; i + 2 <= n; i += 2)
            (Vector128.LoadUnsafe(ref rp, (nuint)i) + vl * Vector128.LoadUnsafe(ref rs, (nuint)i)).StoreUnsafe(ref rp, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rp, i) += l * Unsafe.Add(ref rs, i);
    }

    /// <summary>copy = p, w = 1 / (rtol (|p| + scale)).</summary>
    public static void CopyAndWeights(ReadOnlySpan<double> p, Span<double> copy, Span<double> w, ReadOnlySpan<double> scale, double rtol)
    {
        int n = p.Length;
        Check(n, copy.Length); Check(n, w.Length); Check(n, scale.Length);
        ref double rp = ref MemoryMarshal.GetReference(p);
        ref double rc = ref MemoryMarshal.GetReference(copy);
        ref double rw = ref MemoryMarshal.GetReference(w);
        ref double rsc = ref MemoryMarshal.GetReference(scale);
        var vr = Vector128.Create(rtol);
        var one = Vector128.Create(1.0);
        int i = 0;
        for (; i + 2 <= n; i += 2)
        {
            var x = Vector128.LoadUnsafe(ref rp, (nuint)i);
            x.StoreUnsafe(ref rc, (nuint)i);
            (one / (vr * (Vector128.Abs(x) + Vector128.LoadUnsafe(ref rsc, (nuint)i)))).StoreUnsafe(ref rw, (nuint)i);
        }
        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref rp, i);
            Unsafe.Add(ref rc, i) = x;
            Unsafe.Add(ref rw, i) = 1.0 / (rtol * (Math.Abs(x) + Unsafe.Add(ref rsc, i)));
        }
    }

    /// <summary>The first divided differences with a new point v: first = v, w = 1 / (rtol (|v| + scale)), next = (hi − v) inv.</summary>
    public static void FirstDifference(ReadOnlySpan<double> v, Span<double> first, Span<double> w, ReadOnlySpan<double> scale, double rtol,
        ReadOnlySpan<double> hi, double inv, Span<double> next)
    {
        int n = v.Length;
        Check(n, first.Length); Check(n, w.Length); Check(n, scale.Length); Check(n, hi.Length); Check(n, next.Length);
        ref double rv = ref MemoryMarshal.GetReference(v);
        ref double rf = ref MemoryMarshal.GetReference(first);
        ref double rw = ref MemoryMarshal.GetReference(w);
        ref double rsc = ref MemoryMarshal.GetReference(scale);
        ref double rh = ref MemoryMarshal.GetReference(hi);
        ref double rn = ref MemoryMarshal.GetReference(next);
        var vr = Vector128.Create(rtol);
        var vi = Vector128.Create(inv);
        var one = Vector128.Create(1.0);
        int i = 0;
        for (; i + 2 <= n; i += 2)
        {
            var x = Vector128.LoadUnsafe(ref rv, (nuint)i);
            x.StoreUnsafe(ref rf, (nuint)i);
            (one / (vr * (Vector128.Abs(x) + Vector128.LoadUnsafe(ref rsc, (nuint)i)))).StoreUnsafe(ref rw, (nuint)i);
            ((Vector128.LoadUnsafe(ref rh, (nuint)i) - x) * vi).StoreUnsafe(ref rn, (nuint)i);
        }
        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref rv, i);
            Unsafe.Add(ref rf, i) = x;
            Unsafe.Add(ref rw, i) = 1.0 / (rtol * (Math.Abs(x) + Unsafe.Add(ref rsc, i)));
            Unsafe.Add(ref rn, i) = (Unsafe.Add(ref rh, i) - x) * inv;
        }
    }

    /// <summary>next = (hi − lo) inv.</summary>
    public static void Difference(ReadOnlySpan<double> hi, ReadOnlySpan<double> lo, double inv, Span<double> next)
    {
        int n = hi.Length;
        Check(n, lo.Length); Check(n, next.Length);
        ref double rh = ref MemoryMarshal.GetReference(hi);
        ref double rl = ref MemoryMarshal.GetReference(lo);
        ref double rn = ref MemoryMarshal.GetReference(next);
        var vi = Vector128.Create(inv);
        int i = 0;
        for (; i + 2 <= n; i += 2)
            ((Vector128.LoadUnsafe(ref rh, (nuint)i) - Vector128.LoadUnsafe(ref rl, (nuint)i)) * vi).StoreUnsafe(ref rn, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rn, i) = (Unsafe.Add(ref rh, i) - Unsafe.Add(ref rl, i)) * inv;
    }

    /// <summary>next = (hi − lo) inv and Σ (next w)².</summary>
    public static double DifferenceSquares(ReadOnlySpan<double> hi, ReadOnlySpan<double> lo, double inv, Span<double> next, ReadOnlySpan<double> w)
    {
        int n = hi.Length;
        Check(n, lo.Length); Check(n, next.Length); Check(n, w.Length);
        ref double rh = ref MemoryMarshal.GetReference(hi);
        ref double rl = ref MemoryMarshal.GetReference(lo);
        ref double rn = ref MemoryMarshal.GetReference(next);
        ref double rw = ref MemoryMarshal.GetReference(w);
        var vi = Vector128.Create(inv);
        var acc = Vector128<double>.Zero;
        int i = 0;
        for (; i + 2 <= n; i += 2)
        {
            var d = (Vector128.LoadUnsafe(ref rh, (nuint)i) - Vector128.LoadUnsafe(ref rl, (nuint)i)) * vi;
            d.StoreUnsafe(ref rn, (nuint)i);
            var x = d * Vector128.LoadUnsafe(ref rw, (nuint)i);
            acc += x * x;
        }
        double sum = acc.GetElement(0) + acc.GetElement(1);
        for (; i < n; i++)
        {
            double d = (Unsafe.Add(ref rh, i) - Unsafe.Add(ref rl, i)) * inv;
            Unsafe.Add(ref rn, i) = d;
            double x = d * Unsafe.Add(ref rw, i);
            sum += x * x;
        }
        return sum;
    }

    /// <summary>The Newton residual: delta = g where mass = 0, else g + mass (a0 y + history).</summary>
    public static void Residual(ReadOnlySpan<double> g, ReadOnlySpan<double> mass, ReadOnlySpan<double> y, ReadOnlySpan<double> history, double a0, Span<double> delta)
    {
        int n = g.Length;
        Check(n, mass.Length); Check(n, y.Length); Check(n, history.Length); Check(n, delta.Length);
        ref double rg = ref MemoryMarshal.GetReference(g);
        ref double rm = ref MemoryMarshal.GetReference(mass);
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rh = ref MemoryMarshal.GetReference(history);
        ref double rd = ref MemoryMarshal.GetReference(delta);
        var va = Vector128.Create(a0);
        var zero = Vector128<double>.Zero;
        int i = 0;
        for (; i + 2 <= n; i += 2)
        {
            var gv = Vector128.LoadUnsafe(ref rg, (nuint)i);
            var m = Vector128.LoadUnsafe(ref rm, (nuint)i);
            var full = gv + m * (va * Vector128.LoadUnsafe(ref ry, (nuint)i) + Vector128.LoadUnsafe(ref rh, (nuint)i));
            Vector128.ConditionalSelect(Vector128.Equals(m, zero), gv, full).StoreUnsafe(ref rd, (nuint)i);
        }
        for (; i < n; i++)
        {
            double m = Unsafe.Add(ref rm, i);
            double gi = Unsafe.Add(ref rg, i);
            Unsafe.Add(ref rd, i) = m == 0 ? gi : gi + m * (a0 * Unsafe.Add(ref ry, i) + Unsafe.Add(ref rh, i));
        }
    }

    /// <summary>
    /// The Newton update y −= delta; returns Σ (delta w)², and whether every |delta| ≤ 1e-13 (|y_new| + scale) (the update
    /// at round-off).
    /// </summary>
    public static double Update(Span<double> y, ReadOnlySpan<double> delta, ReadOnlySpan<double> w, ReadOnlySpan<double> scale, out bool atRoundOff)
    {
        int n = y.Length;
        Check(n, delta.Length); Check(n, w.Length); Check(n, scale.Length);
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rd = ref MemoryMarshal.GetReference(delta);
        ref double rw = ref MemoryMarshal.GetReference(w);
        ref double rsc = ref MemoryMarshal.GetReference(scale);
        var tiny = Vector128.Create(1e-13);
        var acc = Vector128<double>.Zero;
        var above = Vector128<double>.Zero; // all-ones lanes where an update exceeded round-off
        int i = 0;
        for (; i + 2 <= n; i += 2)
        {
            var d = Vector128.LoadUnsafe(ref rd, (nuint)i);
            var yi = Vector128.LoadUnsafe(ref ry, (nuint)i) - d;
            yi.StoreUnsafe(ref ry, (nuint)i);
            var x = d * Vector128.LoadUnsafe(ref rw, (nuint)i);
            acc += x * x;
            above |= Vector128.GreaterThan(Vector128.Abs(d), tiny * (Vector128.Abs(yi) + Vector128.LoadUnsafe(ref rsc, (nuint)i)));
        }
        double sum = acc.GetElement(0) + acc.GetElement(1);
        bool roundOff = above == Vector128<double>.Zero;
        for (; i < n; i++)
        {
            double d = Unsafe.Add(ref rd, i);
            double yi = Unsafe.Add(ref ry, i) - d;
            Unsafe.Add(ref ry, i) = yi;
            double x = d * Unsafe.Add(ref rw, i);
            sum += x * x;
            if (roundOff && Math.Abs(d) > 1e-13 * (Math.Abs(yi) + Unsafe.Add(ref rsc, i))) roundOff = false;
        }
        atRoundOff = roundOff;
        return sum;
    }
}
