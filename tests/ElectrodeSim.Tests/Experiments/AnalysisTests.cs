using System.Globalization;
using ElectrodeSim.Analysis;
using ElectrodeSim.Cases;
using ElectrodeSim.Mesh;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Experiments;

/// <summary>The cv and eis analyses on simulated voltammograms and spectra.</summary>
public class AnalysisTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>One cycle from the open-circuit voltage down by <paramref name="depth"/> [V] and back at each scan rate [mV/s].</summary>
    private static List<Voltammogram> Voltammograms(SimulationSetup baseSetup, double depth, double[] scanRates)
    {
        var list = new List<Voltammogram>();
        var e = baseSetup.Cell.WorkingElectrode;
        double ocv = e.OpenCircuitPotential.Evaluate(e.InitialStateOfLithiation, out _);
        foreach (double rate in scanRates)
        {
            var section = new ProtocolStepSection { Label = "CV", Mode = "voltage_sweep", ScanRateMVS = rate, StartV = ocv, VerticesV = [ocv - depth] };
            double v = rate * 1e-3, half = depth / v;
            var steps = new[]
            {
                new ProtocolStep { Label = "down", Mode = ControlMode.Voltage, Value = ocv, Ramp = -v, MaxDuration = half },
                new ProtocolStep { Label = "up", Mode = ControlMode.Voltage, Value = ocv - depth, Ramp = v, MaxDuration = half },
            };
            var result = Simulator.Run(baseSetup with { Protocol = new Protocol(steps), Solver = baseSetup.Solver with { MaxStep = half / 100 } });
            var s = result.Solution;
            list.Add(new Voltammogram(v, s.Voltage.ToArray(), s.CurrentDensity.ToArray()));
        }
        return list;
    }

    [Fact]
    public void A_pure_double_layer_capacitor_gives_b_1_00_within_0_02_and_a_capacitive_fraction_near_1()
    {
        var setup = DoubleLayerTests.WithCapacitance(Repository.LoadCase("sio-c-l.yaml"), 0.2);
        // Kinetics blocked (j0 × 1e-9): the interface is the double layer alone.
        setup = setup with { Cell = setup.Cell with { Electrodes = setup.Cell.Electrodes.Select(x => x with { ExchangeCurrentPrefactor = x.ExchangeCurrentPrefactor * 1e-9 }).ToArray() } };
        double[] rates = [1, 2, 5, 10];
        var cvs = Voltammograms(setup, 0.02, rates);
        var peaks = cvs.Select(VoltammetryAnalysis.Peaks).ToList();
        var b = VoltammetryAnalysis.BValue(rates.Select(r => r * 1e-3).ToList(), peaks.Select(p => p.PositivePeak).ToList());
        var fractions = VoltammetryAnalysis.CapacitiveFractions(cvs);
        var e = setup.Cell.WorkingElectrode;
        double expected = 0.2 * e.SpecificArea * e.Thickness * 1e-3;
        output.WriteLine($"b = {b.Slope:F4} ± {b.SlopeError:F4}; peaks {string.Join(", ", peaks.Select(p => p.PositivePeak.ToString("E4")))} A/m² (C a L v at 1 mV/s: {expected:E4}); capacitive fractions {string.Join(", ", fractions.Select(f => f.ToString("F3")))}");
        Assert.InRange(b.Slope, 0.98, 1.02);
        Assert.Equal(expected, peaks[0].PositivePeak, expected * 0.01);
        Assert.All(fractions, f => Assert.InRange(f, 0.95, 1.0));
    }

    [Fact]
    public void A_diffusion_limited_electrode_gives_b_near_one_half()
    {
        var setup = Repository.LoadCase("sio-c-l.yaml");
        // Fast kinetics and solid diffusion the only slow process: 15-µm particles with D_s = 1e-13 m²/s, so the diffusion
        // length √(D t) at these scan rates is 0.2–0.6 µm, semi-infinite against R; θ0 = 0.3 (the case's θ0 = 0.005 sits where
        // the stand-in curve is nearly flat and gave b = 0.27 with 71–132 A/m² peaks); a tenth of the active fraction and a
        // fast foil keep the currents small enough that the ohmic drop takes < 1 % of the sweep.
        setup = setup with
        {
            Cell = setup.Cell with
            {
                Electrodes = setup.Cell.Electrodes.Select(x => x with
                {
                    ExchangeCurrentPrefactor = x.ExchangeCurrentPrefactor * 1e3, SolidDiffusivity = 1e-13, ParticleRadius = 15e-6,
                    ActiveVolumeFraction = 0.1 * x.ActiveVolumeFraction, InitialStateOfLithiation = 0.3,
                }).ToArray(),
                LithiumFoil = setup.Cell.LithiumFoil! with { RateCoefficient = 100 * setup.Cell.LithiumFoil.RateCoefficient },
            },
            Mesh = setup.Mesh with { ElectrodeCells = 4, ParticleShells = 60, ParticleSurfaceRefinement = 0.9 },
        };
        double[] rates = [5, 10, 20, 50];
        var cvs = Voltammograms(setup, 0.02, rates);
        var peaks = cvs.Select(VoltammetryAnalysis.Peaks).ToList();
        var b = VoltammetryAnalysis.BValue(rates.Select(r => r * 1e-3).ToList(), peaks.Select(p => p.PositivePeak).ToList());
        var fractions = VoltammetryAnalysis.CapacitiveFractions(cvs);
        output.WriteLine($"b = {b.Slope:F4} ± {b.SlopeError:F4}; peaks {string.Join(", ", peaks.Select(p => p.PositivePeak.ToString("E4")))} A/m²; capacitive fractions {string.Join(", ", fractions.Select(f => f.ToString("F3")))}");
        Assert.InRange(b.Slope, 0.47, 0.53);
        Assert.All(fractions, f => Assert.True(f < 0.3, $"capacitive fraction {f:F3} of a diffusion-limited electrode"));
    }

    [Fact]
    public void Seed_001_route_Ea_from_R_ct_at_five_temperatures_for_the_three_coatings()
    {
        double[] temperatures = [283.15, 293.15, 303.15, 313.15, 323.15];
        var given = new Dictionary<string, double> { ["sio-c-l.yaml"] = 12060, ["sio-c-m.yaml"] = 15550, ["sio-c-h.yaml"] = 24530 };
        foreach (var (name, ea) in given)
        {
            var resistances = new List<double>();
            foreach (double t in temperatures)
            {
                var setup = Simulator.LoadCase(Repository.Case(name), new Dictionary<string, double>
                {
                    ["cell.temperature_K"] = t, ["electrode.kinetics.double_layer_capacitance_F_m2"] = 0.2,
                });
                var model = new ElectrodeSim.Model.P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
                var z = ImpedanceSpectrum.Compute(model, model.InitialState(), 0, CaseBuilder.ImpedanceFrequencies(1e-2, 1e6, 10));
                var arc = ImpedanceAnalysis.FitSemicircle(z.Frequency, z.Real, z.Imaginary);
                resistances.Add(arc.ChargeTransferResistance);
                output.WriteLine($"{name} {t} K: R_s {arc.SeriesResistance:E4}, R_ct {arc.ChargeTransferResistance:E4} ohm m^2 ({arc.Points} points), apex {arc.ApexFrequency:G4} Hz, C {arc.Capacitance:G4} F/m^2");
            }
            var paper = ImpedanceAnalysis.Arrhenius(temperatures, resistances);
            var exact = ImpedanceAnalysis.Arrhenius(temperatures, resistances, withTemperature: true);
            output.WriteLine($"{name}: given Ea {ea / 1000:F2} kJ/mol; ln(1/R_ct): {paper.ActivationEnergy / 1000:F2} ± {paper.ActivationEnergyError / 1000:F2}; ln(T/R_ct): {exact.ActivationEnergy / 1000:F2} ± {exact.ActivationEnergyError / 1000:F2} kJ/mol");
            Assert.True(paper.RSquared > 0.99);
        }
    }
}
