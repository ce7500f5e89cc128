using System.Collections.Concurrent;
using ElectrodeSim.Cases;

namespace ElectrodeSim.Sweeps;

/// <summary>One generated case of a sweep: its inputs, fully resolved case text, fingerprint and built setup.</summary>
public sealed record SweepCase(int Index, string Name, IReadOnlyList<SweepInput> Inputs, string ResolvedText, string Fingerprint, SimulationSetup Setup)
{
    /// <summary>"protocol[0].current_density_mA_cm2=2, mesh.electrode_cells=8".</summary>
    public string Describe() => string.Join(", ", Inputs.Select(i => $"{i.Key}={i.Value}"));
}

/// <summary>
/// The fingerprint of a case as sweeps recognise it: <see cref="CaseOverrides.Fingerprint"/> of its fully resolved text,
/// combined — when the case reads files (an OCP table) or a parameter set — with their content digests
/// (<see cref="SimulationSetup.InputFiles"/>), so that editing a table makes exactly the cases that read it new. A result
/// file records both (<c>case_text</c>, <c>input_files</c>), so the same fingerprint is computed from it.
/// </summary>
public static class CaseFingerprint
{
    public static string Of(string resolvedText, IReadOnlyDictionary<string, string> inputFiles) => Combine(CaseOverrides.Fingerprint(resolvedText), inputFiles);

    /// <summary><see cref="Of(string, IReadOnlyDictionary{string, string})"/> of the text <paramref name="document"/> was read from, without reading it again.</summary>
    public static string Of(CaseDocument document, IReadOnlyDictionary<string, string> inputFiles) => Combine(CaseOverrides.Fingerprint(document), inputFiles);

    private static string Combine(string text, IReadOnlyDictionary<string, string> inputFiles)
    {
        if (inputFiles.Count == 0) return text;
        var all = new System.Text.StringBuilder(text);
        foreach (var (key, digest) in inputFiles.OrderBy(f => f.Key, StringComparer.Ordinal)) all.Append('\n').Append(key).Append('=').Append(digest);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(all.ToString())));
    }

    /// <summary>The <c>input_files</c> attribute of a result file (JSON object of key path → digest); empty when absent or unreadable.</summary>
    public static IReadOnlyDictionary<string, string> ParseInputFiles(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) return new Dictionary<string, string>();
        try { return System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []; }
        catch (System.Text.Json.JsonException) { return new Dictionary<string, string> { ["(unreadable input_files)"] = json }; }
    }
}

/// <summary>A generated case that does not validate: its index, inputs and every error.</summary>
public sealed record InvalidSweepCase(int Index, IReadOnlyList<SweepInput> Inputs, CaseValidationException Error);

/// <summary>Some generated cases of a sweep do not validate; nothing has run.</summary>
public sealed class SweepValidationException(IReadOnlyList<InvalidSweepCase> cases, int total)
    : Exception($"{cases.Count} of {total} generated cases are not valid")
{
    public IReadOnlyList<InvalidSweepCase> Cases { get; } = cases;
    public int Total { get; } = total;
}

/// <summary>Every case of a sweep, generated and validated before the first runs.</summary>
public sealed class SweepPlan
{
    private SweepPlan(SweepDefinition definition, IReadOnlyList<SweepCase> cases) { Definition = definition; Cases = cases; }

    public SweepDefinition Definition { get; }
    public IReadOnlyList<SweepCase> Cases { get; }

    /// <summary>
    /// SHA-256 (hex) over every case's fingerprint in index order: equal for two plans exactly when they generate the same
    /// cases in the same order. Shards compare it so that shards of different versions of a sweep are not merged.
    /// </summary>
    public string Fingerprint => _fingerprint ??= Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", Cases.Select(c => c.Fingerprint)))));
    private string? _fingerprint;

    /// <summary>Result file name of case <paramref name="index"/> among <paramref name="count"/>: <c>case-0007.h5</c>.</summary>
    public static string CaseName(int index, int count) => "case-" + index.ToString(new string('0', Math.Max(4, (count - 1).ToString().Length)), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Generates every case (base text, then the sweep's <c>set</c>, then the row's inputs, through <see cref="CaseOverrides"/>),
    /// reads and validates each exactly like a case file, and throws <see cref="SweepValidationException"/> listing every
    /// invalid one. Validation runs on all cores: a thousand cases take well under a second.
    /// </summary>
    public static SweepPlan Build(SweepDefinition definition, int parallelism = 0)
    {
        long count = definition.CaseCount;
        if (count > 1_000_000) throw new SweepValidationException([], (int)Math.Min(count, int.MaxValue));
        int n = (int)count;
        var cases = new SweepCase?[n];
        var invalid = new ConcurrentBag<InvalidSweepCase>();
        var baseTexts = new ConcurrentDictionary<string, (string Text, string Source, string Directory)>();
        var reader = new CaseSeriesReader();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount }, i =>
        {
            var inputs = definition.InputsOf(i);
            string text = definition.BaseText ?? "", source = definition.BaseSource, directory = definition.BaseDirectory;
            try
            {
                if (inputs.FirstOrDefault(x => x.Key == SweepDefinition.CaseKey) is { } chosen)
                {
                    (text, source, directory) = baseTexts.GetOrAdd(chosen.Value, file =>
                    {
                        string t = CaseFile.ReadInputText(Path.Combine(definition.Directory, file), InputLimits.MaxCaseBytes, "case file", out var full);
                        return (t, Path.GetFileName(full), Path.GetDirectoryName(full)!);
                    });
                }
                var overrides = definition.Fixed.Concat(inputs.Where(x => x.Key != SweepDefinition.CaseKey).Select(x => new CaseOverride(x.Key, x.Value))).ToList();
                var document = reader.Parse(text, overrides, source, directory, out string resolved);
                var setup = CaseBuilder.Build(document);
                cases[i] = new SweepCase(i, CaseName(i, n), inputs, resolved, CaseFingerprint.Of(document, setup.InputFiles), setup);
            }
            catch (CaseValidationException e) { invalid.Add(new InvalidSweepCase(i, inputs, e)); }
            catch (FileNotFoundException e) { invalid.Add(new InvalidSweepCase(i, inputs, new CaseValidationException(source, [new CaseError(SweepDefinition.CaseKey, e.FileName ?? "", "an existing case file")]))); }
        });
        if (!invalid.IsEmpty) throw new SweepValidationException(invalid.OrderBy(c => c.Index).ToList(), n);
        return new SweepPlan(definition, cases.Select(c => c!).ToList());
    }
}
