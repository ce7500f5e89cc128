using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ElectrodeSim.Numerics.Sparse;

/// <summary>
/// A direct solver that eliminates chains of unknowns with a tridiagonal coupling before the sparse factorisation
/// (static condensation): each chain i_0 … i_{m−1} couples only to its neighbours in the chain and, from its last
/// unknown, to one kept unknown s (its attachment). Gaussian elimination along the chain (the Thomas algorithm,
/// from i_0 towards s) leaves one Schur update of the diagonal entry (s, s); the remaining system of the kept
/// unknowns is factorised by <see cref="CompiledSparseLu"/> (up to its <see cref="CompiledSparseLu.MaxSize"/>, else
/// <see cref="KluLinearSolver"/>), and a solve substitutes back along the chains.
/// <para>
/// In the P2D model the chains are the inner shells of each particle and the attachment its outer shell, so the
/// sparse system is the x unknowns plus one surface unknown per particle. No pivoting in the chains: their blocks
/// of the iteration matrix (a0 V + a diffusion operator, or identity rows during initialisation) are diagonally
/// dominant; a zero or non-finite pivot is reported as <see cref="SingularIterationMatrixException"/>.
/// </para>
/// <para>
/// A caller may declare chains whose entries are equal in every matrix it factorises (<c>sameValuesAs</c>: the particles of
/// one electrode with a state-independent radial Jacobian). The elimination of such a chain is then that of the chain it
/// is declared equal to, neither recomputed nor copied: the solves read the source's coefficients (copying them at every
/// factorisation was measured against that, callgrind of the native bench -n 10: SiO@C-l 831.24 → 811.85 M instructions,
/// Marquis2019 1C 6.849 → 6.466 G); only its attachment's entry to it (row s, column i_{m−1}), which may
/// differ, enters its own Schur update. The arithmetic per chain is unchanged, so a true declaration changes no bit of
/// the result. The values are not compared: a previous version that detected equal chains by comparing them was slower
/// than eliminating them all (SiO@C-l 2.08 → 2.20 ms; the comparisons alone 1.07 M instructions per run).
/// </para>
/// </summary>
public sealed class ChainCondensedSolver : ISparseLinearSolver
{
    private readonly int _n, _nonZeros;
    // Per chain element: its unknown, the slots of its diagonal, of its entry to the previous element (row i_k, column
    // i_{k−1}; −1 for k = 0 or when absent) and of its entry to the next element or to the attachment (row i_k, column
    // i_{k+1}). Consecutive chains of one length, at most MaxLanes of them, form a group whose elements are stored
    // interleaved, element k of lane (chain) l at groupStart + k·lanes + l: the eliminations of the lanes are independent, so
    // one flat loop over a group overlaps their dependent chains of multiplications and divisions (the same operations per
    // chain as one at a time, so the grouping does not change a bit of the result). The chains eliminated come first, in
    // their order, then those declared equal to an earlier one, grouped by the chain they equal (the groups from
    // _eliminatedGroups on): a group of those has no coefficients of its own, every lane reads its source chain's, element k of the source at
    // _groupSource[g] + k·_groupSourceLanes[g].
    private readonly int[] _unknown, _diagonal, _lower, _upper;
    private readonly int[] _groupStart, _groupLanes, _groupFirstLane; // group g: elements [_groupStart[g], _groupStart[g + 1])
    private readonly int[] _laneChain;                                // chain of lane l of group g: _laneChain[_groupFirstLane[g] + l]
    private readonly int _eliminatedGroups;
    private readonly int[] _groupSource, _groupSourceLanes;
    // Per chain: s, slot (s, i_{m−1}), reduced slot (s, s), the element whose coefficients are those of i_{m−1} (its own or,
    // for a declared equal chain, its source's).
    private readonly int[] _attach, _attachToChain, _attachDiagonal, _lastElement;
    private readonly double[] _inversePivot, _factor, _upperValue, _attachFactor;
    private readonly int[] _keptFull, _keptReduced; // value copies into the reduced matrix
    private readonly int[] _reducedUnknown;         // full index of each reduced unknown
    private readonly double[] _reducedValues, _reducedRhs;
    private readonly double[] _forward; // per element: its forward-eliminated value (the eight-lane solves)
    private readonly ISparseLinearSolver _reduced;
    private readonly SparsityPattern _reducedPattern;

    /// <summary>
    /// Why <paramref name="pattern"/> cannot be condensed along <paramref name="chains"/> (an unknown in two chains, an
    /// attachment that is itself eliminated, an entry coupling a chain unknown outside its tridiagonal chain and
    /// attachment — e.g. a global unknown such as a lumped temperature that every particle row depends on), or null when
    /// it can. Callers that may meet such patterns use it to fall back to the plain sparse factorisation.
    /// </summary>
    public static string? Incompatibility(SparsityPattern pattern, IReadOnlyList<int[]> chains, IReadOnlyList<int> attachments)
        => Incompatibility(pattern, chains, attachments, out _, out _);

