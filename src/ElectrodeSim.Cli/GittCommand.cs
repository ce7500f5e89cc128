using System.CommandLine;
using System.Globalization;
using ElectrodeSim.Analysis;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Plotting;
using ElectrodeSim.Sweeps;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim gitt RESULT.h5… [--out DIR] [--radius-um R]</c></summary>
public static class GittCommand
{
    public static Command Create(IAnsiConsole console, Action<System.CommandLine.Parsing.ArgumentResult> rejectOptionLikeTokens)
    {
        var inputs = new Argument<FileInfo[]>("result") { Description = "Result files of runs with a GITT train (current pulses, each between two rests)", Arity = ArgumentArity.OneOrMore };
        inputs.Validators.Add(rejectOptionLikeTokens);
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for NAME.gitt.csv, NAME.gitt.md and NAME.gitt.png (default: beside each result)" };
        var radius = new Option<double?>("--radius-um") { Description = "Particle radius R [µm] for the formula (default: the case's electrode.particle_radius_um)" };
        var command = new Command("gitt",
            "Solid diffusivity per pulse of a GITT train by the Weppner-Huggins formula for spheres, D = 4/(pi tau) (R/3)^2 (dEs/dEt)^2,\n" +
            "and its slope form (dE/dsqrt t over the later part of each pulse), against state of lithiation, with the model's own D_s(theta)\n" +
            "when the result's case can be rebuilt. Each pulse says whether the formula's assumptions hold there (tau D/R^2 <= 0.1,\n" +
            "V linear in sqrt t, straight equilibrium curve). Writes NAME.gitt.csv, NAME.gitt.md and NAME.gitt.png.")
        {
            inputs, output, radius,
        };
        command.SetAction(parse => Execute(console, parse.GetValue(inputs)!.Select(f => f.FullName).ToList(), parse.GetValue(output)?.FullName, parse.GetValue(radius)));
        return command;
    }

