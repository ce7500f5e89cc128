using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using ElectrodeSim.Calibration;
using ElectrodeSim.Cases;

namespace ElectrodeSim.Tests.Cases;

/// <summary>
/// Hostile but fair inputs (issue 7): each must end as a clean error that names the key path (or the file,
/// row and column), the value and what is accepted — never an unhandled exception, a stack overflow or a hang.
/// </summary>
public sealed class InputRobustnessTests : IClassFixture<CaseDirectory>
{
    private readonly CaseDirectory _directory;

    public InputRobustnessTests(CaseDirectory directory) => _directory = directory;

    private CaseValidationException Reject(string text) =>
        Assert.Throws<CaseValidationException>(() => CaseBuilder.Build(CaseFile.Parse(text, "broken.yaml", _directory.Path)));

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string OcpTable(string table) => CaseText.With(CaseText.OcpBlock, $"  ocp:\n    table: {table}\n");

    // ---- 1. nesting depth ----

    public static TheoryData<string, string> DeepTexts => new()
    {
        { "sequences", "name: x\ncell: " + new string('[', 10_000) + new string(']', 10_000) + "\n" },
        { "flow mappings", "name: x\ncell: " + string.Concat(Enumerable.Repeat("{a: ", 10_000)) + "1" + new string('}', 10_000) + "\n" },
        { "block mappings", "name: x\ncell:\n" + string.Concat(Enumerable.Range(1, 200).Select(i => new string(' ', i) + "a:\n")) },
    };

