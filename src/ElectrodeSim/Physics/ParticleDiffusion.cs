using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Fickian diffusion in the representative spherical particle of every electrode cell:
/// <c>∂c_s/∂t = (1/r²) ∂/∂r (r² D_s ∂c_s/∂r)</c>, ∂c_s/∂r = 0 at r = 0, <c>−D_s ∂c_s/∂r = j/F</c> at r = R_p.
/// On the electrode's radial graph (volumes V_k = shell volume/4π, face areas r²) each shell balances
/// <c>V_k dc_k/dt + Σ_faces A N·n = 0</c>, <c>N = −D_s ∂c/∂r</c> two-point (<see cref="GraphDiffusion"/>), and the
/// surface face carries <c>N·n = j/F</c>, so the particle inventory changes by exactly −R² j / F. D_s may depend
/// on the state of lithiation, D_s(θ, T), evaluated at each face's mean θ.
/// </summary>
public sealed class ParticleDiffusion : IModelEquation
{
    private readonly P2DContext _context;
    /// <summary>
    /// One flux kernel per particle group (an electrode's size class; one per electrode without a distribution) on its
    /// radial graph, one copy per x cell of the electrode.
    /// </summary>
    private readonly GraphDiffusion[] _diffusion;
    /// <summary>Electrode and size class of each group.</summary>
    private readonly (int Electrode, int Class)[] _groups;
    /// <summary>The x cell of each copy, per group.</summary>
    private readonly int[][] _cells;
    /// <summary>Per group: D_s at each interior face and ∂D_s/∂c of its two shells (equal: the face mean).</summary>
    private readonly double[][] _faceDiffusivity, _faceSlope;
    private int[][] _surface = [];
    /// <summary>
    /// Per group: its Jacobian entries are state-independent (D_s of T only, on an isothermal run) and, once
    /// <see cref="KeepConstantJacobian"/> has been called, left to the constant Jacobian the model starts from.
    /// </summary>
    private readonly bool[] _constant;
    private bool _constantKept;
    private readonly double[] _surfaceCoefficient;

    public ParticleDiffusion(P2DContext context)
    {
        _context = context;
        var L = context.Layout;
        var classes = context.Mesh.ClassParticles;
        _groups = classes.SelectMany((c, e) => Enumerable.Range(0, c.Length).Select(k => (e, k))).ToArray();
        var cellsOf = classes.Select((_, e) => Enumerable.Range(0, context.Graph.CellCount).Where(i => L.ElectrodeOf(i) == e).ToArray()).ToArray();
        _cells = _groups.Select(g => cellsOf[g.Electrode]).ToArray();
        _diffusion = _groups.Select((g, q) => new GraphDiffusion(classes[g.Electrode][g.Class].Graph, context.Maps.Shells[g.Electrode], FaceAverage.Harmonic,
            coefficientUnknown: context.Maps.Shells[g.Electrode], copies: _cells[q].Select(i => L.ClassSolidConcentration(i, g.Class, 0)).ToArray())).ToArray();
        _faceDiffusivity = _diffusion.Select(d => new double[d.FaceCount]).ToArray();
        _faceSlope = _diffusion.Select(d => new double[d.FaceCount]).ToArray();
        _constant = _groups.Select((g, q) => !context.Layout.IsThermal && !context.Cell.Electrodes[g.Electrode].HasConcentrationDependentDiffusivity
                                             && _diffusion[q].HasSeparableSharedJacobian).ToArray();
        _surfaceCoefficient = _groups.Select((_, q) => SurfaceCoefficientOf(q)).ToArray();
    }

    /// <summary>Whether some group's Jacobian entries do not depend on the state (see <see cref="KeepConstantJacobian"/>).</summary>
    public bool HasConstantJacobian => _constant.Any(c => c);

    /// <summary>
    /// Adds the state-independent Jacobian entries (the radial fluxes with a D_s of T only on an isothermal run, and the
    /// surface flux's ∂/∂j) into <paramref name="jacobian"/>, and from then on leaves them out of <see cref="Evaluate"/>: the
    /// caller starts every Jacobian from them. Call after <see cref="Bind"/>.
    /// </summary>
    public void KeepConstantJacobian(Span<double> jacobian)
    {
        var context = _context;
        for (int g = 0; g < _diffusion.Length; g++)
        {
            if (!_constant[g]) continue;
            var (e, sizeClass) = _groups[g];
            Array.Fill(_faceDiffusivity[g], context.Cell.Electrodes[e].SolidDiffusivityAt(context.Temperature));
            _diffusion[g].AddSharedFaceJacobian(_faceDiffusivity[g], jacobian);
            double coefficient = SurfaceCoefficient(g);
            foreach (int slot in _surface[g]) jacobian[slot] += coefficient;
        }
        _constantKept = true;
    }

