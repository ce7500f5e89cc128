using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ElectrodeSim.Numerics.Sparse;

/// <summary>
/// Sparse LU for small matrices of one pattern whose values change at every factorisation (the condensed P2D iteration
/// matrix, ~100–200 unknowns), with the elimination compiled once. The analysis orders the columns by minimum degree on
/// the graph of A + Aᵀ, chooses the pivot rows by partial pivoting on the row-scaled first values (each row divided by its
/// largest magnitude), and records the fill of L and U. From then on a
/// factorisation is the row-by-row (IKJ) elimination over that fixed structure, <c>L U = P A Q</c>: the entries of a row
/// are one contiguous run (L, the pivot, U), and every update <c>u_kj −= l_kc u_cj</c> writes to a position computed at the
/// analysis — no scatter into a work vector, no search, no per-column bookkeeping. Measured (2026-12-03, callgrind on the
/// native build, per run): SiO@C-l (98 kept unknowns) factorisations 4.60 M instructions with KLU (refactor, scaling,
/// condition estimate) → 4.25 M (0.89 M of it the one analysis), solves 2.61 → 1.69 M; Marquis2019 1C (222) factorisations
/// 26.8 → 25.6 M, solves 10.0 → 7.0 M. A small gain: KLU's refactorisation is lean already at this size, and the first
/// version with bounds-checked loops and Math.Max row scales was slower than KLU (SiO@C-l run 32.4 → 34.7 M).
/// <para>
/// As in KLU's refactorisation the pivot sequence is kept while it stays sound: when a pivot is zero or not finite, or
/// the smallest row-scaled pivot falls below 1e-14 of the largest, the analysis is redone with the current values (new pivot rows,
/// new fill). The analysis works on a dense copy (O(n²) memory), so it is meant for n up to <see cref="MaxSize"/>.
/// </para>
/// </summary>
public sealed class CompiledSparseLu : ISparseLinearSolver
{
    /// <summary>The largest order the dense analysis is meant for.</summary>
    public const int MaxSize = 1000;
    /// <summary>
    /// The diagonal is the pivot while it is at least this fraction of the largest row-scaled candidate. 1: plain partial
    /// pivoting. KLU's 0.001 (its diagonal is that of its own maximum matching, not ours) left a 20× larger residual on the
    /// Marquis2019 matrix (1.0e-4 against 5.7e-6 here and 4.8e-6 with KLU, |b| up to 8.6e7) for 4 % less fill; 0.1: 3.8e-4.
    /// </summary>
    private const double DiagonalPreference = 1.0;
    /// <summary>Smallest to largest pivot below which a kept pivot sequence is redone (KluFactorization's threshold).</summary>
    private const double PivotRatioThreshold = 1e-14;

    private readonly int _n;
    private readonly int[] _columnPointers, _rowIndices, _order;
    // The compiled elimination (step k: pivot row _pivotRow[k], column _order[k]). Row k of L U occupies positions
    // [_rowStart[k], _rowStart[k + 1]) of _lu: its L entries (columns < k, ascending), the pivot at _diagonal[k], its U
    // entries (columns > k, ascending); _column[p] is the step of position p's column. _entryPosition maps the pattern's
    // entries into _lu; _target lists, in elimination order, where each update of each L entry lands.
    private int[] _pivotRow = [], _rowStart = [], _diagonal = [], _column = [], _entryPosition = [], _entryStep = [], _target = [];
    private double[] _lu = [], _inverseDiagonal = [], _rowScale = [], _work = [];
    private bool _analysed;

    public CompiledSparseLu(SparsityPattern pattern)
    {
        _n = pattern.Size;
        if (_n < 1) throw new ArgumentException("the matrix is empty");
        _columnPointers = pattern.ColumnPointers;
        _rowIndices = pattern.RowIndices;
        _structures = StructuresOf(pattern);
        _order = _structures.Order;
        _work = new double[_n];
    }

