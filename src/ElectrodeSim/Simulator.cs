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
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);          // mesh, finite-volume discretisation, DFN model
        var runner = new ProtocolRunner(model, setup.Solver) { Schedule = setup.Output.Schedule }; // BDF + Newton + KLU, events, output times
        ResultWriter? writer = target is null ? null : new ResultWriter(target, model, Metadata(setup), setup.Output.Fields, setup.Output.EveryNSteps);
        try
        {
            var solution = runner.Run(setup.Protocol, writer is null ? null : [writer], cancellation);
            var driven = solution.Steps.Where(o => o.Mode is not (Physics.ControlMode.Rest or Physics.ControlMode.Impedance)).ToList();
            if (driven.Count > 0 && driven.All(o => o.Duration == 0))
                throw new SimulationFailedException("no step passed any charge: " +
                    string.Join("; ", solution.Steps.Select(o => $"step {o.Index + 1} ('{o.Label}') ended at once: {o.Reason}")));
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
        new(setup.Name, setup.CaseText, setup.ProvenanceJson, JsonSerializer.Serialize(setup.ParameterNotes, NotesJson), JsonSerializer.Serialize(setup.InputFiles));
}
