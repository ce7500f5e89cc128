namespace ElectrodeSim.Mesh.Resolved;

/// <summary>Orientation of a face of a <see cref="ResolvedMesh"/>.</summary>
public enum FaceAxis
{
    /// <summary>A face normal to x (between columns, or on x = 0, x = Ls + Le).</summary>
    X,
    /// <summary>A face normal to y (between rows, or across the periodic seam).</summary>
    Y,
    /// <summary>A contact face joining two particles whose cells do not share a grid face (no grid orientation).</summary>
    Bridge,
}

/// <summary>
/// A Cartesian finite-volume mesh on the phase mask of a <see cref="DiscPacking"/>, as a <see cref="FiniteVolumeGraph"/>
/// per unit depth (cell volumes in m², face areas in m, distances in m).
/// <para>
/// Cells: <c>nx × ny</c> rectangles, cell <c>c = j·nx + i</c> (x fastest, the <c>ny × nx</c> layout of the
/// output fields). The separator has <c>round(Ls/h)</c> equal columns (or the graded columns of a <see cref="SeparatorGrading"/>,
/// narrow beside the electrode and widening towards the foil), the electrode <c>round(Le/h)</c>, the height
/// <c>round(H/h)</c> equal rows, so x = Ls is a column face and the electrode's cells are within rounding of h × h.
/// A cell whose centre lies inside disc k (nearest image in y) is particle k; the rest of the electrode is
/// matrix. Regions per <see cref="ResolvedRegions"/>, face tags per <see cref="ResolvedFaceTags"/>.
/// </para>
/// <para>
/// Faces: particle–matrix faces are <see cref="FaceKind.Interface"/> with the particle cell on the left; faces
/// between cells of two discs in <see cref="DiscPacking.Contacts"/> are <see cref="FaceKind.Contact"/> (lower disc
/// on the left), and a contact whose discs share no grid face gets one bridge face between the cell of each disc
/// nearest the contact point, one cell face wide. A face between two discs that are not in contact has no
/// physical meaning (the gap between them is narrower than a cell) and is left out; <see cref="UnresolvedGapFaces"/>
/// counts them. The y direction wraps: the top row's upper faces join the bottom row.
/// </para>
/// <para>
/// Staircase correction: the cut faces of a disc add up to about 4/π of its perimeter, so each disc's
/// interface areas are scaled by 2πR / (raw area) and the reactive area is the true perimeter exactly.
/// The particle area (cell count × cell area) is left as the mask gives it; <see cref="CapacityScale"/> is the
/// factor πR² / (cell area) that would make a particle hold πR²·c_max.
/// </para>
/// </summary>
public sealed class ResolvedMesh
{
    public DiscPacking Packing { get; }
    public FiniteVolumeGraph Graph { get; }

    /// <summary>nx: columns in x (separator and electrode).</summary>
    public int ColumnCount { get; }
    /// <summary>ny: rows in y.</summary>
    public int RowCount { get; }
    /// <summary>Columns in the separator; column <c>SeparatorColumnCount</c> is the first electrode column.</summary>
    public int SeparatorColumnCount { get; }

    /// <summary>The separator's graded columns, or null when they are <c>round(Ls/h)</c> equal ones.</summary>
    public SeparatorGrading? SeparatorGrading { get; private init; }

    /// <summary>x of the nx + 1 column faces [m] (not evenly spaced in a graded separator).</summary>
    public double[] ColumnFaces { get; }
    /// <summary>x of the column centres [m].</summary>
    public double[] ColumnCentres { get; }
    /// <summary>Height of every row [m].</summary>
    public double RowHeight { get; }
    /// <summary>y of the row centres [m].</summary>
    public double[] RowCentres { get; }

    /// <summary>Per face: its orientation.</summary>
    public FaceAxis[] FaceAxes { get; }
    /// <summary>Per face: the grid face length before the staircase correction [m] (the graph's area after it).</summary>
    public double[] GeometricFaceArea { get; }

    /// <summary>Per disc: cells inside it.</summary>
    public int[] ParticleCellCount { get; }
    /// <summary>Per disc: cell count × cell area [m²], the mask's particle area.</summary>
    public double[] ParticleCellArea { get; }
    /// <summary>Per disc: πR² / <see cref="ParticleCellArea"/> [1].</summary>
    public double[] CapacityScale { get; }
    /// <summary>Per disc: the staircase interface length before correction [m].</summary>
    public double[] RawInterfaceArea { get; }
    /// <summary>Per disc: 2πR / <see cref="RawInterfaceArea"/> [1], the factor applied to its interface faces.</summary>
    public double[] InterfaceAreaScale { get; }

    /// <summary>Grid faces between two discs that are not in contact, left out of the graph.</summary>
    public int UnresolvedGapFaces { get; }
    /// <summary>Contacts joined by a bridge face because their discs share no grid face.</summary>
    public int BridgedContacts { get; }

    public double CellArea(int cell) => (ColumnFaces[Column(cell) + 1] - ColumnFaces[Column(cell)]) * RowHeight;
    public int Column(int cell) => GridCell(cell) % ColumnCount;
    public int Row(int cell) => GridCell(cell) / ColumnCount;