    /// <summary>
    /// The column order of one pattern and the eliminations compiled for it, one per pivot sequence met. Both are functions
    /// of the pattern (and the pivot rows) alone, so every instance on an equal pattern — the runs of a sweep, the
    /// benchmark's repeated runs, each model building its own condensed pattern — shares them instead of recomputing them;
    /// the pivot rows themselves are still chosen by each instance's own analysis of its values, so sharing changes no
    /// result. Immutable once built; the lists are guarded by <see cref="Cache"/>'s lock (sweeps run cases in parallel).
    /// Measured (callgrind of the native bench -n 10, 2026-12-07): SiO@C-l 1081.1 → 1061.6 M instructions, Marquis2019 1C
    /// 10278 → 10212 M.
    /// </summary>
    private sealed class PatternStructures(int[] columnPointers, int[] rowIndices, int[] order)
    {
        public readonly int[] ColumnPointers = columnPointers, RowIndices = rowIndices, Order = order;
        public readonly List<Compiled> Eliminations = [];
    }

    private sealed record Compiled(int[] PivotRow, int[] RowStart, int[] Diagonal, int[] Column, int[] EntryPosition, int[] EntryStep, int[] Target);

    /// <summary>The most recently used patterns first; a few kept (a sweep or a process meets few structures).</summary>
    private static readonly List<PatternStructures> Cache = [];
    private const int CachedPatterns = 8, CachedEliminationsPerPattern = 4;
    private readonly PatternStructures _structures;

    private static PatternStructures StructuresOf(SparsityPattern pattern)
    {
        lock (Cache)
        {
            for (int i = 0; i < Cache.Count; i++)
            {
                var cached = Cache[i];
                if (!cached.ColumnPointers.AsSpan().SequenceEqual(pattern.ColumnPointers) || !cached.RowIndices.AsSpan().SequenceEqual(pattern.RowIndices)) continue;
                Cache.RemoveAt(i);
                Cache.Insert(0, cached);
                return cached;
            }
        }
        // Ordered outside the lock: two threads meeting a new pattern at once both order it (the same order).
        var structures = new PatternStructures(pattern.ColumnPointers.ToArray(), pattern.RowIndices.ToArray(), MinimumDegreeOrder(pattern));
        lock (Cache)
        {
            Cache.Insert(0, structures);
            if (Cache.Count > CachedPatterns) Cache.RemoveAt(Cache.Count - 1);
        }
        return structures;
    }

    /// <summary>Analyses (choice of pivot rows and fill) done, the first included.</summary>
    public int Analyses { get; private set; }
    /// <summary>Entries of L and U (the pivots included).</summary>
    public int FactorEntries => _lu.Length;
    /// <summary>Multiply–subtract updates of one factorisation.</summary>
    public int UpdateCount => _target.Length;

    public void Factor(ReadOnlySpan<double> values)
    {
        if (values.Length != _rowIndices.Length)
            throw new ArgumentException($"expected {_rowIndices.Length} values for the pattern, got {values.Length}");
        if (!_analysed) Analyse(values);
        if (Refactor(values)) return;
        Analyse(values);
        if (!Refactor(values)) throw new SingularIterationMatrixException($"the {_n}×{_n} matrix is numerically singular");
    }

    /// <summary>
    /// The elimination over the compiled structure; false when a pivot is unsound (the caller analyses afresh). Soundness
    /// as KLU judges it: the pivots of the row-scaled matrix (each row divided by its largest magnitude), smallest over
    /// largest at least 1e-14.
    /// </summary>
    /// <exception cref="SingularIterationMatrixException">an entry is not finite (an overflowing trial iterate: the step is cut).</exception>
    private bool Refactor(ReadOnlySpan<double> values) => Refactor(values, null, [], []);

