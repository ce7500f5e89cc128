using System.Text.Encodings.Web;
using System.Text.Json;
using ElectrodeSim.Calibration;
using ElectrodeSim.Cases;
using ElectrodeSim.Model;
using ElectrodeSim.Output;
using ElectrodeSim.Simulation;

namespace ElectrodeSim;

/// <summary>The result of one case: its summary, the in-memory time series and where the file went.</summary>
public sealed record RunResult(RunSummary Summary, Solution Solution, P2DModel Model, string? OutputPath);

/// <summary>A 2-D resolved-particle run: the time series and solver report, the model (mesh, discs) and the result file, if any.</summary>
public sealed record ResolvedRunResult(Solution Solution, ResolvedParticleModel Model, string? OutputPath)
{
    /// <summary>Specific capacity of the first step [mAh/g]: charge / active mass (Σ πR² ρ / H).</summary>
    public double Capacity => Solution.StepCharge(0) / 3.6 / Model.ActiveMassPerArea / 1000.0;

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Model.Parameters.Electrode.Name} (2-D resolved, {Model.Mesh.Packing.Discs.Count} discs, {Model.Mesh.ColumnCount} x {Model.Mesh.RowCount} cells, {Model.Size} unknowns): " +
        $"{Capacity:F1} mAh/g, end V {Solution.Voltage[^1]:F4} V, mean SOL {Model.MeanStateOfLithiation(Solution.FinalState):F4}, {Solution.Statistics.Steps} steps, " +
        $"{Solution.WallTime.TotalSeconds:F1} s; {string.Join("; ", Solution.Steps.Select(s => $"{s.Label}: {s.Reason}"))}");
}

/// <summary>
/// The whole pipeline in one place: Case → Mesh → Discretisation → Model → Solver → Solution → Output.
/// </summary>
public static class Simulator
{
    /// <summary>Runs a built case; with <paramref name="outputPath"/> the result is streamed to that HDF5 file.</summary>
    /// <exception cref="OutputTargetException">Another run is writing <paramref name="outputPath"/>, or its folder cannot be written (raised before solving).</exception>
    public static RunResult Run(SimulationSetup setup, string? outputPath = null, CancellationToken cancellation = default)
    {
        if (outputPath is null) return Run(setup, target: null, cancellation);
        using var target = ResultTarget.Claim(outputPath);
        return Run(setup, target, cancellation);
    }

