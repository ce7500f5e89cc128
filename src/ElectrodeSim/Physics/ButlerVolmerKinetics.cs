using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Interfacial current density j [A/m²] at the particle surface (positive for delithiation):
/// <c>j = j0 [exp(α_a F η/RT) − exp(−α_c F η/RT)]</c>, <c>η = φ_s − φ_e − U(θ_surf) − R_film j</c>,
/// <c>j0 = j0_ref(T) (c_e/c_e,ref)^α_a ((1 − θ)/0.5)^α_a (θ/0.5)^α_c</c>, j0_ref(T) = j0' exp(−Ea/RT).
/// j is an unknown of its own (the film term makes the relation implicit in j), so each
/// electrode cell carries the algebraic row <c>j − j_BV = 0</c>. The surface state of lithiation
/// is extrapolated from the outer shell with the surface flux:
/// <c>c_surf = c_last − (R − r_last) j / (F D_s)</c>, r_last the outer shell's centre.
/// </summary>
public sealed class ButlerVolmerKinetics(P2DContext context) : IModelEquation
{
    /// <summary>θ is kept this far from 0 and 1 inside j0, whose θ factors vanish there.</summary>
    private const double ThetaFloor = 1e-9;
    private int[] _self = [], _solid = [], _electrolyte = [], _concentration = [], _surface = [];

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var m = context.Maps;
        for (int i = 0; i < context.Graph.CellCount; i++)
        {
            int row = m.InterfacialCurrent[i];
            if (row < 0) continue;
            pattern.Add(row, row);
            pattern.Add(row, m.SolidPotential[i]);
            pattern.Add(row, m.ElectrolytePotential[i]);
            pattern.Add(row, m.ElectrolyteConcentration[i]);
            pattern.Add(row, context.SurfaceShell[i]);
        }
    }

    public void Bind(SparsityPattern pattern)
    {
        var m = context.Maps;
        int n = context.Graph.CellCount;
        _self = new int[n]; _solid = new int[n]; _electrolyte = new int[n]; _concentration = new int[n]; _surface = new int[n];
        for (int i = 0; i < n; i++)
        {
            int row = m.InterfacialCurrent[i];
            if (row < 0) continue;
            _self[i] = pattern.SlotOf(row, row);
            _solid[i] = pattern.SlotOf(row, m.SolidPotential[i]);
            _electrolyte[i] = pattern.SlotOf(row, m.ElectrolytePotential[i]);
            _concentration[i] = pattern.SlotOf(row, m.ElectrolyteConcentration[i]);
            _surface[i] = pattern.SlotOf(row, context.SurfaceShell[i]);
        }
    }

    /// <summary>
    /// Surface state of lithiation of the particle in x cell <paramref name="cell"/>, and ∂θ/∂c_last, ∂θ/∂j:
    /// the outer shell's value carried across the half shell to the surface face with the surface flux.
    /// A concentration-dependent D_s is taken at the outer shell's state of lithiation.
    /// </summary>
    public static double SurfaceStateOfLithiation(P2DContext context, ReadOnlySpan<double> y, int cell, out double dThetaDc, out double dThetaDj)
    {
        int e = context.Layout.ElectrodeOf(cell);
        var electrode = context.Cell.Electrodes[e];
        var particle = context.Mesh.Particles[e];
        double cmax = electrode.MaxConcentration;
        double cLast = y[context.SurfaceShell[cell]];
        double j = y[context.Maps.InterfacialCurrent[cell]];
        double ds = electrode.SolidDiffusivityAt(cLast / cmax, context.Temperature, out double dDdTheta);
        dThetaDj = -particle.Graph.LeftDistance[particle.SurfaceFace] / (PhysicalConstants.Faraday * ds * cmax);
        // θ_s = c_last/c_max + j ∂θ/∂j with ∂θ/∂j ∝ 1/D_s(c_last/c_max).
        dThetaDc = 1.0 / cmax - j * dThetaDj / ds * dDdTheta / cmax;
        return cLast / cmax + j * dThetaDj;
    }

    /// <summary>x^a, with the common a = ½ as a square root (pow is the costliest call in the residual).</summary>
    private static double Power(double x, double a) => a == 0.5 ? Math.Sqrt(x) : Math.Pow(x, a);

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        var m = context.Maps;
        bool withJacobian = !jacobian.IsEmpty;
        double f = context.InverseThermalVoltage;
        double cRef = context.Cell.ReferenceElectrolyteConcentration;
        for (int i = 0; i < context.Graph.CellCount; i++)
        {
            int row = m.InterfacialCurrent[i];
            if (row < 0) continue;
            var electrode = context.Cell.Electrodes[L.ElectrodeOf(i)];
            double aa = electrode.AnodicTransferCoefficient, ac = electrode.CathodicTransferCoefficient;
            double j = y[row];
            double ce = Math.Max(y[m.ElectrolyteConcentration[i]], 1e-6);
            double theta = SurfaceStateOfLithiation(context, y, i, out double dThetaDc, out double dThetaDj);
            double u = electrode.OpenCircuitPotential.Evaluate(theta, out double dUdTheta);
            double eta = y[m.SolidPotential[i]] - y[m.ElectrolytePotential[i]] - u - electrode.FilmResistance * j;

            double thetaClamped = Math.Clamp(theta, ThetaFloor, 1 - ThetaFloor);
            bool clamped = thetaClamped != theta;
            double j0 = context.ReferenceExchangeCurrentDensity[L.ElectrodeOf(i)]
                        * Power(ce / cRef, aa) * Power((1 - thetaClamped) / 0.5, aa) * Power(thetaClamped / 0.5, ac);
            double anodic = Math.Exp(aa * f * eta), cathodic = Math.Exp(-ac * f * eta);
            double b = anodic - cathodic;
            double dbdEta = f * (aa * anodic + ac * cathodic);
            residual[row] += j - j0 * b;
            if (!withJacobian) continue;

            double dj0dTheta = clamped ? 0.0 : j0 * (-aa / (1 - thetaClamped) + ac / thetaClamped);
            double dRdTheta = -(dj0dTheta * b - j0 * dbdEta * dUdTheta);
            jacobian[_self[i]] += 1.0 + dRdTheta * dThetaDj + j0 * dbdEta * electrode.FilmResistance;
            jacobian[_solid[i]] -= j0 * dbdEta;
            jacobian[_electrolyte[i]] += j0 * dbdEta;
            jacobian[_concentration[i]] -= aa * j0 / ce * b;
            jacobian[_surface[i]] += dRdTheta * dThetaDc;
        }
    }
}
