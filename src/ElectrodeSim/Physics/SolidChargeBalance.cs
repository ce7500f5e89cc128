using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Charge conservation in the electronically conducting solid of each electrode:
/// <c>∇·i_s = −a j</c>, <c>i_s = −σ_eff ∇φ_s</c>, per electrode cell of the x graph
/// <c>(1/V) Σ_faces A i_s·n + a j = 0</c>, the face current a two-point flux of φ_s (<see cref="GraphDiffusion"/>;
/// φ_s lives in the electrode cells only, so no face joins the solid to the separator). Boundary faces:
/// i_s = I leaves through the current collector at x = L; a full cell's negative collector at x = 0 is
/// grounded, φ_s = 0 on its face (the potential reference); every other face carries i_s = 0.
/// </summary>
public sealed class SolidChargeBalance : IModelEquation
{
    private readonly P2DContext _context;
    private readonly GraphDiffusion _conduction;
    private readonly double[] _conductivity;
    private readonly int[] _collectorFaces, _groundedFaces;
    private int[] _reaction = [], _collectorCurrent = [], _groundedSelf = [];

    public SolidChargeBalance(P2DContext context)
    {
        _context = context;
        var graph = context.Graph;
        _conduction = new GraphDiffusion(graph, context.Maps.SolidPotential, context.FaceAverage);
        _conductivity = new double[graph.CellCount];
        for (int i = 0; i < graph.CellCount; i++)
            if (context.Layout.IsElectrode(i)) _conductivity[i] = context.Cell.Electrodes[context.Layout.ElectrodeOf(i)].EffectiveConductivity;
        _collectorFaces = OnSolid(graph.FacesOf(FaceKind.Boundary, FaceTags.XEnd));
        _groundedFaces = context.Cell.IsHalfCell ? [] : OnSolid(graph.FacesOf(FaceKind.Boundary, FaceTags.XStart));
    }

    private int[] OnSolid(IEnumerable<int> faces) => faces.Where(f => _context.Maps.SolidPotential[_context.Graph.LeftCell[f]] >= 0).ToArray();

    private int Row(int face) => _context.Maps.SolidPotential[_context.Graph.LeftCell[face]];

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var m = _context.Maps;
        _conduction.DeclarePattern(pattern);
        for (int i = 0; i < _context.Graph.CellCount; i++)
            if (m.SolidPotential[i] >= 0) pattern.Add(m.SolidPotential[i], m.InterfacialCurrent[i]);
        foreach (int f in _collectorFaces) pattern.Add(Row(f), _context.Layout.Current);
    }

    public void Bind(SparsityPattern pattern)
    {
        var m = _context.Maps;
        _conduction.Bind(pattern);
        _reaction = new int[_context.Graph.CellCount];
        for (int i = 0; i < _reaction.Length; i++)
            _reaction[i] = m.SolidPotential[i] >= 0 ? pattern.SlotOf(m.SolidPotential[i], m.InterfacialCurrent[i]) : -1;
        _collectorCurrent = _collectorFaces.Select(f => pattern.SlotOf(Row(f), _context.Layout.Current)).ToArray();
        _groundedSelf = _groundedFaces.Select(f => pattern.SlotOf(Row(f), Row(f))).ToArray();
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var context = _context;
        var graph = context.Graph;
        var m = context.Maps;
        bool withJacobian = !jacobian.IsEmpty;
        _conduction.Accumulate(y, _conductivity, [], residual, jacobian);

        for (int i = 0; i < graph.CellCount; i++)
        {
            int row = m.SolidPotential[i];
            if (row < 0) continue;
            double a = context.SpecificArea[i];
            residual[row] += a * y[m.InterfacialCurrent[i]];
            if (withJacobian) jacobian[_reaction[i]] += a;
        }

        for (int b = 0; b < _collectorFaces.Length; b++)
        {
            int f = _collectorFaces[b];
            double area = graph.FaceArea[f], volume = graph.CellVolume[graph.LeftCell[f]];
            residual[Row(f)] += area * y[context.Layout.Current] / volume;
            if (withJacobian) jacobian[_collectorCurrent[b]] += area / volume;
        }

        for (int b = 0; b < _groundedFaces.Length; b++)
        {
            int f = _groundedFaces[b], cell = graph.LeftCell[f];
            double area = graph.FaceArea[f], volume = graph.CellVolume[cell];
            double t = area * FaceTransmissibility.BoundaryFromDistance(graph.LeftDistance[f], _conductivity[cell]);
            double outflow = t * y[Row(f)];
            residual[Row(f)] += outflow / volume;
            if (withJacobian) jacobian[_groundedSelf[b]] += t / volume;
        }
    }

    /// <summary>
    /// Cell voltage V = φ_s at the x = L collector face − 0 [V], extrapolated from its cell with the collector
    /// current, and its derivatives in that cell's φ_s and in I.
    /// </summary>
    public static double Voltage(P2DContext context, ReadOnlySpan<double> y, out double dVdPotential, out double dVdCurrent)
    {
        var graph = context.Graph;
        int face = context.CollectorFace, cell = graph.LeftCell[face];
        double sigma = context.Cell.Electrodes[context.Layout.ElectrodeOf(cell)].EffectiveConductivity;
        dVdPotential = 1.0;
        dVdCurrent = -graph.LeftDistance[face] / (graph.FaceArea[face] * sigma);
        return y[context.Maps.SolidPotential[cell]] + dVdCurrent * y[context.Layout.Current];
    }
}