    public static int Execute(IAnsiConsole console, IReadOnlyList<string> inputs, string? outputDirectory, double? radiusMicrometres)
    {
        if (radiusMicrometres is { } given && !(given > 0 && double.IsFinite(given)))
        {
            Console.Error.WriteLine($"error: --radius-um: {given.ToString(CultureInfo.InvariantCulture)} is not a particle radius [µm] > 0");
            return RunCommand.BadInput;
        }
        int status = RunCommand.Ok;
        foreach (var input in inputs)
        {
            ResultData data;
            try { data = ResultData.Load(input); }
            catch (ResultFileException e) { Console.Error.WriteLine($"error: {e.Message}"); status = RunCommand.BadInput; continue; }
            if (data.Series is not { Voltage: { } voltage, CurrentDensity: { } current, ProtocolStep: { } steps, Charge: { } charge } series || data.Protocol.Count == 0)
            {
                Console.Error.WriteLine($"error: {input}: has no voltage, current, charge, protocol-step series or protocol outcome to analyse ({string.Join(" ", data.Notes)})");
                status = RunCommand.BadInput;
                continue;
            }
            SimulationSetup? setup = null;
            string? caseNote = null;
            if (data.CaseText is { } text)
                try { setup = CaseBuilder.Build(CaseFile.FromResult(input, text)); }
                catch (Exception e) when (e is CaseValidationException or IOException) { caseNote = $"the result's case could not be rebuilt ({e.Message.Split('\n')[0]}): no model D_s, no SOL"; }
            else caseNote = "the result holds no case: no model D_s, no SOL";
            var electrode = setup?.Cell.WorkingElectrode;
            double? radius = radiusMicrometres * 1e-6 ?? electrode?.ParticleRadius;
            if (radius is not { } r)
            {
                Console.Error.WriteLine($"error: {input}: {caseNote}; give the particle radius with --radius-um");
                status = RunCommand.BadInput;
                continue;
            }
            double perCharge = electrode is null ? double.NaN : 1.0 / (PhysicalConstants.Faraday * electrode.MaxConcentration * electrode.ActiveVolumeFraction * electrode.Thickness);
            var sol = charge.Select(q => electrode is null ? double.NaN : electrode.InitialStateOfLithiation + q * perCharge).ToArray();
            var spans = data.Protocol.Select(o => new StepSpan(o.Index, o.Label, o.Mode ?? "", o.StartTime, o.EndTime)).ToList();
            var pulses = GittAnalysis.Analyse(series.Time, voltage, current, steps, sol, spans, r);
            if (pulses.Count == 0)
            {
                Console.Error.WriteLine($"error: {input}: no GITT pulse found: a pulse is a current step with a rest step before and after it (the protocol has {string.Join(", ", spans.Select(s => s.Mode).Distinct())} steps)");
                status = RunCommand.BadInput;
                continue;
            }
            Func<double, double>? model = electrode is null ? null : theta => electrode.SolidDiffusivityAt(theta, setup!.Cell.Temperature, out _);

            var headers = new[] { "pulse", "step", "start_s", "duration_s", "current_density_A_m2", "state_of_lithiation", "relaxed_before_V", "relaxed_after_V",
                                  "delta_Es_V", "delta_Et_V", "D_weppner_huggins_m2_s", "D_slope_form_m2_s", "D_model_m2_s", "ratio_to_model", "tau_D_over_R2", "sqrt_t_linearity_R2", "equilibrium_curvature", "assumptions_hold" };
            var table = new SummaryTable(headers, headers.Select(h => h is not "assumptions_hold").ToList());
            foreach (var p in pulses)
            {
                double truth = model?.Invoke(p.StateOfLithiation) ?? double.NaN;
                table.Rows.Add([(double)p.Pulse, (double)(p.Step + 1), p.Start, p.Duration, p.CurrentDensity, p.StateOfLithiation, p.RelaxedBefore, p.RelaxedAfter,
                                p.SteadyStateChange, p.TransientChange, p.Diffusivity, p.SlopeDiffusivity, truth, p.Diffusivity / truth, p.DiffusionNumber,
                                p.SquareRootTimeLinearity, p.EquilibriumCurvature, p.AssumptionsHold ? "yes" : "no"]);
            }
            string directory = outputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(input))!;
            Directory.CreateDirectory(directory);
            string stem = Path.Combine(directory, data.Stem + ".gitt");
            table.WriteCsv(stem + ".csv");
            var valid = pulses.Where(p => p.AssumptionsHold).ToList();
            var notes = new List<string>
            {
                $"{data.CaseName}: {pulses.Count} pulses, particle radius {r * 1e6:G4} µm; Weppner–Huggins for spheres, D = 4/(π τ) (R/3)² (ΔE_s/ΔE_t)², " +
                $"and the slope form with dE/d√t fitted from τ/10 on. Its assumptions (τ D/R² ≤ 0.1, V linear in √t: R² ≥ 0.99, equilibrium-curve curvature ≤ 0.15) hold at {valid.Count} of them.",
            };
            if (model != null && valid.Count > 0)
            {
                var ratios = valid.Select(p => p.Diffusivity / model(p.StateOfLithiation)).ToList();
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"Where they hold, D_WH / D_model is {ratios.Min():F3} to {ratios.Max():F3}."));
            }
            if (caseNote != null) notes.Add(caseNote + ".");
            table.WriteMarkdown(stem + ".md", $"GITT: {data.CaseName}", notes);
            var figure = AnalysisFigures.Gitt($"GITT: {data.CaseName}",
                pulses.Select(p => new DiffusivityPoint(p.StateOfLithiation, p.Diffusivity, p.AssumptionsHold)).ToList(),
                pulses.Select(p => new DiffusivityPoint(p.StateOfLithiation, p.SlopeDiffusivity, p.AssumptionsHold)).ToList(),
                model is null ? null : Enumerable.Range(0, 201).Select(k => k / 200.0).Where(t => t >= pulses.Min(p => p.StateOfLithiation) && t <= pulses.Max(p => p.StateOfLithiation))
                    .Select(t => (t, model(t))).ToList());
            try { FigureRenderer.Write(figure, stem + ".png", FigureFormat.Png, 900, 600); }
            catch (FigureException e) { Console.Error.WriteLine($"warning: {e.Message}"); }
            console.WriteLine(notes[0]);
            if (notes.Count > 1) console.WriteLine(notes[1]);
            foreach (var ext in new[] { ".csv", ".md", ".png" })
                if (File.Exists(stem + ext)) console.WriteLine($"  wrote {DisplayPath.Of(stem + ext)}");
        }
        return status;
    }
}
