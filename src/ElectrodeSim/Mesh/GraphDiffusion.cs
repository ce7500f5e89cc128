using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Mesh;

/// <summary>
/// Diffusion of a scalar u on a <see cref="FiniteVolumeGraph"/> by two-point fluxes: across face f, from its
/// left cell to its right one, <c>F_f = T_f (s_f − (u_R − u_L))</c>, added as <c>+F_f/V_L</c> to the left cell's
/// row and <c>−F_f/V_R</c> to the right cell's, so whatever leaves one cell enters the other. The
/// transmissibility carries the face area: <c>T_f = A_f T(k_L, k_R)</c> from coefficients per cell, averaged by
/// <see cref="FaceTransmissibility.FromDistances"/> over the centre-to-face distances, or <c>T_f = A_f k_f / (l_L + l_R)</c>
/// from a coefficient the law evaluates at the face. The optional drive s_f adds a second potential difference
/// on the same transmissibility (the electrolyte's diffusion potential ν Δln c_e, as gravity in a Darcy flux).
/// The coefficient and the drive may depend on a second field v (their derivatives are taken in v's cell
/// values); v may be u itself.
/// <para>
/// The faces are those of the given kinds whose two cells both carry u (unknown map ≥ 0): the map is the region
/// filter, so one graph serves fields that live on parts of it. A graph may stand for several identical
/// copies (the particles of a P2D electrode share one radial graph): copy q's unknown in cell c is
/// <c>offset_q + map[c]</c>, geometry is stored once and slots per copy. Jacobian slots are bound once;
/// evaluation allocates nothing. Boundary faces are the law's: it knows the boundary condition.
/// </para>
/// <para>
/// Where the graph names a <see cref="FiniteVolumeGraph.FluxPartner"/> for a flux face (an embedded-boundary cut face) and the
/// partner carries u too, the face's difference is interpolated to its aperture's centroid:
/// <c>F_f = T_f (s_f − (1 − w)(u_R − u_L) − w (u_R' − u_L'))</c>, the transmissibility still the face's own. Added after the
/// two-point loop as the correction <c>T_f w (Δu_f − Δu_f')</c>, so a graph without partners runs the same arithmetic as before.
/// </para>
/// </summary>
public sealed class GraphDiffusion
{
    private readonly FaceAverage _average;
    private readonly int[] _leftCell, _rightCell, _uL, _uR, _vL, _vR;
    /// <summary>Per flux face, contiguous for the evaluation loop: A/(l_L + l_R), the two cell volumes and their inverses (for the Jacobian).</summary>
    private readonly double[] _geometric, _leftVolume, _rightVolume, _inverseLeftVolume, _inverseRightVolume;
    /// <summary>
    /// Per flux face, what <see cref="Accumulate"/>'s face average needs of the geometry: harmonic, the half-cell lengths
    /// per unit area l_L/A and l_R/A (<see cref="FaceTransmissibility.Harmonic"/>); arithmetic, A/(2 (l_L + l_R)) in the first.
    /// </summary>
    private readonly double[] _leftLength, _rightLength;
    private readonly bool _sameField, _hasCoefficientField;
    private readonly int[] _offsets;
    /// <summary>u's map, and the cells at least one flux face touches.</summary>
    private readonly int[] _unknown, _cells;
    private int[] _ll = [], _lr = [], _rl = [], _rr = [];
    private int[] _vll = [], _vlr = [], _vrl = [], _vrr = [];
    /// <summary>Interpolated faces: index in <see cref="Faces"/> of the face and of its partner, the weight; per evaluation the face's T and ∂T/∂v.</summary>
    private readonly int[] _corrected = [], _partner = [];
    private readonly double[] _weight = [];
    private readonly double[] _t = [], _tByLeft = [], _tByRight = [];
    private int[] _pll = [], _plr = [], _prl = [], _prr = [];
    /// <summary>Per face, for <see cref="AccumulateSharedFaceCoefficient"/>: T_f, T_f/V_L, T_f/V_R of the evaluation.</summary>
    private readonly double[] _sharedT, _sharedTByLeftVolume, _sharedTByRightVolume;
    /// <summary>
    /// The flux faces form one chain of consecutive unknowns (face k joins u_L[0] + k and u_L[0] + k + 1, as the shells of a
    /// radial particle graph): <see cref="AccumulateSharedFaceCoefficient"/> then adds each copy's residual per cell, not per face.
    /// </summary>
    private readonly bool _chain;
    /// <summary>
    /// The largest unknown (less the copy's offset), graph cell and Jacobian slot the faces touch (−1: none): <see cref="Accumulate(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double}, int)"/>
    /// checks the spans against them once and then indexes without a check per access.
    /// </summary>
    private readonly int _maxUnknown = -1, _maxCell = -1;
    private int _maxSlot = -1;

