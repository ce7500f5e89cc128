using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// Homogenisation (issue 11): the 2-D resolved electrode of many small discs approaches the P2D electrode with the same effective
/// parameters — active fraction ε_s = the packed disc area fraction φ, specific area a = 2φ/R (P2D spheres of radius 1.5 R have
/// 3ε_s/R_p = 2φ/R), the same electrolyte, kinetics and equilibrium curve — as the discs shrink at a fixed area fraction.
/// </summary>
public class ResolvedHomogenisationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string U(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The shared case: SiO@C-l in a thin cell (1 µm separator, 4 µm electrode), electronic conduction and the particle contacts made
    /// ideal (10⁴ S/m, 10⁹ S/m²) so that neither model has a resistance the other lacks, solid diffusion slow enough to matter for
    /// the largest discs.
    /// </summary>
    private static readonly string[] Common =
    [
        "separator.thickness_um=1", "electrode.thickness_um=4", "electrode.solid_diffusivity_m2_s=4e-15", "electrode.solid_conductivity_S_m=1e4",
        "resolved.particle_conductivity_S_m=1e4", "resolved.carbon_binder_conductivity_S_m=1e4", "resolved.contact_conductance_S_m2=1e9",
        "resolved.particle_area_fraction=0.4", "mesh.separator_cells=4", "mesh.electrode_cells=16", "mesh.particle_shells=12",
        // Uniform separator columns of h, as when the table in docs/resolved-model.md was measured (the graded one moves it by ≤ 0.02 %).
        "resolved.separator_mesh.growth=1",
    ];

    private static SimulationSetup Load(IEnumerable<string> overrides) =>
        CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l-2d.yaml"), [.. Common.Concat(overrides).Select(a => CaseOverride.Parse(a))]));

    [Fact]
    public void Smaller_discs_at_the_same_area_fraction_approach_the_matching_P2D_capacity_and_average_voltage()
    {
        var radii = new[] { 0.6, 0.3, 0.15 };
        const double perCell = 3;
        var rows = new List<(double R, double Capacity2D, double CapacityP2D, double Voltage2D, double VoltageP2D)>();
        foreach (double r in radii)
        {
            // Box height 5 R and cells of R / 3: the mesh has the same cells per disc at every size, so the trend is the discs', not the mesh's.
            double h = r / perCell;
            var resolved = Load([$"electrode.particle_radius_um={U(r)}", $"resolved.height_um={U(5 * r)}", $"resolved.cell_size_um={U(h)}",
                $"resolved.minimum_gap_um={U(h)}", $"resolved.separator_gap_um={U(h)}", $"resolved.collector_gap_um={U(h)}", $"resolved.contact_distance_um={U(h)}"]);
            var run2d = Simulator.RunResolved(resolved);
            double phi = run2d.Model.Mesh.Packing.AreaFraction;
            // The P2D twin comes from the same 2-D case file, whose build packs discs (a packing that cannot reach its fraction is a
            // case error): a small disc fraction keeps that packing reachable; the P2D run drops the resolved section anyway.
            var p2dSetup = Load([$"electrode.particle_radius_um={U(1.5 * r)}", $"electrode.active_volume_fraction={U(phi)}", "resolved.particle_area_fraction=0.05"]) with { Resolved = null };
            var p2d = Simulator.Run(p2dSetup);
            double v2d = run2d.Solution.AverageVoltage(0);
            rows.Add((r, run2d.Capacity, p2d.Summary.Capacity, v2d, p2d.Summary.AverageVoltage));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"R = {r} um: {run2d.Model.Mesh.Packing.Discs.Count} discs, phi {phi:F4}, {run2d.Model.Size} unknowns, {run2d.Solution.WallTime.TotalSeconds:F2} s; " +
                $"2-D {run2d.Capacity:F2} mAh/g, {v2d:F5} V; P2D (R_p = {1.5 * r} um) {p2d.Summary.Capacity:F2} mAh/g, {p2d.Summary.AverageVoltage:F5} V; " +
                $"difference {100 * (run2d.Capacity / p2d.Summary.Capacity - 1):F3} %, {1e3 * (v2d - p2d.Summary.AverageVoltage):F3} mV; {run2d.Solution.Steps[0].Reason}"));
        }
        var dq = rows.Select(x => Math.Abs(x.Capacity2D / x.CapacityP2D - 1)).ToArray();
        var dv = rows.Select(x => Math.Abs(x.Voltage2D - x.VoltageP2D)).ToArray();
        output.WriteLine($"capacity differences {string.Join(", ", dq.Select(d => d.ToString("G3", CultureInfo.InvariantCulture)))}; voltage {string.Join(", ", dv.Select(d => d.ToString("G3", CultureInfo.InvariantCulture)))} V");
        // Measured 2026-12-02 (R = 0.6 / 0.3 / 0.15 um; 4 / 8 / 17 discs; 939 / 1 877 / 3 719 unknowns): average voltage 2-D - P2D
        // 8.34 / 4.37 / 3.44 mV, capacity +1.89 / -0.79 / -1.51 %. The voltage difference falls with every halving of R and by more
        // than half over the three; it is levelling off (at R / h = 6 the largest discs give 5.60 mV, the smallest 4.01 mV: the
        // rest is no mesh error). The capacity to the 0.01 V cut-off is not monotone: the discs' surface lags their mean by
        // j R / (4 F D_s) against the equal-area sphere's j R_p / (5 F D_s) = 0.3 j R / (F D_s), so the largest discs fill further
        // (+1.9 %); as R shrinks that vanishes (as R^2, the time R^2 / D_s against the 460 s lithiation) and an offset of about
        // -1.5 % is left, which neither R nor h removes. The cut-off lies on the flat plateau (0.04 V over the whole SOL range), where
        // 1 mV of polarisation moves the cut-off capacity by several %, so a 2.5 % band is the agreement one can ask of it.
        for (int k = 1; k < dv.Length; k++)
            Assert.True(dv[k] < dv[k - 1], $"the average-voltage difference grew from {dv[k - 1] * 1e3:G3} to {dv[k] * 1e3:G3} mV as R fell to {radii[k]} um");
        Assert.True(dv[^1] < 0.5 * dv[0], $"{dv[^1] * 1e3:G3} mV is not half of {dv[0] * 1e3:G3} mV");
        Assert.All(dq, d => Assert.True(d < 0.025, $"capacity differs by {100 * d:G3} %"));
    }
}