    /// <summary>
    /// Runs a built case into a result target the caller has claimed (and releases afterwards).
    /// When <paramref name="cancellation"/> stops the run, the file is marked failed with
    /// <paramref name="cancellationReason"/> (e.g. "interrupted (SIGINT)").
    /// </summary>
    public static RunResult Run(SimulationSetup setup, ResultTarget? target, CancellationToken cancellation, Func<string>? cancellationReason = null)
    {
        if (setup.Resolved is not null)
            throw new ArgumentException($"case '{setup.Name}' has a resolved section: run it with Simulator.RunResolved (the 2-D resolved-particle model)");
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);          // mesh, finite-volume discretisation, DFN model
        var runner = new ProtocolRunner(model, setup.Solver) { Schedule = setup.Output.Schedule }; // BDF + Newton + KLU, events, output times
        ResultWriter? writer = target is null ? null : new ResultWriter(target, model, Metadata(setup), setup.Output.Fields, setup.Output.EveryNSteps);
        try
        {
            var solution = runner.Run(setup.Protocol, writer is null ? null : [writer], cancellation);
            RequireCharge(solution);
            var summary = RunSummary.From(setup.Name, model, solution, setup.Protocol);
            writer?.Complete(solution, summary.ToAttributes());
            return new RunResult(summary, solution, model, writer?.FinalPath);
        }
        catch (OperationCanceledException) when (cancellationReason is not null && cancellation.IsCancellationRequested)
        {
            writer?.Fail(cancellationReason());
            throw;
        }
        catch (Exception e)
        {
            writer?.Fail($"{e.GetType().Name}: {Hdf5Messages.Short(e)}");
            throw;
        }
    }

    /// <summary>
    /// Runs a case with a <c>resolved:</c> section on the 2-D resolved-particle model (MODEL.md §7): pack the discs
    /// (seeded), mesh them, build the model, run the protocol with the same runner, stop conditions and limits as P2D;
    /// with <paramref name="outputPath"/>, write the HDF5 result (time series, nt × ny × nx fields, mesh, discs) and its XDMF sidecar.
    /// </summary>
    public static ResolvedRunResult RunResolved(SimulationSetup setup, string? outputPath = null, CancellationToken cancellation = default)
    {
        if (outputPath is null) return RunResolved(setup, target: null, cancellation);
        using var target = ResultTarget.Claim(outputPath);
        return RunResolved(setup, target, cancellation);
    }

    /// <summary>
    /// Runs a resolved case into a result target the caller has claimed (and releases afterwards), as <see cref="Run(SimulationSetup, ResultTarget?, CancellationToken, Func{string}?)"/>:
    /// the output schedule (<c>output.every_s</c>, <c>output.times_s</c>) decides which states are written; a run that fails, passes
    /// no charge or is stopped by <paramref name="cancellation"/> leaves <c>NAME.failed.h5</c> with <c>status = failed</c> and the reason
    /// (<paramref name="cancellationReason"/>, e.g. "interrupted (SIGINT)", for a cancellation) and throws.
    /// </summary>
    public static ResolvedRunResult RunResolved(SimulationSetup setup, ResultTarget? target, CancellationToken cancellation, Func<string>? cancellationReason = null)
    {
        var resolved = setup.Resolved ?? throw new ArgumentException($"case '{setup.Name}' has no resolved section");
        var packing = resolved.Packing is { } packed && packed.Settings == resolved.Geometry
            ? packed                                                                             // packed (seeded) when the case was built
            : Mesh.Resolved.DiscPacking.Pack(resolved.Geometry);                                 // seeded disc packing
        var mesh = Mesh.Resolved.ResolvedMesh.Build(packing, resolved.CellSize, resolved.Apertures, resolved.EmbeddedBoundary, resolved.SeparatorGrading); // Cartesian phase mask → finite-volume graph
        var model = new ResolvedParticleModel(resolved.Parameters, mesh, setup.FaceAverage) { LinearSolver = resolved.LinearSolver }; // conservation laws on the graph; solver.linear
        var runner = new ProtocolRunner(model, setup.Solver) { Schedule = setup.Output.Schedule }; // the same runner, limits and output schedule as P2D
        using var writer = target is null ? null : new ResolvedResultWriter(target, model, Metadata(setup), setup.Output.Fields, setup.Output.EveryNSteps);
        try
        {
            var solution = runner.Run(setup.Protocol, writer is null ? null : [writer], cancellation);
            RequireCharge(solution);
            writer?.Complete(solution);
            return new ResolvedRunResult(solution, model, writer?.FinalPath);
        }
        catch (OperationCanceledException) when (cancellationReason is not null && cancellation.IsCancellationRequested)
        {
            writer?.Fail(cancellationReason());
            throw;
        }
        catch (Exception e)
        {
            writer?.Fail($"{e.GetType().Name}: {Hdf5Messages.Short(e)}");
            throw;
        }
    }

    /// <summary>A run in which no current- or voltage-controlled step passed any charge fails, with every step's reason.</summary>
    private static void RequireCharge(Solution solution)
    {
        var driven = solution.Steps.Where(o => o.Mode is not (Physics.ControlMode.Rest or Physics.ControlMode.Impedance)).ToList();
        if (driven.Count > 0 && driven.All(o => o.Duration == 0))
            throw new SimulationFailedException("no step passed any charge: " +
                string.Join("; ", solution.Steps.Select(o => $"step {o.Index + 1} ('{o.Label}') ended at once: {o.Reason}")));
    }

    /// <summary>
    /// Loads and validates a case file, with the given keys set to new values first
    /// (<c>["electrode.solid_diffusivity_m2_s"] = 1e-13</c>), exactly as <c>run --set</c> does
    /// (<see cref="Cases.CaseOverrides"/>): the changed text is checked like any case and is what a result file records
    /// as its case; a key the file leaves out is added. For anything else, modify the returned record with <c>with</c>.
    /// </summary>
    /// <exception cref="CaseValidationException">The case, as changed, is not valid; the message names each key, value and accepted range.</exception>
    public static SimulationSetup LoadCase(string casePath, IReadOnlyDictionary<string, double>? changes = null)
    {
        var overrides = (changes ?? new Dictionary<string, double>()).Select(c => new CaseOverride(c.Key, CaseOverride.Format(c.Value))).ToList();
        return CaseBuilder.Build(Cases.CaseOverrides.Load(casePath, overrides));
    }

    /// <summary>Loads, validates and runs a case file.</summary>
    public static RunResult RunCaseFile(string casePath, string? outputDirectory = null, CancellationToken cancellation = default)
    {
        var setup = CaseBuilder.Build(CaseFile.Load(casePath));
        string? output = outputDirectory is null ? null : Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(casePath) + ".h5");
        return Run(setup, output, cancellation);
    }

    // The notes are read in HDFView and h5dump, so "->" stays "->" rather than "\u003E" (the file is not HTML).
    private static readonly JsonSerializerOptions NotesJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static RunMetadata Metadata(SimulationSetup setup) =>
        new(setup.Name, setup.CaseText, setup.ProvenanceJson, FlatJson(setup.ParameterNotes, NotesJson.Encoder), FlatJson(setup.InputFiles, null));

    /// <summary>
    /// A string → string map as one JSON object, exactly as <see cref="JsonSerializer"/> writes it with options of
    /// <paramref name="encoder"/> (null: the default encoder), written directly: serialising the dictionary by reflection cost
    /// the natively compiled tool System.Text.Json's first-use type metadata for it.
    /// </summary>
    internal static string FlatJson(IReadOnlyDictionary<string, string> map, JavaScriptEncoder? encoder)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map)
            {
                if (value is null) writer.WriteNull(key);
                else writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
