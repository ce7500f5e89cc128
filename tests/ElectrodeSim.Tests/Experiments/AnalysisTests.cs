using System.Globalization;
using ElectrodeSim.Analysis;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
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
    public void A_current_still_rising_at_the_vertex_is_flagged_and_an_interior_maximum_is_not()
    {
        // 1.0 V → 0 V → 1.0 V in 201 + 200 records: a Gaussian lithiation peak at 0.3 V on the way down, a current
        // that rises to the vertex (exp growth) on the way up after it, a delithiation peak at 0.5 V on the way up.
        var v = new List<double>();
        var i = new List<double>();
        for (int k = 0; k <= 200; k++) { double x = 1 - k / 200.0; v.Add(x); i.Add(5 * Math.Exp(-Math.Pow((x - 0.3) / 0.05, 2))); }
        for (int k = 1; k <= 200; k++) { double x = k / 200.0; v.Add(x); i.Add(-4 * Math.Exp(-Math.Pow((x - 0.5) / 0.05, 2))); }
        var interior = VoltammetryAnalysis.Peaks(new Voltammogram(1e-4, v.ToArray(), i.ToArray()));
        Assert.False(interior.PositivePeakAtVertex);
        Assert.False(interior.NegativePeakAtVertex);
        Assert.Equal(0.3, interior.PositivePeakPotential, 1e-9);
        Assert.Equal(-4, interior.NegativePeak, 1e-9);
        // Lithiation current growing toward the vertex at 0 V: its largest value is the vertex current.
        var rising = i.Select((c, k) => k <= 200 ? 5 * Math.Exp(-10 * v[k]) : c).ToArray();
        var vertex = VoltammetryAnalysis.Peaks(new Voltammogram(1e-4, v.ToArray(), rising));
        Assert.True(vertex.PositivePeakAtVertex);
        Assert.Equal(0.0, vertex.PositivePeakPotential, 1e-12);
        Assert.False(vertex.NegativePeakAtVertex);
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
    public void The_transmission_line_fit_recovers_its_own_parameters_and_the_circle_chord_does_not()
    {
        // A porous electrode whose pore electrolyte resistance is twice its charge-transfer resistance (SiO@C-l's proportions).
        const double rs = 2.0e-4, rion = 1.0e-4, rct = 4.4e-5, c = 3.34;
        var frequencies = CaseBuilder.ImpedanceFrequencies(1, 1e6, 10);
        var z = frequencies.Select(f => ImpedanceAnalysis.TransmissionLine(f, rs, rion, rct, c)).ToArray();
        var fit = ImpedanceAnalysis.FitTransmissionLine(frequencies, z.Select(v => v.Real).ToArray(), z.Select(v => v.Imaginary).ToArray());
        var arc = ImpedanceAnalysis.FitSemicircle(frequencies, z.Select(v => v.Real).ToArray(), z.Select(v => v.Imaginary).ToArray());
        double dc = Math.Sqrt(rion * rct) / Math.Tanh(Math.Sqrt(rion / rct));
        output.WriteLine($"fit R_s {fit.SeriesResistance:E6}, R_sol {fit.SolidResistance:E3}, R_ion {fit.IonicResistance:E6}, R_ct {fit.ChargeTransferResistance:E6}, C {fit.Capacitance:G6} ({fit.Points} points, residual {fit.Residual:E2}); circle chord {arc.ChargeTransferResistance:E4} (line's d.c. limit {dc:E4})");
        Assert.Equal(rs, fit.SeriesResistance, rs * 1e-5);
        Assert.Equal(rion, fit.IonicResistance, rion * 1e-5);
        Assert.Equal(rct, fit.ChargeTransferResistance, rct * 1e-5);
        Assert.Equal(c, fit.Capacitance, c * 1e-5);
        Assert.True(arc.ChargeTransferResistance > 1.3 * rct, "the chord of a transmission line is not its R_ct");
        // Without pore resistance the line is the Randles circuit.
        var randles = ImpedanceAnalysis.TransmissionLine(100, rs, 0, rct, c);
        var nearly = ImpedanceAnalysis.TransmissionLine(100, rs, 1e-9 * rct, rct, c);
        Assert.True((randles - nearly).Magnitude < 1e-8 * rct);
    }

    /// <summary>Seed 001's route on the three coatings: per temperature the model's own R_ct and what the two fits extract.</summary>
    internal sealed record ArrheniusPoint(double Temperature, double Kinetic, double Film, double Chord, PorousElectrodeFit Line);

    internal static List<ArrheniusPoint> Seed001Spectra(string name, double[] temperatures)
    {
        var points = new List<ArrheniusPoint>();
        foreach (double t in temperatures)
        {
            var setup = Simulator.LoadCase(Repository.Case(name), new Dictionary<string, double>
            {
                ["cell.temperature_K"] = t, ["electrode.kinetics.double_layer_capacitance_F_m2"] = 0.2,
            });
            var model = new ElectrodeSim.Model.P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
            var e = setup.Cell.WorkingElectrode;
            double theta = e.InitialStateOfLithiation, aL = e.SpecificArea * e.Thickness;
            // At rest c_e = c_e,ref, so j0 = j0_ref(T) ((1 − θ)/0.5)^α_a (θ/0.5)^α_c, and linear Butler–Volmer gives r_ct = RT/(F j0 (α_a + α_c)).
            double j0 = model.Context.ReferenceExchangeCurrentDensity[0] * Math.Pow((1 - theta) / 0.5, e.AnodicTransferCoefficient) * Math.Pow(theta / 0.5, e.CathodicTransferCoefficient);
            double kinetic = 1.0 / (model.Context.InverseThermalVoltage * j0 * (e.AnodicTransferCoefficient + e.CathodicTransferCoefficient)) / aL;
            var z = ImpedanceSpectrum.Compute(model, model.InitialState(), 0, CaseBuilder.ImpedanceFrequencies(1e-2, 1e6, 10));
            var arc = ImpedanceAnalysis.FitSemicircle(z.Frequency, z.Real, z.Imaginary);
            var line = ImpedanceAnalysis.FitTransmissionLine(z.Frequency, z.Real, z.Imaginary);
            points.Add(new ArrheniusPoint(t, kinetic, e.FilmResistance / aL, arc.ChargeTransferResistance, line));
        }
        return points;
    }

    [Fact]
    public void Seed_001_route_Ea_from_R_ct_at_five_temperatures_for_the_three_coatings()
    {
        double[] temperatures = [283.15, 293.15, 303.15, 313.15, 323.15];
        double meanT = temperatures.Average();
        var given = new Dictionary<string, double> { ["sio-c-l.yaml"] = 12060, ["sio-c-m.yaml"] = 15550, ["sio-c-h.yaml"] = 24530 };
        var checks = new List<Action>();
        foreach (var (name, ea) in given)
        {
            var points = Seed001Spectra(name, temperatures);
            foreach (var p in points)
                output.WriteLine($"{name} {p.Temperature} K: model r_ct/(aL) {p.Kinetic:E4}, R_film/(aL) {p.Film:E4} ohm m^2; circle chord {p.Chord:E4}; " +
                                 $"line R_ct {p.Line.ChargeTransferResistance:E4} ({(p.Line.ChargeTransferResistance / (p.Kinetic + p.Film) - 1):P2} off kinetic + film), R_ion {p.Line.IonicResistance:E4}, R_sol {p.Line.SolidResistance:E4}, R_s {p.Line.SeriesResistance:E4}, C {p.Line.Capacitance:G4} F/m^2, residual {p.Line.Residual:E2}");
            ArrheniusFit Of(Func<ArrheniusPoint, double> r, bool withT) => ImpedanceAnalysis.Arrhenius(temperatures, points.Select(r).ToList(), withT);
            var chordPaper = Of(p => p.Chord, false);
            var linePaper = Of(p => p.Line.ChargeTransferResistance, false);
            var lineKinetic = Of(p => p.Line.ChargeTransferResistance - p.Film, true);
            var lineKineticPaper = Of(p => p.Line.ChargeTransferResistance - p.Film, false);
            var truth = Of(p => p.Kinetic, true);
            output.WriteLine($"{name}: Ea given {ea / 1000:F2} kJ/mol; ln(1/R) of the chord {chordPaper.ActivationEnergy / 1000:F2} ± {chordPaper.ActivationEnergyError / 1000:F2}; " +
                             $"ln(1/R) of the line's R_ct {linePaper.ActivationEnergy / 1000:F2} ± {linePaper.ActivationEnergyError / 1000:F2}; " +
                             $"film removed: ln(1/R) {lineKineticPaper.ActivationEnergy / 1000:F2} ± {lineKineticPaper.ActivationEnergyError / 1000:F2}, ln(T/R) {lineKinetic.ActivationEnergy / 1000:F3} ± {lineKinetic.ActivationEnergyError / 1000:F3}; " +
                             $"the model's own r_ct: ln(T/R) {truth.ActivationEnergy / 1000:F3} (Ea - R T_mean = {(ea - PhysicalConstants.GasConstant * meanT) / 1000:F2})");
            checks.Add(() =>
            {
                // The line's R_ct is the interface's resistance (kinetics and film in series, which no spectrum of this model separates: the film has no capacitance).
                Assert.All(points, p => Assert.Equal(p.Kinetic + p.Film, p.Line.ChargeTransferResistance, 0.03 * (p.Kinetic + p.Film)));
                // With the case's film resistance taken off, ln(T/R_ct) recovers the Ea of j0; ln(1/R_ct), the paper's form, gives Ea − R T̄.
                Assert.Equal(ea, truth.ActivationEnergy, 1e-6 * ea);
                Assert.Equal(ea, lineKinetic.ActivationEnergy, 0.05 * ea);
                Assert.Equal(ea - PhysicalConstants.GasConstant * meanT, lineKineticPaper.ActivationEnergy, 0.05 * ea);
            });
        }
        foreach (var check in checks) check();
    }
}
