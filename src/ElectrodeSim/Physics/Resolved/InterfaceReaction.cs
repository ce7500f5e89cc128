using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Mesh.Resolved;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics.Resolved;

/// <summary>
/// The particle–matrix interface faces (kind Interface; left cell the particle p, right cell the matrix m; reactive face
/// areas summing to 2πR per disc, shared as <see cref="ResolvedCellParameters.InterfaceArea"/> says). Two currents cross each face:
/// <list type="bullet">
/// <item>the Butler–Volmer lithium flux j [A/m² of interface], positive when lithium leaves the particle
/// (MODEL.md §2), computed per face from the two cells' unknowns with no face unknown:
/// <c>j = j0 [exp(α_a f η) − exp(−α_c f η)]</c>, <c>η = φ_s(p) − φ_e(m) − U(θ_p) − R_film j</c>, θ_p = c_s(p)/c_s,max(p) (or, with
/// <see cref="InterfaceState.Surface"/>, θ interpolated to the circle from p and an inner neighbour of the disc),
/// j0 from <see cref="ButlerVolmerKinetics.Rate"/> with c_e(m). With R_film &gt; 0 the relation is implicit in j and is
/// solved per face (monotone; safeguarded Newton), its derivatives by the implicit function theorem;</item>
/// <item>the electronic contact current <c>i_c = G_c (φ_s(p) − φ_m(m))</c> [A/m²] from particle to matrix network.</item>
/// </list>
/// Sources per unit cell volume (A_f the face area, V the cell volume): c_s(p): <c>+A j/(F V_p)</c> in the residual
/// (lithium leaves); φ_s(p): <c>+A (j + i_c)/V_p</c> (current leaving the particle, ionic and electronic);
/// c_e(m): <c>−(1 − t+) A j/(F V_m)</c>; φ_e(m): <c>−A j/V_m</c>; φ_m(m): <c>−A i_c/V_m</c>.
/// </summary>
public sealed class InterfaceReaction : IModelEquation
{
    /// <summary>Local unknowns of a face: c_s(p), φ_s(p), c_e(m), φ_e(m), φ_m(m).</summary>
    private const int Local = 5;
    private readonly ResolvedContext _context;
    private readonly int[] _faces;
    private readonly int[] _unknowns;
    private readonly double[] _area;
    private int[] _slots = [];

    public InterfaceReaction(ResolvedContext context)
    {
        _context = context;
        var g = context.Graph;
        _faces = [.. g.FacesOf(FaceKind.Interface)];
        _unknowns = new int[_faces.Length * Local];
        for (int k = 0; k < _faces.Length; k++)
        {
            int p = g.LeftCell[_faces[k]], m = g.RightCell[_faces[k]];
            if (context.ParticleConcentration[p] < 0 || context.MatrixPotential[m] < 0)
                throw new ArgumentException($"interface face {_faces[k]} does not join a particle cell (left) and a matrix cell (right)");
            _unknowns[k * Local + 0] = context.ParticleConcentration[p];
            _unknowns[k * Local + 1] = context.ParticlePotential[p];
            _unknowns[k * Local + 2] = context.ElectrolyteConcentration[m];
            _unknowns[k * Local + 3] = context.ElectrolytePotential[m];
            _unknowns[k * Local + 4] = context.MatrixPotential[m];
        }
        _area = ReactiveAreas(context, _faces);
        if (context.Parameters.InterfaceState == InterfaceState.Surface) (_partner, _partnerWeight) = SurfacePartners(context, _faces);
    }

    /// <summary><see cref="InterfaceState.Surface"/>, per face: the c_s unknown of the inner partner cell q (−1: none, the cell's own θ) and the weight w of
    /// θ_s = θ_p + w (θ_q − θ_p); null for <see cref="InterfaceState.CellValue"/>.</summary>
    private readonly int[]? _partner;
    private readonly double[]? _partnerWeight;
    private int[] _partnerSlots = [];

