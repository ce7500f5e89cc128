namespace ElectrodeSim.Cases;

/// <summary>
/// One problem in a case file: the key path, the value as written and what is accepted, read
/// as <c>electrode.thickness_um: -3 is not &gt; 0</c>, or <c>electrode.kinetics: missing (…)</c>
/// for a key that is required but absent. A long path or value is kept shortened
/// (<see cref="InputLimits.Shorten"/>): the message says how long it was instead of echoing it.
/// </summary>
public sealed record CaseError(string Path, string Value, string Accepted)
{
    /// <summary>The key path (<c>protocol[0].stop.voltage_below_V</c>), <c>(document)</c> or <c>(file)</c>.</summary>
    public string Path { get; init; } = InputLimits.Shorten(Path, InputLimits.MaxPathShown);
    /// <summary>The value as written (each value cut to <see cref="InputLimits.MaxValueShown"/> characters where it is quoted, the whole to <see cref="InputLimits.MaxMessageValue"/>).</summary>
    public string Value { get; init; } = InputLimits.Shorten(Value, InputLimits.MaxMessageValue);
    /// <summary>
    /// What is accepted (a range with its unit, a list of names, a kind of value). Kept whole up to
    /// <see cref="InputLimits.MaxAcceptedShown"/> characters: the longest list of a section's keys is far shorter, and a
    /// list cut short would hide the very key the reader looks for.
    /// </summary>
    public string Accepted { get; init; } = InputLimits.Shorten(Accepted, InputLimits.MaxAcceptedShown);

    /// <summary>True when the key is absent; <see cref="Accepted"/> then says what is needed.</summary>
    public bool IsMissing { get; init; }
    /// <summary>Line of the offending node in the case text (1-based), or of the nearest enclosing key for a missing one.</summary>
    public int? Line { get; init; }
    /// <summary>Column of the offending node (1-based).</summary>
    public int? Column { get; init; }

    /// <summary>A required key (or one of a set of alternatives) that is absent.</summary>
    public static CaseError Missing(string path, string what) => new(path, "", what) { IsMissing = true };

    /// <summary>A file (a case, a table, a spec) that cannot be read, for the path key <c>(file)</c> or the key that names it.</summary>
    public static CaseError OfFile(string path, InputFileException e) => new(path, e.Problem, e.Accepted) { Line = e.Line };

    public override string ToString() => IsMissing ? $"{Path}: missing ({Accepted})" : $"{Path}: {Value} is not {Accepted}";
}

/// <summary>A case file that cannot be run, with every problem found (<see cref="Errors"/>).</summary>
public sealed class CaseValidationException : Exception
{
    public CaseValidationException(string sourceName, IReadOnlyList<CaseError> errors, Exception? inner = null)
        : base(Format(sourceName, errors), inner)
    {
        if (errors.Count == 0) throw new ArgumentException("a validation exception needs at least one error", nameof(errors));
        SourceName = sourceName;
        Errors = errors;
    }

    /// <summary>File name or other label of the case text.</summary>
    public string SourceName { get; }
    public IReadOnlyList<CaseError> Errors { get; }
    /// <summary>Findings that would not have stopped the case on their own (stale provenance notes).</summary>
    public IReadOnlyList<CaseError> Warnings { get; init; } = [];

    private static string Format(string sourceName, IReadOnlyList<CaseError> errors)
    {
        static string Line(CaseError e) => e.Line is { } line ? (e.Column is { } column ? $"{e} (line {line}, column {column})" : $"{e} (line {line})") : e.ToString();
        return errors.Count == 1
            ? $"{sourceName}: {Line(errors[0])}"
            : $"{sourceName}: {errors.Count} problems{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + Line(e)));
    }
}
