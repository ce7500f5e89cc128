using ElectrodeSim.Materials;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Fickian diffusion in the representative spherical particle of every electrode cell:
/// <c>∂c_s/∂t = (1/r²) ∂/∂r (r² D_s ∂c_s/∂r)</c>, ∂c_s/∂r = 0 at r = 0,
/// <c>−D_s ∂c_s/∂r = j/F</c> at r = R_p. Shell k balances <c>V_k dc_k/dt + r_{k+1}² N_{k+1} − r_k² N_k = 0</c>,
/// <c>N = −D_s ∂c/∂r</c>, so the particle inventory changes by exactly −(surface area) j / F.
/// D_s may depend on the state of lithiation, D_s(θ, T) (evaluated at each face's mean θ).
/// </summary>
public sealed class ParticleDiffusion(P2DContext context) : IModelEquation
{
    private int[][] _self = [], _inner = [], _outer = [];
    private int[] _surface = [];

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var L = context.Layout;
        for (int i = 0; i < context.Mesh.CellCount; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int nr = context.Mesh.Particles[L.ElectrodeOf(i)].Shells;
            for (int k = 0; k < nr; k++)
            {
                int row = L.SolidConcentration(i, k);
                pattern.Add(row, row);
                if (k > 0) pattern.Add(row, row - 1);
                if (k < nr - 1) pattern.Add(row, row + 1);
            }
            pattern.Add(L.SolidConcentration(i, nr - 1), L.InterfacialCurrent(i));
        }
    }

    public void Bind(SparsityPattern pattern)
    {
        var L = context.Layout;
        int n = context.Mesh.CellCount;
        _self = new int[n][]; _inner = new int[n][]; _outer = new int[n][]; _surface = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int nr = context.Mesh.Particles[L.ElectrodeOf(i)].Shells;
            _self[i] = new int[nr]; _inner[i] = new int[nr]; _outer[i] = new int[nr];
            for (int k = 0; k < nr; k++)
            {
                int row = L.SolidConcentration(i, k);
                _self[i][k] = pattern.SlotOf(row, row);
                _inner[i][k] = k > 0 ? pattern.SlotOf(row, row - 1) : -1;
                _outer[i][k] = k < nr - 1 ? pattern.SlotOf(row, row + 1) : -1;
            }
            _surface[i] = pattern.SlotOf(L.SolidConcentration(i, nr - 1), L.InterfacialCurrent(i));
        }
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        bool withJacobian = !jacobian.IsEmpty;
        double temperature = context.Temperature;
        for (int i = 0; i < context.Mesh.CellCount; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int e = L.ElectrodeOf(i);
            var particle = context.Mesh.Particles[e];
            var electrode = context.Cell.Electrodes[e];
            bool variable = electrode.HasConcentrationDependentDiffusivity;
            double constant = variable ? 0.0 : electrode.SolidDiffusivityAt(temperature);
            double halfInverseMax = 0.5 / electrode.MaxConcentration;
            int nr = particle.Shells;
            for (int k = 0; k < nr - 1; k++)
            {
                // Flux through the face between shells k and k+1, weighted by its area r²; a
                // concentration-dependent D_s is taken at the face's mean state of lithiation.
                int row = L.SolidConcentration(i, k);
                double delta = y[row + 1] - y[row];
                double ds = constant, dDdc = 0.0;
                if (variable)
                {
                    ds = electrode.SolidDiffusivityAt((y[row] + y[row + 1]) * halfInverseMax, temperature, out double dDdTheta);
                    dDdc = dDdTheta * halfInverseMax;
                }
                double g = particle.Faces[k + 1] * particle.Faces[k + 1] / particle.CentreDistances[k];
                double flow = -g * ds * delta;
                residual[row] += flow / particle.Volumes[k];
                residual[row + 1] -= flow / particle.Volumes[k + 1];
                if (withJacobian)
                {
                    double dFlowInner = g * (ds - dDdc * delta);
                    double dFlowOuter = -g * (ds + dDdc * delta);
                    jacobian[_self[i][k]] += dFlowInner / particle.Volumes[k];
                    jacobian[_outer[i][k]] += dFlowOuter / particle.Volumes[k];
                    jacobian[_inner[i][k + 1]] -= dFlowInner / particle.Volumes[k + 1];
                    jacobian[_self[i][k + 1]] -= dFlowOuter / particle.Volumes[k + 1];
                }
            }
            double surfaceArea = particle.Radius * particle.Radius;
            double coefficient = surfaceArea / (PhysicalConstants.Faraday * particle.Volumes[nr - 1]);
            residual[L.SolidConcentration(i, nr - 1)] += coefficient * y[L.InterfacialCurrent(i)];
            if (withJacobian) jacobian[_surface[i]] += coefficient;
        }
    }
}