    /// <param name="graph">The cells and faces.</param>
    /// <param name="unknown">Unknown index of u per graph cell, −1 where u does not live.</param>
    /// <param name="average">How cell coefficients are carried to a face.</param>
    /// <param name="coefficientUnknown">Unknown index of v per graph cell (null: coefficient and drive depend on nothing; <paramref name="unknown"/> itself: on u).</param>
    /// <param name="copies">Unknown offset of each copy of the graph (null: one copy, offset 0).</param>
    /// <param name="kinds">Face kinds that carry the flux (null: <see cref="FaceKind.Interior"/>).</param>
    public GraphDiffusion(FiniteVolumeGraph graph, int[] unknown, FaceAverage average, int[]? coefficientUnknown = null,
                          int[]? copies = null, FaceKind[]? kinds = null)
    {
        if (unknown.Length != graph.CellCount) throw new ArgumentException($"unknown map has {unknown.Length} entries for {graph.CellCount} cells");
        if (coefficientUnknown is not null && coefficientUnknown.Length != graph.CellCount)
            throw new ArgumentException($"coefficient unknown map has {coefficientUnknown.Length} entries for {graph.CellCount} cells");
        kinds ??= [FaceKind.Interior];
        _offsets = copies ?? [0];
        Graph = graph;
        _average = average;
        _sameField = ReferenceEquals(coefficientUnknown, unknown);
        _hasCoefficientField = coefficientUnknown is not null;
        var faces = new List<int>();
        for (int f = 0; f < graph.FaceCount; f++)
        {
            int r = graph.RightCell[f];
            if (r < 0 || Array.IndexOf(kinds, graph.Kind[f]) < 0) continue;
            if (unknown[graph.LeftCell[f]] < 0 || unknown[r] < 0) continue;
            if (coefficientUnknown is not null && (coefficientUnknown[graph.LeftCell[f]] < 0 || coefficientUnknown[r] < 0))
                throw new ArgumentException($"face {f} carries u but the coefficient's field is missing in one of its cells");
            faces.Add(f);
        }
        Faces = [.. faces];
        _unknown = unknown;
        var touched = new bool[graph.CellCount];
        foreach (int f in Faces) touched[graph.LeftCell[f]] = touched[graph.RightCell[f]] = true;
        _cells = [.. Enumerable.Range(0, graph.CellCount).Where(c => touched[c])];
        int n = Faces.Length;
        _leftCell = new int[n]; _rightCell = new int[n]; _uL = new int[n]; _uR = new int[n]; _vL = new int[n]; _vR = new int[n];
        _leftLength = new double[n]; _rightLength = new double[n]; _geometric = new double[n];
        _leftVolume = new double[n]; _rightVolume = new double[n]; _inverseLeftVolume = new double[n]; _inverseRightVolume = new double[n];
        _sharedT = new double[n]; _sharedTByLeftVolume = new double[n]; _sharedTByRightVolume = new double[n];
        for (int k = 0; k < n; k++)
        {
            int f = Faces[k], l = graph.LeftCell[f], r = graph.RightCell[f];
            _leftCell[k] = l; _rightCell[k] = r;
            _uL[k] = unknown[l]; _uR[k] = unknown[r];
            _vL[k] = coefficientUnknown?[l] ?? -1; _vR[k] = coefficientUnknown?[r] ?? -1;
            double area = graph.FaceArea[f], lL = graph.LeftDistance[f], lR = graph.RightDistance[f];
            if (average == FaceAverage.Arithmetic) _leftLength[k] = area / (2.0 * (lL + lR));
            else { _leftLength[k] = lL / area; _rightLength[k] = lR / area; }
            _geometric[k] = graph.FaceArea[f] / graph.Distance(f);
            _leftVolume[k] = graph.CellVolume[l]; _rightVolume[k] = graph.CellVolume[r];
            _inverseLeftVolume[k] = 1.0 / _leftVolume[k]; _inverseRightVolume[k] = 1.0 / _rightVolume[k];
        }
        _chain = n > 0;
        for (int k = 0; k < n; k++)
            if (_uL[k] != _uL[0] + k || _uR[k] != _uL[k] + 1) _chain = false;
        for (int k = 0; k < n; k++)
        {
            _maxUnknown = Math.Max(_maxUnknown, Math.Max(_uL[k], _uR[k]));
            _maxCell = Math.Max(_maxCell, Math.Max(_leftCell[k], _rightCell[k]));
        }
        if (graph.FluxPartner is { } partners)
        {
            var index = new Dictionary<int, int>(n);
            for (int k = 0; k < n; k++) index[Faces[k]] = k;
            var corrected = new List<int>();
            var partner = new List<int>();
            var weight = new List<double>();
            for (int k = 0; k < n; k++)
            {
                int p = partners[Faces[k]];
                double w = graph.FluxPartnerWeight![Faces[k]];
                if (p < 0 || w == 0 || !index.TryGetValue(p, out int kp)) continue;
                corrected.Add(k); partner.Add(kp); weight.Add(w);
            }
            _corrected = [.. corrected]; _partner = [.. partner]; _weight = [.. weight];
            if (_corrected.Length > 0) { _t = new double[n]; _tByLeft = new double[n]; _tByRight = new double[n]; }
        }
    }

    /// <summary>Flux faces whose difference is interpolated with a partner face's (<see cref="FiniteVolumeGraph.FluxPartner"/>).</summary>
    public int InterpolatedFaceCount => _corrected.Length;

