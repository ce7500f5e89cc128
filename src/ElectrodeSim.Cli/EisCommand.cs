using System.CommandLine;
using System.Globalization;
using ElectrodeSim.Analysis;
using ElectrodeSim.Cases;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Plotting;
using ElectrodeSim.Sweeps;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim eis RESULT.h5… [--out DIR]</c>: R_ct per spectrum and, over temperatures, the activation energy.</summary>
public static class EisCommand
{
    public static Command Create(IAnsiConsole console, Action<System.CommandLine.Parsing.ArgumentResult> rejectOptionLikeTokens)
    {
        var inputs = new Argument<FileInfo[]>("result") { Description = "Result files with an impedance step (/impedance)", Arity = ArgumentArity.OneOrMore };
        inputs.Validators.Add(rejectOptionLikeTokens);
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for eis.csv, eis.md, eis.nyquist.png, eis.bode.png, eis.arrhenius.png (default: beside the first result)" };
        var drt = new Option<bool>("--drt") { Description = "Also the distribution of relaxation times of each spectrum (Tikhonov-regularised NNLS over log-spaced RC elements): eis.drt.csv and its peaks" };
        var lambda = new Option<double>("--drt-lambda") { Description = "Regularisation λ of the DRT (dimensionless: residuals and weights are scaled by max |Z|)", DefaultValueFactory = _ => 1e-4 };
        var command = new Command("eis",
            "Impedance analysis: Nyquist and Bode figures, R_s and R_ct from the high-frequency semicircle (algebraic circle fit) and from a\n" +
            "porous-electrode transmission line fitted to the same arc (R_s, pore electrolyte R_ion, solid R_sol, interface R_ct || C), and\n" +
            "over results at two or more temperatures (each case's cell.temperature_K) the activation energy from R_ct(T): ln(1/R_ct)\n" +
            "vs 1/T (the papers' form) and ln(T/R_ct) vs 1/T (exact for Butler-Volmer). Results are grouped by case name without\n" +
            "its temperature. Writes eis.csv, eis.md and the figures.")
        { inputs, output, drt, lambda };
        command.SetAction(parse => Execute(console, parse.GetValue(inputs)!.Select(f => f.FullName).ToList(), parse.GetValue(output)?.FullName,
            parse.GetValue(drt) ? parse.GetValue(lambda) : null));
        return command;
    }

    /// <param name="Film">The case's film resistance over the electrode, R_film/(a L) [Ω·m²] (NaN when the result has no case).</param>
    private sealed record Spectrum(string Name, string Group, double Temperature, double[] Frequency, double[] Real, double[] Imaginary, double Film)
    {
        /// <summary>Legend text: the case and its temperature when known, else the file name.</summary>
        public string Label => double.IsFinite(Temperature) ? string.Create(CultureInfo.InvariantCulture, $"{Group} {Temperature:F0} K") : Name;
    }