    private static string? Incompatibility(SparsityPattern pattern, IReadOnlyList<int[]> chains, IReadOnlyList<int> attachments,
        out int[] chainOfUnknown, out int total)
    {
        var chainOf = chainOfUnknown = new int[pattern.Size];
        total = 0;
        if (chains.Count != attachments.Count) return $"{chains.Count} chains but {attachments.Count} attachments";
        int n = pattern.Size;
        var position = new int[n];
        Array.Fill(chainOf, -1);
        for (int c = 0; c < chains.Count; c++)
        {
            if (chains[c].Length == 0) return $"chain {c} is empty";
            for (int k = 0; k < chains[c].Length; k++)
            {
                int u = chains[c][k];
                if ((uint)u >= (uint)n || chainOf[u] >= 0) return $"chain {c}: unknown {u} is outside the matrix or in two chains";
                (chainOf[u], position[u]) = (c, k);
            }
            total += chains[c].Length;
        }
        for (int c = 0; c < chains.Count; c++)
            if ((uint)attachments[c] >= (uint)n || chainOf[attachments[c]] >= 0)
                return $"chain {c}: attachment {attachments[c]} is outside the matrix or itself eliminated";

        // Every entry touching a chain unknown must be tridiagonal within its chain (the attachment at position m).
        var cp = pattern.ColumnPointers;
        var rows = pattern.RowIndices;
        for (int col = 0; col < n; col++)
            for (int k = cp[col]; k < cp[col + 1]; k++)
            {
                int row = rows[k];
                if (chainOf[row] < 0 && chainOf[col] < 0) continue;
                int c = chainOf[row] >= 0 ? chainOf[row] : chainOf[col];
                int m = chains[c].Length;
                int Pos(int u) => chainOf[u] == c ? position[u] : u == attachments[c] ? m : -10;
                int pr = Pos(row), pc = Pos(col);
                if (pr < 0 || pc < 0 || Math.Abs(pr - pc) > 1)
                    return $"entry ({row}, {col}) couples chain unknowns outside their tridiagonal chain {c}";
            }

        return null;
    }

    /// <param name="pattern">Pattern of the full matrix.</param>
    /// <param name="chains">Each chain's unknowns, from its free end to the one next to its attachment.</param>
    /// <param name="attachments">The kept unknown each chain couples to (one per chain).</param>
    /// <param name="sameValuesAs">
    /// Optional, per chain: an earlier chain (index below its own) of the same length whose entries — diagonal, entries to
    /// the previous and next element, the last one's entry to its attachment — equal this chain's in every matrix passed to
    /// <see cref="Factor"/>, or −1. Not checked against the values: a false declaration gives a wrong solution.
    /// </param>
    /// <exception cref="ArgumentException">a chain unknown has an entry outside its tridiagonal chain and attachment, or a
    /// declared equal chain is not an earlier one of the same length.</exception>
    public ChainCondensedSolver(SparsityPattern pattern, IReadOnlyList<int[]> chains, IReadOnlyList<int> attachments, IReadOnlyList<int>? sameValuesAs = null)
        : this(pattern, chains, attachments, sameValuesAs, Checked(pattern, chains, attachments, out int total), total) { }

    /// <summary>
    /// The condensed solver, or null (with the reason in <paramref name="incompatibility"/>) when <paramref name="pattern"/>
    /// cannot be condensed along <paramref name="chains"/> (see <see cref="Incompatibility(SparsityPattern, IReadOnlyList{int[]}, IReadOnlyList{int})"/>):
    /// the check and the set-up share one pass over the pattern.
    /// </summary>
    public static ChainCondensedSolver? TryCreate(SparsityPattern pattern, IReadOnlyList<int[]> chains, IReadOnlyList<int> attachments, out string? incompatibility,
        IReadOnlyList<int>? sameValuesAs = null)
    {
        incompatibility = null;
        var cached = FromTemplate(pattern, chains, attachments, sameValuesAs);
        if (cached is not null) return cached;
        incompatibility = Incompatibility(pattern, chains, attachments, out var chainOf, out int total);
        if (incompatibility is not null) return null;
        var solver = new ChainCondensedSolver(pattern, chains, attachments, sameValuesAs, chainOf, total);
        if (total <= MostTemplateElements)
            lock (Templates)
            {
                Templates.Insert(0, new Template(pattern.ColumnPointers.ToArray(), pattern.RowIndices.ToArray(), chains.Select(c => c.ToArray()).ToArray(),
                    attachments.ToArray(), sameValuesAs?.ToArray(), solver));
                if (Templates.Count > CachedTemplates) Templates.RemoveAt(Templates.Count - 1);
            }
        return solver;
    }

    /// <summary>
    /// The set-ups <see cref="TryCreate"/> made, most recent first: the structure (which unknowns, slots, groups and reduced
    /// pattern) is a function of the pattern, chains, attachments and declarations alone, so a solver for inputs equal to a
    /// template's shares the template's structure and gets buffers of its own — the runs of a sweep or of the benchmark, each
    /// building its model afresh, skip the set-up (SiO@C-l: ~1.7 % of a run). Only the structure is shared, which no
    /// factorisation or solve writes, so a solver from a template computes exactly what a fresh one does.
    /// </summary>
    private sealed record Template(int[] ColumnPointers, int[] RowIndices, int[][] Chains, int[] Attachments, int[]? SameValuesAs, ChainCondensedSolver Solver);
    private static readonly List<Template> Templates = [];
    private const int CachedTemplates = 4, MostTemplateElements = 1 << 16;

