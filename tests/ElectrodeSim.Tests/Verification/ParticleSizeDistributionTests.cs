using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// Particle-size distributions (<c>particle_size_distribution</c>): N size classes per x cell, each with its own particles,
/// Butler–Volmer flux and solid diffusion, sharing the cell's c_e, φ_e and φ_s. MODEL.md §8 with a distribution, its
/// single-size limit and the physics direction (small particles lithiate first).
/// </summary>
public class ParticleSizeDistributionTests(ITestOutputHelper output)
{
    private const string CoarseMesh = "mesh:\n  separator_cells: 4\n  electrode_cells: 8\n  particle_shells: 8\n";
    private const string Rest = "protocol:\n  - mode: rest\n    max_duration_s: 1\n";

    private static SimulationSetup Marquis(string extra = "") => Repository.FullCell("Marquis2019", Rest + CoarseMesh + extra);

    /// <summary>The Marquis2019 cell with the positive electrode's particles split into <paramref name="classes"/>.</summary>
    private static SimulationSetup WithPositiveClasses(SimulationSetup setup, params ParticleSizeClass[] classes)
    {
        var e = setup.Cell.Electrodes;
        var positive = e[1] with { ParticleSizeClasses = classes, ParticleRadius = ParticleSizeClass.SauterMeanRadius(classes) };
        return setup with { Cell = setup.Cell with { Electrodes = [e[0], positive] } };
    }

    private static SimulationSetup WithProtocol(SimulationSetup setup, params ProtocolStep[] steps) => setup with { Protocol = new Protocol(steps) };

    private static double OneC(SimulationSetup setup) => setup.Cell.Electrodes[1].OneCCurrentDensity;

    private static readonly ParticleSizeClass[] Spread = [new(2e-6, 0.3), new(5e-6, 0.5), new(12e-6, 0.2)];

    [Fact]
    public void The_analytic_Jacobian_with_a_distribution_matches_central_differences()
    {
        var setup = WithPositiveClasses(Marquis(), Spread);
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var y = JacobianCheck.PerturbedState(model, seed: 7);
        // Perturb every class's shells and current too (PerturbedState knows class 0 only).
        var rng = new Random(11);
        var L = model.Layout;
        for (int i = 0; i < model.Mesh.CellCount; i++)
            for (int c = 0; c < L.ClassCount(i); c++)
            {
                y[L.ClassCurrent(i, c)] = y[L.InterfacialCurrent(i)] * (1 + 0.5 * (rng.NextDouble() - 0.5));
                var electrode = model.Cell.Electrodes[L.ElectrodeOf(i)];
                for (int k = 0; k < model.Mesh.Particles[L.ElectrodeOf(i)].Shells; k++)
                    y[L.ClassSolidConcentration(i, c, k)] = electrode.MaxConcentration * (0.2 + 0.4 * rng.NextDouble());
            }
        var (worst, count) = JacobianCheck.AssertMatchesFiniteDifferences(model, y);
        output.WriteLine($"{count} entries, worst {worst:F3} of the tolerance");
        Assert.True(count > 100);
    }

