using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Sweeps;

/// <summary>A sweep case's fingerprint covers the files the case reads: an edited OCP table reruns the cases that read it.</summary>
public class InputFileFingerprintTests
{
    private sealed class Skips : ISweepProgress
    {
        public int Skipped, Ran;
        public void Started(SweepCase c) { }
        public void Finished(SweepCase c, SweepRow row, bool skipped) { if (skipped) Interlocked.Increment(ref Skipped); else Interlocked.Increment(ref Ran); }
    }

    /// <summary>θ,U from 0.6 V at θ = 0 falling to 0.01 V at θ = 1 (U = 0.01 + (0.59 + shift)(1 − θ)^1.5).</summary>
    private static void WriteTable(string path, double shift)
    {
        var text = new StringBuilder("# theta, U [V]\ntheta,U\n");
        for (int i = 0; i <= 40; i++)
        {
            double theta = i / 40.0;
            text.Append(CultureInfo.InvariantCulture, $"{theta:R},{0.01 + (0.59 + shift) * Math.Pow(1 - theta, 1.5):R}\n");
        }
        File.WriteAllText(path, text.ToString());
    }

    private static string WriteSweep(string folder)
    {
        string caseText = Regex.Replace(File.ReadAllText(Repository.Case("sio-c-l.yaml")), @"  ocp:\n(    .*\n)+", "  ocp:\n    table: ocp.csv\n");
        caseText = Regex.Replace(caseText, @"    electrode\.ocp\.parameters\..*\n", "");
        File.WriteAllText(Path.Combine(folder, "tabulated.yaml"), caseText);
        WriteTable(Path.Combine(folder, "ocp.csv"), 0);
        string sweep = Path.Combine(folder, "tabulated-sweep.yaml");
        File.WriteAllText(sweep, """
            base: tabulated.yaml
            set: {output.fields: false, mesh.separator_cells: 3, mesh.electrode_cells: 4, mesh.particle_shells: 4}
            axes:
              protocol[0].current_density_mA_cm2: [4, 5]
            """);
        return sweep;
    }

    private static (IReadOnlyList<SweepRow> Rows, Skips Progress) Run(string sweep, string output)
    {
        var progress = new Skips();
        var rows = new SweepRunner(SweepPlan.Build(SweepDefinition.Load(sweep)), output, 2).Run(progress, CancellationToken.None);
        Assert.All(rows, r => Assert.True(r.Status == SweepRow.Complete, r.Reason));
        return (rows, progress);
    }

    [Fact]
    public void Editing_a_table_the_cases_read_reruns_them_and_leaving_it_alone_or_touching_it_does_not()
    {
        using var temp = new Repository.TemporaryDirectory();
        string sweep = WriteSweep(temp.Path), output = Path.Combine(temp.Path, "out"), table = Path.Combine(temp.Path, "ocp.csv");
        var (first, p1) = Run(sweep, output);
        Assert.Equal(2, p1.Ran);
        using (var file = Hdf5File.OpenRead(Path.Combine(output, "case-0000.h5")))
            Assert.Matches("^\\{\"electrode.ocp.table\":\"[0-9a-f]{64}\"\\}$", file.ReadStringAttribute("/", "input_files"));

        File.SetLastWriteTimeUtc(table, DateTime.UtcNow.AddMinutes(1));   // same content, new time: still the same cases
        var (_, p2) = Run(sweep, output);
        Assert.Equal((0, 2), (p2.Ran, p2.Skipped));

        WriteTable(table, 0.05);                                             // a different curve: both cases are new
        var (third, p3) = Run(sweep, output);
        Assert.Equal((2, 0), (p3.Ran, p3.Skipped));
        Assert.NotEqual(first[0].Metrics.AverageVoltage, third[0].Metrics.AverageVoltage);
    }
}
