using ElectrodeSim.Tests.Support;
using ElectrodeSim.Validation;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// MODEL.md §8, external: the Marquis2019 full cell (24 A/m² = 1C, 3600 s / C-rate, no cut-off) against the COMSOL
/// DFN results of shared/reference/marquis2019, compared on the reference's own output times and in its voltage
/// window as <c>electrodesim validate validation/marquis2019</c> does (<see cref="ReferenceComparison"/>; the 1C
/// fields too). COMSOL's stored voltage is interpolated between its internal steps, so the 1 mV targets are checked
/// against COMSOL's own solution at those steps (recovered by <see cref="InternalStepRecovery"/>, at 1C and 0.5C),
/// and the stored samples themselves against what PyBaMM's DFN achieves on them (all five rates).
/// validation/marquis2019/README.md has the numbers, the mesh-convergence table and the evidence for the interpolation.
/// </summary>
public class ComsolMarquis2019Tests(ITestOutputHelper output)
{
    /// <summary>One run per C-rate of validation.yaml, shared by every test of that rate (0.2-0.6 s each).</summary>
    private static readonly IReadOnlyDictionary<string, Lazy<CaseComparison>> Runs =
        new[] { "0.1C", "0.5C", "1C", "2C", "3C" }.ToDictionary(rate => rate, rate => new Lazy<CaseComparison>(() => Run($"marquis2019-{rate}.yaml")));

    private static Lazy<CaseComparison> OneC => Runs["1C"];
    private static Lazy<CaseComparison> HalfC => Runs["0.5C"];

    private static ValidationManifest Manifest => ValidationManifest.Load(Repository.ValidationCase("marquis2019"));

    private static string ReferenceDirectory
    {
        get
        {
            string reference = Manifest.ReferencePath();
            if (!Directory.Exists(reference))
                throw new DirectoryNotFoundException($"the COMSOL reference results are not at {reference} (shared/reference/marquis2019 next to the repository)");
            return reference;
        }
    }

    private static CaseComparison Run(string caseFile)
    {
        var manifest = Manifest;
        return ReferenceComparison.Run(manifest, manifest.Cases!.Single(c => c.Case == caseFile), ReferenceDirectory);
    }

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

    /// <summary>
    /// The raw comparison: max |ΔV| at COMSOL's stored samples (its output times, inside the manifest's 3.105 V
    /// window) no larger than PyBaMM's DFN has there. No solver of this model can meet them within 1 mV at 0.5C and
    /// 1C (they are interpolated between COMSOL's steps, see <see cref="COMSOLs_stored_1C_voltage_is_piecewise_quadratic"/>),
    /// so they are held to what a second solver of the same DFN gets on them.
    /// <paramref name="pybammMaxMillivolts"/>: measured by the author of issue 7 with PyBaMM's DFN on the same stored
    /// samples and the same comparison window (as given in issue 7); <paramref name="points"/>: the samples in that window.
    /// </summary>
    [Theory]
    [InlineData("0.1C", 200, 0.72)]
    [InlineData("0.5C", 200, 2.50)]
    [InlineData("1C", 200, 4.47)]
    [InlineData("2C", 196, 4.68)]
    [InlineData("3C", 191, 4.68)]
    public void Full_cell_voltage_is_no_further_from_COMSOLs_stored_samples_than_PyBaMMs_DFN(string rate, int points, double pybammMaxMillivolts)
    {
        var r = Runs[rate].Value;
        output.WriteLine($"{rate}: at COMSOL's {r.Voltage.Points} stored samples above {Manifest.VoltageWindowAboveV} V ours max |dV| {r.Voltage.MaxMillivolts:F3} mV at {r.Voltage.TimeOfMax:F0} s " +
                         $"(RMS {r.Voltage.RmsMillivolts:F3} mV), PyBaMM's DFN {pybammMaxMillivolts:F2} mV; run {r.WallTime.TotalSeconds:F2} s");
        Assert.Equal(points, r.Voltage.Points);
        Assert.True(r.Voltage.MaxMillivolts <= pybammMaxMillivolts,
            $"{rate}: max |dV| = {r.Voltage.MaxMillivolts:F3} mV at t = {r.Voltage.TimeOfMax:F0} s, above PyBaMM's DFN ({pybammMaxMillivolts:F2} mV)");
    }

    /// <summary>Asserts |ΔV| ≤ 1 mV at the recovered internal steps, which must reach past <paramref name="lastStepAfter"/> (toward the end of discharge, where the raw comparison exceeds 1 mV).</summary>
    private void AssertWithin1mVAtInternalSteps(CaseComparison r, int minimumSteps, double lastStepAfter)
    {
        var steps = r.ReferenceSteps!;
        var e = r.StepVoltage!;
        output.WriteLine($"{r.CaseName}: at COMSOL's {e.Points} recovered internal steps ({steps.Steps[0].Time:F0}-{steps.Steps[^1].Time:F0} s, {steps.Dropped} dropped) " +
                         $"max |dV| {e.MaxMillivolts:F3} mV at {e.TimeOfMax:F0} s, RMS {e.RmsMillivolts:F3} mV; raw: max {r.Voltage.MaxMillivolts:F3} mV at {r.Voltage.TimeOfMax:F0} s");
        Assert.True(e.Points >= minimumSteps, $"only {e.Points} internal steps recovered");
        Assert.True(steps.Steps[^1].Time >= lastStepAfter, $"the last recovered step is at {steps.Steps[^1].Time:F0} s");
        Assert.True(e.Max <= 1e-3, $"max |dV| at the internal steps = {e.MaxMillivolts:F3} mV at t = {e.TimeOfMax:F0} s");
    }