    /// <summary>
    /// For each interface face's particle cell p (grid centre at r_p from its disc's centre): the neighbour q of the same disc across one of p's faces that
    /// points most nearly inwards (largest (r_p − r_q)/|x_p − x_q|, at least <see cref="MinimumInwardCosine"/>), and w = (r_p − R)/(r_p − r_q), so θ_s is θ
    /// linear in r through the two grid centres, evaluated at r = R: an interpolation for a sliver (r_p &gt; R), an extrapolation by at most ~0.7 h for a
    /// cell whose centre is inside. Linear in the state, so it adds no feedback to the kinetics.
    /// </summary>
    private static (int[] Partner, double[] Weight) SurfacePartners(ResolvedContext context, int[] faces)
    {
        var mesh = context.Mesh;
        var g = context.Graph;
        double height = mesh.Packing.Settings.Height;
        var partner = new int[faces.Length];
        var weight = new double[faces.Length];
        for (int k = 0; k < faces.Length; k++)
        {
            partner[k] = -1;
            int p = g.LeftCell[faces[k]];
            var disc = mesh.Packing.Discs[g.FaceTag[faces[k]]];
            var (xp, yp) = mesh.CellCentre(p);
            double Radius(double x, double y) { double dx = x - disc.X, dy = DiscPacking.NearestImage(y - disc.Y, height); return Math.Sqrt(dx * dx + dy * dy); }
            double rp = Radius(xp, yp), best = MinimumInwardCosine, rBest = 0;
            for (int n = g.CellFaceStart[p]; n < g.CellFaceStart[p + 1]; n++)
            {
                int f = g.CellFaces[n];
                if (g.Kind[f] != FaceKind.Interior) continue;
                int q = g.LeftCell[f] == p ? g.RightCell[f] : g.LeftCell[f];
                if (q < 0 || g.CellRegion[q] != g.CellRegion[p] || context.ParticleConcentration[q] < 0) continue;
                var (xq, yq) = mesh.CellCentre(q);
                double rq = Radius(xq, yq), dx = xq - xp, dy = DiscPacking.NearestImage(yq - yp, height);
                double cosine = (rp - rq) / Math.Sqrt(dx * dx + dy * dy);
                if (cosine > best) { best = cosine; partner[k] = context.ParticleConcentration[q]; rBest = rq; }
            }
            if (partner[k] >= 0) weight[k] = (rp - disc.Radius) / (rp - rBest);
        }
        return (partner, weight);
    }

    /// <summary>The least cosine between p → q and the inward radius for q to serve as <see cref="InterfaceState.Surface"/>'s partner (a face neighbour at
    /// 45° has 0.71; a tangential one 0, which would make w unbounded).</summary>
    private const double MinimumInwardCosine = 0.3;

    /// <summary>The interface faces, in graph order (the order of <see cref="Flux"/> and <see cref="Areas"/>).</summary>
    public ReadOnlySpan<int> Faces => _faces;
    /// <summary>Reactive area of each interface face [m per unit depth] (<see cref="InterfaceAreaDistribution"/>); each disc's sum is 2πR.</summary>
    public ReadOnlySpan<double> Areas => _area;

