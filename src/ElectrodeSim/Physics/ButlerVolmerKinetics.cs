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
        var L = context.Layout;
        for (int i = 0; i < context.Mesh.CellCount; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int row = L.InterfacialCurrent(i);
            pattern.Add(row, row);
            pattern.Add(row, L.SolidPotential(i));
            pattern.Add(row, L.ElectrolytePotential(i));
            pattern.Add(row, L.ElectrolyteConcentration(i));
            pattern.Add(row, L.SolidConcentration(i, context.Mesh.Particles[L.ElectrodeOf(i)].Shells - 1));
        }
    }

    public void Bind(SparsityPattern pattern)
    {
        var L = context.Layout;
        int n = context.Mesh.CellCount;
        _self = new int[n]; _solid = new int[n]; _electrolyte = new int[n]; _concentration = new int[n]; _surface = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int row = L.InterfacialCurrent(i);
            _self[i] = pattern.SlotOf(row, row);
            _solid[i] = pattern.SlotOf(row, L.SolidPotential(i));
            _electrolyte[i] = pattern.SlotOf(row, L.ElectrolytePotential(i));
            _concentration[i] = pattern.SlotOf(row, L.ElectrolyteConcentration(i));
            _surface[i] = pattern.SlotOf(row, L.SolidConcentration(i, context.Mesh.Particles[L.ElectrodeOf(i)].Shells - 1));
        }
    }

    /// <summary>
    /// Surface state of lithiation of the particle in x cell <paramref name="cell"/>, and ∂θ/∂c_last, ∂θ/∂j.
    /// A concentration-dependent D_s is taken at the outer shell's state of lithiation.
    /// </summary>
    public static double SurfaceStateOfLithiation(P2DContext context, ReadOnlySpan<double> y, int cell, out double dThetaDc, out double dThetaDj)
    {
        var L = context.Layout;
        int e = L.ElectrodeOf(cell);
        var electrode = context.Cell.Electrodes[e];
        var particle = context.Mesh.Particles[e];
        double cmax = electrode.MaxConcentration;
        double cLast = y[L.SolidConcentration(cell, particle.Shells - 1)];
        double j = y[L.InterfacialCurrent(cell)];
        double ds = electrode.SolidDiffusivityAt(cLast / cmax, context.Temperature, out double dDdTheta);
        dThetaDj = -particle.SurfaceDistance / (PhysicalConstants.Faraday * ds * cmax);
        // θ_s = c_last/c_max + j ∂θ/∂j with ∂θ/∂j ∝ 1/D_s(c_last/c_max).
        dThetaDc = 1.0 / cmax - j * dThetaDj / ds * dDdTheta / cmax;
        return cLast / cmax + j * dThetaDj;
    }

    /// <summary>x^a, with the common a = ½ as a square root (pow is the costliest call in the residual).</summary>
    private static double Power(double x, double a) => a == 0.5 ? Math.Sqrt(x) : Math.Pow(x, a);

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        bool withJacobian = !jacobian.IsEmpty;
        double f = context.InverseThermalVoltage;
        double cRef = context.Cell.ReferenceElectrolyteConcentration;
        for (int i = 0; i < context.Mesh.CellCount; i++)
        {
            if (!L.IsElectrode(i)) continue;
            var electrode = context.Cell.Electrodes[L.ElectrodeOf(i)];
            double aa = electrode.AnodicTransferCoefficient, ac = electrode.CathodicTransferCoefficient;
            double j = y[L.InterfacialCurrent(i)];
            double ce = Math.Max(y[L.ElectrolyteConcentration(i)], 1e-6);
            double theta = SurfaceStateOfLithiation(context, y, i, out double dThetaDc, out double dThetaDj);
            double u = electrode.OpenCircuitPotential.Evaluate(theta, out double dUdTheta);
            double eta = y[L.SolidPotential(i)] - y[L.ElectrolytePotential(i)] - u - electrode.FilmResistance * j;

            double thetaClamped = Math.Clamp(theta, ThetaFloor, 1 - ThetaFloor);
            bool clamped = thetaClamped != theta;
            double j0 = context.ReferenceExchangeCurrentDensity[L.ElectrodeOf(i)]
                        * Power(ce / cRef, aa) * Power((1 - thetaClamped) / 0.5, aa) * Power(thetaClamped / 0.5, ac);
            double anodic = Math.Exp(aa * f * eta), cathodic = Math.Exp(-ac * f * eta);
            double b = anodic - cathodic;
            double dbdEta = f * (aa * anodic + ac * cathodic);
            residual[L.InterfacialCurrent(i)] += j - j0 * b;
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
