using System.Diagnostics;
using ElectrodeSim.Mesh;
using ElectrodeSim.Mesh.Resolved;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Resolved;

public class ResolvedMeshTests(ITestOutputHelper output)
{
    private const double Um = 1e-6;

    private static ResolvedMesh PaperMesh(double cellSize, ulong seed = 7) =>
        ResolvedMesh.Build(DiscPacking.Pack(DiscPackingTests.PaperSize(seed)), cellSize);

    private static IEnumerable<int> FacesOf(FiniteVolumeGraph g, int cell) =>
        g.CellFaces[g.CellFaceStart[cell]..g.CellFaceStart[cell + 1]];

    [Fact]
    public void Cell_volumes_sum_to_the_domain_area_and_the_separator_is_every_column_left_of_Ls()
    {
        var mesh = PaperMesh(0.25 * Um);
        var s = mesh.Packing.Settings;
        var g = mesh.Graph;
        Assert.Equal(mesh.ColumnCount * mesh.RowCount, g.CellCount);
        Assert.Equal((s.SeparatorThickness + s.ElectrodeThickness) * s.Height, g.CellVolume.Sum(), 1e-12 * s.Height * s.ElectrodeEnd);
        Assert.Equal(s.SeparatorThickness, mesh.ColumnFaces[mesh.SeparatorColumnCount], 1e-18);
        for (int c = 0; c < g.CellCount; c++)
            Assert.Equal(mesh.Column(c) < mesh.SeparatorColumnCount, g.CellRegion[c] == ResolvedRegions.Separator);
    }

    [Fact]
    public void Every_cell_has_four_grid_faces_whose_lengths_add_up_to_its_perimeter()
    {
        var mesh = PaperMesh(0.1 * Um);
        var g = mesh.Graph;
        Assert.Equal(0, mesh.UnresolvedGapFaces);
        for (int c = 0; c < g.CellCount; c++)
        {
            var grid = FacesOf(g, c).Where(f => mesh.FaceAxes[f] != FaceAxis.Bridge).ToArray();
            Assert.Equal(4, grid.Length);
            double width = mesh.ColumnFaces[mesh.Column(c) + 1] - mesh.ColumnFaces[mesh.Column(c)];
            Assert.Equal(2 * (width + mesh.RowHeight), grid.Sum(f => mesh.GeometricFaceArea[f]), 1e-9 * width);
            Assert.Equal(2, grid.Count(f => mesh.FaceAxes[f] == FaceAxis.X));
        }
    }

    [Fact]
    public void The_periodic_seam_joins_the_top_row_to_the_bottom_row_of_the_same_column_at_one_row_height()
    {
        var mesh = PaperMesh(0.2 * Um, seed: 21);
        var g = mesh.Graph;
        int nx = mesh.ColumnCount, ny = mesh.RowCount;
        var seam = Enumerable.Range(0, g.FaceCount)
            .Where(f => g.RightCell[f] >= 0 && mesh.FaceAxes[f] == FaceAxis.Y)
            .Where(f => new[] { mesh.Row(g.LeftCell[f]), mesh.Row(g.RightCell[f]) }.Order().SequenceEqual([0, ny - 1]))
            .ToArray();
        Assert.Equal(nx, seam.Length);
        Assert.All(seam, f =>
        {
            Assert.Equal(mesh.Column(g.LeftCell[f]), mesh.Column(g.RightCell[f]));
            Assert.Equal(mesh.RowHeight, g.Distance(f), 1e-18);
        });
        Assert.All(seam.Where(f => g.Kind[f] == FaceKind.Interior), f =>
        {
            Assert.Equal(ResolvedFaceTags.PeriodicWrap, g.FaceTag[f]);
            Assert.Equal(ny - 1, mesh.Row(g.LeftCell[f]));
        });
        Assert.Equal(nx, g.FacesOf(FaceKind.Interior, ResolvedFaceTags.PeriodicWrap).Count()
                         + seam.Count(f => g.Kind[f] != FaceKind.Interior));
        // A disc across the seam owns cells in the top and the bottom row, and particle faces cross the seam.
        var wrapping = mesh.Packing.Discs.First(d => d.Y - d.Radius < 0 || d.Y + d.Radius > mesh.Packing.Settings.Height);
        int region = ResolvedRegions.Particle(wrapping.Index);
        Assert.Contains(seam, f => g.CellRegion[g.LeftCell[f]] == region && g.CellRegion[g.RightCell[f]] == region);
    }