    /// <summary>
    /// Factorises the matrix whose entry e is full[source[e]] where source[e] ≥ 0, overrideValue[j] for the entries
    /// overrideEntry[j] (their source is −1), and zero elsewhere — the reduced matrix of a condensed system, its values
    /// scattered from the full matrix straight into the factor storage instead of assembled first and copied there: the
    /// same values, row scales and elimination as <see cref="Factor"/> on the assembled matrix. <paramref name="scratch"/>
    /// (one value per entry) receives the assembled matrix when an analysis needs it.
    /// </summary>
    internal void FactorGathered(ReadOnlySpan<double> full, int[] source, int[] overrideEntry, double[] overrideValue, double[] scratch)
    {
        if (source.Length != _rowIndices.Length || scratch.Length != _rowIndices.Length)
            throw new ArgumentException($"expected {_rowIndices.Length} sources and scratch values for the pattern, got {source.Length} and {scratch.Length}");
        if (_analysed && Refactor(full, source, overrideEntry, overrideValue)) return;
        for (int e = 0; e < scratch.Length; e++) scratch[e] = source[e] >= 0 ? full[source[e]] : 0.0;
        for (int j = 0; j < overrideEntry.Length; j++) scratch[overrideEntry[j]] = overrideValue[j];
        Factor(scratch);
    }

    /// <summary>
    /// Scatters the values into the factor storage — entry e is values[e], or with <paramref name="source"/> values[source[e]]
    /// where that is ≥ 0 and overrideValue[j] for entry overrideEntry[j] — with the row scales, then eliminates.
    /// </summary>
    private bool Refactor(ReadOnlySpan<double> values, int[]? source, int[] overrideEntry, double[] overrideValue)
    {
        // Indices into the arrays are the analysis' own (checked when it compiled them) or the caller's (a condensed
        // solver's set-up, checked against its full pattern there), so the loops read through refs without bounds checks:
        // with them the update loop was twice as long (native build, objdump), and a Math.Max in the row scales a NaN-aware
        // sequence of ~30 instructions per entry.
        ref double lu = ref MemoryMarshal.GetArrayDataReference(_lu);
        ref int positions = ref MemoryMarshal.GetArrayDataReference(_entryPosition);
        ref int entryStep = ref MemoryMarshal.GetArrayDataReference(_entryStep);
        ref double scale = ref MemoryMarshal.GetArrayDataReference(_rowScale);
        ref double value = ref MemoryMarshal.GetReference(values);
        Array.Clear(_lu);
        Array.Clear(_rowScale);
        double nonFinite = 0;
        if (source is null)
            for (int e = 0; e < _entryPosition.Length; e++) Place(ref lu, ref positions, ref entryStep, ref scale, e, Unsafe.Add(ref value, e), ref nonFinite);
        else
        {
            ref int from = ref MemoryMarshal.GetArrayDataReference(source);
            for (int e = 0; e < _entryPosition.Length; e++)
            {
                int at = Unsafe.Add(ref from, e);
                if (at >= 0) Place(ref lu, ref positions, ref entryStep, ref scale, e, Unsafe.Add(ref value, at), ref nonFinite);
            }
        }
        for (int j = 0; j < overrideEntry.Length; j++) Place(ref lu, ref positions, ref entryStep, ref scale, overrideEntry[j], overrideValue[j], ref nonFinite);
        if (!double.IsFinite(nonFinite)) throw new SingularIterationMatrixException($"the {_n}×{_n} matrix has non-finite entries");
        return Eliminate();
    }

    /// <summary>Entry e's value into the factor storage, its row's scale and the non-finite sum (0 × v is 0 for every finite v and NaN for ±∞ and NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Place(ref double lu, ref int positions, ref int entryStep, ref double scale, int e, double v, ref double nonFinite)
    {
        Unsafe.Add(ref lu, Unsafe.Add(ref positions, e)) = v;
        nonFinite += 0.0 * v;
        double a = Math.Abs(v);
        ref double s = ref Unsafe.Add(ref scale, Unsafe.Add(ref entryStep, e));
        if (a > s) s = a;
    }

