using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics.Resolved;

/// <summary>
/// Lithium diffusion inside each resolved particle: <c>∂c_s/∂t = ∇·(D_s(θ) ∇c_s)</c>, θ = c_s / c_s,max(cell), per
/// particle cell <c>dc_s/dt + (1/V) Σ_faces A N·n = 0</c>, N = −D_s ∇c_s (two-point on the interior faces of the
/// particle; harmonic face average). No lithium crosses a particle–particle contact; the surface flux
/// j/F is <see cref="InterfaceReaction"/>'s.
/// </summary>
public sealed class ResolvedSolidDiffusion : IModelEquation
{
    private readonly ResolvedContext _context;
    private readonly GraphDiffusion _diffusion;
    private readonly double[] _coefficient, _slope;
    private readonly bool _variable;

    public ResolvedSolidDiffusion(ResolvedContext context)
    {
        _context = context;
        var electrode = context.Parameters.Electrode;
        _variable = electrode.HasConcentrationDependentDiffusivity;
        var map = context.ParticleConcentration;
        _diffusion = new GraphDiffusion(context.Graph, map, FaceAverage.Harmonic, coefficientUnknown: _variable ? map : null);
        _coefficient = new double[context.Graph.CellCount];
        _slope = new double[context.Graph.CellCount];
        if (!_variable) Array.Fill(_coefficient, electrode.SolidDiffusivityAt(context.Temperature));
    }

    public void DeclarePattern(SparsityPatternBuilder pattern) => _diffusion.DeclarePattern(pattern);
    public void Bind(SparsityPattern pattern) => _diffusion.Bind(pattern);

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        if (!_variable) { _diffusion.Accumulate(y, _coefficient, [], residual, jacobian); return; }
        var electrode = _context.Parameters.Electrode;
        var map = _context.ParticleConcentration;
        for (int c = 0; c < map.Length; c++)
        {
            if (map[c] < 0) continue;
            double cmax = _context.MaxConcentration[c];
            _coefficient[c] = electrode.SolidDiffusivityAt(y[map[c]] / cmax, _context.Temperature, out double dD);
            _slope[c] = dD / cmax;
        }
        _diffusion.Accumulate(y, _coefficient, jacobian.IsEmpty ? [] : _slope, residual, jacobian);
    }
}