    /// <summary>
    /// Whether the radial Jacobian entries of size class <paramref name="sizeClass"/> of electrode <paramref name="electrode"/>
    /// are the kept state-independent ones (<see cref="KeepConstantJacobian"/>): then every particle of the group has the same
    /// entries in its shells' rows, bit for bit (one shared face coefficient, added in the same order for each copy).
    /// </summary>
    public bool HasKeptConstantJacobian(int electrode, int sizeClass)
        => _constantKept && _constant[Array.IndexOf(_groups, (electrode, sizeClass))];

    /// <summary>A/(F V) of the surface shell of group <paramref name="g"/>: its row's ∂/∂j.</summary>
    private double SurfaceCoefficient(int g) => _surfaceCoefficient[g];

    private double SurfaceCoefficientOf(int g)
    {
        var (e, sizeClass) = _groups[g];
        var graph = _context.Mesh.ClassParticles[e][sizeClass].Graph;
        int surface = _context.Mesh.ClassParticles[e][sizeClass].SurfaceFace;
        return graph.FaceArea[surface] / (PhysicalConstants.Faraday * graph.CellVolume[graph.LeftCell[surface]]);
    }

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var L = _context.Layout;
        for (int g = 0; g < _diffusion.Length; g++)
        {
            _diffusion[g].DeclarePattern(pattern);
            int k = _groups[g].Class;
            foreach (int i in _cells[g]) pattern.Add(_context.ClassSurfaceShell[i][k], L.ClassCurrent(i, k));
        }
    }

    public void Bind(SparsityPattern pattern)
    {
        var L = _context.Layout;
        _surface = new int[_diffusion.Length][];
        for (int g = 0; g < _diffusion.Length; g++)
        {
            _diffusion[g].Bind(pattern);
            int k = _groups[g].Class;
            _surface[g] = _cells[g].Select(i => pattern.SlotOf(_context.ClassSurfaceShell[i][k], L.ClassCurrent(i, k))).ToArray();
        }
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var context = _context;
        var m = context.Maps;
        var L = context.Layout;
        bool anyJacobian = !jacobian.IsEmpty;
        double temperature = context.Temperature;
        for (int g = 0; g < _diffusion.Length; g++)
        {
            var (e, sizeClass) = _groups[g];
            var diffusion = _diffusion[g];
            var particle = context.Mesh.ClassParticles[e][sizeClass];
            var electrode = context.Cell.Electrodes[e];
            var cells = _cells[g];
            bool withJacobian = anyJacobian && !(_constantKept && _constant[g]);
            var groupJacobian = withJacobian ? jacobian : Span<double>.Empty;
            var faceDiffusivity = _faceDiffusivity[g];
            var faceSlope = _faceSlope[g];
            bool variable = electrode.HasConcentrationDependentDiffusivity;
            double halfInverseMax = 0.5 / electrode.MaxConcentration;
            if (!variable) Array.Fill(faceDiffusivity, context.SolidDiffusivity[e]);
            var inner = diffusion.LeftUnknowns;
            var outer = diffusion.RightUnknowns;
            var graph = particle.Graph;
            int surface = particle.SurfaceFace;
            int surfaceShell = m.Shells[e][graph.LeftCell[surface]];
            double coefficient = SurfaceCoefficient(g);
            // A diffusivity of T only is one per face for every particle of the electrode: the faces' transmissibilities
            // are formed once for all of them.
            if (!variable) diffusion.AccumulateSharedFaceCoefficient(y, faceDiffusivity, residual, groupJacobian);
            for (int q = 0; q < cells.Length; q++)
            {
                int offset = diffusion.Offset(q);
                if (variable)
                {
                    for (int k = 0; k < faceDiffusivity.Length; k++)
                    {
                        faceDiffusivity[k] = electrode.SolidDiffusivityAt((y[offset + inner[k]] + y[offset + outer[k]]) * halfInverseMax, temperature, out double dDdTheta);
                        faceSlope[k] = dDdTheta * halfInverseMax;
                    }
                    if (withJacobian) diffusion.AccumulateFaceCoefficient(y, faceDiffusivity, faceSlope, faceSlope, residual, jacobian, q);
                    else diffusion.AccumulateFaceCoefficient(y, faceDiffusivity, [], [], residual, jacobian, q);
                }
                residual[offset + surfaceShell] += coefficient * y[L.ClassCurrent(cells[q], sizeClass)];
                if (withJacobian) jacobian[_surface[g][q]] += coefficient;
            }
        }
    }
}