    private static ChainCondensedSolver? FromTemplate(SparsityPattern pattern, IReadOnlyList<int[]> chains, IReadOnlyList<int> attachments, IReadOnlyList<int>? sameValuesAs)
    {
        lock (Templates)
            for (int i = 0; i < Templates.Count; i++)
            {
                var t = Templates[i];
                if (t.Chains.Length != chains.Count || t.Attachments.Length != attachments.Count || (t.SameValuesAs is null) != (sameValuesAs is null)
                    || !t.ColumnPointers.AsSpan().SequenceEqual(pattern.ColumnPointers) || !t.RowIndices.AsSpan().SequenceEqual(pattern.RowIndices))
                    continue;
                bool equal = true;
                for (int c = 0; equal && c < chains.Count; c++)
                    equal = t.Attachments[c] == attachments[c] && (sameValuesAs is null || t.SameValuesAs![c] == sameValuesAs[c]) && t.Chains[c].AsSpan().SequenceEqual(chains[c]);
                if (!equal) continue;
                Templates.RemoveAt(i);
                Templates.Insert(0, t);
                return new ChainCondensedSolver(t.Solver);
            }
        return null;
    }

    /// <summary>A solver sharing <paramref name="template"/>'s structure, with buffers and a reduced solver of its own.</summary>
    private ChainCondensedSolver(ChainCondensedSolver template)
    {
        (_n, _nonZeros) = (template._n, template._nonZeros);
        (_unknown, _diagonal, _lower, _upper) = (template._unknown, template._diagonal, template._lower, template._upper);
        (_groupStart, _groupLanes, _groupFirstLane, _laneChain) = (template._groupStart, template._groupLanes, template._groupFirstLane, template._laneChain);
        (_eliminatedGroups, _groupSource, _groupSourceLanes) = (template._eliminatedGroups, template._groupSource, template._groupSourceLanes);
        (_attach, _attachToChain, _attachDiagonal, _lastElement) = (template._attach, template._attachToChain, template._attachDiagonal, template._lastElement);
        (_keptFull, _keptReduced, _reducedUnknown) = (template._keptFull, template._keptReduced, template._reducedUnknown);
        _inversePivot = new double[template._inversePivot.Length];
        _factor = new double[template._factor.Length];
        _upperValue = new double[template._upperValue.Length];
        _attachFactor = new double[template._attachFactor.Length];
        _reducedValues = new double[template._reducedValues.Length];
        _reducedRhs = new double[template._reducedRhs.Length];
        _forward = new double[template._forward.Length];
        _noShift = template._noShift; // all zero, never written
        _reducedPattern = template._reducedPattern;
        _reduced = CreateReduced(_reducedPattern);
    }

    // Up to a thousand kept unknowns (the P2D default meshes: 82 for SiO@C-l, 182 for Marquis2019) the compiled LU, whose
    // fixed-structure elimination skips KLU's per-column work (a few per cent of a run: CompiledSparseLu); KLU beyond.
    private static ISparseLinearSolver CreateReduced(SparsityPattern reducedPattern)
        => reducedPattern.Size <= CompiledSparseLu.MaxSize ? new CompiledSparseLu(reducedPattern) : new KluLinearSolver(reducedPattern);

    private static int[] Checked(SparsityPattern pattern, IReadOnlyList<int[]> chains, IReadOnlyList<int> attachments, out int total)
    {
        string? problem = Incompatibility(pattern, chains, attachments, out var chainOf, out total);
        return problem is null ? chainOf : throw new ArgumentException(problem);
    }

