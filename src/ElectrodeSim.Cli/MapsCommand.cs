using System.CommandLine;
using ElectrodeSim.Plotting;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim maps OUT_DIR RESULT.h5...</c>: SOL and interface-current maps of 2-D resolved results on one colour scale.</summary>
public static class MapsCommand
{
    public static Command Create()
    {
        var outDir = new Argument<string>("out-dir") { Description = "Folder for the PNG maps" };
        var results = new Argument<string[]>("results") { Description = "2-D resolved result files (.h5)", Arity = ArgumentArity.OneOrMore };
        var from = new Option<double?>("--from-x-um") { Description = "Draw x >= this [µm] (default: the electrode, from the separator interface on, as the paper's Fig. 5; 0 for the whole cell)" };
        var command = new Command("maps", "Draw state-of-lithiation and interfacial-current maps (last record) of 2-D resolved results, one colour scale per field across them.") { outDir, results, from };
        command.SetAction(parse =>
        {
            var files = parse.GetValue(results)!;
            if (CommandLineChecks.FolderProblem(parse.GetValue(outDir)!) is { } problem) { Console.Error.WriteLine($"error: out-dir {parse.GetValue(outDir)}: {problem}"); return RunCommand.BadInput; }
            foreach (var f in files)
                if (!File.Exists(f)) { Console.Error.WriteLine($"error: {ElectrodeSim.Cases.DisplayPath.Of(f)}: no such file"); return RunCommand.BadInput; }
            foreach (var f in files)
                if (ResolvedMaps.WhyNotResolved(f) is { } why) { Console.Error.WriteLine($"error: {f}: {why}"); return RunCommand.BadInput; }
            try
            {
                foreach (var f in files)
                {
                    var (near, far, current, capacity) = ResolvedMaps.Features(f);
                    Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"{Path.GetFileName(f)}: capacity {capacity:F1} mAh/g; mean SOL separator-side quarter {near:F4}, collector-side quarter {far:F4} (gradient {near - far:F4}); mean |j| within 2 um of the separator {current:F3} A/m^2"));
                }
                foreach (var field in new[] { "state_of_lithiation", "interfacial_current_density" })
                    foreach (var path in ResolvedMaps.WriteAll(files, field, parse.GetValue(outDir)!, parse.GetValue(from) is { } um ? 1e-6 * um : double.NaN))
                        Console.Out.WriteLine($"wrote {path}");
                return RunCommand.Ok;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return RunCommand.BadInput;
            }
        });
        return command;
    }
}