    [Fact]
    public void Boundary_faces_are_the_lithium_foil_at_x_0_and_the_collector_at_Ls_plus_Le_tagged_by_the_phase_that_touches_it()
    {
        var settings = DiscPackingTests.PaperSize() with { CollectorGap = 0 };
        double r = 1.5 * Um;
        var packing = DiscPacking.FromDiscs(settings, [new Disc(0, settings.ElectrodeEnd - r, 10 * Um, r), new Disc(1, 33 * Um, 4 * Um, r)]);
        var mesh = ResolvedMesh.Build(packing, 0.1 * Um);
        var g = mesh.Graph;
        var foil = g.FacesOf(FaceKind.Boundary, ResolvedFaceTags.LithiumFoil).ToArray();
        var collectorMatrix = g.FacesOf(FaceKind.Boundary, ResolvedFaceTags.CollectorMatrix).ToArray();
        var collectorParticle = g.FacesOf(FaceKind.Boundary, ResolvedFaceTags.CollectorParticle).ToArray();
        Assert.Equal(mesh.RowCount, foil.Length);
        Assert.All(foil, f => Assert.Equal(0, mesh.Column(g.LeftCell[f])));
        Assert.Equal(mesh.RowCount, collectorMatrix.Length + collectorParticle.Length);
        Assert.All(collectorMatrix.Concat(collectorParticle), f => Assert.Equal(mesh.ColumnCount - 1, mesh.Column(g.LeftCell[f])));
        Assert.All(collectorMatrix, f => Assert.Equal(ResolvedRegions.Matrix, g.CellRegion[g.LeftCell[f]]));
        Assert.All(collectorParticle, f => Assert.Equal(ResolvedRegions.Particle(0), g.CellRegion[g.LeftCell[f]]));
        Assert.NotEmpty(collectorParticle);
        Assert.Equal(2 * mesh.RowCount, g.FacesOf(FaceKind.Boundary).Count());
        Assert.Equal(settings.Height, foil.Sum(f => g.FaceArea[f]), 1e-18);
    }

    [Fact]
    public void The_separator_meets_the_matrix_on_one_column_face_per_row_and_particles_meet_only_the_matrix()
    {
        var mesh = PaperMesh(0.1 * Um);
        var g = mesh.Graph;
        var sepMatrix = g.FacesOf(FaceKind.Interior, ResolvedFaceTags.SeparatorMatrix).ToArray();
        Assert.Equal(mesh.RowCount, sepMatrix.Length);
        Assert.All(sepMatrix, f =>
        {
            Assert.Equal(ResolvedRegions.Separator, g.CellRegion[g.LeftCell[f]]);
            Assert.Equal(ResolvedRegions.Matrix, g.CellRegion[g.RightCell[f]]);
        });
        foreach (int f in g.FacesOf(FaceKind.Interface))
        {
            Assert.Equal(ResolvedRegions.Particle(g.FaceTag[f]), g.CellRegion[g.LeftCell[f]]);
            Assert.Equal(ResolvedRegions.Matrix, g.CellRegion[g.RightCell[f]]);
        }
        for (int f = 0; f < g.FaceCount; f++)
            if (g.Kind[f] == FaceKind.Interior && g.RightCell[f] >= 0 && g.FaceTag[f] != ResolvedFaceTags.SeparatorMatrix)
                Assert.Equal(g.CellRegion[g.LeftCell[f]], g.CellRegion[g.RightCell[f]]);
    }

