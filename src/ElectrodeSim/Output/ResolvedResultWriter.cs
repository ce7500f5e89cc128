using System.Globalization;
using System.Xml.Linq;
using ElectrodeSim.Model;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Output;

/// <summary>
/// The HDF5 result of a 2-D resolved-particle run (MODEL.md §6), written through <see cref="Hdf5File"/> to the target's
/// temporary name and moved to its final name when complete: the P2D time series (<c>/time</c>, <c>/voltage</c>,
/// <c>/current_density</c>, <c>/specific_capacity</c>), <c>nt × ny × nx</c> fields with the P2D names
/// (state_of_lithiation and interfacial_current_density on particle cells, electrolyte_concentration and
/// electrolyte_potential on separator and matrix cells, solid_potential = φ_s in particles and φ_m in the matrix;
/// NaN where a field does not live), <c>/mesh/x</c>, <c>/mesh/y</c> (cell centres, dimension scales of the fields),
/// <c>/mesh/x_faces</c>, <c>/mesh/y_faces</c>, <c>/mesh/phase</c> (ny × nx: 0 separator, 1 matrix, 2 + k disc k) and
/// <c>/mesh/discs</c> (n × 3: x, y, R). Every dataset carries units and description; an XDMF sidecar (2-D rectilinear
/// mesh, cell-centred attributes) lets ParaView open the fields.
/// </summary>
public sealed class ResolvedResultWriter : ISolutionObserver, IDisposable
{
    /// <summary>Field name, unit, description.</summary>
    public static readonly (string Name, string Unit, string Description)[] FieldInfo =
    [
        ("state_of_lithiation", "1", "c_s / c_s,max of each particle cell (NaN outside particles)"),
        ("interfacial_current_density", "A/m^2", "Butler-Volmer j on the particle cells with interface faces, area-weighted over their faces; positive delithiates (NaN elsewhere)"),
        ("electrolyte_concentration", "mol/m^3", "c_e in separator and matrix cells (NaN in particles)"),
        ("electrolyte_potential", "V", "phi_e vs Li/Li+ in separator and matrix cells (NaN in particles)"),
        ("solid_potential", "V", "electronic potential: phi_s in particle cells, phi_m (carbon/binder network) in matrix cells (NaN in the separator)"),
    ];

    private readonly ResultTarget _target;
    private readonly ResolvedParticleModel _model;
    private readonly Hdf5File _file;
    private readonly bool _fields;
    private readonly int _every;
    private readonly ExtendableDataset _time, _voltage, _current, _capacity;
    private readonly ExtendableDataset[] _fieldSets = [];
    private readonly double[] _slice;
    private readonly List<double> _times = [];
    private int _seen;
    private bool _finished;

