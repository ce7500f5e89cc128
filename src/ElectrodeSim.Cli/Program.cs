using System.CommandLine;
using System.CommandLine.Parsing;
using ElectrodeSim;
using ElectrodeSim.Cases;
using ElectrodeSim.Cli;
using Spectre.Console;

var console = Terminal.Create();

var root = new RootCommand(
    "ElectrodeSim: pseudo-2D (Doyle-Fuller-Newman) simulation of electrode lithiation.\n" +
    "Runs YAML case files (see cases/) and writes HDF5 results with state-of-lithiation fields.\n" +
    "Call it through the launcher tools/electrodesim (it builds on first use). Examples:\n" +
    "  tools/electrodesim run cases/sio-c-l.yaml --out results     # one case -> results/sio-c-l.h5\n" +
    "  tools/electrodesim check my-case.yaml                       # validate only\n" +
    "  tools/electrodesim run cases/sio-c-l.yaml --set mesh.electrode_cells=8   # one key overridden\n" +
    "  tools/electrodesim sweep cases/coating-quality/current-density.yaml      # many cases, one summary\n" +
    "  tools/electrodesim compare cases/sio-c-l.yaml cases/sio-c-h.yaml         # side by side\n" +
    "  tools/electrodesim run --help                               # options of one command");
// The usage lines of --help name the tool as it is called (tools/electrodesim), not the assembly (ElectrodeSim.Cli).
root.HelpName = "electrodesim";

// run
var caseArgument = new Argument<FileInfo[]>("case") { Description = "One or more YAML case files or folders of them (every *.yaml), e.g. cases/sio-c-l.yaml", Arity = ArgumentArity.OneOrMore };
var setOption = new Option<string[]>("--set", "-s") { Description = "Override a case key, typed and validated like the file: --set mesh.electrode_cells=8 --set protocol[0].current_density_mA_cm2=2.5 (repeatable)", AllowMultipleArgumentsPerToken = false };
var outOption = new Option<DirectoryInfo>("--out", "-o") { Description = "Directory for the result files (CASE.h5); created if missing", DefaultValueFactory = _ => new DirectoryInfo("results") };
var noOutputOption = new Option<bool>("--no-output") { Description = "Solve only; write no HDF5 file" };
var plotAfterRunOption = new Option<bool>("--plot") { Description = "Draw each result's figures (PNG) next to it, and the overlaid voltage curves when several cases run" };
caseArgument.Validators.Add(RejectOptionLikeTokens);
var run = new Command("run", "Validate and run case files; print a one-line summary per case and write RESULT.h5 to --out.\n" +
                             "A run that fails leaves CASE.failed.h5 with the reason; a run in progress holds CASE.h5.lock and writes .CASE.h5.PID.RANDOM.partial.\n" +
                             "Ctrl-C (SIGINT) or SIGTERM stops the run at its next step (exit 130 / 143).")
{
    caseArgument, outOption, noOutputOption, plotAfterRunOption, setOption,
};
run.SetAction(parse => RunCommand.Execute(console, parse.GetValue(caseArgument)!, parse.GetValue(noOutputOption) ? null : parse.GetValue(outOption)!.FullName,
    parse.GetValue(plotAfterRunOption), parse.GetValue(setOption) ?? []));
root.Subcommands.Add(run);

// check
var check = new Command("check", "Validate case files (or folders of them) without solving, with --set overrides as run takes them; lists every problem with its key path.") { caseArgument, setOption };
check.SetAction(parse => RunCommand.Check(console, parse.GetValue(caseArgument)!, parse.GetValue(setOption) ?? []));
root.Subcommands.Add(check);

// bench
var benchRepeats = new Option<int>("--repeat", "-n") { Description = "Timed repetitions after warm-up", DefaultValueFactory = _ => 20 };
var benchCase = new Argument<FileInfo>("case") { Description = "Case file to time (default cases/sio-c-l.yaml)", Arity = ArgumentArity.ZeroOrOne };
benchCase.Validators.Add(RejectOptionLikeTokens);
var bench = new Command("bench", "Time one run of a case (no output file) after warm-up, single thread; prints min/median wall time and the unknown count.") { benchCase, benchRepeats };
bench.SetAction(parse => RunCommand.Bench(console, parse.GetValue(benchCase)?.FullName ?? "cases/sio-c-l.yaml", parse.GetValue(benchRepeats)));
root.Subcommands.Add(bench);

