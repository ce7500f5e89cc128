namespace ElectrodeSim.Mesh;

/// <summary>What a face of a <see cref="FiniteVolumeGraph"/> joins.</summary>
public enum FaceKind
{
    /// <summary>Two cells of the same phase (transport inside it; in the P2D x graph also where two layers meet).</summary>
    Interior,
    /// <summary>A particle cell and a matrix (electrolyte + carbon/binder) cell: the reacting surface.</summary>
    Interface,
    /// <summary>Two cells of different particles that touch: electronic conduction only.</summary>
    Contact,
    /// <summary>A cell and the outside of the domain (<see cref="FiniteVolumeGraph.RightCell"/> is −1); <see cref="FiniteVolumeGraph.FaceTag"/> says which boundary.</summary>
    Boundary,
}

/// <summary>
/// The geometry a finite-volume discretisation needs and nothing else: cells with a volume and a region
/// (phase, layer, particle: whatever the model numbers them by), and faces with their two cells, area and
/// the distances from each cell centre to the face. Conservation laws walk faces for fluxes and cells for
/// sources and storage; they never see a stencil. The P2D model is one graph in x plus one radial graph per
/// electrode (shared by the particles of that electrode); the 2-D mode is one Cartesian graph with phases.
/// Units are whatever the mesh that builds the graph states (SI for every mesh here: m³ or m³ per unit
/// area/depth, m², m); a 1-D graph per unit cross-section has areas 1 and volumes equal to widths.
/// </summary>
public sealed class FiniteVolumeGraph
{
    private FiniteVolumeGraph(double[] volume, int[] region, int[] left, int[] right, double[] area,
                              double[] leftDistance, double[] rightDistance, FaceKind[] kind, int[] tag,
                              int[]? partner = null, double[]? partnerWeight = null)
    {
        FluxPartner = partner;
        FluxPartnerWeight = partnerWeight;
        CellVolume = volume;
        CellRegion = region;
        LeftCell = left;
        RightCell = right;
        FaceArea = area;
        LeftDistance = leftDistance;
        RightDistance = rightDistance;
        Kind = kind;
        FaceTag = tag;
        // Cell → faces adjacency (CSR), built once: faces in the order they were added.
        CellFaceStart = new int[CellCount + 1];
        for (int f = 0; f < FaceCount; f++)
        {
            CellFaceStart[left[f] + 1]++;
            if (right[f] >= 0) CellFaceStart[right[f] + 1]++;
        }
        for (int c = 0; c < CellCount; c++) CellFaceStart[c + 1] += CellFaceStart[c];
        CellFaces = new int[CellFaceStart[CellCount]];
        var next = CellFaceStart[..CellCount];
        for (int f = 0; f < FaceCount; f++)
        {
            CellFaces[next[left[f]]++] = f;
            if (right[f] >= 0) CellFaces[next[right[f]]++] = f;
        }
    }

    public int CellCount => CellVolume.Length;
    public int FaceCount => LeftCell.Length;

    /// <summary>Cell volumes (per unit of the dimensions the graph leaves out).</summary>
    public double[] CellVolume { get; }
    /// <summary>Region (phase, layer, particle, …) of each cell, as numbered by the mesh that built the graph.</summary>
    public int[] CellRegion { get; }

    /// <summary>First cell of each face; a face's flux is positive from <see cref="LeftCell"/> to <see cref="RightCell"/>.</summary>
    public int[] LeftCell { get; }
    /// <summary>Second cell of each face, −1 for a boundary face.</summary>
    public int[] RightCell { get; }
    public double[] FaceArea { get; }
    /// <summary>Distance from the left cell's centre to the face.</summary>
    public double[] LeftDistance { get; }
    /// <summary>Distance from the face to the right cell's centre (0 on a boundary face).</summary>
    public double[] RightDistance { get; }
    public FaceKind[] Kind { get; }
    /// <summary>Which boundary (or interface, contact) a face belongs to, as numbered by the mesh; 0 when it does not matter.</summary>
    public int[] FaceTag { get; }

    /// <summary>
    /// Per face, null on a graph without them: a face whose flux is evaluated away from the midpoint of its two cells' centres
    /// (an embedded-boundary cut face: its open part, the aperture, has its centroid off the grid face's centre) names a
    /// parallel neighbouring face, and its flux is <c>T_f [(1 − w) Δu_f + w Δu_partner]</c>, the two-point differences
    /// interpolated linearly to the aperture's centroid (Johansen &amp; Colella 1998); −1 where the face is plain two-point.
    /// </summary>
    public int[]? FluxPartner { get; }
    /// <summary>The interpolation weight w ∈ [0, ½] of <see cref="FluxPartner"/> (0 where there is none).</summary>
    public double[]? FluxPartnerWeight { get; }

    /// <summary>Faces of cell c are <c>CellFaces[CellFaceStart[c] .. CellFaceStart[c + 1])</c>.</summary>
    public int[] CellFaceStart { get; }
    public int[] CellFaces { get; }

    /// <summary>Centre-to-centre distance of a face (centre-to-face on a boundary).</summary>
    public double Distance(int face) => LeftDistance[face] + RightDistance[face];