    [Fact]
    public void The_corrected_interface_area_equals_the_disc_perimeters_where_the_staircase_overestimates_them_by_about_4_over_pi()
    {
        var mesh = PaperMesh(0.1 * Um);
        var g = mesh.Graph;
        double corrected = g.FacesOf(FaceKind.Interface).Sum(f => g.FaceArea[f]);
        double raw = g.FacesOf(FaceKind.Interface).Sum(f => mesh.GeometricFaceArea[f]);
        double cellArea = mesh.ParticleCellArea.Sum(), discArea = mesh.Packing.Discs.Sum(d => d.Area);
        output.WriteLine($"{mesh.Packing.Discs.Count} discs, {g.CellCount} cells: Σ2πR = {mesh.TruePerimeter:G6} m, corrected {corrected:G6} m, " +
                         $"raw staircase {raw:G6} m = {raw / mesh.TruePerimeter:F4} × Σ2πR (4/π = {4 / Math.PI:F4}); " +
                         $"particle cell area / ΣπR² = {cellArea / discArea:F5}, per disc {mesh.CapacityScale.Min():F4}..{mesh.CapacityScale.Max():F4} (πR²/cells)");
        Assert.Equal(1.0, corrected / mesh.TruePerimeter, 1e-3);
        foreach (var d in mesh.Packing.Discs)
            Assert.Equal(d.Perimeter, g.FacesOf(FaceKind.Interface, d.Index).Sum(f => g.FaceArea[f]), 1e-3 * d.Perimeter);
        Assert.InRange(raw / mesh.TruePerimeter, 1.2, 1.33);
        Assert.InRange(cellArea / discArea, 0.99, 1.01);
    }

    [Fact]
    public void Every_interface_face_lies_on_its_disc_circle_to_within_a_cell_diagonal()
    {
        double h = 0.1 * Um;
        var mesh = PaperMesh(h, seed: 21);
        var g = mesh.Graph;
        double height = mesh.Packing.Settings.Height;
        foreach (int f in g.FacesOf(FaceKind.Interface))
        {
            var disc = mesh.Packing.Discs[g.FaceTag[f]];
            var (x, y) = mesh.FaceCentre(f);
            double dx = x - disc.X, dy = DiscPacking.NearestImage(y - disc.Y, height);
            Assert.InRange(Math.Sqrt(dx * dx + dy * dy) - disc.Radius, -h / Math.Sqrt(2), h / Math.Sqrt(2));
        }
        int seamFace = g.FacesOf(FaceKind.Interior, ResolvedFaceTags.PeriodicWrap).First();
        Assert.Equal(0.0, mesh.FaceCentre(seamFace).Y, 1e-18);
    }