    /// <summary>nx · ny: the grid's cells, graph cells 0 … nx·ny − 1; an embedded-boundary mesh appends its sliver cells after them.</summary>
    public int GridCellCount => ColumnCount * RowCount;
    /// <summary>The grid cell a graph cell lies in: itself, or for a sliver cell (<see cref="EmbeddedBoundary"/>) the matrix cell it shares.</summary>
    public int GridCell(int cell) => cell < GridCellCount ? cell : SliverGridCell[cell - GridCellCount];
    /// <summary>
    /// Embedded-boundary (cut-cell finite-volume) geometry: every grid cell the disc covers is its own control volume of the disc
    /// (see <see cref="Build"/>), with fluxes interpolated to the apertures' centroids (<see cref="FiniteVolumeGraph.FluxPartner"/>).
    /// </summary>
    public bool EmbeddedBoundary { get; private init; }
    /// <summary>Per sliver cell (graph cell nx·ny + k): the matrix grid cell it lies in (empty unless <see cref="EmbeddedBoundary"/>).</summary>
    public int[] SliverGridCell { get; private init; } = [];
    /// <summary>A sliver cell smaller than this fraction of its grid cell is merged into a neighbour of its disc (<see cref="EmbeddedBoundary"/>).</summary>
    public const double SmallSliverFraction = 1e-3;

    /// <summary>Centre (x, y) of a cell [m].</summary>
    public (double X, double Y) CellCentre(int cell) => (ColumnCentres[Column(cell)], RowCentres[Row(cell)]);

    /// <summary>
    /// Centroid (x, y) [m], y in [0, H), of a particle cell's part of its disc: the disc ∩ the grid cell the cell lies in (for a sliver
    /// cell, the disc's part of its matrix cell), exact (<see cref="DiscCellGeometry.RectangleCentroid"/>); <see cref="CellCentre"/> for
    /// any other cell. A finite-volume value stands for its control volume's average, the value at this point to second order; a cut
    /// cell's grid centre can lie O(h) away from it (a sliver's outside the disc). Slivers merged into a neighbour
    /// (<see cref="SmallSliverFraction"/>) are not counted.
    /// </summary>
    public (double X, double Y) DiscCellCentroid(int cell)
    {
        int region = Graph.CellRegion[cell];
        if (!ResolvedRegions.IsParticle(region)) return CellCentre(cell);
        var d = Packing.Discs[ResolvedRegions.DiscOf(region)];
        int i = Column(cell);
        double height = Packing.Settings.Height, ry = DiscPacking.NearestImage(RowCentres[Row(cell)] - d.Y, height);
        var (_, x, y) = DiscCellGeometry.RectangleCentroid(d.Radius, ColumnFaces[i] - d.X, ColumnFaces[i + 1] - d.X, ry - 0.5 * RowHeight, ry + 0.5 * RowHeight);
        return (d.X + x, DiscPacking.Wrap(d.Y + y, height));
    }

    /// <summary>
    /// Centre (x, y) of a face [m], y in [0, H): the point between its cells' centres at the left cell's distance
    /// (nearest image in y, so a seam face sits at y = 0); a boundary face at x = 0 or x = Ls + Le.
    /// Where interface current densities are drawn as a field.
    /// </summary>
    public (double X, double Y) FaceCentre(int face)
    {
        var g = Graph;
        var (xl, yl) = CellCentre(g.LeftCell[face]);
        double height = Packing.Settings.Height;
        if (g.RightCell[face] < 0) return (Column(g.LeftCell[face]) == 0 ? 0.0 : ColumnFaces[ColumnCount], yl);
        var (xr, yr) = CellCentre(g.RightCell[face]);
        double dy = DiscPacking.NearestImage(yr - yl, height), t = g.LeftDistance[face] / g.Distance(face);
        double y = yl + t * dy;
        return (xl + t * (xr - xl), DiscPacking.Wrap(y, height));
    }

    /// <summary>Σ 2πR over the discs [m].</summary>
    public double TruePerimeter => Packing.Discs.Sum(d => d.Perimeter);

    private ResolvedMesh(DiscPacking packing, FiniteVolumeGraph graph, int nx, int ny, int nxs, double[] columnFaces, double rowHeight,
                         FaceAxis[] axes, double[] geometricArea, int[] cellCount, double[] rawInterface, int unresolved, int bridged)
    {
        Packing = packing;
        Graph = graph;
        ColumnCount = nx;
        RowCount = ny;
        SeparatorColumnCount = nxs;
        ColumnFaces = columnFaces;
        ColumnCentres = [.. Enumerable.Range(0, nx).Select(i => 0.5 * (columnFaces[i] + columnFaces[i + 1]))];
        RowHeight = rowHeight;
        RowCentres = [.. Enumerable.Range(0, ny).Select(j => (j + 0.5) * rowHeight)];
        FaceAxes = axes;
        GeometricFaceArea = geometricArea;
        ParticleCellCount = cellCount;
        double electrodeCellArea = (columnFaces[nx] - columnFaces[nxs]) / (nx - nxs) * rowHeight;
        ParticleCellArea = [.. cellCount.Select(n => n * electrodeCellArea)];
        CapacityScale = [.. packing.Discs.Select(d => d.Area / ParticleCellArea[d.Index])];
        RawInterfaceArea = rawInterface;
        InterfaceAreaScale = [.. packing.Discs.Select(d => d.Perimeter / rawInterface[d.Index])];
        UnresolvedGapFaces = unresolved;
        BridgedContacts = bridged;
    }

    private readonly record struct PendingFace(int Left, int Right, double Area, double LeftDistance, double RightDistance,
                                               FaceKind Kind, int Tag, FaceAxis Axis);

