using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics.Resolved;

/// <summary>
/// Electronic charge conservation in one conducting phase of constant conductivity σ [S/m]:
/// <c>∇·i = −(sources)</c>, <c>i = −σ ∇φ</c>, per cell <c>(1/V) Σ_faces A i·n + (current leaving by the interface) = 0</c>
/// (two-point on the phase's faces). Two instances: the particles' φ_s (σ_s, interior and particle–particle contact
/// faces) and the matrix's φ_m (σ_m,eff, interior faces; i_m = 0 at the separator). The interface and collector
/// currents are <see cref="InterfaceReaction"/>'s and <see cref="CollectorContact"/>'s.
/// </summary>
public sealed class ElectronicConduction : IModelEquation
{
    private readonly GraphDiffusion _conduction;
    private readonly double[] _conductivity;

    public ElectronicConduction(FiniteVolumeGraph graph, int[] potential, double conductivity, FaceKind[] kinds)
    {
        _conduction = new GraphDiffusion(graph, potential, FaceAverage.Harmonic, kinds: kinds);
        _conductivity = new double[graph.CellCount];
        Array.Fill(_conductivity, conductivity);
    }

    /// <summary>The particles' solid charge balance (σ_s, across interior and contact faces).</summary>
    public static ElectronicConduction Particles(ResolvedContext context) =>
        new(context.Graph, context.ParticlePotential, context.Parameters.ParticleConductivity, [FaceKind.Interior, FaceKind.Contact]);

    /// <summary>The matrix's electronic charge balance (σ_m,eff, across interior faces).</summary>
    public static ElectronicConduction Matrix(ResolvedContext context) =>
        new(context.Graph, context.MatrixPotential, context.MatrixElectronicConductivity, [FaceKind.Interior]);

    public void DeclarePattern(SparsityPatternBuilder pattern) => _conduction.DeclarePattern(pattern);
    public void Bind(SparsityPattern pattern) => _conduction.Bind(pattern);
    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian) =>
        _conduction.Accumulate(y, _conductivity, [], residual, jacobian);
}