    /// <summary>The elimination over the compiled structure on the scattered values; false when a pivot is unsound.</summary>
    private bool Eliminate()
    {
        ref double lu = ref MemoryMarshal.GetArrayDataReference(_lu);
        ref double inverse = ref MemoryMarshal.GetArrayDataReference(_inverseDiagonal);
        ref int column = ref MemoryMarshal.GetArrayDataReference(_column);
        ref int target = ref MemoryMarshal.GetArrayDataReference(_target);
        ref int rowStart = ref MemoryMarshal.GetArrayDataReference(_rowStart);
        ref int diagonal = ref MemoryMarshal.GetArrayDataReference(_diagonal);
        ref double scale = ref MemoryMarshal.GetArrayDataReference(_rowScale);
        double smallest = double.PositiveInfinity, largest = 0;
        int t = 0;
        for (int k = 0; k < _n; k++)
        {
            int end = Unsafe.Add(ref diagonal, k);
            for (int p = Unsafe.Add(ref rowStart, k); p < end; p++)
            {
                int c = Unsafe.Add(ref column, p);
                ref double entry = ref Unsafe.Add(ref lu, p);
                double l = entry * Unsafe.Add(ref inverse, c);
                entry = l;
                for (int u = Unsafe.Add(ref diagonal, c) + 1, stop = Unsafe.Add(ref rowStart, c + 1); u < stop; u++, t++)
                    Unsafe.Add(ref lu, Unsafe.Add(ref target, t)) -= l * Unsafe.Add(ref lu, u);
            }
            double d = Unsafe.Add(ref lu, end);
            double magnitude = Math.Abs(d) / Unsafe.Add(ref scale, k);
            if (!(magnitude > 0 && double.IsFinite(d))) return false;
            Unsafe.Add(ref inverse, k) = 1.0 / d;
            if (magnitude < smallest) smallest = magnitude;
            if (magnitude > largest) largest = magnitude;
        }
        return smallest >= PivotRatioThreshold * largest;
    }

    public void Solve(Span<double> rhsThenSolution)
    {
        if (!_analysed) throw new InvalidOperationException("no factorisation: Factor must succeed before solving");
        if (rhsThenSolution.Length == 0 || rhsThenSolution.Length % _n != 0)
            throw new ArgumentException($"right-hand side length {rhsThenSolution.Length} is not a positive multiple of the matrix order {_n}");
        for (int offset = 0; offset < rhsThenSolution.Length; offset += _n) SolveOne(rhsThenSolution.Slice(offset, _n));
    }

    private void SolveOne(Span<double> b) => SolveCore(ref MemoryMarshal.GetReference(b), _pivotRow, _order);

    /// <summary>
    /// Solves A x = b for the unknowns of a larger vector: entry i of this matrix's vector is full[unknownOf[i]] (the kept
    /// unknowns of a condensed system), read and written there, the same operations as <see cref="Solve(Span{double})"/> on a
    /// copy of them and back (two passes fewer).
    /// </summary>
    internal void SolveWithin(Span<double> full, int[] unknownOf)
    {
        if (!_analysed) throw new InvalidOperationException("no factorisation: Factor must succeed before solving");
        if (unknownOf.Length != _n) throw new ArgumentException($"{unknownOf.Length} unknowns for a matrix of order {_n}");
        if (!ReferenceEquals(unknownOf, _mappedFor) || !ReferenceEquals(_pivotRow, _mappedPivotRow))
        {
            foreach (int u in unknownOf)
                if ((uint)u >= (uint)full.Length) throw new ArgumentException($"unknown {u} is outside the vector of length {full.Length}");
            _mappedIn = new int[_n];
            _mappedOut = new int[_n];
            for (int k = 0; k < _n; k++) (_mappedIn[k], _mappedOut[k]) = (unknownOf[_pivotRow[k]], unknownOf[_order[k]]);
            (_mappedFor, _mappedPivotRow, _mappedLength) = (unknownOf, _pivotRow, full.Length);
        }
        if (full.Length < _mappedLength) throw new ArgumentException($"vector of length {full.Length} is shorter than the {_mappedLength} the unknowns were checked against");
        SolveCore(ref MemoryMarshal.GetReference(full), _mappedIn, _mappedOut);
    }

    // SolveWithin's composed maps (full index of step k's pivot row and of step k's column), for one unknown map and pivot sequence.
    private int[] _mappedIn = [], _mappedOut = [];
    private int[]? _mappedFor, _mappedPivotRow;
    private int _mappedLength;