    [Fact]
    public void Lithium_is_conserved_to_1e_8_relative_with_a_distribution_through_discharge_rest_and_charge()
    {
        var baseline = WithPositiveClasses(Marquis(), Spread);
        double current = 0.5 * OneC(baseline);
        var setup = WithProtocol(baseline,
            new ProtocolStep { Label = "discharge", Mode = ControlMode.Current, Value = current, MaxDuration = 1800 },
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 600 },
            new ProtocolStep { Label = "charge", Mode = ControlMode.Current, Value = -current, MaxDuration = 900 });
        var result = Simulator.Run(setup);
        var model = result.Model;
        Assert.Equal(3, model.Layout.ClassCount(model.Mesh.CellCount - 1));
        double initial = model.LithiumInventory(model.InitialState());
        double moved = result.Solution.StepCharge(0) / PhysicalConstants.Faraday;
        double error = model.LithiumInventory(result.Solution.FinalState) - initial;
        output.WriteLine($"inventory change {error:E3} mol/m² with {moved:E3} mol/m² moved");
        Assert.True(Math.Abs(error) <= 1e-8 * Math.Abs(moved), $"inventory changed by {error:E3} mol/m² (moved {moved:E3} mol/m²)");
        Assert.All(result.Solution.Steps, s => Assert.Equal("time limit", s.Reason));
    }

    [Fact]
    public void Identical_classes_give_the_single_size_residual_to_1e_10_on_the_same_state()
    {
        var single = Marquis();
        double r = single.Cell.Electrodes[1].ParticleRadius;
        var multi = WithPositiveClasses(single, new(r, 0.2), new(r, 0.3), new(r, 0.5));
        var one = new P2DModel(single.Cell, single.Mesh, single.FaceAverage);
        var three = new P2DModel(multi.Cell, multi.Mesh, multi.FaceAverage);
        var y1 = JacobianCheck.PerturbedState(one, seed: 3);
        // The same state in the layout with classes: every class carries the single particle's shells and current.
        var L1 = one.Layout;
        var L3 = three.Layout;
        var y3 = new double[three.Size];
        var map = new List<(int Single, int Multi)>();
        void Map(int a, int b) { y3[b] = y1[a]; map.Add((a, b)); }
        for (int i = 0; i < one.Mesh.CellCount; i++)
        {
            Map(L1.ElectrolyteConcentration(i), L3.ElectrolyteConcentration(i));
            Map(L1.ElectrolytePotential(i), L3.ElectrolytePotential(i));
            if (!L1.IsElectrode(i)) continue;
            Map(L1.SolidPotential(i), L3.SolidPotential(i));
            Map(L1.InterfacialCurrent(i), L3.InterfacialCurrent(i));
            for (int c = 0; c < L3.ClassCount(i); c++)
            {
                if (L3.ClassCount(i) > 1) Map(L1.InterfacialCurrent(i), L3.ClassCurrent(i, c));
                for (int k = 0; k < one.Mesh.Particles[L1.ElectrodeOf(i)].Shells; k++) Map(L1.SolidConcentration(i, k), L3.ClassSolidConcentration(i, c, k));
            }
        }
        Map(L1.Current, L3.Current);
        Map(L1.Charge, L3.Charge);
        Assert.Equal(three.Size, map.Count);
        var g1 = new double[one.Size];
        var g3 = new double[three.Size];
        one.Evaluate(0, y1, g1, Span<double>.Empty);
        three.Evaluate(0, y3, g3, Span<double>.Empty);
        double worst = 0;
        foreach (var (a, b) in map)
        {
            // The mean row of a cell with classes is j − Σ (a_k/a) j_k: 0 here, not the single model's Butler–Volmer row.
            bool meanRow = IsMeanRow(L3, b);
            double expected = meanRow ? 0.0 : g1[a];
            double tolerance = 1e-10 * (Math.Abs(g1[a]) + Math.Abs(y1[a]) + one.Scale[a]);
            worst = Math.Max(worst, Math.Abs(g3[b] - expected) / tolerance);
            Assert.True(Math.Abs(g3[b] - expected) <= tolerance, $"row {b} (single {a}): {g3[b]:E12} against {expected:E12}");
        }
        output.WriteLine($"{map.Count} rows, worst {worst:E2} of the 1e-10 tolerance");
    }

    private static bool IsMeanRow(UnknownLayout layout, int index)
    {
        for (int i = 0; i < layout.ElectrodeIndex.Length; i++)
            if (layout.IsElectrode(i) && layout.ClassCount(i) > 1 && layout.InterfacialCurrent(i) == index) return true;
        return false;
    }

    [Fact]
    public void Identical_classes_follow_the_single_size_discharge()
    {
        var single = WithProtocol(Marquis(), new ProtocolStep { Label = "1C", Mode = ControlMode.Current, Value = OneC(Marquis()), MaxDuration = 4000,
            Stops = [new StopCondition(StopQuantity.Voltage, true, 3.2)] });
        double r = single.Cell.Electrodes[1].ParticleRadius;
        var multi = WithPositiveClasses(single, new(r, 0.2), new(r, 0.3), new(r, 0.5));
        var a = Simulator.Run(single);
        var b = Simulator.Run(multi);
        double qa = a.Solution.StepCharge(0), qb = b.Solution.StepCharge(0);
        double relative = Math.Abs(qb / qa - 1);
        // Not 1e-10: the classes are unknowns of their own, so the integrator's error norm (an RMS over all unknowns) and
        // with it the step sequence differ; the discretisation itself is the same (the residual test above, to 1e-10).
        output.WriteLine($"capacity single {qa:R} C/m², three identical classes {qb:R} C/m², relative {relative:E2}; points {a.Solution.Voltage.Count} / {b.Solution.Voltage.Count}");
        Assert.True(relative < 1e-6, $"relative capacity difference {relative:E2}");
        // The classes stay identical to each other.
        var model = b.Model;
        var y = b.Solution.FinalState;
        int cell = model.Mesh.CellCount - 1;
        Assert.Equal(model.ClassMeanConcentration(y, cell, 0), model.ClassMeanConcentration(y, cell, 2), 1e-9 * model.Cell.Electrodes[1].MaxConcentration);
    }

    [Fact]
    public void One_lognormal_class_is_the_single_size_case_bit_for_bit()
    {
        var plain = Marquis();
        var one = Marquis("positive_electrode:\n  particle_size_distribution:\n    kind: lognormal\n    sigma: 0.5\n    classes: 1\n");
        Assert.Null(one.Cell.Electrodes[1].ParticleSizeClasses);
        Assert.Equal(plain.Cell.Electrodes[1].ParticleRadius, one.Cell.Electrodes[1].ParticleRadius);
        var step = new ProtocolStep { Label = "1C", Mode = ControlMode.Current, Value = OneC(plain), MaxDuration = 600 };
        var a = Simulator.Run(WithProtocol(plain, step));
        var b = Simulator.Run(WithProtocol(one, step));
        Assert.Equal(a.Solution.StepCharge(0), b.Solution.StepCharge(0));
        Assert.Equal(a.Solution.Voltage[^1], b.Solution.Voltage[^1]);
    }

    [Fact]
    public void The_lognormal_classes_keep_the_Sauter_mean_radius_and_the_specific_area_and_spread_with_sigma()
    {
        var plain = Marquis().Cell.Electrodes[1];
        foreach (double sigma in new[] { 0.0, 0.2, 0.6 })
        {
            var e = Marquis($"positive_electrode:\n  particle_size_distribution:\n    kind: lognormal\n    sigma: {sigma.ToString(CultureInfo.InvariantCulture)}\n    classes: 5\n").Cell.Electrodes[1];
            var classes = e.ParticleSizeClasses!;
            Assert.Equal(5, classes.Count);
            Assert.Equal(1.0, classes.Sum(c => c.VolumeFraction), 1e-14);
            Assert.Equal(plain.ParticleRadius, ParticleSizeClass.SauterMeanRadius(classes), 1e-12 * plain.ParticleRadius);
            Assert.Equal(plain.SpecificArea, e.SpecificArea, 1e-12 * plain.SpecificArea);
            double spread = Math.Log(classes[^1].Radius / classes[0].Radius);
            // Median quantiles of 5 bins: z = ±1.2816 at the ends, so ln(R_max/R_min) = 2.563 σ.
            Assert.Equal(2 * 1.2815515655446004 * sigma, spread, 1e-9);
        }
    }

    [Fact]
    public void At_C_over_1000_every_size_class_sits_at_the_same_equilibrium_potential_and_V_follows_the_mean_OCV_within_1_mV()
    {
        var baseline = WithPositiveClasses(Marquis(), Spread);
        var setup = WithProtocol(baseline,
            new ProtocolStep { Label = "C/1000", Mode = ControlMode.Current, Value = 24.0 / 1000, MaxDuration = 300 * 3600.0, Stops = [new StopCondition(StopQuantity.Voltage, true, 3.3)] });
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var (negative, positive) = (setup.Cell.Electrodes[0], setup.Cell.Electrodes[1]);
        double worstClass = 0, worstVoltage = 0, end = 0;
        new ProtocolRunner(model, setup.Solver).Run(setup.Protocol, [new DelegateObserver((t, y, s) =>
        {
            end = t;
            double ocv = positive.OpenCircuitPotential.Evaluate(model.MeanStateOfLithiation(y, 1), out _)
                         - negative.OpenCircuitPotential.Evaluate(model.MeanStateOfLithiation(y, 0), out _);
            worstVoltage = Math.Max(worstVoltage, Math.Abs(model.Voltage(y) - ocv));
            if (t < 3600) return;
            for (int i = 0; i < model.Mesh.CellCount; i++)
            {
                if (model.Layout.ElectrodeOf(i) != 1) continue;
                double u0 = positive.OpenCircuitPotential.Evaluate(model.ClassSurfaceStateOfLithiation(y, i, 0), out _);
                for (int c = 1; c < 3; c++)
                    worstClass = Math.Max(worstClass, Math.Abs(positive.OpenCircuitPotential.Evaluate(model.ClassSurfaceStateOfLithiation(y, i, c), out _) - u0));
            }
        })]);
        output.WriteLine($"to {end / 3600:F0} h: largest class-to-class U difference {worstClass * 1e3:F4} mV, largest |V − OCV(mean θ)| {worstVoltage * 1e3:F4} mV");
        Assert.True(end > 250 * 3600.0, $"the run ended at {end / 3600:F0} h");
        Assert.True(worstClass < 1e-3, $"class surface potentials differ by {worstClass * 1e3:F3} mV");
        Assert.True(worstVoltage < 1e-3, $"|V − OCV| = {worstVoltage * 1e3:F3} mV");
    }

    [Fact]
    public void During_a_fast_lithiation_small_particles_lithiate_ahead_of_large_ones()
    {
        // A 2C discharge lithiates the positive electrode: per unit volume the small particles have more surface, so their
        // mean state of lithiation runs ahead of the large ones' in every x cell.
        var baseline = WithPositiveClasses(Marquis(), Spread);
        var setup = WithProtocol(baseline, new ProtocolStep { Label = "2C", Mode = ControlMode.Current, Value = 2 * OneC(baseline), MaxDuration = 900 });
        var result = Simulator.Run(setup);
        var model = result.Model;
        var y = result.Solution.FinalState;
        double theta0 = setup.Cell.Electrodes[1].InitialStateOfLithiation;
        double cmax = setup.Cell.Electrodes[1].MaxConcentration;
        for (int i = 0; i < model.Mesh.CellCount; i++)
        {
            if (model.Layout.ElectrodeOf(i) != 1) continue;
            double[] mean = [.. Enumerable.Range(0, 3).Select(c => model.ClassMeanConcentration(y, i, c) / cmax)];
            output.WriteLine($"x cell {i}: mean θ by class (2, 5, 12 µm) {string.Join(" ", mean.Select(m => m.ToString("F4", CultureInfo.InvariantCulture)))}, start {theta0:F4}");
            Assert.True(mean[0] > mean[1] && mean[1] > mean[2], $"x cell {i}: {string.Join(", ", mean)}");
            Assert.True(mean[2] > theta0, "the large particles lithiate too");
        }
        // The volume-weighted mean is the lithium the cell holds.
        int last = model.Mesh.CellCount - 1;
        double weighted = Enumerable.Range(0, 3).Sum(c => Spread[c].VolumeFraction * model.ClassMeanConcentration(y, last, c));
        Assert.Equal(weighted, model.MeanParticleConcentration(y, last), 1e-12 * cmax);
    }

    [Fact]
    public void The_result_file_holds_each_class_and_the_volume_weighted_state_of_lithiation()
    {
        using var temp = new Repository.TemporaryDirectory();
        var setup = WithProtocol(WithPositiveClasses(Marquis(), Spread),
            new ProtocolStep { Label = "1C", Mode = ControlMode.Current, Value = OneC(Marquis()), MaxDuration = 600 });
        string path = Path.Combine(temp.Path, "psd.h5");
        var result = Simulator.Run(setup, path);
        using var file = ElectrodeSim.Native.Hdf5.Hdf5File.OpenRead(path);
        int nt = result.Solution.Time.Count, nx = setup.Mesh.ElectrodeCells;
        Assert.Equal(Spread.Select(c => c.Radius), file.ReadArray("/mesh/positive/particle_class_radius", out _));
        Assert.Equal(Spread.Select(c => c.VolumeFraction), file.ReadArray("/mesh/positive/particle_class_volume_fraction", out _));
        var classMean = file.ReadArray("/fields/positive/class_mean_state_of_lithiation", out var dims);
        Assert.Equal(new long[] { nt, nx, 3 }, dims);
        var classSurface = file.ReadArray("/fields/positive/class_surface_state_of_lithiation", out var surfaceDims);
        Assert.Equal(new long[] { nt, nx, 3 }, surfaceDims);
        var classCurrent = file.ReadArray("/fields/positive/class_interfacial_current_density", out _);
        var mean = file.ReadArray("/fields/positive/mean_state_of_lithiation", out _);
        var current = file.ReadArray("/fields/positive/interfacial_current_density", out _);
        var area = setup.Cell.Electrodes[1];
        for (int t = 0; t < nt; t++)
            for (int i = 0; i < nx; i++)
            {
                double weighted = 0, areaWeighted = 0;
                for (int c = 0; c < 3; c++)
                {
                    weighted += Spread[c].VolumeFraction * classMean[(t * nx + i) * 3 + c];
                    areaWeighted += area.ClassSpecificArea(c) / area.SpecificArea * classCurrent[(t * nx + i) * 3 + c];
                }
                Assert.Equal(weighted, mean[t * nx + i], 1e-12);
                Assert.Equal(areaWeighted, current[t * nx + i], 1e-9 * Math.Max(1, Math.Abs(current[t * nx + i])));
            }
        Assert.All(classSurface, theta => Assert.InRange(theta, 0.0, 1.0));
    }

    [Theory]
    [InlineData("kind: discrete\n    radii_um: [3, 6]\n    volume_fractions: [0.5, 0.4]", "positive_electrode.particle_size_distribution.volume_fractions", "summing to 1 within")]
    [InlineData("kind: discrete\n    radii_um: [3, 6]\n    volume_fractions: [1.0]", "positive_electrode.particle_size_distribution.volume_fractions", "one per radius")]
    [InlineData("kind: discrete\n    radii_um: [3, -6]\n    volume_fractions: [0.5, 0.5]", "positive_electrode.particle_size_distribution.radii_um[1]", "> 0")]
    [InlineData("kind: lognormal\n    classes: 4", "positive_electrode.particle_size_distribution.sigma", "")]
    [InlineData("kind: lognormal\n    sigma: 3\n    classes: 4", "positive_electrode.particle_size_distribution.sigma", "in [0, 2]")]
    [InlineData("kind: lognormal\n    sigma: 0.3\n    classes: 0", "positive_electrode.particle_size_distribution.classes", "[1, 50]")]
    [InlineData("kind: bimodal\n    sigma: 0.3", "positive_electrode.particle_size_distribution.kind", "lognormal, discrete")]
    public void A_bad_distribution_is_a_path_named_error(string section, string path, string accepted)
    {
        var e = Assert.Throws<CaseValidationException>(() => Marquis($"positive_electrode:\n  particle_size_distribution:\n    {section}\n"));
        Assert.Contains(e.Errors, x => x.Path == path && x.ToString().Contains(accepted));
    }

    [Fact]
    public void A_volume_fraction_sum_off_by_more_than_1e_12_is_rejected_and_one_within_it_accepted()
    {
        string Case(string fractions) => $"positive_electrode:\n  particle_size_distribution:\n    kind: discrete\n    radii_um: [2, 4, 8]\n    volume_fractions: [{fractions}]\n";
        Assert.Throws<CaseValidationException>(() => Marquis(Case("0.3, 0.3, 0.400000000001")));
        var ok = Marquis(Case("0.3, 0.3, 0.4")).Cell.Electrodes[1];
        Assert.Equal(3, ok.ParticleClassCount);
        Assert.Equal(1.0 / (0.3 / 2e-6 + 0.3 / 4e-6 + 0.4 / 8e-6), ok.ParticleRadius, 1e-12 * ok.ParticleRadius);
    }
}