    [Theory]
    [InlineData(0.9, 1.4, -0.3, 0.2)]    // a sliver: the circle crosses one edge
    [InlineData(0.6, 1.1, 0.5, 1.0)]     // a corner clipped: the circle crosses two edges
    [InlineData(-0.25, 0.25, -0.25, 0.25)] // wholly inside
    [InlineData(-0.2, 0.3, 0.8, 1.3)]    // the top cap, crossing y = 0.8 twice and the axis x = 0
    [InlineData(-1.5, 1.5, -1.5, 1.5)]   // the whole disc
    [InlineData(0.2, 0.7, 0.6, 0.9)]     // crossing x = 0.7 and y = 0.6 (a corner outside the disc)
    public void The_disc_area_and_centroid_in_a_rectangle_are_the_closed_forms_that_a_fine_sampling_converges_to(double x0, double x1, double y0, double y1)
    {
        const double r = 1.0;
        var (area, cx, cy) = DiscCellGeometry.RectangleCentroid(r, x0, x1, y0, y1);
        Assert.Equal(DiscCellGeometry.RectangleArea(r, x0, x1, y0, y1), area, 1e-13);
        int n = 2000;
        double dx = (x1 - x0) / n, dy = (y1 - y0) / n, a = 0, mx = 0, my = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double x = x0 + (i + 0.5) * dx, y = y0 + (j + 0.5) * dy;
                if (x * x + y * y >= r * r) continue;
                a += dx * dy; mx += x * dx * dy; my += y * dx * dy;
            }
        output.WriteLine($"area {area:F6} (sampled {a:F6}), centroid ({cx:F6}, {cy:F6}) (sampled ({mx / a:F6}, {my / a:F6}))");
        Assert.Equal(a, area, 2e-4 * (x1 - x0) * (y1 - y0));
        Assert.Equal(mx / a, cx, 2e-4 * (x1 - x0));
        Assert.Equal(my / a, cy, 2e-4 * (y1 - y0));
        Assert.InRange(cx, x0, x1);
        Assert.InRange(cy, y0, y1);
        Assert.InRange(cx * cx + cy * cy, 0, r * r);
        var outside = DiscCellGeometry.RectangleCentroid(r, 1.1, 1.4, 0, 0.3);
        Assert.Equal((0.0, 1.25, 0.15), outside);
    }

    [Fact]
    public void A_single_disc_on_a_fine_grid_has_a_staircase_of_4_over_pi_its_perimeter_and_its_area_to_half_a_percent()
    {
        var settings = DiscPackingTests.PaperSize();
        double r = 3 * Um;
        var mesh = ResolvedMesh.Build(DiscPacking.FromDiscs(settings, [new Disc(0, 33.37 * Um, 10.13 * Um, r)]), 0.05 * Um);
        double ratio = mesh.RawInterfaceArea[0] / (2 * Math.PI * r);
        output.WriteLine($"R/h = {r / 0.05e-6}: raw / 2πR = {ratio:F5} (4/π = {4 / Math.PI:F5}); cells / πR² = {1 / mesh.CapacityScale[0]:F5}");
        Assert.Equal(4 / Math.PI, ratio, 0.01);
        Assert.Equal(1.0, mesh.CapacityScale[0], 0.005);
    }

    [Fact]
    public void The_embedded_boundary_mesh_gives_each_sliver_a_cell_of_its_own_and_cut_faces_a_parallel_partner_towards_the_aperture_centroid()
    {
        var mesh = ResolvedMesh.Build(DiscPacking.Pack(DiscPackingTests.PaperSize(7)), 0.2 * Um, embeddedBoundary: true);
        var g = mesh.Graph;
        int slivers = g.CellCount - mesh.GridCellCount;
        Assert.True(slivers > 0);
        for (int cell = mesh.GridCellCount; cell < g.CellCount; cell++)
        {
            int grid = mesh.GridCell(cell);
            Assert.Equal(ResolvedRegions.Matrix, g.CellRegion[grid]);
            Assert.True(ResolvedRegions.IsParticle(g.CellRegion[cell]));
            Assert.Equal(mesh.CellCentre(grid), mesh.CellCentre(cell));
            var faces = FacesOf(g, cell).ToArray();
            Assert.Single(faces, f => g.Kind[f] == FaceKind.Interface && g.RightCell[f] == grid);
            Assert.Contains(faces, f => g.Kind[f] == FaceKind.Interior && g.CellRegion[g.LeftCell[f]] == g.CellRegion[g.RightCell[f]]);
            Assert.InRange(mesh.CutArea[cell] / g.CellVolume[cell], 0.5 * ResolvedMesh.SmallSliverFraction, 1.0);
        }
        foreach (var d in mesh.Packing.Discs)
        {
            var cells = Enumerable.Range(0, g.CellCount).Where(c => g.CellRegion[c] == ResolvedRegions.Particle(d.Index)).ToArray();
            Assert.Equal(d.Area, cells.Sum(c => mesh.CutArea[c]), d.Area * 1e-12);
            Assert.Equal(d.Perimeter, cells.Sum(c => mesh.CutArc[c]), d.Perimeter * 1e-12);
        }
        int partnered = 0;
        for (int f = 0; f < g.FaceCount; f++)
        {
            int p = g.FluxPartner![f];
            if (p < 0) continue;
            partnered++;
            Assert.InRange(g.FluxPartnerWeight![f], 1e-15, 0.5 + 1e-12);
            Assert.Equal(mesh.FaceAxes[f], mesh.FaceAxes[p]);
            Assert.True(g.FaceArea[f] < mesh.RowHeight, "only a cut face (aperture < 1) is interpolated");
            Assert.Equal(g.CellRegion[g.LeftCell[f]], g.CellRegion[g.LeftCell[p]]);
            Assert.Equal(g.CellRegion[g.RightCell[f]], g.CellRegion[g.RightCell[p]]);
        }
        output.WriteLine($"{slivers} sliver cells, {partnered} interpolated cut faces, {g.CellCount} cells, {g.FaceCount} faces");
        Assert.True(partnered > slivers, "most cut faces have a partner");
    }

    [Fact]
    public void Every_contact_has_a_contact_face_between_cells_of_its_two_discs()
    {
        var settings = DiscPackingTests.PaperSize(seed: 9, fraction: 0.62, gap: 0) with { ContactDistance = 0.05 * Um };
        var packing = DiscPacking.Pack(settings);
        var mesh = ResolvedMesh.Build(packing, 0.1 * Um);
        var g = mesh.Graph;
        output.WriteLine($"{packing.Contacts.Count} contacts, {mesh.BridgedContacts} bridged, {mesh.UnresolvedGapFaces} unresolved gap faces left out");
        Assert.NotEmpty(packing.Contacts);
        for (int k = 0; k < packing.Contacts.Count; k++)
        {
            var faces = g.FacesOf(FaceKind.Contact, k).ToArray();
            Assert.NotEmpty(faces);
            Assert.All(faces, f =>
            {
                Assert.Equal(ResolvedRegions.Particle(packing.Contacts[k].First), g.CellRegion[g.LeftCell[f]]);
                Assert.Equal(ResolvedRegions.Particle(packing.Contacts[k].Second), g.CellRegion[g.RightCell[f]]);
            });
        }
        Assert.Equal(packing.Contacts.Count, g.FacesOf(FaceKind.Contact).Select(f => g.FaceTag[f]).Distinct().Count());
    }

    [Fact]
    public void A_contact_whose_discs_share_no_grid_face_is_bridged_between_the_cells_nearest_the_contact_point()
    {
        var settings = DiscPackingTests.PaperSize() with { ContactDistance = 0.5 * Um };
        double r = 1.5 * Um, x = 33.33 * Um;
        var packing = DiscPacking.FromDiscs(settings, [new Disc(0, x, 5.07 * Um, r), new Disc(1, x, 5.07 * Um + 2 * r + 0.4 * Um, r)]);
        Assert.Single(packing.Contacts);
        Assert.Equal(0.4 * Um, packing.Contacts[0].Gap, 1e-15);
        var mesh = ResolvedMesh.Build(packing, 0.1 * Um);
        var g = mesh.Graph;
        Assert.Equal(1, mesh.BridgedContacts);
        int bridge = Assert.Single(g.FacesOf(FaceKind.Contact));
        Assert.Equal(FaceAxis.Bridge, mesh.FaceAxes[bridge]);
        Assert.Equal(ResolvedRegions.Particle(0), g.CellRegion[g.LeftCell[bridge]]);
        Assert.Equal(ResolvedRegions.Particle(1), g.CellRegion[g.RightCell[bridge]]);
        // The two cells sit just inside each disc on the line of centres: their distance is the gap plus under a cell each side.
        Assert.InRange(g.Distance(bridge), 0.4 * Um, 0.4 * Um + 2 * 0.1 * Um * Math.Sqrt(2));
        Assert.Equal(mesh.Column(g.LeftCell[bridge]), mesh.Column(g.RightCell[bridge]));
    }

    [Fact]
    public void Many_small_discs_for_the_homogenisation_limit_pack_and_mesh_in_seconds()
    {
        var settings = DiscPackingTests.PaperSize(seed: 3, gap: 0.05 * Um) with
        {
            Radii = new DiscRadiusDistribution.Fixed(0.4 * Um), SeparatorGap = 0.05 * Um, CollectorGap = 0.05 * Um,
        };
        var clock = Stopwatch.StartNew();
        var packing = DiscPacking.Pack(settings);
        double packSeconds = clock.Elapsed.TotalSeconds;
        var mesh = ResolvedMesh.Build(packing, 0.05 * Um);
        double totalSeconds = clock.Elapsed.TotalSeconds;
        double corrected = mesh.Graph.FacesOf(FaceKind.Interface).Sum(f => mesh.Graph.FaceArea[f]);
        output.WriteLine($"{packing.Discs.Count} discs (fraction {packing.AreaFraction:F4}, {packing.RelaxationSweeps} sweeps), {mesh.Graph.CellCount} cells: " +
                         $"packing {packSeconds:F2} s, mesh {totalSeconds - packSeconds:F2} s; particle cells / ΣπR² = {mesh.ParticleCellArea.Sum() / packing.Discs.Sum(d => d.Area):F4}");
        Assert.True(packing.Discs.Count > 300);
        Assert.Equal(mesh.TruePerimeter, corrected, 1e-9 * mesh.TruePerimeter);
        Assert.True(totalSeconds < 20, $"packing + mesh took {totalSeconds:F2} s");
    }

    [Fact]
    public void Faces_between_two_discs_not_in_contact_are_left_out_and_counted_when_the_gap_is_below_a_cell()
    {
        var settings = DiscPackingTests.PaperSize(seed: 9, fraction: 0.62, gap: 0.02 * Um);
        var mesh = ResolvedMesh.Build(DiscPacking.Pack(settings), 0.2 * Um);
        var g = mesh.Graph;
        output.WriteLine($"{mesh.UnresolvedGapFaces} grid faces between discs not in contact left out");
        Assert.True(mesh.UnresolvedGapFaces > 0, "a 0.02 um gap on 0.2 um cells should leave particle cells of two discs side by side");
        Assert.Empty(g.FacesOf(FaceKind.Contact));
        for (int f = 0; f < g.FaceCount; f++)
            if (g.RightCell[f] >= 0 && ResolvedRegions.IsParticle(g.CellRegion[g.LeftCell[f]]) && ResolvedRegions.IsParticle(g.CellRegion[g.RightCell[f]]))
                Assert.Equal(g.CellRegion[g.LeftCell[f]], g.CellRegion[g.RightCell[f]]);
        int gridFaces = Enumerable.Range(0, g.FaceCount).Count(f => mesh.FaceAxes[f] != FaceAxis.Bridge && g.RightCell[f] >= 0);
        Assert.Equal(2 * g.CellCount - mesh.RowCount, gridFaces + mesh.UnresolvedGapFaces);
    }

    [Fact]
    public void A_disc_smaller_than_a_cell_or_a_particle_cell_against_the_separator_is_refused_with_the_remedy()
    {
        var settings = DiscPackingTests.PaperSize() with { SeparatorGap = 0 };
        var tiny = DiscPacking.FromDiscs(settings, [new Disc(0, 30.0 * Um, 10.0 * Um, 0.02 * Um)]);
        Assert.Contains("refine", Assert.Throws<ArgumentException>(() => ResolvedMesh.Build(tiny, 0.1 * Um)).Message);
        var touching = DiscPacking.FromDiscs(settings, [new Disc(0, settings.ElectrodeStart + 1.5 * Um, 10 * Um, 1.5 * Um)]);
        Assert.Contains(nameof(ResolvedGeometrySettings.SeparatorGap), Assert.Throws<ArgumentException>(() => ResolvedMesh.Build(touching, 0.1 * Um)).Message);
    }

    [Fact]
    public void The_paper_size_case_packs_and_meshes_at_a_tenth_of_a_micrometre_in_under_ten_seconds()
    {
        var settings = DiscPackingTests.PaperSize(seed: 1);
        ResolvedMesh.Build(DiscPacking.Pack(settings with { Seed = 2 }), 0.1 * Um);
        var clock = Stopwatch.StartNew();
        var packing = DiscPacking.Pack(settings);
        double packSeconds = clock.Elapsed.TotalSeconds;
        var mesh = ResolvedMesh.Build(packing, 0.1 * Um);
        double totalSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{packing.Discs.Count} discs (fraction {packing.AreaFraction:F4}, {packing.RelaxationSweeps} relaxation sweeps), " +
                         $"{mesh.ColumnCount} × {mesh.RowCount} = {mesh.Graph.CellCount} cells, {mesh.Graph.FaceCount} faces: " +
                         $"packing {packSeconds * 1e3:F1} ms, mesh {(totalSeconds - packSeconds) * 1e3:F1} ms");
        Assert.InRange(mesh.Graph.CellCount, 50_000, 200_000);
        Assert.True(totalSeconds < 10, $"packing + mesh took {totalSeconds:F2} s");
    }

    [Fact]
    public void A_graded_separator_widens_by_the_growth_towards_the_foil_fills_Ls_and_leaves_the_electrode_cells_as_the_uniform_mesh_has_them()
    {
        var packing = DiscPacking.Pack(DiscPackingTests.PaperSize(seed: 1));
        var s = packing.Settings;
        const double h = 0.1 * Um;
        var grading = new SeparatorGrading(h, 1.2, 2 * Um);
        var uniform = ResolvedMesh.Build(packing, h);
        var graded = ResolvedMesh.Build(packing, h, separatorGrading: grading);
        int ns = graded.SeparatorColumnCount, nsu = uniform.SeparatorColumnCount;
        var w = Enumerable.Range(0, ns).Select(i => graded.ColumnFaces[i + 1] - graded.ColumnFaces[i]).ToArray();
        output.WriteLine($"{ns} graded columns (uniform {nsu}): {string.Join(" ", w.Select(x => (x / Um).ToString("G3")))} um; {graded.Graph.CellCount} cells (uniform {uniform.Graph.CellCount})");
        Assert.Equal(250, nsu);
        Assert.InRange(ns, 20, 30);
        Assert.Equal(0.0, graded.ColumnFaces[0]);
        Assert.Equal(s.SeparatorThickness, graded.ColumnFaces[ns]);
        // One common factor fills Ls: the ratio between neighbours is the growth, or the wider column is the cap (times that factor).
        double scale = w[^1] / h;
        Assert.InRange(scale, 0.95, 1.05);
        for (int i = 0; i + 1 < ns; i++)
        {
            double ratio = w[i] / w[i + 1];
            Assert.True(Math.Abs(ratio - 1.2) < 1e-9 || Math.Abs(w[i] - 2 * Um * scale) < 1e-9 * Um,
                        $"column {i}: {w[i]} m beside {w[i + 1]} m");
            Assert.True(w[i] <= 2 * Um * scale * (1 + 1e-12));
        }
        // The electrode's columns, the rows and the phase mask are the uniform mesh's.
        Assert.Equal(uniform.ColumnCount - nsu, graded.ColumnCount - ns);
        Assert.Equal(uniform.RowCount, graded.RowCount);
        for (int i = 0; i <= uniform.ColumnCount - nsu; i++) Assert.Equal(uniform.ColumnFaces[nsu + i], graded.ColumnFaces[ns + i], 1e-18);
        for (int j = 0; j < graded.RowCount; j++)
            for (int i = 0; i < graded.ColumnCount - ns; i++)
                Assert.Equal(uniform.Graph.CellRegion[j * uniform.ColumnCount + nsu + i], graded.Graph.CellRegion[j * graded.ColumnCount + ns + i]);
        Assert.Equal(uniform.RawInterfaceArea, graded.RawInterfaceArea);
        // Finite volumes: each cell's volume is its width times the row height, each face's distance the sum of its cells' half widths
        // (x faces) or one row height (y faces), and its area the row height (x) or the column width (y).
        var g = graded.Graph;
        Assert.Equal((s.SeparatorThickness + s.ElectrodeThickness) * s.Height, g.CellVolume.Sum(), 1e-12 * s.Height * s.ElectrodeEnd);
        for (int c = 0; c < g.CellCount; c++) Assert.Equal(graded.CellArea(c), g.CellVolume[c], 1e-24);
        for (int f = 0; f < g.FaceCount; f++)
        {
            if (g.Kind[f] != FaceKind.Interior || g.FaceTag[f] > ResolvedFaceTags.PeriodicWrap) continue;
            int a = g.LeftCell[f], b = g.RightCell[f];
            if (graded.FaceAxes[f] == FaceAxis.X)
            {
                double wa = graded.ColumnFaces[graded.Column(a) + 1] - graded.ColumnFaces[graded.Column(a)], wb = graded.ColumnFaces[graded.Column(b) + 1] - graded.ColumnFaces[graded.Column(b)];
                Assert.Equal(0.5 * (wa + wb), g.Distance(f), 1e-20);
                Assert.Equal(graded.RowHeight, g.FaceArea[f], 1e-20);
            }
            else if (graded.FaceAxes[f] == FaceAxis.Y && g.CellRegion[a] == ResolvedRegions.Separator)
            {
                Assert.Equal(graded.RowHeight, g.Distance(f), 1e-20);
                Assert.Equal(graded.ColumnFaces[graded.Column(a) + 1] - graded.ColumnFaces[graded.Column(a)], g.FaceArea[f], 1e-20);
            }
        }
        var foil = g.FacesOf(FaceKind.Boundary, ResolvedFaceTags.LithiumFoil).ToArray();
        Assert.Equal(graded.RowCount, foil.Length);
        Assert.All(foil, f => Assert.Equal(0.5 * w[0], g.LeftDistance[f], 1e-20));
    }

    [Fact]
    public void A_separator_grading_of_growth_1_from_h_is_the_uniform_mesh()
    {
        var packing = DiscPacking.Pack(DiscPackingTests.PaperSize(seed: 3));
        const double h = 0.2 * Um;
        var uniform = ResolvedMesh.Build(packing, h);
        var graded = ResolvedMesh.Build(packing, h, separatorGrading: new SeparatorGrading(h, 1.0, 2 * Um));
        Assert.Equal(uniform.ColumnCount, graded.ColumnCount);
        for (int i = 0; i <= uniform.ColumnCount; i++) Assert.Equal(uniform.ColumnFaces[i], graded.ColumnFaces[i], 1e-18);
        Assert.Equal(uniform.Graph.FaceCount, graded.Graph.FaceCount);
        for (int f = 0; f < uniform.Graph.FaceCount; f++)
        {
            Assert.Equal(uniform.Graph.LeftCell[f], graded.Graph.LeftCell[f]);
            Assert.Equal(uniform.Graph.FaceArea[f], graded.Graph.FaceArea[f], 1e-18);
            Assert.Equal(uniform.Graph.Distance(f), graded.Graph.Distance(f), 1e-18);
        }
    }

    [Theory]
    [InlineData(0.0, 1.2, 2.0, "first cell")]
    [InlineData(0.1, 0.9, 2.0, "growth")]
    [InlineData(0.1, 2.5, 2.0, "growth")]
    [InlineData(0.5, 1.2, 0.4, "largest cell")]
    [InlineData(30.0, 1.2, 40.0, "wider than the separator")]
    public void A_separator_grading_that_cannot_mesh_the_separator_is_refused_naming_what_is_wrong(double firstUm, double growth, double maxUm, string what)
    {
        var packing = DiscPacking.Pack(DiscPackingTests.PaperSize(seed: 1));
        var e = Assert.Throws<ArgumentException>(() => ResolvedMesh.Build(packing, 0.2 * Um, separatorGrading: new SeparatorGrading(firstUm * Um, growth, maxUm * Um)));
        Assert.Contains(what, e.Message);
    }

    [Theory]
    [InlineData(1.0, 1.0, 1.0, 10.0, 10)]
    [InlineData(1.0, 1.0, 1.0, 10.4, 10)]
    [InlineData(1.0, 2.0, 100.0, 7.0, 3)]
    [InlineData(0.1, 1.2, 2.0, 25.0, 24)]
    public void Separator_column_widths_add_up_to_the_thickness_with_the_column_count_nearest_it(double first, double growth, double max, double thickness, int columns)
    {
        var widths = new SeparatorGrading(first, growth, max).ColumnWidths(thickness);
        output.WriteLine(string.Join(" ", widths.Select(w => w.ToString("G4"))));
        Assert.Equal(columns, widths.Length);
        Assert.Equal(thickness, widths.Sum(), 1e-12 * thickness);
        for (int i = 0; i + 1 < widths.Length; i++) Assert.True(widths[i] >= widths[i + 1] * (1 - 1e-12), "the columns widen towards the foil (index 0)");
    }
}