    /// <summary>L z = P b (unit lower), then U w = z; the solution is x = Q w: b at rhs[input[k]], x to rhs[output[k]].</summary>
    private void SolveCore(ref double rhs, int[] input, int[] output)
    {
        int n = _n;
        ref double x = ref MemoryMarshal.GetArrayDataReference(_work);
        ref double lu = ref MemoryMarshal.GetArrayDataReference(_lu);
        ref int column = ref MemoryMarshal.GetArrayDataReference(_column);
        ref int rowStart = ref MemoryMarshal.GetArrayDataReference(_rowStart);
        ref int diagonal = ref MemoryMarshal.GetArrayDataReference(_diagonal);
        ref int pivotRow = ref MemoryMarshal.GetArrayDataReference(input);
        ref int order = ref MemoryMarshal.GetArrayDataReference(output);
        ref double inverse = ref MemoryMarshal.GetArrayDataReference(_inverseDiagonal);
        for (int k = 0; k < n; k++)
        {
            double s = Unsafe.Add(ref rhs, Unsafe.Add(ref pivotRow, k));
            for (int p = Unsafe.Add(ref rowStart, k), end = Unsafe.Add(ref diagonal, k); p < end; p++)
                s -= Unsafe.Add(ref lu, p) * Unsafe.Add(ref x, Unsafe.Add(ref column, p));
            Unsafe.Add(ref x, k) = s;
        }
        for (int k = n - 1; k >= 0; k--)
        {
            double s = Unsafe.Add(ref x, k);
            for (int p = Unsafe.Add(ref diagonal, k) + 1, end = Unsafe.Add(ref rowStart, k + 1); p < end; p++)
                s -= Unsafe.Add(ref lu, p) * Unsafe.Add(ref x, Unsafe.Add(ref column, p));
            Unsafe.Add(ref x, k) = s * Unsafe.Add(ref inverse, k);
        }
        for (int k = 0; k < n; k++) Unsafe.Add(ref rhs, Unsafe.Add(ref order, k)) = Unsafe.Add(ref x, k);
    }

