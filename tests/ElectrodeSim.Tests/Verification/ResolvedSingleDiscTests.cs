using ElectrodeSim.Materials;
using ElectrodeSim.Mesh.Resolved;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;
using ElectrodeSim.Physics.Resolved;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// MODEL.md §8 single-particle limit, 2-D: one disc in a well-mixed bath (electrolyte, matrix and particle transport
/// made 10⁴–10⁶ times faster, a flat equilibrium potential, kinetics near θ = ½ where j0 is stationary in θ) takes a
/// uniform constant flux, so SOL(r, t) is the 1-D cylindrical diffusion solution with that flux.
/// </summary>
public class ResolvedSingleDiscTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Um = 1e-6;
    private const double Radius = 1.5 * Um, Diffusivity = 1e-14, Duration = 100.0, Current = 25.0, Height = 8 * Um;

    internal static ResolvedCellParameters WellMixed()
    {
        var cell = Repository.LoadCase("sio-c-l.yaml").Cell;
        var el = cell.Electrolyte;
        var fast = new ElectrolyteProperties
        {
            Name = el.Name + " x1e4", Source = el.Source,
            Conductivity = new Correlation("kappa x1e4", el.Conductivity.Source, "S/m", (c, T) => 1e4 * el.Conductivity.Value(c, T)),
            Diffusivity = new Correlation("D_e x1e4", el.Diffusivity.Source, "m2/s", (c, T) => 1e4 * el.Diffusivity.Value(c, T)),
            TransferenceNumber = el.TransferenceNumber, ThermodynamicFactor = el.ThermodynamicFactor,
        };
        var electrode = cell.WorkingElectrode with
        {
            SolidDiffusivity = Diffusivity, SolidDiffusivityFunction = null, SolidDiffusivityActivationEnergy = 0,
            OpenCircuitPotential = new FunctionOcp("flat", "test", _ => 0.1, _ => 0.0),
            InitialStateOfLithiation = 0.4, ExchangeCurrentPrefactor = 0.5, ReactionActivationEnergy = 0, FilmResistance = 0,
        };
        return new ResolvedCellParameters
        {
            Cell = cell with { Electrolyte = fast, Electrodes = [electrode] },
            ParticleConductivity = 1e6, CarbonBinderConductivity = 1e6, ContactConductance = 1e9,
        };
    }

    /// <summary>The disc's discretisations: the staircase (default), the merged cut cells, the embedded-boundary cut cells.</summary>
    public enum Geometry { Staircase, CutCell, EmbeddedBoundary }

    /// <summary>The staircase (the model's default) or the cut-cell geometries (<see cref="CapacityScaling.CutCell"/>, arcs, face apertures).</summary>
    private static ResolvedCellParameters Configured(ResolvedCellParameters p, Geometry geometry) => geometry switch
    {
        Geometry.Staircase => p with { Capacity = CapacityScaling.TrueDiscArea, InterfaceArea = InterfaceAreaDistribution.Projected },
        Geometry.CutCell => p with { Capacity = CapacityScaling.CutCell, InterfaceArea = InterfaceAreaDistribution.Arc },
        // As the case's embedded_boundary geometry: the kinetics at θ extrapolated to the circle.
        _ => p with { Capacity = CapacityScaling.CutCell, InterfaceArea = InterfaceAreaDistribution.Arc, InterfaceState = InterfaceState.Surface },
    };

    private static ResolvedMesh Mesh(double h, Geometry geometry)
    {
        var settings = new ResolvedGeometrySettings(1 * Um, 5 * Um, Height, new DiscRadiusDistribution.Fixed(Radius), 0.35,
                                                    SeparatorGap: 0.4 * Um, CollectorGap: 0.4 * Um);
        return ResolvedMesh.Build(DiscPacking.FromDiscs(settings, [new Disc(0, 3.5 * Um, 4.0 * Um, Radius)]), h,
                                  apertures: geometry != Geometry.Staircase, embeddedBoundary: geometry == Geometry.EmbeddedBoundary);
    }

    /// <summary>
    /// θ(r) at <paramref name="time"/> of a cylinder of radius R from θ0 with inward flux q [mol/(m² s)] at r = R: finite volumes
    /// in r (n cells, volumes r dr), Crank–Nicolson in t with m steps (the reference: second order in both, n = 800, m = 4000).
    /// </summary>
    internal static double[] Cylinder(double radius, double diffusivity, double theta0, double fluxOverMax, double time, int n, int m)
    {
        double dr = radius / n, dt = time / m;
        var theta = Enumerable.Repeat(theta0, n).ToArray();
        var a = new double[n]; var b = new double[n]; var c = new double[n]; var rhs = new double[n];
        var volume = Enumerable.Range(0, n).Select(i => (i + 0.5) * dr * dr).ToArray();
        double Face(int i) => diffusivity * (i + 1) * dr / dr; // between cell i and i + 1, per radian: D r_f / dr
        for (int step = 0; step < m; step++)
        {
            for (int i = 0; i < n; i++)
            {
                double left = i > 0 ? Face(i - 1) : 0, right = i < n - 1 ? Face(i) : 0;
                double explicitPart = (i > 0 ? left * (theta[i - 1] - theta[i]) : 0) + (i < n - 1 ? right * (theta[i + 1] - theta[i]) : 0);
                double source = i == n - 1 ? radius * fluxOverMax : 0;
                a[i] = -0.5 * dt * left / volume[i];
                c[i] = -0.5 * dt * right / volume[i];
                b[i] = 1 + 0.5 * dt * (left + right) / volume[i];
                rhs[i] = theta[i] + 0.5 * dt * explicitPart / volume[i] + dt * source / volume[i];
            }
            for (int i = 1; i < n; i++) { double w = a[i] / b[i - 1]; b[i] -= w * c[i - 1]; rhs[i] -= w * rhs[i - 1]; }
            theta[n - 1] = rhs[n - 1] / b[n - 1];
            for (int i = n - 2; i >= 0; i--) theta[i] = (rhs[i] - c[i] * theta[i + 1]) / b[i];
        }
        return theta;
    }

    internal static double Interpolate(double[] theta, double radius, double r)
    {
        int n = theta.Length;
        double s = r / (radius / n) - 0.5;
        if (s <= 0) return theta[0];
        if (s >= n - 1)
        {
            // Beyond the last cell centre (the last half cell and, for the embedded boundary's sliver values at grid centres outside the
            // disc, up to ~0.7 h past r = R): the quadratic through the last three cells, the solution's smooth extension to O(Δ³). A linear
            // extrapolation would be short by ½ θ'' Δ², an O(h²) error of the comparison's own (≈ 6e-5 at R/h = 24, θ'' ≈ θ'/R + θ_t/D).
            double t = s - (n - 1);
            return theta[n - 1] * (t + 1) * (t + 2) / 2 - theta[n - 2] * t * (t + 2) + theta[n - 3] * t * (t + 1) / 2;
        }
        int i = (int)s;
        return theta[i] + (s - i) * (theta[i + 1] - theta[i]);
    }

    private (double Max, double Rms, double Mean) Error(double h, double[] reference, double fluxOverMax, Geometry geometry)
    {
        var model = new ResolvedParticleModel(Configured(WellMixed(), geometry), Mesh(h, geometry));
        var runner = new ProtocolRunner(model, new BdfOptions { RelativeTolerance = 1e-7 });
        var solution = runner.Run(new Protocol([new ProtocolStep { Label = "constant flux", Mode = ControlMode.Current, Value = Current, MaxDuration = Duration }]));
        var y = solution.FinalState;
        var disc = model.Mesh.Packing.Discs[0];
        double RadiusAt((double X, double Y) p)
        {
            double dx = p.X - disc.X, dy = DiscPacking.NearestImage(p.Y - disc.Y, Height);
            return Math.Sqrt(dx * dx + dy * dy);
        }
        // Each cell's value is compared with the solution at its grid centre: the point its two-point fluxes are built on (the embedded boundary's
        // cut cells too, a sliver's centre lying outside the disc, where the reference is its smooth extension; see Interpolate). Beside it, for
        // the cut cells, the comparison at the centroid of the cell's part of the disc (what a cell average would stand for): O(h) off, since
        // the values are grid-point values (5.4e-3 at R/h = 24 on the embedded boundary: the surface gradient times the centre-centroid distance).
        double max = 0, sum = 0, centroidMax = 0, interior = 0; int count = 0, interiorCount = 0;
        (int Cell, double R, double Error) worst = (-1, 0, 0);
        for (int cell = 0; cell < model.Mesh.Graph.CellCount; cell++)
        {
            if (model.Context.ParticleConcentration[cell] < 0) continue;
            double theta = model.StateOfLithiation(y, cell), r = RadiusAt(model.Mesh.CellCentre(cell));
            double e = theta - Interpolate(reference, Radius, r);
            if (Math.Abs(e) > max) worst = (cell, r, e);
            max = Math.Max(max, Math.Abs(e)); sum += e * e; count++;
            if (r < 0.9 * Radius) { interior += e; interiorCount++; }
            centroidMax = Math.Max(centroidMax, Math.Abs(theta - Interpolate(reference, Radius, RadiusAt(model.Mesh.DiscCellCentroid(cell)))));
        }
        int faces = model.Interface.Faces.ToArray().Count(f => model.Mesh.Graph.LeftCell[f] == worst.Cell);
        output.WriteLine($"  worst cell {worst.Cell}{(worst.Cell >= model.Mesh.GridCellCount ? " (sliver)" : "")}: r/R = {worst.R / Radius:F4}, error {worst.Error:E3}, volume fraction {model.Context.SolidVolumeFraction[worst.Cell]:F4}, " +
                         $"arc/h = {(model.Mesh.CutArc.Length > 0 ? model.Mesh.CutArc[worst.Cell] / h : double.NaN):F4}, interface faces {faces}; mean error at r < 0.9 R {interior / interiorCount:E3}" +
                         (geometry == Geometry.EmbeddedBoundary ? $"; max error at the cells' disc-part centroids instead {centroidMax:E3}" : ""));
        double mean = model.MeanStateOfLithiation(y);
        output.WriteLine($"h = {h / Um:F4} um (R/h = {Radius / h:F0}): {model.Mesh.Graph.CellCount - model.Mesh.GridCellCount} sliver cells, {model.Size} unknowns, {solution.Statistics.Steps} steps; max |SOL error| {max:E3}, rms {Math.Sqrt(sum / count):E3}; mean SOL {mean:F6}");
        return (max, Math.Sqrt(sum / count), mean);
    }

    /// <summary>
    /// Measured 2026-12-02 (max |ΔSOL| / rms at R/h = 6, 12, 24). Staircase: 1.56e-3 / 7.8e-4, 1.37e-3 / 6.0e-4, 6.1e-4 / 2.1e-4
    /// (order over the last halving 1.16 max, 1.52 rms). Cut cells: 2.59e-3 / 9.0e-4, 9.7e-4 / 2.95e-4, 6.65e-4 / 1.06e-4 (order 0.55 max, 1.48 rms; the worst cell
    /// is a boundary cell that merged its neighbours' slivers, r/R = 0.988, κ = 0.90, arc 1.50 h). Unchanged 2026-12-03 (the reference's quadratic extension
    /// beyond the last cell centre moves them below the printed digits).
    /// Embedded boundary, 2026-12-03 (slivers as cells of their own, cut-face fluxes interpolated to the aperture centroids, kinetics at θ extrapolated to the
    /// circle, the reference extended quadratically to the sliver centres outside the disc): 3.68e-4 / 3.50e-4, 1.04e-4 / 9.99e-5, 2.84e-5 / 2.72e-5 (order
    /// 1.83 → 1.87 max, 1.81 → 1.88 rms); the error is now a near-uniform offset (−2.7e-5 for r &lt; 0.9 R at R/h = 24) with no sliver spikes. Before
    /// (2026-12-02: kinetics at the cell's θ, the reference extrapolated linearly) 5.32e-4 / 3.67e-4, 1.91e-4 / 1.10e-4, 5.97e-5 / 3.13e-5 (order 1.47 → 1.68
    /// max); docs/resolved-geometry.md has the analysis. Only the embedded boundary reaches the order 1.8 MODEL.md §8 asks, in max and rms; the bounds pin what
    /// each geometry reaches so a regression fails.
    /// </summary>
    [Theory]
    [InlineData(Geometry.Staircase, 1e-3, 3e-4, 1.0, 1.4)]
    [InlineData(Geometry.CutCell, 1e-3, 1.5e-4, 0.4, 1.3)]
    [InlineData(Geometry.EmbeddedBoundary, 3.5e-5, 3.5e-5, 1.8, 1.8)]
    public void A_single_disc_under_constant_flux_follows_the_cylinder_solution_and_converges_under_refinement(Geometry geometry, double maxBound, double rmsBound, double maxOrderBound, double orderBound)
    {
        var p = WellMixed().Electrode;
        // Mean flux over the true perimeter: Σ j A = −I H, so q = I H / (2πR F) mol/(m² s) enters, q/c_max in θ per m·s⁻¹.
        double fluxOverMax = Current * Height / (2 * Math.PI * Radius * PhysicalConstants.Faraday) / p.MaxConcentration;
        var reference = Cylinder(Radius, Diffusivity, p.InitialStateOfLithiation, fluxOverMax, Duration, 800, 4000);
        var coarse = Cylinder(Radius, Diffusivity, p.InitialStateOfLithiation, fluxOverMax, Duration, 400, 2000);
        double referenceError = reference.Select((t, i) => Math.Abs(t - Interpolate(coarse, Radius, (i + 0.5) * Radius / 800))).Max();
        double meanExact = p.InitialStateOfLithiation + 2 * fluxOverMax * Duration / Radius;
        output.WriteLine($"reference: surface SOL {reference[^1]:F6}, centre {reference[0]:F6}, exact mean {meanExact:F6}; reference vs half resolution {referenceError:E2}");
        double[] hs = [0.25 * Um, 0.125 * Um, 0.0625 * Um];
        var errors = hs.Select(h => Error(h, reference, fluxOverMax, geometry)).ToArray();
        for (int k = 1; k < hs.Length; k++)
            output.WriteLine($"observed order {hs[k - 1] / Um:F4} -> {hs[k] / Um:F4} um: max {Math.Log(errors[k - 1].Max / errors[k].Max) / Math.Log(2):F2}, rms {Math.Log(errors[k - 1].Rms / errors[k].Rms) / Math.Log(2):F2}");
        Assert.All(errors, e => Assert.Equal(meanExact, e.Mean, 8));
        Assert.True(errors[^1].Max < maxBound, $"max SOL error {errors[^1].Max:E3} at the finest mesh");
        Assert.True(errors[^1].Rms < rmsBound, $"rms SOL error {errors[^1].Rms:E3} at the finest mesh");
        Assert.True(errors[^2].Rms < errors[0].Rms, "the error falls under refinement");
        double order = Math.Log(errors[^2].Rms / errors[^1].Rms) / Math.Log(2);
        Assert.True(order >= orderBound, $"observed order (rms) {order:F2}");
        double maxOrder = Math.Log(errors[^2].Max / errors[^1].Max) / Math.Log(2);
        Assert.True(maxOrder >= maxOrderBound, $"observed order (max) {maxOrder:F2}");
    }
}