    /// <summary>
    /// Meshes <paramref name="packing"/> with cells of about <paramref name="cellSize"/> [m]. Throws
    /// <see cref="ArgumentException"/> when a disc holds no cell centre, or a particle cell would border the
    /// separator (raise the separator gap to at least h/2).
    /// </summary>
    /// <param name="apertures">The cut-cell faces: an interior face between two cells of a disc carries only its part inside the disc
    /// (the face aperture), and a particle cell whose corner only is clipped by the circle gets a diagonal interface face to the
    /// matrix cell there (no grid area), for <see cref="Physics.Resolved.CapacityScaling.CutCell"/> with
    /// <see cref="Physics.Resolved.InterfaceAreaDistribution.Arc"/>; false (default): the whole grid faces (the staircase).</param>
    /// <param name="embeddedBoundary">The embedded-boundary geometry (implies <paramref name="apertures"/>): the disc's part of each matrix
    /// cell it crosses (a sliver) becomes a cell of its own, graph cell nx·ny + k in the same place (<see cref="SliverGridCell"/>), with c_s and
    /// φ_s, a volume fraction of its exact area, faces of the chord inside the disc to the disc's cells beside it, and an interface face of
    /// its own arc to the matrix cell it lies in; particle cells hold only their own cell ∩ disc and arc (no merging). Values sit at the grid
    /// cell centres, and the flux through a cut face (aperture &lt; 1) is interpolated linearly along the face to the aperture's centroid from
    /// its own two-point difference and the parallel face's next to it (Johansen &amp; Colella 1998; <see cref="FiniteVolumeGraph.FluxPartner"/>).
    /// Slivers below <see cref="SmallSliverFraction"/> of a cell are merged into the neighbour of the disc sharing the longest chord. For
    /// <see cref="Physics.Resolved.CapacityScaling.CutCell"/> with <see cref="Physics.Resolved.InterfaceAreaDistribution.Arc"/>.</param>
    /// <param name="separatorGrading">Graded separator columns (<see cref="SeparatorGrading"/>: <paramref name="cellSize"/>-like beside the
    /// electrode, growing towards the foil); null (default): <c>round(Ls/h)</c> equal columns. The electrode and the rows are the same either way.</param>
    public static ResolvedMesh Build(DiscPacking packing, double cellSize, bool apertures = false, bool embeddedBoundary = false, SeparatorGrading? separatorGrading = null)
    {
        apertures |= embeddedBoundary;
        var s = packing.Settings;
        if (!(cellSize > 0) || !double.IsFinite(cellSize)) throw new ArgumentException($"resolved mesh: cell size {cellSize} m is not > 0");
        double[]? separatorWidths = separatorGrading?.ColumnWidths(s.SeparatorThickness);
        int nxs = separatorWidths?.Length ?? Math.Max(1, (int)Math.Round(s.SeparatorThickness / cellSize));
        int nxe = Math.Max(1, (int)Math.Round(s.ElectrodeThickness / cellSize));
        int ny = (int)Math.Round(s.Height / cellSize);
        if (ny < 3) throw new ArgumentException($"resolved mesh: cell size {cellSize} m gives {ny} rows over the height {s.Height} m; the periodic mesh needs at least 3");
        int nx = nxs + nxe;
        if ((long)nx * ny > int.MaxValue / 4) throw new ArgumentException($"resolved mesh: {nx} × {ny} cells is too many");
        double dxs = s.SeparatorThickness / nxs, dxe = s.ElectrodeThickness / nxe, dy = s.Height / ny;
        var columnFaces = new double[nx + 1];
        for (int i = 0; i <= nx; i++) columnFaces[i] = i <= nxs ? i * dxs : s.SeparatorThickness + (i - nxs) * dxe;
        if (separatorWidths is not null)
        {
            // From x = Ls towards the foil, so that the separator–electrode face is exactly Ls and the narrow columns there are exact.
            columnFaces[nxs] = s.SeparatorThickness;
            for (int i = nxs - 1; i > 0; i--) columnFaces[i] = columnFaces[i + 1] - separatorWidths[i];
            columnFaces[0] = 0.0;
        }
        columnFaces[nx] = s.ElectrodeEnd;
        double Width(int i) => columnFaces[i + 1] - columnFaces[i];
        double CentreX(int i) => 0.5 * (columnFaces[i] + columnFaces[i + 1]);

        int cells = nx * ny;
        var region = new int[cells];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
                region[j * nx + i] = i < nxs ? ResolvedRegions.Separator : ResolvedRegions.Matrix;

        var discs = packing.Discs;
        var cellCount = new int[discs.Count];
        foreach (var d in discs)
        {
            int iLow = Math.Max(nxs, nxs + (int)Math.Floor((d.X - d.Radius - s.ElectrodeStart) / dxe));
            int iHigh = Math.Min(nx - 1, nxs + (int)Math.Ceiling((d.X + d.Radius - s.ElectrodeStart) / dxe));
            int jLow = (int)Math.Floor((d.Y - d.Radius) / dy), jHigh = (int)Math.Ceiling((d.Y + d.Radius) / dy);
            for (int jj = jLow; jj <= jHigh; jj++)
            {
                int j = ((jj % ny) + ny) % ny;
                double ry = DiscPacking.NearestImage((j + 0.5) * dy - d.Y, s.Height);
                for (int i = iLow; i <= iHigh; i++)
                {
                    double rx = CentreX(i) - d.X;
                    if (rx * rx + ry * ry >= d.Radius * d.Radius) continue;
                    int c = j * nx + i;
                    if (region[c] == ResolvedRegions.Particle(d.Index)) continue; // reached again through the periodic image
                    if (region[c] != ResolvedRegions.Matrix)
                        throw new ArgumentException($"resolved mesh: discs {d.Index} and {ResolvedRegions.DiscOf(region[c])} both hold cell {c}: the packing overlaps");
                    if (i == nxs)
                        throw new ArgumentException($"resolved mesh: disc {d.Index} (x = {d.X:G4} m, R = {d.Radius:G4} m) puts a particle cell against the separator at cell size {cellSize:G3} m; raise {nameof(ResolvedGeometrySettings.SeparatorGap)} to at least h/2 = {dxe / 2:G3} m");
                    region[c] = ResolvedRegions.Particle(d.Index);
                    cellCount[d.Index]++;
                }
            }
        }
        foreach (var d in discs)
            if (cellCount[d.Index] == 0)
                throw new ArgumentException($"resolved mesh: disc {d.Index} (R = {d.Radius:G4} m) holds no cell centre at cell size {cellSize:G3} m; refine the mesh or raise the smallest radius");

        var contactIndex = new Dictionary<(int, int), int>();
        for (int k = 0; k < packing.Contacts.Count; k++) contactIndex[(packing.Contacts[k].First, packing.Contacts[k].Second)] = k;
        var contactJoined = new bool[packing.Contacts.Count];

        var faces = new List<PendingFace>(2 * cells + 2 * ny);
        int unresolved = 0;
        void Join(int a, int b, double area, double da, double db, FaceAxis axis, bool periodic)
        {
            int ra = region[a], rb = region[b];
            if (ra == rb)
            {
                faces.Add(new(a, b, area, da, db, FaceKind.Interior, periodic ? ResolvedFaceTags.PeriodicWrap : ResolvedFaceTags.Bulk, axis));
                return;
            }
            bool pa = ResolvedRegions.IsParticle(ra), pb = ResolvedRegions.IsParticle(rb);
            if (!pa && !pb)
            {
                // Separator–matrix: only at x = Ls, separator on the left.
                faces.Add(new(a, b, area, da, db, FaceKind.Interior, ResolvedFaceTags.SeparatorMatrix, axis));
                return;
            }
            if (pa != pb)
            {
                if (pa) faces.Add(new(a, b, area, da, db, FaceKind.Interface, ResolvedRegions.DiscOf(ra), axis));
                else faces.Add(new(b, a, area, db, da, FaceKind.Interface, ResolvedRegions.DiscOf(rb), axis));
                return;
            }
            int ka = ResolvedRegions.DiscOf(ra), kb = ResolvedRegions.DiscOf(rb);
            if (contactIndex.TryGetValue((Math.Min(ka, kb), Math.Max(ka, kb)), out int contact))
            {
                contactJoined[contact] = true;
                if (ka < kb) faces.Add(new(a, b, area, da, db, FaceKind.Contact, contact, axis));
                else faces.Add(new(b, a, area, db, da, FaceKind.Contact, contact, axis));
                return;
            }
            unresolved++;
        }

        for (int j = 0; j < ny; j++)
            for (int i = 0; i + 1 < nx; i++)
                Join(j * nx + i, j * nx + i + 1, dy, Width(i) / 2, Width(i + 1) / 2, FaceAxis.X, periodic: false);
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
                Join(j * nx + i, ((j + 1) % ny) * nx + i, Width(i), dy / 2, dy / 2, FaceAxis.Y, periodic: j == ny - 1);
        for (int j = 0; j < ny; j++)
        {
            faces.Add(new(j * nx, -1, dy, Width(0) / 2, 0, FaceKind.Boundary, ResolvedFaceTags.LithiumFoil, FaceAxis.X));
            int last = j * nx + nx - 1;
            int tag = ResolvedRegions.IsParticle(region[last]) ? ResolvedFaceTags.CollectorParticle : ResolvedFaceTags.CollectorMatrix;
            faces.Add(new(last, -1, dy, Width(nx - 1) / 2, 0, FaceKind.Boundary, tag, FaceAxis.X));
        }

        int bridged = 0;
        var particleCells = new List<int>[discs.Count];
        for (int k = 0; k < discs.Count; k++) particleCells[k] = [];
        for (int c = 0; c < cells; c++)
            if (ResolvedRegions.IsParticle(region[c])) particleCells[ResolvedRegions.DiscOf(region[c])].Add(c);
        for (int k = 0; k < packing.Contacts.Count; k++)
        {
            if (contactJoined[k]) continue;
            var contact = packing.Contacts[k];
            Disc a = discs[contact.First], b = discs[contact.Second];
            double ux = b.X - a.X, uy = DiscPacking.NearestImage(b.Y - a.Y, s.Height);
            double length = Math.Sqrt(ux * ux + uy * uy);
            ux /= length; uy /= length;
            double px = a.X + ux * (a.Radius + 0.5 * contact.Gap), py = a.Y + uy * (a.Radius + 0.5 * contact.Gap);
            (int ca, double da) = Nearest(particleCells[a.Index], px, py);
            (int cb, double db) = Nearest(particleCells[b.Index], px, py);
            faces.Add(new(ca, cb, Math.Min(dxe, dy), da, db, FaceKind.Contact, k, FaceAxis.Bridge));
            bridged++;
        }
        (int, double) Nearest(List<int> candidates, double px, double py)
        {
            int best = -1;
            double bestDistance = double.PositiveInfinity;
            foreach (int c in candidates)
            {
                double rx = CentreX(c % nx) - px, ry = DiscPacking.NearestImage(((c / nx) + 0.5) * dy - py, s.Height);
                double distance = Math.Sqrt(rx * rx + ry * ry);
                if (distance < bestDistance) { bestDistance = distance; best = c; }
            }
            return (best, Math.Max(bestDistance, 1e-3 * Math.Min(dxe, dy)));
        }

        var rawInterface = new double[discs.Count];
        foreach (var f in faces)
            if (f.Kind == FaceKind.Interface) rawInterface[f.Tag] += f.Area;
        foreach (var d in discs)
            if (rawInterface[d.Index] == 0)
                throw new ArgumentException($"resolved mesh: disc {d.Index} has no face against the matrix at cell size {cellSize:G3} m");

        if (apertures)
        {
            // Cut cells: a particle cell with no face against the matrix whose diagonal neighbour is matrix (the circle clips its
            // corner) gets a diagonal interface face to it, of no grid area (the staircase distributions give it nothing; the arc
            // distribution gives it the cell's arc).
            var hasInterface = new bool[cells];
            foreach (var f in faces) if (f.Kind == FaceKind.Interface) hasInterface[f.Left] = true;
            double diagonal = 0.5 * Math.Sqrt(dxe * dxe + dy * dy);
            for (int c = 0; c < cells; c++)
            {
                if (!ResolvedRegions.IsParticle(region[c]) || hasInterface[c]) continue;
                int i = c % nx, j = c / nx;
                foreach (var (di, dj) in (ReadOnlySpan<(int, int)>)[(-1, -1), (1, -1), (-1, 1), (1, 1)])
                {
                    if (i + di < nxs || i + di >= nx) continue;
                    int m = ((j + dj) % ny + ny) % ny * nx + i + di;
                    if (region[m] == ResolvedRegions.Matrix)
                        faces.Add(new(c, m, 0.0, diagonal, diagonal, FaceKind.Interface, ResolvedRegions.DiscOf(region[c]), FaceAxis.Bridge));
                }
            }
        }
        int gridFaces = faces.Count;
        var (cutArea, cutArc, aperture) = CutCells(packing, region, faces, columnFaces, nx, ny, nxs, dy, apertures);
        Embedded? embedded = embeddedBoundary ? EmbeddedCells(packing, region, faces, columnFaces, nx, ny, nxs, dy) : null;
        if (embedded is not null) { cutArea = embedded.Area; cutArc = embedded.Arc; }

        var builder = new FiniteVolumeGraph.Builder();
        for (int c = 0; c < cells; c++) builder.AddCell(Width(c % nx) * dy, region[c]);
        if (embedded is not null)
            for (int k = 0; k < embedded.GridCell.Length; k++) builder.AddCell(Width(embedded.GridCell[k] % nx) * dy, ResolvedRegions.Particle(embedded.Disc[k]));
        var axes = new FaceAxis[faces.Count];
        var geometric = new double[faces.Count];
        for (int n = 0; n < faces.Count; n++)
        {
            var f = faces[n];
            axes[n] = f.Axis;
            geometric[n] = f.Area;
            if (f.Kind == FaceKind.Boundary) builder.AddBoundaryFace(f.Left, f.Area, f.LeftDistance, f.Tag);
            else
            {
                double area = n >= gridFaces ? f.Area
                    : f.Kind == FaceKind.Interface ? f.Area * discs[f.Tag].Perimeter / rawInterface[f.Tag] : f.Area * aperture[n];
                builder.AddFace(f.Left, f.Right, area, f.LeftDistance, f.RightDistance, f.Kind, f.Tag);
            }
        }
        if (embedded is not null)
            foreach (var (face, partner, weight) in embedded.Partners) builder.SetFluxPartner(face, partner, weight);
        return new ResolvedMesh(packing, builder.Build(), nx, ny, nxs, columnFaces, dy, axes, geometric, cellCount, rawInterface, unresolved, bridged)
        {
            CutArea = cutArea,
            CutArc = cutArc,
            EmbeddedBoundary = embedded is not null,
            SliverGridCell = embedded?.GridCell ?? [],
            SeparatorGrading = separatorGrading,
        };
    }

