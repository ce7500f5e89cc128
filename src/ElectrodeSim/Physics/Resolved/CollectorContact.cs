using ElectrodeSim.Mesh;
using ElectrodeSim.Mesh.Resolved;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics.Resolved;

/// <summary>
/// The copper collector at x = Ls + Le: an equipotential φ_cc [V] (the cell voltage, φ_Li = 0) touching the matrix's
/// network (faces tag 11, σ_m,eff) and the particles that reach it (tag 12, σ_s). Across each face the current leaving
/// the electrode is <c>A σ (φ_cell − φ_cc) / l</c> (l the centre-to-face distance), a sink of the cell's electronic
/// row; the φ_cc row makes them carry the applied current, <c>(1/H) Σ_faces A σ (φ_cell − φ_cc)/l − I = 0</c> [A/m²]
/// (I &gt; 0, lithiation: conventional current leaves through the collector, as i_s = I at x = L in P2D).
/// </summary>
public sealed class CollectorContact : IModelEquation
{
    private readonly ResolvedContext _context;
    private readonly int[] _faces, _unknown;
    private readonly double[] _transmissibility;
    private int[] _cellSelf = [], _cellCollector = [], _collectorCell = [];
    private int _collectorSelf, _collectorCurrent;

    public CollectorContact(ResolvedContext context)
    {
        _context = context;
        var g = context.Graph;
        var faces = new List<int>();
        var unknown = new List<int>();
        var transmissibility = new List<double>();
        for (int f = 0; f < g.FaceCount; f++)
        {
            if (g.Kind[f] != FaceKind.Boundary) continue;
            int cell = g.LeftCell[f];
            double sigma;
            if (g.FaceTag[f] == ResolvedFaceTags.CollectorMatrix) { unknown.Add(context.MatrixPotential[cell]); sigma = context.MatrixElectronicConductivity; }
            else if (g.FaceTag[f] == ResolvedFaceTags.CollectorParticle) { unknown.Add(context.ParticlePotential[cell]); sigma = context.Parameters.ParticleConductivity; }
            else continue;
            faces.Add(f);
            transmissibility.Add(g.FaceArea[f] * FaceTransmissibility.BoundaryFromDistance(g.LeftDistance[f], sigma));
        }
        if (faces.Count == 0) throw new ArgumentException("the resolved mesh has no collector faces (tags 11, 12)");
        _faces = [.. faces]; _unknown = [.. unknown]; _transmissibility = [.. transmissibility];
    }

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        int cc = _context.CollectorPotential;
        foreach (int u in _unknown) { pattern.Add(u, u); pattern.Add(u, cc); pattern.Add(cc, u); }
        pattern.Add(cc, cc);
        pattern.Add(cc, _context.Current);
    }

    public void Bind(SparsityPattern pattern)
    {
        int cc = _context.CollectorPotential;
        _cellSelf = [.. _unknown.Select(u => pattern.SlotOf(u, u))];
        _cellCollector = [.. _unknown.Select(u => pattern.SlotOf(u, cc))];
        _collectorCell = [.. _unknown.Select(u => pattern.SlotOf(cc, u))];
        _collectorSelf = pattern.SlotOf(cc, cc);
        _collectorCurrent = pattern.SlotOf(cc, _context.Current);
    }

    /// <summary>Current density through the collector [A/m² of cross-section], positive leaving the electrode.</summary>
    public double CollectorCurrent(ReadOnlySpan<double> y)
    {
        double sum = 0, phiC = y[_context.CollectorPotential];
        for (int b = 0; b < _faces.Length; b++) sum += _transmissibility[b] * (y[_unknown[b]] - phiC);
        return sum / _context.Height;
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var g = _context.Graph;
        int cc = _context.CollectorPotential;
        double phiC = y[cc], inverseHeight = 1.0 / _context.Height;
        bool withJacobian = !jacobian.IsEmpty;
        for (int b = 0; b < _faces.Length; b++)
        {
            double t = _transmissibility[b], volume = g.CellVolume[g.LeftCell[_faces[b]]];
            double current = t * (y[_unknown[b]] - phiC);
            residual[_unknown[b]] += current / volume;
            residual[cc] += current * inverseHeight;
            if (!withJacobian) continue;
            jacobian[_cellSelf[b]] += t / volume;
            jacobian[_cellCollector[b]] -= t / volume;
            jacobian[_collectorCell[b]] += t * inverseHeight;
            jacobian[_collectorSelf] -= t * inverseHeight;
        }
        residual[cc] -= y[_context.Current];
        if (withJacobian) jacobian[_collectorCurrent] -= 1.0;
    }
}
