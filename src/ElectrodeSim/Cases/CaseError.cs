namespace ElectrodeSim.Cases;

/// <summary>
/// One problem in a case file: the key path, the value as written and what is accepted, read
/// as <c>electrode.thickness_um: -3 is not &gt; 0</c>, or <c>electrode.kinetics: missing (…)</c>
/// for a key that is required but absent.
/// </summary>
public sealed record CaseError(string Path, string Value, string Accepted)
{
    /// <summary>True when the key is absent; <see cref="Accepted"/> then says what is needed.</summary>
    public bool IsMissing { get; init; }
    /// <summary>Line of the offending node in the case text (1-based), or of the nearest enclosing key for a missing one.</summary>
    public int? Line { get; init; }
    /// <summary>Column of the offending node (1-based).</summary>
    public int? Column { get; init; }

    /// <summary>A required key (or one of a set of alternatives) that is absent.</summary>
    public static CaseError Missing(string path, string what) => new(path, "", what) { IsMissing = true };

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

    private static string Format(string sourceName, IReadOnlyList<CaseError> errors)
    {
        static string Line(CaseError e) => e.Line is { } line ? $"{e} (line {line}, column {e.Column})" : e.ToString();
        return errors.Count == 1
            ? $"{sourceName}: {Line(errors[0])}"
            : $"{sourceName}: {errors.Count} problems{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + Line(e)));
    }
}