    /// <summary>The embedded-boundary additions: sliver cells (grid cell, disc), per graph cell area and arc, the flux partners of the cut faces.</summary>
    private sealed record Embedded(int[] GridCell, int[] Disc, double[] Area, double[] Arc, List<(int Face, int Partner, double Weight)> Partners);

    /// <summary>
    /// Adds the sliver cells' faces to <paramref name="faces"/> (after the grid's) and works out their geometry; see <see cref="Build"/>'s
    /// embeddedBoundary. Each disc's areas are rescaled to πR² and its arcs to 2πR (what lies in the separator or another disc's cells).
    /// </summary>
    private static Embedded EmbeddedCells(DiscPacking packing, int[] region, List<PendingFace> faces, double[] columnFaces, int nx, int ny, int nxs, double dy)
    {
        var s = packing.Settings;
        int cells = region.Length;
        double CentreX(int i) => 0.5 * (columnFaces[i] + columnFaces[i + 1]);
        int? Neighbour(int i, int j) => i < 0 || i >= nx ? null : ((j % ny) + ny) % ny * nx + i;
        // The disc's control volume in each grid cell it covers: the grid cell itself (particle) or a sliver cell.
        var covered = new Dictionary<(int Grid, int Disc), int>();
        var sliverGrid = new List<int>();
        var sliverDisc = new List<int>();
        var area = new List<double>(new double[cells]);
        var arc = new List<double>(new double[cells]);
        var small = new List<(int Grid, int Disc, double Area, double Arc)>();
        double RelativeY(int j, Disc d) => DiscPacking.NearestImage((j + 0.5) * dy - d.Y, s.Height);
        foreach (var d in packing.Discs)
        {
            int particle = ResolvedRegions.Particle(d.Index);
            foreach (var (c, i, _, _, a, l) in CellsOfDisc(d, s, columnFaces, nx, ny, nxs, dy))
            {
                if (region[c] == particle) { area[c] += a; arc[c] += l; covered[(c, d.Index)] = c; continue; }
                if (region[c] != ResolvedRegions.Matrix) continue; // in the separator or another disc's cell: left to the rescaling
                if (a < SmallSliverFraction * ((columnFaces[i + 1] - d.X) - (columnFaces[i] - d.X)) * dy) { small.Add((c, d.Index, a, l)); continue; }
                covered[(c, d.Index)] = cells + sliverGrid.Count;
                sliverGrid.Add(c); sliverDisc.Add(d.Index); area.Add(a); arc.Add(l);
            }
        }
        // Chord of disc d on the grid face between grid cell c and its neighbour (di, dj).
        double Chord(Disc d, int c, int di, int dj) => FaceChord(d, columnFaces, c % nx, RelativeY(c / nx, d), dy, di, dj);
        ReadOnlySpan<(int, int)> sides = [(-1, 0), (1, 0), (0, -1), (0, 1)];
        foreach (var (c, k, a, l) in small)
        {
            var d = packing.Discs[k];
            int best = -1; double longest = -1;
            foreach (var (di, dj) in sides)
                if (Neighbour(c % nx + di, c / nx + dj) is int n && covered.TryGetValue((n, k), out int owner) && Chord(d, c, di, dj) is var chord && chord > longest)
                { longest = chord; best = owner; }
            if (best < 0)
                best = covered.Where(e => e.Key.Disc == k).MinBy(e => Math.Pow(CentreX(e.Key.Grid % nx) - CentreX(c % nx), 2)
                                                                     + Math.Pow(DiscPacking.NearestImage((e.Key.Grid / nx - c / nx) * dy, s.Height), 2)).Value;
            area[best] += a; arc[best] += l;
        }

        // Faces of the sliver cells: to the disc's cells across each grid face (the chord inside the disc), and the interface face to the
        // matrix cell the sliver lies in (no grid area; the arc distribution gives it the sliver's arc).
        var pairs = new HashSet<(int, int)>();
        for (int k = 0; k < sliverGrid.Count; k++)
        {
            int e = cells + k, c = sliverGrid[k], disc = sliverDisc[k];
            var d = packing.Discs[disc];
            int i = c % nx, j = c / nx;
            double width = columnFaces[i + 1] - columnFaces[i];
            foreach (var (di, dj) in sides)
            {
                if (Neighbour(i + di, j + dj) is not int n || !covered.TryGetValue((n, disc), out int other)) continue;
                double chord = Chord(d, c, di, dj);
                if (chord <= 0) continue;
                // Left cell the lower x / lower y one, as on the grid (the upper row's neighbour across the seam is row 0).
                bool otherFirst = di < 0 || dj < 0;
                int left = otherFirst ? other : e, right = otherFirst ? e : other;
                if (!pairs.Add((Math.Min(left, right), Math.Max(left, right)))) continue;
                double half = di != 0 ? 0.5 * (width + columnFaces[n % nx + 1] - columnFaces[n % nx]) / 2 : 0.5 * dy;
                bool seam = dj != 0 && (j + dj < 0 || j + dj >= ny);
                faces.Add(new(left, right, chord, half, half, FaceKind.Interior, seam ? ResolvedFaceTags.PeriodicWrap : ResolvedFaceTags.Bulk,
                              di != 0 ? FaceAxis.X : FaceAxis.Y));
            }
            faces.Add(new(e, c, 0.0, 0.25 * dy, 0.25 * dy, FaceKind.Interface, disc, FaceAxis.Bridge));
        }

        // Arcs of grid cells with no interface face go to the nearest cell of their disc that has one; then each disc's totals are made exact.
        var members = new List<int>[packing.Discs.Count];
        for (int k = 0; k < members.Length; k++) members[k] = [];
        foreach (var ((_, disc), cell) in covered) members[disc].Add(cell);
        int GridOf(int cell) => cell < cells ? cell : sliverGrid[cell - cells];
        ArcsToInterfaceCellsAndExactTotals(packing, faces, members, area, arc, cell => (CentreX(GridOf(cell) % nx), (GridOf(cell) / nx + 0.5) * dy), cells + sliverGrid.Count);

        // Flux partners of the cut faces between two cells of a disc: the aperture [lo, hi] along the face has its centroid at δ (in cell
        // widths) from the face's centre; the flux there is (1 − |δ|) of the face's two-point flux and |δ| of the parallel face's one cell
        // towards the centroid (when both its cells are the disc's).
        var faceOf = new Dictionary<(int, int), int>();
        for (int n = 0; n < faces.Count; n++)
            if (faces[n].Kind == FaceKind.Interior && faces[n].Axis != FaceAxis.Bridge) faceOf[(faces[n].Left, faces[n].Right)] = n;
        int DiscOf(int cell) => cell < cells ? ResolvedRegions.DiscOf(region[cell]) : sliverDisc[cell - cells];
        var partners = new List<(int, int, double)>();
        foreach (var ((left, right), n) in faceOf)
        {
            if (!IsDiscCell(left) || !IsDiscCell(right)) continue;
            int disc = DiscOf(left);
            if (DiscOf(right) != disc) continue;
            var d = packing.Discs[disc];
            int gl = GridOf(left), gr = GridOf(right), i = gl % nx, j = gl / nx;
            double lo, hi, centre, width;
            if (faces[n].Axis == FaceAxis.X)
            {
                double xf = columnFaces[i + 1] - d.X, ry = RelativeY(j, d);
                if (Math.Abs(xf) >= d.Radius) continue;
                double half = Math.Sqrt(d.Radius * d.Radius - xf * xf);
                (lo, hi, centre, width) = (Math.Max(ry - 0.5 * dy, -half), Math.Min(ry + 0.5 * dy, half), ry, dy);
            }
            else
            {
                double yf = RelativeY(j, d) + 0.5 * dy, x0 = columnFaces[i] - d.X, x1 = columnFaces[i + 1] - d.X;
                if (Math.Abs(yf) >= d.Radius) continue;
                double half = Math.Sqrt(d.Radius * d.Radius - yf * yf);
                (lo, hi, centre, width) = (Math.Max(x0, -half), Math.Min(x1, half), 0.5 * (x0 + x1), x1 - x0);
            }
            if (hi <= lo || hi - lo >= width * (1 - 1e-12)) continue;
            double delta = (0.5 * (lo + hi) - centre) / width;
            int step = delta > 0 ? 1 : -1;
            int? ml = faces[n].Axis == FaceAxis.X ? Neighbour(gl % nx, gl / nx + step) : Neighbour(gl % nx + step, gl / nx);
            int? mr = faces[n].Axis == FaceAxis.X ? Neighbour(gr % nx, gr / nx + step) : Neighbour(gr % nx + step, gr / nx);
            if (ml is not int pl || mr is not int pr) continue;
            if (!covered.TryGetValue((pl, disc), out int cl) || !covered.TryGetValue((pr, disc), out int cr)) continue;
            if (faceOf.TryGetValue((cl, cr), out int partner)) partners.Add((n, partner, Math.Abs(delta)));
        }
        bool IsDiscCell(int cell) => cell >= cells || ResolvedRegions.IsParticle(region[cell]);
        return new Embedded([.. sliverGrid], [.. sliverDisc], [.. area], [.. arc], partners);
    }