    private static double[] ReactiveAreas(ResolvedContext context, int[] faces)
    {
        var mesh = context.Mesh;
        var g = context.Graph;
        var area = new double[faces.Length];
        var sum = new double[mesh.Packing.Discs.Count];
        for (int k = 0; k < faces.Length; k++)
        {
            int f = faces[k];
            if (context.Parameters.InterfaceArea == InterfaceAreaDistribution.Uniform) { area[k] = g.FaceArea[f]; continue; }
            var disc = mesh.Packing.Discs[g.FaceTag[f]];
            var (x, y) = mesh.FaceCentre(f);
            double nx = x - disc.X, ny = DiscPacking.NearestImage(y - disc.Y, mesh.Packing.Settings.Height);
            double length = Math.Sqrt(nx * nx + ny * ny);
            double projection = mesh.FaceAxes[f] == FaceAxis.X ? Math.Abs(nx) / length : Math.Abs(ny) / length;
            area[k] = mesh.GeometricFaceArea[f] * projection;
            sum[disc.Index] += area[k];
        }
        if (context.Parameters.InterfaceArea == InterfaceAreaDistribution.Arc)
        {
            // The cell's arc, shared among its interface faces by projection.
            var perCell = new double[g.CellCount];
            var count = new int[g.CellCount];
            for (int k = 0; k < faces.Length; k++) { perCell[g.LeftCell[faces[k]]] += area[k]; count[g.LeftCell[faces[k]]]++; }
            for (int k = 0; k < faces.Length; k++)
            {
                int p = g.LeftCell[faces[k]];
                area[k] = perCell[p] > 0 ? mesh.CutArc[p] * area[k] / perCell[p] : mesh.CutArc[p] / count[p];
            }
            return area;
        }
        if (context.Parameters.InterfaceArea == InterfaceAreaDistribution.Projected)
            for (int k = 0; k < faces.Length; k++)
            {
                var disc = mesh.Packing.Discs[g.FaceTag[faces[k]]];
                area[k] *= disc.Perimeter / sum[disc.Index];
            }
        return area;
    }

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        for (int k = 0; k < _faces.Length; k++)
            for (int r = 0; r < Local; r++)
                for (int q = 0; q < Local; q++)
                    pattern.Add(_unknowns[k * Local + r], _unknowns[k * Local + q]);
        if (_partner is null) return;
        for (int k = 0; k < _faces.Length; k++)
            if (_partner[k] >= 0)
                for (int r = 0; r < 4; r++) pattern.Add(_unknowns[k * Local + r], _partner[k]);
    }

    public void Bind(SparsityPattern pattern)
    {
        _slots = new int[_faces.Length * Local * Local];
        for (int k = 0; k < _faces.Length; k++)
            for (int r = 0; r < Local; r++)
                for (int q = 0; q < Local; q++)
                    _slots[(k * Local + r) * Local + q] = pattern.SlotOf(_unknowns[k * Local + r], _unknowns[k * Local + q]);
        if (_partner is null) return;
        _partnerSlots = new int[_faces.Length * 4];
        for (int k = 0; k < _faces.Length; k++)
            for (int r = 0; r < 4; r++)
                _partnerSlots[k * 4 + r] = _partner[k] >= 0 ? pattern.SlotOf(_unknowns[k * Local + r], _partner[k]) : -1;
    }

    /// <summary>
    /// j [A/m²] across interface face number <paramref name="k"/> (of <see cref="Faces"/>) and ∂j/∂(c_s, φ_s, c_e, φ_e) of its
    /// cells (into <paramref name="slope"/>, length 4, when not empty; a fifth entry, when there is room, gets ∂j/∂c_s of the
    /// <see cref="InterfaceState.Surface"/> partner cell, 0 without one).
    /// </summary>
    public double Flux(int k, ReadOnlySpan<double> y, Span<double> slope)
    {
        var c = _context;
        var electrode = c.Parameters.Electrode;
        int p = c.Graph.LeftCell[_faces[k]];
        double aa = electrode.AnodicTransferCoefficient, ac = electrode.CathodicTransferCoefficient, f = c.InverseThermalVoltage;
        double rFilm = electrode.FilmResistance;
        double cmax = c.MaxConcentration[p];
        double cs = y[_unknowns[k * Local]], phiS = y[_unknowns[k * Local + 1]];
        double ceRaw = y[_unknowns[k * Local + 2]], phiE = y[_unknowns[k * Local + 3]];
        double ce = Math.Max(ceRaw, 1e-6);
        double theta = cs / cmax;
        // InterfaceState.Surface: θ at the circle, θ_s = θ_p + w (θ_q − θ_p) (kept inside [0, 1]; clamped, its slopes are 0).
        double w = 0, thetaQ = 0;
        bool clamped = false;
        if (_partner is not null && _partner[k] >= 0)
        {
            w = _partnerWeight![k];
            thetaQ = y[_partner[k]] / cmax;
            double surface = theta + w * (thetaQ - theta);
            theta = Math.Clamp(surface, ButlerVolmerKinetics.ThetaFloor, 1 - ButlerVolmerKinetics.ThetaFloor);
            clamped = theta != surface;
        }
        double u = electrode.OpenCircuitPotential.Evaluate(theta, out double dU);
        double eta0 = phiS - phiE - u;
        double reduced = ce / c.Cell.ReferenceElectrolyteConcentration;
        var rate = ButlerVolmerKinetics.Rate(c.ReferenceExchangeCurrentDensity, aa, ac, f, reduced, theta, eta0);
        double j = rate.ExchangeCurrentDensity * rate.Drive;
        if (rFilm > 0)
        {
            // G(j) = j − j0 B(η0 − R j) rises monotonically; its root lies between 0 and the film-free j.
            double low = Math.Min(0, j), high = Math.Max(0, j);
            for (int iteration = 0; iteration < 100; iteration++)
            {
                rate = ButlerVolmerKinetics.Rate(c.ReferenceExchangeCurrentDensity, aa, ac, f, reduced, theta, eta0 - rFilm * j);
                double g = j - rate.ExchangeCurrentDensity * rate.Drive;
                if (g > 0) high = j; else low = j;
                double next = j - g / (1 + rate.ExchangeCurrentDensity * rate.DriveSlope * rFilm);
                if (!(next >= low && next <= high)) next = 0.5 * (low + high);
                bool done = Math.Abs(next - j) <= 1e-14 * Math.Max(1.0, Math.Abs(j));
                j = next;
                if (done) break;
            }
            rate = ButlerVolmerKinetics.Rate(c.ReferenceExchangeCurrentDensity, aa, ac, f, reduced, theta, eta0 - rFilm * j);
        }
        if (slope.IsEmpty) return j;
        double j0 = rate.ExchangeCurrentDensity, b = rate.Drive, bEta = rate.DriveSlope;
        double inverse = 1.0 / (1 + j0 * bEta * rFilm);
        slope[0] = (rate.ExchangeCurrentDensityByTheta * b - j0 * bEta * dU) / cmax * inverse;
        if (_partner is not null && _partner[k] >= 0)
        {
            // θ_s = (1 − w) θ_p + w θ_q: the cell's share and the partner's (slope[4], when asked for).
            double dTheta = clamped ? 0.0 : slope[0];
            slope[0] = dTheta * (1 - w);
            if (slope.Length > 4) slope[4] = dTheta * w;
        }
        else if (slope.Length > 4) slope[4] = 0.0;
        slope[1] = j0 * bEta * inverse;
        slope[2] = ceRaw > 1e-6 ? aa * j0 / ce * b * inverse : 0.0;
        slope[3] = -j0 * bEta * inverse;
        return j;
    }

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var c = _context;
        var g = c.Graph;
        bool withJacobian = !jacobian.IsEmpty;
        double oneMinusT = 1 - c.Cell.Electrolyte.TransferenceNumber;
        double gc = c.Parameters.ContactConductance;
        double F = PhysicalConstants.Faraday;
        Span<double> slope = stackalloc double[5];
        Span<double> weight = stackalloc double[Local];
        for (int k = 0; k < _faces.Length; k++)
        {
            int face = _faces[k];
            double area = _area[k];
            double vp = g.CellVolume[g.LeftCell[face]], vm = g.CellVolume[g.RightCell[face]];
            double j = Flux(k, y, withJacobian ? slope : []);
            int o = k * Local;
            double contact = gc * (y[_unknowns[o + 1]] - y[_unknowns[o + 4]]);
            // Row weights of j: c_s(p), φ_s(p), c_e(m), φ_e(m), φ_m(m).
            weight[0] = area / (F * vp);
            weight[1] = area / vp;
            weight[2] = -oneMinusT * area / (F * vm);
            weight[3] = -area / vm;
            weight[4] = 0.0;
            for (int r = 0; r < 4; r++) residual[_unknowns[o + r]] += weight[r] * j;
            residual[_unknowns[o + 1]] += area * contact / vp;
            residual[_unknowns[o + 4]] -= area * contact / vm;
            if (!withJacobian) continue;
            for (int r = 0; r < 4; r++)
                for (int q = 0; q < 4; q++)
                    jacobian[_slots[(o + r) * Local + q]] += weight[r] * slope[q];
            if (_partner is not null && _partner[k] >= 0)
                for (int r = 0; r < 4; r++) jacobian[_partnerSlots[k * 4 + r]] += weight[r] * slope[4];
            jacobian[_slots[(o + 1) * Local + 1]] += area * gc / vp;
            jacobian[_slots[(o + 1) * Local + 4]] -= area * gc / vp;
            jacobian[_slots[(o + 4) * Local + 1]] -= area * gc / vm;
            jacobian[_slots[(o + 4) * Local + 4]] += area * gc / vm;
        }
    }
}