    [Fact]
    public void Full_cell_voltage_matches_COMSOLs_internal_steps_within_1mV_at_1C() => AssertWithin1mVAtInternalSteps(Result, 35, 3420);

    [Fact]
    public void Full_cell_voltage_matches_COMSOLs_internal_steps_within_1mV_at_half_C() => AssertWithin1mVAtInternalSteps(HalfC.Value, 30, 6900);

    /// <summary>
    /// Why the stored samples cannot be met within 1 mV, independent of this model: COMSOL's stored 1C voltage is piecewise
    /// quadratic, every stored sample between two recovered internal steps is the quadratic through the step
    /// values at t_{n-2}, t_{n-1}, t_n (to the 12 digits of the file), and a cubic through four step values
    /// differs from the stored samples by about a millivolt near the end of discharge: the interpolation, not
    /// the solution, is what the raw comparison sees there.
    /// </summary>
    [Fact]
    public void COMSOLs_stored_1C_voltage_is_piecewise_quadratic()
    {
        var reference = ReferenceVoltage.Read(Path.Combine(ReferenceDirectory, "comsol_1C_voltage.csv"));
        var r = InternalStepRecovery.Recover(reference.Time, reference.Voltage);
        var steps = r.Steps;
        double Lagrange(int first, int count, double t)
        {
            double sum = 0;
            for (int a = first; a < first + count; a++)
            {
                double l = 1;
                for (int b = first; b < first + count; b++)
                    if (b != a) l *= (t - steps[b].Time) / (steps[a].Time - steps[b].Time);
                sum += l * steps[a].Value;
            }
            return sum;
        }
        double worstQuadratic = 0, worstCubic = 0, cubicAt = 0;
        int samples = 0;
        for (int n = 2; n < steps.Count; n++)
            for (int k = 0; k < reference.Time.Length; k++)
            {
                double t = reference.Time[k];
                if (!(t > steps[n - 1].Time && t <= steps[n].Time)) continue;
                samples++;
                worstQuadratic = Math.Max(worstQuadratic, Math.Abs(reference.Voltage[k] - Lagrange(n - 2, 3, t)));
                if (n + 1 < steps.Count && Math.Abs(reference.Voltage[k] - Lagrange(n - 2, 4, t)) is var d && d > worstCubic) { worstCubic = d; cubicAt = t; }
            }
        var gaps = steps.Zip(steps.Skip(1), (a, b) => b.Time - a.Time).ToArray();
        output.WriteLine($"{r.ZeroWindows} of {r.Windows} third differences zero (largest {r.LargestZeroFraction:G3} of the tolerance 8e-11 |V|, the others at least {r.SmallestNonZeroMultiple:G3} times it); " +
                         $"{steps.Count} steps {steps[0].Time:F1}-{steps[^1].Time:F1} s, {r.Dropped} dropped, steps of {gaps.Min():F1}-{gaps.Max():F1} s; estimates agree within {1e6 * r.MaxValueDifference:F2} uV");
        output.WriteLine($"{samples} stored samples between recovered steps: max |stored - quadratic through 3 step values| {worstQuadratic:G3} V; " +
                         $"max |stored - cubic through 4 step values| {1e3 * worstCubic:F3} mV at {cubicAt:F0} s");

        Assert.True(r.ZeroWindows >= 60, $"only {r.ZeroWindows} zero third differences");
        Assert.True(r.LargestZeroFraction < 0.5 && r.SmallestNonZeroMultiple > 5, "zero and non-zero third differences are not clearly separated");
        Assert.True(steps.Count >= 35, $"only {steps.Count} steps recovered");
        Assert.True(gaps.Min() > 60 && gaps.Max() < 100, "the recovered steps are not consecutive 70-98 s steps");
        Assert.True(r.MaxValueDifference <= 1e-5, $"two estimates of a step differ by {r.MaxValueDifference:G3} V");
        Assert.True(samples >= 150, $"only {samples} samples between recovered steps");
        Assert.True(worstQuadratic <= 1e-8, $"a stored sample is {worstQuadratic:G3} V off the quadratic through the recovered steps");
        Assert.True(worstCubic >= 0.5e-3, $"the cubic through four steps is within {1e3 * worstCubic:F3} mV of the stored samples");
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
        // The reference's own inconsistency, which is why the stored voltage cannot be met within 1 mV (see Full_cell_voltage_is_no_further_from_COMSOLs_stored_samples_than_PyBaMMs_DFN).
        Assert.True(implied.ReferenceVsImplied.Max > 2e-3, $"COMSOL's stored voltage now agrees with its fields within {implied.ReferenceVsImplied.MaxMillivolts:F3} mV: the stored samples could be held to 1 mV again");
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