    /// <summary>
    /// The grid cells of the electrode that disc <paramref name="d"/>'s bounding box covers (periodic in y, each once), with the cell's
    /// column i and row j, the row centre's y relative to the disc centre (nearest periodic image) and the disc's area and arc in the
    /// cell; cells the disc neither covers nor crosses are left out.
    /// </summary>
    private static IEnumerable<(int Cell, int I, int J, double RelativeY, double Area, double Arc)> CellsOfDisc(
        Disc d, ResolvedGeometrySettings s, double[] columnFaces, int nx, int ny, int nxs, double dy)
    {
        double dx = columnFaces[nxs + 1] - columnFaces[nxs];
        int iLow = Math.Max(nxs, nxs + (int)Math.Floor((d.X - d.Radius - s.ElectrodeStart) / dx) - 1);
        int iHigh = Math.Min(nx - 1, nxs + (int)Math.Ceiling((d.X + d.Radius - s.ElectrodeStart) / dx) + 1);
        int jLow = (int)Math.Floor((d.Y - d.Radius) / dy) - 1, jHigh = (int)Math.Ceiling((d.Y + d.Radius) / dy) + 1;
        var seen = new HashSet<int>();
        for (int jj = jLow; jj <= jHigh; jj++)
        {
            int j = ((jj % ny) + ny) % ny;
            double ry = DiscPacking.NearestImage((j + 0.5) * dy - d.Y, s.Height);
            for (int i = iLow; i <= iHigh; i++)
            {
                int c = j * nx + i;
                if (!seen.Add(c)) continue;
                double x0 = columnFaces[i] - d.X, x1 = columnFaces[i + 1] - d.X;
                double a = DiscCellGeometry.RectangleArea(d.Radius, x0, x1, ry - 0.5 * dy, ry + 0.5 * dy);
                double l = DiscCellGeometry.ArcLength(d.Radius, x0, x1, ry - 0.5 * dy, ry + 0.5 * dy);
                if (a == 0 && l == 0) continue;
                yield return (c, i, j, ry, a, l);
            }
        }
    }

