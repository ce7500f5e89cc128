using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Charge conservation in the electrolyte: <c>∇·i_e = a j</c> with
/// <c>i_e = −κ_eff ∇φ_e + (2 κ_eff RT/F)(1 − t+)(1 + dln f/dln c) ∇ln c_e</c>, per cell of the x graph
/// <c>(1/V) Σ_faces A i_e·n − a j = 0</c>. Across a face the current is the two-point flux of φ_e with
/// transmissibility κ_eff (chosen face average) and the diffusion potential <c>ν_f Δln c_e</c> as a drive on
/// the same transmissibility, ν averaged arithmetically to the face (<see cref="GraphDiffusion"/>).
/// Boundary faces: at a lithium foil the face potential is fixed by the foil kinetics, φ_e(0) = −η_Li(I, c_e(0)),
/// with c_e(0) extrapolated from the cell using the foil's salt flux; the face current then equals I once the
/// whole system is solved (the solid and electrolyte balances together force it). At current collectors i_e = 0.
/// </summary>
public sealed class ElectrolyteChargeBalance : IModelEquation
{
    private readonly P2DContext _context;
    private readonly GraphDiffusion _conduction;
    private readonly double[] _drive, _driveByLeft, _driveByRight, _logConcentration;
    private readonly int[] _foilFaces;
    private int[] _reaction = [], _foilSelf = [], _foilConcentration = [], _foilCurrent = [];

