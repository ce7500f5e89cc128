using System.Reflection;
using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Output;

/// <summary>What the writer records about a run besides its fields.</summary>
public sealed record RunMetadata(string CaseName, string CaseText, string ProvenanceJson, string ParameterNotesJson);

/// <summary>
/// Streams a run into an HDF5 file with the layout of MODEL.md §6. The file is written under a
/// temporary name (<c>NAME.h5.partial</c>) with <c>status = running</c>; <see cref="Complete"/>
/// stamps <c>status = complete</c> and renames it to <c>NAME.h5</c>; <see cref="Fail"/> stamps
/// <c>status = failed</c> with the reason and renames it to <c>NAME.failed.h5</c>, so no
/// unfinished file ever looks complete. Time series and fields are extendable in time,
/// chunked and deflate-compressed, and appended as the run goes.
/// </summary>
public sealed class ResultWriter : ISolutionObserver, IDisposable
{
    public static string ProgramVersion { get; } =
        typeof(ResultWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly P2DModel _model;
    private readonly int _every;
    private readonly bool _fields;
    private readonly Hdf5File _file;
    private readonly Dictionary<string, ExtendableDataset> _series = new();
    private readonly double[] _last;
    private double _lastTime;
    private int _lastStep = -1;
    private bool _lastWritten = true;
    private int _count;
    private bool _closed;
    private readonly double[] _buffer;

    public ResultWriter(string finalPath, P2DModel model, RunMetadata metadata, bool writeFields = true, int everyNSteps = 1)
    {
        FinalPath = Path.GetFullPath(finalPath);
        TemporaryPath = FinalPath + ".partial";
        FailedPath = Path.Combine(Path.GetDirectoryName(FinalPath)!, Path.GetFileNameWithoutExtension(FinalPath) + ".failed.h5");
        Directory.CreateDirectory(Path.GetDirectoryName(FinalPath)!);
        foreach (var stale in new[] { TemporaryPath, FailedPath }) if (File.Exists(stale)) File.Delete(stale);
        _model = model;
        _every = Math.Max(1, everyNSteps);
        _fields = writeFields;
        _last = new double[model.Size];
        _file = Hdf5File.Create(TemporaryPath);
        int maxCells = model.Mesh.CellCount * Math.Max(1, model.Mesh.Particles.Max(p => p.Shells));
        _buffer = new double[maxCells];
        WriteHeader(metadata);
        WriteMesh();
        CreateSeries();
        _file.Flush();
    }

    public string FinalPath { get; }
    public string TemporaryPath { get; }
    public string FailedPath { get; }

    private void WriteHeader(RunMetadata metadata)
    {
        _file.SetAttribute("/", "program", "ElectrodeSim");
        _file.SetAttribute("/", "program_version", ProgramVersion);
        _file.SetAttribute("/", "case_name", metadata.CaseName);
        _file.SetAttribute("/", "case_text", metadata.CaseText);
        _file.SetAttribute("/", "provenance", metadata.ProvenanceJson);
        _file.SetAttribute("/", "parameter_notes", metadata.ParameterNotesJson);
        _file.SetAttribute("/", "model", _model.Cell.IsHalfCell ? "P2D half cell (lithium foil | separator | electrode)" : "P2D full cell (negative | separator | positive)");
        _file.SetAttribute("/", "created_utc", DateTime.UtcNow.ToString("O"));
        _file.SetAttribute("/", "status", "running");
        _file.SetAttribute("/", "conventions", "SI units; I > 0 lithiates the working electrode of a half cell (discharges a full cell); j > 0 delithiates the particle");
    }

    private void Dataset(string path, ReadOnlySpan<double> data, string units, string description, params long[] dims)
    {
        _file.WriteArray(path, data, dims);
        Describe(path, units, description);
    }

    private void Describe(string path, string units, string description)
    {
        _file.SetAttribute(path, "units", units);
        _file.SetAttribute(path, "description", description);
    }

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
        }
        var w = _model.Cell.WorkingElectrode;
        _file.SetAttribute("/", "active_mass_per_area_kg_m2", w.ActiveMassPerArea);
        _file.SetAttribute("/", "max_concentration_mol_m3", w.MaxConcentration);
    }

    private void Series(string path, long[] slice, string units, string description)
    {
        var ds = _file.CreateExtendable(path, slice, chunkSlices: 64, deflateLevel: 4);
        _series[path] = ds;
        Describe(path, units, description);
    }

    private void CreateSeries()
    {
        Series("/time", [], "s", "time since the start of the run");
        Series("/voltage", [], "V", "cell voltage, working electrode vs lithium foil (half cell) or positive vs negative collector (full cell)");
        Series("/current_density", [], "A/m^2", "applied current density; positive lithiates the working electrode (half cell) / discharges (full cell)");
        Series("/specific_capacity", [], "mAh/g", "charge passed per mass of working-electrode active material");
        Series("/charge", [], "C/m^2", "charge passed per unit cell area");
        Series("/protocol_step", [], "1", "index of the protocol step each record belongs to");
        if (!_fields) return;
        _file.CreateGroup("/fields");
        int nx = _model.Mesh.CellCount;
        Series("/fields/electrolyte_concentration", [nx], "mol/m^3", "electrolyte salt concentration c_e (time × x)");
        Series("/fields/electrolyte_potential", [nx], "V", "electrolyte potential phi_e vs the lithium reference (time × x)");
        foreach (var (e, prefix, layer) in ElectrodeGroups())
        {
            int nr = _model.Mesh.Particles[e].Shells;
            string g = "/fields/" + prefix;
            if (prefix.Length > 0) _file.CreateGroup(g.TrimEnd('/'));
            Series(g + "state_of_lithiation", [layer.CellCount, nr], "1", "state of lithiation c_s / c_s,max in the particles (time × x_electrode × r)");
            Series(g + "surface_state_of_lithiation", [layer.CellCount], "1", "state of lithiation at the particle surface (time × x_electrode)");
            Series(g + "mean_state_of_lithiation", [layer.CellCount], "1", "volume-averaged state of lithiation of each particle (time × x_electrode)");
            Series(g + "interfacial_current_density", [layer.CellCount], "A/m^2", "interfacial current density j at the particle surface, positive for delithiation (time × x_electrode)");
            Series(g + "solid_potential", [layer.CellCount], "V", "solid-phase potential phi_s (time × x_electrode)");
        }
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
        if (write) Append(time, state, protocolStep);
    }

    private void Append(double time, ReadOnlySpan<double> y, int protocolStep)
    {
        var L = _model.Layout;
        double charge = y[L.Charge];
        _series["/time"].Append([time]);
        _series["/voltage"].Append([_model.Voltage(y)]);
        _series["/current_density"].Append([y[L.Current]]);
        _series["/specific_capacity"].Append([charge / (3600.0 * _model.Cell.WorkingElectrode.ActiveMassPerArea)]);
        _series["/charge"].Append([charge]);
        _series["/protocol_step"].Append([protocolStep]);
        if (!_fields) return;
        int nx = _model.Mesh.CellCount;
        for (int i = 0; i < nx; i++) _buffer[i] = y[L.ElectrolyteConcentration(i)];
        _series["/fields/electrolyte_concentration"].Append(_buffer.AsSpan(0, nx));
        for (int i = 0; i < nx; i++) _buffer[i] = y[L.ElectrolytePotential(i)];
        _series["/fields/electrolyte_potential"].Append(_buffer.AsSpan(0, nx));
        foreach (var (e, prefix, layer) in ElectrodeGroups())
        {
            string g = "/fields/" + prefix;
            var electrode = _model.Cell.Electrodes[e];
            int nr = _model.Mesh.Particles[e].Shells;
            int n = layer.CellCount;
            for (int i = 0; i < n; i++)
                for (int k = 0; k < nr; k++)
                    _buffer[i * nr + k] = y[L.SolidConcentration(layer.FirstCell + i, k)] / electrode.MaxConcentration;
            _series[g + "state_of_lithiation"].Append(_buffer.AsSpan(0, n * nr));
            for (int i = 0; i < n; i++) _buffer[i] = _model.SurfaceStateOfLithiation(y, layer.FirstCell + i);
            _series[g + "surface_state_of_lithiation"].Append(_buffer.AsSpan(0, n));
            for (int i = 0; i < n; i++) _buffer[i] = _model.MeanParticleConcentration(y, layer.FirstCell + i) / electrode.MaxConcentration;
            _series[g + "mean_state_of_lithiation"].Append(_buffer.AsSpan(0, n));
            for (int i = 0; i < n; i++) _buffer[i] = y[L.InterfacialCurrent(layer.FirstCell + i)];
            _series[g + "interfacial_current_density"].Append(_buffer.AsSpan(0, n));
            for (int i = 0; i < n; i++) _buffer[i] = y[L.SolidPotential(layer.FirstCell + i)];
            _series[g + "solid_potential"].Append(_buffer.AsSpan(0, n));
        }
    }

    /// <summary>Writes the summary and the solver report, marks the file complete and gives it its final name.</summary>
    public void Complete(Solution solution, IReadOnlyDictionary<string, double> summary)
    {
        if (!_lastWritten && _lastStep >= 0) Append(_lastTime, _last, _lastStep);
        _file.CreateGroup("/solver");
        var s = solution.Statistics;
        _file.SetAttribute("/solver", "steps", (long)s.Steps);
        _file.SetAttribute("/solver", "rejected_steps", (long)s.RejectedSteps);
        _file.SetAttribute("/solver", "newton_failures", (long)s.NewtonFailures);
        _file.SetAttribute("/solver", "newton_iterations", (long)s.NewtonIterations);
        _file.SetAttribute("/solver", "jacobian_evaluations", (long)s.JacobianEvaluations);
        _file.SetAttribute("/solver", "max_order_used", (long)s.MaxOrderUsed);
        _file.SetAttribute("/solver", "wall_time_s", solution.WallTime.TotalSeconds);
        _file.SetAttribute("/solver", "unknowns", (long)_model.Size);
        _file.SetAttribute("/solver", "description", "variable-order variable-step BDF (1-5), Newton with analytic Jacobian, SuiteSparse KLU");
        var outcomes = string.Join("\n", solution.Steps.Select(o => $"{o.Index}\t{o.Label}\t{o.StartTime:G10}\t{o.EndTime:G10}\t{o.Charge:G10}\t{o.Reason}"));
        _file.SetAttribute("/", "protocol_outcome", "index\tlabel\tstart_s\tend_s\tcharge_C_m2\treason\n" + outcomes);
        foreach (var (key, value) in summary) _file.SetAttribute("/", key, value);
        _file.SetAttribute("/", "status", "complete");
        Close();
        File.Move(TemporaryPath, FinalPath, overwrite: true);
    }

    /// <summary>Marks the file failed with the reason and renames it to NAME.failed.h5.</summary>
    public void Fail(string reason)
    {
        if (_closed) return;
        try
        {
            if (!_lastWritten && _lastStep >= 0) Append(_lastTime, _last, _lastStep);
            _file.SetAttribute("/", "status", "failed");
            _file.SetAttribute("/", "failure_reason", reason);
        }
        finally
        {
            Close();
            if (File.Exists(FinalPath)) File.Delete(FinalPath);
            File.Move(TemporaryPath, FailedPath, overwrite: true);
        }
    }

    private void Close()
    {
        if (_closed) return;
        foreach (var ds in _series.Values) ds.Dispose();
        _file.Dispose();
        _closed = true;
    }

    public void Dispose()
    {
        if (!_closed) Fail("the run was abandoned before it completed");
    }
}
