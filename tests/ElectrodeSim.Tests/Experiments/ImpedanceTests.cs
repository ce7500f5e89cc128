using ElectrodeSim.Analysis;
using System.Diagnostics;
using System.Numerics;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Experiments;

/// <summary>Small-signal impedance from the linearised model (mode: impedance).</summary>
public class ImpedanceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Capacitance = 0.2;

    /// <summary>SiO@C-l with a double layer and transport made fast: electrolyte κ and D_e ×10⁴, σ_s 10⁶ S/m, D_s ×10⁴.</summary>
    private static SimulationSetup FastTransport(bool fastSolid = true)
    {
        var setup = DoubleLayerTests.WithCapacitance(Repository.LoadCase("sio-c-l.yaml"), Capacitance);
        var el = setup.Cell.Electrolyte;
        var fast = new ElectrolyteProperties
        {
            Name = el.Name + " x1e4", Source = el.Source, TransferenceNumber = el.TransferenceNumber, ThermodynamicFactor = el.ThermodynamicFactor,
            Conductivity = new Correlation("fast", "test", "S/m", (c, T) => 1e4 * el.Conductivity.Value(c, T)),
            Diffusivity = new Correlation("fast", "test", "m^2/s", (c, T) => 1e4 * el.Diffusivity.Value(c, T)),
        };
        return setup with
        {
            Cell = setup.Cell with
            {
                Electrolyte = fast,
                Electrodes = setup.Cell.Electrodes.Select(e => e with { EffectiveConductivity = 1e6, SolidDiffusivity = e.SolidDiffusivity * (fastSolid ? 1e4 : 1) }).ToArray(),
            },
        };
    }

    [Fact]
    public void With_fast_transport_the_spectrum_is_the_Randles_circuit_of_R_ct_from_j0_and_C_dl_within_half_a_percent()
    {
        var setup = FastTransport();
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var y = model.InitialState();
        var e = setup.Cell.WorkingElectrode;
        Assert.Equal(0.0, e.FilmResistance);
        double f = model.Context.InverseThermalVoltage, theta = e.InitialStateOfLithiation;
        double j0 = model.Context.ReferenceExchangeCurrentDensity[0] * Math.Pow((1 - theta) / 0.5, e.AnodicTransferCoefficient) * Math.Pow(theta / 0.5, e.CathodicTransferCoefficient);
        double aL = e.SpecificArea * e.Thickness;
        double chargeTransfer = 1.0 / (f * j0 * (e.AnodicTransferCoefficient + e.CathodicTransferCoefficient)) / aL;
        double capacitance = Capacitance * aL;
        // Series part: the lithium foil's charge-transfer resistance (its own kinetics, linearised) and what is left of the ohmic drops.
        double h = 1e-4, ce = setup.Cell.InitialElectrolyteConcentration;
        double foil = (LithiumFoil.Overpotential(setup.Cell.LithiumFoil!, h, ce, f) - LithiumFoil.Overpotential(setup.Cell.LithiumFoil!, -h, ce, f)) / (2 * h);
        double separator = setup.Cell.Separator.Thickness / (Math.Pow(setup.Cell.Separator.Porosity, setup.Cell.Separator.Bruggeman) * setup.Cell.Electrolyte.Conductivity.Value(ce, setup.Cell.Temperature));
        double series = foil + separator;
        double corner = 1.0 / (2 * Math.PI * chargeTransfer * capacitance);
        var frequencies = CaseBuilder.ImpedanceFrequencies(corner / 100, corner * 10, 5);
        var clock = Stopwatch.StartNew();
        var z = ImpedanceSpectrum.Compute(model, y, 0, frequencies);
        clock.Stop();
        output.WriteLine($"R_ct {chargeTransfer:E4} ohm m^2, C {capacitance:G4} F/m^2, corner {corner:G4} Hz, R_s {series:E4}; {frequencies.Length} frequencies, {model.Size} unknowns in {clock.Elapsed.TotalMilliseconds:F1} ms");
        double worst = 0;
        for (int k = 0; k < frequencies.Length; k++)
        {
            double w = 2 * Math.PI * frequencies[k];
            var randles = series + chargeTransfer / new Complex(1, w * chargeTransfer * capacitance);
            var model_ = new Complex(z.Real[k], z.Imaginary[k]);
            double error = (model_ - randles).Magnitude / (randles - series).Magnitude;
            worst = Math.Max(worst, error);
            output.WriteLine($"{frequencies[k],12:G5} Hz  model {z.Real[k]:E5} {z.Imaginary[k]:E5}  Randles {randles.Real:E5} {randles.Imaginary:E5}  {error:P3}");
        }
        Assert.True(worst <= 0.005, $"largest deviation from the Randles circuit {worst:P3} of the electrode's impedance");
    }

    [Fact]
    public void The_distribution_of_relaxation_times_of_the_fast_transport_spectrum_peaks_at_R_ct_C_dl()
    {
        var setup = FastTransport();
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var e = setup.Cell.WorkingElectrode;
        double f = model.Context.InverseThermalVoltage, theta = e.InitialStateOfLithiation;
        double j0 = model.Context.ReferenceExchangeCurrentDensity[0] * Math.Pow((1 - theta) / 0.5, e.AnodicTransferCoefficient) * Math.Pow(theta / 0.5, e.CathodicTransferCoefficient);
        // τ = R_ct C_dl per unit particle surface (both scale with a L alike).
        double tau = Capacitance / (f * j0 * (e.AnodicTransferCoefficient + e.CathodicTransferCoefficient));
        double corner = 1 / (2 * Math.PI * tau);
        var z = ImpedanceSpectrum.Compute(model, model.InitialState(), 0, CaseBuilder.ImpedanceFrequencies(corner / 100, corner * 100, 10));
        var drt = ImpedanceAnalysis.DistributionOfRelaxationTimes(z.Frequency, z.Real, z.Imaginary);
        var peaks = drt.PeakTimes();
        double nearest = peaks.MinBy(p => Math.Abs(Math.Log(p / tau)));
        output.WriteLine($"τ = R_ct C_dl = {tau:G4} s; DRT peaks {string.Join(", ", peaks.Select(p => p.ToString("G4")))} s; misfit {drt.Residual:E2} ohm m^2");
        Assert.Equal(tau, peaks[0], 0.05 * tau);
        Assert.Equal(tau, nearest, 0.05 * tau);
    }

    [Fact]
    public void With_fast_electrolyte_the_low_frequency_tail_is_the_finite_space_spherical_diffusion_impedance_within_1_percent()
    {
        var setup = FastTransport(fastSolid: false);
        var model = new P2DModel(setup.Cell, setup.Mesh with { ParticleShells = 40, ParticleSurfaceRefinement = 0.5 }, setup.FaceAverage);
        var e = setup.Cell.WorkingElectrode;
        double f = model.Context.InverseThermalVoltage, theta = e.InitialStateOfLithiation, ce = setup.Cell.InitialElectrolyteConcentration;
        double j0 = model.Context.ReferenceExchangeCurrentDensity[0] * Math.Pow((1 - theta) / 0.5, e.AnodicTransferCoefficient) * Math.Pow(theta / 0.5, e.CathodicTransferCoefficient);
        double aL = e.SpecificArea * e.Thickness, rct = 1.0 / (f * j0 * (e.AnodicTransferCoefficient + e.CathodicTransferCoefficient));
        e.OpenCircuitPotential.Evaluate(theta, out double dUdTheta);
        double dUdc = dUdTheta / e.MaxConcentration, radius = e.ParticleRadius, d = e.SolidDiffusivity;
        double h = 1e-4;
        double foil = (LithiumFoil.Overpotential(setup.Cell.LithiumFoil!, h, ce, f) - LithiumFoil.Overpotential(setup.Cell.LithiumFoil!, -h, ce, f)) / (2 * h);
        double separator = setup.Cell.Separator.Thickness / (Math.Pow(setup.Cell.Separator.Porosity, setup.Cell.Separator.Bruggeman) * setup.Cell.Electrolyte.Conductivity.Value(ce, setup.Cell.Temperature));
        // Sphere with surface flux j/F: ĉ(R) = −(j/(F D)) R / (kR coth kR − 1), k = √(iω/D); Z_d = −(dU/dc) R / (F D (kR coth kR − 1)) per particle surface.
        Complex Diffusion(double w)
        {
            var kr = Complex.Sqrt(new Complex(0, w / d)) * radius;
            return -dUdc * radius / (PhysicalConstants.Faraday * d * (kr * Complex.Cosh(kr) / Complex.Sinh(kr) - 1));
        }
        double characteristic = d / (radius * radius) / (2 * Math.PI);
        var frequencies = CaseBuilder.ImpedanceFrequencies(characteristic / 10, 1e4, 5);
        var z = ImpedanceSpectrum.Compute(model, model.InitialState(), 0, frequencies);
        double worst = 0;
        for (int k = 0; k < frequencies.Length; k++)
        {
            double w = 2 * Math.PI * frequencies[k];
            var local = 1.0 / (1.0 / (rct + Diffusion(w)) + new Complex(0, w * Capacitance));
            var expected = foil + separator + local / aL;
            var got = new Complex(z.Real[k], z.Imaginary[k]);
            double error = (got - expected).Magnitude / (expected - foil - separator).Magnitude;
            worst = Math.Max(worst, error);
            output.WriteLine($"{frequencies[k],12:G5} Hz  model {got.Real:E5} {got.Imaginary:E5}  analytic {expected.Real:E5} {expected.Imaginary:E5}  {error:P3}");
            // The tail itself (below the diffusion frequency D/(2π R²)·10): its imaginary part, which R_ct does not hide.
            if (frequencies[k] < 10 * characteristic)
                Assert.True(Math.Abs(got.Imaginary - expected.Imaginary) <= 0.01 * Math.Abs(expected.Imaginary), $"{frequencies[k]:G4} Hz: Im Z {got.Imaginary:E5} vs {expected.Imaginary:E5}");
        }
        Assert.True(worst <= 0.01, $"largest deviation from the spherical-diffusion Randles circuit {worst:P3}");
    }

    [Fact]
    public void The_linearised_impedance_agrees_with_a_small_amplitude_time_domain_simulation_at_three_frequencies_within_1_percent()
    {
        var setup = DoubleLayerTests.WithCapacitance(Repository.LoadCase("sio-c-l.yaml"), Capacitance);
        var mesh = new MeshSettings { SeparatorCells = 4, ElectrodeCells = 6, ParticleShells = 8 };
        var model = new P2DModel(setup.Cell, mesh, setup.FaceAverage);
        double[] frequencies = [1000, 30, 1];
        var linear = ImpedanceSpectrum.Compute(model, model.InitialState(), 0, frequencies);
        const double amplitude = 0.05; // A/m²: η ≈ 3e-5 V ≪ RT/F, so the response is linear to ~1e-3
        for (int k = 0; k < frequencies.Length; k++)
        {
            double w = 2 * Math.PI * frequencies[k], period = 1 / frequencies[k];
            int periods = 6, perPeriod = 400;
            model.Control.Mode = ControlMode.Current;
            model.Control.CurrentWaveform = t => amplitude * Math.Sin(w * t);
            using var solver = new KluLinearSolver(model.JacobianPattern);
            var integrator = new BdfIntegrator(model, solver, setup.Solver with { RelativeTolerance = 1e-7, MaxStep = period / perPeriod, InitialStep = period / perPeriod / 100, MaxOrder = 2 });
            model.SetCurrentScale(amplitude);
            integrator.Initialise(0, model.InitialState());
            double v0 = model.Voltage(integrator.State);
            // Least squares of V − v0 = a + s sin ωt + c cos ωt over the last two periods (the start transient has decayed by then).
            var normal = new double[3, 3];
            var rhs = new double[3];
            var state = new double[model.Size];
            for (int n = 0; n <= periods * perPeriod; n++)
            {
                double t = n * period / perPeriod;
                if (t > 0) integrator.AdvanceTo(t);
                if (n < (periods - 2) * perPeriod) continue;
                double[] basis = [1, Math.Sin(w * t), Math.Cos(w * t)];
                double dv = model.Voltage(integrator.State) - v0;
                for (int r = 0; r < 3; r++) { rhs[r] += basis[r] * dv; for (int c = 0; c < 3; c++) normal[r, c] += basis[r] * basis[c]; }
            }
            var coefficients = Solve3(normal, rhs);
            // V = v0 + Re(ΔV e^{iωt}) with I = Im(A e^{iωt}) = A sin ωt: ΔV·(−i)... write I = A sin ωt = Re(−iA e^{iωt}),
            // ΔV = s sin + c cos = Re((c − i s) e^{iωt}); Z = −ΔV/ΔI = −(c − i s)/(−i A).
            var dV = new Complex(coefficients[2], -coefficients[1]);
            var zTime = -dV / new Complex(0, -amplitude);
            var zLinear = new Complex(linear.Real[k], linear.Imaginary[k]);
            double error = (zTime - zLinear).Magnitude / zLinear.Magnitude;
            output.WriteLine($"{frequencies[k]} Hz: linearised {zLinear.Real:E5} {zLinear.Imaginary:E5}, time domain {zTime.Real:E5} {zTime.Imaginary:E5}, {error:P3}");
            Assert.True(error <= 0.01, $"{frequencies[k]} Hz: {error:P3}");
        }
    }

    /// <summary>The 3 × 3 system a x = b (MathNet's LU with partial pivoting).</summary>
    private static double[] Solve3(double[,] a, double[] b) =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a).Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(b)).ToArray();

    [Fact]
    public void An_impedance_step_writes_its_spectrum_with_units_and_passes_no_time()
    {
        using var dir = new Repository.TemporaryDirectory();
        var setup = DoubleLayerTests.WithCapacitance(Repository.LoadCase("sio-c-l.yaml"), Capacitance) with
        {
            Protocol = new Protocol([
                new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 10 },
                new ProtocolStep { Label = "eis", Mode = ControlMode.Impedance, MaxDuration = 0, Frequencies = CaseBuilder.ImpedanceFrequencies(0.01, 1e5, 4) },
            ]),
        };
        string path = Path.Combine(dir.Path, "eis.h5");
        var result = Simulator.Run(setup, path);
        var spectrum = Assert.Single(result.Solution.Impedance);
        Assert.Equal(29, spectrum.Frequency.Length);
        Assert.Equal(10.0, result.Solution.Steps[1].StartTime);
        Assert.Equal(10.0, result.Solution.Steps[1].EndTime);
        Assert.All(spectrum.Real, r => Assert.True(r > 0));
        Assert.All(spectrum.Imaginary, i => Assert.True(i < 0));
        using var file = ElectrodeSim.Native.Hdf5.Hdf5File.OpenRead(path);
        Assert.Equal(spectrum.Real, file.ReadArray("/impedance/real", out _));
        Assert.Equal("ohm m^2", file.ReadStringAttribute("/impedance/imaginary", "units"));
        Assert.Equal("Hz", file.ReadStringAttribute("/impedance/frequency", "units"));
    }
}