    public ResolvedResultWriter(ResultTarget target, ResolvedParticleModel model, string caseText, string provenanceJson, bool fields, int everyNSteps)
    {
        _target = target;
        _model = model;
        _fields = fields;
        _every = Math.Max(1, everyNSteps);
        _file = Hdf5File.Create(target.TemporaryPath);
        _file.SetAttribute("/", "program", "ElectrodeSim " + typeof(ResolvedResultWriter).Assembly.GetName().Version);
        _file.SetAttribute("/", "model", "resolved_2d");
        _file.SetAttribute("/", "case", caseText);
        _file.SetAttribute("/", "provenance", provenanceJson);
        _file.SetAttribute("/", "status", "running");
        var mesh = model.Mesh;
        int nx = mesh.ColumnCount, ny = mesh.RowCount;
        _file.CreateGroup("/mesh");
        Dataset("/mesh/x", mesh.ColumnCentres, "m", "cell-centre x (0 at the lithium foil)", nx);
        Dataset("/mesh/y", mesh.RowCentres, "m", "cell-centre y (periodic over the height H)", ny);
        Dataset("/mesh/x_faces", mesh.ColumnFaces, "m", "cell-face x", nx + 1);
        Dataset("/mesh/y_faces", [.. Enumerable.Range(0, ny + 1).Select(j => j * mesh.RowHeight)], "m", "cell-face y", ny + 1);
        _file.WriteArray("/mesh/phase", mesh.Graph.CellRegion, ny, nx);
        Describe("/mesh/phase", "1", "region of each cell (ny x nx, x fastest): 0 separator, 1 matrix, 2 + k disc k");
        var discs = mesh.Packing.Discs;
        _file.WriteArray("/mesh/discs", [.. discs.SelectMany(d => new[] { d.X, d.Y, d.Radius })], discs.Count, 3);
        Describe("/mesh/discs", "m", "disc list: centre x, centre y, radius R per disc (index = row)");
        _file.SetDimensionScale("/mesh/x", "x");
        _file.SetDimensionScale("/mesh/y", "y");
        _time = Series("/time", "s", "time since the start of the run");
        _file.SetDimensionScale("/time", "time");
        _voltage = Series("/voltage", "V", "cell voltage vs Li/Li+ (collector potential)");
        _current = Series("/current_density", "A/m^2", "applied current density per cross-section, positive lithiates");
        _capacity = Series("/specific_capacity", "mAh/g", "charge passed per active mass (sum pi R^2 rho / H)");
        _slice = new double[nx * ny];
        if (!fields) return;
        _file.CreateGroup("/fields");
        _fieldSets = new ExtendableDataset[FieldInfo.Length];
        for (int k = 0; k < FieldInfo.Length; k++)
        {
            string path = "/fields/" + FieldInfo[k].Name;
            _fieldSets[k] = _file.CreateExtendable(path, [ny, nx], chunkSlices: 4);
            Describe(path, FieldInfo[k].Unit, FieldInfo[k].Description + "; nt x ny x nx");
        }
    }

    private void Dataset(string path, double[] values, string unit, string description, long n)
    {
        _file.WriteArray(path, values, n);
        Describe(path, unit, description);
    }

    private void Describe(string path, string unit, string description)
    {
        _file.SetAttribute(path, "units", unit);
        _file.SetAttribute(path, "description", description);
    }

    private ExtendableDataset Series(string path, string unit, string description)
    {
        var d = _file.CreateExtendable(path, []);
        Describe(path, unit, description);
        return d;
    }

    public void Record(double time, ReadOnlySpan<double> y, int protocolStep)
    {
        if (_seen++ % _every != 0) return;
        _times.Add(time);
        _time.Append([time]);
        _voltage.Append([_model.Voltage(y)]);
        _current.Append([y[_model.CurrentIndex]]);
        _capacity.Append([y[_model.ChargeIndex] / 3.6 / _model.ActiveMassPerArea / 1000.0]);
        if (!_fields) return;
        var c = _model.Context;
        int n = _slice.Length;
        for (int i = 0; i < n; i++) _slice[i] = c.ParticleConcentration[i] >= 0 ? _model.StateOfLithiation(y, i) : double.NaN;
        _fieldSets[0].Append(_slice);
        _fieldSets[1].Append(_model.InterfacialCurrentField(y));
        for (int i = 0; i < n; i++) _slice[i] = c.ElectrolyteConcentration[i] >= 0 ? y[c.ElectrolyteConcentration[i]] : double.NaN;
        _fieldSets[2].Append(_slice);
        for (int i = 0; i < n; i++) _slice[i] = c.ElectrolytePotential[i] >= 0 ? y[c.ElectrolytePotential[i]] : double.NaN;
        _fieldSets[3].Append(_slice);
        for (int i = 0; i < n; i++)
            _slice[i] = c.ParticlePotential[i] >= 0 ? y[c.ParticlePotential[i]] : c.MatrixPotential[i] >= 0 ? y[c.MatrixPotential[i]] : double.NaN;
        _fieldSets[4].Append(_slice);
    }