    /// <summary>The geometric transmissibility area / distance of a face.</summary>
    public double GeometricTransmissibility(int face) => FaceArea[face] / Distance(face);

    /// <summary>Faces of <paramref name="kind"/> (and, if given, <paramref name="tag"/>) in order.</summary>
    public IEnumerable<int> FacesOf(FaceKind kind, int? tag = null)
    {
        for (int f = 0; f < FaceCount; f++)
            if (Kind[f] == kind && (tag is null || FaceTag[f] == tag)) yield return f;
    }

    /// <summary>Collects cells and faces; cells are numbered in the order they are added.</summary>
    public sealed class Builder
    {
        private readonly List<double> _volume;
        private readonly List<int> _region;
        private readonly List<int> _left, _right, _tag;
        private readonly List<double> _area, _leftDistance, _rightDistance;
        private readonly List<FaceKind> _kind;
        private readonly Dictionary<int, (int Partner, double Weight)> _partners = [];

        public Builder() : this(0, 0) { }

        /// <summary>A builder with room for <paramref name="cells"/> cells and <paramref name="faces"/> faces (a hint, not a limit).</summary>
        public Builder(int cells, int faces)
        {
            _volume = new(cells); _region = new(cells);
            _left = new(faces); _right = new(faces); _tag = new(faces);
            _area = new(faces); _leftDistance = new(faces); _rightDistance = new(faces); _kind = new(faces);
        }

        public int CellCount => _volume.Count;

        public int AddCell(double volume, int region)
        {
            if (!(volume > 0) || double.IsInfinity(volume)) throw new ArgumentException($"cell volume {volume} is not a positive finite number");
            _volume.Add(volume);
            _region.Add(region);
            return _volume.Count - 1;
        }

        /// <summary>A face between two cells.</summary>
        public int AddFace(int left, int right, double area, double leftDistance, double rightDistance, FaceKind kind = FaceKind.Interior, int tag = 0)
        {
            if (kind == FaceKind.Boundary) throw new ArgumentException("a boundary face has one cell: use AddBoundaryFace");
            CheckCell(left);
            CheckCell(right);
            if (left == right) throw new ArgumentException($"a face joins two different cells, got {left} twice");
            if (!(rightDistance > 0)) throw new ArgumentException($"face distance {rightDistance} is not > 0");
            return Add(left, right, area, leftDistance, rightDistance, kind, tag);
        }

        /// <summary>A face between a cell and the outside, <paramref name="distance"/> from the cell's centre.</summary>
        public int AddBoundaryFace(int cell, double area, double distance, int tag) =>
            Add(CheckCell(cell), -1, area, distance, 0.0, FaceKind.Boundary, tag);

        private int Add(int left, int right, double area, double leftDistance, double rightDistance, FaceKind kind, int tag)
        {
            if (!(area >= 0) || double.IsInfinity(area)) throw new ArgumentException($"face area {area} is not a finite number >= 0");
            if (!(leftDistance > 0) || double.IsInfinity(leftDistance) || double.IsInfinity(rightDistance))
                throw new ArgumentException($"face distances {leftDistance}, {rightDistance} are not positive finite numbers");
            _left.Add(left); _right.Add(right); _area.Add(area);
            _leftDistance.Add(leftDistance); _rightDistance.Add(rightDistance); _kind.Add(kind); _tag.Add(tag);
            return _left.Count - 1;
        }

        /// <summary>
        /// Makes face <paramref name="face"/>'s flux the interpolation <c>(1 − w)</c> of its own two-point difference and <c>w</c> of
        /// <paramref name="partner"/>'s (<see cref="FiniteVolumeGraph.FluxPartner"/>).
        /// </summary>
        public void SetFluxPartner(int face, int partner, double weight)
        {
            if (face < 0 || face >= _left.Count || partner < 0 || partner >= _left.Count || face == partner)
                throw new ArgumentOutOfRangeException(nameof(partner), $"flux partner {partner} of face {face}: both must be distinct faces of the {_left.Count} added");
            if (_kind[face] == FaceKind.Boundary || _kind[partner] == FaceKind.Boundary) throw new ArgumentException($"face {face} or its partner {partner} is a boundary face");
            if (!(weight >= 0 && weight <= 1)) throw new ArgumentException($"flux partner weight {weight} is not in [0, 1]");
            _partners[face] = (partner, weight);
        }

        private int CheckCell(int cell) =>
            cell >= 0 && cell < _volume.Count ? cell : throw new ArgumentOutOfRangeException(nameof(cell), $"cell {cell} is not one of the {_volume.Count} cells added");

        public FiniteVolumeGraph Build()
        {
            int[]? partner = null;
            double[]? weight = null;
            if (_partners.Count > 0)
            {
                partner = new int[_left.Count];
                weight = new double[_left.Count];
                Array.Fill(partner, -1);
                foreach (var (f, p) in _partners) { partner[f] = p.Partner; weight[f] = p.Weight; }
            }
            return new([.. _volume], [.. _region], [.. _left], [.. _right], [.. _area], [.. _leftDistance], [.. _rightDistance], [.. _kind], [.. _tag],
                       partner, weight);
        }
    }
}
