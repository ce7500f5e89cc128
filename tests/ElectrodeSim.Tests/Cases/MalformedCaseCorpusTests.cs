using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ElectrodeSim.Cases;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Cases;

/// <summary>
/// A seeded corpus of malformed cases made from the repository's SiO@C cases (keys deleted, values of the
/// wrong kind, out of range, NaN/∞, junk bytes, deep nesting, unknown and repeated keys, huge values,
/// truncations, bad table paths), read and validated in-process: no exception but
/// <see cref="CaseValidationException"/>, every error with a key path and an accepted text, and every
/// case done within a time bound. Mutations that must break the case (a NaN where a number belongs, say)
/// must be rejected.
/// </summary>
public sealed class MalformedCaseCorpusTests : IClassFixture<CaseDirectory>
{
    private const int Seed = 20261201;
    private const int MutationsPerCase = 105;
    private static readonly TimeSpan PerCaseBound = TimeSpan.FromSeconds(5);

    private readonly CaseDirectory _directory;
    private readonly ITestOutputHelper _output;

    public MalformedCaseCorpusTests(CaseDirectory directory, ITestOutputHelper output)
    {
        _directory = directory;
        _output = output;
    }

    /// <summary>
    /// One malformed input: a text to parse or bytes to load from a file, whether it must be rejected and,
    /// if so, the key its errors must name (one of them must have it in its path).
    /// </summary>
    private sealed record Mutant(string Kind, string Description, string? Text, byte[]? Bytes, bool MustReject, string? Key = null);

    private static readonly Regex KeyLine = new(@"^(?<indent>\s*)(?<dash>- )?(?<key>[A-Za-z_][A-Za-z0-9_.]*):(?<rest>.*)$", RegexOptions.CultureInvariant);

    private sealed record Line(int Index, string Indent, bool Dash, string Key, string Value)
    {
        public bool IsNumber => double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        public bool IsScalar => Value.Length > 0;
    }

    private static IReadOnlyList<Line> KeyLines(string[] lines)
    {
        var result = new List<Line>();
        for (int i = 0; i < lines.Length; i++)
        {
            var m = KeyLine.Match(lines[i]);
            if (!m.Success) continue;
            string value = m.Groups["rest"].Value;
            int comment = value.IndexOf(" #", StringComparison.Ordinal);
            if (comment >= 0) value = value[..comment];
            result.Add(new Line(i, m.Groups["indent"].Value, m.Groups["dash"].Success, m.Groups["key"].Value, value.Trim()));
        }
        return result;
    }

    private static string Replace(string[] lines, Line line, string value)
    {
        var copy = (string[])lines.Clone();
        copy[line.Index] = $"{line.Indent}{(line.Dash ? "- " : "")}{line.Key}: {value}";
        return string.Join('\n', copy);
    }

    private static string Insert(string[] lines, int at, string text) =>
        string.Join('\n', lines.Take(at).Append(text).Concat(lines.Skip(at)));

