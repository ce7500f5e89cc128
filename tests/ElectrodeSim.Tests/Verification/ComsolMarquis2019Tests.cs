using ElectrodeSim.Tests.Support;
using ElectrodeSim.Validation;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// MODEL.md §8, external: the Marquis2019 full cell at 1C (24 A/m², 3600 s, no cut-off) against the COMSOL DFN
/// results of shared/reference/marquis2019, compared on the reference's own output times as
/// <c>electrodesim validate validation/marquis2019</c> does (the other C-rates run there).
/// validation/marquis2019/README.md has the numbers, the mesh-convergence table and why the stored voltage
/// cannot be met within 1 mV at the end of discharge.
/// </summary>
public class ComsolMarquis2019Tests(ITestOutputHelper output)
{
    private static readonly Lazy<CaseComparison> OneC = new(() =>
    {
        var manifest = ValidationManifest.Load(Repository.ValidationCase("marquis2019"));
        var entry = manifest.Cases!.Single(c => c.Case == "marquis2019-1C.yaml");
        string reference = manifest.ReferencePath();
        if (!Directory.Exists(reference))
            throw new DirectoryNotFoundException($"the COMSOL reference results are not at {reference} (shared/reference/marquis2019 next to the repository)");
        return ReferenceComparison.Run(manifest, entry, reference);
    });

    private CaseComparison Result
    {
        get
        {
            var r = OneC.Value;
            output.WriteLine($"1C: max |dV| {r.Voltage.MaxMillivolts:F3} mV at {r.Voltage.TimeOfMax:F0} s, RMS {r.Voltage.RmsMillivolts:F3} mV; mesh {r.MeshDescription}, {r.WallTime.TotalSeconds:F2} s");
            if (r.Implied is { } i)
                output.WriteLine($"    vs the voltage COMSOL's fields imply: max {i.SimulationVsImplied.MaxMillivolts:F3} mV; COMSOL's stored vs implied: max {i.ReferenceVsImplied.MaxMillivolts:F3} mV at {i.ReferenceVsImplied.TimeOfMax:F0} s");
            foreach (var f in r.Fields) output.WriteLine($"    {f.Quantity}: max relative error {100 * f.MaxRelative:F3} % at t = {f.Time:F0} s, x = {1e6 * f.Position:F1} um");
            return r;
        }
    }

    [Fact(Skip = "Cannot pass against the stored reference: after 3400 s COMSOL's stored 1C voltage disagrees by up to 2.8 mV with the voltage its own stored fields imply " +
                 "(Full_cell_voltage_matches_the_voltage_COMSOLs_own_1C_fields_imply_within_1mV); the mesh-converged simulation is 2.6 mV above the stored voltage at 3528 s " +
                 "and within 0.3 mV of the field-implied one. See validation/marquis2019/README.md.")]
    public void Full_cell_voltage_matches_COMSOL_within_1mV_at_1C()
    {
        var r = Result;
        Assert.Equal(200, r.Voltage.Points);
        Assert.True(r.Voltage.Max <= 1e-3, $"max |dV| = {r.Voltage.MaxMillivolts:F3} mV at t = {r.Voltage.TimeOfMax:F0} s");
    }

    [Fact]
    public void Full_cell_voltage_matches_COMSOL_within_1mV_at_1C_wherever_COMSOLs_voltage_agrees_with_its_own_fields()
    {
        var r = Result;
        var implied = r.Implied!;
        double worst = 0, at = 0;
        int points = 0;
        for (int k = 0; k < r.Time.Length; k++)
        {
            if (!(r.ReferenceVoltage[k] > 3.105) || !(Math.Abs(r.ReferenceVoltage[k] - implied.Voltage[k]) <= 1e-4)) continue;
            points++;
            double d = Math.Abs(r.SimulatedVoltage[k] - r.ReferenceVoltage[k]);
            if (d > worst) { worst = d; at = r.Time[k]; }
        }
        output.WriteLine($"{points} of {r.Time.Length} reference points agree with their fields within 0.1 mV; there max |dV| = {1e3 * worst:F3} mV at {at:F0} s");
        Assert.True(points >= 170, $"only {points} reference points are self-consistent");
        Assert.True(worst <= 1e-3, $"max |dV| = {1e3 * worst:F3} mV at t = {at:F0} s");
    }

    [Fact]
    public void Full_cell_voltage_matches_the_voltage_COMSOLs_own_1C_fields_imply_within_1mV()
    {
        var implied = Result.Implied!;
        Assert.Equal(200, implied.SimulationVsImplied.Points);
        Assert.True(implied.SimulationVsImplied.Max <= 1e-3, $"max |V - V_implied| = {implied.SimulationVsImplied.MaxMillivolts:F3} mV at t = {implied.SimulationVsImplied.TimeOfMax:F0} s");
        // The reference's own inconsistency, which is why the stored voltage cannot be met within 1 mV (see the skipped test).
        Assert.True(implied.ReferenceVsImplied.Max > 2e-3, $"COMSOL's stored voltage now agrees with its fields within {implied.ReferenceVsImplied.MaxMillivolts:F3} mV: revisit the skipped test");
    }

    [Fact]
    public void Full_cell_voltage_differs_from_COMSOL_by_less_than_half_a_mV_RMS_at_1C()
    {
        var r = Result;
        Assert.True(r.Voltage.Rms <= 0.5e-3, $"RMS |dV| = {r.Voltage.RmsMillivolts:F3} mV");
    }

    [Fact]
    public void Full_cell_electrolyte_concentration_matches_COMSOL_within_1_percent_everywhere_at_1C()
    {
        var ce = Result.ElectrolyteConcentration!;
        Assert.True(ce.MaxRelative <= 0.01, $"max relative c_e error {100 * ce.MaxRelative:F3} % at t = {ce.Time:F0} s, x = {1e6 * ce.Position:F1} um");
    }

    [Fact]
    public void Full_cell_electrolyte_potential_and_surface_concentrations_match_COMSOL_at_1C()
    {
        var fields = Result.Fields.ToDictionary(f => f.Quantity);
        Assert.True(fields[ReferenceComparison.ElectrolytePotential].MaxAbsolute <= 1e-3, "phi_e differs by more than 1 mV");
        Assert.True(fields[ReferenceComparison.NegativeSurfaceConcentration].MaxRelative <= 0.01, "negative c_s,surf differs by more than 1 %");
        Assert.True(fields[ReferenceComparison.PositiveSurfaceConcentration].MaxRelative <= 0.001, "positive c_s,surf differs by more than 0.1 %");
    }
}
