using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Charge conservation in the electrolyte: <c>∂i_e/∂x = a j</c> with
/// <c>i_e = −κ_eff ∂φ_e/∂x + (2 κ_eff RT/F)(1 − t+)(1 + dln f/dln c) ∂ln c_e/∂x</c>, in residual form
/// <c>(i_{i+½} − i_{i−½})/Δx_i − a j = 0</c>. The diffusion-potential factor ν is averaged
/// arithmetically to the face; κ_eff follows the chosen face average.
/// At a lithium foil the face potential is fixed by the foil kinetics, φ_e(0) = −η_Li(I, c_e(0)),
/// with c_e(0) extrapolated from the first cell using the foil's salt flux; the face current then
/// equals I once the whole system is solved (the solid and electrolyte balances together force it).
/// At current collectors i_e = 0.
/// </summary>
public sealed class ElectrolyteChargeBalance(P2DContext context) : IModelEquation
{
    private int[] _selfPotential = [], _leftPotential = [], _rightPotential = [];
    private int[] _selfConcentration = [], _leftConcentration = [], _rightConcentration = [], _reaction = [];
    private int _foilCurrent = -1;

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var L = context.Layout;
        int n = context.Mesh.CellCount;
        for (int i = 0; i < n; i++)
        {
            int row = L.ElectrolytePotential(i);
            pattern.Add(row, row);
            pattern.Add(row, L.ElectrolyteConcentration(i));
            if (i > 0) { pattern.Add(row, L.ElectrolytePotential(i - 1)); pattern.Add(row, L.ElectrolyteConcentration(i - 1)); }
            if (i < n - 1) { pattern.Add(row, L.ElectrolytePotential(i + 1)); pattern.Add(row, L.ElectrolyteConcentration(i + 1)); }
            if (L.IsElectrode(i)) pattern.Add(row, L.InterfacialCurrent(i));
        }
        if (context.Cell.IsHalfCell) pattern.Add(L.ElectrolytePotential(0), L.Current);
    }

    public void Bind(SparsityPattern pattern)
    {
        var L = context.Layout;
        int n = context.Mesh.CellCount;
        _selfPotential = new int[n]; _leftPotential = new int[n]; _rightPotential = new int[n];
        _selfConcentration = new int[n]; _leftConcentration = new int[n]; _rightConcentration = new int[n]; _reaction = new int[n];
        for (int i = 0; i < n; i++)
        {
            int row = L.ElectrolytePotential(i);
            _selfPotential[i] = pattern.SlotOf(row, row);
            _selfConcentration[i] = pattern.SlotOf(row, L.ElectrolyteConcentration(i));
            _leftPotential[i] = i > 0 ? pattern.SlotOf(row, L.ElectrolytePotential(i - 1)) : -1;
            _leftConcentration[i] = i > 0 ? pattern.SlotOf(row, L.ElectrolyteConcentration(i - 1)) : -1;
            _rightPotential[i] = i < n - 1 ? pattern.SlotOf(row, L.ElectrolytePotential(i + 1)) : -1;
            _rightConcentration[i] = i < n - 1 ? pattern.SlotOf(row, L.ElectrolyteConcentration(i + 1)) : -1;
            _reaction[i] = L.IsElectrode(i) ? pattern.SlotOf(row, L.InterfacialCurrent(i)) : -1;
        }
        if (context.Cell.IsHalfCell) _foilCurrent = pattern.SlotOf(L.ElectrolytePotential(0), L.Current);
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        var mesh = context.Mesh;
        int n = mesh.CellCount;
        bool withJacobian = !jacobian.IsEmpty;
        var d = mesh.Widths;
        var k = context.EffectiveConductivity;
        var dk = context.EffectiveConductivitySlope;
        var nu = context.TransportFactor;
        var dnu = context.TransportFactorSlope;

        for (int i = 0; i < n - 1; i++)
        {
            double cL = y[L.ElectrolyteConcentration(i)], cR = y[L.ElectrolyteConcentration(i + 1)];
            double pL = y[L.ElectrolytePotential(i)], pR = y[L.ElectrolytePotential(i + 1)];
            double t = FaceTransmissibility.Compute(context.FaceAverage, d[i], k[i], d[i + 1], k[i + 1], out double dtL, out double dtR);
            double nuFace = 0.5 * (nu[i] + nu[i + 1]);
            double dLog = Math.Log(cR) - Math.Log(cL);
            double drive = nuFace * dLog - (pR - pL);
            double current = t * drive;
            residual[L.ElectrolytePotential(i)] += current / d[i];
            residual[L.ElectrolytePotential(i + 1)] -= current / d[i + 1];
            if (withJacobian)
            {
                double dIdpL = t, dIdpR = -t;
                double dIdcL = dtL * dk[i] * drive + t * (0.5 * dnu[i] * dLog - nuFace / cL);
                double dIdcR = dtR * dk[i + 1] * drive + t * (0.5 * dnu[i + 1] * dLog + nuFace / cR);
                jacobian[_selfPotential[i]] += dIdpL / d[i];
                jacobian[_rightPotential[i]] += dIdpR / d[i];
                jacobian[_selfConcentration[i]] += dIdcL / d[i];
                jacobian[_rightConcentration[i]] += dIdcR / d[i];
                jacobian[_leftPotential[i + 1]] -= dIdpL / d[i + 1];
                jacobian[_selfPotential[i + 1]] -= dIdpR / d[i + 1];
                jacobian[_leftConcentration[i + 1]] -= dIdcL / d[i + 1];
                jacobian[_selfConcentration[i + 1]] -= dIdcR / d[i + 1];
            }
        }

        if (context.Cell.IsHalfCell)
        {
            double p0 = y[L.ElectrolytePotential(0)], c0 = y[L.ElectrolyteConcentration(0)], current = y[L.Current];
            double faceCurrent = FoilFaceCurrent(p0, c0, current, out double transmissibility);
            residual[L.ElectrolytePotential(0)] -= faceCurrent / d[0];
            if (withJacobian)
            {
                // ∂/∂φ_e0 is exact; ∂/∂c_e0 and ∂/∂I by central differences of this one boundary function.
                jacobian[_selfPotential[0]] += transmissibility / d[0];
                double hc = 1e-6 * Math.Abs(c0);
                double dc = (FoilFaceCurrent(p0, c0 + hc, current, out _) - FoilFaceCurrent(p0, c0 - hc, current, out _)) / (2 * hc);
                double hi = 1e-6 * Math.Max(Math.Abs(current), 1e-3);
                double di = (FoilFaceCurrent(p0, c0, current + hi, out _) - FoilFaceCurrent(p0, c0, current - hi, out _)) / (2 * hi);
                jacobian[_selfConcentration[0]] -= dc / d[0];
                jacobian[_foilCurrent] -= di / d[0];
            }
        }

        for (int i = 0; i < n; i++)
        {
            double a = context.SpecificArea[i];
            if (a == 0) continue;
            residual[L.ElectrolytePotential(i)] -= a * y[L.InterfacialCurrent(i)];
            if (withJacobian) jacobian[_reaction[i]] -= a;
        }
    }

    /// <summary>Electrolyte current [A/m²] through the foil face x = 0, given the first cell's potential and concentration.</summary>
    private double FoilFaceCurrent(double potential, double concentration, double current, out double transmissibility)
    {
        var el = context.Cell.Electrolyte;
        double T = context.Temperature;
        double d0 = context.Mesh.Widths[0];
        double tortuosity = context.Tortuosity[0];
        double c = Math.Max(concentration, 1e-6);
        double kappa = tortuosity * el.Conductivity.Value(c, T);
        double diffusivity = tortuosity * el.Diffusivity.Value(c, T);
        double oneMinusT = 1 - el.TransferenceNumber;
        double faceConcentration = Math.Max(c + 0.5 * d0 * oneMinusT * current / (PhysicalConstants.Faraday * diffusivity), 1e-6);
        double nu = 2.0 / context.InverseThermalVoltage * oneMinusT * el.ThermodynamicFactor.Value(0.5 * (c + faceConcentration), T);
        double facePotential = -LithiumFoil.Overpotential(context.Cell.LithiumFoil!, current, faceConcentration, context.InverseThermalVoltage);
        transmissibility = FaceTransmissibility.Boundary(d0, kappa);
        return transmissibility * (nu * (Math.Log(c) - Math.Log(faceConcentration)) - (potential - facePotential));
    }
}