    private IEnumerable<Mutant> Corpus()
    {
        var random = new Random(Seed);
        string nanTable = Path.Combine(_directory.Path, "nan.csv");
        File.WriteAllText(nanTable, "theta,U\n0.0,1.0\n0.5,nan\n1.0,0.0\n");
        string[] tablePaths = ["/dev/zero", _directory.Path, "no-such-table.csv", nanTable, "\"bad\\0path.csv\"", "decreasing.csv", "\"\""];
        string[] words = ["thick", "yes", "1,5", "0x", "~x", "NaN%", "5 mA"];
        string[] outOfRange = ["-1", "0", "1e300", "-1e300", "1e-300", "1.5", "2", "400", "-0", "100000"];
        string[] nonFinite = [".nan", ".inf", "-.inf", ".NaN", "-.Inf"];
        string[] kinds =
        [
            "delete line", "word for a value", "mapping for a value", "sequence for a value", "out of range", "NaN or infinity",
            "junk bytes", "deep nesting", "unknown key", "huge value", "truncation", "repeated key", "bad table path", "character noise",
        ];

        foreach (var file in Directory.GetFiles(CaseText.RepositoryCases, "sio-c-*.yaml").Order(StringComparer.Ordinal))
        {
            string text = File.ReadAllText(file).Replace("\r\n", "\n");
            string[] lines = text.Split('\n');
            var keys = KeyLines(lines);
            var scalars = keys.Where(k => k.IsScalar).ToList();
            var numbers = keys.Where(k => k.IsNumber).ToList();
            var plainKeys = keys.Where(k => !k.Key.Contains('.') && !k.Dash && k.IsScalar).ToList();
            string name = Path.GetFileName(file);
            T Pick<T>(IReadOnlyList<T> list) => list[random.Next(list.Count)];

            for (int n = 0; n < MutationsPerCase; n++)
            {
                string kind = kinds[n % kinds.Length];
                string label = $"{name} #{n} {kind}";
                switch (kind)
                {
                    case "delete line":
                    {
                        var line = Pick(keys);
                        yield return new(kind, $"{label}: {line.Key}", string.Join('\n', lines.Where((_, i) => i != line.Index)), null, false);
                        break;
                    }
                    case "word for a value":
                    {
                        var line = Pick(numbers);
                        string word = Pick(words);
                        yield return new(kind, $"{label}: {line.Key}: {word}", Replace(lines, line, word), null, true, line.Key);
                        break;
                    }
                    case "mapping for a value":
                    {
                        var line = Pick(scalars);
                        yield return new(kind, $"{label}: {line.Key}", Replace(lines, line, "{value: 1}"), null, true, line.Key);
                        break;
                    }
                    case "sequence for a value":
                    {
                        var line = Pick(scalars);
                        yield return new(kind, $"{label}: {line.Key}", Replace(lines, line, "[1, 2]"), null, true, line.Key);
                        break;
                    }
                    case "out of range":
                    {
                        var line = Pick(numbers);
                        string value = Pick(outOfRange);
                        yield return new(kind, $"{label}: {line.Key}: {value}", Replace(lines, line, value), null, false);
                        break;
                    }
                    case "NaN or infinity":
                    {
                        var line = Pick(numbers);
                        string value = Pick(nonFinite);
                        // solver.max_step_s: .inf is documented as "no limit".
                        bool must = !(line.Key == "max_step_s" && !value.StartsWith('-') && !value.Contains("na", StringComparison.OrdinalIgnoreCase));
                        yield return new(kind, $"{label}: {line.Key}: {value}", Replace(lines, line, value), null, must, line.Key);
                        break;
                    }
                    case "junk bytes":
                    {
                        var bytes = Encoding.UTF8.GetBytes(text).ToList();
                        int count = 1 + random.Next(8);
                        int at = random.Next(bytes.Count);
                        var junk = new byte[count];
                        random.NextBytes(junk);
                        bytes.InsertRange(at, junk);
                        yield return new(kind, $"{label}: {count} byte(s) at {at}", null, bytes.ToArray(), false);
                        break;
                    }
                    case "deep nesting":
                    {
                        var line = Pick(scalars);
                        int depth = InputLimits.MaxNestingDepth + 1 + random.Next(10_000);
                        string nested = random.Next(2) == 0
                            ? new string('[', depth) + new string(']', depth)
                            : string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth);
                        yield return new(kind, $"{label}: {line.Key} at depth {depth}", Replace(lines, line, nested), null, true, line.Key);
                        break;
                    }
                    case "unknown key":
                    {
                        var line = Pick(plainKeys);
                        string extra = $"{line.Indent}zz_unknown_{n}: 1";
                        yield return new(kind, $"{label}: beside {line.Key}", Insert(lines, line.Index + 1, extra), null, true, $"zz_unknown_{n}");
                        break;
                    }
                    case "huge value":
                    {
                        var line = Pick(numbers);
                        int length = 10_000 + random.Next(100_000);
                        yield return new(kind, $"{label}: {line.Key} of {length} characters", Replace(lines, line, "9" + new string('x', length)), null, true, line.Key);
                        break;
                    }
                    case "truncation":
                    {
                        int at = random.Next(text.Length);
                        yield return new(kind, $"{label}: at {at} of {text.Length}", text[..at], null, false);
                        break;
                    }
                    case "repeated key":
                    {
                        var line = Pick(plainKeys);
                        yield return new(kind, $"{label}: {line.Key}", Insert(lines, line.Index + 1, lines[line.Index]), null, true, line.Key);
                        break;
                    }
                    case "bad table path":
                    {
                        var function = keys.First(k => k.Key == "function");
                        string table = Pick(tablePaths);
                        var copy = (string[])lines.Clone();
                        copy[function.Index] = $"{function.Indent}table: {table}";
                        yield return new(kind, $"{label}: {table}", string.Join('\n', copy), null, true, "electrode.ocp");
                        break;
                    }
                    case "character noise":
                    {
                        var builder = new StringBuilder(text);
                        for (int k = 1 + random.Next(3); k > 0; k--)
                        {
                            int at = random.Next(builder.Length);
                            if (random.Next(2) == 0) builder.Remove(at, 1);
                            else builder.Insert(at, Noise[random.Next(Noise.Length)]);
                        }
                        yield return new(kind, label, builder.ToString(), null, false);
                        break;
                    }
                }
            }
        }
    }

    /// <summary>Characters that mean something to YAML.</summary>
    private const string Noise = ":{}[]\"'&*!|>%@`\t-?,#";

    private enum Outcome { Accepted, Rejected, Crashed, Hung }

    [Fact]
    public async Task Hundreds_of_malformed_cases_end_in_clean_path_named_errors_within_the_time_bound()
    {
        var counts = new Dictionary<string, int[]>();
        var failures = new List<string>();
        var slowest = TimeSpan.Zero;
        string slowestCase = "";
        int total = 0, errorsSeen = 0;
        var clock = Stopwatch.StartNew();

        foreach (var mutant in Corpus())
        {
            total++;
            var watch = Stopwatch.StartNew();
            CaseValidationException? rejection = null;
            Exception? crash = null;
            var work = Task.Run(() =>
            {
                try
                {
                    CaseDocument document;
                    if (mutant.Bytes is { } bytes)
                    {
                        string path = Path.Combine(_directory.Path, $"junk-{total}.yaml");
                        File.WriteAllBytes(path, bytes);
                        document = CaseFile.Load(path);
                    }
                    else document = CaseFile.Parse(mutant.Text!, "mutant.yaml", _directory.Path);
                    CaseBuilder.Build(document);
                }
                catch (CaseValidationException e) { rejection = e; }
                catch (Exception e) { crash = e; }
            });
            using var timeout = new CancellationTokenSource();
            bool finished = await Task.WhenAny(work, Task.Delay(PerCaseBound, timeout.Token)) == work;
            timeout.Cancel();
            watch.Stop();
            if (watch.Elapsed > slowest) { slowest = watch.Elapsed; slowestCase = mutant.Description; }

            var outcome = !finished ? Outcome.Hung : crash != null ? Outcome.Crashed : rejection != null ? Outcome.Rejected : Outcome.Accepted;
            if (!counts.TryGetValue(mutant.Kind, out var row)) counts[mutant.Kind] = row = new int[5];
            row[4] += (int)watch.Elapsed.TotalMilliseconds;
            row[(int)outcome]++;

            switch (outcome)
            {
                case Outcome.Hung: failures.Add($"{mutant.Description}: not done within {PerCaseBound.TotalSeconds} s"); break;
                case Outcome.Crashed: failures.Add($"{mutant.Description}: {crash!.GetType().Name}: {InputLimits.Shorten(crash.Message, 300)}"); break;
                case Outcome.Accepted when mutant.MustReject: failures.Add($"{mutant.Description}: accepted, but must be rejected"); break;
                case Outcome.Rejected:
                    foreach (var error in rejection!.Errors)
                    {
                        errorsSeen++;
                        if (string.IsNullOrWhiteSpace(error.Path) || string.IsNullOrWhiteSpace(error.Accepted))
                            failures.Add($"{mutant.Description}: an error without a key path or an accepted text: '{error}'");
                        if (error.ToString().Length > 2_000)
                            failures.Add($"{mutant.Description}: an error of {error.ToString().Length} characters");
                    }
                    if (mutant.Key is { } key && !rejection.Errors.Any(e => e.Path.Contains(key, StringComparison.Ordinal)))
                        failures.Add($"{mutant.Description}: no error names {key}: {InputLimits.Shorten(rejection.Message, 300)}");
                    if (rejection.Message.Contains("Exception", StringComparison.Ordinal))
                        failures.Add($"{mutant.Description}: the message names an exception: {InputLimits.Shorten(rejection.Message, 300)}");
                    break;
            }
        }

        _output.WriteLine($"{total} malformed cases (seed {Seed}) in {clock.Elapsed.TotalSeconds:F1} s; slowest {slowest.TotalMilliseconds:F0} ms ({slowestCase})");
        _output.WriteLine($"{"mutation",-22} {"clean error",11} {"accepted",9} {"crashed",8} {"hung",5} {"ms",7}");
        foreach (var (kind, row) in counts)
            _output.WriteLine($"{kind,-22} {row[1],11} {row[0],9} {row[2],8} {row[3],5} {row[4],7}");
        int[] sum = Enumerable.Range(0, 4).Select(k => counts.Values.Sum(r => r[k])).ToArray();
        _output.WriteLine($"{"total",-22} {sum[1],11} {sum[0],9} {sum[2],8} {sum[3],5}   ({errorsSeen} errors listed)");
        foreach (var failure in failures) _output.WriteLine("FAILURE " + failure);

        Assert.True(total >= 300, $"only {total} cases in the corpus");
        Assert.True(sum[1] >= total / 2, $"only {sum[1]} of {total} malformed cases were rejected: the mutations do not break enough");
        Assert.Empty(failures);
    }
}
