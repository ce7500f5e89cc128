using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Simulation;

namespace ElectrodeSim.Cases;

/// <summary>What is written to the output file.</summary>
public sealed record OutputSettings
{
    /// <summary>Write the spatial fields (true) or only the time series.</summary>
    public bool Fields { get; init; } = true;
    /// <summary>Write every n-th accepted time step [1], ≥ 1.</summary>
    public int EveryNSteps { get; init; } = 1;
    /// <summary>Write the state at these run times instead of at every solver step (null: every solver step).</summary>
    public Simulation.OutputSchedule? Schedule { get; init; }
}

/// <summary>A case turned into the model's inputs, in SI units, with the text and provenance it came from.</summary>
public sealed record SimulationSetup
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public required CellParameters Cell { get; init; }
    public required Protocol Protocol { get; init; }
    public required MeshSettings Mesh { get; init; }
    public required BdfOptions Solver { get; init; }
    /// <summary>Average of transport coefficients on faces between cells.</summary>
    public FaceAverage FaceAverage { get; init; } = FaceAverage.Harmonic;
    public required OutputSettings Output { get; init; }
    /// <summary>The 2-D resolved-particle mode's geometry, mesh and electronic network (null: the P2D model).</summary>
    public ResolvedSetup? Resolved { get; init; }
    /// <summary>The case file text, verbatim, for the output file.</summary>
    public required string CaseText { get; init; }
    /// <summary>The case's provenance section as JSON (<c>{}</c> when the case has none).</summary>
    public required string ProvenanceJson { get; init; }
    /// <summary>Key path → note on how the value was obtained ("rebuilt: …", "calibrated: …").</summary>
    public required IReadOnlyDictionary<string, string> ParameterNotes { get; init; }
    /// <summary>What the validator found that does not stop the case (stale provenance notes); also in <see cref="ProvenanceJson"/> as <c>warnings</c>.</summary>
    public IReadOnlyList<CaseError> Warnings { get; init; } = [];
    /// <summary>
    /// What the case reads besides its text, as key path → SHA-256 (hex) of the content: <c>electrode.ocp.table</c> (the θ,U
    /// file), <c>parameter_set</c> (the set's text). Written into the result file (<c>input_files</c>) and part of a sweep
    /// case's fingerprint, so an edited table makes the cases that read it new. Empty for a self-contained case.
    /// </summary>
    public IReadOnlyDictionary<string, string> InputFiles { get; init; } = new Dictionary<string, string>();
}

/// <summary>The 2-D resolved-particle mode of a case, SI: the packing to draw, the cell size [m] and the model's extra parameters.</summary>
/// <param name="LinearSolver"><c>solver.linear</c>: GMRES on kept two-domain factors (default), on kept whole-matrix KLU factors, or a KLU factorisation of every iteration matrix.</param>
public sealed record ResolvedSetup(Mesh.Resolved.ResolvedGeometrySettings Geometry, double CellSize, Physics.Resolved.ResolvedCellParameters Parameters, Model.ResolvedLinearSolver LinearSolver = Model.ResolvedLinearSolver.Gmres)
{
    /// <summary>The mesh's cut-cell faces (<see cref="Mesh.Resolved.ResolvedMesh.Build"/> apertures; <c>resolved.geometry</c> cut_cell or embedded_boundary).</summary>
    public bool Apertures { get; init; }
    /// <summary>The embedded-boundary sliver cells and interpolated cut-face fluxes (<c>resolved.geometry: embedded_boundary</c>).</summary>
    public bool EmbeddedBoundary { get; init; }
    /// <summary>The separator's graded columns (<c>resolved.separator_mesh</c>); null: uniform columns of <see cref="CellSize"/>.</summary>
    public Mesh.Resolved.SeparatorGrading? SeparatorGrading { get; init; }
    /// <summary>
    /// The discs <see cref="CaseBuilder"/> packed while validating (a fraction the packing cannot reach is a case error);
    /// <see cref="Simulator.RunResolved(SimulationSetup, Output.ResultTarget?, CancellationToken, Func{string}?)"/> uses it
    /// while <see cref="Geometry"/> is still the one it was packed for, and packs again otherwise.
    /// </summary>
    public Mesh.Resolved.DiscPacking? Packing { get; init; }
}
