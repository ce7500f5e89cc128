using System.CommandLine;
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
    "  tools/electrodesim run --help                               # options of one command");

// run
var caseArgument = new Argument<FileInfo[]>("case") { Description = "One or more YAML case files, e.g. cases/sio-c-l.yaml", Arity = ArgumentArity.OneOrMore };
var outOption = new Option<DirectoryInfo>("--out", "-o") { Description = "Directory for the result files (CASE.h5); created if missing", DefaultValueFactory = _ => new DirectoryInfo("results") };
var noOutputOption = new Option<bool>("--no-output") { Description = "Solve only; write no HDF5 file" };
var plotAfterRunOption = new Option<bool>("--plot") { Description = "Draw each result's figures (PNG) next to it, and the overlaid voltage curves when several cases run" };
var run = new Command("run", "Validate and run case files; print a one-line summary per case and write RESULT.h5 to --out.\n" +
                             "A run that fails leaves CASE.failed.h5 with the reason; a run in progress holds CASE.h5.lock and writes .CASE.h5.PID.RANDOM.partial.\n" +
                             "Ctrl-C (SIGINT) or SIGTERM stops the run at its next step (exit 130 / 143).")
{
    caseArgument, outOption, noOutputOption, plotAfterRunOption,
};
run.SetAction(parse => RunCommand.Execute(console, parse.GetValue(caseArgument)!, parse.GetValue(noOutputOption) ? null : parse.GetValue(outOption)!.FullName, parse.GetValue(plotAfterRunOption)));
root.Subcommands.Add(run);

// check
var check = new Command("check", "Validate case files without solving; lists every problem with its key path.") { caseArgument };
check.SetAction(parse => RunCommand.Check(console, parse.GetValue(caseArgument)!));
root.Subcommands.Add(check);

// bench
var benchRepeats = new Option<int>("--repeat", "-n") { Description = "Timed repetitions after warm-up", DefaultValueFactory = _ => 20 };
var benchCase = new Argument<FileInfo>("case") { Description = "Case file to time (default cases/sio-c-l.yaml)", Arity = ArgumentArity.ZeroOrOne };
var bench = new Command("bench", "Time one run of a case (no output file) after warm-up, single thread; prints min/median wall time and the unknown count.") { benchCase, benchRepeats };
bench.SetAction(parse => RunCommand.Bench(console, parse.GetValue(benchCase)?.FullName ?? "cases/sio-c-l.yaml", parse.GetValue(benchRepeats)));
root.Subcommands.Add(bench);

// calibrate
var specArgument = new Argument<FileInfo>("spec") { Description = "Calibration spec (YAML), e.g. cases/calibration/sio-c.yaml" };
var writeOption = new Option<bool>("--write") { Description = "Write the calibrated values into the case files (only the value tokens change)" };
var verboseOption = new Option<bool>("--verbose", "-v") { Description = "Print every trial point" };
var calibrate = new Command("calibrate", "Fit case parameters to target results (capacities, voltage gaps) by bounded Levenberg-Marquardt, as the spec file says.")
{
    specArgument, writeOption, verboseOption,
};
calibrate.SetAction(parse => CalibrateCommand.Execute(console, parse.GetValue(specArgument)!, parse.GetValue(writeOption), parse.GetValue(verboseOption)));
root.Subcommands.Add(calibrate);

// plot, report
root.Subcommands.Add(PlotCommand.Create(console));
root.Subcommands.Add(ReportCommand.Create(console));

// validate
root.Subcommands.Add(ValidateCommand.Create(console));

// export
root.Subcommands.Add(ExportCommand.Create());

return root.Parse(args).Invoke();