    private ChainCondensedSolver(SparsityPattern pattern, IReadOnlyList<int[]> chains, IReadOnlyList<int> attachments, IReadOnlyList<int>? sameValuesAs,
        int[] chainOf, int total)
    {
        _n = pattern.Size;
        _nonZeros = pattern.NonZeroCount;
        var cp = pattern.ColumnPointers;
        var rows = pattern.RowIndices;

        // The chain each one's elimination is copied from (itself when eliminated).
        var source = new int[chains.Count];
        if (sameValuesAs is not null && sameValuesAs.Count != chains.Count)
            throw new ArgumentException($"{chains.Count} chains but {sameValuesAs.Count} equal-chain declarations");
        for (int c = 0; c < chains.Count; c++)
        {
            int same = sameValuesAs?[c] ?? -1;
            if (same >= c || (same >= 0 && chains[same].Length != chains[c].Length))
                throw new ArgumentException($"chain {c} is declared equal to chain {same}, not an earlier chain of its length");
            source[c] = same < 0 ? c : source[same];
        }

        _unknown = new int[total];
        _diagonal = new int[total];
        _lower = new int[total];
        _upper = new int[total];
        _inversePivot = new double[total];
        _factor = new double[total];
        _upperValue = new double[total];
        _attach = new int[chains.Count];
        _attachToChain = new int[chains.Count];
        _attachDiagonal = new int[chains.Count];
        _lastElement = new int[chains.Count];
        _attachFactor = new double[chains.Count];
        var groupStart = new List<int>();
        var groupLanes = new List<int>();
        var groupFirst = new List<int>();
        var laneChain = new List<int>();
        var firstElement = new int[chains.Count];
        int at = 0;
        void AddGroups(List<int> order)
        {
            for (int first = 0; first < order.Count;)
            {
                int m = chains[order[first]].Length, lanes = 1;
                while (lanes < MaxLanes && first + lanes < order.Count && chains[order[first + lanes]].Length == m
                       && source[order[first + lanes]] == source[order[first]]) lanes++;
                groupStart.Add(at);
                groupLanes.Add(lanes);
                groupFirst.Add(laneChain.Count);
                for (int l = 0; l < lanes; l++)
                {
                    int c = order[first + l];
                    laneChain.Add(c);
                    firstElement[c] = at + l;
                    _lastElement[c] = at + (m - 1) * lanes + l;
                }
                for (int k = 0; k < m; k++)
                    for (int l = 0; l < lanes; l++, at++)
                    {
                        int c = order[first + l];
                        var chain = chains[c];
                        int u = chain[k];
                        int next = k + 1 < m ? chain[k + 1] : attachments[c];
                        _unknown[at] = u;
                        _diagonal[at] = pattern.SlotOf(u, u);
                        _lower[at] = k > 0 && pattern.Contains(u, chain[k - 1]) ? pattern.SlotOf(u, chain[k - 1]) : -1;
                        _upper[at] = pattern.Contains(u, next) ? pattern.SlotOf(u, next) : -1;
                    }
                first += lanes;
            }
        }
        // Eliminated chains in their order (sources are always eliminated: source[c] ≤ c); the others by source, in order.
        AddGroups(Enumerable.Range(0, chains.Count).Where(c => source[c] == c).ToList());
        _eliminatedGroups = groupLanes.Count;
        AddGroups(Enumerable.Range(0, chains.Count).Where(c => source[c] != c).OrderBy(c => source[c]).ThenBy(c => c).ToList());
        groupStart.Add(at);
        _groupStart = groupStart.ToArray();
        _groupLanes = groupLanes.ToArray();
        _groupFirstLane = groupFirst.ToArray();
        _laneChain = laneChain.ToArray();
        // A group of declared equal chains reads the coefficients of its lanes' one source: element k of that chain.
        _groupSource = new int[_groupLanes.Length];
        _groupSourceLanes = new int[_groupLanes.Length];
        for (int g = _eliminatedGroups; g < _groupLanes.Length; g++)
        {
            int from = source[_laneChain[_groupFirstLane[g]]];
            _groupSource[g] = firstElement[from];
            _groupSourceLanes[g] = _groupLanes[GroupOf(firstElement[from])];
        }
        for (int c = 0; c < chains.Count; c++) _lastElement[c] = _lastElement[source[c]];
        for (int c = 0; c < chains.Count; c++)
        {
            int s = attachments[c];
            _attach[c] = s;
            _attachToChain[c] = pattern.Contains(s, chains[c][^1]) ? pattern.SlotOf(s, chains[c][^1]) : -1;
        }

        // The reduced system: the kept unknowns in their order, every entry between two of them.
        var reducedIndex = new int[_n];
        _reducedUnknown = new int[_n - total];
        for (int i = 0, r = 0; i < _n; i++)
        {
            reducedIndex[i] = chainOf[i] >= 0 ? -1 : r;
            if (chainOf[i] < 0) _reducedUnknown[r++] = i;
        }
        var builder = new SparsityPatternBuilder(_reducedUnknown.Length);
        builder.AddDiagonal();
        int kept = 0;
        for (int col = 0; col < _n; col++)
            for (int k = cp[col]; k < cp[col + 1]; k++)
                if (chainOf[rows[k]] < 0 && chainOf[col] < 0) { builder.Add(reducedIndex[rows[k]], reducedIndex[col]); kept++; }
        var reducedPattern = builder.Build();
        _keptFull = new int[kept];
        _keptReduced = new int[kept];
        kept = 0;
        for (int col = 0; col < _n; col++)
            for (int k = cp[col]; k < cp[col + 1]; k++)
                if (chainOf[rows[k]] < 0 && chainOf[col] < 0)
                {
                    _keptFull[kept] = k;
                    _keptReduced[kept++] = reducedPattern.SlotOf(reducedIndex[rows[k]], reducedIndex[col]);
                }
        for (int c = 0; c < chains.Count; c++) _attachDiagonal[c] = reducedPattern.SlotOf(reducedIndex[_attach[c]], reducedIndex[_attach[c]]);
        _reducedValues = new double[reducedPattern.NonZeroCount];
        _reducedRhs = new double[_reducedUnknown.Length];
        _forward = new double[total];
        _noShift = OnChains(new double[total], [], []);
        _reducedPattern = reducedPattern;
        _reduced = CreateReduced(reducedPattern);
    }

    /// <summary>
    /// Most chains interleaved in one group. A few lanes already overlap the chains' dependent operations; many lanes
    /// spread one pass over as many particles' rows of the vector and the matrix values (each lane its own cache line and
    /// page), which at 2000 particles of 496 shells made the chain elimination miss the caches and the TLB on every element.
    /// </summary>
    private const int MaxLanes = 8;

    /// <summary>Unknowns left in the sparse factorisation.</summary>
    public int ReducedSize => _reducedUnknown.Length;

    /// <summary>Chains eliminated at each factorisation (the others copy a declared equal chain's elimination).</summary>
    public int EliminatedChains => _groupFirstLane.Length > _eliminatedGroups ? _groupFirstLane[_eliminatedGroups] : _laneChain.Length;

    private int GroupOf(int element)
    {
        int g = Array.BinarySearch(_groupStart, element);
        return g >= 0 ? g : ~g - 1;
    }

    public void Factor(ReadOnlySpan<double> values) => Factor(values, 0.0, _noShift);

    /// <summary>
    /// Factorises <c>values + a M</c> without writing the shift into <paramref name="values"/>: each diagonal entry takes
    /// its shift where it is read (a chain pivot, or a kept entry copied into the reduced matrix). The sum is the one the
    /// default method forms (value + a·coefficient, once per entry), so the result is bit for bit the same; a chain
    /// declared equal to another takes that chain's shifted elimination. Measured against adding the shift to the Jacobian
    /// first (a separate pass over the mass slots; `valgrind --tool=callgrind … bench -n 10`, native): SiO@C-l 835.09 →
    /// 831.24 M instructions, Marquis2019 1C 7.018 → 6.849 G.
    /// </summary>
    public void Factor(Span<double> values, double a, DiagonalShift shift)
    {
        Bind(shift);
        Factor(values, a, _boundShift!);
    }

