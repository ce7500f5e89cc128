namespace ElectrodeSim.Cases;

/// <summary>
/// A parsed case: the records, the text they were read from (kept verbatim for the output
/// file) and the directory that relative paths in the case are resolved against.
/// </summary>
public sealed class CaseDocument
{
    internal CaseDocument(CaseDefinition definition, string text, string sourceName, string baseDirectory, YamlNodeIndex index, ParameterSet? parameterSet = null,
        IReadOnlyList<AppliedCoating>? coatings = null, CaseDefinition? read = null)
    {
        Read = read ?? definition;
        Coatings = coatings ?? [];
        Definition = definition;
        Text = text;
        SourceName = sourceName;
        BaseDirectory = baseDirectory;
        Index = index;
        ParameterSet = parameterSet;
    }

    /// <summary>What each electrode's <c>coating</c> set (<see cref="CoatingMapping"/>); empty without one.</summary>
    public IReadOnlyList<AppliedCoating> Coatings { get; }

    /// <summary>The case as records, in the file's units, with the parameter set's values where the case gives none and the coating map's where neither does.</summary>
    public CaseDefinition Definition { get; }
    /// <summary>The parameter set the case is laid over, or null.</summary>
    public ParameterSet? ParameterSet { get; }
    /// <summary>The case text exactly as read.</summary>
    public string Text { get; }
    /// <summary>File name or label used in error messages.</summary>
    public string SourceName { get; }
    /// <summary>Absolute directory of the case file; relative paths (OCP tables) are resolved against it.</summary>
    public string BaseDirectory { get; }

    internal YamlNodeIndex Index { get; }

    /// <summary>The records as read from the text (and its parameter set), before the coating map filled anything in.</summary>
    internal CaseDefinition Read { get; }

    /// <summary>
    /// Every key path and sequence item present in the text, in its parameter set or set by a coating map
    /// (<c>electrode.kinetics</c>, <c>protocol[0].stop.voltage_below_V</c>).
    /// </summary>
    public IEnumerable<string> KeyPaths =>
        (ParameterSet == null ? Index.Paths : Index.Paths.Union(ParameterSet.KeyPaths)).Union(Coatings.SelectMany(c => c.Mapped.Keys));

    /// <summary>The scalar at a key path as written in the file, else in its parameter set (<c>4.12e-13</c>, not its parsed double), or null.</summary>
    public string? TextAt(string path) =>
        Index.ValueAt(path) is { Kind: YamlNodeKind.Scalar } node ? node.Text
        : ParameterSet?.Index.ValueAt(path) is { Kind: YamlNodeKind.Scalar } inherited ? inherited.Text : null;

    /// <summary>Whether the value at <paramref name="path"/> comes from the parameter set rather than the case text.</summary>
    public bool IsFromParameterSet(string path) => ParameterSet != null && Index.ValueAt(path) == null && ParameterSet.Index.ValueAt(path) != null;

    /// <summary>An absolute path for a path written in the case, relative to the case file's directory.</summary>
    public string ResolvePath(string path) => System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, path));
}
