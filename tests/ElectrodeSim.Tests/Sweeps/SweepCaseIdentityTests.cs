using ElectrodeSim.Cases;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Sweeps;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Sweeps;

/// <summary>
/// A sweep builds its cases from the base case's parsed events with the swept scalars replaced (the text is not read
/// again) and writes a run without fields in one go at its end: neither may change what a case is or what its file holds.
/// </summary>
public class SweepCaseIdentityTests
{
    private static string WriteSweep(string folder, bool fields) =>
        WriteFile(Path.Combine(folder, $"identity-{fields}.yaml"), $$"""
            base: {{Repository.Case("sio-c-l.yaml")}}
            set: {output.fields: {{(fields ? "true" : "false")}}, mesh.separator_cells: 3, mesh.particle_shells: 5}
            axes:
              protocol[0].current_density_mA_cm2: [2, 7.5]
              mesh.electrode_cells: [4, 6]
              electrode.kinetics.film_resistance_ohm_m2: [0, 1.0e-3]
            """);

    private static string WriteFile(string path, string text) { File.WriteAllText(path, text); return path; }

    [Fact]
    public void Every_generated_case_has_the_fingerprint_and_the_setup_of_its_resolved_text_read_as_a_file()
    {
        using var temp = new Repository.TemporaryDirectory();
        var plan = SweepPlan.Build(SweepDefinition.Load(WriteSweep(temp.Path, fields: false)));
        Assert.Equal(8, plan.Cases.Count);
        foreach (var c in plan.Cases)
        {
            var read = CaseBuilder.Build(CaseFile.Parse(c.ResolvedText, "resolved.yaml", Path.Combine(Repository.Root, "cases")));
            Assert.Equal(CaseFingerprint.Of(c.ResolvedText, read.InputFiles), c.Fingerprint);
            // The swept values reached the setup (SI: mA/cm² × 10 = A/m²) exactly as reading the text gives them.
            Assert.Equal(read.Protocol.Steps[0].Value, c.Setup.Protocol.Steps[0].Value);
            Assert.Equal((read.Mesh.SeparatorCells, read.Mesh.ElectrodeCells, read.Mesh.ParticleShells), (c.Setup.Mesh.SeparatorCells, c.Setup.Mesh.ElectrodeCells, c.Setup.Mesh.ParticleShells));
            Assert.Equal(read.Cell.Electrodes[0].FilmResistance, c.Setup.Cell.Electrodes[0].FilmResistance);
            Assert.Equal(read.CaseText, c.Setup.CaseText);
            Assert.Equal(read.ProvenanceJson, c.Setup.ProvenanceJson);
        }
        // Different inputs, different cases: the eight fingerprints are distinct.
        Assert.Equal(8, plan.Cases.Select(c => c.Fingerprint).Distinct().Count());
    }

    [Fact]
    public void A_swept_value_of_the_wrong_kind_is_reported_at_its_key_path_like_the_same_value_in_a_file()
    {
        string text = File.ReadAllText(Repository.Case("sio-c-l.yaml"));
        string directory = Path.Combine(Repository.Root, "cases");
        var fromFile = Assert.Throws<CaseValidationException>(() => CaseBuilder.Build(CaseFile.Parse(text.Replace("  thickness_um: 16.7\n", "  thickness_um: thick\n"), "l", directory)));
        var fromSet = Assert.Throws<CaseValidationException>(() => CaseBuilder.Build(CaseOverrides.Parse(text, [new CaseOverride("electrode.thickness_um", "thick")], "l", directory, out _)));
        Assert.Equal(fromFile.Errors.Select(e => (e.Path, e.Value)), fromSet.Errors.Select(e => (e.Path, e.Value)));
        Assert.Contains(fromSet.Errors, e => e.Path == "electrode.thickness_um");
    }

    [Fact]
    public void A_sweep_case_file_holds_the_records_and_summary_of_a_standalone_run_and_of_the_same_case_with_fields()
    {
        using var temp = new Repository.TemporaryDirectory();
        string without = Path.Combine(temp.Path, "without"), with = Path.Combine(temp.Path, "with");
        var plan = SweepPlan.Build(SweepDefinition.Load(WriteSweep(temp.Path, fields: false)));
        var rows = new SweepRunner(plan, without, 2).Run(null, CancellationToken.None);
        Assert.All(rows, r => Assert.True(r.Status == SweepRow.Complete, r.Reason));
        var withFields = new SweepRunner(SweepPlan.Build(SweepDefinition.Load(WriteSweep(temp.Path, fields: true))), with, 2).Run(null, CancellationToken.None);
        Assert.All(withFields, r => Assert.True(r.Status == SweepRow.Complete, r.Reason));

        foreach (var c in plan.Cases)
        {
            // The same case run alone, read from its resolved text as a file would be.
            string alone = Path.Combine(temp.Path, "alone", c.Name + ".h5");
            var result = Simulator.Run(CaseBuilder.Build(CaseFile.Parse(c.ResolvedText, "resolved.yaml", Path.Combine(Repository.Root, "cases"))), alone);
            Assert.True(result.Solution.Time.Count > 10);
            using var swept = Hdf5File.OpenRead(Path.Combine(without, c.Name + ".h5"));
            using var single = Hdf5File.OpenRead(alone);
            using var streamed = Hdf5File.OpenRead(Path.Combine(with, c.Name + ".h5"));
            Assert.Equal("complete", swept.ReadStringAttribute("/", "status"));
            Assert.Equal(single.ReadStringAttribute("/", "case_text"), swept.ReadStringAttribute("/", "case_text"));
            foreach (var series in new[] { "/time", "/voltage", "/current_density", "/specific_capacity", "/charge" })
            {
                var values = swept.ReadArray(series, out var dims);
                Assert.Equal(result.Solution.Time.Count, dims[0]);
                Assert.Equal(single.ReadArray(series, out _), values);      // bit for bit
                Assert.Equal(streamed.ReadArray(series, out _), values);    // written in one go = appended record by record
            }
            Assert.Equal(single.ReadIntArray("/protocol_step", out _), swept.ReadIntArray("/protocol_step", out _));
            Assert.Equal(streamed.ReadIntArray("/protocol_step", out _), swept.ReadIntArray("/protocol_step", out _));
            Assert.Equal(result.Solution.Voltage, swept.ReadArray("/voltage", out _));
            foreach (var key in new[] { "summary_capacity_mAh_g", "summary_average_voltage_V", "summary_final_mean_state_of_lithiation", "summary_solver_steps" })
                Assert.Equal(single.ReadDoubleAttribute("/", key), swept.ReadDoubleAttribute("/", key));
            Assert.Equal(rows[c.Index].Metrics.Capacity, result.Summary.Capacity);
            Assert.Equal(rows[c.Index].Metrics.AverageVoltage, result.Summary.AverageVoltage);
        }
    }
}
