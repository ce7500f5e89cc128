using ElectrodeSim.Cases;
using System.CommandLine;
using System.Globalization;
using ElectrodeSim.Analysis;
using ElectrodeSim.Plotting;
using ElectrodeSim.Sweeps;
using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim cv RESULT.h5… [--out DIR]</c>: b-value and Dunn split over results at several scan rates.</summary>
public static class CvCommand
{
    public static Command Create(IAnsiConsole console, Action<System.CommandLine.Parsing.ArgumentResult> rejectOptionLikeTokens)
    {
        var inputs = new Argument<FileInfo[]>("result") { Description = "Result files of voltage_sweep runs, one scan rate each (one sweep cycle of each is analysed, --cycle)", Arity = ArgumentArity.OneOrMore };
        inputs.Validators.Add(rejectOptionLikeTokens);
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder for cv.csv, cv.md, cv.overlay.png and cv.power_law.png (default: beside the first result)" };
        var cycle = new Option<int>("--cycle") { Description = "Sweep cycle to analyse in each result (1 = the first; the papers read a later one, after the first has set the history)", DefaultValueFactory = _ => 1 };
        var command = new Command("cv",
            "Cyclic voltammetry analysis: peak currents per scan rate, the b-value of |i_p| = a v^b (slope of log i_p vs log v, with its\n" +
            "standard error), and with two or more scan rates Dunn's capacitive fraction per scan rate (i(V) = k1 v + k2 v^1/2 fitted at\n" +
            "each potential of the shared window). A peak at a vertex (the current still rising where the sweep turns) is flagged: its\n" +
            "b-value measures the vertex, not a peak. Writes cv.csv, cv.md, cv.overlay.png and cv.power_law.png.")
        { inputs, output, cycle };
        command.SetAction(parse => Execute(console, parse.GetValue(inputs)!.Select(f => f.FullName).ToList(), parse.GetValue(output)?.FullName, parse.GetValue(cycle)));
        return command;
    }

    /// <summary>Sweep cycle <paramref name="cycle"/> (from 1) of a result as a voltammogram, or an error in words.</summary>
    public static (Voltammogram? Cv, string? Error) Read(ResultData data, int cycle = 1)
    {
        if (data.Series is not { Voltage: { } v, CurrentDensity: { } i, ProtocolStep: { } steps } series)
            return (null, "has no voltage, current or protocol-step series");
        string tag = $": sweep cycle {cycle} segment ";
        var sweep = data.Protocol.Where(o => o.Label.Contains(tag, StringComparison.Ordinal)).Select(o => o.Index).ToHashSet();
        if (sweep.Count == 0)
            return (null, data.Protocol.Any(o => o.Label.Contains(": sweep cycle 1 segment ", StringComparison.Ordinal))
                ? $"has no sweep cycle {cycle} (--cycle): its voltage_sweep has fewer cycles"
                : "has no voltage_sweep step (a step labelled '...: sweep cycle 1 segment ...')");
        var index = Enumerable.Range(0, series.Count).Where(k => sweep.Contains(steps[k])).ToArray();
        if (index.Length < 3) return (null, "its sweep has fewer than three records");
        var rates = new List<double>();
        for (int k = 1; k < index.Length; k++)
        {
            double dt = series.Time[index[k]] - series.Time[index[k - 1]];
            if (dt > 0) rates.Add(Math.Abs(v[index[k]] - v[index[k - 1]]) / dt);
        }
        rates.Sort();
        return (new Voltammogram(rates[rates.Count / 2], index.Select(k => v[k]).ToArray(), index.Select(k => i[k]).ToArray()), null);
    }