    /// <summary>The chord of disc <paramref name="d"/> on the face of grid cell (column <paramref name="i"/>, row centre at <paramref name="ry"/> from the disc) towards its neighbour (di, dj).</summary>
    private static double FaceChord(Disc d, double[] columnFaces, int i, double ry, double dy, int di, int dj) => di != 0
        ? DiscCellGeometry.SegmentLength(d.Radius, (di < 0 ? columnFaces[i] : columnFaces[i + 1]) - d.X, ry - 0.5 * dy, ry + 0.5 * dy)
        : DiscCellGeometry.SegmentLength(d.Radius, ry + 0.5 * dj * dy, columnFaces[i] - d.X, columnFaces[i + 1] - d.X);

    /// <summary>
    /// The arc of each disc cell without an interface face goes to the nearest cell of its disc that has one (centres by
    /// <paramref name="centre"/>, nearest periodic image in y); then each disc's areas are rescaled to πR² and its arcs to 2πR
    /// (what lies in the separator or in another disc's cells).
    /// </summary>
    private static void ArcsToInterfaceCellsAndExactTotals(DiscPacking packing, List<PendingFace> faces, List<int>[] members, IList<double> area, IList<double> arc,
                                                          Func<int, (double X, double Y)> centre, int cellCount)
    {
        var hasInterface = new bool[cellCount];
        foreach (var f in faces) if (f.Kind == FaceKind.Interface) hasInterface[f.Left] = true;
        double height = packing.Settings.Height;
        for (int k = 0; k < members.Length; k++)
        {
            var interfaceMembers = members[k].Where(c => hasInterface[c]).ToList();
            foreach (int c in members[k])
            {
                if (hasInterface[c] || arc[c] == 0) continue;
                var (cx, cy) = centre(c);
                int best = interfaceMembers.MinBy(o => Math.Pow(centre(o).X - cx, 2) + Math.Pow(DiscPacking.NearestImage(centre(o).Y - cy, height), 2));
                arc[best] += arc[c];
                arc[c] = 0;
            }
        }
        foreach (var d in packing.Discs)
        {
            double sumArea = members[d.Index].Sum(c => area[c]), sumArc = members[d.Index].Sum(c => arc[c]);
            foreach (int c in members[d.Index]) { area[c] *= d.Area / sumArea; arc[c] *= d.Perimeter / sumArc; }
        }
    }