    [Theory]
    [MemberData(nameof(DeepTexts))]
    public void Yaml_nested_past_the_limit_is_an_error_at_its_key_path_not_a_stack_overflow(string kind, string text)
    {
        var error = Assert.Single(Assert.Throws<CaseValidationException>(() => CaseFile.Parse(text, "deep.yaml", _directory.Path)).Errors);
        Assert.True(error.Path.StartsWith("cell", StringComparison.Ordinal), $"{kind}: {error}");
        Assert.Contains($"nested more than {InputLimits.MaxNestingDepth} levels", error.Value);
        Assert.Contains("allowed: at most 64 levels", error.Accepted);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void Yaml_nested_up_to_the_limit_is_read_and_then_checked_against_the_schema()
    {
        // 63 levels under the root: within the bound, so the schema check (not the nesting check) reports it.
        string text = CaseText.Valid + "\nextra: " + new string('[', 63) + new string(']', 63) + "\n";
        var error = Reject(text);
        Assert.Contains(error.Errors, e => e.Path == "extra" && e.Accepted.StartsWith("a key of the case"));
        Assert.DoesNotContain(error.Errors, e => e.Value.Contains("nested"));
    }

    // ---- 2. only regular files up to a stated size ----

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    /// <summary>Non-regular or oversized files, made on the spot; null where the platform cannot make one.</summary>
    private string? Special(string kind)
    {
        switch (kind)
        {
            case "/dev/zero": return File.Exists("/dev/zero") ? "/dev/zero" : null;
            case "directory": return Directory.CreateDirectory(Path.Combine(_directory.Path, "a-directory.yaml")).FullName;
            case "FIFO":
            {
                if (OperatingSystem.IsWindows()) return null;
                string fifo = Path.Combine(_directory.Path, "pipe-" + Guid.NewGuid().ToString("N") + ".yaml");
                return mkfifo(fifo, 0x1B6) == 0 ? fifo : null;
            }
            case "2 GiB file":
            {
                string big = Path.Combine(_directory.Path, "big-" + Guid.NewGuid().ToString("N") + ".yaml");
                using (var stream = File.Create(big)) stream.SetLength(2L << 30); // sparse: no 2 GiB written
                return big;
            }
            default: throw new ArgumentException(kind);
        }
    }

    public static TheoryData<string> SpecialFiles => new() { "/dev/zero", "FIFO", "directory", "2 GiB file" };

    [Theory]
    [MemberData(nameof(SpecialFiles))]
    public async Task A_case_path_that_is_not_a_small_regular_file_is_refused_at_once(string kind)
    {
        string? path = Special(kind);
        if (path == null) return;
        var error = Assert.Single((await Refused(() => CaseFile.Load(path), kind)).Errors);
        Assert.Equal(CaseFile.FileLabel, error.Path);
        Assert.Equal("a regular file of at most 1 MiB", error.Accepted);
        Assert.Contains(kind switch { "/dev/zero" => "a character device", "FIFO" => "a FIFO", "directory" => "a directory", _ => "a file of 2,147,483,648 bytes (2.0 GiB)" }, error.Value);
    }

    [Theory]
    [MemberData(nameof(SpecialFiles))]
    public async Task An_ocp_table_that_is_not_a_small_regular_file_is_refused_at_once_naming_the_key(string kind)
    {
        string? path = Special(kind);
        if (path == null) return;
        var error = await Refused(() => CaseBuilder.Build(CaseFile.Parse(OcpTable($"\"{path}\""), "table.yaml", _directory.Path)), kind);
        var table = Assert.Single(error.Errors);
        Assert.Equal("electrode.ocp.table", table.Path);
        Assert.StartsWith("a regular file of at most 16 MiB (it is ", table.Accepted);
    }

    [Theory]
    [MemberData(nameof(SpecialFiles))]
    public async Task A_calibration_spec_that_is_not_a_small_regular_file_is_refused_at_once(string kind)
    {
        string? path = Special(kind);
        if (path == null) return;
        var error = Assert.Single((await Refused(() => CalibrationSpec.Load(path), kind)).Errors);
        Assert.Equal(CaseFile.FileLabel, error.Path);
        Assert.Equal("a regular file of at most 1 MiB", error.Accepted);
    }

    /// <summary>
    /// The validation error <paramref name="read"/> must raise within 5 s. Run on its own task so that a
    /// read that blocks (a FIFO opened for reading waits for a writer) fails the test instead of hanging it.
    /// </summary>
    private static async Task<CaseValidationException> Refused(Func<object> read, string kind)
    {
        var work = Task.Run(() => Assert.Throws<CaseValidationException>(read));
        using var timeout = new CancellationTokenSource();
        var first = await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(5), timeout.Token));
        timeout.Cancel();
        Assert.True(first == work, $"{kind}: not refused within 5 s");
        return await work;
    }

    [Fact]
    public void A_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_is_read()
    {
        string at = Write("at-limit.yaml", "# " + new string('x', (int)InputLimits.MaxCaseBytes - 3) + "\n");
        Assert.Equal(InputLimits.MaxCaseBytes, new FileInfo(at).Length);
        Assert.Contains("an empty file", Assert.Throws<CaseValidationException>(() => CaseFile.Load(at)).Message);
        string over = Write("over-limit.yaml", "# " + new string('x', (int)InputLimits.MaxCaseBytes - 2) + "\n");
        var error = Assert.Single(Assert.Throws<CaseValidationException>(() => CaseFile.Load(over)).Errors);
        Assert.Equal("a file of 1,048,577 bytes (1.0 MiB)", error.Value);
    }

    // ---- 3. OCP tables ----

    public static TheoryData<string, string, string> BadTables => new()
    {
        // description, table text, what the error must say
        { "NaN potential", "theta,U\n0.0,1.0\n0.5,NaN\n1.0,0.01\n", "row 2 (line 3), column 2 (U): NaN is not a finite number" },
        { "infinite theta", "# source\ntheta,U\n0.0,1.0\nInfinity,0.2\n", "row 2 (line 4), column 1 (θ): Infinity is not a finite number" },
        { "overflowing number", "0.0,1.0\n0.5,1e400\n1.0,0.0\n", "row 2 (line 2), column 2 (U): 1e400 is not a finite number" },
        { "decreasing theta", "theta,U\n0.0,1.0\n0.6,0.2\n0.4,0.1\n", "row 3 (line 4), column 1 (θ): 0.4 is not > 0.6 of row 2 (line 3)" },
        { "repeated theta", "0.0,1.0\n0.5,0.4\n0.5,0.3\n", "row 3 (line 3), column 1 (θ): 0.5 is not a new θ" },
        { "theta in percent", "0,1.0\n50,0.4\n100,0.3\n", "row 2 (line 2), column 1 (θ): 50 is not in [0, 1]" },
        { "one row", "theta,U\n0.5,0.4\n", "one data row is not at least two rows" },
        { "no rows", "# only a comment\n", "no data rows is not at least two rows" },
        { "a word in a data row", "0.0,1.0\n0.5,high\n1.0,0.0\n", "row 2 (line 2), column 2 (U): 'high' is not a number" },
        { "a second header", "theta,U\n0.0,1.0\ntheta,U\n1.0,0.0\n", "row 2 (line 3), column 1 (θ): 'theta' is not a number" },
        { "one field", "0.0,1.0\n0.5\n1.0,0.0\n", "row 2 (line 2): '0.5' (one field) is not a row of θ and U" },
        { "empty field", "0.0,1.0\n0.5,\n1.0,0.0\n", "row 2 (line 2), column 2 (U): an empty field is not a number" },
    };

    [Theory]
    [MemberData(nameof(BadTables))]
    public void A_bad_ocp_table_is_reported_by_file_row_column_and_value(string description, string table, string expected)
    {
        string name = "bad-" + description.Replace(' ', '-') + ".csv";
        Write(name, table);
        var error = Assert.Single(Reject(OcpTable(name)).Errors);
        Assert.Equal("electrode.ocp.table", error.Path);
        Assert.Equal(name, error.Value);
        Assert.Contains($"{name}{(expected.StartsWith("row") ? ", " : ": ")}{expected}", error.Accepted);
    }

    [Fact]
    public void A_table_with_semicolons_comments_and_a_header_is_read_with_its_first_comment_as_source()
    {
        Write("semicolons.csv", "# measured at C/20\n# second comment\ntheta;U\n0.0;1.0\n\n0.5;0.2\n1.0;0.01\n");
        var setup = CaseBuilder.Build(CaseFile.Parse(OcpTable("semicolons.csv"), "table.yaml", _directory.Path));
        var ocp = Assert.IsType<ElectrodeSim.Materials.TabulatedOcp>(setup.Cell.WorkingElectrode.OpenCircuitPotential);
        Assert.Equal([0.0, 0.5, 1.0], ocp.Theta);
        Assert.Equal("measured at C/20", ocp.Source);
    }

    [Fact]
    public void A_table_built_in_code_with_a_non_finite_value_is_an_argument_error_not_an_arithmetic_one()
    {
        var e = Assert.Throws<ArgumentException>(() => new ElectrodeSim.Materials.TabulatedOcp("t", "test", [0.0, 0.5, 1.0], [1.0, double.NaN, 0.0]));
        Assert.Contains("row 2", e.Message);
    }

    // ---- 4. NUL and other characters no path can hold ----

    [Fact]
    public void A_nul_in_an_ocp_table_path_is_an_error_at_the_key()
    {
        var error = Assert.Single(Reject(OcpTable("\"ocp\\0.csv\"")).Errors);
        Assert.Equal("electrode.ocp.table", error.Path);
        Assert.Contains("U+0000 at position 4", error.Accepted);
    }

    [Fact]
    public void A_nul_in_a_case_path_is_an_error_for_the_file_not_an_argument_exception()
    {
        var error = Assert.Single(Assert.Throws<CaseValidationException>(() => CaseFile.Load("cases/sio\0.yaml")).Errors);
        Assert.Equal(CaseFile.FileLabel, error.Path);
        Assert.Contains("U+0000", error.Value);
        Assert.Equal("the path of a case file", error.Accepted);
    }

    [Fact]
    public void A_nul_in_a_case_path_of_a_calibration_spec_is_an_error_at_its_entry()
    {
        string spec = Write("nul-spec.yaml", SpecText.Replace("cases: [valid.yaml]", "cases: [\"va\\0lid.yaml\"]"));
        var e = Assert.Throws<CaseValidationException>(() => CalibrationSpec.Load(spec));
        Assert.Contains(e.Errors, x => x.Path == "cases[0]" && x.Accepted.Contains("U+0000"));
    }

    // ---- 5. invalid UTF-8 ----

    [Fact]
    public void Invalid_utf8_in_a_case_file_is_reported_with_its_byte_offset_and_line()
    {
        string path = Path.Combine(_directory.Path, "latin1.yaml");
        var bytes = Encoding.UTF8.GetBytes(CaseText.Valid).ToList();
        int offset = CaseText.Valid.IndexOf("description: rebuilt", StringComparison.Ordinal) + "description: ".Length;
        bytes.Insert(offset, 0xE9); // 'é' in Latin-1
        File.WriteAllBytes(path, bytes.ToArray());
        var e = Assert.Throws<CaseValidationException>(() => CaseFile.Load(path));
        Assert.Equal(path, e.SourceName);
        var error = Assert.Single(e.Errors);
        Assert.Equal(CaseFile.FileLabel, error.Path);
        Assert.Equal($"byte 0xE9 at byte offset {offset}", error.Value);
        Assert.Contains("UTF-8 text", error.Accepted);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Invalid_utf8_in_an_ocp_table_is_an_error_at_the_key()
    {
        File.WriteAllBytes(Path.Combine(_directory.Path, "latin1.csv"), [.. "0.0,1.0\n0.5,0.4\n# "u8, 0xB5, .. "m\n1.0,0.0\n"u8]);
        var error = Assert.Single(Reject(OcpTable("latin1.csv")).Errors);
        Assert.Equal("electrode.ocp.table", error.Path);
        Assert.Contains("UTF-8 text", error.Accepted);
        Assert.Contains("byte 0xB5 at byte offset 18", error.Accepted);
    }

    [Fact]
    public void A_byte_order_mark_is_not_part_of_the_text()
    {
        string path = Path.Combine(_directory.Path, "bom.yaml");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(CaseText.Valid)]);
        Assert.Equal("SiO@C-l test", CaseFile.Load(path).Definition.Name);
        // The offset of a bad byte counts the mark: it is an offset into the file.
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "name: caf"u8, 0xE9, .. "\n"u8]);
        var error = Assert.Single(Assert.Throws<CaseValidationException>(() => CaseFile.Load(path)).Errors);
        Assert.Equal("byte 0xE9 at byte offset 12", error.Value);
    }

    // ---- 6. long values are shortened ----

    [Fact]
    public void A_20_MB_value_is_not_echoed_back_whole()
    {
        string huge = new('7', 20_000_000);
        var e = Reject(CaseText.With("thickness_um: 16.7", "thickness_um: x" + huge));
        var error = Assert.Single(e.Errors);
        Assert.Equal("electrode.thickness_um", error.Path);
        Assert.StartsWith("x777", error.Value);
        Assert.EndsWith("… (20,000,001 characters)", error.Value);
        Assert.True(e.Message.Length < 1_000, $"message of {e.Message.Length} characters");
    }

    [Fact]
    public void A_long_unknown_key_and_a_5_MB_number_are_shortened_too()
    {
        // YAML allows implicit keys of up to 1024 characters; a longer one is a syntax error (shortened as well).
        string key = new('k', 1_000);
        var e = Reject(CaseText.With("\nmesh:", $"\n{key}: 1\nmesh:").Replace("thickness_um: 16.7", "thickness_um: -" + new string('9', 5_000_000)));
        Assert.Equal(2, e.Errors.Count);
        Assert.All(e.Errors, error => Assert.True(error.ToString().Length < 1_000, InputLimits.Shorten(error.ToString(), 200)));
        Assert.Contains(e.Errors, error => error.Value.EndsWith("(1,000 characters)'"));
        Assert.Contains(e.Errors, error => error.Path == "electrode.thickness_um" && error.Value.EndsWith("(5,000,001 characters)"));
        var syntax = Reject(CaseText.With("\nmesh:", $"\n{new string('k', 2_000_000)}: 1\nmesh:"));
        Assert.True(syntax.Message.Length < 2_000, InputLimits.Shorten(syntax.Message, 200));
    }

    [Fact]
    public void A_control_character_in_a_value_is_shown_escaped()
    {
        var error = Assert.Single(Reject(CaseText.With("type: half", "type: \"ha\\0lf\"")).Errors);
        Assert.Equal("ha\\u0000lf", error.Value);
    }

    // ---- 7. every problem in one pass ----

    [Fact]
    public void Check_lists_unknown_keys_type_errors_and_value_errors_of_one_file_together()
    {
        string text = CaseText.Valid
            .Replace("activation_energy_J_mol: 12060", "activation_energy_kJ_mol: 12.06")     // unknown key
            .Replace("thickness_um: 16.7", "thickness_um: thick")                            // word for a number
            .Replace("separator_cells: 8", "separator_cells: 8.5")                           // fraction for an integer
            .Replace("porosity: 0.55", "porosity: 1.2")                                      // out of range
            .Replace("\nmesh:", "\nmeshes: {}\nmesh:")                                       // unknown section
            .Replace("type: half", "type: coin");                                            // unknown name
        var e = Reject(text);
        string[] paths =
        [
            "electrode.kinetics.activation_energy_kJ_mol", "electrode.thickness_um", "mesh.separator_cells", "meshes",
            "separator.porosity", "cell.type", "electrode.kinetics.activation_energy_J_mol",
        ];
        foreach (var path in paths) Assert.Contains(e.Errors, x => x.Path == path);
        Assert.Equal(paths.Length, e.Errors.Count);
        // The word where a number belongs is reported once, not again as a missing thickness.
        Assert.Single(e.Errors, x => x.Path == "electrode.thickness_um");
        Assert.Contains("thick is not a number", e.Message);
        Assert.Contains("did you mean activation_energy_J_mol", e.Message);
        Assert.All(e.Errors, x => { Assert.NotNull(x.Line); Assert.NotEmpty(x.Accepted); });
        Assert.Equal(e.Errors.OrderBy(x => x.Line).Select(x => x.Path), e.Errors.Select(x => x.Path));
    }

    [Fact]
    public void A_case_on_a_parameter_set_with_an_unknown_key_still_gets_its_values_checked()
    {
        string text = "name: set\nparameter_set: Marquis2019\ncell:\n  temperature_K: 25\n  colour: red\n" +
                      "protocol:\n  - mode: current\n    c_rate: 1\n    max_duration_s: 3600\n";
        var e = Assert.Throws<CaseValidationException>(() => CaseBuilder.Build(CaseFile.Parse(text, "set.yaml", _directory.Path)));
        Assert.Contains(e.Errors, x => x.Path == "cell.colour");
        Assert.Contains(e.Errors, x => x.Path == "cell.temperature_K" && x.Accepted.Contains("(200, 400) K"));
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void A_repeated_key_and_a_second_document_are_listed_with_the_value_errors()
    {
        string text = CaseText.Valid.Replace("  porosity: 0.3\n", "  porosity: 0.3\n  porosity: 0.35\n").Replace("bruggeman: 1.45", "bruggeman: 9") + "\n---\nname: other\n";
        var e = Reject(text);
        Assert.Contains(e.Errors, x => x.Path == "electrode.porosity" && x.Value == "a repeated key");
        Assert.Contains(e.Errors, x => x.Path == "(document)" && x.Value.StartsWith("a second document"));
        Assert.Contains(e.Errors, x => x.Path == "electrode.bruggeman");
        Assert.Equal(3, e.Errors.Count);
    }

    // ---- 8. usage errors (the command-line tool, run as a process) ----

    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["check", "--bogus", "a.yaml"], "unknown option '--bogus'" },
        { ["check", "--set", "x"], "Required argument 'case' missing" },   // check takes --set as run does; without a case it is still a usage error
        { ["check"], "Required argument 'case' missing" },
        { ["run", "--bogus", "a.yaml"], "unknown option '--bogus'" },
        { ["frobnicate"], "frobnicate" },
        { ["calibrate"], "Required argument 'spec' missing" },
        { ["fit"], "Required argument 'spec' missing" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void A_usage_error_exits_2_with_the_usage_line(string[] args, string expected)
    {
        var (code, error) = Cli(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Contains("usage: electrodesim", error);
    }

    [Fact]
    public void Check_exits_2_for_a_missing_file_and_a_special_file_and_prints_every_problem()
    {
        var (missing, missingError) = Cli(["check", Path.Combine(_directory.Path, "nowhere.yaml")]);
        Assert.Equal(2, missing);
        Assert.Contains("case file not found", missingError);
        var (device, deviceError) = Cli(["check", "/dev/zero"]);
        Assert.Equal(2, device);
        Assert.Contains("(file): a character device is not a regular file of at most 1 MiB", deviceError);
        string broken = Write("two-problems.yaml", CaseText.Valid.Replace("bruggeman: 1.45", "bruggeman: 9").Replace("\nmesh:", "\nmeshes: 1\nmesh:"));
        var (code, error) = Cli(["check", broken]);
        Assert.Equal(2, code);
        Assert.Contains("two-problems.yaml is not a valid case:", error);
        Assert.Contains("electrode.bruggeman: 9 is not in [0, 5]", error);
        Assert.Contains("meshes: 'meshes' is not a key of the case", error);
        var (runCode, runError) = Cli(["run", "--no-output", broken]);
        Assert.Equal(2, runCode);
        Assert.Equal(error, runError);
    }

    [Fact]
    public void Check_prints_a_stale_provenance_note_as_a_warning_and_exits_0()
    {
        string stale = Write("stale-note.yaml", CaseText.Valid.Replace(
            "    electrode.active_density_kg_m3: \"rebuilt: SiO density\"",
            "    electrode.active_density_kg_m3: \"rebuilt: SiO density\"\n    electrode.ocp.table: \"measured\""));
        var (code, error) = Cli(["check", stale]);
        Assert.Equal(0, code);
        Assert.StartsWith("warning: stale-note.yaml: provenance.notes: 'electrode.ocp.table' is not a key path present in this case", error);
    }

    private static (int Code, string Error) Cli(string[] args)
    {
        var r = Support.Cli.Run(args);
        return (r.Code, r.Stderr);
    }

    // ---- 9. calibration specs ----

    private const string SpecText = """
        description: test spec
        cases: [valid.yaml]
        parameters:
          - key: electrode.kinetics.film_resistance_ohm_m2
            cases: [valid.yaml]
            initial: 0.001
            lower: 0
            upper: 0.05
        targets:
          - kind: capacity_mAh_g
            cases: [valid.yaml]
            value: 700
            scale: 1
        """;

    [Fact]
    public void A_calibration_spec_with_an_unknown_key_names_its_path_like_a_case()
    {
        Write("valid.yaml", CaseText.Valid);
        string spec = Write("spec.yaml", SpecText.Replace("    value: 700", "    file: data.csv\n    value: 700").Replace("kind: capacity_mAh_g", "kind: capacity").Replace("scale: 1", "scale: 0"));
        var e = Assert.Throws<CaseValidationException>(() => CalibrationSpec.Load(spec));
        Assert.Equal("spec.yaml", e.SourceName);
        Assert.Contains(e.Errors, x => x.Path == "targets[0].file" && x.Accepted.StartsWith("a key of targets[0]") && x.Accepted.Contains("kind, cases, value, scale, source"));
        Assert.Contains(e.Errors, x => x.Path == "targets[0].kind" && x.ToString() == "targets[0].kind: capacity is not one of capacity_mAh_g, average_voltage_gap_V");
        Assert.Contains(e.Errors, x => x.Path == "targets[0].scale" && x.Value == "0");
        Assert.Equal(3, e.Errors.Count);
        Assert.DoesNotContain("Property", e.Message);
    }

    [Fact]
    public void A_calibration_spec_parameter_must_be_a_number_key_the_case_sets_with_its_bounds()
    {
        Write("valid.yaml", CaseText.Valid);
        string spec = Write("spec-bounds.yaml", SpecText
            .Replace("key: electrode.kinetics.film_resistance_ohm_m2", "key: electrode.kinetics.reference_temperature_K")
            .Replace("initial: 0.001", "initial: 1"));
        var e = Assert.Throws<CaseValidationException>(() => CalibrationSpec.Load(spec));
        Assert.Contains(e.Errors, x => x.Path == "parameters[0].initial" && x.Accepted == "in [lower 0, upper 0.05]");
        Assert.Contains(e.Errors, x => x.Path == "parameters[0].cases[0]" && x.Accepted.Contains("sets electrode.kinetics.reference_temperature_K"));
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void The_repository_calibration_spec_reads_cleanly()
    {
        var spec = CalibrationSpec.Load(Path.Combine(CaseText.RepositoryCases, "calibration", "sio-c.yaml"));
        Assert.Equal(3, spec.Cases.Count);
        Assert.Equal(4, spec.Targets.Count);
    }

    // ---- 10. stale provenance notes are warnings ----

    [Fact]
    public void A_provenance_note_for_a_key_the_case_does_not_set_is_a_warning_kept_with_the_result()
    {
        string text = CaseText.Valid.Replace(
            "    electrode.active_density_kg_m3: \"rebuilt: SiO density\"",
            "    electrode.active_density_kg_m3: \"rebuilt: SiO density\"\n    electrode.ocp.parameters.step_depth: \"calibrated: gone\"");
        var setup = CaseBuilder.Build(CaseFile.Parse(text, "stale.yaml", _directory.Path));
        var warning = Assert.Single(setup.Warnings);
        Assert.Equal("provenance.notes", warning.Path);
        Assert.Equal("'electrode.ocp.parameters.step_depth'", warning.Value);
        Assert.Contains("did you mean electrode.ocp.parameters.step_width", warning.Accepted);
        Assert.NotNull(warning.Line);
        Assert.Contains("\"warnings\"", setup.ProvenanceJson);
        Assert.Contains("step_depth", setup.ProvenanceJson);
        Assert.Empty(CaseBuilder.Build(CaseFile.Parse(CaseText.Valid, "valid.yaml", _directory.Path)).Warnings);
    }

    [Fact]
    public void An_empty_provenance_note_is_still_an_error()
    {
        var error = Assert.Single(Reject(CaseText.With("\"rebuilt: SiO density\"", "\"\"")).Errors);
        Assert.Equal("provenance.notes.electrode.active_density_kg_m3", error.Path);
    }

    // ---- 11. step durations ----

    [Theory]
    [InlineData("1e300")]
    [InlineData(".inf")]
    [InlineData(".nan")]
    [InlineData("0")]
    [InlineData("-60")]
    [InlineData("100000001")]
    public void A_step_duration_must_be_finite_positive_and_at_most_1e8_s(string duration)
    {
        var error = Assert.Single(Reject(CaseText.With("max_duration_s: 36000", "max_duration_s: " + duration)).Errors);
        Assert.Equal("protocol[0].max_duration_s", error.Path);
        Assert.Equal(duration, error.Value);
        Assert.StartsWith("in (0, 1e8] s", error.Accepted);
    }

    [Fact]
    public void A_step_of_1e8_s_is_accepted_and_one_without_a_duration_ends_only_at_its_stop()
    {
        var longest = CaseBuilder.Build(CaseFile.Parse(CaseText.With("max_duration_s: 36000", "max_duration_s: 1e8"), "long.yaml", _directory.Path));
        Assert.Equal(CaseValidator.MaxStepDuration, longest.Protocol.Steps[0].MaxDuration);
        var open = CaseBuilder.Build(CaseFile.Parse(CaseText.With("    max_duration_s: 36000\n", ""), "open.yaml", _directory.Path));
        Assert.Equal(double.PositiveInfinity, open.Protocol.Steps[0].MaxDuration);
        Assert.NotEmpty(open.Protocol.Steps[0].Stops);
    }
}