    public static int Execute(IAnsiConsole console, IReadOnlyList<string> inputs, string? outputDirectory, int cycle = 1)
    {
        if (cycle < 1) { Console.Error.WriteLine($"error: --cycle: {cycle} is not a sweep cycle (1, 2, ...)"); return RunCommand.BadInput; }
        var cvs = new List<(string Name, Voltammogram Cv)>();
        foreach (var input in inputs)
        {
            ResultData data;
            try { data = ResultData.Load(input); }
            catch (ResultFileException e) { Console.Error.WriteLine($"error: {e.Message}"); return RunCommand.BadInput; }
            var (cv, error) = Read(data, cycle);
            if (cv is null) { Console.Error.WriteLine($"error: {input}: {error}"); return RunCommand.BadInput; }
            cvs.Add((data.Stem, cv));
        }
        cvs.Sort((a, b) => a.Cv.ScanRate.CompareTo(b.Cv.ScanRate));
        var peaks = cvs.Select(c => VoltammetryAnalysis.Peaks(c.Cv)).ToList();
        bool rates = cvs.Count >= 2 && cvs.Select(c => c.Cv.ScanRate).Distinct().Count() >= 2;
        var scanRates = cvs.Select(c => c.Cv.ScanRate).ToList();
        LineFit? b = rates && peaks.All(p => double.IsFinite(p.PositivePeak)) ? VoltammetryAnalysis.BValue(scanRates, peaks.Select(p => p.PositivePeak).ToList()) : null;
        LineFit? bDelithiation = rates && peaks.All(p => double.IsFinite(p.NegativePeak)) ? VoltammetryAnalysis.BValue(scanRates, peaks.Select(p => p.NegativePeak).ToList()) : null;
        double[]? fractions = rates ? VoltammetryAnalysis.CapacitiveFractions(cvs.Select(c => c.Cv).ToList()) : null;
        string[] headers = ["result", "scan_rate_mV_s", "lithiation_peak_A_m2", "lithiation_peak_V", "lithiation_peak_at_vertex", "delithiation_peak_A_m2", "delithiation_peak_V", "delithiation_peak_at_vertex", "capacitive_fraction"];
        var table = new SummaryTable(headers, headers.Select(h => h is not ("result" or "lithiation_peak_at_vertex" or "delithiation_peak_at_vertex")).ToList());
        for (int k = 0; k < cvs.Count; k++)
            table.Rows.Add([cvs[k].Name, cvs[k].Cv.ScanRate * 1e3, peaks[k].PositivePeak, peaks[k].PositivePeakPotential, peaks[k].PositivePeakAtVertex ? "yes" : "no",
                            peaks[k].NegativePeak, peaks[k].NegativePeakPotential, peaks[k].NegativePeakAtVertex ? "yes" : "no", fractions?[k] ?? double.NaN]);
        string Fit(string which, LineFit? fit, Func<VoltammogramPeaks, bool> atVertex)
        {
            if (fit is not { } f) return $"no {which} b-value (a scan rate without current of that sign).";
            int vertex = peaks.Count(atVertex);
            return string.Create(CultureInfo.InvariantCulture, $"b-value of the {which} peak: {f.Slope:F3} ± {f.SlopeError:F3} (R² {f.RSquared:F4}, {f.Points} scan rates)") +
                   (vertex > 0 ? $"; {vertex} of the {peaks.Count} peaks lie at a vertex (the current still rising where the sweep turns): that b measures the vertex, not a peak." : "; every peak is an interior maximum.");
        }
        var notes = rates
            ? new List<string>
            {
                Fit("lithiation", b, p => p.PositivePeakAtVertex), Fit("delithiation", bDelithiation, p => p.NegativePeakAtVertex),
                string.Create(CultureInfo.InvariantCulture, $"Dunn capacitive fraction {string.Join(", ", fractions!.Select((f, k) => $"{f:P1} at {cvs[k].Cv.ScanRate * 1e3:G3} mV/s"))} (sweep cycle {cycle})."),
            }
            : ["one scan rate: peaks only (b-value and Dunn's split need two or more scan rates)."];
        string directory = outputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(inputs[0]))!;
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, "cv");
        table.WriteCsv(stem + ".csv");
        table.WriteMarkdown(stem + ".md", "Cyclic voltammetry", notes);
        try
        {
            FigureRenderer.Write(AnalysisFigures.VoltammogramOverlay("Cyclic voltammograms", cvs.Select(c => ($"{c.Cv.ScanRate * 1e3:G3} mV/s", c.Cv.Potential, c.Cv.Current)).ToList()), stem + ".overlay.png", FigureFormat.Png, 900, 600);
            if (b is { } f) FigureRenderer.Write(AnalysisFigures.PeakCurrentPowerLaw("log i_p – log v", cvs.Select(c => c.Cv.ScanRate).ToList(), peaks.Select(p => p.PositivePeak).ToList(), f.Slope, f.Intercept), stem + ".power_law.png", FigureFormat.Png, 900, 600);
        }
        catch (FigureException e) { Console.Error.WriteLine($"warning: {e.Message}"); }
        foreach (var note in notes) console.WriteLine(note);
        foreach (var ext in new[] { ".csv", ".md", ".overlay.png", ".power_law.png" })
            if (File.Exists(stem + ext)) console.WriteLine($"  wrote {DisplayPath.Of(stem + ext)}");
        return RunCommand.Ok;
    }
}