    /// <summary>
    /// Chooses the pivot rows for the column order by threshold partial pivoting on row-scaled values and compiles the
    /// elimination over the resulting fill (structural: an entry that cancels to zero stays in the structure).
    /// </summary>
    private void Analyse(ReadOnlySpan<double> values)
    {
        int n = _n;
        var dense = ArrayPool<double>.Shared.Rent(n * n);
        var structure = ArrayPool<bool>.Shared.Rent(n * n);
        // The structure also as lists (row r's columns at rowColumns[r n …], column c's rows at columnRows[c n …], in the
        // order met, fill appended), so that each step visits the candidates and the pivot row's entries only, not every
        // row and column of the dense copy (SiO@C-l, n = 82: the analysis was ~2 % of a run).
        var rowColumns = ArrayPool<int>.Shared.Rent(n * n);
        var columnRows = ArrayPool<int>.Shared.Rent(n * n);
        try
        {
            Array.Clear(dense, 0, n * n);
            Array.Clear(structure, 0, n * n);
            var rowCount = new int[n];
            var columnCount = new int[n];
            var rowScale = new double[n];
            for (int c = 0; c < n; c++)
                for (int e = _columnPointers[c]; e < _columnPointers[c + 1]; e++)
                {
                    int r = _rowIndices[e];
                    dense[r * n + c] = values[e];
                    if (!structure[r * n + c])
                    {
                        structure[r * n + c] = true;
                        rowColumns[r * n + rowCount[r]++] = c;
                        columnRows[c * n + columnCount[c]++] = r;
                    }
                    rowScale[r] = Math.Max(rowScale[r], Math.Abs(values[e]));
                }
            for (int r = 0; r < n; r++)
                if (!double.IsFinite(rowScale[r])) throw new SingularIterationMatrixException($"the {n}×{n} matrix has non-finite entries");
            var rowDone = new bool[n];
            var columnDone = new bool[n];
            var pivotRow = new int[n];
            var upper = new int[n];
            for (int k = 0; k < n; k++)
            {
                int c = _order[k];
                // The largest row-scaled candidate, the lowest row among equal ones (as a scan in row order).
                int best = -1;
                double bestScaled = 0;
                for (int q = c * n, end = q + columnCount[c]; q < end; q++)
                {
                    int r = columnRows[q];
                    if (rowDone[r]) continue;
                    double scaled = Math.Abs(dense[r * n + c]) / rowScale[r];
                    if (scaled > bestScaled || (scaled == bestScaled && best >= 0 && r < best)) (best, bestScaled) = (r, scaled);
                }
                if (best < 0 || !(bestScaled > 0))
                    throw new SingularIterationMatrixException($"the {n}×{n} matrix is singular (no pivot in column {c})");
                int pivot = !rowDone[c] && structure[c * n + c] && Math.Abs(dense[c * n + c]) / rowScale[c] >= DiagonalPreference * bestScaled ? c : best;
                pivotRow[k] = pivot;
                rowDone[pivot] = true;
                columnDone[c] = true;
                int pr = pivot * n, count = 0;
                for (int q = pr, end = pr + rowCount[pivot]; q < end; q++)
                    if (!columnDone[rowColumns[q]]) upper[count++] = rowColumns[q];
                double inversePivot = 1.0 / dense[pr + c];
                // Each remaining row with an entry in column c gets one update per entry of the pivot row (their order
                // does not matter: every entry is updated once per step).
                for (int q = c * n, end = q + columnCount[c]; q < end; q++)
                {
                    int r = columnRows[q];
                    if (rowDone[r]) continue;
                    int rr = r * n;
                    double l = dense[rr + c] * inversePivot;
                    for (int m = 0; m < count; m++)
                    {
                        int j = upper[m];
                        dense[rr + j] -= l * dense[pr + j];
                        if (!structure[rr + j])
                        {
                            structure[rr + j] = true;
                            rowColumns[rr + rowCount[r]++] = j;
                            columnRows[j * n + columnCount[j]++] = r;
                        }
                    }
                }
            }
            Compiled? compiled = null;
            lock (Cache)
                foreach (var candidate in _structures.Eliminations)
                    if (candidate.PivotRow.AsSpan().SequenceEqual(pivotRow)) { compiled = candidate; break; }
            if (compiled is null)
            {
                compiled = Compile(pivotRow, structure);
                lock (Cache)
                {
                    _structures.Eliminations.Insert(0, compiled);
                    if (_structures.Eliminations.Count > CachedEliminationsPerPattern) _structures.Eliminations.RemoveAt(_structures.Eliminations.Count - 1);
                }
            }
            (_pivotRow, _rowStart, _diagonal, _column, _entryPosition, _entryStep, _target) =
                (compiled.PivotRow, compiled.RowStart, compiled.Diagonal, compiled.Column, compiled.EntryPosition, compiled.EntryStep, compiled.Target);
            if (_lu.Length != _column.Length) _lu = new double[_column.Length];
            if (_inverseDiagonal.Length != n) (_inverseDiagonal, _rowScale) = (new double[n], new double[n]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(dense);
            ArrayPool<bool>.Shared.Return(structure);
            ArrayPool<int>.Shared.Return(rowColumns);
            ArrayPool<int>.Shared.Return(columnRows);
        }
        _analysed = true;
        Analyses++;
    }

    /// <summary>The elimination over the fill of <paramref name="structure"/> for pivot rows <paramref name="pivotRow"/>.</summary>
    private Compiled Compile(int[] pivotRow, bool[] structure)
    {
        int n = _n;
        var stepOfColumn = new int[n];
        for (int k = 0; k < n; k++) stepOfColumn[_order[k]] = k;
        var rowStart = new int[n + 1];
        var diagonal = new int[n];
        // Row k of L U is the structure of row pivotRow[k] (its L part from the columns eliminated before it, its U part
        // with the fill it had when it became the pivot row), the columns numbered by step.
        var columns = new List<int>(n * 4);
        var scratch = new List<int>(n);
        for (int k = 0; k < n; k++)
        {
            int rr = pivotRow[k] * n;
            scratch.Clear();
            for (int c = 0; c < n; c++)
                if (structure[rr + c]) scratch.Add(stepOfColumn[c]);
            if (!scratch.Contains(k)) scratch.Add(k);
            scratch.Sort();
            rowStart[k] = columns.Count;
            diagonal[k] = columns.Count + scratch.IndexOf(k);
            columns.AddRange(scratch);
        }
        rowStart[n] = columns.Count;
        var column = columns.ToArray();
        // Position of (step row, step column) within its row, through a per-row map filled and cleared in turn.
        var positionInRow = new int[n];
        Array.Fill(positionInRow, -1);
        var targets = new List<int>();
        for (int k = 0; k < n; k++)
        {
            for (int p = rowStart[k]; p < rowStart[k + 1]; p++) positionInRow[column[p]] = p;
            for (int p = rowStart[k]; p < diagonal[k]; p++)
            {
                int c = column[p];
                for (int u = diagonal[c] + 1; u < rowStart[c + 1]; u++)
                {
                    int at = positionInRow[column[u]];
                    if (at < 0) throw new InvalidOperationException("the compiled fill misses an update target");
                    targets.Add(at);
                }
            }
            for (int p = rowStart[k]; p < rowStart[k + 1]; p++) positionInRow[column[p]] = -1;
        }
        var stepOfRow = new int[n];
        for (int k = 0; k < n; k++) stepOfRow[pivotRow[k]] = k;
        var entryPosition = new int[_rowIndices.Length];
        var entryStep = new int[_rowIndices.Length];
        for (int c = 0; c < n; c++)
            for (int e = _columnPointers[c]; e < _columnPointers[c + 1]; e++)
            {
                int k = stepOfRow[_rowIndices[e]], j = stepOfColumn[c];
                int at = Array.BinarySearch(column, rowStart[k], rowStart[k + 1] - rowStart[k], j);
                if (at < 0) throw new InvalidOperationException("the compiled structure misses a pattern entry");
                entryPosition[e] = at;
                entryStep[e] = k;
            }
        return new Compiled(pivotRow, rowStart, diagonal, column, entryPosition, entryStep, targets.ToArray());
    }

    /// <summary>
    /// Greedy minimum degree on the graph of A + Aᵀ (diagonal left out), eliminated vertices' neighbours joined into a
    /// clique; ties to the lowest index. Global unknowns (many neighbours) come last. order[k] = the column eliminated k-th.
    /// </summary>
    private static int[] MinimumDegreeOrder(SparsityPattern pattern)
    {
        int n = pattern.Size;
        var adjacent = ArrayPool<bool>.Shared.Rent(n * n);
        try
        {
            Array.Clear(adjacent, 0, n * n);
            var degree = new int[n];
            var rows = pattern.RowIndices;
            var cols = pattern.EntryColumns;
            for (int e = 0; e < rows.Length; e++)
            {
                int a = rows[e], b = cols[e];
                if (a == b || adjacent[a * n + b]) continue;
                adjacent[a * n + b] = adjacent[b * n + a] = true;
                degree[a]++;
                degree[b]++;
            }
            var eliminated = new bool[n];
            var order = new int[n];
            var neighbours = new int[n];
            for (int k = 0; k < n; k++)
            {
                int v = -1;
                for (int i = 0; i < n; i++)
                    if (!eliminated[i] && (v < 0 || degree[i] < degree[v])) v = i;
                order[k] = v;
                eliminated[v] = true;
                int count = 0;
                for (int j = 0; j < n; j++)
                    if (!eliminated[j] && adjacent[v * n + j]) neighbours[count++] = j;
                for (int x = 0; x < count; x++)
                {
                    int a = neighbours[x];
                    adjacent[a * n + v] = adjacent[v * n + a] = false;
                    degree[a]--;
                    for (int y = x + 1; y < count; y++)
                    {
                        int b = neighbours[y];
                        if (adjacent[a * n + b]) continue;
                        adjacent[a * n + b] = adjacent[b * n + a] = true;
                        degree[a]++;
                        degree[b]++;
                    }
                }
            }
            return order;
        }
        finally { ArrayPool<bool>.Shared.Return(adjacent); }
    }

    public void Dispose() { }
}