    private readonly ShiftOnChains _noShift;
    private DiagonalShift? _bound;
    private ShiftOnChains? _boundShift;

    /// <summary>A diagonal shift mapped onto the chain elements (eliminated ones; copies take their source's) and the reduced slots.</summary>
    /// <remarks>
    /// With it, what the compiled LU needs to take the reduced matrix straight from the full one
    /// (<see cref="CompiledSparseLu.FactorGathered"/>): each reduced entry's full slot (<c>Source</c>, −1 where absent or
    /// computed), and the computed entries — the attachments' diagonals with their Schur updates and the shifted kept
    /// diagonals — with their full slot, the override each shift coefficient and each chain's Schur update goes to.
    /// </remarks>
    private sealed record ShiftOnChains(double[] Element, int[] ReducedSlot, double[] ReducedCoefficient,
        int[] Source, int[] OverrideEntry, int[] OverrideSource, int[] ShiftOverride, int[] AttachOverride);

    private ShiftOnChains OnChains(double[] element, int[] reducedSlot, double[] reducedCoefficient)
    {
        int entries = _reducedValues.Length;
        var source = new int[entries];
        var overrideIndex = new int[entries];
        Array.Fill(source, -1);
        Array.Fill(overrideIndex, -1);
        for (int k = 0; k < _keptFull.Length; k++) source[_keptReduced[k]] = _keptFull[k];
        var overrideEntry = new List<int>();
        int Override(int e)
        {
            if (overrideIndex[e] < 0) { overrideIndex[e] = overrideEntry.Count; overrideEntry.Add(e); }
            return overrideIndex[e];
        }
        var attachOverride = _attachDiagonal.Select(Override).ToArray();
        var shiftOverride = reducedSlot.Select(Override).ToArray();
        var overrideSource = overrideEntry.Select(e => source[e]).ToArray();
        foreach (int e in overrideEntry) source[e] = -1;
        return new ShiftOnChains(element, reducedSlot, reducedCoefficient, source, overrideEntry.ToArray(), overrideSource, shiftOverride, attachOverride);
    }

    private double[] _overrideValue = [];

    private void Bind(DiagonalShift shift)
    {
        if (ReferenceEquals(shift, _bound)) return;
        var elementAt = new int[_nonZeros];
        var reducedAt = new int[_nonZeros];
        Array.Fill(elementAt, -1);
        Array.Fill(reducedAt, -1);
        for (int k = 0; k < _unknown.Length; k++) elementAt[_diagonal[k]] = k;
        for (int k = 0; k < _keptFull.Length; k++) reducedAt[_keptFull[k]] = _keptReduced[k];
        var element = new double[_unknown.Length];
        var reducedSlot = new List<int>();
        var reducedCoefficient = new List<double>();
        for (int j = 0; j < shift.Slots.Length; j++)
        {
            int slot = shift.Slots[j];
            if ((uint)slot >= (uint)_nonZeros) throw new ArgumentException($"diagonal shift slot {slot} is outside the pattern's {_nonZeros} entries");
            if (reducedAt[slot] >= 0) { reducedSlot.Add(reducedAt[slot]); reducedCoefficient.Add(shift.Coefficients[j]); }
            else if (elementAt[slot] >= 0) element[elementAt[slot]] += shift.Coefficients[j];
            else throw new ArgumentException($"diagonal shift slot {slot} is not a diagonal entry of the pattern");
        }
        _boundShift = OnChains(element, reducedSlot.ToArray(), reducedCoefficient.ToArray());
        _bound = shift;
    }

