using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Mesh.Resolved;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics.Resolved;

/// <summary>
/// Salt conservation in the separator and matrix electrolyte (concentrated solution, constant t+, as P2D):
/// <c>ε ∂c_e/∂t = ∇·(D_e,eff ∇c_e) + (1 − t+) (interface source)/F</c>, D_e,eff = ε^b D_e (separator ε_sep, matrix ε_m).
/// Per cell <c>ε dc/dt + (1/V) Σ A N·n − (…) = 0</c>; the interface source is <see cref="InterfaceReaction"/>'s.
/// Lithium foil faces (tag 10): N·n = −(1 − t+) I / F (salt enters); every other boundary N = 0.
/// </summary>
public sealed class ResolvedElectrolyteMassBalance : IModelEquation
{
    private readonly ResolvedContext _context;
    private readonly GraphDiffusion _diffusion;
    private readonly int[] _foilFaces;
    private int[] _foilCurrent = [];

    public ResolvedElectrolyteMassBalance(ResolvedContext context)
    {
        _context = context;
        var map = context.ElectrolyteConcentration;
        _diffusion = new GraphDiffusion(context.Graph, map, context.FaceAverage, coefficientUnknown: map);
        _foilFaces = [.. context.Graph.FacesOf(FaceKind.Boundary, ResolvedFaceTags.LithiumFoil)];
    }

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        _diffusion.DeclarePattern(pattern);
        foreach (int f in _foilFaces) pattern.Add(_context.ElectrolyteConcentration[_context.Graph.LeftCell[f]], _context.Current);
    }

    public void Bind(SparsityPattern pattern)
    {
        _diffusion.Bind(pattern);
        _foilCurrent = [.. _foilFaces.Select(f => pattern.SlotOf(_context.ElectrolyteConcentration[_context.Graph.LeftCell[f]], _context.Current))];
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var c = _context;
        var g = c.Graph;
        bool withJacobian = !jacobian.IsEmpty;
        _diffusion.Accumulate(y, c.EffectiveDiffusivity, withJacobian ? c.EffectiveDiffusivitySlope : [], residual, jacobian);
        double oneMinusT = 1 - c.Cell.Electrolyte.TransferenceNumber;
        for (int b = 0; b < _foilFaces.Length; b++)
        {
            int f = _foilFaces[b], cell = g.LeftCell[f];
            double k = g.FaceArea[f] * oneMinusT / (PhysicalConstants.Faraday * g.CellVolume[cell]);
            residual[c.ElectrolyteConcentration[cell]] -= k * y[c.Current];
            if (withJacobian) jacobian[_foilCurrent[b]] -= k;
        }
    }
}

/// <summary>
/// Charge conservation in the separator and matrix electrolyte (as P2D):
/// <c>∇·i_e = (interface source)</c>, <c>i_e = −κ_eff ∇φ_e + ν(c_e) κ_eff ∇ln c_e</c>, ν = (2RT/F)(1 − t+)(1 + dln f/dln c).
/// Two-point fluxes of φ_e with κ_eff and the diffusion potential as a drive (<see cref="ElectrolyteChargeBalance.DiffusionPotentialDrive"/>).
/// Lithium foil faces (tag 10): the face current from <see cref="LithiumFoil.FaceCurrent"/> (φ_e at the face = −η_Li);
/// the collector is blocking (i_e = 0). The interface source is <see cref="InterfaceReaction"/>'s.
/// </summary>
public sealed class ResolvedElectrolyteChargeBalance : IModelEquation
{
    private readonly ResolvedContext _context;
    private readonly GraphDiffusion _conduction;
    private readonly double[] _drive, _driveByLeft, _driveByRight, _logConcentration;
    private readonly int[] _foilFaces;
    private int[] _foilSelf = [], _foilConcentration = [], _foilCurrent = [];

    public ResolvedElectrolyteChargeBalance(ResolvedContext context)
    {
        _context = context;
        _conduction = new GraphDiffusion(context.Graph, context.ElectrolytePotential, context.FaceAverage, coefficientUnknown: context.ElectrolyteConcentration);
        _drive = new double[_conduction.FaceCount];
        _driveByLeft = new double[_conduction.FaceCount];
        _driveByRight = new double[_conduction.FaceCount];
        _logConcentration = new double[context.Graph.CellCount];
        _foilFaces = [.. context.Graph.FacesOf(FaceKind.Boundary, ResolvedFaceTags.LithiumFoil)];
    }

    private int Row(int f) => _context.ElectrolytePotential[_context.Graph.LeftCell[f]];

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        _conduction.DeclarePattern(pattern);
        foreach (int f in _foilFaces)
        {
            pattern.Add(Row(f), _context.ElectrolyteConcentration[_context.Graph.LeftCell[f]]);
            pattern.Add(Row(f), _context.Current);
        }
    }

    public void Bind(SparsityPattern pattern)
    {
        _conduction.Bind(pattern);
        _foilSelf = [.. _foilFaces.Select(f => pattern.SlotOf(Row(f), Row(f)))];
        _foilConcentration = [.. _foilFaces.Select(f => pattern.SlotOf(Row(f), _context.ElectrolyteConcentration[_context.Graph.LeftCell[f]]))];
        _foilCurrent = [.. _foilFaces.Select(f => pattern.SlotOf(Row(f), _context.Current))];
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var c = _context;
        var g = c.Graph;
        bool withJacobian = !jacobian.IsEmpty;
        ElectrolyteChargeBalance.DiffusionPotentialDrive(_conduction, c.ElectrolyteConcentration, y, c.TransportFactor, c.TransportFactorSlope,
                                                         withJacobian, _drive, _driveByLeft, _driveByRight, _logConcentration);
        if (withJacobian)
            _conduction.Accumulate(y, c.EffectiveConductivity, c.EffectiveConductivitySlope, _drive, _driveByLeft, _driveByRight, residual, jacobian);
        else
            _conduction.Accumulate(y, c.EffectiveConductivity, [], _drive, [], [], residual, jacobian);

        var foil = c.Cell.LithiumFoil!;
        var el = c.Cell.Electrolyte;
        double T = c.Temperature, fRT = c.InverseThermalVoltage;
        for (int b = 0; b < _foilFaces.Length; b++)
        {
            int f = _foilFaces[b], cell = g.LeftCell[f];
            int row = c.ElectrolytePotential[cell];
            double scale = g.FaceArea[f] / g.CellVolume[cell], distance = g.LeftDistance[f], tortuosity = c.Tortuosity[cell];
            double p0 = y[row], c0 = y[c.ElectrolyteConcentration[cell]], current = y[c.Current];
            double Face(double cc, double ii, out double t) => LithiumFoil.FaceCurrent(foil, el, T, fRT, tortuosity, distance, p0, cc, ii, out t);
            residual[row] -= scale * Face(c0, current, out double transmissibility);
            if (!withJacobian) continue;
            jacobian[_foilSelf[b]] += scale * transmissibility;
            double hc = 1e-6 * Math.Abs(c0);
            double dc = (Face(c0 + hc, current, out _) - Face(c0 - hc, current, out _)) / (2 * hc);
            double hi = 1e-6 * Math.Max(Math.Abs(current), 1e-3);
            double di = (Face(c0, current + hi, out _) - Face(c0, current - hi, out _)) / (2 * hi);
            jacobian[_foilConcentration[b]] -= scale * dc;
            jacobian[_foilCurrent[b]] -= scale * di;
        }
    }
}
