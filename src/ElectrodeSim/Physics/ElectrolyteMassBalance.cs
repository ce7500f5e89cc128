using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Salt conservation in the electrolyte (concentrated solution, constant t+):
/// <c>ε ∂c_e/∂t = ∇·(D_e,eff ∇c_e) + (1 − t+) a j / F</c>, per cell of the x graph
/// <c>ε dc/dt + (1/V) Σ_faces A N·n − (1 − t+) a j / F = 0</c> with the diffusive molar flux
/// <c>N = −D_e,eff ∇c_e</c> [mol/(m²·s)] (two-point, <see cref="GraphDiffusion"/>). Boundary faces: at a
/// lithium foil (x = 0) <c>N·n = −(1 − t+) I / F</c> (salt enters); every other boundary face carries N = 0.
/// </summary>
public sealed class ElectrolyteMassBalance : IModelEquation
{
    private readonly P2DContext _context;
    private readonly GraphDiffusion _diffusion;
    private readonly int[] _foilFaces;
    private int[] _reaction = [], _foilCurrent = [];

    public ElectrolyteMassBalance(P2DContext context)
    {
        _context = context;
        var map = context.Maps.ElectrolyteConcentration;
        _diffusion = new GraphDiffusion(context.Graph, map, context.FaceAverage, coefficientUnknown: map);
        _foilFaces = context.Cell.IsHalfCell ? context.Graph.FacesOf(FaceKind.Boundary, FaceTags.XStart).ToArray() : [];
    }

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var m = _context.Maps;
        _diffusion.DeclarePattern(pattern);
        for (int i = 0; i < _context.Graph.CellCount; i++)
            if (m.InterfacialCurrent[i] >= 0) pattern.Add(m.ElectrolyteConcentration[i], m.InterfacialCurrent[i]);
        foreach (int f in _foilFaces) pattern.Add(m.ElectrolyteConcentration[_context.Graph.LeftCell[f]], _context.Layout.Current);
    }

    public void Bind(SparsityPattern pattern)
    {
        var m = _context.Maps;
        int n = _context.Graph.CellCount;
        _diffusion.Bind(pattern);
        _reaction = new int[n];
        for (int i = 0; i < n; i++)
            _reaction[i] = m.InterfacialCurrent[i] >= 0 ? pattern.SlotOf(m.ElectrolyteConcentration[i], m.InterfacialCurrent[i]) : -1;
        _foilCurrent = _foilFaces.Select(f => pattern.SlotOf(m.ElectrolyteConcentration[_context.Graph.LeftCell[f]], _context.Layout.Current)).ToArray();
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var context = _context;
        var graph = context.Graph;
        var m = context.Maps;
        bool withJacobian = !jacobian.IsEmpty;
        double oneMinusT = 1 - context.TransferenceNumber;
        _diffusion.Accumulate(y, context.EffectiveDiffusivity, withJacobian ? context.EffectiveDiffusivitySlope : [], residual, jacobian);

        for (int b = 0; b < _foilFaces.Length; b++)
        {
            int f = _foilFaces[b], cell = graph.LeftCell[f];
            double area = graph.FaceArea[f], volume = graph.CellVolume[cell];
            double outflow = -(area * (oneMinusT * y[context.Layout.Current] / PhysicalConstants.Faraday));
            residual[m.ElectrolyteConcentration[cell]] += outflow / volume;
            if (withJacobian) jacobian[_foilCurrent[b]] -= area * (oneMinusT / PhysicalConstants.Faraday) / volume;
        }

        for (int i = 0; i < graph.CellCount; i++)
        {
            double a = context.SpecificArea[i];
            if (a == 0) continue;
            double coefficient = oneMinusT * a / PhysicalConstants.Faraday;
            residual[m.ElectrolyteConcentration[i]] -= coefficient * y[m.InterfacialCurrent[i]];
            if (withJacobian) jacobian[_reaction[i]] -= coefficient;
        }
    }
}