    /// <summary>Attaches the dimension scales, marks the file complete, writes the sidecar and moves both to their final names.</summary>
    public void Complete(Solution solution)
    {
        if (_finished) return;
        if (_fields)
            foreach (var info in FieldInfo)
            {
                string path = "/fields/" + info.Name;
                _file.AttachDimensionScale(path, 0, "/time");
                _file.AttachDimensionScale(path, 1, "/mesh/y");
                _file.AttachDimensionScale(path, 2, "/mesh/x");
            }
        _file.SetAttribute("/", "status", "complete");
        _file.SetAttribute("/", "steps", (long)solution.Statistics.Steps);
        foreach (var d in _fieldSets.Concat([_time, _voltage, _current, _capacity])) d.Dispose();
        _file.Dispose();
        _finished = true;
        File.Move(_target.TemporaryPath, _target.FinalPath, overwrite: true);
        if (_fields) Sidecar(Path.GetFileName(_target.FinalPath)).Save(XdmfSidecar.PathFor(_target.FinalPath));
    }

    /// <summary>
    /// The XDMF: a temporal collection of 2-D rectilinear grids (node coordinates /mesh/y_faces, /mesh/x_faces; Dimensions
    /// in XDMF's slowest-first order, ny+1 × nx+1), each field a cell-centred hyperslab of its time record.
    /// </summary>
    public XDocument Sidecar(string hdf5FileName)
    {
        var mesh = _model.Mesh;
        int nx = mesh.ColumnCount, ny = mesh.RowCount, nt = _times.Count;
        string Hdf(string path) => $"{hdf5FileName}:{path}";
        var collection = new XElement("Grid", new XAttribute("Name", "resolved"), new XAttribute("GridType", "Collection"), new XAttribute("CollectionType", "Temporal"));
        for (int t = 0; t < nt; t++)
        {
            var grid = new XElement("Grid", new XAttribute("Name", $"resolved {t}"), new XAttribute("GridType", "Uniform"),
                new XElement("Time", new XAttribute("Value", _times[t].ToString("R", CultureInfo.InvariantCulture))),
                new XElement("Topology", new XAttribute("TopologyType", "2DRectMesh"), new XAttribute("Dimensions", $"{ny + 1} {nx + 1}")),
                new XElement("Geometry", new XAttribute("GeometryType", "VXVY"),
                    new XElement("DataItem", new XAttribute("Dimensions", nx + 1), new XAttribute("NumberType", "Float"), new XAttribute("Precision", "8"), new XAttribute("Format", "HDF"), Hdf("/mesh/x_faces")),
                    new XElement("DataItem", new XAttribute("Dimensions", ny + 1), new XAttribute("NumberType", "Float"), new XAttribute("Precision", "8"), new XAttribute("Format", "HDF"), Hdf("/mesh/y_faces"))),
                new XElement("Attribute", new XAttribute("Name", "phase"), new XAttribute("AttributeType", "Scalar"), new XAttribute("Center", "Cell"),
                    new XElement("DataItem", new XAttribute("Dimensions", $"{ny} {nx}"), new XAttribute("NumberType", "Int"), new XAttribute("Format", "HDF"), Hdf("/mesh/phase"))));
            foreach (var info in FieldInfo)
                grid.Add(new XElement("Attribute", new XAttribute("Name", info.Name), new XAttribute("AttributeType", "Scalar"), new XAttribute("Center", "Cell"),
                    new XElement("DataItem", new XAttribute("ItemType", "HyperSlab"), new XAttribute("Dimensions", $"1 {ny} {nx}"), new XAttribute("Type", "HyperSlab"),
                        new XElement("DataItem", new XAttribute("Dimensions", "3 3"), new XAttribute("NumberType", "Int"), new XAttribute("Format", "XML"), $"{t} 0 0 1 1 1 1 {ny} {nx}"),
                        new XElement("DataItem", new XAttribute("Dimensions", $"{nt} {ny} {nx}"), new XAttribute("NumberType", "Float"), new XAttribute("Precision", "8"),
                            new XAttribute("Format", "HDF"), Hdf("/fields/" + info.Name)))));
            collection.Add(grid);
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("Xdmf", new XAttribute("Version", "3.0"), new XElement("Domain", collection)));
    }

    public void Dispose()
    {
        if (_finished) return;
        foreach (var d in _fieldSets.Concat([_time, _voltage, _current, _capacity])) d.Dispose();
        _file.SetAttribute("/", "status", "failed");
        _file.Dispose();
        _finished = true;
    }
}