    /// <summary>
    /// The cut-cell geometry of the discs on the mask: per particle cell the disc area it stands for (its own cell ∩ disc plus
    /// the slivers of the disc that lie in neighbouring non-particle cells, each sliver shared among the disc's cells beside it
    /// in proportion to the shared face's chord inside the disc times |n·e| (the part of the sliver that drains through that face
    /// along the normal n) — diagonal neighbours when no face is shared, else the nearest cell of the disc: cell merging) and the arc of the
    /// circle it stands for (the same ownership; a cell without an interface face hands its arc to the nearest cell of its disc
    /// that has one); per pending face the aperture (the fraction of an interior particle face inside its disc; 1 elsewhere).
    /// Each disc's areas are rescaled to πR² and its arcs to 2πR (the rescaling absorbs the pieces lying in other discs' cells,
    /// where discs come closer than a cell).
    /// </summary>
    private static (double[] Area, double[] Arc, double[] Aperture) CutCells(DiscPacking packing, int[] region, List<PendingFace> faces,
                                                                          double[] columnFaces, int nx, int ny, int nxs, double dy, bool apertures)
    {
        var s = packing.Settings;
        int cells = region.Length;
        var area = new double[cells];
        var arc = new double[cells];
        var owners = new List<int>(8);
        var weights = new List<double>(8);
        var members = new List<int>[packing.Discs.Count];
        for (int k = 0; k < members.Length; k++) members[k] = [];
        for (int c = 0; c < cells; c++)
            if (ResolvedRegions.IsParticle(region[c])) members[ResolvedRegions.DiscOf(region[c])].Add(c);
        double CentreX(int i) => 0.5 * (columnFaces[i] + columnFaces[i + 1]);
        int Nearest(int disc, double x, double y)
        {
            int best = -1; double bestDistance = double.PositiveInfinity;
            foreach (int c in members[disc])
            {
                double rx = CentreX(c % nx) - x, ry = DiscPacking.NearestImage((c / nx + 0.5) * dy - y, s.Height);
                double d = rx * rx + ry * ry;
                if (d < bestDistance) { bestDistance = d; best = c; }
            }
            return best;
        }
        foreach (var d in packing.Discs)
        {
            int particle = ResolvedRegions.Particle(d.Index);
            foreach (var (c, i, j, ry, a, l) in CellsOfDisc(d, s, columnFaces, nx, ny, nxs, dy))
            {
                owners.Clear();
                weights.Clear();
                if (region[c] == particle) { owners.Add(c); weights.Add(1.0); }
                else
                {
                    // A sliver drains along the disc's normal through the faces it shares with the disc's cells: its share
                    // through face k is the face's chord inside the disc times |n·e_k|, n the normal at the cell centre.
                    double nx0 = CentreX(i) - d.X, ny0 = ry, norm = Math.Sqrt(nx0 * nx0 + ny0 * ny0);
                    foreach (var (di, dj) in (ReadOnlySpan<(int, int)>)[(-1, 0), (1, 0), (0, -1), (0, 1)])
                    {
                        if (Neighbour(i + di, j + dj) is not int n || region[n] != particle) continue;
                        double chord = FaceChord(d, columnFaces, i, ry, dy, di, dj);
                        owners.Add(n);
                        weights.Add(chord * (norm > 0 ? Math.Abs(di != 0 ? nx0 : ny0) / norm : 1.0));
                    }
                    if (owners.Count > 0 && weights.Sum() <= 0) for (int k = 0; k < weights.Count; k++) weights[k] = 1.0;
                    if (owners.Count == 0)
                        foreach (var (di, dj) in (ReadOnlySpan<(int, int)>)[(-1, -1), (1, -1), (-1, 1), (1, 1)])
                            if (Neighbour(i + di, j + dj) is int n && region[n] == particle) { owners.Add(n); weights.Add(1.0); }
                    if (owners.Count == 0) { owners.Add(Nearest(d.Index, CentreX(i), (j + 0.5) * dy)); weights.Add(1.0); }
                }
                double total = weights.Sum();
                for (int k = 0; k < owners.Count; k++) { area[owners[k]] += a * weights[k] / total; arc[owners[k]] += l * weights[k] / total; }
            }
        }
        int? Neighbour(int i, int j) => i < 0 || i >= nx ? null : ((j % ny) + ny) % ny * nx + i;

        ArcsToInterfaceCellsAndExactTotals(packing, faces, members, area, arc, c => (CentreX(c % nx), (c / nx + 0.5) * dy), cells);

        var aperture = new double[faces.Count];
        for (int n = 0; n < faces.Count; n++)
        {
            aperture[n] = 1.0;
            var f = faces[n];
            if (!apertures || f.Kind != FaceKind.Interior || f.Axis == FaceAxis.Bridge || !ResolvedRegions.IsParticle(region[f.Left])) continue;
            var d = packing.Discs[ResolvedRegions.DiscOf(region[f.Left])];
            int i = f.Left % nx, j = f.Left / nx;
            double ry = DiscPacking.NearestImage((j + 0.5) * dy - d.Y, s.Height);
            double length = f.Axis == FaceAxis.X ? FaceChord(d, columnFaces, i, ry, dy, 1, 0) : FaceChord(d, columnFaces, i, ry, dy, 0, 1);
            aperture[n] = Math.Max(length / f.Area, 1e-3);
        }
        return (area, arc, aperture);
    }

    /// <summary>
    /// Per graph cell: the disc area a particle cell stands for in the cut-cell geometry [m²] (0 off the discs); each disc's sum is
    /// πR². A particle cell's volume fraction is this over its cell area.
    /// </summary>
    public double[] CutArea { get; private init; } = [];
    /// <summary>Per graph cell: the arc of its disc's circle a particle cell stands for [m] (0 off the discs, and on cells without an interface face); each disc's sum is 2πR.</summary>
    public double[] CutArc { get; private init; } = [];
}
