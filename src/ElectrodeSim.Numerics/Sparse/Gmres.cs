using System.Numerics;
using System.Runtime.InteropServices;

namespace ElectrodeSim.Numerics.Sparse;

/// <summary>y = A x for some linear operator A.</summary>
public delegate void LinearMap(ReadOnlySpan<double> x, Span<double> y);

/// <summary>v ← M⁻¹ v for a preconditioner M.</summary>
public delegate void InPlaceSolve(Span<double> v);

/// <summary>What one GMRES solve did: converged or not, the Arnoldi steps taken and the final relative residual ‖b − A x‖ / ‖b‖.</summary>
public readonly record struct GmresReport(bool Converged, int Iterations, double RelativeResidual);

/// <summary>
/// GMRES without restarts (Saad and Schultz 1986) with right preconditioning, stored in the flexible form (Saad 1993):
/// the Arnoldi basis V of the preconditioned operator A M⁻¹ is built by modified Gram–Schmidt, the small least-squares
/// problem is kept triangular by Givens rotations, and the preconditioned directions Z_j = M⁻¹ V_j are kept so that
/// x = Z y costs no extra preconditioner solve. With right preconditioning the residual the rotations track is the true
/// ‖b − A x‖₂ (in exact arithmetic), so the stopping test does not depend on the preconditioner's quality. The initial
/// guess is zero (a Newton correction). Workspace (2 m + 1 vectors of n) is allocated once; a solve allocates nothing.
/// </summary>
public sealed class Gmres
{
    private readonly int _n, _m;
    private readonly double[][] _v, _z;
    private readonly double[] _h; // (m + 1) × m Hessenberg matrix, column-major
    private readonly double[] _cos, _sin, _g, _y;

    /// <param name="size">Order of the system.</param>
    /// <param name="maxIterations">Largest Krylov dimension (Arnoldi steps) before the solve gives up.</param>
    public Gmres(int size, int maxIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        _n = size;
        _m = maxIterations;
        _v = new double[_m + 1][];
        _z = new double[_m][];
        for (int j = 0; j <= _m; j++) _v[j] = new double[_n];
        for (int j = 0; j < _m; j++) _z[j] = new double[_n];
        _h = new double[(_m + 1) * _m];
        _cos = new double[_m];
        _sin = new double[_m];
        _g = new double[_m + 1];
        _y = new double[_m];
    }

    public int Size => _n;
    public int MaxIterations => _m;

    /// <summary>
    /// Solves A x = b from x = 0 until ‖b − A x‖₂ ≤ <paramref name="relativeTolerance"/> ‖b‖₂ or
    /// <see cref="MaxIterations"/> Arnoldi steps. x holds the best iterate found either way.
    /// </summary>
    public GmresReport Solve(LinearMap multiply, InPlaceSolve precondition, ReadOnlySpan<double> b, Span<double> x, double relativeTolerance)
    {
        if (b.Length != _n || x.Length != _n) throw new ArgumentException($"GMRES of order {_n} given vectors of length {b.Length} and {x.Length}");
        x.Clear();
        double beta = Norm(b);
        if (beta == 0) return new GmresReport(true, 0, 0);
        if (!double.IsFinite(beta)) return new GmresReport(false, 0, double.NaN);
        var v0 = _v[0];
        for (int i = 0; i < _n; i++) v0[i] = b[i] / beta;
        Array.Clear(_g);
        _g[0] = beta;
        double target = relativeTolerance * beta, residual = beta;
        int k = 0;
        while (k < _m && residual > target)
        {
            var z = _z[k];
            _v[k].CopyTo(z, 0);
            precondition(z);
            var w = _v[k + 1];
            multiply(z, w);
            int column = k * (_m + 1);
            // Modified Gram–Schmidt with each subtraction fused with the next projection (or, after the last, the norm):
            // one pass over w per basis vector instead of two, the same arithmetic.
            double hjk = Dot(w, _v[0]);
            for (int j = 0; j <= k; j++)
            {
                _h[column + j] = hjk;
                hjk = SubtractThenDot(hjk, _v[j], w, j < k ? _v[j + 1] : w);
            }
            double next = Math.Sqrt(hjk);
            _h[column + k + 1] = next;
            if (!double.IsFinite(next)) return new GmresReport(false, k, double.NaN);
            if (next > 0) for (int i = 0; i < _n; i++) w[i] /= next;
            // Apply the earlier rotations to the new column, then one that zeroes its sub-diagonal entry.
            for (int j = 0; j < k; j++)
            {
                double a = _h[column + j], c = _h[column + j + 1];
                _h[column + j] = _cos[j] * a + _sin[j] * c;
                _h[column + j + 1] = -_sin[j] * a + _cos[j] * c;
            }
            double diagonal = _h[column + k], below = _h[column + k + 1];
            double radius = Math.Sqrt(diagonal * diagonal + below * below);
            if (radius == 0) return new GmresReport(false, k, residual / beta); // A M⁻¹ is singular on the Krylov space
            _cos[k] = diagonal / radius;
            _sin[k] = below / radius;
            _h[column + k] = radius;
            _h[column + k + 1] = 0;
            _g[k + 1] = -_sin[k] * _g[k];
            _g[k] *= _cos[k];
            residual = Math.Abs(_g[k + 1]);
            k++;
            if (next == 0) break; // lucky breakdown: the Krylov space is invariant, the solution exact
        }
        // Back substitution for the upper-triangular k × k system R y = g, then x = Z y.
        for (int i = k - 1; i >= 0; i--)
        {
            double s = _g[i];
            for (int j = i + 1; j < k; j++) s -= _h[j * (_m + 1) + i] * _y[j];
            _y[i] = s / _h[i * (_m + 1) + i];
        }
        for (int j = 0; j < k; j++) Axpy(_y[j], _z[j], x);
        return new GmresReport(residual <= target, k, residual / beta);
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
        var sum = Vector<double>.Zero;
        for (int i = 0; i < va.Length; i++) sum += va[i] * vb[i];
        double s = Vector.Sum(sum);
        for (int i = va.Length * Vector<double>.Count; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));

    /// <summary>w ← w − alpha v, returning (new w) · u; u may be w itself (then ‖w‖²).</summary>
    private static double SubtractThenDot(double alpha, ReadOnlySpan<double> v, Span<double> w, ReadOnlySpan<double> u)
    {
        var vv = MemoryMarshal.Cast<double, Vector<double>>(v);
        var vw = MemoryMarshal.Cast<double, Vector<double>>(w);
        var vu = MemoryMarshal.Cast<double, Vector<double>>(u);
        var a = new Vector<double>(alpha);
        var sum = Vector<double>.Zero;
        for (int i = 0; i < vw.Length; i++)
        {
            var x = vw[i] - a * vv[i];
            vw[i] = x;
            sum += x * vu[i]; // u = w: vu[i] was read after the store above, so it is the new value too
        }
        double s = Vector.Sum(sum);
        for (int i = vw.Length * Vector<double>.Count; i < w.Length; i++)
        {
            double x = w[i] - alpha * v[i];
            w[i] = x;
            s += x * u[i];
        }
        return s;
    }

    private static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
        var a = new Vector<double>(alpha);
        for (int i = 0; i < vy.Length; i++) vy[i] += a * vx[i];
        for (int i = vy.Length * Vector<double>.Count; i < y.Length; i++) y[i] += alpha * x[i];
    }
}