    public ElectrolyteChargeBalance(P2DContext context)
    {
        _context = context;
        _conduction = new GraphDiffusion(context.Graph, context.Maps.ElectrolytePotential, context.FaceAverage,
                                         coefficientUnknown: context.Maps.ElectrolyteConcentration);
        _drive = new double[_conduction.FaceCount];
        _driveByLeft = new double[_conduction.FaceCount];
        _driveByRight = new double[_conduction.FaceCount];
        _logConcentration = new double[context.Graph.CellCount];
        _foilFaces = context.Cell.IsHalfCell ? context.Graph.FacesOf(FaceKind.Boundary, FaceTags.XStart).ToArray() : [];
    }

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var m = _context.Maps;
        _conduction.DeclarePattern(pattern);
        for (int i = 0; i < _context.Graph.CellCount; i++)
        {
            pattern.Add(m.ElectrolytePotential[i], m.ElectrolyteConcentration[i]);
            if (m.InterfacialCurrent[i] >= 0) pattern.Add(m.ElectrolytePotential[i], m.InterfacialCurrent[i]);
        }
        foreach (int f in _foilFaces) pattern.Add(m.ElectrolytePotential[_context.Graph.LeftCell[f]], _context.Layout.Current);
    }

    public void Bind(SparsityPattern pattern)
    {
        var m = _context.Maps;
        var graph = _context.Graph;
        _conduction.Bind(pattern);
        _reaction = new int[graph.CellCount];
        for (int i = 0; i < graph.CellCount; i++)
            _reaction[i] = m.InterfacialCurrent[i] >= 0 ? pattern.SlotOf(m.ElectrolytePotential[i], m.InterfacialCurrent[i]) : -1;
        int Row(int f) => m.ElectrolytePotential[graph.LeftCell[f]];
        _foilSelf = _foilFaces.Select(f => pattern.SlotOf(Row(f), Row(f))).ToArray();
        _foilConcentration = _foilFaces.Select(f => pattern.SlotOf(Row(f), m.ElectrolyteConcentration[graph.LeftCell[f]])).ToArray();
        _foilCurrent = _foilFaces.Select(f => pattern.SlotOf(Row(f), _context.Layout.Current)).ToArray();
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var context = _context;
        var graph = context.Graph;
        var m = context.Maps;
        bool withJacobian = !jacobian.IsEmpty;
        var nu = context.TransportFactor;
        var dnu = context.TransportFactorSlope;

        DiffusionPotentialDrive(_conduction, m.ElectrolyteConcentration, y, nu, dnu, withJacobian, _drive, _driveByLeft, _driveByRight, _logConcentration);
        if (withJacobian)
            _conduction.Accumulate(y, context.EffectiveConductivity, context.EffectiveConductivitySlope, _drive, _driveByLeft, _driveByRight, residual, jacobian);
        else
            _conduction.Accumulate(y, context.EffectiveConductivity, [], _drive, [], [], residual, jacobian);

        for (int b = 0; b < _foilFaces.Length; b++)
        {
            int f = _foilFaces[b], cell = graph.LeftCell[f];
            int row = m.ElectrolytePotential[cell];
            double area = graph.FaceArea[f], volume = graph.CellVolume[cell], distance = graph.LeftDistance[f];
            double p0 = y[row], c0 = y[m.ElectrolyteConcentration[cell]], current = y[context.Layout.Current];
            double faceCurrent = FoilFaceCurrent(cell, distance, p0, c0, current, out double transmissibility);
            residual[row] -= area * faceCurrent / volume;
            if (withJacobian)
            {
                // ∂/∂φ_e0 is exact; ∂/∂c_e0 and ∂/∂I by central differences of this one boundary function.
                jacobian[_foilSelf[b]] += area * transmissibility / volume;
                double hc = 1e-6 * Math.Abs(c0);
                double dc = (FoilFaceCurrent(cell, distance, p0, c0 + hc, current, out _) - FoilFaceCurrent(cell, distance, p0, c0 - hc, current, out _)) / (2 * hc);
                double hi = 1e-6 * Math.Max(Math.Abs(current), 1e-3);
                double di = (FoilFaceCurrent(cell, distance, p0, c0, current + hi, out _) - FoilFaceCurrent(cell, distance, p0, c0, current - hi, out _)) / (2 * hi);
                jacobian[_foilConcentration[b]] -= area * dc / volume;
                jacobian[_foilCurrent[b]] -= area * di / volume;
            }
        }

        for (int i = 0; i < graph.CellCount; i++)
        {
            double a = context.SpecificArea[i];
            if (a == 0) continue;
            residual[m.ElectrolytePotential[i]] -= a * y[m.InterfacialCurrent[i]];
            if (withJacobian) jacobian[_reaction[i]] -= a;
        }
    }

    /// <summary>
    /// Electrolyte current [A/m²] in +x through the foil face, given the potential and concentration of the cell
    /// <paramref name="distance"/> [m] from it.
    /// </summary>
    private double FoilFaceCurrent(int cell, double distance, double potential, double concentration, double current, out double transmissibility) =>
        LithiumFoil.FaceCurrent(_context.Cell.LithiumFoil!, _context.Cell.Electrolyte, _context.Temperature, _context.InverseThermalVoltage,
                                _context.Tortuosity[cell], distance, potential, concentration, current, out transmissibility);

    /// <summary>
    /// The diffusion-potential drive ν_f Δln c_e of each conduction face (ν averaged arithmetically to the face) and its
    /// derivatives in the left and right cell's c_e (filled only when <paramref name="withJacobian"/>). ln c_e is taken once per
    /// cell, into <paramref name="logConcentration"/> (per graph cell, a workspace), not twice per face.
    /// </summary>
    public static void DiffusionPotentialDrive(GraphDiffusion conduction, int[] concentration, ReadOnlySpan<double> y,
                                               ReadOnlySpan<double> nu, ReadOnlySpan<double> dnu, bool withJacobian,
                                               Span<double> drive, Span<double> driveByLeft, Span<double> driveByRight, Span<double> logConcentration)
    {
        var left = conduction.LeftCells;
        var right = conduction.RightCells;
        for (int c = 0; c < concentration.Length; c++)
            if (concentration[c] >= 0) logConcentration[c] = Math.Log(y[concentration[c]]);
        for (int k = 0; k < drive.Length; k++)
        {
            int l = left[k], r = right[k];
            double cL = y[concentration[l]], cR = y[concentration[r]];
            double nuFace = 0.5 * (nu[l] + nu[r]);
            double dLog = logConcentration[r] - logConcentration[l];
            drive[k] = nuFace * dLog;
            if (!withJacobian) continue;
            driveByLeft[k] = 0.5 * dnu[l] * dLog - nuFace / cL;
            driveByRight[k] = 0.5 * dnu[r] * dLog + nuFace / cR;
        }
    }
}