    public FiniteVolumeGraph Graph { get; }
    /// <summary>The graph faces that carry the flux, in graph order; the spans below and per-face inputs follow this order.</summary>
    public int[] Faces { get; }
    public int FaceCount => Faces.Length;
    /// <summary>Number of copies of the graph.</summary>
    public int CopyCount => _offsets.Length;
    /// <summary>Unknown offset of copy <paramref name="copy"/> (add it to the indices below).</summary>
    public int Offset(int copy) => _offsets[copy];
    public ReadOnlySpan<int> LeftCells => _leftCell;
    public ReadOnlySpan<int> RightCells => _rightCell;
    /// <summary>Unknown index of u in each face's left and right cell, less the copy's offset.</summary>
    public ReadOnlySpan<int> LeftUnknowns => _uL;
    public ReadOnlySpan<int> RightUnknowns => _uR;

    /// <summary>
    /// Declares the entries the fluxes touch: each cell's own u once (the diagonal), u of the other cell and, for
    /// a coefficient in another field, v of both cells per face (one entry per face and row, so a large mesh
    /// sorts no more entries than it has).
    /// </summary>
    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        foreach (int o in _offsets)
        {
            foreach (int c in _cells) pattern.Add(o + _unknown[c], o + _unknown[c]);
            for (int k = 0; k < Faces.Length; k++)
            {
                int uL = o + _uL[k], uR = o + _uR[k];
                pattern.Add(uL, uR);
                pattern.Add(uR, uL);
                if (!_hasCoefficientField || _sameField) continue;
                int vL = o + _vL[k], vR = o + _vR[k];
                pattern.Add(uL, vL); pattern.Add(uL, vR);
                pattern.Add(uR, vL); pattern.Add(uR, vR);
            }
            for (int m = 0; m < _corrected.Length; m++)
            {
                int k = _corrected[m], kp = _partner[m];
                int uL = o + _uL[k], uR = o + _uR[k], pL = o + _uL[kp], pR = o + _uR[kp];
                pattern.Add(uL, pL); pattern.Add(uL, pR);
                pattern.Add(uR, pL); pattern.Add(uR, pR);
            }
        }
    }

    public void Bind(SparsityPattern pattern)
    {
        int n = Faces.Length * _offsets.Length;
        bool coefficientSlots = _hasCoefficientField && !_sameField;
        _ll = new int[n]; _lr = new int[n]; _rl = new int[n]; _rr = new int[n];
        if (coefficientSlots) { _vll = new int[n]; _vlr = new int[n]; _vrl = new int[n]; _vrr = new int[n]; }
        var diagonal = new int[Graph.CellCount];
        for (int q = 0, s = 0; q < _offsets.Length; q++)
        {
            int o = _offsets[q];
            foreach (int c in _cells) diagonal[c] = pattern.SlotOf(o + _unknown[c], o + _unknown[c]);
            for (int k = 0; k < Faces.Length; k++, s++)
            {
                int uL = o + _uL[k], uR = o + _uR[k];
                _ll[s] = diagonal[_leftCell[k]]; _lr[s] = pattern.SlotOf(uL, uR);
                _rl[s] = pattern.SlotOf(uR, uL); _rr[s] = diagonal[_rightCell[k]];
                if (!coefficientSlots) continue;
                int vL = o + _vL[k], vR = o + _vR[k];
                _vll[s] = pattern.SlotOf(uL, vL); _vlr[s] = pattern.SlotOf(uL, vR);
                _vrl[s] = pattern.SlotOf(uR, vL); _vrr[s] = pattern.SlotOf(uR, vR);
            }
        }
        _maxSlot = -1; // (of this pattern's slots, should the graph be bound again)
        foreach (var slotsOfKind in new[] { _ll, _lr, _rl, _rr, _vll, _vlr, _vrl, _vrr })
            foreach (int slot in slotsOfKind) _maxSlot = Math.Max(_maxSlot, slot);
        int nc = _corrected.Length * _offsets.Length;
        _pll = new int[nc]; _plr = new int[nc]; _prl = new int[nc]; _prr = new int[nc];
        for (int q = 0, s = 0; q < _offsets.Length; q++)
        {
            int o = _offsets[q];
            for (int m = 0; m < _corrected.Length; m++, s++)
            {
                int k = _corrected[m], kp = _partner[m];
                int uL = o + _uL[k], uR = o + _uR[k], pL = o + _uL[kp], pR = o + _uR[kp];
                _pll[s] = pattern.SlotOf(uL, pL); _plr[s] = pattern.SlotOf(uL, pR);
                _prl[s] = pattern.SlotOf(uR, pL); _prr[s] = pattern.SlotOf(uR, pR);
            }
        }
    }

    /// <summary>
    /// Adds the fluxes with coefficients per graph cell: <paramref name="coefficient"/> k [m²/s, S/m, …] and
    /// <paramref name="coefficientSlope"/> ∂k/∂v (empty: k depends on nothing), indexed by graph cell.
    /// </summary>
    public void Accumulate(ReadOnlySpan<double> y, ReadOnlySpan<double> coefficient, ReadOnlySpan<double> coefficientSlope,
                           Span<double> residual, Span<double> jacobian, int copy = 0) =>
        Accumulate(y, coefficient, coefficientSlope, [], [], [], residual, jacobian, copy);

    /// <summary>
    /// Adds the fluxes with coefficients per graph cell and a drive s_f per face (in the order of <see cref="Faces"/>)
    /// with its derivatives in v of the left and right cell (empty: the drive depends on nothing).
    /// </summary>
    public void Accumulate(ReadOnlySpan<double> y, ReadOnlySpan<double> coefficient, ReadOnlySpan<double> coefficientSlope,
                           ReadOnlySpan<double> drive, ReadOnlySpan<double> driveByLeft, ReadOnlySpan<double> driveByRight,
                           Span<double> residual, Span<double> jacobian, int copy = 0)
    {
        int n = Faces.Length;
        int offset = _offsets[copy], slots = copy * n;
        bool withJacobian = !jacobian.IsEmpty;
        bool variable = !coefficientSlope.IsEmpty && withJacobian, driven = !drive.IsEmpty, drivenSlope = !driveByLeft.IsEmpty && withJacobian;
        bool harmonic = _average == FaceAverage.Harmonic, keep = _t.Length > 0, sameField = _sameField, coefficientField = _hasCoefficientField;
        // Every index below is checked here once, against the largest the faces use, instead of at each access (the per-face
        // loop with a check per access and the fields read again after each store: callgrind of the native bench -n 10,
        // SiO@C-l GraphDiffusion.Accumulate 71.7 → 52.2 M instructions, Marquis2019 1C 310.0 → 219.2 M; the same arithmetic in the same order).
        if (n == 0) { if (_corrected.Length > 0) AddInterpolation(offset, copy, y, residual, jacobian, withJacobian); return; }
        if (offset + _maxUnknown >= Math.Min(y.Length, residual.Length) || _maxCell >= coefficient.Length
            || (variable && _maxCell >= coefficientSlope.Length) || (driven && drive.Length < n)
            || (drivenSlope && (driveByLeft.Length < n || driveByRight.Length < n))
            || (withJacobian && (_ll.Length < slots + n || _maxSlot >= jacobian.Length)))
            throw new ArgumentException("a span is shorter than the faces' unknowns, cells or Jacobian slots");
        // One loop per kind of call (a Jacobian or not, a drive or not, and the coefficient's field), so that the per-face loop
        // tests none of these flags (ISwitch): callgrind of the native bench -n 10, Accumulate with its loops SiO@C-l
        // 52.2 → 46.6 M instructions, Marquis2019 1C 219.2 → 199.8 M; the same arithmetic.
        if (!withJacobian)
        {
            if (driven) FaceLoop<Off, On, Off, Off>(y, coefficient, coefficientSlope, drive, driveByLeft, driveByRight, residual, jacobian, offset, slots, variable, drivenSlope, harmonic, keep);
            else FaceLoop<Off, Off, Off, Off>(y, coefficient, coefficientSlope, drive, driveByLeft, driveByRight, residual, jacobian, offset, slots, variable, drivenSlope, harmonic, keep);
        }
        else if (sameField)
        {
            if (driven) FaceLoop<On, On, On, Off>(y, coefficient, coefficientSlope, drive, driveByLeft, driveByRight, residual, jacobian, offset, slots, variable, drivenSlope, harmonic, keep);
            else FaceLoop<On, Off, On, Off>(y, coefficient, coefficientSlope, drive, driveByLeft, driveByRight, residual, jacobian, offset, slots, variable, drivenSlope, harmonic, keep);
        }
        else if (coefficientField)
        {
            if (driven) FaceLoop<On, On, Off, On>(y, coefficient, coefficientSlope, drive, driveByLeft, driveByRight, residual, jacobian, offset, slots, variable, drivenSlope, harmonic, keep);
            else FaceLoop<On, Off, Off, On>(y, coefficient, coefficientSlope, drive, driveByLeft, driveByRight, residual, jacobian, offset, slots, variable, drivenSlope, harmonic, keep);
        }
        else
        {
            if (driven) FaceLoop<On, On, Off, Off>(y, coefficient, coefficientSlope, drive, driveByLeft, driveByRight, residual, jacobian, offset, slots, variable, drivenSlope, harmonic, keep);
            else FaceLoop<On, Off, Off, Off>(y, coefficient, coefficientSlope, drive, driveByLeft, driveByRight, residual, jacobian, offset, slots, variable, drivenSlope, harmonic, keep);
        }
        if (_corrected.Length > 0) AddInterpolation(offset, copy, y, residual, jacobian, withJacobian);
    }

    /// <summary>A type-level flag: the loop it selects is compiled once per value, the tests on it folded away.</summary>
    private interface ISwitch { static abstract bool IsOn { get; } }
    private readonly struct On : ISwitch { public static bool IsOn => true; }
    private readonly struct Off : ISwitch { public static bool IsOn => false; }

    /// <summary>
    /// The per-face loop of <see cref="Accumulate(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double}, int)"/>
    /// (its spans checked there): with a Jacobian, with a drive, the coefficient in u's own field, in another field.
    /// </summary>
    private void FaceLoop<TJacobian, TDriven, TSame, TOther>(ReadOnlySpan<double> y, ReadOnlySpan<double> coefficient, ReadOnlySpan<double> coefficientSlope,
        ReadOnlySpan<double> drive, ReadOnlySpan<double> driveByLeft, ReadOnlySpan<double> driveByRight, Span<double> residual, Span<double> jacobian,
        int offset, int slots, bool variable, bool drivenSlope, bool harmonic, bool keep)
        where TJacobian : struct, ISwitch where TDriven : struct, ISwitch where TSame : struct, ISwitch where TOther : struct, ISwitch
    {
        int n = Faces.Length;
        ref int leftCell = ref MemoryMarshal.GetArrayDataReference(_leftCell), rightCell = ref MemoryMarshal.GetArrayDataReference(_rightCell);
        ref int uLs = ref MemoryMarshal.GetArrayDataReference(_uL), uRs = ref MemoryMarshal.GetArrayDataReference(_uR);
        ref double leftLength = ref MemoryMarshal.GetArrayDataReference(_leftLength), rightLength = ref MemoryMarshal.GetArrayDataReference(_rightLength);
        ref double leftVolume = ref MemoryMarshal.GetArrayDataReference(_leftVolume), rightVolume = ref MemoryMarshal.GetArrayDataReference(_rightVolume);
        ref double inverseLeft = ref MemoryMarshal.GetArrayDataReference(_inverseLeftVolume), inverseRight = ref MemoryMarshal.GetArrayDataReference(_inverseRightVolume);
        ref double u = ref MemoryMarshal.GetReference(y), r = ref MemoryMarshal.GetReference(residual), jac = ref MemoryMarshal.GetReference(jacobian);
        ref double k0 = ref MemoryMarshal.GetReference(coefficient), dk0 = ref MemoryMarshal.GetReference(coefficientSlope);
        ref double s0 = ref MemoryMarshal.GetReference(drive), sL0 = ref MemoryMarshal.GetReference(driveByLeft), sR0 = ref MemoryMarshal.GetReference(driveByRight);
        // Slot arrays are bound with a Jacobian (Bind); without one they are not read.
        ref int ll = ref Slot(_ll, slots), lr = ref Slot(_lr, slots), rl = ref Slot(_rl, slots), rr = ref Slot(_rr, slots);
        ref int vll = ref Slot(_vll, slots), vlr = ref Slot(_vlr, slots), vrl = ref Slot(_vrl, slots), vrr = ref Slot(_vrr, slots);
        for (int k = 0; k < n; k++)
        {
            int l = Unsafe.Add(ref leftCell, k), rc = Unsafe.Add(ref rightCell, k);
            double kL = Unsafe.Add(ref k0, l), kR = Unsafe.Add(ref k0, rc), t, dtL, dtR;
            if (harmonic) t = FaceTransmissibility.Harmonic(Unsafe.Add(ref leftLength, k), kL, Unsafe.Add(ref rightLength, k), kR, out dtL, out dtR);
            else { dtL = dtR = Unsafe.Add(ref leftLength, k); t = (kL + kR) * dtL; }
            double dTdvL = 0.0, dTdvR = 0.0;
            if (TJacobian.IsOn && variable) // (a residual alone then drops the slopes of T as dead code)
            {
                dTdvL = dtL * Unsafe.Add(ref dk0, l);
                dTdvR = dtR * Unsafe.Add(ref dk0, rc);
            }
            if (keep) { _t[k] = t; _tByLeft[k] = dTdvL; _tByRight[k] = dTdvR; }
            // As AddFace.
            int uL = offset + Unsafe.Add(ref uLs, k), uR = offset + Unsafe.Add(ref uRs, k);
            double potential = (TDriven.IsOn ? Unsafe.Add(ref s0, k) : 0.0) - (Unsafe.Add(ref u, uR) - Unsafe.Add(ref u, uL));
            double flux = t * potential;
            Unsafe.Add(ref r, uL) += flux / Unsafe.Add(ref leftVolume, k);
            Unsafe.Add(ref r, uR) -= flux / Unsafe.Add(ref rightVolume, k);
            if (!TJacobian.IsOn) continue;
            double inverseVL = Unsafe.Add(ref inverseLeft, k), inverseVR = Unsafe.Add(ref inverseRight, k);
            double byLeft = dTdvL * potential + t * (drivenSlope ? Unsafe.Add(ref sL0, k) : 0.0);
            double byRight = dTdvR * potential + t * (drivenSlope ? Unsafe.Add(ref sR0, k) : 0.0);
            if (TSame.IsOn)
            {
                double dL = t + byLeft, dR = -t + byRight;
                Unsafe.Add(ref jac, Unsafe.Add(ref ll, k)) += dL * inverseVL;
                Unsafe.Add(ref jac, Unsafe.Add(ref lr, k)) += dR * inverseVL;
                Unsafe.Add(ref jac, Unsafe.Add(ref rl, k)) -= dL * inverseVR;
                Unsafe.Add(ref jac, Unsafe.Add(ref rr, k)) -= dR * inverseVR;
                continue;
            }
            Unsafe.Add(ref jac, Unsafe.Add(ref ll, k)) += t * inverseVL;
            Unsafe.Add(ref jac, Unsafe.Add(ref lr, k)) -= t * inverseVL;
            Unsafe.Add(ref jac, Unsafe.Add(ref rl, k)) -= t * inverseVR;
            Unsafe.Add(ref jac, Unsafe.Add(ref rr, k)) += t * inverseVR;
            if (!TOther.IsOn) continue;
            Unsafe.Add(ref jac, Unsafe.Add(ref vll, k)) += byLeft * inverseVL;
            Unsafe.Add(ref jac, Unsafe.Add(ref vlr, k)) += byRight * inverseVL;
            Unsafe.Add(ref jac, Unsafe.Add(ref vrl, k)) -= byLeft * inverseVR;
            Unsafe.Add(ref jac, Unsafe.Add(ref vrr, k)) -= byRight * inverseVR;
        }
    }

    /// <summary>The slot at <paramref name="start"/> of one kind's slot array; a null reference where the array is empty (a kind the graph does not use, never read then).</summary>
    private static ref int Slot(int[] slots, int start) =>
        ref slots.Length > start ? ref slots[start] : ref Unsafe.NullRef<int>();

    /// <summary>
    /// Adds the fluxes with a coefficient the law evaluated at each face (in the order of <see cref="Faces"/>),
    /// <c>T_f = A_f k_f / (l_L + l_R)</c>, with ∂k_f/∂v of the left and right cell (empty: k_f depends on nothing).
    /// </summary>
    public void AccumulateFaceCoefficient(ReadOnlySpan<double> y, ReadOnlySpan<double> faceCoefficient,
                                          ReadOnlySpan<double> byLeft, ReadOnlySpan<double> byRight,
                                          Span<double> residual, Span<double> jacobian, int copy = 0)
    {
        int offset = _offsets[copy], slots = copy * Faces.Length;
        bool withJacobian = !jacobian.IsEmpty;
        bool variable = !byLeft.IsEmpty;
        for (int k = 0; k < Faces.Length; k++)
        {
            double g = _geometric[k];
            double t = g * faceCoefficient[k];
            double dTdvL = variable ? g * byLeft[k] : 0.0, dTdvR = variable ? g * byRight[k] : 0.0;
            if (_t.Length > 0) { _t[k] = t; _tByLeft[k] = dTdvL; _tByRight[k] = dTdvR; }
            AddFace(k, offset, slots + k, y, t, dTdvL, dTdvR, 0.0, 0.0, 0.0, residual, jacobian, withJacobian);
        }
        if (_corrected.Length > 0) AddInterpolation(offset, copy, y, residual, jacobian, withJacobian);
    }

    /// <summary>
    /// <see cref="AccumulateFaceCoefficient"/> for every copy at once, with one coefficient per face shared by all copies
    /// and independent of the state (a particle diffusivity that depends on T only): T_f and T_f/V of each face are formed
    /// once instead of once per copy, and the Jacobian entries, equal in every copy, are only scattered. Off a chain of faces,
    /// the same arithmetic in the same order as one <see cref="AccumulateFaceCoefficient"/> call per copy with no slopes; on a
    /// chain (a particle's shells) the residual is added per cell (<see cref="AccumulateChain"/>).
    /// </summary>
    public void AccumulateSharedFaceCoefficient(ReadOnlySpan<double> y, ReadOnlySpan<double> faceCoefficient, Span<double> residual, Span<double> jacobian)
    {
        bool withJacobian = !jacobian.IsEmpty;
        if (_corrected.Length > 0)
        {
            for (int q = 0; q < _offsets.Length; q++) AccumulateFaceCoefficient(y, faceCoefficient, [], [], residual, jacobian, q);
            return;
        }
        int n = Faces.Length;
        var t = _sharedT.AsSpan(0, n);
        var tByVL = _sharedTByLeftVolume.AsSpan(0, n);
        var tByVR = _sharedTByRightVolume.AsSpan(0, n);
        var geometric = _geometric.AsSpan(0, n);
        var inverseVL = _inverseLeftVolume.AsSpan(0, n);
        var inverseVR = _inverseRightVolume.AsSpan(0, n);
        var uLs = _uL.AsSpan(0, n);
        var uRs = _uR.AsSpan(0, n);
        faceCoefficient = faceCoefficient[..n];
        for (int k = 0; k < t.Length; k++)
        {
            double tk = geometric[k] * faceCoefficient[k];
            t[k] = tk;
            tByVL[k] = tk * inverseVL[k];
            tByVR[k] = tk * inverseVR[k];
        }
        var ll = _ll; var lr = _lr; var rl = _rl; var rr = _rr;
        var offsets = _offsets;
        if (_chain)
        {
            AccumulateChain(y, tByVL, tByVR, residual);
            if (!withJacobian) return;
        }
        for (int q = 0, s = 0; q < offsets.Length; q++)
        {
            int o = offsets[q];
            for (int k = 0; k < t.Length; k++, s++)
            {
                if (!_chain)
                {
                    int uL = o + uLs[k], uR = o + uRs[k];
                    double potential = 0.0 - (y[uR] - y[uL]);
                    double flux = t[k] * potential;
                    residual[uL] += flux / _leftVolume[k];
                    residual[uR] -= flux / _rightVolume[k];
                    if (!withJacobian) continue;
                }
                // As AddFace with no slope and no drive: ±T/V_L in the left row, ∓T/V_R in the right one.
                jacobian[ll[s]] += tByVL[k];
                jacobian[lr[s]] -= tByVL[k];
                jacobian[rl[s]] -= tByVR[k];
                jacobian[rr[s]] += tByVR[k];
            }
        }
    }

    /// <summary>
    /// The residual of <see cref="AccumulateSharedFaceCoefficient"/> on a chain of faces, per cell i of each copy:
    /// <c>r_i += (T/V_R)_(i−1) (u_i − u_(i−1)) − (T/V_L)_i (u_(i+1) − u_i)</c>, the interior cells two at a time
    /// (<see cref="Vector128{T}"/>), the two end cells alone. The same fluxes as the per-face loop, multiplied by T/V
    /// instead of divided by V and summed per cell (answers change in the last bits), without the per-face loop's chain of
    /// stores through the cell two faces share.
    /// </summary>
    private void AccumulateChain(ReadOnlySpan<double> y, ReadOnlySpan<double> tByVL, ReadOnlySpan<double> tByVR, Span<double> residual)
    {
        int n = tByVL.Length;
        ref double rFromLeft = ref MemoryMarshal.GetReference(tByVR);
        ref double rToRight = ref MemoryMarshal.GetReference(tByVL);
        int first = _uL[0];
        foreach (int o in _offsets)
        {
            int a = o + first;
            var u = y.Slice(a, n + 1);
            var r = residual.Slice(a, n + 1);
            ref double ru = ref MemoryMarshal.GetReference(u);
            ref double rr = ref MemoryMarshal.GetReference(r);
            // The end cells, each with its one face.
            double start = -tByVL[0] * (u[1] - u[0]);
            double end = tByVR[n - 1] * (u[n] - u[n - 1]);
            int i = 1;
            if (Vector256.IsHardwareAccelerated)
            {
                // Four cells a step where Vector256 is accelerated (the x86-64-v3 native tool); element-wise the same
                // operations as the two-cell step (a two-vector four-cell step of it on the baseline build: callgrind of the
                // native bench -n 10, AccumulateChain SiO@C-l 17.9 → 16.8 M instructions, Marquis2019 1C 245.6 → 211.7 M; the one
                // Vector256 against those two Vector128, whole bench: SiO@C-l 657.3 → 654.1 M, Marquis2019 1C 4.652 → 4.597 G).
                for (; i + 4 <= n; i += 4)
                {
                    var here = Vector256.LoadUnsafe(ref ru, (nuint)i);
                    var before = Vector256.LoadUnsafe(ref ru, (nuint)(i - 1));
                    var after = Vector256.LoadUnsafe(ref ru, (nuint)(i + 1));
                    var sum = Vector256.LoadUnsafe(ref rFromLeft, (nuint)(i - 1)) * (here - before)
                              - Vector256.LoadUnsafe(ref rToRight, (nuint)i) * (after - here);
                    (Vector256.LoadUnsafe(ref rr, (nuint)i) + sum).StoreUnsafe(ref rr, (nuint)i);
                }
            }
            if (Vector128.IsHardwareAccelerated)
                for (; i + 2 <= n; i += 2)
                {
                    var here = Vector128.LoadUnsafe(ref ru, (nuint)i);
                    var before = Vector128.LoadUnsafe(ref ru, (nuint)(i - 1));
                    var after = Vector128.LoadUnsafe(ref ru, (nuint)(i + 1));
                    var sum = Vector128.LoadUnsafe(ref rFromLeft, (nuint)(i - 1)) * (here - before)
                              - Vector128.LoadUnsafe(ref rToRight, (nuint)i) * (after - here);
                    (Vector128.LoadUnsafe(ref rr, (nuint)i) + sum).StoreUnsafe(ref rr, (nuint)i);
                }
            for (; i < n; i++)
                r[i] += tByVR[i - 1] * (u[i] - u[i - 1]) - tByVL[i] * (u[i + 1] - u[i]);
            r[0] += start;
            r[n] += end;
        }
    }

    /// <summary>
    /// The Jacobian entries of <see cref="AccumulateSharedFaceCoefficient"/> alone, added into <paramref name="jacobian"/>: with a
    /// state-independent coefficient they are constant, so a caller may form them once and start every Jacobian from them
    /// (then passing an empty Jacobian to <see cref="AccumulateSharedFaceCoefficient"/>). The same ±T/V entries as there.
    /// </summary>
    /// <exception cref="InvalidOperationException">the graph has interpolated faces (their entries are added per evaluation).</exception>
    public void AddSharedFaceJacobian(ReadOnlySpan<double> faceCoefficient, Span<double> jacobian)
    {
        if (_corrected.Length > 0) throw new InvalidOperationException("a graph with interpolated faces has no separate constant Jacobian");
        int n = Faces.Length;
        for (int q = 0, s = 0; q < _offsets.Length; q++)
            for (int k = 0; k < n; k++, s++)
            {
                double tk = _geometric[k] * faceCoefficient[k];
                double tByVL = tk * _inverseLeftVolume[k], tByVR = tk * _inverseRightVolume[k];
                jacobian[_ll[s]] += tByVL;
                jacobian[_lr[s]] -= tByVL;
                jacobian[_rl[s]] -= tByVR;
                jacobian[_rr[s]] += tByVR;
            }
    }

    /// <summary>Whether <see cref="AddSharedFaceJacobian"/> applies (no interpolated faces).</summary>
    public bool HasSeparableSharedJacobian => _corrected.Length == 0;

    /// <summary>The partner-face corrections <c>δF = T_f w (Δu_f − Δu_f')</c> of the interpolated faces, T_f from this evaluation.</summary>
    private void AddInterpolation(int offset, int copy, ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian, bool withJacobian)
    {
        int faceSlots = copy * Faces.Length, slots = copy * _corrected.Length;
        for (int m = 0; m < _corrected.Length; m++)
        {
            int k = _corrected[m], kp = _partner[m];
            int uL = offset + _uL[k], uR = offset + _uR[k], pL = offset + _uL[kp], pR = offset + _uR[kp];
            double w = _weight[m], t = _t[k];
            double difference = (y[uR] - y[uL]) - (y[pR] - y[pL]);
            double flux = t * w * difference;
            double vL = _leftVolume[k], vR = _rightVolume[k];
            residual[uL] += flux / vL;
            residual[uR] -= flux / vR;
            if (!withJacobian) continue;
            int s = faceSlots + k, sp = slots + m;
            double tw = t * w;
            jacobian[_ll[s]] -= tw / vL;
            jacobian[_lr[s]] += tw / vL;
            jacobian[_rl[s]] += tw / vR;
            jacobian[_rr[s]] -= tw / vR;
            jacobian[_pll[sp]] += tw / vL;
            jacobian[_plr[sp]] -= tw / vL;
            jacobian[_prl[sp]] -= tw / vR;
            jacobian[_prr[sp]] += tw / vR;
            if (!_hasCoefficientField) continue;
            double byLeft = _tByLeft[k] * w * difference, byRight = _tByRight[k] * w * difference;
            if (_sameField)
            {
                jacobian[_ll[s]] += byLeft / vL;
                jacobian[_lr[s]] += byRight / vL;
                jacobian[_rl[s]] -= byLeft / vR;
                jacobian[_rr[s]] -= byRight / vR;
                continue;
            }
            jacobian[_vll[s]] += byLeft / vL;
            jacobian[_vlr[s]] += byRight / vL;
            jacobian[_vrl[s]] -= byLeft / vR;
            jacobian[_vrr[s]] -= byRight / vR;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddFace(int k, int offset, int s, ReadOnlySpan<double> y, double t, double dTdvL, double dTdvR, double drive, double driveByLeft, double driveByRight,
                         Span<double> residual, Span<double> jacobian, bool withJacobian)
    {
        int uL = offset + _uL[k], uR = offset + _uR[k];
        double potential = drive - (y[uR] - y[uL]);
        double flux = t * potential;
        // The residual divides (flux/V_L and flux/V_R times their volumes cancel to rounding: the balance conserves as
        // GraphDiffusionTests asserts, to 1e-14); the Jacobian multiplies by the inverse volumes.
        residual[uL] += flux / _leftVolume[k];
        residual[uR] -= flux / _rightVolume[k];
        if (!withJacobian) return;
        double inverseVL = _inverseLeftVolume[k], inverseVR = _inverseRightVolume[k];
        double byLeft = dTdvL * potential + t * driveByLeft;
        double byRight = dTdvR * potential + t * driveByRight;
        if (_sameField)
        {
            double dL = t + byLeft, dR = -t + byRight;
            jacobian[_ll[s]] += dL * inverseVL;
            jacobian[_lr[s]] += dR * inverseVL;
            jacobian[_rl[s]] -= dL * inverseVR;
            jacobian[_rr[s]] -= dR * inverseVR;
            return;
        }
        jacobian[_ll[s]] += t * inverseVL;
        jacobian[_lr[s]] -= t * inverseVL;
        jacobian[_rl[s]] -= t * inverseVR;
        jacobian[_rr[s]] += t * inverseVR;
        if (!_hasCoefficientField) return;
        jacobian[_vll[s]] += byLeft * inverseVL;
        jacobian[_vlr[s]] += byRight * inverseVL;
        jacobian[_vrl[s]] -= byLeft * inverseVR;
        jacobian[_vrr[s]] -= byRight * inverseVR;
    }
}
