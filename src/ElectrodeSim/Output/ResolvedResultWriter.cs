using System.Globalization;
using System.Xml.Linq;
using ElectrodeSim.Model;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Output;

/// <summary>
/// The HDF5 result of a 2-D resolved-particle run (MODEL.md §6), written through <see cref="Hdf5File"/> under the target's
/// temporary name with <c>status = running</c>: the P2D time series (<c>/time</c>, <c>/voltage</c>, <c>/current_density</c>,
/// <c>/specific_capacity</c>, <c>/charge</c>, <c>/protocol_step</c>), <c>nt × ny × nx</c> fields with the P2D names
/// (state_of_lithiation and interfacial_current_density on particle cells, electrolyte_concentration and
/// electrolyte_potential on separator and matrix cells, solid_potential = φ_s in particles and φ_m in the matrix;
/// NaN where a field does not live), <c>/mesh/x</c>, <c>/mesh/y</c> (cell centres, dimension scales of the fields),
/// <c>/mesh/x_faces</c>, <c>/mesh/y_faces</c>, <c>/mesh/phase</c> (ny × nx: 0 separator, 1 matrix, 2 + k disc k) and
/// <c>/mesh/discs</c> (n × 3: x, y, R). Every dataset carries units and description; an XDMF sidecar (2-D rectilinear
/// mesh, cell-centred attributes) lets ParaView open the fields.
/// As <see cref="ResultWriter"/>: <see cref="Complete"/> writes the summary, <c>/solver</c> and <c>/protocol/outcome</c>,
/// stamps <c>status = complete</c>, closes the file and only then renames it to <c>NAME.h5</c>; <see cref="Fail"/> stamps
/// <c>status = failed</c> and <c>failure_reason</c> and renames it to <c>NAME.failed.h5</c> (when its records cannot be
/// kept, a small <c>NAME.failed.h5</c> with the reason replaces them), so no unfinished file ever looks complete.
/// Which states arrive is the runner's business (every solver step, or <c>output.every_s</c> / <c>output.times_s</c>
/// from the integrator's dense output, <see cref="OutputSchedule"/>); <c>every_n_steps</c> thins them, and the last
/// state is always written.
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

    /// <summary>The root attribute <c>model</c> of a 2-D resolved result.</summary>
    public const string ModelName = "2-D resolved-particle half cell (lithium foil | separator | electrode of discs in a carbon/binder matrix)";

    private readonly ResultTarget _target;
    private readonly ResolvedParticleModel _model;
    private readonly RunMetadata _metadata;
    private readonly Hdf5File _file;
    private readonly bool _fields;
    private readonly int _every;
    private readonly ExtendableDataset _time, _voltage, _current, _capacity, _charge, _step;
    private readonly ExtendableDataset[] _fieldSets = [];
    private readonly double[] _slice;
    private readonly double[] _last;
    private readonly List<double> _times = [];
    private double _lastTime;
    private int _lastStep = -1;
    private bool _lastWritten = true;
    private int _seen;
    private bool _closed;
    private bool _finished;
    private TimeSpan _writing;

    public ResolvedResultWriter(ResultTarget target, ResolvedParticleModel model, RunMetadata metadata, bool fields, int everyNSteps)
    {
        _target = target;
        _model = model;
        _metadata = metadata;
        _fields = fields;
        _every = Math.Max(1, everyNSteps);
        _last = new double[model.Size];
        var mesh = model.Mesh;
        int nx = mesh.ColumnCount, ny = mesh.RowCount;
        _slice = new double[nx * ny];
        _file = Hdf5File.Create(target.TemporaryPath);
        try
        {
            WriteHeader(_file, metadata);
            _file.CreateGroup("/mesh");
            Dataset("/mesh/x", mesh.ColumnCentres, "m", "cell-centre x (0 at the lithium foil)", nx);
            Dataset("/mesh/y", mesh.RowCentres, "m", "cell-centre y (periodic over the height H)", ny);
            Dataset("/mesh/x_faces", mesh.ColumnFaces, "m", "cell-face x", nx + 1);
            Dataset("/mesh/y_faces", [.. Enumerable.Range(0, ny + 1).Select(j => j * mesh.RowHeight)], "m", "cell-face y", ny + 1);
            _file.WriteArray("/mesh/phase", mesh.Graph.CellRegion[..(nx * ny)], ny, nx);
            Describe("/mesh/phase", "1", "region of each cell (ny x nx, x fastest): 0 separator, 1 matrix, 2 + k disc k");
            var discs = mesh.Packing.Discs;
            _file.WriteArray("/mesh/discs", [.. discs.SelectMany(d => new[] { d.X, d.Y, d.Radius })], discs.Count, 3);
            Describe("/mesh/discs", "m", "disc list: centre x, centre y, radius R per disc (index = row)");
            _file.SetDimensionScale("/mesh/x", "x");
            _file.SetDimensionScale("/mesh/y", "y");
            _file.SetAttribute("/", "active_mass_per_area_kg_m2", model.ActiveMassPerArea);
            _time = Series("/time", "s", "time since the start of the run");
            _file.SetDimensionScale("/time", "time");
            _voltage = Series("/voltage", "V", "cell voltage vs Li/Li+ (collector potential)");
            _current = Series("/current_density", "A/m^2", "applied current density per cross-section, positive lithiates");
            _capacity = Series("/specific_capacity", "mAh/g", "charge passed per active mass (sum pi R^2 rho / H)");
            _charge = Series("/charge", "C/m^2", "charge passed per unit cross-section");
            _step = Series("/protocol_step", "1", "index of the protocol step each record belongs to (row of /protocol/outcome)", int32: true);
            if (fields)
            {
                _file.CreateGroup("/fields");
                _fieldSets = new ExtendableDataset[FieldInfo.Length];
                for (int k = 0; k < FieldInfo.Length; k++)
                {
                    string path = "/fields/" + FieldInfo[k].Name;
                    _fieldSets[k] = _file.CreateExtendable(path, [ny, nx], chunkSlices: 4);
                    Describe(path, FieldInfo[k].Unit, FieldInfo[k].Description + "; nt x ny x nx");
                    // Attached now, so that a failed run's file is as readable as a complete one.
                    _file.AttachDimensionScale(path, 0, "/time");
                    _file.AttachDimensionScale(path, 1, "/mesh/y");
                    _file.AttachDimensionScale(path, 2, "/mesh/x");
                }
            }
            _file.Flush();
        }
        catch (Exception e) when (ResultWriter.IsIoFailure(e))
        {
            Fail($"the result file could not be started: {Hdf5Messages.Short(e)}");
            throw;
        }
    }

    private static void WriteHeader(Hdf5File file, RunMetadata metadata)
    {
        file.SetAttribute("/", "program", "ElectrodeSim");
        file.SetAttribute("/", "program_version", ResultWriter.ProgramVersion);
        file.SetAttribute("/", "case_name", metadata.CaseName);
        file.SetAttribute("/", "case_text", metadata.CaseText);
        file.SetAttribute("/", "provenance", metadata.ProvenanceJson);
        file.SetAttribute("/", "parameter_notes", metadata.ParameterNotesJson);
        file.SetAttribute("/", "input_files", metadata.InputFilesJson);
        file.SetAttribute("/", "model", ModelName);
        file.SetAttribute("/", "created_utc", DateTime.UtcNow.ToString("O"));
        file.SetAttribute("/", "status", "running");
        file.SetAttribute("/", "conventions", "SI units; I > 0 lithiates the electrode; j > 0 delithiates the particle; fields are nt x ny x nx (x fastest)");
    }

    /// <summary>The result's final name, <c>NAME.h5</c>.</summary>
    public string FinalPath => _target.FinalPath;
    /// <summary>Where a failed run's file goes, <c>NAME.failed.h5</c>.</summary>
    public string FailedPath => _target.FailedPath;
    private string SidecarPath => _target.SidecarPath;
    private string FailedSidecarPath => _target.FailedSidecarPath;
    private string TemporarySidecarPath => _target.TemporarySidecarPath;

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

    private ExtendableDataset Series(string path, string unit, string description, bool int32 = false)
    {
        var d = _file.CreateExtendable(path, [], int32Values: int32);
        Describe(path, unit, description);
        if (path != "/time") _file.AttachDimensionScale(path, 0, "/time");
        return d;
    }

    public void Record(double time, ReadOnlySpan<double> y, int protocolStep)
    {
        // The last state is kept so that Complete and Fail write it when every_n_steps skipped it.
        y.CopyTo(_last);
        (_lastTime, _lastStep) = (time, protocolStep);
        _lastWritten = _seen++ % _every == 0;
        if (_lastWritten) Append(time, y, protocolStep);
    }

    private void Append(double time, ReadOnlySpan<double> y, int protocolStep)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        double charge = y[_model.ChargeIndex];
        _time.Append([time]);
        _voltage.Append([_model.Voltage(y)]);
        _current.Append([y[_model.CurrentIndex]]);
        _capacity.Append([charge / (3600.0 * _model.ActiveMassPerArea)]);
        _charge.Append([charge]);
        _step.Append(stackalloc int[] { protocolStep });
        if (_fields)
        {
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
            // Only a record whose every field was appended: the sidecar selects it from each of them.
            _times.Add(time);
        }
        _writing += System.Diagnostics.Stopwatch.GetElapsedTime(start);
    }

    /// <summary>
    /// The headline numbers of the first half-cycle (<see cref="RunSummary.HalfCycle"/>) as root attributes with the P2D
    /// names: specific capacity [mAh/g], areal capacity [Ah/m²], charge-weighted average voltage [V], final mean state of
    /// lithiation of all discs [1], solver steps, wall time [s].
    /// </summary>
    public static IReadOnlyDictionary<string, double> Summary(ResolvedParticleModel model, Solution solution)
    {
        var (first, last) = RunSummary.HalfCycle(solution);
        double charge = 0;
        for (int k = first; k <= last && k >= 0; k++) charge += solution.Steps[k].Charge;
        var y = last >= 0 ? solution.StepEndStates[last] : solution.FinalState;
        return new Dictionary<string, double>
        {
            ["summary_capacity_mAh_g"] = Math.Abs(solution.SpecificCapacity(charge)),
            ["summary_capacity_Ah_m2"] = Math.Abs(charge) / 3600.0,
            ["summary_average_voltage_V"] = last >= 0 ? solution.AverageVoltage(first, last) : double.NaN,
            ["summary_final_mean_state_of_lithiation"] = model.MeanStateOfLithiation(y),
            ["summary_solver_steps"] = solution.Statistics.Steps,
            ["summary_wall_time_s"] = solution.WallTime.TotalSeconds,
            ["summary_first_step"] = first,
            ["summary_last_step"] = last,
        };
    }

    /// <summary>Writes the summary, the solver report and the step outcomes, marks the file complete, closes it and gives it (then its sidecar) the final name.</summary>
    public void Complete(Solution solution)
    {
        if (_finished) throw new InvalidOperationException($"{FinalPath} is already finished");
        if (!_lastWritten && _lastStep >= 0) Append(_lastTime, _last, _lastStep);
        ResultWriter.WriteSolverReport(_file, solution, _model.Size, _writing, "variable-order variable-step BDF (1-5), Newton with analytic Jacobian, SuiteSparse KLU; 2-D resolved-particle graph");
        ResultWriter.WriteProtocolOutcome(_file, solution);
        foreach (var (key, value) in Summary(_model, solution)) _file.SetAttribute("/", key, value);
        _file.SetAttribute("/", "status", "complete");
        Close();
        // Written before the file takes its name, so that a sidecar that cannot be written fails the run (the
        // closed file then becomes NAME.failed.h5); it appears under its name just after the file it describes.
        if (_fields) Sidecar(Path.GetFileName(FinalPath)).Save(TemporarySidecarPath);
        // Renamed only once closed: a file under the final name is always complete.
        File.Move(_target.TemporaryPath, FinalPath, overwrite: true);
        _finished = true;
        if (_fields) File.Move(TemporarySidecarPath, SidecarPath, overwrite: true);
        else ResultWriter.DeleteIfExists(SidecarPath);
        // An older NAME.failed.h5 would contradict the new result.
        ResultWriter.DeleteIfExists(FailedPath);
        ResultWriter.DeleteIfExists(FailedSidecarPath);
    }

    private void Close()
    {
        if (_closed) return;
        _closed = true;
        foreach (var d in _fieldSets.Concat([_time, _voltage, _current, _capacity, _charge, _step]))
            if (d is not null) d.Dispose();
        _file.Dispose();
    }

    /// <summary>
    /// Marks the file failed with the reason (the last state written first) and renames it to <c>NAME.failed.h5</c>, with
    /// its sidecar; an older <c>NAME.h5</c> is removed, since it would look like this run's result. Never throws for an
    /// I/O failure: when the file cannot be finished, its records are removed and a small <c>NAME.failed.h5</c> with the
    /// case and the reason takes its place (or, when not even that can be written, nothing, and the target says why).
    /// </summary>
    /// <returns>The failed file that now exists, or null.</returns>
    public string? Fail(string reason)
    {
        if (_finished) return File.Exists(FailedPath) ? FailedPath : null;
        _finished = true;
        Exception? problem = null;
        try
        {
            if (!_closed)
            {
                try
                {
                    if (!_lastWritten && _lastStep >= 0) Append(_lastTime, _last, _lastStep);
                    _file.SetAttribute("/", "status", "failed");
                    _file.SetAttribute("/", "failure_reason", reason);
                }
                catch (Exception e) when (ResultWriter.IsIoFailure(e)) { problem = e; }
                try { Close(); }
                catch (Exception e) when (ResultWriter.IsIoFailure(e)) { problem ??= e; }
            }
            else if (File.Exists(_target.TemporaryPath))
            {
                // Closed by Complete, which then failed (the sidecar): the file says complete and must not.
                try
                {
                    using var file = Hdf5File.OpenReadWrite(_target.TemporaryPath);
                    file.SetAttribute("/", "status", "failed");
                    file.SetAttribute("/", "failure_reason", reason);
                }
                catch (Exception e) when (ResultWriter.IsIoFailure(e)) { problem = e; }
            }
            else problem = new IOException("the result file was not created");
            if (problem is null)
            {
                try
                {
                    ResultWriter.DeleteIfExists(FinalPath);
                    ResultWriter.DeleteIfExists(SidecarPath);
                    ResultWriter.DeleteIfExists(FailedSidecarPath);
                    File.Move(_target.TemporaryPath, FailedPath, overwrite: true);
                    if (_fields)
                    {
                        // Best effort: the failed file and its reason are what matter.
                        try
                        {
                            Sidecar(Path.GetFileName(FailedPath)).Save(TemporarySidecarPath);
                            File.Move(TemporarySidecarPath, FailedSidecarPath, overwrite: true);
                        }
                        catch (Exception e) when (ResultWriter.IsIoFailure(e)) { }
                    }
                    return FailedPath;
                }
                catch (Exception e) when (ResultWriter.IsIoFailure(e)) { problem = e; }
            }
            ResultWriter.DeleteIfExists(_target.TemporaryPath);
            return _target.WriteFailureMarker(file => WriteHeader(file, _metadata), $"{reason}; the records could not be kept: {Hdf5Messages.Short(problem)}");
        }
        finally { ResultWriter.DeleteIfExists(TemporarySidecarPath); }
    }

    /// <summary>
    /// The XDMF: a temporal collection of 2-D rectilinear grids (node coordinates /mesh/y_faces, /mesh/x_faces; Dimensions
    /// in XDMF's slowest-first order, ny+1 × nx+1), each field a cell-centred hyperslab of its time record. The hyperslab's
    /// result is declared ny × nx, the shape of the grid's cell data: declared 1 × ny × nx (the selection's count), ParaView's
    /// XDMF reader fails to copy it ("Can't Write Temp Dataset") and shows other records' values.
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
                    new XElement("DataItem", new XAttribute("ItemType", "HyperSlab"), new XAttribute("Dimensions", $"{ny} {nx}"), new XAttribute("Type", "HyperSlab"),
                        new XElement("DataItem", new XAttribute("Dimensions", "3 3"), new XAttribute("NumberType", "Int"), new XAttribute("Format", "XML"), $"{t} 0 0 1 1 1 1 {ny} {nx}"),
                        new XElement("DataItem", new XAttribute("Dimensions", $"{nt} {ny} {nx}"), new XAttribute("NumberType", "Float"), new XAttribute("Precision", "8"),
                            new XAttribute("Format", "HDF"), Hdf("/fields/" + info.Name)))));
            collection.Add(grid);
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("Xdmf", new XAttribute("Version", "3.0"), new XElement("Domain", collection)));
    }

    /// <summary>A writer not finished by <see cref="Complete"/> or <see cref="Fail"/> marks its file failed.</summary>
    public void Dispose()
    {
        if (!_finished) Fail("the run was abandoned before it completed");
    }
}
