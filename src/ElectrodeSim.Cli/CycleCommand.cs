using System.CommandLine;
using System.Globalization;
using ElectrodeSim.Analysis;
using ElectrodeSim.Cases;
using ElectrodeSim.Plotting;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim cycle RESULT.h5… [--at-sol θ] [--case CASE.yaml]</c></summary>
public static class CycleCommand
{
    public static Command Create(IAnsiConsole console, Action<System.CommandLine.Parsing.ArgumentResult> rejectOptionLikeTokens)
    {
        var inputs = new Argument<FileInfo[]>("result") { Description = "Result files (half cell, with fields) of a lithiation followed by a delithiation", Arity = ArgumentArity.OneOrMore };
        inputs.Validators.Add(rejectOptionLikeTokens);
        var at = new Option<double>("--at-sol") { Description = "Mean state of lithiation θ_avg at which the two branches are compared [1], in (0, 1)", DefaultValueFactory = _ => 0.5 };
        var caseFile = new Option<FileInfo>("--case") { Description = "The case file of the results (default: the case text stored in each result, its relative paths taken from the result's folder)" };
        var command = new Command("cycle",
            "A lithiation-delithiation cycle: the voltage gap between the delithiating and the lithiating current step at one mean state of\n" +
            "lithiation (default 0.5; beside the gap of the equilibrium branches when the case has OCP hysteresis), and the lithium balance:\n" +
            "lithium in solid and electrolyte at the first and last record against the charge passed / F.")
        {
            inputs, at, caseFile,
        };
        command.SetAction(parse => Execute(console, parse.GetValue(inputs)!.Select(f => f.FullName).ToList(), parse.GetValue(at), parse.GetValue(caseFile)?.FullName));
        return command;
    }

    public static int Execute(IAnsiConsole console, IReadOnlyList<string> inputs, double target, string? casePath = null)
    {
        if (!(target > 0 && target < 1))
        {
            Console.Error.WriteLine($"error: --at-sol: {target.ToString(CultureInfo.InvariantCulture)} is not a mean state of lithiation in (0, 1)");
            return RunCommand.BadInput;
        }
        int status = RunCommand.Ok;
        foreach (var input in inputs)
        {
            ResultData data;
            try { data = ResultData.Load(input); }
            catch (ResultFileException e) { Console.Error.WriteLine($"error: {e.Message}"); status = RunCommand.BadInput; continue; }
            if (data.Series is not { Voltage: { } voltage, CurrentDensity: { } current, ProtocolStep: { } steps, Charge: { } charge } series
                || !data.IsHalfCell || data.Electrodes.Count != 1 || data.Electrodes[0] is not { StateOfLithiation: { } theta, MeanStateOfLithiation: { } meanTheta, RadiusFaces: { } radiusFaces } electrode
                || data.ElectrolyteConcentration is not { } electrolyte || data.XFaces is not { } xFaces || data.Region is not { } region || data.CaseText is not { } text)
            {
                Console.Error.WriteLine($"error: {input}: needs a half-cell result with its case, time series and fields (state of lithiation, electrolyte concentration)" +
                    (data.Notes.Count > 0 ? $" ({string.Join(" ", data.Notes)})" : ""));
                status = RunCommand.BadInput;
                continue;
            }
            SimulationSetup setup;
            try
            {
                setup = casePath is null ? CaseBuilder.Build(CaseFile.FromResult(input, text))
                                         : CaseBuilder.Build(CaseFile.Load(casePath));
            }
            catch (Exception e) when (e is CaseValidationException or IOException)
            {
                Console.Error.WriteLine($"error: {(casePath is null ? input + ": the result's case" : "--case " + casePath)} could not be rebuilt ({string.Join("; ", e.Message.Split('\n').Take(3))}): " +
                                        $"no porosity or c_s,max for the lithium balance{(casePath is null ? " (give the case file with --case when it reads files by relative paths)" : "")}");
                status = RunCommand.BadInput;
                continue;
            }
            var cell = setup.Cell;
            var working = cell.WorkingElectrode;
            double[] porosity = region.Select(r => r == 0 ? cell.Separator.Porosity : working.Porosity).ToArray();
            int first = Array.IndexOf(region, 1);
            int n = Math.Min(series.Count, Math.Min(theta.TimeCount, Math.Min(meanTheta.TimeCount, electrolyte.TimeCount)));
            var widths = electrode.DepthFaces.Zip(electrode.DepthFaces.Skip(1), (a, b) => b - a).ToArray();
            var sol = new double[n];
            var lithium = new double[n];
            for (int k = 0; k < n; k++)
            {
                var m = meanTheta.At(k);
                double sum = 0;
                for (int i = 0; i < widths.Length; i++) sum += m[i] * widths[i];
                sol[k] = sum / electrode.Thickness;
                lithium[k] = CycleAnalysis.Lithium(xFaces, porosity, electrolyte.At(k), first, theta.At(k), radiusFaces, working.ActiveVolumeFraction, working.MaxConcentration);
            }
            // With a double layer, part of the charge passed charged it: F ΔN = Q + Δ∫ a C_dl ψ dx.
            double[]? doubleLayer = null;
            if (working.HasDoubleLayer)
            {
                using var file = ElectrodeSim.Native.Hdf5.Hdf5File.OpenRead(input);
                if (!file.Exists("/fields/double_layer_potential"))
                {
                    Console.Error.WriteLine($"error: {input}: the case has a double layer but the result holds no /fields/double_layer_potential for the lithium balance");
                    status = RunCommand.BadInput;
                    continue;
                }
                var psi = file.ReadArray("/fields/double_layer_potential", out _);
                doubleLayer = new double[n];
                for (int k = 0; k < n; k++)
                    for (int i = 0; i < widths.Length; i++)
                        doubleLayer[k] += working.SpecificArea * working.DoubleLayerCapacitance * psi[k * widths.Length + i] * widths[i];
            }
            CycleResult result;
            try { result = CycleAnalysis.Analyse(current[..n], voltage[..n], steps[..n], sol, lithium, charge[..n], target, doubleLayer); }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {input}: {e.Message}");
                status = RunCommand.BadInput;
                continue;
            }
            string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
            console.WriteLine($"{data.CaseName}: at θ_avg = {F(target, "G4")}: V = {F(result.LithiationVoltage, "F4")} V lithiating (step {result.LithiationStep + 1}), " +
                              $"{F(result.DelithiationVoltage, "F4")} V delithiating (step {result.DelithiationStep + 1}), gap {F(1e3 * result.Gap, "F1")} mV");
            if (working.Hysteresis is { } h)
            {
                double ul = h.Lithiation.Evaluate(target, out _), ud = h.Delithiation.Evaluate(target, out _);
                console.WriteLine($"  equilibrium branches at θ = {F(target, "G4")}: U_lith = {F(ul, "F4")} V, U_delith = {F(ud, "F4")} V, gap {F(1e3 * (ud - ul), "F1")} mV " +
                                  $"(simulated gap - branch gap: {F(1e3 * (result.Gap - (ud - ul)), "F2")} mV)");
            }
            console.WriteLine($"  lithium: {F(result.InitialLithium, "R")} mol/m^2 at the start, {F(result.FinalLithium, "R")} at the end, {(doubleLayer is null ? "Q/F" : "(Q + Δ∫a C_dl ψ dx)/F")} = {F(result.LithiumPassed, "R")} mol/m^2; " +
                              $"error (N_end - N_start - that) {F(result.LithiumError, "E3")} mol/m^2, {F(result.RelativeLithiumError, "E3")} of the lithiation's throughput");
        }
        return status;
    }
}
