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
/// The lumped thermal model (cell.thermal): its energy balance against the local heat sources, the isothermal limit
/// (h → ∞), the adiabatic temperature rise, the Jacobian of the temperature column and the case errors.
/// </summary>
public sealed class ThermalTests(ITestOutputHelper output)
{
    /// <summary>Keeps every recorded state.</summary>
    private sealed class Recorder : ISolutionObserver
    {
        public List<(double Time, double[] State)> States { get; } = [];
        public void Record(double time, ReadOnlySpan<double> state, int protocolStep) => States.Add((time, state.ToArray()));
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The SiO@C-l half cell (film resistance from its coating, lithium foil) with a constant entropic coefficient and the given thermal keys.</summary>
    private static SimulationSetup HalfCell(params (string Key, string Value)[] keys) =>
        CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l.yaml"),
            [new CaseOverride("electrode.ocp.entropic_coefficient_V_K", "-0.0002"), .. keys.Select(k => new CaseOverride(k.Key, k.Value))]));

    /// <summary>A Marquis2019 full cell with the Moura 2016 entropic coefficients, discharged at <paramref name="cRate"/> to 3.2 V.</summary>
    private static SimulationSetup MarquisCell(string thermal, double cRate = 2, string solver = "") => Repository.FullCell("Marquis2019", $"""
        cell:
          thermal:
        {Indent(thermal, 4)}
        negative_electrode:
          ocp:
            entropic_function: graphite_entropic_change_moura2016
        positive_electrode:
          ocp:
            entropic_function: lico2_entropic_change_moura2016
        protocol:
          - mode: current
            c_rate: {F(cRate)}
            stop:
              voltage_below_V: 3.2
        {solver}
        """);

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => new string(' ', spaces) + l.Trim()));

    private static (Solution Solution, P2DModel Model, Recorder Recorder) Run(SimulationSetup setup, double everySeconds = 0)
    {
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var recorder = new Recorder();
        var runner = new ProtocolRunner(model, setup.Solver) { Schedule = everySeconds > 0 ? new OutputSchedule(everySeconds, null) : null };
        return (runner.Run(setup.Protocol, [recorder]), model, recorder);
    }

    /// <summary>
    /// The cell's energy balance computed here from the state alone: I (U_eq − V) + Σ a j T ∂U/∂T Δx, with the equilibrium
    /// voltage U_eq = −Σ a j U(θ_surf, T) Δx / I the reaction-weighted surface potentials (written as −I V − Σ a j U Δx so
    /// that it holds at I = 0 too).
    /// </summary>
    private static double EnergyBalance(P2DModel model, double[] y)
    {
        var L = model.Layout;
        double current = y[L.Current], voltage = model.Voltage(y), temperature = model.Temperature(y);
        double stored = 0, reversible = 0;
        for (int i = 0; i < model.Mesh.CellCount; i++)
        {
            if (!L.IsElectrode(i)) continue;
            var electrode = model.Cell.Electrodes[L.ElectrodeOf(i)];
            double theta = model.SurfaceStateOfLithiation(y, i);
            double weight = electrode.SpecificArea * model.Mesh.Widths[i];
            double j = y[L.InterfacialCurrent(i)];
            stored += weight * j * model.EquilibriumPotential(y, i);
            reversible += weight * j * temperature * electrode.EntropicCoefficientAt(theta, out _);
        }
        return -current * voltage - stored + reversible;
    }

    private static double Trapezoid(IReadOnlyList<(double Time, double[] State)> states, Func<double[], double> f)
    {
        double sum = 0;
        for (int k = 1; k < states.Count; k++)
            sum += 0.5 * (f(states[k].State) + f(states[k - 1].State)) * (states[k].Time - states[k - 1].Time);
        return sum;
    }

    /// <summary>
    /// The identity holds where the charge balances do, i.e. to the Newton tolerance, which follows the relative
    /// tolerance: this test runs at 1e-6 (the default 1e-3 leaves about 1e-6 of |I V|).
    /// </summary>
    [Theory]
    [InlineData("half")]
    [InlineData("full")]
    public void Local_heat_sources_add_up_to_the_energy_balance_at_every_state_and_over_the_run(string kind)
    {
        var setup = kind == "half"
            ? HalfCell(("cell.thermal.model", "lumped"), ("cell.thermal.areal_heat_capacity_J_m2K", "50"),
                       ("cell.thermal.heat_transfer_coefficient_W_m2K", "5"), ("cell.thermal.cooling_area_per_electrode_area", "1"),
                       ("electrode.kinetics.film_resistance_ohm_m2", "0.002"), ("solver.relative_tolerance", "1e-6"))
            : MarquisCell("model: lumped\nareal_heat_capacity_J_m2K: 500\nheat_transfer_coefficient_W_m2K: 2\ncooling_area_per_electrode_area: 1",
                          solver: "solver:\n  relative_tolerance: 1e-6");
        var (solution, model, recorder) = Run(setup, everySeconds: 2);
        double worst = 0, largest = 0;
        foreach (var (_, y) in recorder.States)
        {
            var sources = model.HeatSources(y);
            double balance = EnergyBalance(model, y);
            // Relative to the largest single term of the balance (|I V|), which the heat is a small difference of.
            double scale = Math.Abs(y[model.Layout.Current] * model.Voltage(y));
            if (scale == 0) continue;
            worst = Math.Max(worst, Math.Abs(sources.Total - balance) / scale);
            largest = Math.Max(largest, Math.Abs(sources.Total));
            Assert.True(sources.Irreversible > 0, $"irreversible heat {sources.Irreversible} W/m^2 under current");
        }
        var last = recorder.States[^1].State;
        var parts = model.HeatSources(last);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind}: {recorder.States.Count} states, worst |sum of sources - balance| / |I V| = {worst:E2}, largest Q {largest:G4} W/m^2; at the end {parts}"));
        Assert.True(worst < 1e-6, $"local sources differ from the energy balance by {worst:E2} of |I V|");
        Assert.True(parts.Reversible != 0 && parts.ElectrolyteOhmic > 0 && parts.SolidOhmic > 0 && parts.Reaction > 0);
        if (kind == "half") Assert.True(parts.LithiumFoil > 0 && parts.Film > 0);

        // Over the run: the heat the model integrated (its state) against the energy balance and the local sources
        // integrated here from the recorded states (trapezoid on a 2 s grid).
        double integrated = last[model.Layout.HeatGenerated];
        double balanceIntegral = Trapezoid(recorder.States, y => EnergyBalance(model, y));
        double sourcesIntegral = Trapezoid(recorder.States, y => model.HeatSources(y).Total);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"heat generated {integrated:G10} J/m^2, integral of the balance {balanceIntegral:G10}, of the sources {sourcesIntegral:G10}"));
        Assert.True(Math.Abs(sourcesIntegral - balanceIntegral) <= 1e-6 * Math.Abs(integrated));
        // The trapezoid's own error on a 2 s grid bounds the rest (measured 3e-5 of the heat in the half cell, 2e-6 in the full cell).
        Assert.True(Math.Abs(integrated - balanceIntegral) <= 1e-4 * Math.Abs(integrated), "the integrated heat against the trapezoid of the balance");
    }

    [Fact]
    public void Adiabatic_temperature_rise_is_the_heat_generated_over_the_heat_capacity()
    {
        const double capacity = 400; // J/(m² K)
        var setup = MarquisCell($"model: lumped\nareal_heat_capacity_J_m2K: {capacity}\nheat_transfer_coefficient_W_m2K: 0", cRate: 2);
        var (solution, model, recorder) = Run(setup, everySeconds: 2);
        var first = recorder.States[0].State;
        var last = recorder.States[^1].State;
        double rise = model.Temperature(last) - model.Temperature(first);
        double heat = last[model.Layout.HeatGenerated];
        double balance = Trapezoid(recorder.States, y => EnergyBalance(model, y));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"adiabatic 2C: ΔT = {rise:G10} K, ∫Q dt / C = {heat / capacity:G10} K, trapezoid of the balance / C = {balance / capacity:G10} K"));
        Assert.True(rise > 5, $"a 2C discharge of a 400 J/(m² K) cell should heat it by several kelvin, got {rise} K");
        Assert.Equal(heat / capacity, rise, 1e-9 * rise);
        Assert.True(Math.Abs(balance / capacity - rise) <= 2e-3 * rise);
        // Temperature never falls without cooling while the irreversible heat dominates.
        Assert.True(model.Temperature(recorder.States[recorder.States.Count / 2].State) < model.Temperature(last));
    }

    [Fact]
    public void With_cooling_the_heat_generated_is_the_heat_stored_plus_the_heat_given_off()
    {
        // C = m c_p / A and H = h A_cool / A from the per-cell keys: 0.5 kg · 1000 J/(kg K) / 1 m² and 20 · 0.5 m² / 1 m².
        var setup = MarquisCell("model: lumped\nheat_capacity_J_kgK: 1000\nmass_kg: 0.5\nelectrode_area_m2: 1\nheat_transfer_coefficient_W_m2K: 20\ncooling_area_m2: 0.5\ninitial_temperature_K: 300.15",
                                solver: "solver:\n  relative_tolerance: 1e-6");
        Assert.Equal(500.0, setup.Cell.Thermal!.ArealHeatCapacity, 1e-12);
        Assert.Equal(10.0, setup.Cell.Thermal.HeatTransferConductance, 1e-12);
        Assert.Equal(298.15, setup.Cell.Thermal.AmbientTemperature);
        var (_, model, recorder) = Run(setup, everySeconds: 1);
        var first = recorder.States[0].State;
        var last = recorder.States[^1].State;
        Assert.Equal(300.15, model.Temperature(first), 1e-9);
        double stored = 500.0 * (model.Temperature(last) - model.Temperature(first));
        double givenOff = Trapezoid(recorder.States, y => 10.0 * (model.Temperature(y) - 298.15));
        double generated = last[model.Layout.HeatGenerated];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stored {stored:G8} J/m^2 + given off {givenOff:G8} J/m^2 = {stored + givenOff:G10}; generated {generated:G10} J/m^2"));
        Assert.True(givenOff > 0.1 * generated, "the cooling should carry a good part of the heat away");
        Assert.True(Math.Abs(stored + givenOff - generated) <= 1e-4 * generated);
    }

    [Fact]
    public void Strong_cooling_recovers_the_isothermal_run_and_weak_cooling_does_not()
    {
        const string tight = "solver:\n  relative_tolerance: 1e-6";
        var isothermal = Run(MarquisCell("model: isothermal", solver: tight));
        var cooled = Run(MarquisCell("model: lumped\nareal_heat_capacity_J_m2K: 500\nheat_transfer_coefficient_W_m2K: 1e6\ncooling_area_per_electrode_area: 1", solver: tight));
        var warm = Run(MarquisCell("model: lumped\nareal_heat_capacity_J_m2K: 500\nheat_transfer_coefficient_W_m2K: 1\ncooling_area_per_electrode_area: 1", solver: tight));
        double Capacity(Solution s) => s.TotalCharge / 3600.0;
        double AverageVoltage(Solution s) => s.AverageVoltage(0, 0);
        double maxRise = cooled.Recorder.States.Max(s => cooled.Model.Temperature(s.State)) - 298.15;
        double warmRise = warm.Model.Temperature(warm.Solution.FinalState) - 298.15;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"isothermal: {Capacity(isothermal.Solution):G10} Ah/m^2, {AverageVoltage(isothermal.Solution):G10} V; h = 1e6: {Capacity(cooled.Solution):G10} Ah/m^2, {AverageVoltage(cooled.Solution):G10} V, max rise {maxRise:E2} K; h = 1: {Capacity(warm.Solution):G10} Ah/m^2, {AverageVoltage(warm.Solution):G10} V, end rise {warmRise:G4} K"));
        Assert.True(maxRise < 1e-4);
        Assert.Equal(Capacity(isothermal.Solution), Capacity(cooled.Solution), 1e-5 * Capacity(isothermal.Solution));
        Assert.Equal(AverageVoltage(isothermal.Solution), AverageVoltage(cooled.Solution), 1e-6);
        // The same comparison fails for a warm cell: it must, or the test could not tell.
        Assert.True(warmRise > 1);
        Assert.True(Math.Abs(AverageVoltage(warm.Solution) - AverageVoltage(isothermal.Solution)) > 1e-3);
    }

    [Fact]
    public void Isothermal_section_leaves_the_model_unchanged()
    {
        var plain = Run(Repository.LoadCase("sio-c-l.yaml")).Solution;
        var isothermal = Run(CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l.yaml"), [new CaseOverride("cell.thermal.model", "isothermal")]))).Solution;
        Assert.Equal(plain.TotalCharge, isothermal.TotalCharge);
        Assert.Equal(plain.Voltage, isothermal.Voltage);
    }

    [Theory]
    [InlineData("half")]
    [InlineData("full")]
    public void Jacobian_with_the_temperature_unknown_matches_finite_differences(string kind)
    {
        var setup = kind == "half"
            ? HalfCell(("cell.thermal.model", "lumped"), ("cell.thermal.areal_heat_capacity_J_m2K", "50"),
                       ("cell.thermal.heat_transfer_coefficient_W_m2K", "5"), ("cell.thermal.cooling_area_per_electrode_area", "1"))
            : MarquisCell("model: lumped\nareal_heat_capacity_J_m2K: 500\nheat_transfer_coefficient_W_m2K: 3\ncooling_area_per_electrode_area: 2");
        var mesh = kind == "half"
            ? new Mesh.MeshSettings { SeparatorCells = 3, ElectrodeCells = 4, ParticleShells = 4 }
            : new Mesh.MeshSettings { SeparatorCells = 2, ElectrodeCells = 3, ParticleShells = 4, ElectrodeCellCounts = [3, 4], ParticleShellCounts = [4, 5] };
        var model = new P2DModel(setup.Cell, mesh, setup.FaceAverage);
        model.Control.Mode = ControlMode.Current;
        model.Control.SetValue = 30.0;
        var y = JacobianCheck.PerturbedState(model, 3);
        var L = model.Layout;
        y[L.TemperatureRise] = 17.0;
        var (worst, count) = JacobianCheck.AssertMatchesFiniteDifferences(model, y);
        output.WriteLine($"{kind}: worst {worst:E2} of the tolerance over {count} entries");
        // The T column is not empty: the kinetics, transport and U(θ, T) all depend on it.
        int nonzero = 0;
        var jac = new double[model.JacobianPattern.NonZeroCount];
        model.Evaluate(0, y, new double[model.Size], jac);
        for (int row = 0; row < model.Size; row++)
            if (jac[model.JacobianPattern.SlotOf(row, L.TemperatureRise)] != 0) nonzero++;
        Assert.True(nonzero > model.Mesh.CellCount, $"only {nonzero} rows depend on T");
    }

    [Fact]
    public void Entropic_coefficients_match_the_tabulated_values_and_their_slopes_central_differences()
    {
        // PARAMS_Marquis2019.md: dU_n/dT and dU_p/dT [V/K] at sto 0.01, 0.5, 0.9, 0.99.
        (IOpenCircuitPotential F, double X, double V)[] table =
        [
            (EntropicCoefficients.GraphiteMoura2016, 0.01, -0.002177300992), (EntropicCoefficients.GraphiteMoura2016, 0.5, -1.844162911e-05),
            (EntropicCoefficients.GraphiteMoura2016, 0.9, -7.768424297e-05), (EntropicCoefficients.GraphiteMoura2016, 0.2, -2.194745331e-05),
            (EntropicCoefficients.LithiumCobaltOxideMoura2016, 0.01, -4.699600689e-06), (EntropicCoefficients.LithiumCobaltOxideMoura2016, 0.5, -3.489166757e-05),
            (EntropicCoefficients.LithiumCobaltOxideMoura2016, 0.99, -0.001533749912), (EntropicCoefficients.LithiumCobaltOxideMoura2016, 0.3, -2.372300814e-05),
        ];
        foreach (var (f, x, v) in table)
        {
            double value = f.Evaluate(x, out double slope);
            Assert.Equal(v, value, 1e-9 * Math.Abs(v) + 1e-15);
            const double h = 1e-6;
            double fd = (f.Evaluate(x + h, out _) - f.Evaluate(x - h, out _)) / (2 * h);
            Assert.Equal(fd, slope, 1e-5 * Math.Abs(fd) + 1e-9);
        }
    }

    [Theory]
    [InlineData("cell.thermal.model", "lumpy", "cell.thermal.model", "one of lumped, isothermal")]
    [InlineData("cell.thermal.heat_transfer_coefficient_W_m2K", "-1", "cell.thermal.heat_transfer_coefficient_W_m2K", ">= 0")]
    [InlineData("cell.thermal.cooling_area_per_electrode_area", "2", "cell.thermal", "exactly one of cooling_area_m2, cooling_area_per_electrode_area")]
    [InlineData("cell.thermal.areal_heat_capacity_J_m2K", "40", "cell.thermal", "exactly one of heat_capacity_J_kgK, areal_heat_capacity_J_m2K")]
    [InlineData("cell.thermal.ambient_temperature_K", "25", "cell.thermal.ambient_temperature_K", "(200, 400) K")]
    [InlineData("electrode.ocp.entropic_function", "graphite", "electrode.ocp.entropic_function", "one of graphite_entropic_change_moura2016")]
    public void Bad_thermal_input_is_an_error_naming_its_key_and_exits_2(string key, string value, string path, string accepted)
    {
        using var dir = new Repository.TemporaryDirectory();
        // A valid lumped section to spoil one key at a time.
        string text = File.ReadAllText(Repository.Case("sio-c-l.yaml"))
            .Replace("  temperature_K: 298.15", "  temperature_K: 298.15\n  thermal:\n    model: lumped\n    heat_capacity_J_kgK: 1000\n    electrode_area_m2: 0.01\n    heat_transfer_coefficient_W_m2K: 10\n    cooling_area_m2: 0.02");
        Assert.Contains("thermal:", text);
        string file = Path.Combine(dir.Path, "thermal.yaml");
        File.WriteAllText(file, text);
        // The unspoilt case is valid once the mass is given; every spoilt one is not.
        var valid = CaseOverrides.Load(file, [new CaseOverride("cell.thermal.mass_kg", "0.05")]);
        Assert.Empty(CaseValidator.FindErrors(valid));
        var overrides = new List<CaseOverride> { new(key, value) };
        overrides.Add(new CaseOverride("cell.thermal.mass_kg", "0.05"));
        var errors = CaseValidator.FindErrors(CaseOverrides.Load(file, overrides));
        Assert.Contains(errors, e => e.Path == path && e.ToString().Contains(accepted, StringComparison.Ordinal));
        var (code, _, stderr) = Support.Cli.Run("run", file, "--set", $"{key}={value}", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains(path, stderr);
    }
    [Fact]
    public void Lumped_thermal_with_ocp_hysteresis_is_refused_naming_both_keys()
    {
        // The heat balance uses one equilibrium curve and does not count the hysteresis loop's dissipation.
        var definition = CaseOverrides.Load(Repository.Case(Path.Combine("experiments", "sio-c-l-cycle.yaml")),
        [
            new CaseOverride("cell.thermal.model", "lumped"), new CaseOverride("cell.thermal.heat_capacity_J_kgK", "1000"),
            new CaseOverride("cell.thermal.mass_kg", "0.05"), new CaseOverride("cell.thermal.electrode_area_m2", "0.01"),
            new CaseOverride("cell.thermal.heat_transfer_coefficient_W_m2K", "10"), new CaseOverride("cell.thermal.cooling_area_m2", "0.02"),
        ]);
        var errors = CaseValidator.FindErrors(definition);
        var error = Assert.Single(errors);
        Assert.Equal("cell.thermal.model", error.Path);
        Assert.Contains("electrode.ocp.hysteresis", error.ToString(), StringComparison.Ordinal);
    }
    [Fact]
    public void Without_fields_the_thermal_series_are_written_for_every_record()
    {
        // output.fields: false gathers the scalar series in memory (sweeps); the thermal series must come with them.
        using var dir = new Repository.TemporaryDirectory();
        foreach (var fields in new[] { "true", "false" })
        {
            var setup = CaseBuilder.Build(CaseOverrides.Load(Repository.Case(Path.Combine("thermal", "lgm50-2C-lumped.yaml")),
                [new CaseOverride("output.fields", fields)]));
            string file = Path.Combine(dir.Path, $"fields-{fields}.h5");
            Simulator.Run(setup, file);
            using var h5 = ElectrodeSim.Native.Hdf5.Hdf5File.OpenRead(file);
            long n = h5.GetDims("/time")[0];
            Assert.True(n > 10);
            foreach (var (path, _, _) in ElectrodeSim.Output.ResultWriter.ThermalSeries)
                Assert.Equal(n, h5.GetDims(path)[0]);
            var temperature = h5.ReadArray("/temperature", out _);
            Assert.True(temperature[^1] > temperature[0] + 10, $"a 2C discharge heats the cell (T {temperature[0]} -> {temperature[^1]} K)");
        }
    }
}