    public static int Execute(IAnsiConsole console, IReadOnlyList<string> inputs, string? outputDirectory, double? drtRegularisation = null)
    {
        if (drtRegularisation is { } given && !(given > 0 && double.IsFinite(given)))
        {
            Console.Error.WriteLine($"error: --drt-lambda: {given.ToString(CultureInfo.InvariantCulture)} is not a regularisation λ > 0");
            return RunCommand.BadInput;
        }
        var spectra = new List<Spectrum>();
        foreach (var input in inputs)
        {
            try
            {
                using var file = Hdf5File.OpenRead(input);
                if (!file.Exists("/impedance/real")) { Console.Error.WriteLine($"error: {input}: has no /impedance spectrum (a run with a mode: impedance step)"); return RunCommand.BadInput; }
                double temperature = double.NaN, film = double.NaN;
                string group = Path.GetFileNameWithoutExtension(input);
                if (file.Exists("/") && TryText(file, "case_text") is { } text)
                {
                    try
                    {
                        var setup = CaseBuilder.Build(CaseFile.FromResult(input, text));
                        temperature = setup.Cell.Temperature;
                        group = setup.Name;
                        var working = setup.Cell.Electrodes[^1];
                        film = working.FilmResistance / (working.SpecificArea * working.Thickness);
                    }
                    catch (Exception e) when (e is CaseValidationException or IOException) { }
                }
                spectra.Add(new Spectrum(Path.GetFileNameWithoutExtension(input), group, temperature,
                    file.ReadArray("/impedance/frequency", out _), file.ReadArray("/impedance/real", out _), file.ReadArray("/impedance/imaginary", out _), film));
            }
            catch (Exception e) when (e is Hdf5Exception or IOException or ResultFileException)
            {
                Console.Error.WriteLine($"error: {input}: {e.Message}");
                return RunCommand.BadInput;
            }
        }
        string[] headers = ["result", "case", "temperature_K", "series_resistance_ohm_cm2", "charge_transfer_resistance_ohm_cm2", "apex_frequency_Hz", "arc_capacitance_F_cm2",
                            "line_series_resistance_ohm_cm2", "line_pore_electrolyte_resistance_ohm_cm2", "line_solid_resistance_ohm_cm2", "line_charge_transfer_resistance_ohm_cm2",
                            "line_capacitance_F_cm2", "line_relative_residual", "case_film_resistance_ohm_cm2"];
        var table = new SummaryTable(headers, headers.Select(h => h is not ("result" or "case")).ToList());
        var arcs = new List<(Spectrum S, Semicircle Arc, PorousElectrodeFit Line)>();
        foreach (var s in spectra)
        {
            Semicircle arc;
            PorousElectrodeFit line;
            try { arc = ImpedanceAnalysis.FitSemicircle(s.Frequency, s.Real, s.Imaginary); line = ImpedanceAnalysis.FitTransmissionLine(s.Frequency, s.Real, s.Imaginary); }
            catch (ArgumentException e) { Console.Error.WriteLine($"error: {s.Name}: {e.Message}"); return RunCommand.BadInput; }
            arcs.Add((s, arc, line));
            table.Rows.Add([s.Name, s.Group, s.Temperature, 1e4 * arc.SeriesResistance, 1e4 * arc.ChargeTransferResistance, arc.ApexFrequency, 1e-4 * arc.Capacitance,
                            1e4 * line.SeriesResistance, 1e4 * line.IonicResistance, 1e4 * line.SolidResistance, 1e4 * line.ChargeTransferResistance, 1e-4 * line.Capacitance, line.Residual, 1e4 * s.Film]);
        }
        string directory = outputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(inputs[0]))!;
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, "eis");
        table.WriteCsv(stem + ".csv");
        var notes = new List<string>();
        var arrhenius = new List<(string, double[], double[], double)>();
        foreach (var g in arcs.GroupBy(a => a.S.Group))
        {
            var points = g.Where(a => double.IsFinite(a.S.Temperature)).ToList();
            if (points.Select(a => a.S.Temperature).Distinct().Count() < 2) continue;
            var t = points.Select(a => a.S.Temperature).ToArray();
            var r = points.Select(a => a.Arc.ChargeTransferResistance).ToArray();
            var paper = ImpedanceAnalysis.Arrhenius(t, r);
            var exact = ImpedanceAnalysis.Arrhenius(t, r, withTemperature: true);
            string F(ArrheniusFit a) => string.Create(CultureInfo.InvariantCulture, $"{a.ActivationEnergy / 1000:F2} ± {a.ActivationEnergyError / 1000:F2}");
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{g.Key}: circle chord: Ea from ln(1/R_ct) vs 1/T = {F(paper)} kJ/mol (R² {paper.RSquared:F4}); from ln(T/R_ct) = {F(exact)} kJ/mol ({t.Length} temperatures)."));
            var line = points.Select(a => a.Line.ChargeTransferResistance).ToArray();
            notes.Add($"{g.Key}: transmission line's R_ct (kinetics + film): ln(1/R_ct) {F(ImpedanceAnalysis.Arrhenius(t, line))}, ln(T/R_ct) {F(ImpedanceAnalysis.Arrhenius(t, line, withTemperature: true))} kJ/mol.");
            if (points.All(a => double.IsFinite(a.S.Film)) && points.Any(a => a.S.Film > 0))
            {
                var kinetic = points.Select(a => a.Line.ChargeTransferResistance - a.S.Film).ToArray();
                if (kinetic.All(k => k > 0))
                    notes.Add($"{g.Key}: less the case's film resistance R_film/(aL) = {string.Create(CultureInfo.InvariantCulture, $"{1e4 * points[0].S.Film:G4}")} ohm cm^2 (no capacitance of its own, so no spectrum separates it): " +
                              $"ln(1/R_ct) {F(ImpedanceAnalysis.Arrhenius(t, kinetic))}, ln(T/R_ct) {F(ImpedanceAnalysis.Arrhenius(t, kinetic, withTemperature: true))} kJ/mol.");
            }
            arrhenius.Add((g.Key, t, line, ImpedanceAnalysis.Arrhenius(t, line).ActivationEnergy));
        }
        if (notes.Count == 0) notes.Add(string.Create(CultureInfo.InvariantCulture, $"{arcs.Count} spectra; R_ct {string.Join(", ", arcs.Select(a => $"{1e4 * a.Arc.ChargeTransferResistance:G4} ohm cm^2 ({a.S.Name})"))}; no case at two or more temperatures, so no activation energy."));
        if (drtRegularisation is { } lambda)
        {
            string[] drtHeaders = ["result", "tau_s", "g_ohm_cm2"];
            var drtTable = new SummaryTable(drtHeaders, [false, true, true]);
            foreach (var sp in spectra)
            {
                var d = ImpedanceAnalysis.DistributionOfRelaxationTimes(sp.Frequency, sp.Real, sp.Imaginary, lambda);
                for (int k = 0; k < d.Times.Length; k++) drtTable.Rows.Add([sp.Name, d.Times[k], 1e4 * d.Weights[k]]);
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{sp.Name}: DRT (λ = {lambda:G3}) peaks at τ = {string.Join(", ", d.PeakTimes().Select(t => $"{t:G3} s"))}; R_∞ {1e4 * d.HighFrequencyResistance:G4} ohm cm^2, Σg {1e4 * d.TotalResistance:G4} ohm cm^2, RMS misfit {1e4 * d.Residual:G3} ohm cm^2."));
            }
            drtTable.WriteCsv(stem + ".drt.csv");
        }
        table.WriteMarkdown(stem + ".md", "Impedance", notes);
        try
        {
            FigureRenderer.Write(AnalysisFigures.Nyquist("Nyquist", spectra.Select(s => (s.Label, s.Real, s.Imaginary)).ToList()), stem + ".nyquist.png", FigureFormat.Png, 900, 600);
            FigureRenderer.Write(AnalysisFigures.Bode("Bode", spectra.Select(s => (s.Label, s.Frequency, s.Real, s.Imaginary)).ToList()), stem + ".bode.png", FigureFormat.Png, 900, 600);
            if (arrhenius.Count > 0) FigureRenderer.Write(AnalysisFigures.Arrhenius("Arrhenius: transmission-line R_ct(T)", arrhenius), stem + ".arrhenius.png", FigureFormat.Png, 900, 600);
        }
        catch (FigureException e) { Console.Error.WriteLine($"warning: {e.Message}"); }
        foreach (var n in notes) console.WriteLine(n);
        foreach (var ext in new[] { ".csv", ".drt.csv", ".md", ".nyquist.png", ".bode.png", ".arrhenius.png" })
            if (File.Exists(stem + ext)) console.WriteLine($"  wrote {DisplayPath.Of(stem + ext)}");
        return RunCommand.Ok;
    }

    private static string? TryText(Hdf5File file, string attribute)
    {
        try { return file.ReadStringAttribute("/", attribute); }
        catch (Exception e) when (e is Hdf5Exception or KeyNotFoundException) { return null; }
    }
}
