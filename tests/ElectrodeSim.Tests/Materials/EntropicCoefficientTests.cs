using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;
using Xunit.Abstractions;

namespace ElectrodeSim.Tests.Materials;

/// <summary>
/// The named entropic coefficients ∂U/∂T(x) beyond the Moura 2016 pair (whose PARAMS check values are in ThermalTests),
/// and the Marquis2019 set that names the Moura 2016 pair since its version 2.
/// </summary>
public sealed class EntropicCoefficientTests(ITestOutputHelper output)
{
    private sealed class Recorder : ISolutionObserver
    {
        public List<(double Time, double[] State)> States { get; } = [];
        public void Record(double time, ReadOnlySpan<double> state, int protocolStep) => States.Add((time, state.ToArray()));
    }

    [Fact]
    public void ORegan2022_LG_M50_coefficients_match_hand_evaluated_points_and_their_slopes_central_differences()
    {
        // O'Regan et al. 2022 fits in mV/K, evaluated by hand (Python, the published formula) at these stoichiometries.
        (IOpenCircuitPotential F, double X, double V)[] table =
        [
            (EntropicCoefficients.GraphiteLgm50ORegan2022, 0.05, 3.044816092218661e-04), (EntropicCoefficients.GraphiteLgm50ORegan2022, 0.1, 3.527299809099741e-04),
            (EntropicCoefficients.GraphiteLgm50ORegan2022, 0.3, -4.206667955648739e-06), (EntropicCoefficients.GraphiteLgm50ORegan2022, 0.9, -7.094e-05),
            (EntropicCoefficients.Nmc811Lgm50ORegan2022, 0.28, 3.974233986770885e-05), (EntropicCoefficients.Nmc811Lgm50ORegan2022, 0.5, -9.794001627262023e-07),
            (EntropicCoefficients.Nmc811Lgm50ORegan2022, 0.8, -6.652872811953045e-05), (EntropicCoefficients.Nmc811Lgm50ORegan2022, 0.95, -2.4756968600384962e-05),
        ];
        foreach (var (f, x, v) in table)
        {
            double value = f.Evaluate(x, out double slope);
            Assert.Equal(v, value, 1e-12 * Math.Abs(v) + 1e-18);
            const double h = 1e-6;
            double fd = (f.Evaluate(x + h, out _) - f.Evaluate(x - h, out _)) / (2 * h);
            Assert.Equal(fd, slope, 1e-5 * Math.Abs(fd) + 1e-10);
        }
        Assert.Same(EntropicCoefficients.GraphiteLgm50ORegan2022, EntropicCoefficients.ByName("graphite_lgm50_entropic_change_oregan2022"));
        Assert.Same(EntropicCoefficients.Nmc811Lgm50ORegan2022, EntropicCoefficients.ByName("nmc811_lgm50_entropic_change_oregan2022"));
    }

    private static (P2DModel Model, Recorder Recorder) Run(SimulationSetup setup)
    {
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var recorder = new Recorder();
        new ProtocolRunner(model, setup.Solver) { Schedule = new OutputSchedule(10, null) }.Run(setup.Protocol, [recorder]);
        return (model, recorder);
    }

    private const string Discharge = """
        protocol:
          - mode: current
            c_rate: 1
            stop:
              voltage_below_V: 3.2
        """;

    [Fact]
    public void The_Marquis2019_set_names_the_Moura2016_coefficients_and_its_reversible_heat_changes_sign_in_a_1C_discharge()
    {
        var setup = Repository.FullCell("Marquis2019", """
            cell:
              thermal:
                model: lumped
                areal_heat_capacity_J_m2K: 500
                heat_transfer_coefficient_W_m2K: 10
                cooling_area_per_electrode_area: 1
            """ + "\n" + Discharge);
        Assert.Same(EntropicCoefficients.GraphiteMoura2016, setup.Cell.Electrodes[0].EntropicCoefficient);
        Assert.Same(EntropicCoefficients.LithiumCobaltOxideMoura2016, setup.Cell.Electrodes[1].EntropicCoefficient);
        var (model, recorder) = Run(setup);
        var reversible = recorder.States.Skip(1).Select(s => (s.Time, Q: model.HeatSources(s.State).Reversible)).ToList();
        int changes = 0;
        for (int k = 1; k < reversible.Count; k++)
            if (Math.Sign(reversible[k].Q) != Math.Sign(reversible[k - 1].Q) && reversible[k - 1].Q != 0)
            {
                changes++;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reversible heat changes sign between {reversible[k - 1].Time:F0} s ({reversible[k - 1].Q:G4} W/m2) and {reversible[k].Time:F0} s ({reversible[k].Q:G4} W/m2)"));
            }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{reversible.Count} records to {reversible[^1].Time:F0} s; reversible heat from {reversible.Min(r => r.Q):G4} to {reversible.Max(r => r.Q):G4} W/m2"));
        Assert.True(reversible.Max(r => r.Q) > 0 && reversible.Min(r => r.Q) < 0, "the reversible heat does not change sign");
        Assert.InRange(changes, 1, 4);
    }

    [Fact]
    public void At_298_15_K_isothermal_the_entropic_coefficients_leave_the_Marquis2019_discharge_unchanged_bit_for_bit()
    {
        // Version 2 of the set adds the Moura 2016 coefficients; a case that gives a constant 0 instead (the alternative
        // key replaces the set's function) is version 1's model. U(θ, T) = U(θ) at the reference temperature.
        var named = Repository.FullCell("Marquis2019", Discharge);
        var none = Repository.FullCell("Marquis2019", Discharge + """

            negative_electrode:
              ocp:
                entropic_coefficient_V_K: 0
            positive_electrode:
              ocp:
                entropic_coefficient_V_K: 0
            """);
        Assert.NotNull(named.Cell.Electrodes[0].EntropicCoefficient);
        Assert.Equal("constant", none.Cell.Electrodes[0].EntropicCoefficient!.Name);
        var (m1, r1) = Run(named);
        var (m2, r2) = Run(none);
        Assert.Equal(r2.States.Count, r1.States.Count);
        for (int k = 0; k < r1.States.Count; k++) Assert.Equal(m2.Voltage(r2.States[k].State), m1.Voltage(r1.States[k].State));
        // Away from it they differ: the same pair at 308.15 K.
        var warm = Repository.FullCell("Marquis2019", Discharge + "\ncell:\n  temperature_K: 308.15\n");
        var warmNone = Repository.FullCell("Marquis2019", Discharge + "\ncell:\n  temperature_K: 308.15\nnegative_electrode:\n  ocp:\n    entropic_coefficient_V_K: 0\npositive_electrode:\n  ocp:\n    entropic_coefficient_V_K: 0\n");
        var (m3, r3) = Run(warm);
        var (m4, r4) = Run(warmNone);
        double v3 = m3.Voltage(r3.States[1].State), v4 = m4.Voltage(r4.States[1].State);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"308.15 K, first record: {v3:F6} V with, {v4:F6} V without the entropic coefficients"));
        Assert.True(Math.Abs(v3 - v4) > 1e-4, $"at 308.15 K the entropic shift is {v3 - v4:E2} V");
    }
}