    private void Factor(ReadOnlySpan<double> values, double a, ShiftOnChains shift)
    {
        if (values.Length != _nonZeros) throw new ArgumentException($"expected {_nonZeros} values for the pattern, got {values.Length}");
        // Slots and indices are the set-up's own (checked against the pattern there; the length just above), so the loops
        // read through refs without bounds checks; the arithmetic is the same, in the same order.
        var reduced = _reducedValues;
        ref double value = ref MemoryMarshal.GetReference(values);
        ref double reducedValue = ref MemoryMarshal.GetArrayDataReference(reduced);
        ref int diagonal = ref MemoryMarshal.GetArrayDataReference(_diagonal);
        ref int lower = ref MemoryMarshal.GetArrayDataReference(_lower);
        ref int upper = ref MemoryMarshal.GetArrayDataReference(_upper);
        ref double inversePivot = ref MemoryMarshal.GetArrayDataReference(_inversePivot);
        ref double factors = ref MemoryMarshal.GetArrayDataReference(_factor);
        ref double upperValue = ref MemoryMarshal.GetArrayDataReference(_upperValue);
        ref int keptFull = ref MemoryMarshal.GetArrayDataReference(_keptFull);
        ref int keptReduced = ref MemoryMarshal.GetArrayDataReference(_keptReduced);
        ref double elementShift = ref MemoryMarshal.GetArrayDataReference(shift.Element);
        // The compiled LU takes the reduced matrix from the full one, with the entries computed here (the shifted kept
        // diagonals, the attachments' diagonals with their Schur updates) as overrides: the same values and operations as
        // assembling it first. Measured against the assembly (callgrind of the native bench -n 10, x86-64-v3, 2026-12-08): SiO@C-l
        // 686.85 → 673.81 M instructions, Marquis2019 1C 4.863 → 4.779 G.
        var compiled = _reduced as CompiledSparseLu;
        double[] overrides = _overrideValue;
        if (compiled is not null)
        {
            if (overrides.Length < shift.OverrideEntry.Length) _overrideValue = overrides = new double[shift.OverrideEntry.Length];
            for (int j = 0; j < shift.OverrideEntry.Length; j++) overrides[j] = shift.OverrideSource[j] >= 0 ? values[shift.OverrideSource[j]] : 0.0;
            for (int j = 0; j < shift.ReducedSlot.Length; j++) overrides[shift.ShiftOverride[j]] += a * shift.ReducedCoefficient[j];
        }
        else
        {
            // Entries absent from the full pattern are zero, and the reduced pattern's added diagonal too.
            Array.Clear(reduced);
            Gather(ref reducedValue, ref keptReduced, ref value, ref keptFull, _keptFull.Length);
            for (int j = 0; j < shift.ReducedSlot.Length; j++) reduced[shift.ReducedSlot[j]] += a * shift.ReducedCoefficient[j];
        }
        for (int g = 0; g < _eliminatedGroups; g++)
        {
            int start = _groupStart[g], end = _groupStart[g + 1], lanes = _groupLanes[g];
            for (int k = start; k < end; k++)
            {
                double d = Unsafe.Add(ref value, Unsafe.Add(ref diagonal, k)) + a * Unsafe.Add(ref elementShift, k);
                double factor = 0;
                int lowerSlot = Unsafe.Add(ref lower, k);
                if (k >= start + lanes && lowerSlot >= 0)
                {
                    factor = Unsafe.Add(ref value, lowerSlot) * Unsafe.Add(ref inversePivot, k - lanes);
                    d -= factor * Unsafe.Add(ref upperValue, k - lanes);
                }
                if (!(d != 0 && double.IsFinite(d)))
                    throw new SingularIterationMatrixException($"zero or non-finite pivot {d} at unknown {_unknown[k]} of a condensed chain");
                // The reciprocal once here: the solves multiply (a division in the back substitution's dependent chain
                // was a third of the solve).
                Unsafe.Add(ref inversePivot, k) = 1.0 / d;
                Unsafe.Add(ref factors, k) = factor;
                int upperSlot = Unsafe.Add(ref upper, k);
                Unsafe.Add(ref upperValue, k) = upperSlot >= 0 ? Unsafe.Add(ref value, upperSlot) : 0.0;
            }
        }
        // The Schur updates in chain order (that of the elimination before copies were declared: chains sharing an
        // attachment subtract in the same order).
        for (int c = 0; c < _attach.Length; c++)
        {
            int last = _lastElement[c];
            double toChain = _attachToChain[c] >= 0 ? values[_attachToChain[c]] : 0.0;
            double attachFactor = toChain * _inversePivot[last];
            _attachFactor[c] = attachFactor;
            if (compiled is not null) overrides[shift.AttachOverride[c]] -= attachFactor * _upperValue[last];
            else reduced[_attachDiagonal[c]] -= attachFactor * _upperValue[last];
        }
        if (compiled is not null) compiled.FactorGathered(values, shift.Source, shift.OverrideEntry, overrides, reduced);
        else _reduced.Factor(reduced);
    }

    /// <summary>target[to[k]] = source[from[k]]: a loop of its own, so that its few refs stay in registers.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Gather(ref double target, ref int to, ref double source, ref int from, int count)
    {
        for (int k = 0; k < count; k++) Unsafe.Add(ref target, Unsafe.Add(ref to, k)) = Unsafe.Add(ref source, Unsafe.Add(ref from, k));
    }

    public void Solve(Span<double> rhsThenSolution)
    {
        if (rhsThenSolution.Length == 0 || rhsThenSolution.Length % _n != 0)
            throw new ArgumentException($"right-hand side length {rhsThenSolution.Length} is not a positive multiple of the matrix order {_n}");
        for (int offset = 0; offset < rhsThenSolution.Length; offset += _n) SolveOne(rhsThenSolution.Slice(offset, _n));
    }

