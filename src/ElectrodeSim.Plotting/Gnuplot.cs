using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ElectrodeSim.Plotting;

/// <summary>gnuplot is missing, failed, or wrote no figure.</summary>
/// <param name="figureRejected">gnuplot ran but rejected this one figure (its script or data), as opposed to not running at all.</param>
public sealed class GnuplotException(string message, Exception? inner = null, bool figureRejected = false) : Exception(message, inner)
{
    /// <summary>gnuplot ran but failed on this figure; other figures may still be drawn.</summary>
    public bool FigureRejected { get; } = figureRejected;
}

/// <summary>One figure for gnuplot: a script body (after the terminal is set) and the data files it reads.</summary>
public sealed class GnuplotJob
{
    public required string OutputPath { get; init; }
    public required FigureFormat Format { get; init; }
    /// <summary>Size in pixels; a pdf page is <see cref="Gnuplot.PdfPixelsPerInch"/> pixels to the inch.</summary>
    public required int Width { get; init; }
    public required int Height { get; init; }
    public string Script { get; set; } = "";
    /// <summary>File name (relative to the job's working directory) → contents.</summary>
    public Dictionary<string, string> DataFiles { get; } = [];
}

/// <summary>
/// Runs gnuplot (Debian <c>gnuplot-nox</c>: pngcairo, svg and pdfcairo terminals) on a script in a
/// fresh temporary directory. The figure is written there first and moved into place only when
/// gnuplot exited cleanly and the file is non-empty, so a failure never leaves a broken image.
/// </summary>
public sealed class Gnuplot(string executable = "gnuplot")
{
    public const string PackageHint = "install the Debian package gnuplot-nox (tools/setup.sh installs it)";
    /// <summary>Scale of pdf figures: an 800-pixel-wide figure is a 5-inch-wide page.</summary>
    public const double PdfPixelsPerInch = 160;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public string Executable { get; } = executable;

    /// <summary>Throws <see cref="GnuplotException"/> with the package to install when gnuplot cannot be started.</summary>
    public string Version()
    {
        var (code, stdout, stderr) = Execute(["--version"], Environment.CurrentDirectory);
        if (code != 0) throw new GnuplotException($"'{Executable} --version' failed (exit code {code}): {stderr.Trim()}");
        return stdout.Trim();
    }

    /// <summary>Renders a job; returns gnuplot's warnings (stderr of a successful run), if any.</summary>
    public IReadOnlyList<string> Render(GnuplotJob job)
    {
        var work = Directory.CreateTempSubdirectory("electrodesim-gnuplot-").FullName;
        try
        {
            foreach (var (name, text) in job.DataFiles) File.WriteAllText(Path.Combine(work, name), text);
            string extension = job.Format.Extension();
            string temporary = "figure." + extension;
            File.WriteAllText(Path.Combine(work, "figure.gp"), Terminal(job, temporary) + job.Script, new UTF8Encoding(false));
            var (code, _, stderr) = Execute(["figure.gp"], work);
            if (code != 0)
                throw new GnuplotException($"gnuplot failed on {Path.GetFileName(job.OutputPath)} (exit code {code}): {stderr.Trim()}", figureRejected: true);
            var produced = new FileInfo(Path.Combine(work, temporary));
            if (!produced.Exists || produced.Length == 0)
                throw new GnuplotException($"gnuplot wrote no figure for {Path.GetFileName(job.OutputPath)}: {stderr.Trim()}", figureRejected: true);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(job.OutputPath))!);
            File.Move(produced.FullName, job.OutputPath, overwrite: true);
            return stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                         .Select(line => $"gnuplot ({Path.GetFileName(job.OutputPath)}): {line}").ToList();
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    private static string Terminal(GnuplotJob job, string output)
    {
        string terminal = job.Format switch
        {
            FigureFormat.Png => $"set terminal pngcairo size {job.Width},{job.Height} enhanced font 'DejaVu Sans,12' linewidth 1.3 background '#ffffff'",
            FigureFormat.Svg => $"set terminal svg size {job.Width},{job.Height} enhanced font 'DejaVu Sans,12' linewidth 1.3 background '#ffffff'",
            FigureFormat.Pdf => string.Create(CultureInfo.InvariantCulture,
                $"set terminal pdfcairo size {job.Width / PdfPixelsPerInch:0.##}in,{job.Height / PdfPixelsPerInch:0.##}in enhanced font 'DejaVu Sans,8' linewidth 1.0 background '#ffffff'"),
            _ => throw new ArgumentOutOfRangeException(nameof(job)),
        };
        return $"set encoding utf8\n{terminal}\nset output {Quote(output)}\n";
    }

    private (int Code, string Stdout, string Stderr) Execute(IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(info) ?? throw new GnuplotException($"{Executable} could not be started; {PackageHint}"); }
        catch (Win32Exception e) { throw new GnuplotException($"gnuplot was not found ('{Executable}' is not on PATH); {PackageHint}", e); }
        using (process)
        {
            process.StandardInput.Close();
            // The pipes are drained on threads of their own: figures are rendered in parallel from
            // pool threads, and pool-based reads would wait for the pool to grow (seconds on 2 cores).
            var stdout = Task.Factory.StartNew(process.StandardOutput.ReadToEnd, TaskCreationOptions.LongRunning);
            var stderr = Task.Factory.StartNew(process.StandardError.ReadToEnd, TaskCreationOptions.LongRunning);
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new GnuplotException($"gnuplot did not finish within {Timeout.TotalSeconds:F0} s");
            }
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    /// <summary>A gnuplot single-quoted string: no escapes are processed, a quote is doubled.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "''").Replace("\n", " ") + "'";

    /// <summary>A number as gnuplot reads it, whatever the process culture.</summary>
    public static string Number(double v) => double.IsFinite(v) ? v.ToString("G10", CultureInfo.InvariantCulture) : "NaN";
}