// calibrate
var specArgument = new Argument<FileInfo>("spec") { Description = "Calibration spec (YAML), e.g. cases/calibration/sio-c.yaml" };
specArgument.Validators.Add(RejectOptionLikeTokens);
var writeOption = new Option<bool>("--write") { Description = "Write the calibrated values into the case files (only the value tokens change)" };
var verboseOption = new Option<bool>("--verbose", "-v") { Description = "Print every trial point" };
var calibrate = new Command("calibrate", "Fit case parameters to target results (capacities, voltage gaps) by bounded Levenberg-Marquardt, as the spec file says.")
{
    specArgument, writeOption, verboseOption,
};
calibrate.SetAction(parse => CalibrateCommand.Execute(console, parse.GetValue(specArgument)!, parse.GetValue(writeOption), parse.GetValue(verboseOption)));
root.Subcommands.Add(calibrate);
root.Subcommands.Add(FitCommand.Create(RejectOptionLikeTokens));

// plot, report
root.Subcommands.Add(PlotCommand.Create(console));
root.Subcommands.Add(ReportCommand.Create(console));

// validate
root.Subcommands.Add(ValidateCommand.Create(console));

// sweep, compare
root.Subcommands.Add(SweepCommand.Create(console, RejectOptionLikeTokens));
root.Subcommands.Add(CompareCommand.Create(console, RejectOptionLikeTokens));
root.Subcommands.Add(GittCommand.Create(console, RejectOptionLikeTokens));
root.Subcommands.Add(SweepMergeCommand.Create(console, RejectOptionLikeTokens));
root.Subcommands.Add(SensitivityCommand.Create(console, RejectOptionLikeTokens));
root.Subcommands.Add(CvCommand.Create(console, RejectOptionLikeTokens));
root.Subcommands.Add(EisCommand.Create(console, RejectOptionLikeTokens));
root.Subcommands.Add(CycleCommand.Create(console, RejectOptionLikeTokens));

// keys
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(MapsCommand.Create());

// export
root.Subcommands.Add(ExportCommand.Create());

// An --out that cannot be a folder (a regular file in the way) is bad input, found before anything runs.
CommandLineChecks.CheckEveryOut(root);
CommandLineChecks.CheckEveryResultArgument(root);

// A usage error (unknown option, missing argument) is bad input: exit 2 with the errors and the command's usage line,
// before anything runs.
var parse = root.Parse(args);
if (parse.Errors.Count > 0) return UsageError(parse);
return parse.Invoke();

static int UsageError(ParseResult parse)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    var command = parse.CommandResult.Command;
    string name = command is RootCommand ? "electrodesim" : $"electrodesim {command.Name}";
    var words = new List<string> { name };
    if (command.Subcommands.Count > 0) words.Add("<command>");
    foreach (var argument in command.Arguments.Where(a => !a.Hidden))
    {
        string label = $"<{argument.Name}>" + (argument.Arity.MaximumNumberOfValues > 1 ? "..." : "");
        words.Add(argument.Arity.MinimumNumberOfValues == 0 ? $"[{label}]" : label);
    }
    words.Add("[options]");
    Console.Error.WriteLine("usage: " + string.Join(" ", words));
    Console.Error.WriteLine($"Run '{name} --help' for the options.");
    return RunCommand.BadInput;
}

// An argument takes any token, so an option the command does not have would be read as a file name
// ("case file not found: --set"); name it as the unknown option it is.
static void RejectOptionLikeTokens(ArgumentResult result)
{
    foreach (var token in result.Tokens)
        if (token.Value.Length > 1 && token.Value[0] == '-')
            result.AddError($"unknown option '{InputLimits.Shorten(token.Value)}' (a file whose name starts with '-' is written ./{InputLimits.Shorten(token.Value)})");
}
