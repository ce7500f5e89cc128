using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ElectrodeSim.Native.Klu;

namespace ElectrodeSim.Numerics.Sparse;

/// <summary>
/// A direct solver that uses two cores: the unknowns are split by METIS's first bisection
/// (<see cref="FillReducingOrdering.TwoDomainPartition"/>) into two interiors 1, 2 and a separator 3 (with the dense
/// "global" unknowns), A = [A11 0 A13; 0 A22 A23; A31 A32 A33]. Each half k factorises its bordered block
/// H_k = [Akk Ak3; A3k A33] with KLU (nested dissection inside the interior, the separator ordered last), both halves on
/// their own thread at once. When KLU's pivots of the interior columns stay in interior rows (checked after every
/// factorisation), the trailing block of H_k's factors is L22 U22 = P₂ R₃⁻¹ (A33 − A3k Akk⁻¹ Ak3) Q₂, so the dense Schur
/// complement S = A33 − Σ_k A3k Akk⁻¹ Ak3 is T₁ + T₂ − A33 with T_k that product unpermuted and unscaled (each half's A33 is
/// shifted on the diagonal so its trailing block is not singular where S is not; S takes the shift off again); S is LU-factorised
/// (partial pivoting, own dense code) on the calling thread.
/// <para>
/// A solve is one pass over each half's factors, the halves in parallel: forward over H_k's interior columns of L (which
/// leaves −L21 z, i.e. A3k Akk⁻¹ b_k, in the separator rows), the dense Schur solve for x₃ (serial), then backward over
/// U's columns with x₃ in the separator positions. Each thread reads its own half's L and U (without the s × s trailing
/// triangles) once; the whole-matrix KLU solve reads both halves and the separator on one thread.
/// </para>
/// <para>
/// Deterministic: each half writes only its own arrays and the calling thread combines them in a fixed order, so repeated
/// solves are bit-identical whatever the threads' timing. When an interior pivot is taken from a separator row (the check
/// fails), that matrix is factorised and solved by one whole-matrix KLU with nested dissection instead
/// (<see cref="Fallbacks"/>); a partition with an empty interior (a tiny matrix) always uses that one.
/// </para>
/// </summary>
public sealed class TwoDomainSchurSolver : ISparseLinearSolver
{
    private readonly SparsityPattern _pattern;
    private readonly Half[]? _halves;
    private readonly int[] _separator = [];
    private readonly int _s;
    // A33's entries: slot in the values and position in the dense s × s block (row-major).
    private readonly int[] _separatorSlots = [], _separatorDense = [];
    // Entries in separator rows (slot, separator index) and the diagonal shift per separator unknown (see Factor).
    private readonly int[] _separatorRowSlots = [], _separatorRowOf = [];
    private readonly double[] _shift = [];
    // The dense Schur complement's LU (row-major, in place) and its row pivots.
    private readonly double[] _schur = [], _schurRhs = [], _schurRowScale = [];
    private readonly int[] _schurPivot = [];
    private readonly double[] _valuesCopy = [], _rhs = [];
    private KluLinearSolver? _whole;
    private bool _useWhole, _haveFactors;