    private void SolveOne(Span<double> b)
    {
        // The indices are the set-up's own (checked against the pattern there), so the loops read through refs without
        // bounds checks; the arithmetic is the same, in the same order.
        int groups = _groupLanes.Length;
        ref double x = ref MemoryMarshal.GetReference(b);
        ref int unknown = ref MemoryMarshal.GetArrayDataReference(_unknown);
        ref double factor = ref MemoryMarshal.GetArrayDataReference(_factor);
        ref double upper = ref MemoryMarshal.GetArrayDataReference(_upperValue);
        ref double inversePivot = ref MemoryMarshal.GetArrayDataReference(_inversePivot);
        ref int attach = ref MemoryMarshal.GetArrayDataReference(_attach);
        ref double attachFactor = ref MemoryMarshal.GetArrayDataReference(_attachFactor);
        ref int laneChain = ref MemoryMarshal.GetArrayDataReference(_laneChain);
        ref int groupSource = ref MemoryMarshal.GetArrayDataReference(_groupSource);
        ref int groupSourceLanes = ref MemoryMarshal.GetArrayDataReference(_groupSourceLanes);
        ref double forward = ref MemoryMarshal.GetArrayDataReference(_forward);
        bool wide = Vector256.IsHardwareAccelerated;
        // Forward elimination along each chain, into its attachment's row; a group of declared equal chains with its
        // source's factors, one per element position for all its lanes.
        for (int g = 0; g < groups; g++)
        {
            int start = _groupStart[g], end = _groupStart[g + 1], lanes = _groupLanes[g], first = _groupFirstLane[g];
            if (wide && lanes == 8)
            {
                bool own = g < _eliminatedGroups;
                ForwardEight(ref x, ref Unsafe.Add(ref unknown, start), ref Unsafe.Add(ref forward, start), ref factor,
                    own ? start : Unsafe.Add(ref groupSource, g), own ? 8 : Unsafe.Add(ref groupSourceLanes, g), own, (end - start) / 8);
                for (int l = 0; l < 8; l++)
                {
                    int c = Unsafe.Add(ref laneChain, first + l);
                    Unsafe.Add(ref x, Unsafe.Add(ref attach, c)) -= Unsafe.Add(ref attachFactor, c) * Unsafe.Add(ref forward, end - 8 + l);
                }
                continue;
            }
            if (g < _eliminatedGroups)
                for (int k = start + lanes; k < end; k++)
                    Unsafe.Add(ref x, Unsafe.Add(ref unknown, k)) -= Unsafe.Add(ref factor, k) * Unsafe.Add(ref x, Unsafe.Add(ref unknown, k - lanes));
            else
            {
                int sourceLanes = Unsafe.Add(ref groupSourceLanes, g);
                for (int row = start + lanes, from = Unsafe.Add(ref groupSource, g) + sourceLanes; row < end; row += lanes, from += sourceLanes)
                {
                    double f = Unsafe.Add(ref factor, from);
                    for (int k = row; k < row + lanes; k++)
                        Unsafe.Add(ref x, Unsafe.Add(ref unknown, k)) -= f * Unsafe.Add(ref x, Unsafe.Add(ref unknown, k - lanes));
                }
            }
            for (int l = 0; l < lanes; l++)
            {
                int c = Unsafe.Add(ref laneChain, first + l);
                Unsafe.Add(ref x, Unsafe.Add(ref attach, c)) -= Unsafe.Add(ref attachFactor, c) * Unsafe.Add(ref x, Unsafe.Add(ref unknown, end - lanes + l));
            }
        }
        if (_reduced is CompiledSparseLu compiled) compiled.SolveWithin(b, _reducedUnknown);
        else
        {
            var r = _reducedRhs;
            ref double reducedRhs = ref MemoryMarshal.GetArrayDataReference(r);
            ref int reducedUnknown = ref MemoryMarshal.GetArrayDataReference(_reducedUnknown);
            for (int i = 0; i < r.Length; i++) Unsafe.Add(ref reducedRhs, i) = Unsafe.Add(ref x, Unsafe.Add(ref reducedUnknown, i));
            _reduced.Solve(r);
            for (int i = 0; i < r.Length; i++) Unsafe.Add(ref x, Unsafe.Add(ref reducedUnknown, i)) = Unsafe.Add(ref reducedRhs, i);
        }
        // Back substitution from the attachment to the free end.
        for (int g = 0; g < groups; g++)
        {
            int start = _groupStart[g], end = _groupStart[g + 1], lanes = _groupLanes[g], first = _groupFirstLane[g];
            if (wide && lanes == 8)
            {
                bool own = g < _eliminatedGroups;
                int rows = (end - start) / 8;
                ref int chain = ref Unsafe.Add(ref laneChain, first);
                var next0 = Vector256.Create(Unsafe.Add(ref x, Unsafe.Add(ref attach, chain)), Unsafe.Add(ref x, Unsafe.Add(ref attach, Unsafe.Add(ref chain, 1))),
                    Unsafe.Add(ref x, Unsafe.Add(ref attach, Unsafe.Add(ref chain, 2))), Unsafe.Add(ref x, Unsafe.Add(ref attach, Unsafe.Add(ref chain, 3))));
                var next1 = Vector256.Create(Unsafe.Add(ref x, Unsafe.Add(ref attach, Unsafe.Add(ref chain, 4))), Unsafe.Add(ref x, Unsafe.Add(ref attach, Unsafe.Add(ref chain, 5))),
                    Unsafe.Add(ref x, Unsafe.Add(ref attach, Unsafe.Add(ref chain, 6))), Unsafe.Add(ref x, Unsafe.Add(ref attach, Unsafe.Add(ref chain, 7))));
                int stride = own ? 8 : Unsafe.Add(ref groupSourceLanes, g);
                BackwardEight(ref x, ref Unsafe.Add(ref unknown, start), ref Unsafe.Add(ref forward, start), ref upper, ref inversePivot,
                    (own ? start : Unsafe.Add(ref groupSource, g)) + (rows - 1) * stride, stride, own, rows, next0, next1);
                continue;
            }
            if (g < _eliminatedGroups)
            {
                for (int l = 0; l < lanes; l++)
                {
                    int k = end - lanes + l;
                    ref double u = ref Unsafe.Add(ref x, Unsafe.Add(ref unknown, k));
                    u = (u - Unsafe.Add(ref upper, k) * Unsafe.Add(ref x, Unsafe.Add(ref attach, Unsafe.Add(ref laneChain, first + l)))) * Unsafe.Add(ref inversePivot, k);
                }
                for (int k = end - lanes - 1; k >= start; k--)
                {
                    ref double u = ref Unsafe.Add(ref x, Unsafe.Add(ref unknown, k));
                    u = (u - Unsafe.Add(ref upper, k) * Unsafe.Add(ref x, Unsafe.Add(ref unknown, k + lanes))) * Unsafe.Add(ref inversePivot, k);
                }
            }
            else
            {
                int sourceLanes = Unsafe.Add(ref groupSourceLanes, g);
                int from = Unsafe.Add(ref groupSource, g) + ((end - start) / lanes - 1) * sourceLanes;
                double up = Unsafe.Add(ref upper, from), inverse = Unsafe.Add(ref inversePivot, from);
                for (int l = 0; l < lanes; l++)
                {
                    ref double u = ref Unsafe.Add(ref x, Unsafe.Add(ref unknown, end - lanes + l));
                    u = (u - up * Unsafe.Add(ref x, Unsafe.Add(ref attach, Unsafe.Add(ref laneChain, first + l)))) * inverse;
                }
                for (int row = end - 2 * lanes; row >= start; row -= lanes)
                {
                    from -= sourceLanes;
                    (up, inverse) = (Unsafe.Add(ref upper, from), Unsafe.Add(ref inversePivot, from));
                    for (int k = row + lanes - 1; k >= row; k--)
                    {
                        ref double u = ref Unsafe.Add(ref x, Unsafe.Add(ref unknown, k));
                        u = (u - up * Unsafe.Add(ref x, Unsafe.Add(ref unknown, k + lanes))) * inverse;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The forward elimination of a group of eight lanes, four lanes per vector (where Vector256 is accelerated): the same
    /// operations per element as the scalar loop, so the same bits, but each row's values gathered from x once, the
    /// previous row's carried in registers and the eliminated values kept in <paramref name="forward"/> (element order)
    /// instead of written back into x and read again. The coefficients of row r are at <paramref name="coefficient"/> +
    /// r·<paramref name="stride"/>: one per lane (the group's own, <paramref name="perLane"/>) or one for all lanes (the
    /// source chain's of declared equal chains).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ForwardEight(ref double x, ref int unknown, ref double forward, ref double factor, int coefficient, int stride, bool perLane, int rows)
    {
        var p0 = Gather(ref x, ref unknown, 0);
        var p1 = Gather(ref x, ref unknown, 4);
        p0.StoreUnsafe(ref forward, 0);
        p1.StoreUnsafe(ref forward, 4);
        for (int r = 1; r < rows; r++)
        {
            coefficient += stride;
            int k = 8 * r;
            var (f0, f1) = Coefficients(ref factor, coefficient, perLane);
            p0 = Gather(ref x, ref unknown, k) - f0 * p0;
            p1 = Gather(ref x, ref unknown, k + 4) - f1 * p1;
            p0.StoreUnsafe(ref forward, (nuint)k);
            p1.StoreUnsafe(ref forward, (nuint)(k + 4));
        }
    }

    /// <summary>
    /// The back substitution of a group of eight lanes, as <see cref="ForwardEight"/>: from the last row (coefficients at
    /// <paramref name="coefficient"/>, <paramref name="next0"/>/<paramref name="next1"/> the lanes' attachment values) to
    /// the first, each row's solution scattered into x and carried to the row above in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void BackwardEight(ref double x, ref int unknown, ref double forward, ref double upper, ref double inversePivot,
        int coefficient, int stride, bool perLane, int rows, Vector256<double> next0, Vector256<double> next1)
    {
        for (int r = rows - 1; r >= 0; r--, coefficient -= stride)
        {
            int k = 8 * r;
            var (u0, u1) = Coefficients(ref upper, coefficient, perLane);
            var (i0, i1) = Coefficients(ref inversePivot, coefficient, perLane);
            next0 = (Vector256.LoadUnsafe(ref forward, (nuint)k) - u0 * next0) * i0;
            next1 = (Vector256.LoadUnsafe(ref forward, (nuint)(k + 4)) - u1 * next1) * i1;
            Scatter(ref x, ref unknown, k, next0);
            Scatter(ref x, ref unknown, k + 4, next1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double>, Vector256<double>) Coefficients(ref double values, int at, bool perLane)
    {
        if (perLane) return (Vector256.LoadUnsafe(ref values, (nuint)at), Vector256.LoadUnsafe(ref values, (nuint)(at + 4)));
        var all = Vector256.Create(Unsafe.Add(ref values, at));
        return (all, all);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Gather(ref double x, ref int unknown, int k)
        => Vector256.Create(Unsafe.Add(ref x, Unsafe.Add(ref unknown, k)), Unsafe.Add(ref x, Unsafe.Add(ref unknown, k + 1)),
            Unsafe.Add(ref x, Unsafe.Add(ref unknown, k + 2)), Unsafe.Add(ref x, Unsafe.Add(ref unknown, k + 3)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter(ref double x, ref int unknown, int k, Vector256<double> v)
    {
        Unsafe.Add(ref x, Unsafe.Add(ref unknown, k)) = v.GetElement(0);
        Unsafe.Add(ref x, Unsafe.Add(ref unknown, k + 1)) = v.GetElement(1);
        Unsafe.Add(ref x, Unsafe.Add(ref unknown, k + 2)) = v.GetElement(2);
        Unsafe.Add(ref x, Unsafe.Add(ref unknown, k + 3)) = v.GetElement(3);
    }

    public void Dispose() => _reduced.Dispose();
}
