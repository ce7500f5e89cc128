using System.Reflection;
using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Output;

/// <summary>What the writer records about a run besides its fields.</summary>
/// <param name="InputFilesJson">Key path → SHA-256 of each file the case reads (<see cref="Cases.SimulationSetup.InputFiles"/>), as JSON.</param>
public sealed record RunMetadata(string CaseName, string CaseText, string ProvenanceJson, string ParameterNotesJson, string InputFilesJson = "{}");

/// <summary>
/// Streams a run into an HDF5 file with the layout of MODEL.md §6. The file is written under the
/// run's own temporary name (<see cref="ResultTarget.TemporaryPath"/>) with <c>status = running</c>
/// while the run holds the target's lock; <see cref="Complete"/> stamps <c>status = complete</c>,
/// closes the file and only then renames it to <c>NAME.h5</c>; <see cref="Fail"/> stamps
/// <c>status = failed</c> with the reason and renames it to <c>NAME.failed.h5</c>, so no
/// unfinished file ever looks complete. When the records themselves cannot be kept (a full disk,
/// an I/O error), <see cref="Fail"/> removes them and leaves a small <c>NAME.failed.h5</c> with
/// the reason instead. Time series and fields are extendable in time, chunked and
/// stored uncompressed (deflate cost more than it saved, see Series), and appended as the run goes, a chunk of records
/// (64) at a time or fewer for a large mesh (see <see cref="WriteStaged"/>); <see cref="Complete"/> and <see cref="Fail"/>
/// write what is gathered. A run without fields (a sweep's usual case)
/// is gathered instead: HDF5 builds the small file in memory, the time series are written at the end as
/// contiguous datasets of their final length, and the temporary file appears on disk only when the file
/// is closed. The dimension scales of a file are written in one go (<see cref="Hdf5File.WriteDimensionScales"/>).
/// </summary>
public sealed class ResultWriter : ISolutionObserver, IDisposable
{
    public static string ProgramVersion { get; } =
        typeof(ResultWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly P2DModel _model;
    private readonly RunMetadata _metadata;
    private readonly ResultTarget _target;
    private readonly bool _ownsTarget;
    private readonly int _every;
    private readonly bool _fields;
    private readonly Hdf5File _file;
    private readonly Dictionary<string, StagedSeries> _series = new();
    private readonly double[] _last;
    private double _lastTime;
    private int _lastStep = -1;
    private bool _lastWritten = true;
    private int _count;
    private bool _closed;
    private bool _finished;
    private readonly double[] _buffer;
    private readonly List<double> _recordedTimes = new();

    /// <summary>Claims <paramref name="finalPath"/> for this writer (see <see cref="ResultTarget.Claim"/>) and releases it when the file is finished.</summary>
    /// <exception cref="OutputTargetException">Another run holds the target, or its folder cannot be written.</exception>
    public ResultWriter(string finalPath, P2DModel model, RunMetadata metadata, bool writeFields = true, int everyNSteps = 1)
        : this(ResultTarget.Claim(finalPath), ownsTarget: true, model, metadata, writeFields, everyNSteps) { }

    /// <summary>Writes into a target the caller has claimed and releases.</summary>
    public ResultWriter(ResultTarget target, P2DModel model, RunMetadata metadata, bool writeFields = true, int everyNSteps = 1)
        : this(target, ownsTarget: false, model, metadata, writeFields, everyNSteps) { }

    private ResultWriter(ResultTarget target, bool ownsTarget, P2DModel model, RunMetadata metadata, bool writeFields, int everyNSteps)
    {
        _target = target;
        _ownsTarget = ownsTarget;
        _model = model;
        _metadata = metadata;
        _every = Math.Max(1, everyNSteps);
        _fields = writeFields;
        if (!writeFields)
        {
            _pending = [.. Enumerable.Range(0, ScalarSeriesCount).Select(_ => new List<double>(128))];
            _pendingSteps = new List<int>(128);
        }
        _last = new double[model.Size];
        int maxCells = model.Mesh.CellCount * Math.Max(1, Math.Max(model.Mesh.Particles.Max(p => p.Shells), model.Mesh.ClassParticles.Max(c => c.Length)));
        _buffer = new double[maxCells];
        try
        {
            // Without fields the file is small (tens of kB): HDF5 builds it in memory and it is written in one go, outside the
            // HDF5 lock, when it is closed; the temporary file then appears only at the end of the run.
            _file = writeFields ? Hdf5File.Create(TemporaryPath) : Hdf5File.CreateInMemory(TemporaryPath);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            _file = null!;
            _closed = true;
            _closeFailure = e;
            Fail($"the result file could not be created: {Hdf5Messages.Short(e)}");
            throw;
        }
        try
        {
            WriteHeader(metadata);
            WriteMesh();
            CreateSeries();
            StageRows();
            _file.Flush();
        }
        catch (Exception e) when (e is Hdf5Exception or IOException or UnauthorizedAccessException)
        {
            Fail($"the result file could not be started: {Hdf5Messages.Short(e)}");
            throw;
        }
    }

    public string FinalPath => _target.FinalPath;
    public string TemporaryPath => _target.TemporaryPath;
    public string FailedPath => _target.FailedPath;

    /// <summary>The XDMF sidecar of the complete file (<c>NAME.xmf</c>), written when the run has fields.</summary>
    public string SidecarPath => _target.SidecarPath;

    /// <summary>The XDMF sidecar of the failed file (<c>NAME.failed.xmf</c>).</summary>
    public string FailedSidecarPath => _target.FailedSidecarPath;

    private string TemporarySidecarPath => _target.TemporarySidecarPath;

    /// <summary>The meshes of the XDMF sidecar: each electrode's x × r plane and x line, and the electrolyte's x line.</summary>
    private List<XdmfMesh> SidecarMeshes()
    {
        var mesh = _model.Mesh;
        var meshes = new List<XdmfMesh>();
        foreach (var (e, prefix, layer) in ElectrodeGroups())
        {
            string name = prefix.Length == 0 ? "electrode" : prefix.TrimEnd('/') + " electrode";
            string g = "/fields/" + prefix;
            var x = mesh.Centres.AsSpan(layer.FirstCell, layer.CellCount).ToArray();
            // Every field of the group on that plane or line, as created (so a field added to the writer, such as the
            // hysteresis state or the double-layer unknowns, is in the sidecar without being listed twice).
            string xAxis = "/mesh/" + prefix + "x_electrode";
            meshes.Add(new XdmfMesh(name + " particles (x, r)", x, mesh.Particles[e].Centres, FieldsOn(xAxis, "/mesh/" + prefix + "r")));
            meshes.Add(new XdmfMesh(name + " (x)", x, null, FieldsOn(xAxis)));
        }
        meshes.Add(new XdmfMesh("electrolyte (x)", mesh.Centres, null, FieldsOn("/mesh/x")));
        return meshes;
    }

    /// <summary>The fields whose dimensions besides time have exactly the scales <paramref name="axes"/>, in creation order.</summary>
    private List<string> FieldsOn(params string[] axes) =>
        _fieldAxes.Where(f => f.Value.SequenceEqual(axes)).Select(f => f.Key).ToList();

    // The mesh scales of each /fields dataset, in creation order (the sidecar lists them from here).
    private readonly List<KeyValuePair<string, string[]>> _fieldAxes = new();

    /// <summary>After <see cref="Fail"/>: why not even a failure marker could be written, or null.</summary>
    public string? FailureMarkerProblem => _target.FailureMarkerProblem;

    private void WriteHeader(RunMetadata metadata) => WriteHeader(_file, metadata, _model);

    private static void WriteHeader(Hdf5File file, RunMetadata metadata, P2DModel model) => file.SetAttributes("/",
    [
        Hdf5Attribute.Of("program", "ElectrodeSim"),
        Hdf5Attribute.Of("program_version", ProgramVersion),
        Hdf5Attribute.Of("case_name", metadata.CaseName),
        Hdf5Attribute.Of("case_text", metadata.CaseText),
        Hdf5Attribute.Of("provenance", metadata.ProvenanceJson),
        Hdf5Attribute.Of("parameter_notes", metadata.ParameterNotesJson),
        Hdf5Attribute.Of("input_files", metadata.InputFilesJson),
        Hdf5Attribute.Of("model", model.Cell.IsHalfCell ? "P2D half cell (lithium foil | separator | electrode)" : "P2D full cell (negative | separator | positive)"),
        Hdf5Attribute.Of("created_utc", DateTime.UtcNow.ToString("O")),
        Hdf5Attribute.Of("status", "running"),
        Hdf5Attribute.Of("conventions", "SI units; I > 0 lithiates the working electrode of a half cell (discharges a full cell); j > 0 delithiates the particle"),
    ]);

    private void Dataset(string path, ReadOnlySpan<double> data, string units, string description, params long[] dims)
    {
        _file.WriteArray(path, data, dims);
        Describe(path, units, description);
    }

    private void Describe(string path, string units, string description) =>
        _file.SetAttributes(path, [Hdf5Attribute.Of("units", units), Hdf5Attribute.Of("description", description)]);

    private IEnumerable<(int Electrode, string Prefix, Layer Layer)> ElectrodeGroups()
    {
        foreach (var layer in _model.Mesh.ElectrodeLayers)
        {
            string prefix = _model.Cell.IsHalfCell ? "" : (layer.ElectrodeIndex == 0 ? "negative/" : "positive/");
            yield return (layer.ElectrodeIndex, prefix, layer);
        }
    }

    private void WriteMesh()
    {
        var mesh = _model.Mesh;
        _file.CreateGroup("/mesh");
        Dataset("/mesh/x", mesh.Centres, "m", "cell centres through the thickness, x = 0 at the lithium foil (half cell) or negative collector", mesh.CellCount);
        Dataset("/mesh/x_faces", mesh.Faces, "m", "cell faces through the thickness", mesh.CellCount + 1);
        var region = mesh.LayerOf.Select(l => mesh.Layers[l].Kind == LayerKind.Separator ? 0 : 1 + mesh.Layers[l].ElectrodeIndex).ToArray();
        _file.WriteArray("/mesh/region", region, mesh.CellCount);
        Describe("/mesh/region", "1", "region of each x cell: 0 separator, 1 first electrode, 2 second electrode");
        foreach (var (e, prefix, layer) in ElectrodeGroups())
        {
            var particle = mesh.Particles[e];
            string group = "/mesh/" + prefix;
            Dataset(group + "x_electrode", mesh.Centres.AsSpan(layer.FirstCell, layer.CellCount), "m", "cell centres of the electrode cells (the x axis of electrode fields)", layer.CellCount);
            Dataset(group + "r", particle.Centres, "m", "particle shell centres (pseudo-dimension)", particle.Shells);
            Dataset(group + "r_faces", particle.Faces, "m", "particle shell faces", particle.Shells + 1);
            _scales.Add((group + "x_electrode", "x_electrode"));
            _scales.Add((group + "r", "r"));
            var electrode = _model.Cell.Electrodes[e];
            if (electrode.ParticleClassCount < 2) continue;
            int classes = electrode.ParticleClassCount;
            Dataset(group + "particle_class_radius", Enumerable.Range(0, classes).Select(electrode.ClassRadius).ToArray(), "m",
                "radius of each particle size class (the class axis of the class_ fields); r above is the mesh of the Sauter mean radius", classes);
            Dataset(group + "particle_class_volume_fraction", Enumerable.Range(0, classes).Select(electrode.ClassVolumeFraction).ToArray(), "1",
                "share of the electrode's active volume of each particle size class", classes);
            _scales.Add((group + "particle_class_radius", "particle_class_radius"));
        }
        _scales.Add(("/mesh/x", "x"));
        _attachments.Add(new("/mesh/region", 0, "/mesh/x"));
        var w = _model.Cell.WorkingElectrode;
        _file.SetAttributes("/", [Hdf5Attribute.Of("active_mass_per_area_kg_m2", w.ActiveMassPerArea), Hdf5Attribute.Of("max_concentration_mol_m3", w.MaxConcentration)]);
    }

    /// <summary>
    /// A dataset extendable in time whose dimension 0 has the scale <c>/time</c> and whose further
    /// dimensions have the mesh coordinates <paramref name="axes"/> as scales.
    /// </summary>
    private const int FieldChunkSlices = 64;

    private void Series(string path, long[] slice, string units, string description, bool int32 = false, params string[] axes)
    {
        // Without fields the series stream only with the lumped thermal model (rare in large studies): a few kilobytes at
        // most, so one uncompressed chunk of 256 records, as deflating a few hundred bytes saves nothing but costs the filter
        // pipeline at every close.
        // With fields the records are stored uncompressed too: deflate (level 4) shrank Marquis2019 1C's 7.1 MB of fields
        // only to 5.8 MB (0.81; level 1 the same, byte shuffle + level 1 to 0.66) and was 46 % of the whole run's
        // instructions (callgrind, native tool, 2026-12-02); zlib at level 4 took ~0.52 s for them, level 1 ~0.30 s.
        var ds = _fields
            ? _file.CreateExtendable(path, slice, chunkSlices: FieldChunkSlices, deflateLevel: 0, int32Values: int32)
            : _file.CreateExtendable(path, slice, chunkSlices: 256, deflateLevel: 0, int32Values: int32);
        _series[path] = new StagedSeries(ds, path, int32);
        if (path.StartsWith("/fields/", StringComparison.Ordinal)) _fieldAxes.Add(new(path, axes));
        Describe(path, units, description);
        AttachAxes(path, axes);
    }

    /// <summary>Dimension 0 of a series has the scale <c>/time</c>, its further dimensions the mesh scales <paramref name="axes"/> (written by <see cref="WriteScales"/>).</summary>
    private void AttachAxes(string path, string[] axes)
    {
        if (path == "/time") return;
        _attachments.Add(new(path, 0, "/time"));
        for (int d = 0; d < axes.Length; d++) _attachments.Add(new(path, d + 1, axes[d]));
    }

    // The file's dimension scales and their attachments, gathered and written in one go (Hdf5File.WriteDimensionScales):
    // at the end of the constructor with fields, with the time series at the end of the run without them.
    private readonly List<(string Path, string Name)> _scales = [];
    private readonly List<DimensionScaleAttachment> _attachments = [];
    private bool _scalesWritten;

    private void WriteScales()
    {
        if (_scalesWritten) return;
        _scalesWritten = true;
        _file.WriteDimensionScales(_scales, _attachments);
    }

    /// <summary>The time series every result has: path, units, description (<c>/protocol_step</c> holds 32-bit integers).</summary>
    private static readonly (string Path, string Units, string Description)[] TimeSeries =
    [
        ("/time", "s", "time since the start of the run"),
        ("/voltage", "V", "cell voltage, working electrode vs lithium foil (half cell) or positive vs negative collector (full cell)"),
        ("/current_density", "A/m^2", "applied current density; positive lithiates the working electrode (half cell) / discharges (full cell)"),
        ("/specific_capacity", "mAh/g", "charge passed per mass of working-electrode active material"),
        ("/charge", "C/m^2", "charge passed per unit cell area"),
        ("/protocol_step", "1", "index of the protocol step each record belongs to (row of /protocol/outcome)"),
    ];

    private void CreateSeries()
    {
        _scales.Add(("/time", "time"));
        // Without fields the time series are gathered in memory and written whole at the end (WritePending).
        if (_fields)
            foreach (var (path, units, description) in TimeSeries)
                Series(path, [], units, description, int32: path == "/protocol_step");
        if (_model.Thermal is not null) CreateThermalSeries();
        if (!_fields) return;
        _file.CreateGroup("/fields");
        int nx = _model.Mesh.CellCount;
        Series("/fields/electrolyte_concentration", [nx], "mol/m^3", "electrolyte salt concentration c_e (time × x)", axes: ["/mesh/x"]);
        Series("/fields/electrolyte_potential", [nx], "V", "electrolyte potential phi_e vs the lithium reference (time × x)", axes: ["/mesh/x"]);
        foreach (var (e, prefix, layer) in ElectrodeGroups())
        {
            int nr = _model.Mesh.Particles[e].Shells;
            string g = "/fields/" + prefix;
            string x = "/mesh/" + prefix + "x_electrode", r = "/mesh/" + prefix + "r";
            if (prefix.Length > 0) _file.CreateGroup(g.TrimEnd('/'));
            Series(g + "state_of_lithiation", [layer.CellCount, nr], "1", "state of lithiation c_s / c_s,max in the particles (time × x_electrode × r)", axes: [x, r]);
            Series(g + "solid_concentration", [layer.CellCount, nr], "mol/m^3", "lithium concentration c_s in the particles (time × x_electrode × r)", axes: [x, r]);
            Series(g + "surface_state_of_lithiation", [layer.CellCount], "1", "state of lithiation at the particle surface (time × x_electrode)", axes: [x]);
            Series(g + "mean_state_of_lithiation", [layer.CellCount], "1", "volume-averaged state of lithiation of each particle (time × x_electrode)", axes: [x]);
            Series(g + "interfacial_current_density", [layer.CellCount], "A/m^2", "interfacial current density j at the particle surface, positive for delithiation (time × x_electrode)", axes: [x]);
            Series(g + "solid_potential", [layer.CellCount], "V", "solid-phase potential phi_s (time × x_electrode)", axes: [x]);
            Series(g + "equilibrium_potential", [layer.CellCount], "V", "equilibrium (open-circuit) potential U(theta_surf) of the particle surface vs Li/Li+ (time × x_electrode)", axes: [x]);
            Series(g + "overpotential", [layer.CellCount], "V", "reaction overpotential eta = phi_s - phi_e - U(theta_surf) - R_film j, positive for delithiation (time × x_electrode)", axes: [x]);
            var electrode = _model.Cell.Electrodes[e];
            if (electrode.ParticleClassCount > 1)
            {
                string c = "/mesh/" + prefix + "particle_class_radius";
                int classes = electrode.ParticleClassCount;
                Series(g + "class_surface_state_of_lithiation", [layer.CellCount, classes], "1", "state of lithiation at the particle surface of each size class (time × x_electrode × class)", axes: [x, c]);
                Series(g + "class_mean_state_of_lithiation", [layer.CellCount, classes], "1", "volume-averaged state of lithiation of the particles of each size class (time × x_electrode × class)", axes: [x, c]);
                Series(g + "class_interfacial_current_density", [layer.CellCount, classes], "A/m^2", "interfacial current density j_k at the surface of each size class, positive for delithiation (time × x_electrode × class)", axes: [x, c]);
            }
            if (electrode.HasHysteresis)
                Series(g + "hysteresis_state", [layer.CellCount], "1", "OCP hysteresis state h of the particle, in [-1, 1]: U = (1+h)/2 U_delith + (1-h)/2 U_lith, -1 on the lithiation branch, +1 on the delithiation branch (time × x_electrode)", axes: [x]);
            if (electrode.HasDoubleLayer)
            {
                Series(g + "double_layer_potential", [layer.CellCount], "V", "double-layer potential psi = phi_s - phi_e across the particle surface (time × x_electrode)", axes: [x]);
                Series(g + "double_layer_current_density", [layer.CellCount], "A/m^2", "double-layer charging current i_dl = C_dl dpsi/dt per unit particle surface, positive like j (time × x_electrode)", axes: [x]);
            }
        }
        WriteScales();
    }

    /// <summary>The names, units and descriptions of the lumped thermal model's series (only with cell.thermal model lumped).</summary>
    public static readonly IReadOnlyList<(string Path, string Units, string Description)> ThermalSeries =
    [
        ("/temperature", "K", "cell temperature T of the lumped thermal model"),
        ("/heat_generated", "J/m^2", "heat generated since the start of the run per unit electrode area, the integral of /heat/total (integrated with the state)"),
        ("/heat/total", "W/m^2", "heat generation rate Q per unit electrode area: irreversible + reversible (the sum of the other /heat series)"),
        ("/heat/reaction", "W/m^2", "reaction heat, sum over electrode cells of a j eta dx (eta the Butler-Volmer overpotential without the film term)"),
        ("/heat/film", "W/m^2", "film (SEI/contact) resistance heat, sum of a R_film j^2 dx"),
        ("/heat/reversible", "W/m^2", "reversible (entropic) heat, sum of a j T dU/dT dx (0 without an entropic coefficient)"),
        ("/heat/electrolyte_ohmic", "W/m^2", "electrolyte ohmic heat with the diffusion potential, sum over faces of i_e (phi_e,L - phi_e,R), the foil half cell included"),
        ("/heat/solid_ohmic", "W/m^2", "solid ohmic heat, sum over faces of i_s (phi_s,L - phi_s,R), the collector half cells included"),
        ("/heat/lithium_foil", "W/m^2", "heat of the lithium-foil reaction, I eta_Li (0 in a full cell)"),
    ];

    private void CreateThermalSeries()
    {
        _file.CreateGroup("/heat");
        foreach (var (path, units, description) in ThermalSeries) Series(path, [], units, description);
    }

    private void AppendThermal(ReadOnlySpan<double> y)
    {
        var L = _model.Layout;
        var heat = _model.HeatSources(y);
        _series["/temperature"].Append([_model.Temperature(y)]);
        _series["/heat_generated"].Append([y[L.HeatGenerated]]);
        _series["/heat/total"].Append([heat.Total]);
        _series["/heat/reaction"].Append([heat.Reaction]);
        _series["/heat/film"].Append([heat.Film]);
        _series["/heat/reversible"].Append([heat.Reversible]);
        _series["/heat/electrolyte_ohmic"].Append([heat.ElectrolyteOhmic]);
        _series["/heat/solid_ohmic"].Append([heat.SolidOhmic]);
        _series["/heat/lithium_foil"].Append([heat.LithiumFoil]);
    }

    public void Record(double time, ReadOnlySpan<double> state, int protocolStep)
    {
        // Always keep the last state so that Complete can write it if it was skipped.
        state.CopyTo(_last);
        _lastTime = time;
        _lastStep = protocolStep;
        bool write = _count % _every == 0;
        _count++;
        _lastWritten = write;
        if (!write) return;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        Append(time, state, protocolStep);
        _writing += System.Diagnostics.Stopwatch.GetElapsedTime(start);
    }

    // Time spent appending records during the run (the solve's share of the wall time is the rest).
    private TimeSpan _writing;

    /// <summary>The real-valued time series in <see cref="Append"/>'s order: <see cref="TimeSeries"/> without <c>/protocol_step</c> (integers, last).</summary>
    private static int ScalarSeriesCount => TimeSeries.Length - 1;

    /// <summary>
    /// Without fields, the records of the time series, gathered in memory during the run and written by
    /// <see cref="WritePending"/> at the end (one extent change and one write per series instead of one per record):
    /// the file then needs no HDF5 call while the model is solved, so parallel runs (a sweep) do not queue on the
    /// process-wide HDF5 lock for every step. With fields the records stream to the file as they come.
    /// </summary>
    private readonly List<double>[]? _pending;
    private readonly List<int>? _pendingSteps;

    private void Append(double time, ReadOnlySpan<double> y, int protocolStep)
    {
        var L = _model.Layout;
        double charge = y[L.Charge];
        if (_pending is not null)
        {
            _pending[0].Add(time);
            _pending[1].Add(_model.Voltage(y));
            _pending[2].Add(y[L.Current]);
            _pending[3].Add(charge / (3600.0 * _model.Cell.WorkingElectrode.ActiveMassPerArea));
            _pending[4].Add(charge);
            _pendingSteps!.Add(protocolStep);
            // The lumped thermal series (rare in large studies) stream to the file, a record at a time (see StageRows).
            if (_model.Thermal is not null)
            {
                AppendThermal(y);
                WriteStaged();
            }
            return;
        }
        _series["/time"].Append([time]);
        _series["/voltage"].Append([_model.Voltage(y)]);
        _series["/current_density"].Append([y[L.Current]]);
        _series["/specific_capacity"].Append([charge / (3600.0 * _model.Cell.WorkingElectrode.ActiveMassPerArea)]);
        _series["/charge"].Append([charge]);
        _series["/protocol_step"].Append(protocolStep);
        if (_model.Thermal is not null) AppendThermal(y);
        if (!_fields) return;
        AppendFields(y);
        _stagedTimes.Add(time);
        if (_stagedTimes.Count == _stageRows) WriteStaged();
    }

    /// <summary>
    /// Writes the gathered records of a run without fields (see <see cref="_pending"/>), once: each time series as one
    /// dataset of its final length (contiguous: a run without fields is not extended later), then the dimension scales.
    /// </summary>
    private void WritePending()
    {
        if (_pending is null || _pendingWritten) return;
        _pendingWritten = true;
        for (int k = 0; k < ScalarSeriesCount; k++)
        {
            var (path, units, description) = TimeSeries[k];
            Dataset(path, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending[k]), units, description, _pending[k].Count);
            AttachAxes(path, []);
        }
        var (stepPath, stepUnits, stepDescription) = TimeSeries[^1];
        _file.WriteArray(stepPath, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pendingSteps), _pendingSteps!.Count);
        Describe(stepPath, stepUnits, stepDescription);
        AttachAxes(stepPath, []);
        WriteScales();
    }

    private bool _pendingWritten;

    /// <summary>
    /// Bytes of records a run with fields gathers before writing them (<see cref="StageRows"/>): 64 records of Marquis2019 1C
    /// (1.8 MB) fit, a large mesh's records are written in fewer per go, a 10⁶-unknown run's one at a time.
    /// </summary>
    private const long StageBytes = 4 << 20;

    // Records gathered per series before they are written: the chunk's 64 slices, or a power-of-two part of it (one record at
    // the least) whose records fit StageBytes; 1 without fields (only the thermal series stream then).
    private int _stageRows = 1;

    // The times of the records gathered and not yet written to every series.
    private readonly List<double> _stagedTimes = new();

    /// <summary>Sizes each series' staging for <see cref="_stageRows"/> records.</summary>
    private void StageRows()
    {
        if (_fields)
        {
            long recordBytes = 8L * _series.Values.Sum(s => (long)s.SliceLength);
            _stageRows = FieldChunkSlices;
            while (_stageRows > 1 && _stageRows * recordBytes > StageBytes) _stageRows /= 2;
        }
        foreach (var s in _series.Values) s.Allocate(_stageRows);
    }

    /// <summary>
    /// Writes every series' gathered records (one extent change and one write per series for up to a chunk of records,
    /// instead of one per record and series: 24 series × 251 records for Marquis2019 1C were ~13 % of the native run's
    /// instructions in HDF5 alone). The records count as recorded (the sidecar lists them) once every series holds them;
    /// a series whose write failed keeps its records, so writing again (<see cref="Fail"/>) completes the others' rows
    /// without writing any twice.
    /// </summary>
    private void WriteStaged()
    {
        foreach (var s in _series.Values) s.Write();
        // Only a record whose every field was appended: the sidecar selects it from each of them.
        _recordedTimes.AddRange(_stagedTimes);
        _stagedTimes.Clear();
    }

    /// <summary>A series' dataset and the records gathered for it that it does not hold yet.</summary>
    private sealed class StagedSeries(ExtendableDataset dataset, string path, bool int32)
    {
        private double[] _values = [];
        private int[] _integers = [];
        private int _rows;

        public int SliceLength => dataset.SliceLength;

        public void Allocate(int rows)
        {
            if (int32) _integers = new int[rows * dataset.SliceLength];
            else _values = new double[rows * dataset.SliceLength];
        }

        public void Append(ReadOnlySpan<double> slice)
        {
            if (slice.Length != dataset.SliceLength)
                throw new ArgumentException($"Slice for {path} has {slice.Length} values, expected {dataset.SliceLength}.", nameof(slice));
            slice.CopyTo(_values.AsSpan(_rows * slice.Length));
            _rows++;
        }

        public void Append(int value) => _integers[_rows++] = value;

        public void Write()
        {
            if (_rows == 0) return;
            if (int32) dataset.AppendMany(_integers.AsSpan(0, _rows));
            else dataset.AppendMany(_values.AsSpan(0, _rows * dataset.SliceLength));
            _rows = 0;
        }
    }

    // Each electrode's field series, looked up once (AppendFields runs at every record).
    private sealed record FieldGroup(int Electrode, Layer Layer, StagedSeries StateOfLithiation, StagedSeries SolidConcentration, StagedSeries Surface,
        StagedSeries Mean, StagedSeries Current, StagedSeries SolidPotential, StagedSeries Equilibrium, StagedSeries Overpotential,
        StagedSeries? Hysteresis, StagedSeries? DoubleLayerPotential, StagedSeries? DoubleLayerCurrent,
        StagedSeries? ClassSurface, StagedSeries? ClassMean, StagedSeries? ClassCurrent);

    private FieldGroup[]? _fieldGroups;
    private double[] _surface = [], _equilibrium = [];

    private FieldGroup[] FieldGroups()
    {
        if (_fieldGroups is not null) return _fieldGroups;
        var groups = new List<FieldGroup>();
        foreach (var (e, prefix, layer) in ElectrodeGroups())
        {
            string g = "/fields/" + prefix;
            var electrode = _model.Cell.Electrodes[e];
            groups.Add(new FieldGroup(e, layer, _series[g + "state_of_lithiation"], _series[g + "solid_concentration"], _series[g + "surface_state_of_lithiation"],
                _series[g + "mean_state_of_lithiation"], _series[g + "interfacial_current_density"], _series[g + "solid_potential"],
                _series[g + "equilibrium_potential"], _series[g + "overpotential"],
                electrode.HasHysteresis ? _series[g + "hysteresis_state"] : null,
                electrode.HasDoubleLayer ? _series[g + "double_layer_potential"] : null,
                electrode.HasDoubleLayer ? _series[g + "double_layer_current_density"] : null,
                electrode.ParticleClassCount > 1 ? _series[g + "class_surface_state_of_lithiation"] : null,
                electrode.ParticleClassCount > 1 ? _series[g + "class_mean_state_of_lithiation"] : null,
                electrode.ParticleClassCount > 1 ? _series[g + "class_interfacial_current_density"] : null));
        }
        int most = groups.Count == 0 ? 0 : groups.Max(f => f.Layer.CellCount);
        _surface = new double[most];
        _equilibrium = new double[most];
        return _fieldGroups = [.. groups];
    }

    private void AppendFields(ReadOnlySpan<double> y)
    {
        var L = _model.Layout;
        int nx = _model.Mesh.CellCount;
        for (int i = 0; i < nx; i++) _buffer[i] = y[L.ElectrolyteConcentration(i)];
        _series["/fields/electrolyte_concentration"].Append(_buffer.AsSpan(0, nx));
        for (int i = 0; i < nx; i++) _buffer[i] = y[L.ElectrolytePotential(i)];
        _series["/fields/electrolyte_potential"].Append(_buffer.AsSpan(0, nx));
        foreach (var f in FieldGroups())
        {
            var layer = f.Layer;
            var electrode = _model.Cell.Electrodes[f.Electrode];
            int nr = _model.Mesh.Particles[f.Electrode].Shells;
            int n = layer.CellCount;
            int classes = electrode.ParticleClassCount;
            // With a size distribution the shell fields and the surface state are volume-weighted over the classes (shell s
            // at the same r/R in each); the classes themselves go to the class_ fields.
            for (int i = 0; i < n; i++)
                for (int k = 0; k < nr; k++)
                    _buffer[i * nr + k] = (classes == 1 ? y[L.SolidConcentration(layer.FirstCell + i, k)] : _model.ShellConcentration(y, layer.FirstCell + i, k)) / electrode.MaxConcentration;
            f.StateOfLithiation.Append(_buffer.AsSpan(0, n * nr));
            for (int i = 0; i < n; i++)
                for (int k = 0; k < nr; k++)
                    _buffer[i * nr + k] = classes == 1 ? y[L.SolidConcentration(layer.FirstCell + i, k)] : _model.ShellConcentration(y, layer.FirstCell + i, k);
            f.SolidConcentration.Append(_buffer.AsSpan(0, n * nr));
            // θ_surf, U(θ_surf) and η once per cell (the model's EquilibriumPotential and SurfaceOverpotential would each find
            // θ_surf and U again): the same values, as each is the same expression of the same numbers. With a size
            // distribution U and η are those of SurfaceStateOfLithiation (the first class, as the model's own methods), and the
            // surface field is the volume-weighted one.
            for (int i = 0; i < n; i++) _surface[i] = _model.SurfaceStateOfLithiation(y, layer.FirstCell + i);
            if (classes == 1) f.Surface.Append(_surface.AsSpan(0, n));
            else
            {
                for (int i = 0; i < n; i++) _buffer[i] = _model.VolumeWeightedSurfaceStateOfLithiation(y, layer.FirstCell + i);
                f.Surface.Append(_buffer.AsSpan(0, n));
                for (int i = 0; i < n; i++)
                    for (int c = 0; c < classes; c++) _buffer[i * classes + c] = _model.ClassSurfaceStateOfLithiation(y, layer.FirstCell + i, c);
                f.ClassSurface!.Append(_buffer.AsSpan(0, n * classes));
                for (int i = 0; i < n; i++)
                    for (int c = 0; c < classes; c++) _buffer[i * classes + c] = _model.ClassMeanConcentration(y, layer.FirstCell + i, c) / electrode.MaxConcentration;
                f.ClassMean!.Append(_buffer.AsSpan(0, n * classes));
                for (int i = 0; i < n; i++)
                    for (int c = 0; c < classes; c++) _buffer[i * classes + c] = y[L.ClassCurrent(layer.FirstCell + i, c)];
                f.ClassCurrent!.Append(_buffer.AsSpan(0, n * classes));
            }
            for (int i = 0; i < n; i++) _buffer[i] = _model.MeanParticleConcentration(y, layer.FirstCell + i) / electrode.MaxConcentration;
            f.Mean.Append(_buffer.AsSpan(0, n));
            for (int i = 0; i < n; i++) _buffer[i] = y[L.InterfacialCurrent(layer.FirstCell + i)];
            f.Current.Append(_buffer.AsSpan(0, n));
            for (int i = 0; i < n; i++) _buffer[i] = y[L.SolidPotential(layer.FirstCell + i)];
            f.SolidPotential.Append(_buffer.AsSpan(0, n));
            // SurfaceStateOfLithiation above set the model's temperature to this state's, at which U is taken.
            for (int i = 0; i < n; i++) _equilibrium[i] = _model.EquilibriumPotential(y, layer.FirstCell + i, _surface[i]);
            f.Equilibrium.Append(_equilibrium.AsSpan(0, n));
            for (int i = 0; i < n; i++) _buffer[i] = _model.SurfaceOverpotential(y, layer.FirstCell + i, _equilibrium[i]);
            f.Overpotential.Append(_buffer.AsSpan(0, n));
            if (f.Hysteresis is { } hysteresis)
            {
                for (int i = 0; i < n; i++) _buffer[i] = y[L.HysteresisState(layer.FirstCell + i)];
                hysteresis.Append(_buffer.AsSpan(0, n));
            }
            if (f.DoubleLayerPotential is { } potential && f.DoubleLayerCurrent is { } current)
            {
                for (int i = 0; i < n; i++) _buffer[i] = y[L.DoubleLayerPotential(layer.FirstCell + i)];
                potential.Append(_buffer.AsSpan(0, n));
                for (int i = 0; i < n; i++) _buffer[i] = y[L.DoubleLayerCurrent(layer.FirstCell + i)];
                current.Append(_buffer.AsSpan(0, n));
            }
        }
    }

    /// <summary>Writes the summary and the solver report, marks the file complete, closes it and gives it its final name.</summary>
    public void Complete(Solution solution, IReadOnlyDictionary<string, double> summary)
    {
        if (_finished) throw new InvalidOperationException($"{FinalPath} is already finished");
        if (!_lastWritten && _lastStep >= 0) Append(_lastTime, _last, _lastStep);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        WriteStaged();
        _writing += System.Diagnostics.Stopwatch.GetElapsedTime(start);
        WritePending();
        WriteImpedance(solution);
        WriteSolverReport(_file, solution, _model.Size, _writing, "variable-order variable-step BDF (1-5), Newton with analytic Jacobian, SuiteSparse KLU");
        WriteProtocolOutcome(_file, solution);
        _file.SetAttributes("/", [.. summary.Select(p => Hdf5Attribute.Of(p.Key, p.Value)), Hdf5Attribute.Of("status", "complete")]);
        CloseFile();
        // Written before the file takes its name, so that a sidecar that cannot be written fails the
        // run like any other write (the closed file then becomes NAME.failed.h5); it appears under its
        // name just after the file it describes.
        if (_fields) XdmfSidecar.Write(TemporarySidecarPath, Path.GetFileName(FinalPath), _recordedTimes, SidecarMeshes());
        // Renamed only once closed: a file under the final name is always complete. An older
        // NAME.failed.h5 would contradict the new result.
        File.Move(TemporaryPath, FinalPath, overwrite: true);
        _finished = true;
        if (_fields) File.Move(TemporarySidecarPath, SidecarPath, overwrite: true);
        else DeleteIfExists(SidecarPath);
        DeleteIfExists(FailedPath);
        DeleteIfExists(FailedSidecarPath);
        if (_ownsTarget) _target.Dispose();
    }

    /// <summary>The <c>/solver</c> group: step and Newton counts, wall time split into output and solve, unknowns, method (shared by both writers).</summary>
    internal static void WriteSolverReport(Hdf5File file, Solution solution, long unknowns, TimeSpan writing, string description)
    {
        file.CreateGroup("/solver");
        var s = solution.Statistics;
        file.SetAttributes("/solver",
        [
            Hdf5Attribute.Of("steps", (long)s.Steps),
            Hdf5Attribute.Of("rejected_steps", (long)s.RejectedSteps),
            Hdf5Attribute.Of("newton_failures", (long)s.NewtonFailures),
            Hdf5Attribute.Of("newton_iterations", (long)s.NewtonIterations),
            Hdf5Attribute.Of("jacobian_evaluations", (long)s.JacobianEvaluations),
            Hdf5Attribute.Of("max_order_used", (long)s.MaxOrderUsed),
            Hdf5Attribute.Of("wall_time_s", solution.WallTime.TotalSeconds),
            Hdf5Attribute.Of("output_time_s", writing.TotalSeconds),
            Hdf5Attribute.Of("solve_time_s", Math.Max(0, (solution.WallTime - writing).TotalSeconds)),
            Hdf5Attribute.Of("unknowns", unknowns),
            Hdf5Attribute.Of("description", description),
        ]);
    }

    /// <summary>
    /// The spectra of the impedance steps: <c>/impedance/frequency</c>, <c>real</c>, <c>imaginary</c> of the first, and
    /// every spectrum under <c>/impedance/step_N</c> (N the 0-based protocol step) with its state's time.
    /// </summary>
    private void WriteImpedance(Solution solution)
    {
        if (solution.Impedance.Count == 0) return;
        _file.CreateGroup("/impedance");
        _file.SetAttribute("/impedance", "description", "small-signal impedance Z = -dV/dI per cell area (galvanostatic, linearised model); the first spectrum here, each under step_N");
        _file.SetAttribute("/impedance", "count", (long)solution.Impedance.Count);
        void Spectrum(string g, ImpedanceSpectrum z)
        {
            Dataset(g + "/frequency", z.Frequency, "Hz", "frequency, highest first", z.Frequency.Length);
            Dataset(g + "/real", z.Real, "ohm m^2", "Re Z, impedance per unit cell area (Z = -dV/dI, I > 0 lithiating)", z.Real.Length);
            Dataset(g + "/imaginary", z.Imaginary, "ohm m^2", "Im Z per unit cell area (negative for a capacitive response)", z.Imaginary.Length);
            _file.SetAttribute(g, "time_s", z.Time);
            _file.SetAttribute(g, "step", (long)z.Step);
        }
        Spectrum("/impedance", solution.Impedance[0]);
        foreach (var z in solution.Impedance)
        {
            _file.CreateGroup($"/impedance/step_{z.Step}");
            Spectrum($"/impedance/step_{z.Step}", z);
        }
    }

    /// <summary>Columns of <c>/protocol/outcome</c>: name, units, meaning.</summary>
    public static readonly IReadOnlyList<(string Name, string Units, string Description)> OutcomeColumns =
    [
        ("index", "1", "protocol step index (0-based, as in /protocol_step)"),
        ("label", "", "the step's label in the case"),
        ("mode", "", "control mode: current, voltage (a hold, or one segment of a voltage_sweep), rest or impedance"),
        ("start_s", "s", "time the step began"),
        ("end_s", "s", "time the step ended"),
        ("duration_s", "s", "end_s - start_s"),
        ("charge_C_m2", "C/m^2", "charge passed in the step, positive lithiating the working electrode (half cell) / discharging (full cell)"),
        ("capacity_mAh_g", "mAh/g", "charge passed in the step per mass of working-electrode active material"),
        ("end", "", "why the step ended: Duration, StopCondition, StopConditionAtStart, PhysicalLimit or Unreachable"),
        ("reason", "", "why the step ended, in words"),
    ];

    /// <summary>The table <c>/protocol/outcome</c> (one row per step) and the root attribute <c>protocol_outcome</c> (shared by both writers).</summary>
    internal static void WriteProtocolOutcome(Hdf5File file, Solution solution)
    {
        var steps = solution.Steps;
        file.WriteTable("/protocol/outcome",
        [
            TableColumn.Of("index", steps.Select(o => o.Index).ToArray()),
            TableColumn.Of("label", steps.Select(o => o.Label).ToArray()),
            TableColumn.Of("mode", steps.Select(o => o.Mode.ToString().ToLowerInvariant()).ToArray()),
            TableColumn.Of("start_s", steps.Select(o => o.StartTime).ToArray()),
            TableColumn.Of("end_s", steps.Select(o => o.EndTime).ToArray()),
            TableColumn.Of("duration_s", steps.Select(o => o.Duration).ToArray()),
            TableColumn.Of("charge_C_m2", steps.Select(o => o.Charge).ToArray()),
            TableColumn.Of("capacity_mAh_g", steps.Select(o => solution.SpecificCapacity(o.Charge)).ToArray()),
            TableColumn.Of("end", steps.Select(o => o.End.ToString()).ToArray()),
            TableColumn.Of("reason", steps.Select(o => o.Reason).ToArray()),
        ]);
        file.SetAttributes("/protocol/outcome",
        [
            Hdf5Attribute.Of("description", "how each protocol step ended, one row per step"),
            Hdf5Attribute.Of("units", string.Join(", ", OutcomeColumns.Where(c => c.Units.Length > 0).Select(c => $"{c.Name} [{c.Units}]")) + "; the other columns are text"),
            .. OutcomeColumns.SelectMany(c => new[] { Hdf5Attribute.Of("units_" + c.Name, c.Units.Length > 0 ? c.Units : "(text)"), Hdf5Attribute.Of("description_" + c.Name, c.Description) }),
        ]);
        // The tab-separated form of earlier versions, kept for readers that know only it.
        var outcomes = string.Join("\n", steps.Select(o => $"{o.Index}\t{o.Label}\t{o.StartTime:G10}\t{o.EndTime:G10}\t{o.Charge:G10}\t{o.Reason}"));
        file.SetAttribute("/", "protocol_outcome", "index\tlabel\tstart_s\tend_s\tcharge_C_m2\treason\n" + outcomes);
    }

    /// <summary>
    /// Marks the file failed with the reason and renames it to <c>NAME.failed.h5</c>. Never throws
    /// for an I/O failure: when the file cannot be finished (the disk is full, it cannot be
    /// written), its records are removed and a small <c>NAME.failed.h5</c> carrying the case and
    /// the reason is written in its place; when not even that can be written, nothing is left and
    /// <see cref="FailureMarkerProblem"/> says why.
    /// </summary>
    /// <returns>The failed file that now exists, or null.</returns>
    public string? Fail(string reason)
    {
        if (_finished) return File.Exists(FailedPath) ? FailedPath : null;
        _finished = true;
        try
        {
            Exception? problem = null;
            if (!_closed)
            {
                try
                {
                    if (!_lastWritten && _lastStep >= 0) Append(_lastTime, _last, _lastStep);
                    WriteStaged();
                    WritePending();
                    _file.SetAttributes("/", [Hdf5Attribute.Of("status", "failed"), Hdf5Attribute.Of("failure_reason", reason)]);
                }
                catch (Exception e) when (IsIoFailure(e)) { problem = e; }
                try { CloseFile(); }
                catch (Exception e) when (IsIoFailure(e)) { problem ??= e; }
            }
            else problem = _closeFailure;

            if (problem is null)
            {
                try
                {
                    // An older NAME.h5 would look like this run's result.
                    DeleteIfExists(FinalPath);
                    DeleteIfExists(SidecarPath);
                    File.Move(TemporaryPath, FailedPath, overwrite: true);
                    WriteFailedSidecar();
                    return FailedPath;
                }
                catch (Exception e) when (IsIoFailure(e)) { problem = e; }
            }

            // The records cannot be kept: free their space, then leave the reason in a new small file.
            DeleteIfExists(TemporaryPath);
            string cause = Hdf5Messages.Short(problem);
            return _target.WriteFailureMarker(file => WriteHeader(file, _metadata, _model), reason.Contains(cause, StringComparison.Ordinal)
                ? $"{reason}; the records could not be kept"
                : $"{reason}; the records could not be kept: {cause}");
        }
        finally
        {
            DeleteIfExists(TemporarySidecarPath);
            if (_ownsTarget) _target.Dispose();
        }
    }

    /// <summary>
    /// The sidecar of a failed file that kept its records, so ParaView shows how far the run got.
    /// Best effort: the failed file is what matters, and its reason is already in it.
    /// </summary>
    private void WriteFailedSidecar()
    {
        DeleteIfExists(FailedSidecarPath);
        if (!_fields) return;
        try
        {
            // Only the records that reached the file: a failed append leaves no time behind.
            XdmfSidecar.Write(TemporarySidecarPath, Path.GetFileName(FailedPath), _recordedTimes, SidecarMeshes());
            File.Move(TemporarySidecarPath, FailedSidecarPath, overwrite: true);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            DeleteIfExists(TemporarySidecarPath);
        }
    }

    internal static bool IsIoFailure(Exception e) => e is Hdf5Exception or IOException or UnauthorizedAccessException;

    internal static void DeleteIfExists(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private Exception? _closeFailure;

    /// <summary>Closes every dataset and the file, once; a failure is kept for <see cref="Fail"/> and thrown.</summary>
    private void CloseFile()
    {
        if (_closed) return;
        _closed = true;
        _series.Clear();
        try { _file.Dispose(); }
        catch (Exception e) when (IsIoFailure(e))
        {
            _closeFailure = e;
            throw;
        }
    }

    public void Dispose()
    {
        if (!_finished) Fail("the run was abandoned before it completed");
    }
}
