using ElectrodeSim.Cases;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Output;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Output;

/// <summary>
/// The 2-D resolved result file as a run leaves it: the output schedule (dense output), a failed or interrupted run marked
/// failed with its reason under NAME.failed.h5 (never a file that looks complete), no state outside the physical limits,
/// and <c>run --plot</c>.
/// </summary>
public class ResolvedOutputTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>SiO@C-l 2-D in a 7 µm high box at 0.5 µm cells (8 discs, 2 563 unknowns): a run takes about 0.1 s.</summary>
    private static readonly string[] Small = ["resolved.height_um=7", "resolved.cell_size_um=0.5", "resolved.separator_gap_um=0.3"];

    private static SimulationSetup SmallCase(params string[] more) =>
        CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l-2d.yaml"), [.. Small.Concat(more).Select(a => CaseOverride.Parse(a))]));

    private static Protocol Lithiation(double seconds, double currentA_m2 = 50) => new([
        new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = currentA_m2, MaxDuration = seconds, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] }]);

    private static string NewFolder()
    {
        var directory = Path.Combine(Path.GetTempPath(), "r2d-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static double[] Record(Hdf5File file, string field, int t)
    {
        var all = file.ReadArray("/fields/" + field, out var dims);
        int n = (int)(dims[1] * dims[2]);
        return all.AsSpan(t * n, n).ToArray();
    }

    [Fact]
    public void Scheduled_2d_fields_at_a_requested_time_equal_a_run_that_steps_exactly_to_it_within_the_solver_tolerance()
    {
        const double requested = 17.3, end = 60;
        var scheduled = SmallCase("output.times_s=[17.3, 41.9]") with { Protocol = Lithiation(end) };
        var stepped = SmallCase() with { Protocol = Lithiation(requested) };
        // The reference for both: a run a thousand times tighter that also ends at the requested time.
        var tight = stepped with { Solver = stepped.Solver with { RelativeTolerance = stepped.Solver.RelativeTolerance * 1e-3 } };
        string directory = NewFolder();
        try
        {
            string a = Path.Combine(directory, "scheduled.h5"), b = Path.Combine(directory, "stepped.h5"), c = Path.Combine(directory, "tight.h5"), e = Path.Combine(directory, "every.h5");
            var run = Simulator.RunResolved(scheduled, a);
            Simulator.RunResolved(scheduled with { Output = scheduled.Output with { Schedule = null } }, e);
            Simulator.RunResolved(stepped, b);
            Simulator.RunResolved(tight, c);
            using var fa = Hdf5File.OpenRead(a);
            using var fb = Hdf5File.OpenRead(b);
            using var fc = Hdf5File.OpenRead(c);
            using var fe = Hdf5File.OpenRead(e);
            var everyStep = fe.ReadArray("/time", out _);
            // The schedule replaces the solver steps: its times, and the step's start and end.
            var times = fa.ReadArray("/time", out _);
            Assert.Equal([0, requested, 41.9, end], times);
            Assert.True(run.Solution.Time.Count > times.Length, "the solution keeps every solver step");
            Assert.DoesNotContain(requested, run.Solution.Time);
            int at = Array.IndexOf(times, requested);
            double rtol = scheduled.Solver.RelativeTolerance;
            static double Last(Hdf5File f) => f.GetDims("/time")[0] - 1;
            var failures = new List<string?>();
            double solDifference = double.NaN;
            foreach (var (field, _, _) in ResolvedResultWriter.FieldInfo)
            {
                var dense = Record(fa, field, at);
                var exact = Record(fb, field, (int)Last(fb));
                var reference = Record(fc, field, (int)Last(fc));
                double scale = reference.Where(double.IsFinite).Max(Math.Abs), worst = 0, denseError = 0, steppedError = 0;
                for (int i = 0; i < dense.Length; i++)
                {
                    Assert.Equal(double.IsFinite(exact[i]), double.IsFinite(dense[i]));
                    if (!double.IsFinite(exact[i])) continue;
                    worst = Math.Max(worst, Math.Abs(dense[i] - exact[i]));
                    denseError = Math.Max(denseError, Math.Abs(dense[i] - reference[i]));
                    steppedError = Math.Max(steppedError, Math.Abs(exact[i] - reference[i]));
                }
                output.WriteLine($"{field}: max |dense - stepped| = {worst:G3} ({worst / scale:G3} of the field's scale {scale:G3}); " +
                                 $"against the tight run: dense {denseError:G3}, stepped {steppedError:G3}");
                // The unknowns (SOL, c_e, phi_e, phi_s): the BDF step controller bounds the local error, and with it the interpolation
                // error inside a step, by rtol (|y| + the unknown's scale), so the dense state lies within a few of those of the stepped run
                // and of the tight one. j is no unknown of the 2-D model: it is Butler-Volmer evaluated on the interpolated state, whose
                // potentials satisfy the algebraic equations only to the interpolation error, and j ~ exp(eta / 2 V_T) turns an eta error
                // of rtol x 0.3 V into 0.3 mV / 51 mV = 0.6 % of j: 2 % of its scale.
                double allowed = field == "interfacial_current_density" ? 0.02 * scale : 5 * rtol * (scale + ErrorScale(run.Model, field));
                failures.Add(worst <= allowed ? null : $"{field}: dense vs stepped {worst:G3} > {allowed:G3}");
                failures.Add(denseError <= allowed ? null : $"{field}: dense vs tight {denseError:G3} > {allowed:G3}");
                if (field == "state_of_lithiation")
                {
                    solDifference = worst;
                    // Not a test that cannot fail: writing the nearest solver step instead would be off by far more.
                    var nearest = Record(fe, field, Array.IndexOf(everyStep, everyStep.MinBy(t => Math.Abs(t - requested))));
                    double nearestError = Enumerable.Range(0, dense.Length).Where(i => double.IsFinite(exact[i])).Max(i => Math.Abs(nearest[i] - exact[i]));
                    output.WriteLine($"{field}: the nearest solver step ({everyStep.MinBy(t => Math.Abs(t - requested)):G4} s) is off by {nearestError:G3}");
                    failures.Add(worst <= nearestError / 3 ? null : $"{field}: dense {worst:G3} vs nearest step {nearestError:G3}");
                }
            }
            Assert.Empty(failures.OfType<string>());
            Assert.Equal(fb.ReadArray("/voltage", out _)[^1], fa.ReadArray("/voltage", out _)[at], 5 * rtol);
            var sol = Record(fa, "state_of_lithiation", at).Where(double.IsFinite).Average() - Record(fa, "state_of_lithiation", 0).Where(double.IsFinite).Average();
            // The mean SOL moved by far more than the two differ: the comparison is not of two unchanged states.
            Assert.True(sol > 100 * solDifference, $"the discs lithiated by {sol:G3} by the requested time, the runs differ by {solDifference:G3}");
        }
        finally { Directory.Delete(directory, true); }
    }

    /// <summary>The model's error scale of a field's unknown, in the field's unit (c_s,max is 1 in SOL).</summary>
    private static double ErrorScale(Model.ResolvedParticleModel model, string field)
    {
        var c = model.Context;
        int particle = Array.FindIndex(c.ParticleConcentration, k => k >= 0), electrolyte = Array.FindIndex(c.ElectrolyteConcentration, k => k >= 0);
        return field switch
        {
            "state_of_lithiation" => model.Scale[c.ParticleConcentration[particle]] / c.MaxConcentration[particle],
            "electrolyte_concentration" => model.Scale[c.ElectrolyteConcentration[electrolyte]],
            "electrolyte_potential" => model.Scale[c.ElectrolytePotential[electrolyte]],
            "solid_potential" => model.Scale[c.ParticlePotential[particle]],
            _ => throw new ArgumentException(field),
        };
    }

    [Fact]
    public void A_2d_run_that_passes_no_charge_leaves_only_a_failed_file_with_the_reason()
    {
        // 5 A/cm² needs an overpotential beyond the sane voltage window at once: the step ends at start and no charge passes.
        var setup = SmallCase() with { Protocol = Lithiation(60, currentA_m2: 5e4) };
        string directory = NewFolder();
        try
        {
            string path = Path.Combine(directory, "impossible.h5");
            File.WriteAllText(path, "an older result that must not survive as this run's");
            var e = Assert.Throws<SimulationFailedException>(() => Simulator.RunResolved(setup, path));
            output.WriteLine(e.Message);
            Assert.False(File.Exists(path), "a file under the final name would look complete");
            string failed = Path.Combine(directory, "impossible.failed.h5");
            using var file = Hdf5File.OpenRead(failed);
            Assert.Equal("failed", file.ReadStringAttribute("/", "status"));
            Assert.Contains("no step passed any charge", file.ReadStringAttribute("/", "failure_reason"));
            Assert.Contains("physical limit", file.ReadStringAttribute("/", "failure_reason"));
            Assert.Empty(Directory.GetFiles(directory, "*.partial"));
        }
        finally { Directory.Delete(directory, true); }
    }

    [Fact]
    public void An_interrupted_2d_run_is_marked_failed_with_the_reason_and_keeps_what_it_recorded()
    {
        var setup = SmallCase() with { Protocol = Lithiation(60) };
        string directory = NewFolder();
        try
        {
            string path = Path.Combine(directory, "stopped.h5");
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            using (var target = ResultTarget.Claim(path))
                Assert.ThrowsAny<OperationCanceledException>(() => Simulator.RunResolved(setup, target, cancelled.Token, () => "interrupted (SIGINT)"));
            Assert.False(File.Exists(path));
            using var file = Hdf5File.OpenRead(Path.Combine(directory, "stopped.failed.h5"));
            Assert.Equal("failed", file.ReadStringAttribute("/", "status"));
            Assert.Equal("interrupted (SIGINT)", file.ReadStringAttribute("/", "failure_reason"));
            // The start of the step was recorded before the runner saw the stop, with its fields.
            Assert.Equal(1, file.GetDims("/time")[0]);
            Assert.Equal(1, file.GetDims("/fields/state_of_lithiation")[0]);
            Assert.Empty(Directory.GetFiles(directory, "*.partial"));
        }
        finally { Directory.Delete(directory, true); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_2d_delithiation_to_the_empty_limit_writes_no_state_outside_the_physical_limits(bool schedule)
    {
        // The discs start at SOL 0.005: delithiating at 50 A/m² empties a surface within seconds (a physical limit, located).
        var setup = (schedule ? SmallCase("output.every_s=0.05") : SmallCase()) with { Protocol = Lithiation(600, currentA_m2: -50) };
        var limits = new PhysicalLimits();
        string directory = NewFolder();
        try
        {
            string path = Path.Combine(directory, "empty.h5");
            var run = Simulator.RunResolved(setup, path);
            output.WriteLine(run.ToString());
            Assert.Equal(StepEnd.PhysicalLimit, run.Solution.Steps[0].End);
            Assert.Contains("ran out of lithium", run.Solution.Steps[0].Reason);
            using var file = Hdf5File.OpenRead(path);
            Assert.Equal("complete", file.ReadStringAttribute("/", "status"));
            var sol = file.ReadArray("/fields/state_of_lithiation", out var dims);
            var ce = file.ReadArray("/fields/electrolyte_concentration", out _);
            var voltage = file.ReadArray("/voltage", out _);
            int n = (int)(dims[1] * dims[2]), nt = (int)dims[0];
            Assert.True(nt > (schedule ? 10 : 3), $"{nt} records");
            double lowest = sol.Where(double.IsFinite).Min(), highest = sol.Where(double.IsFinite).Max();
            double lastLowest = sol.AsSpan((nt - 1) * n, n).ToArray().Where(double.IsFinite).Min();
            output.WriteLine($"{nt} records: SOL in [{lowest:G6}, {highest:G6}], last record's minimum {lastLowest:G3}; c_e >= {ce.Where(double.IsFinite).Min():G6} mol/m^3; V in [{voltage.Min():G6}, {voltage.Max():G6}] V");
            Assert.InRange(lowest, 0.0, 1.0);
            Assert.InRange(highest, 0.0, 1.0);
            // The limit was reached, not stopped short of: the end state lies inside it by at most twice the location tolerance.
            Assert.InRange(lastLowest, 0.0, 2 * limits.Tolerance);
            Assert.True(ce.Where(double.IsFinite).Min() > limits.DepletedElectrolyteFraction * setup.Cell.InitialElectrolyteConcentration);
            Assert.All(voltage, v => Assert.InRange(v, limits.VoltageWindow.Low, limits.VoltageWindow.High));
        }
        finally { Directory.Delete(directory, true); }
    }

    [Fact]
    public void Run_of_an_impossible_2d_case_exits_1_and_its_file_says_failed()
    {
        string directory = NewFolder();
        try
        {
            var (code, stdout, stderr) = Support.Cli.Run(["run", Repository.Case("sio-c-l-2d.yaml"), .. Small.SelectMany(s => new[] { "--set", s }),
                "--set", "protocol[0].current_density_mA_cm2=5000", "--out", directory]);
            output.WriteLine(stdout + stderr);
            Assert.Equal(1, code);
            Assert.Contains("no step passed any charge", stderr);
            Assert.False(File.Exists(Path.Combine(directory, "sio-c-l-2d.h5")));
            using var file = Hdf5File.OpenRead(Path.Combine(directory, "sio-c-l-2d.failed.h5"));
            Assert.Equal("failed", file.ReadStringAttribute("/", "status"));
            Assert.Contains("no step passed any charge", file.ReadStringAttribute("/", "failure_reason"));
        }
        finally { Directory.Delete(directory, true); }
    }

    [Fact]
    public void Run_with_plot_of_a_2d_case_draws_the_voltage_curves_and_the_end_maps()
    {
        string directory = NewFolder();
        try
        {
            var (code, stdout, stderr) = Support.Cli.Run(["run", Repository.Case("sio-c-l-2d.yaml"), .. Small.SelectMany(s => new[] { "--set", s }),
                "--set", "protocol[0].max_duration_s=60", "--out", directory, "--plot"]);
            output.WriteLine(stdout + stderr);
            Assert.Equal(0, code);
            Assert.DoesNotContain("error", stderr);
            foreach (var figure in new[] { "voltage-capacity", "voltage-time", "sol-map", "interfacial-current-map" })
            {
                var png = new FileInfo(Path.Combine(directory, $"sio-c-l-2d-{figure}.png"));
                Assert.True(png.Exists, $"{png.Name} was not drawn");
                Assert.True(png.Length > 5000, $"{png.Name}: {png.Length} bytes");
            }
            // The result file reads as an ElectrodeSim result with the P2D summary names.
            using var file = Hdf5File.OpenRead(Path.Combine(directory, "sio-c-l-2d.h5"));
            Assert.Equal("ElectrodeSim", file.ReadStringAttribute("/", "program"));
            Assert.True(file.ReadDoubleAttribute("/", "summary_capacity_mAh_g") > 0);
            Assert.True(file.Exists("/protocol/outcome"));
        }
        finally { Directory.Delete(directory, true); }
    }
}
