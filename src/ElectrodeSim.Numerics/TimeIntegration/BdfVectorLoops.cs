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
/// All spans of one call have the caller's length n (checked once per call). The prediction goes in one pass over all its
/// states with the copy and the weights (<see cref="Predict"/>), the divided differences two orders per pass
/// (<see cref="TwoDifferences"/>, <see cref="FirstTwoDifferences"/>): the running sums or the lower difference stay in
/// registers instead of a store and a load in the next pass, each element still getting the same operations in the same
/// order (callgrind, Marquis2019 1C, per run: the prediction's loops 17.1 → 12.4 M instructions two states per pass,
/// the divided differences 20.1 → 15.8 M).
/// </summary>
internal static class BdfVectorLoops
{
    /// <summary>Inlined (the throw in a method of its own): a call per span and kernel was ~0.4 % of a SiO@C-l run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int n, int length)
    {
        if (length < n) ShorterThan(n, length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ShorterThan(int n, int length) => throw new ArgumentException($"span of length {length} is shorter than {n}");

    /// <summary>A compile-time switch of a kernel (the generic kernels are compiled once per switch setting, the tests folded away).</summary>
    public interface ISwitch { static abstract bool IsOn { get; } }
    public readonly struct On : ISwitch { public static bool IsOn => true; }
    public readonly struct Off : ISwitch { public static bool IsOn => false; }

    /// <summary>
    /// Two orders of divided differences in one pass: next1 = (hi1 − lo) inv1, next2 = (hi2 − next1) inv2, with Σ (next1 w)²
    /// and Σ (next2 w)² when <typeparamref name="TSquares1"/> / <typeparamref name="TSquares2"/> are on (else 0). The same
    /// operations and sums in the same order as <see cref="Difference"/> / <see cref="DifferenceSquares"/> twice, next1
    /// not read back.
    /// </summary>
    public static void TwoDifferences<TSquares1, TSquares2>(ReadOnlySpan<double> hi1, ReadOnlySpan<double> lo, double inv1, Span<double> next1,
        ReadOnlySpan<double> hi2, double inv2, Span<double> next2, ReadOnlySpan<double> w, out double sum1, out double sum2)
        where TSquares1 : struct, ISwitch where TSquares2 : struct, ISwitch
    {
        int n = hi1.Length;
        Check(n, lo.Length); Check(n, next1.Length); Check(n, hi2.Length); Check(n, next2.Length); Check(n, w.Length);
        ref double rh1 = ref MemoryMarshal.GetReference(hi1);
        ref double rl = ref MemoryMarshal.GetReference(lo);
        ref double rn1 = ref MemoryMarshal.GetReference(next1);
        ref double rh2 = ref MemoryMarshal.GetReference(hi2);
        ref double rn2 = ref MemoryMarshal.GetReference(next2);
        ref double rw = ref MemoryMarshal.GetReference(w);
        var vi1 = Vector128.Create(inv1);
        var vi2 = Vector128.Create(inv2);
        var acc1 = Vector128<double>.Zero;
        var acc2 = Vector128<double>.Zero;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var wi1 = Vector256.Create(inv1);
            var wi2 = Vector256.Create(inv2);
            for (; i + 4 <= n; i += 4)
            {
                var d1 = (Vector256.LoadUnsafe(ref rh1, (nuint)i) - Vector256.LoadUnsafe(ref rl, (nuint)i)) * wi1;
                d1.StoreUnsafe(ref rn1, (nuint)i);
                var d2 = (Vector256.LoadUnsafe(ref rh2, (nuint)i) - d1) * wi2;
                d2.StoreUnsafe(ref rn2, (nuint)i);
                if (TSquares1.IsOn || TSquares2.IsOn)
                {
                    var wv = Vector256.LoadUnsafe(ref rw, (nuint)i);
                    if (TSquares1.IsOn) { var x = d1 * wv; x *= x; acc1 = acc1 + x.GetLower() + x.GetUpper(); }
                    if (TSquares2.IsOn) { var x = d2 * wv; x *= x; acc2 = acc2 + x.GetLower() + x.GetUpper(); }
                }
            }
        }
        for (; i + 2 <= n; i += 2)
        {
            var d1 = (Vector128.LoadUnsafe(ref rh1, (nuint)i) - Vector128.LoadUnsafe(ref rl, (nuint)i)) * vi1;
            d1.StoreUnsafe(ref rn1, (nuint)i);
            var d2 = (Vector128.LoadUnsafe(ref rh2, (nuint)i) - d1) * vi2;
            d2.StoreUnsafe(ref rn2, (nuint)i);
            if (TSquares1.IsOn || TSquares2.IsOn)
            {
                var wv = Vector128.LoadUnsafe(ref rw, (nuint)i);
                if (TSquares1.IsOn) { var x = d1 * wv; acc1 += x * x; }
                if (TSquares2.IsOn) { var x = d2 * wv; acc2 += x * x; }
            }
        }
        double s1 = acc1.GetElement(0) + acc1.GetElement(1);
        double s2 = acc2.GetElement(0) + acc2.GetElement(1);
        for (; i < n; i++)
        {
            double d1 = (Unsafe.Add(ref rh1, i) - Unsafe.Add(ref rl, i)) * inv1;
            Unsafe.Add(ref rn1, i) = d1;
            double d2 = (Unsafe.Add(ref rh2, i) - d1) * inv2;
            Unsafe.Add(ref rn2, i) = d2;
            if (TSquares1.IsOn) { double x = d1 * Unsafe.Add(ref rw, i); s1 += x * x; }
            if (TSquares2.IsOn) { double x = d2 * Unsafe.Add(ref rw, i); s2 += x * x; }
        }
        (sum1, sum2) = (TSquares1.IsOn ? s1 : 0.0, TSquares2.IsOn ? s2 : 0.0);
    }

    /// <summary>A compile-time number of states (a kernel compiled once per count, its loop over the states unrolled).</summary>
    public interface ICount { static abstract int Value { get; } }
    public readonly struct States1 : ICount { public static int Value => 1; }
    public readonly struct States2 : ICount { public static int Value => 2; }
    public readonly struct States3 : ICount { public static int Value => 3; }
    public readonly struct States4 : ICount { public static int Value => 4; }
    public readonly struct States5 : ICount { public static int Value => 5; }
    public readonly struct States6 : ICount { public static int Value => 6; }

    /// <summary>
    /// The prediction, the history term and the error weights in one pass over the first <c>states.Length</c> (1 … 6)
    /// states: p = ((0 + l0 s0) + l1 s1) + …, b = ((0 + a0 s0) + a1 s1) + … over the states below the order (all of them
    /// when <paramref name="lastInHistory"/>, else all but the last), copy = p, w = 1 / (rtol (|p| + scale)). Each element
    /// gets the same operations in the same order as one loop per state and quantity, p and b never stored and read back.
    /// </summary>
    public static void Predict(ReadOnlySpan<double[]> states, bool lastInHistory, ReadOnlySpan<double> l, ReadOnlySpan<double> a,
        Span<double> p, Span<double> b, Span<double> copy, Span<double> w, ReadOnlySpan<double> scale, double rtol)
    {
        switch (states.Length, lastInHistory)
        {
            case (1, true): Predict<States1, On>(states, l, a, p, b, copy, w, scale, rtol); break;
            case (2, true): Predict<States2, On>(states, l, a, p, b, copy, w, scale, rtol); break;
            case (2, false): Predict<States2, Off>(states, l, a, p, b, copy, w, scale, rtol); break;
            case (3, true): Predict<States3, On>(states, l, a, p, b, copy, w, scale, rtol); break;
            case (3, false): Predict<States3, Off>(states, l, a, p, b, copy, w, scale, rtol); break;
            case (4, true): Predict<States4, On>(states, l, a, p, b, copy, w, scale, rtol); break;
            case (4, false): Predict<States4, Off>(states, l, a, p, b, copy, w, scale, rtol); break;
            case (5, true): Predict<States5, On>(states, l, a, p, b, copy, w, scale, rtol); break;
            case (5, false): Predict<States5, Off>(states, l, a, p, b, copy, w, scale, rtol); break;
            case (6, false): Predict<States6, Off>(states, l, a, p, b, copy, w, scale, rtol); break;
            default: throw new ArgumentException($"{states.Length} states{(lastInHistory ? " all" : "")} in the history term is not a BDF prediction of order 1 … 5");
        }
    }

    /// <summary>Whether state j enters the history term (folded to a constant once j is).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InHistory<TStates, TLastInHistory>(int j) where TStates : struct, ICount where TLastInHistory : struct, ISwitch
        => j < TStates.Value - 1 || TLastInHistory.IsOn;

    /// <summary>The state's data at length ≥ n (unused states: a reference never read).</summary>
    private static ref double StateData(ReadOnlySpan<double[]> states, int j, int n)
    {
        if (j >= states.Length) return ref Unsafe.NullRef<double>();
        var s = states[j];
        Check(n, s.Length);
        return ref MemoryMarshal.GetArrayDataReference(s);
    }

    private static void Predict<TStates, TLastInHistory>(ReadOnlySpan<double[]> states, ReadOnlySpan<double> l, ReadOnlySpan<double> a,
        Span<double> p, Span<double> b, Span<double> copy, Span<double> w, ReadOnlySpan<double> scale, double rtol)
        where TStates : struct, ICount where TLastInHistory : struct, ISwitch
    {
        int n = p.Length, m = TStates.Value;
        Check(n, b.Length); Check(n, copy.Length); Check(n, w.Length); Check(n, scale.Length);
        Check(m, l.Length); Check(InHistory<TStates, TLastInHistory>(m - 1) ? m : m - 1, a.Length);
        ref double r0 = ref StateData(states, 0, n);
        ref double r1 = ref StateData(states, 1, n);
        ref double r2 = ref StateData(states, 2, n);
        ref double r3 = ref StateData(states, 3, n);
        ref double r4 = ref StateData(states, 4, n);
        ref double r5 = ref StateData(states, 5, n);
        ref double rp = ref MemoryMarshal.GetReference(p);
        ref double rb = ref MemoryMarshal.GetReference(b);
        ref double rc = ref MemoryMarshal.GetReference(copy);
        ref double rw = ref MemoryMarshal.GetReference(w);
        ref double rsc = ref MemoryMarshal.GetReference(scale);
        // Coefficients of unused states are never read (their branches are folded away).
        double l0 = l[0], l1 = m > 1 ? l[1] : 0, l2 = m > 2 ? l[2] : 0, l3 = m > 3 ? l[3] : 0, l4 = m > 4 ? l[4] : 0, l5 = m > 5 ? l[5] : 0;
        double a0 = a[0];
        double a1 = m > 1 && InHistory<TStates, TLastInHistory>(1) ? a[1] : 0;
        double a2 = m > 2 && InHistory<TStates, TLastInHistory>(2) ? a[2] : 0;
        double a3 = m > 3 && InHistory<TStates, TLastInHistory>(3) ? a[3] : 0;
        double a4 = m > 4 && InHistory<TStates, TLastInHistory>(4) ? a[4] : 0;
        var vl0 = Vector128.Create(l0); var vl1 = Vector128.Create(l1); var vl2 = Vector128.Create(l2);
        var vl3 = Vector128.Create(l3); var vl4 = Vector128.Create(l4); var vl5 = Vector128.Create(l5);
        var va0 = Vector128.Create(a0); var va1 = Vector128.Create(a1); var va2 = Vector128.Create(a2);
        var va3 = Vector128.Create(a3); var va4 = Vector128.Create(a4);
        var vr = Vector128.Create(rtol);
        var one = Vector128.Create(1.0);
        var zero = Vector128<double>.Zero;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var wl0 = Vector256.Create(l0); var wl1 = Vector256.Create(l1); var wl2 = Vector256.Create(l2);
            var wl3 = Vector256.Create(l3); var wl4 = Vector256.Create(l4); var wl5 = Vector256.Create(l5);
            var wa0 = Vector256.Create(a0); var wa1 = Vector256.Create(a1); var wa2 = Vector256.Create(a2);
            var wa3 = Vector256.Create(a3); var wa4 = Vector256.Create(a4);
            var wr = Vector256.Create(rtol);
            var one4 = Vector256.Create(1.0);
            var zero4 = Vector256<double>.Zero;
            for (; i + 4 <= n; i += 4)
            {
                var x = Vector256.LoadUnsafe(ref r0, (nuint)i);
                var pv = zero4 + wl0 * x;
                var bv = zero4 + wa0 * x;
                if (m > 1) { x = Vector256.LoadUnsafe(ref r1, (nuint)i); pv += wl1 * x; if (InHistory<TStates, TLastInHistory>(1)) bv += wa1 * x; }
                if (m > 2) { x = Vector256.LoadUnsafe(ref r2, (nuint)i); pv += wl2 * x; if (InHistory<TStates, TLastInHistory>(2)) bv += wa2 * x; }
                if (m > 3) { x = Vector256.LoadUnsafe(ref r3, (nuint)i); pv += wl3 * x; if (InHistory<TStates, TLastInHistory>(3)) bv += wa3 * x; }
                if (m > 4) { x = Vector256.LoadUnsafe(ref r4, (nuint)i); pv += wl4 * x; if (InHistory<TStates, TLastInHistory>(4)) bv += wa4 * x; }
                if (m > 5) { x = Vector256.LoadUnsafe(ref r5, (nuint)i); pv += wl5 * x; }
                pv.StoreUnsafe(ref rp, (nuint)i);
                pv.StoreUnsafe(ref rc, (nuint)i);
                bv.StoreUnsafe(ref rb, (nuint)i);
                (one4 / (wr * (Vector256.Abs(pv) + Vector256.LoadUnsafe(ref rsc, (nuint)i)))).StoreUnsafe(ref rw, (nuint)i);
            }
        }
        for (; i + 2 <= n; i += 2)
        {
            var x = Vector128.LoadUnsafe(ref r0, (nuint)i);
            var pv = zero + vl0 * x;
            var bv = zero + va0 * x;
            if (m > 1) { x = Vector128.LoadUnsafe(ref r1, (nuint)i); pv += vl1 * x; if (InHistory<TStates, TLastInHistory>(1)) bv += va1 * x; }
            if (m > 2) { x = Vector128.LoadUnsafe(ref r2, (nuint)i); pv += vl2 * x; if (InHistory<TStates, TLastInHistory>(2)) bv += va2 * x; }
            if (m > 3) { x = Vector128.LoadUnsafe(ref r3, (nuint)i); pv += vl3 * x; if (InHistory<TStates, TLastInHistory>(3)) bv += va3 * x; }
            if (m > 4) { x = Vector128.LoadUnsafe(ref r4, (nuint)i); pv += vl4 * x; if (InHistory<TStates, TLastInHistory>(4)) bv += va4 * x; }
            if (m > 5) { x = Vector128.LoadUnsafe(ref r5, (nuint)i); pv += vl5 * x; }
            pv.StoreUnsafe(ref rp, (nuint)i);
            pv.StoreUnsafe(ref rc, (nuint)i);
            bv.StoreUnsafe(ref rb, (nuint)i);
            (one / (vr * (Vector128.Abs(pv) + Vector128.LoadUnsafe(ref rsc, (nuint)i)))).StoreUnsafe(ref rw, (nuint)i);
        }
        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref r0, i);
            double pv = 0.0 + l0 * x;
            double bv = 0.0 + a0 * x;
            if (m > 1) { x = Unsafe.Add(ref r1, i); pv += l1 * x; if (InHistory<TStates, TLastInHistory>(1)) bv += a1 * x; }
            if (m > 2) { x = Unsafe.Add(ref r2, i); pv += l2 * x; if (InHistory<TStates, TLastInHistory>(2)) bv += a2 * x; }
            if (m > 3) { x = Unsafe.Add(ref r3, i); pv += l3 * x; if (InHistory<TStates, TLastInHistory>(3)) bv += a3 * x; }
            if (m > 4) { x = Unsafe.Add(ref r4, i); pv += l4 * x; if (InHistory<TStates, TLastInHistory>(4)) bv += a4 * x; }
            if (m > 5) { x = Unsafe.Add(ref r5, i); pv += l5 * x; }
            Unsafe.Add(ref rp, i) = pv;
            Unsafe.Add(ref rc, i) = pv;
            Unsafe.Add(ref rb, i) = bv;
            Unsafe.Add(ref rw, i) = 1.0 / (rtol * (Math.Abs(pv) + Unsafe.Add(ref rsc, i)));
        }
    }

    /// <summary>
    /// The first two divided differences with a new point v: first = v, w = 1 / (rtol (|v| + scale)), next1 = (hi1 − v) inv1,
    /// next2 = (hi2 − next1) inv2, and Σ (next2 w)² when <typeparamref name="TSquares2"/> is on (else 0); as
    /// <see cref="TwoDifferences"/>, the same operations as one loop per quantity.
    /// </summary>
    public static void FirstTwoDifferences<TSquares2>(ReadOnlySpan<double> v, Span<double> first, Span<double> w, ReadOnlySpan<double> scale, double rtol,
        ReadOnlySpan<double> hi1, double inv1, Span<double> next1, ReadOnlySpan<double> hi2, double inv2, Span<double> next2, out double sum2)
        where TSquares2 : struct, ISwitch
    {
        int n = v.Length;
        Check(n, first.Length); Check(n, w.Length); Check(n, scale.Length); Check(n, hi1.Length); Check(n, next1.Length);
        Check(n, hi2.Length); Check(n, next2.Length);
        ref double rv = ref MemoryMarshal.GetReference(v);
        ref double rf = ref MemoryMarshal.GetReference(first);
        ref double rw = ref MemoryMarshal.GetReference(w);
        ref double rsc = ref MemoryMarshal.GetReference(scale);
        ref double rh1 = ref MemoryMarshal.GetReference(hi1);
        ref double rn1 = ref MemoryMarshal.GetReference(next1);
        ref double rh2 = ref MemoryMarshal.GetReference(hi2);
        ref double rn2 = ref MemoryMarshal.GetReference(next2);
        var vr = Vector128.Create(rtol);
        var vi1 = Vector128.Create(inv1);
        var vi2 = Vector128.Create(inv2);
        var one = Vector128.Create(1.0);
        var acc = Vector128<double>.Zero;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var wr = Vector256.Create(rtol);
            var wi1 = Vector256.Create(inv1);
            var wi2 = Vector256.Create(inv2);
            var one4 = Vector256.Create(1.0);
            for (; i + 4 <= n; i += 4)
            {
                var x = Vector256.LoadUnsafe(ref rv, (nuint)i);
                x.StoreUnsafe(ref rf, (nuint)i);
                var wv = one4 / (wr * (Vector256.Abs(x) + Vector256.LoadUnsafe(ref rsc, (nuint)i)));
                wv.StoreUnsafe(ref rw, (nuint)i);
                var d1 = (Vector256.LoadUnsafe(ref rh1, (nuint)i) - x) * wi1;
                d1.StoreUnsafe(ref rn1, (nuint)i);
                var d2 = (Vector256.LoadUnsafe(ref rh2, (nuint)i) - d1) * wi2;
                d2.StoreUnsafe(ref rn2, (nuint)i);
                if (TSquares2.IsOn) { var q = d2 * wv; q *= q; acc = acc + q.GetLower() + q.GetUpper(); }
            }
        }
        for (; i + 2 <= n; i += 2)
        {
            var x = Vector128.LoadUnsafe(ref rv, (nuint)i);
            x.StoreUnsafe(ref rf, (nuint)i);
            var wv = one / (vr * (Vector128.Abs(x) + Vector128.LoadUnsafe(ref rsc, (nuint)i)));
            wv.StoreUnsafe(ref rw, (nuint)i);
            var d1 = (Vector128.LoadUnsafe(ref rh1, (nuint)i) - x) * vi1;
            d1.StoreUnsafe(ref rn1, (nuint)i);
            var d2 = (Vector128.LoadUnsafe(ref rh2, (nuint)i) - d1) * vi2;
            d2.StoreUnsafe(ref rn2, (nuint)i);
            if (TSquares2.IsOn) { var s = d2 * wv; acc += s * s; }
        }
        double sum = acc.GetElement(0) + acc.GetElement(1);
        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref rv, i);
            Unsafe.Add(ref rf, i) = x;
            double wi = 1.0 / (rtol * (Math.Abs(x) + Unsafe.Add(ref rsc, i)));
            Unsafe.Add(ref rw, i) = wi;
            double d1 = (Unsafe.Add(ref rh1, i) - x) * inv1;
            Unsafe.Add(ref rn1, i) = d1;
            double d2 = (Unsafe.Add(ref rh2, i) - d1) * inv2;
            Unsafe.Add(ref rn2, i) = d2;
            if (TSquares2.IsOn) { double s = d2 * wi; sum += s * s; }
        }
        sum2 = TSquares2.IsOn ? sum : 0.0;
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
        if (Vector256.IsHardwareAccelerated)
        {
            var wi = Vector256.Create(inv);
            for (; i + 4 <= n; i += 4)
                ((Vector256.LoadUnsafe(ref rh, (nuint)i) - Vector256.LoadUnsafe(ref rl, (nuint)i)) * wi).StoreUnsafe(ref rn, (nuint)i);
        }
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
        if (Vector256.IsHardwareAccelerated)
        {
            var wi = Vector256.Create(inv);
            for (; i + 4 <= n; i += 4)
            {
                var d = (Vector256.LoadUnsafe(ref rh, (nuint)i) - Vector256.LoadUnsafe(ref rl, (nuint)i)) * wi;
                d.StoreUnsafe(ref rn, (nuint)i);
                var x = d * Vector256.LoadUnsafe(ref rw, (nuint)i);
                x *= x;
                acc = acc + x.GetLower() + x.GetUpper();
            }
        }
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
        if (Vector256.IsHardwareAccelerated)
        {
            var wa = Vector256.Create(a0);
            var zero4 = Vector256<double>.Zero;
            for (; i + 4 <= n; i += 4)
            {
                var gv = Vector256.LoadUnsafe(ref rg, (nuint)i);
                var m = Vector256.LoadUnsafe(ref rm, (nuint)i);
                var full = gv + m * (wa * Vector256.LoadUnsafe(ref ry, (nuint)i) + Vector256.LoadUnsafe(ref rh, (nuint)i));
                Vector256.ConditionalSelect(Vector256.Equals(m, zero4), gv, full).StoreUnsafe(ref rd, (nuint)i);
            }
        }
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
        if (Vector256.IsHardwareAccelerated)
        {
            var tiny4 = Vector256.Create(1e-13);
            var above4 = Vector256<double>.Zero;
            for (; i + 4 <= n; i += 4)
            {
                var d = Vector256.LoadUnsafe(ref rd, (nuint)i);
                var yi = Vector256.LoadUnsafe(ref ry, (nuint)i) - d;
                yi.StoreUnsafe(ref ry, (nuint)i);
                var x = d * Vector256.LoadUnsafe(ref rw, (nuint)i);
                x *= x;
                acc = acc + x.GetLower() + x.GetUpper();
                above4 |= Vector256.GreaterThan(Vector256.Abs(d), tiny4 * (Vector256.Abs(yi) + Vector256.LoadUnsafe(ref rsc, (nuint)i)));
            }
            above |= above4.GetLower() | above4.GetUpper();
        }
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