    public TwoDomainSchurSolver(SparsityPattern pattern)
    {
        _pattern = pattern;
        var part = FillReducingOrdering.TwoDomainPartition(pattern);
        int n = pattern.Size;
        var interiors = new[] { new List<int>(), new List<int>() };
        var separator = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (part[i] == 2) separator.Add(i);
            else interiors[part[i]].Add(i);
        }
        InteriorSizes = (interiors[0].Count, interiors[1].Count);
        SeparatorSize = separator.Count;
        if (interiors[0].Count == 0 || interiors[1].Count == 0)
        {
            _useWhole = true; // nothing to split: one KLU-ND factorisation of the whole matrix
            return;
        }
        _separator = [.. separator];
        _s = _separator.Length;
        var local = new int[n];
        for (int j = 0; j < _s; j++) local[_separator[j]] = j;
        for (int k = 0; k < 2; k++)
            foreach (var (i, position) in interiors[k].Select((i, p) => (i, p))) local[i] = position;
        _halves = [new Half(pattern, part, 0, interiors[0], _separator, local), new Half(pattern, part, 1, interiors[1], _separator, local)];
        var rows = pattern.RowIndices;
        var cols = pattern.EntryColumns;
        var slots = new List<int>();
        var dense = new List<int>();
        var rowSlots = new List<int>();
        var rowOf = new List<int>();
        for (int e = 0; e < rows.Length; e++)
        {
            int pr = part[rows[e]], pc = part[cols[e]];
            if (pr != 2 && pc != 2 && pr != pc)
                throw new InvalidOperationException($"entry ({rows[e]}, {cols[e]}) joins the two interiors: not a vertex separator");
            if (pr == 2 && pc == 2) { slots.Add(e); dense.Add(local[rows[e]] * _s + local[cols[e]]); }
            if (pr == 2) { rowSlots.Add(e); rowOf.Add(local[rows[e]]); }
        }
        _separatorSlots = [.. slots];
        _separatorDense = [.. dense];
        _separatorRowSlots = [.. rowSlots];
        _separatorRowOf = [.. rowOf];
        _shift = new double[_s];
        _schur = new double[_s * _s];
        _schurRhs = new double[_s];
        _schurRowScale = new double[_s];
        _schurPivot = new int[_s];
        _valuesCopy = new double[pattern.NonZeroCount];
        _rhs = new double[n];
    }

    /// <summary>Unknowns in the two interiors.</summary>
    public (int First, int Second) InteriorSizes { get; }
    /// <summary>Unknowns in the separator (the dense unknowns included): the order of the dense Schur complement.</summary>
    public int SeparatorSize { get; }
    /// <summary>Factorisations done by the whole-matrix KLU instead (an interior pivot in a separator row, or no split).</summary>
    public int Fallbacks { get; private set; }
    /// <summary>Why the last fallback happened (null before the first).</summary>
    public string? LastFallbackReason { get; private set; }

    /// <summary>
    /// KLU's pivoting threshold in the halves: small, so an interior column keeps its diagonal pivot (an interior row) unless
    /// that pivot is tiny against its column; at KLU's default 1e-3 the 2-D Jacobians took interior pivots from separator rows
    /// and every factorisation fell back. A pivot still failing the check falls back as before.
    /// </summary>
    public const double InteriorPivotTolerance = 1e-8;
    /// <summary>Factorisations done (both paths).</summary>
    public int Factorizations { get; private set; }
    /// <summary>KLU flops of the last factorisation (both halves, or the whole matrix), without the dense Schur work.</summary>
    public double FlopCount { get; private set; }
    /// <summary>Flops of the last factorisation's dense part: the products L22 U22 (s³/3 multiply-adds each) and the LU of S (2 s³ / 3).</summary>
    public double SchurFlopCount { get; private set; }
    /// <summary>Factor entries one solve reads: both halves' L (interior columns) and U (without U22), and S's s² (or the whole KLU's L + U).</summary>
    public double FactorEntries { get; private set; }
    /// <summary>Per-phase CPU times (thread clocks) summed over all calls: see <see cref="TwoDomainTimes"/>.</summary>
    public TwoDomainTimes FactorTimes { get; } = new();
    public TwoDomainTimes SolveTimes { get; } = new();

    public void Factor(ReadOnlySpan<double> values)
    {
        if (values.Length != _pattern.NonZeroCount) throw new ArgumentException($"Expected {_pattern.NonZeroCount} values for the pattern, got {values.Length}.", nameof(values));
        _haveFactors = false;
        Factorizations++;
        if (_halves == null) { FactorWhole(values); return; }
        long wall0 = Stopwatch.GetTimestamp();
        var copy = _valuesCopy;
        values.CopyTo(copy); // the worker reads it while the caller factorises its own half
        // Each half's trailing block is only a partial Schur complement, A33 − A3k Akk⁻¹ Ak3, and may be singular where S is
        // not (a separator row whose entries lie in the other half, e.g. a global constraint): both halves factorise it
        // shifted by σ_j = ±max_k |A(j, k)| on the diagonal (the sign of A33's diagonal), and S subtracts 2σ again.
        var shift = _shift;
        Array.Clear(shift);
        for (int e = 0; e < _separatorRowSlots.Length; e++)
        {
            int j = _separatorRowOf[e];
            shift[j] = Math.Max(shift[j], Math.Abs(values[_separatorRowSlots[e]]));
        }
        for (int e = 0; e < _separatorSlots.Length; e++)
        {
            int d = _separatorDense[e];
            if (d % (_s + 1) == 0 && values[_separatorSlots[e]] < 0) shift[d / (_s + 1)] = -shift[d / (_s + 1)];
        }
        var h0 = _halves[0];
        var h1 = _halves[1];
        var other = Task.Run(() => h1.Factor(copy, shift));
        bool singular = false;
        try { h0.Factor(copy, shift); }
        catch (SingularIterationMatrixException e) { singular = true; LastFallbackReason = "half 0: " + e.Message; }
        finally
        {
            try { other.GetAwaiter().GetResult(); }
            catch (SingularIterationMatrixException e) { singular = true; LastFallbackReason = "half 1: " + e.Message; }
        }
        // A half found singular, or an interior pivot taken from a separator row: the whole-matrix KLU decides (and throws
        // if the matrix itself is singular).
        if (singular || !h0.PivotsInterior || !h1.PivotsInterior)
        {
            if (!singular) LastFallbackReason = $"interior pivot from a separator row (half {(h0.PivotsInterior ? 1 : 0)}: {(h0.PivotsInterior ? h1 : h0).PivotReport})";
            FactorWhole(values);
            return;
        }
        double serial0 = ThreadClock.Seconds();
        // S = T₁ + T₂ − A33 − 2 diag(σ), then its LU in place.
        int s = _s;
        var a = _schur;
        for (int q = 0; q < a.Length; q++) a[q] = h0.Trailing[q] + h1.Trailing[q];
        for (int e = 0; e < _separatorSlots.Length; e++) a[_separatorDense[e]] -= values[_separatorSlots[e]];
        for (int j = 0; j < s; j++) a[j * s + j] -= 2 * shift[j];
        // Rows equilibrated by their largest entry (as KLU scales), so partial pivoting compares like with like.
        for (int i = 0; i < s; i++)
        {
            double largest = 0;
            for (int j = 0; j < s; j++) largest = Math.Max(largest, Math.Abs(a[i * s + j]));
            double d = largest > 0 && double.IsFinite(largest) ? 1 / largest : 1;
            _schurRowScale[i] = d;
            for (int j = 0; j < s; j++) a[i * s + j] *= d;
        }
        try { DenseLu(a, _schurPivot, s); }
        catch (SingularIterationMatrixException e) { LastFallbackReason = e.Message; FactorWhole(values); return; }
        double serial = ThreadClock.Seconds() - serial0;
        FactorTimes.Add(h0.LastCpu, h1.LastCpu, serial, Stopwatch.GetElapsedTime(wall0).TotalSeconds);
        FlopCount = h0.Flops + h1.Flops;
        SchurFlopCount = 2.0 * s * s * s / 3 * 2 + 2.0 * s * s * s / 3;
        FactorEntries = h0.SolveEntries + h1.SolveEntries + (double)s * s;
        _useWhole = false;
        _haveFactors = true;
    }

    public void Solve(Span<double> rhsThenSolution)
    {
        if (!_haveFactors) throw new InvalidOperationException("No valid factorization: Factor must succeed before solving.");
        if (rhsThenSolution.Length != _pattern.Size) throw new ArgumentException($"Right-hand side length {rhsThenSolution.Length} is not the order {_pattern.Size}.", nameof(rhsThenSolution));
        if (_useWhole) { _whole!.Solve(rhsThenSolution); return; }
        long wall0 = Stopwatch.GetTimestamp();
        var h0 = _halves![0];
        var h1 = _halves[1];
        var b = _rhs;
        rhsThenSolution.CopyTo(b);
        var other = Task.Run(() => h1.Forward(b));
        h0.Forward(b);
        other.GetAwaiter().GetResult();
        double cpu0 = h0.LastCpu, cpu1 = h1.LastCpu;
        double serial0 = ThreadClock.Seconds();
        int s = _s;
        var r = _schurRhs;
        for (int j = 0; j < s; j++) r[j] = (b[_separator[j]] - h0.Coupling[j] - h1.Coupling[j]) * _schurRowScale[j];
        DenseSolve(_schur, _schurPivot, r, s);
        double serial = ThreadClock.Seconds() - serial0;
        other = Task.Run(() => h1.Backward(r));
        h0.Backward(r);
        other.GetAwaiter().GetResult();
        cpu0 += h0.LastCpu;
        cpu1 += h1.LastCpu;
        serial0 = ThreadClock.Seconds();
        h0.Scatter(rhsThenSolution);
        h1.Scatter(rhsThenSolution);
        for (int j = 0; j < s; j++) rhsThenSolution[_separator[j]] = r[j];
        serial += ThreadClock.Seconds() - serial0;
        SolveTimes.Add(cpu0, cpu1, serial, Stopwatch.GetElapsedTime(wall0).TotalSeconds);
    }

    public void Dispose()
    {
        _whole?.Dispose();
        if (_halves != null) foreach (var h in _halves) h.Dispose();
    }

    private void FactorWhole(ReadOnlySpan<double> values)
    {
        Fallbacks++;
        _whole ??= new KluLinearSolver(_pattern, new KluOptions { BlockTriangular = false, Permutation = FillReducingOrdering.NestedDissection(_pattern) });
        long wall0 = Stopwatch.GetTimestamp();
        double cpu0 = ThreadClock.Seconds();
        _whole.Factor(values);
        FactorTimes.Add(0, 0, ThreadClock.Seconds() - cpu0, Stopwatch.GetElapsedTime(wall0).TotalSeconds);
        FlopCount = _whole.FlopCount;
        SchurFlopCount = 0;
        FactorEntries = _whole.FactorEntries;
        _useWhole = true;
        _haveFactors = true;
    }

    /// <summary>LU with partial pivoting of the row-major n × n matrix in place (unit L below, U on and above the diagonal).</summary>
    internal static void DenseLu(double[] a, int[] pivot, int n)
    {
        for (int k = 0; k < n; k++)
        {
            int best = k;
            double largest = Math.Abs(a[k * n + k]);
            for (int i = k + 1; i < n; i++)
            {
                double v = Math.Abs(a[i * n + k]);
                if (v > largest) { largest = v; best = i; }
            }
            if (!(largest > 0) || !double.IsFinite(largest))
                throw new SingularIterationMatrixException($"The {n}×{n} Schur complement of the two-domain split is singular (pivot {largest} in its column {k}).");
            pivot[k] = best;
            if (best != k)
                for (int j = 0; j < n; j++) (a[k * n + j], a[best * n + j]) = (a[best * n + j], a[k * n + j]);
            double inverse = 1.0 / a[k * n + k];
            var rowK = a.AsSpan(k * n + k + 1, n - k - 1);
            for (int i = k + 1; i < n; i++)
            {
                double l = a[i * n + k] * inverse;
                a[i * n + k] = l;
                if (l != 0) Axpy(-l, rowK, a.AsSpan(i * n + k + 1, n - k - 1));
            }
        }
    }

    internal static void DenseSolve(double[] lu, int[] pivot, double[] x, int n)
    {
        // The row interchanges first (the LU swapped whole rows, its multipliers included), then L and U.
        for (int k = 0; k < n; k++)
            if (pivot[k] != k) (x[k], x[pivot[k]]) = (x[pivot[k]], x[k]);
        for (int k = 0; k < n; k++)
        {
            double xk = x[k];
            if (xk != 0) for (int i = k + 1; i < n; i++) x[i] -= lu[i * n + k] * xk;
        }
        for (int k = n - 1; k >= 0; k--)
        {
            double sum = x[k];
            var row = lu.AsSpan(k * n + k + 1, n - k - 1);
            var tail = x.AsSpan(k + 1, n - k - 1);
            sum -= Dot(row, tail);
            x[k] = sum / lu[k * n + k];
        }
    }

    /// <summary>y += alpha x (vectorised; the same arithmetic in every run).</summary>
    private static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var a = new Vector<double>(alpha);
            var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            var yv = MemoryMarshal.Cast<double, Vector<double>>(y);
            for (int v = 0; v < xv.Length; v++) yv[v] += a * xv[v];
            i = xv.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) y[i] += alpha * x[i];
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            var yv = MemoryMarshal.Cast<double, Vector<double>>(y);
            for (int v = 0; v < xv.Length; v++) acc += xv[v] * yv[v];
            sum = Vector.Sum(acc);
            i = xv.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    /// <summary>
    /// One interior with the separator: H = [Akk Ak3; A3k A33] in local numbering (interior 0..m−1 ascending, separator
    /// m..m+s−1), its KLU factorisation (columns: the interior's nested dissection, then the separator) and the parts of
    /// the extracted factors a solve reads. Used by one thread at a time.
    /// </summary>
    private sealed class Half : IDisposable
    {
        private readonly int _m, _s, _size;
        private readonly int[] _interior, _slots, _separatorDiagonal;
        private readonly double[] _values;
        private readonly KluLinearSolver _klu;
        // Extracted factors (pivotal order).
        private readonly int[] _lp, _up, _p, _q;
        private int[] _li = [], _ui = [];
        private double[] _lx = [], _ux = [];
        private readonly double[] _rs;
        // What a solve reads: L's interior columns without the unit diagonal; U's interior columns without the diagonal
        // (kept inverted) and U12 (the trailing columns' interior rows).
        private readonly int[] _lowerPointers, _upperPointers, _couplePointers;
        private int[] _lowerRows = [], _upperRows = [], _coupleRows = [];
        private double[] _lowerValues = [], _upperValues = [], _coupleValues = [];
        private readonly double[] _inverseDiagonal, _work;
        private readonly double[] _l22, _u22;

        public Half(SparsityPattern pattern, int[] part, int which, List<int> interior, int[] separator, int[] local)
        {
            _interior = [.. interior];
            _m = _interior.Length;
            _s = separator.Length;
            _size = _m + _s;
            int Local(int i) => part[i] == 2 ? _m + local[i] : local[i];
            var builder = new SparsityPatternBuilder(_size);
            var rows = pattern.RowIndices;
            var cols = pattern.EntryColumns;
            var mine = new List<int>();
            for (int e = 0; e < rows.Length; e++)
            {
                int pr = part[rows[e]], pc = part[cols[e]];
                if ((pr == which || pr == 2) && (pc == which || pc == 2))
                {
                    builder.Add(Local(rows[e]), Local(cols[e]));
                    mine.Add(e);
                }
            }
            for (int i = 0; i < _size; i++) builder.Add(i, i); // the pivots KLU's diagonal preference looks for
            var h = builder.Build();
            _slots = new int[h.NonZeroCount];
            Array.Fill(_slots, -1);
            foreach (int e in mine) _slots[h.SlotOf(Local(rows[e]), Local(cols[e]))] = e;
            _values = new double[h.NonZeroCount];
            _separatorDiagonal = new int[_s];
            for (int j = 0; j < _s; j++) _separatorDiagonal[j] = h.SlotOf(_m + j, _m + j);
            var order = new int[_size];
            var interiorOrder = FillReducingOrdering.NestedDissection(h, Enumerable.Range(0, _m).ToArray());
            interiorOrder.CopyTo(order, 0);
            for (int j = 0; j < _s; j++) order[_m + j] = _m + j;
            _klu = new KluLinearSolver(h, new KluOptions { BlockTriangular = false, Permutation = order, PivotTolerance = InteriorPivotTolerance });
            _lp = new int[_size + 1];
            _up = new int[_size + 1];
            _p = new int[_size];
            _q = new int[_size];
            _rs = new double[_size];
            _lowerPointers = new int[_m + 1];
            _upperPointers = new int[_m + 1];
            _couplePointers = new int[_s + 1];
            _inverseDiagonal = new double[_m];
            _work = new double[_size];
            _l22 = new double[_s * _s];
            _u22 = new double[_s * _s];
            Trailing = new double[_s * _s];
            Coupling = new double[_s];
        }

        /// <summary>T = R₃ P₂ᵀ (L22 U22) Q₂ᵀ = A33 + diag(shift) − A3k Akk⁻¹ Ak3, row-major s × s in separator numbering.</summary>
        public double[] Trailing { get; }
        /// <summary>After <see cref="Forward"/>: A3k Akk⁻¹ b_k in separator numbering.</summary>
        public double[] Coupling { get; }
        public bool PivotsInterior { get; private set; }
        public string PivotReport { get; private set; } = "";
        public double LastCpu { get; private set; }
        public double Flops { get; private set; }
        public double SolveEntries { get; private set; }

        /// <summary>Factorises H with A33 + diag(shift) in its trailing block.</summary>
        public void Factor(double[] values, double[] shift)
        {
            double cpu0 = ThreadClock.Seconds();
            PivotsInterior = false;
            for (int e = 0; e < _slots.Length; e++) _values[e] = _slots[e] >= 0 ? values[_slots[e]] : 0;
            for (int j = 0; j < _s; j++) _values[_separatorDiagonal[j]] += shift[j];
            _klu.Factor(_values);
            Flops = _klu.FlopCount;
            var (lnz, unz) = _klu.FactorNonZeros;
            if (_li.Length != lnz) { _li = new int[lnz]; _lx = new double[lnz]; }
            if (_ui.Length != unz) { _ui = new int[unz]; _ux = new double[unz]; }
            _klu.ExtractFactors(_lp, _li, _lx, _up, _ui, _ux, _p, _q, _rs);
            int m = _m, s = _s;
            for (int k = 0; k < m; k++)
                if (_p[k] >= m || _q[k] >= m) { PivotReport = $"pivot {k}: row {_p[k]}, column {_q[k]} of {m} interior"; LastCpu = ThreadClock.Seconds() - cpu0; return; }
            PivotsInterior = true;
            // L's interior columns without the unit diagonal (rows below, the separator's included).
            int count = 0;
            for (int j = 0; j < m; j++) count += _lp[j + 1] - _lp[j] - 1;
            if (_lowerRows.Length != count) { _lowerRows = new int[count]; _lowerValues = new double[count]; }
            count = 0;
            for (int j = 0; j < m; j++)
            {
                _lowerPointers[j] = count;
                for (int p = _lp[j]; p < _lp[j + 1]; p++)
                {
                    int i = _li[p];
                    if (i == j) continue;
                    _lowerRows[count] = i;
                    _lowerValues[count++] = _lx[p];
                }
            }
            _lowerPointers[m] = count;
            double entries = count + m;
            // U's interior columns without the diagonal; U12 of the trailing columns.
            count = 0;
            for (int j = 0; j < m; j++) count += _up[j + 1] - _up[j] - 1;
            if (_upperRows.Length != count) { _upperRows = new int[count]; _upperValues = new double[count]; }
            count = 0;
            for (int j = 0; j < m; j++)
            {
                _upperPointers[j] = count;
                double diagonal = 0;
                for (int p = _up[j]; p < _up[j + 1]; p++)
                {
                    int i = _ui[p];
                    if (i == j) { diagonal = _ux[p]; continue; }
                    _upperRows[count] = i;
                    _upperValues[count++] = _ux[p];
                }
                if (diagonal == 0) throw new SingularIterationMatrixException($"U has a zero diagonal in interior column {j}");
                _inverseDiagonal[j] = 1.0 / diagonal;
            }
            _upperPointers[m] = count;
            entries += count + m;
            Array.Clear(_l22);
            Array.Clear(_u22);
            count = 0;
            for (int j = 0; j < s; j++)
                for (int p = _up[m + j]; p < _up[m + j + 1]; p++) if (_ui[p] < m) count++;
            if (_coupleRows.Length != count) { _coupleRows = new int[count]; _coupleValues = new double[count]; }
            count = 0;
            for (int j = 0; j < s; j++)
            {
                _couplePointers[j] = count;
                for (int p = _up[m + j]; p < _up[m + j + 1]; p++)
                {
                    int i = _ui[p];
                    if (i < m) { _coupleRows[count] = i; _coupleValues[count++] = _ux[p]; }
                    else _u22[(i - m) * s + j] = _ux[p];
                }
                for (int p = _lp[m + j]; p < _lp[m + j + 1]; p++) _l22[(_li[p] - m) * s + j] = _li[p] == m + j ? 1 : _lx[p];
            }
            _couplePointers[s] = count;
            entries += count;
            SolveEntries = entries;
            // L22 U22 (row i: Σ_{k ≤ i} L22[i,k] U22[k, k..]), then unpermuted and unscaled into T.
            var row = new double[s];
            for (int i = 0; i < s; i++)
            {
                Array.Clear(row);
                for (int k = 0; k <= i; k++)
                {
                    double l = _l22[i * s + k];
                    if (l != 0) Axpy(l, _u22.AsSpan(k * s + k, s - k), row.AsSpan(k, s - k));
                }
                int target = _p[m + i] - m;
                double scale = _rs[m + i];
                for (int j = 0; j < s; j++) Trailing[target * s + (_q[m + j] - m)] = scale * row[j];
            }
            LastCpu = ThreadClock.Seconds() - cpu0;
        }

        /// <summary>z = L11⁻¹ P₁ R₁⁻¹ b_k and <see cref="Coupling"/> = A3k Akk⁻¹ b_k; z stays in the work vector.</summary>
        public void Forward(double[] b)
        {
            double cpu0 = ThreadClock.Seconds();
            int m = _m, s = _s;
            var w = _work;
            for (int k = 0; k < m; k++) w[k] = b[_interior[_p[k]]] / _rs[k];
            Array.Clear(w, m, s);
            ref double x = ref MemoryMarshal.GetArrayDataReference(w);
            ref int pointers = ref MemoryMarshal.GetArrayDataReference(_lowerPointers);
            ref int rows = ref MemoryMarshal.GetArrayDataReference(_lowerRows);
            ref double vals = ref MemoryMarshal.GetArrayDataReference(_lowerValues);
            int start = 0;
            for (int j = 0; j < m; j++)
            {
                int end = Unsafe.Add(ref pointers, j + 1);
                double xj = Unsafe.Add(ref x, j);
                if (xj != 0)
                    for (int p = start; p < end; p++) Unsafe.Add(ref x, Unsafe.Add(ref rows, p)) -= Unsafe.Add(ref vals, p) * xj;
                start = end;
            }
            // The separator rows hold −L21 z; A3k Akk⁻¹ b_k = R₃ P₂ᵀ L21 z.
            for (int i = 0; i < s; i++) Coupling[_p[m + i] - m] = -_rs[m + i] * w[m + i];
            LastCpu = ThreadClock.Seconds() - cpu0;
        }

        /// <summary>x_k = Q₁ U11⁻¹ (z − U12 Q₂ᵀ x₃), left in the work vector's interior positions.</summary>
        public void Backward(double[] separatorSolution)
        {
            double cpu0 = ThreadClock.Seconds();
            int m = _m, s = _s;
            var w = _work;
            ref double x = ref MemoryMarshal.GetArrayDataReference(w);
            for (int j = 0; j < s; j++)
            {
                double xj = separatorSolution[_q[m + j] - m];
                if (xj == 0) continue;
                for (int p = _couplePointers[j]; p < _couplePointers[j + 1]; p++) Unsafe.Add(ref x, _coupleRows[p]) -= _coupleValues[p] * xj;
            }
            ref int pointers = ref MemoryMarshal.GetArrayDataReference(_upperPointers);
            ref int rows = ref MemoryMarshal.GetArrayDataReference(_upperRows);
            ref double vals = ref MemoryMarshal.GetArrayDataReference(_upperValues);
            ref double inverse = ref MemoryMarshal.GetArrayDataReference(_inverseDiagonal);
            int end = Unsafe.Add(ref pointers, m);
            for (int j = m - 1; j >= 0; j--)
            {
                int start = Unsafe.Add(ref pointers, j);
                double xj = Unsafe.Add(ref x, j) * Unsafe.Add(ref inverse, j);
                Unsafe.Add(ref x, j) = xj;
                if (xj != 0)
                    for (int p = start; p < end; p++) Unsafe.Add(ref x, Unsafe.Add(ref rows, p)) -= Unsafe.Add(ref vals, p) * xj;
                end = start;
            }
            LastCpu = ThreadClock.Seconds() - cpu0;
        }

        /// <summary>Writes the interior's solution into the global vector.</summary>
        public void Scatter(Span<double> x)
        {
            for (int k = 0; k < _m; k++) x[_interior[_q[k]]] = _work[k];
        }

        public void Dispose() => _klu.Dispose();
    }
}

/// <summary>
/// CPU seconds of <see cref="TwoDomainSchurSolver"/>'s calls, summed: each half's thread, the serial part on the calling
/// thread, the critical path Σ (max of the halves + serial) (what two idle cores would take) and the wall time.
/// </summary>
public sealed class TwoDomainTimes
{
    public int Calls { get; private set; }
    public double First { get; private set; }
    public double Second { get; private set; }
    public double Serial { get; private set; }
    public double CriticalPath { get; private set; }
    public double Wall { get; private set; }

    internal void Add(double first, double second, double serial, double wall)
    {
        Calls++;
        First += first;
        Second += second;
        Serial += serial;
        CriticalPath += Math.Max(first, second) + serial;
        Wall += wall;
    }
}

/// <summary>The calling thread's CPU time (Linux CLOCK_THREAD_CPUTIME_ID).</summary>
internal static partial class ThreadClock
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [LibraryImport("libc")]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    public static double Seconds() => clock_gettime(3, out var t) == 0 ? t.Seconds + 1e-9 * t.Nanoseconds : double.NaN;
}
