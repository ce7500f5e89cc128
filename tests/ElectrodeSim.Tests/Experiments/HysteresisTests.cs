using ElectrodeSim.Analysis;
using ElectrodeSim.Cases;
using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;
using ElectrodeSim.Tests.Verification;

namespace ElectrodeSim.Tests.Experiments;

/// <summary>
/// OCP hysteresis (<see cref="OcpHysteresis"/>, <c>electrode.ocp.hysteresis</c>) on the SiO@C-l lithiation–delithiation cycle of
/// <c>cases/experiments/sio-c-l-cycle.yaml</c> (Chandrasekaran 2011 silicon branches from ../shared/reference/silicon).
/// </summary>
public class HysteresisTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string CycleCase = "experiments/sio-c-l-cycle.yaml";

    /// <summary>One recorded state of a run: protocol step, the model's mean θ, V, and the state vector.</summary>
    internal sealed record Record(int Step, double Theta, double Voltage, double Current, double[] State);

    internal sealed record CycleRun(P2DModel Model, SimulationSetup Setup, Solution Solution, List<Record> Records)
    {
        public CycleResult Analyse(double target = 0.5) => CycleAnalysis.Analyse(
            Records.Select(r => r.Current).ToList(), Records.Select(r => r.Voltage).ToList(), Records.Select(r => r.Step).ToList(),
            Records.Select(r => r.Theta).ToList(), Records.Select(r => Model.LithiumInventory(r.State)).ToList(),
            Records.Select(r => r.State[Model.Layout.Charge]).ToList(), target);
    }

    /// <summary>The cycle case at <paramref name="cRate"/> (lithiation, rest, delithiation), every solver step recorded.</summary>
    internal static CycleRun RunCycle(double cRate, double relativeTolerance = 1e-3)
    {
        var setup = Repository.LoadCase(CycleCase);
        setup = setup with { Solver = setup.Solver with { RelativeTolerance = relativeTolerance } };
        double oneC = setup.Cell.WorkingElectrode.OneCCurrentDensity;
        var steps = setup.Protocol.Steps.Select(s => s.Mode == ControlMode.Current ? s with { Value = Math.Sign(s.Value) * cRate * oneC } : s).ToArray();
        setup = setup with { Protocol = new Protocol(steps) };
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        var records = new List<Record>();
        var solution = new ProtocolRunner(model, setup.Solver).Run(setup.Protocol, [new DelegateObserver((t, y, s) =>
            records.Add(new Record(s, model.MeanStateOfLithiation(y), model.Voltage(y), y[model.Layout.Current], y)))]);
        return new CycleRun(model, setup, solution, records);
    }

    private static readonly Lazy<CycleRun> Twentieth = new(() => RunCycle(0.05));

    private static double BranchGap(OcpHysteresis h, double theta) => h.Delithiation.Evaluate(theta, out _) - h.Lithiation.Evaluate(theta, out _);

    [Fact]
    public void A_slow_cycle_follows_the_lithiation_branch_then_the_delithiation_branch_and_the_gap_at_half_SOL_tends_to_the_table_gap()
    {
        var slow = Twentieth.Value;
        var fast = RunCycle(0.1);
        var h = slow.Setup.Cell.WorkingElectrode.Hysteresis!;
        Assert.Equal([StepEnd.StopCondition, StepEnd.Duration, StepEnd.StopCondition], slow.Solution.Steps.Select(s => s.End));
        double table = BranchGap(h, 0.5);
        var a = slow.Analyse();
        var b = fast.Analyse();
        // The excess over the equilibrium gap is the overpotential of the two half-cycles, linear in the current at small η:
        // doubling the rate doubles it, and the zero-rate extrapolation 2 gap(C/20) − gap(C/10) is the branches' gap.
        double excessSlow = a.Gap - table, excessFast = b.Gap - table;
        double extrapolated = 2 * a.Gap - b.Gap;
        output.WriteLine($"table gap at θ = 0.5: {1e3 * table:F3} mV; simulated C/20 {1e3 * a.Gap:F3} mV (V_lith {a.LithiationVoltage:F5} V, V_delith {a.DelithiationVoltage:F5} V), " +
                         $"C/10 {1e3 * b.Gap:F3} mV; zero-rate extrapolation {1e3 * extrapolated:F3} mV");
        Assert.InRange(excessSlow, 0, 3e-3);
        Assert.InRange(excessFast / excessSlow, 1.7, 2.3);
        Assert.True(Math.Abs(extrapolated - table) < 0.3e-3, $"zero-rate gap {1e3 * extrapolated:F3} mV against the table's {1e3 * table:F3} mV");

        // Along each branch (away from the ends, where the tables are steep), V follows U_lith while lithiating and U_delith while delithiating.
        double worstLithiation = slow.Records.Where(r => r.Step == 0 && r.Current > 0 && r.Theta is > 0.15 and < 0.85).Max(r => Math.Abs(r.Voltage - h.Lithiation.Evaluate(r.Theta, out _)));
        double worstDelithiation = slow.Records.Where(r => r.Step == 2 && r.Current < 0 && r.Theta is > 0.15 and < 0.85).Max(r => Math.Abs(r.Voltage - h.Delithiation.Evaluate(r.Theta, out _)));
        output.WriteLine($"max |V − U_lith(θ_avg)| lithiating {1e3 * worstLithiation:F3} mV, max |V − U_delith(θ_avg)| delithiating {1e3 * worstDelithiation:F3} mV (θ_avg in (0.15, 0.85), C/20)");
        Assert.True(worstLithiation < 5e-3 && worstDelithiation < 5e-3, $"{1e3 * worstLithiation:F3} mV, {1e3 * worstDelithiation:F3} mV");
    }

    [Fact]
    public void Lithium_in_solid_and_electrolyte_is_conserved_across_the_cycle()
    {
        var run = Twentieth.Value;
        var a = run.Analyse();
        output.WriteLine($"N_start {a.InitialLithium:R} mol/m², N_end {a.FinalLithium:R} mol/m², Q/F {a.LithiumPassed:R} mol/m²; error {a.LithiumError:E3} mol/m² ({a.RelativeLithiumError:E2} of the lithiation's throughput)");
        Assert.True(Math.Abs(a.RelativeLithiumError) < 1e-10, $"relative lithium error {a.RelativeLithiumError:E3}");
        // The cycle did move lithium both ways: most of it back out.
        Assert.True(run.Solution.StepCharge(0) > 0 && run.Solution.StepCharge(2) < -0.8 * run.Solution.StepCharge(0));
    }

    [Fact]
    public void The_hysteresis_state_stays_in_minus_1_to_1_and_follows_its_analytic_relaxation_after_the_reversal()
    {
        var run = Twentieth.Value;
        var model = run.Model;
        var L = model.Layout;
        var electrode = run.Setup.Cell.WorkingElectrode;
        double gamma = electrode.Hysteresis!.Rate;
        var cells = Enumerable.Range(0, model.Mesh.CellCount).Where(L.HasHysteresis).ToArray();
        Assert.Equal(model.Mesh.ElectrodeLayers.Single().CellCount, cells.Length);
        double low = run.Records.Min(r => cells.Min(i => r.State[L.HysteresisState(i)]));
        double high = run.Records.Max(r => cells.Max(i => r.State[L.HysteresisState(i)]));
        output.WriteLine($"h over every record and cell: [{low:R}, {high:R}]");
        // [−1, 1] is invariant for the ODE; the integrator holds it to its local tolerance, rtol (|h| + 1) = 2e-3 at rtol 1e-3
        // (where j changes sign inside a step its polynomial overshoots), and the overshoot shrinks with the tolerance.
        double overshoot = Math.Max(-1 - low, high - 1);
        Assert.True(overshoot < 1e-3, $"h leaves [-1, 1] by {overshoot:E3}");
        var tight = RunCycle(0.05, relativeTolerance: 1e-5);
        double tightOvershoot = tight.Records.Max(r => cells.Max(i => Math.Abs(r.State[L.HysteresisState(i)]))) - 1;
        output.WriteLine($"overshoot beyond ±1: {overshoot:E3} at rtol 1e-3, {tightOvershoot:E3} at rtol 1e-5");
        Assert.True(tightOvershoot < Math.Max(0.05 * overshoot, 1e-12), $"at rtol 1e-5 h still leaves [-1, 1] by {tightOvershoot:E3}");
        // Lithiating from h0 = −1, h stays on the lithiation branch; delithiating, each particle's h relaxes with its own mean θ:
        // dh/dθ̄ = −γ (1 − h), so h = 1 − (1 − h_r) exp(−γ (θ̄_r − θ̄)) from the start of the delithiation (θ̄_r, h_r) while
        // j ≥ 0 (at C/20 it is, but for a few records of the switch in the cells next to the separator). The global error of
        // the integrated h against it shrinks with the tolerance.
        Assert.All(run.Records.Where(r => r.Step == 0), r => Assert.All(cells, i => Assert.Equal(-1.0, r.State[L.HysteresisState(i)], 1e-3)));
        double Worst(CycleRun r)
        {
            var delithiation = r.Records.Where(x => x.Step == 2).ToList();
            double worst = 0;
            foreach (int i in cells)
            {
                double thetaR = r.Model.MeanParticleConcentration(delithiation[0].State, i) / electrode.MaxConcentration;
                double hR = delithiation[0].State[L.HysteresisState(i)];
                foreach (var x in delithiation)
                {
                    double theta = r.Model.MeanParticleConcentration(x.State, i) / electrode.MaxConcentration;
                    worst = Math.Max(worst, Math.Abs(x.State[L.HysteresisState(i)] - (1 - (1 - hR) * Math.Exp(-gamma * (thetaR - theta)))));
                }
            }
            return worst;
        }
        double loose = Worst(run), strict = Worst(tight);
        output.WriteLine($"max |h − analytic| over the delithiation: {loose:E3} at rtol 1e-3, {strict:E3} at rtol 1e-5");
        Assert.True(loose < 1e-2 && strict < 0.1 * loose, $"h departs from its analytic relaxation by {loose:E3} (rtol 1e-3), {strict:E3} (rtol 1e-5)");
        var last = run.Records.Last(x => x.Step == 2);
        Assert.True(last.State[L.HysteresisState(cells[0])] > 0.999);
    }

    [Fact]
    public void Identical_branches_give_the_single_curve_run_within_the_solver_tolerance()
    {
        var plain = Repository.LoadCase("sio-c-l.yaml");
        var electrode = plain.Cell.WorkingElectrode;
        var same = plain with
        {
            Cell = plain.Cell with { Electrodes = [electrode with { Hysteresis = new OcpHysteresis(electrode.OpenCircuitPotential, electrode.OpenCircuitPotential, 50, 0.3) }] },
        };
        var a = Simulator.Run(plain);
        var b = Simulator.Run(same);
        Assert.Equal(a.Model.Size + a.Model.Mesh.ElectrodeLayers.Single().CellCount, b.Model.Size);
        output.WriteLine($"capacity {a.Summary.Capacity:R} vs {b.Summary.Capacity:R} mAh/g; average voltage {a.Summary.AverageVoltage:R} vs {b.Summary.AverageVoltage:R} V");
        Assert.Equal(a.Summary.Capacity, b.Summary.Capacity, 1e-3 * a.Summary.Capacity);
        Assert.Equal(a.Summary.AverageVoltage, b.Summary.AverageVoltage, 1e-4);
    }

    [Fact]
    public void A_full_cell_whose_negative_electrode_has_hysteresis_conserves_lithium_and_opens_the_gap_on_reversal()
    {
        // Marquis2019's full cell, its graphite given two branches 50 mV either side of its one curve (γ = 100, starting on
        // the delithiation branch, h0 = +1): discharge (the negative delithiates), rest, charge at the same current.
        const double half = 0.05;
        var plain = Repository.FullCell("Marquis2019", "protocol:\n  - mode: rest\n    max_duration_s: 1\nmesh:\n  separator_cells: 4\n  electrode_cells: 8\n  particle_shells: 8\n");
        var negative = plain.Cell.Electrodes[0];
        var u = negative.OpenCircuitPotential;
        IOpenCircuitPotential Shifted(double by) => new FunctionOcp($"{u.Name} {by:+0.00;-0.00} V", "test", t => u.Evaluate(t, out _) + by, t => { u.Evaluate(t, out double s); return s; });
        double current = 0.3 * plain.Cell.Electrodes[1].ActiveVolumeFraction * plain.Cell.Electrodes[1].MaxConcentration * PhysicalConstants.Faraday * plain.Cell.Electrodes[1].Thickness / 3600;
        var protocol = new Protocol(
        [
            new ProtocolStep { Label = "discharge", Mode = ControlMode.Current, Value = current, MaxDuration = 1800 },
            new ProtocolStep { Label = "rest", Mode = ControlMode.Rest, MaxDuration = 600 },
            new ProtocolStep { Label = "charge", Mode = ControlMode.Current, Value = -current, MaxDuration = 1800 },
        ]);
        plain = plain with { Protocol = protocol };
        var hysteretic = plain with
        {
            Cell = plain.Cell with { Electrodes = [negative with { Hysteresis = new OcpHysteresis(Shifted(-half), Shifted(+half), 100, 1) }, plain.Cell.Electrodes[1]] },
        };
        var a = Simulator.Run(plain);
        var b = Simulator.Run(hysteretic);
        var model = b.Model;
        var cells = Enumerable.Range(0, model.Mesh.CellCount).Where(model.Layout.HasHysteresis).ToArray();
        Assert.Equal(model.Mesh.ElectrodeLayers.First().CellCount, cells.Length);
        Assert.All(cells, i => Assert.Equal(0, model.Layout.ElectrodeOf(i)));
        // Lithium: what left one electrode entered the other.
        double moved = b.Solution.StepCharge(0) / PhysicalConstants.Faraday;
        double error = model.LithiumInventory(b.Solution.FinalState) - model.LithiumInventory(model.InitialState());
        // The same kinetics and transport, only U_n moved: on the delithiation branch the cell sits 50 mV below the
        // single-curve cell; after the reversal h runs to −1 within Δθ ~ 1/γ and the cell sits 50 mV above it.
        double VoltageAt(RunResult r, int step) => r.Solution.Voltage[r.Solution.ProtocolStep.ToList().FindLastIndex(s => s == step)];
        double discharge = VoltageAt(b, 0) - VoltageAt(a, 0), charge = VoltageAt(b, 2) - VoltageAt(a, 2);
        double lastH = cells.Max(i => b.Solution.FinalState[model.Layout.HysteresisState(i)]);
        output.WriteLine($"lithium inventory change {error:E3} mol/m² with {moved:E3} mol/m² moved; V_hyst − V_plain at the end of the discharge {1e3 * discharge:F3} mV, " +
                         $"of the charge {1e3 * charge:F3} mV; largest h at the end {lastH:F4}");
        Assert.True(Math.Abs(error) <= 1e-8 * Math.Abs(moved), $"inventory changed by {error:E3} mol/m² (moved {moved:E3} mol/m²)");
        // Measured −50.008 and +48.959 mV: while h switches (early in the charge) the reaction spreads differently through
        // the negative electrode than in the single-curve cell, and that history is still in the state at the end.
        Assert.Equal(-half, discharge, 1e-3);
        Assert.Equal(+half, charge, 2e-3);
        Assert.True(lastH < -0.99, $"h ends at {lastH:F4}, not on the lithiation branch");
    }

    [Fact]
    public void Without_hysteresis_the_model_has_no_hysteresis_unknowns()
    {
        var setup = Repository.LoadCase("sio-c-l.yaml");
        Assert.Null(setup.Cell.WorkingElectrode.Hysteresis);
        var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
        Assert.Null(model.Hysteresis);
        Assert.All(Enumerable.Range(0, model.Mesh.CellCount), i => Assert.False(model.Layout.HasHysteresis(i)));
        // c_e, φ_e per cell; φ_s, j and the shells per electrode cell; I and Q.
        int electrodeCells = model.Mesh.ElectrodeLayers.Single().CellCount;
        Assert.Equal(2 * model.Mesh.CellCount + electrodeCells * (2 + model.Mesh.Particles[0].Shells) + 2, model.Size);
    }

    [Theory]
    [InlineData(ControlMode.Current, 30.0)]
    [InlineData(ControlMode.Current, -30.0)]
    [InlineData(ControlMode.Voltage, 0.3)]
    public void Analytic_Jacobian_with_hysteresis_matches_finite_differences(ControlMode mode, double value)
    {
        var setup = Repository.LoadCase(CycleCase);
        var model = new P2DModel(setup.Cell, new MeshSettings { SeparatorCells = 3, ElectrodeCells = 4, ParticleShells = 4 }, setup.FaceAverage);
        model.Control.Mode = mode;
        model.Control.SetValue = value;
        var rng = new Random(7);
        var y = model.InitialState();
        model.EstimateAlgebraicState(y, mode == ControlMode.Current ? value : 10.0);
        var L = model.Layout;
        for (int i = 0; i < model.Mesh.CellCount; i++)
        {
            y[L.ElectrolyteConcentration(i)] *= 1 + 0.3 * (rng.NextDouble() - 0.5);
            y[L.ElectrolytePotential(i)] += 0.01 * (rng.NextDouble() - 0.5);
            if (!L.IsElectrode(i)) continue;
            Assert.True(L.HasHysteresis(i));
            y[L.SolidPotential(i)] += 0.01 * (rng.NextDouble() - 0.5);
            // Both signs of j (away from 0, where |j| has its kink) and h inside (−1, 1).
            y[L.InterfacialCurrent(i)] = (i % 2 == 0 ? 1 : -1) * (0.5 + rng.NextDouble());
            y[L.HysteresisState(i)] = 1.8 * (rng.NextDouble() - 0.5);
            for (int k = 0; k < model.Mesh.Particles[0].Shells; k++)
                y[L.SolidConcentration(i, k)] = model.Cell.Electrodes[0].MaxConcentration * (0.2 + 0.6 * rng.NextDouble());
        }
        var (worst, checkedEntries) = JacobianCheck.AssertMatchesFiniteDifferences(model, y);
        output.WriteLine($"worst error {worst:F3} of the tolerance over {checkedEntries} entries");
        int h = L.HysteresisState(model.Mesh.CellCount - 1);
        Assert.Equal(1.0, model.MassDiagonal[h]);
    }

    [Fact]
    public void The_state_rate_points_into_minus_1_to_1_at_its_ends_and_vanishes_at_rest()
    {
        var h = new OcpHysteresis(OpenCircuitPotentials.SiliconLithiationVerbrugge2016, OpenCircuitPotentials.SiliconDelithiationVerbrugge2016, 20, -1);
        foreach (double j in new[] { -3.0, -1e-3, 1e-3, 3.0 })
        {
            Assert.True(h.StateRate(j, 1.0, 1e-6, 3e5, out _, out _) <= 0, $"j = {j}: h = 1 would leave [-1, 1]");
            Assert.True(h.StateRate(j, -1.0, 1e-6, 3e5, out _, out _) >= 0, $"j = {j}: h = -1 would leave [-1, 1]");
        }
        Assert.Equal(0.0, h.StateRate(0.0, 0.4, 1e-6, 3e5, out _, out _));
        // U(θ, ±1) are the branches, U(θ, 0) their mean.
        double ul = h.Lithiation.Evaluate(0.5, out _), ud = h.Delithiation.Evaluate(0.5, out _);
        Assert.Equal(ul, h.Evaluate(0.5, -1, out _, out _), 15);
        Assert.Equal(ud, h.Evaluate(0.5, 1, out _, out _), 15);
        Assert.Equal(0.5 * (ul + ud), h.Evaluate(0.5, 0, out _, out double dUdh), 15);
        Assert.Equal(0.5 * (ud - ul), dUdh, 15);
    }

    /// <summary>The cycle case with absolute table paths, edited by <paramref name="edit"/>, written to a temporary folder; returns the check command's result.</summary>
    private static (int Code, string Stdout, string Stderr) Check(Func<string, string> edit)
    {
        string text = File.ReadAllText(Repository.Case(CycleCase)).Replace("../../../shared/reference", Repository.SharedReference);
        using var directory = new Repository.TemporaryDirectory();
        string path = Path.Combine(directory.Path, "cycle.yaml");
        File.WriteAllText(path, edit(text));
        return Support.Cli.Run("check", path);
    }

    [Fact]
    public void The_cycle_case_passes_check()
    {
        var (code, stdout, stderr) = Check(t => t);
        Assert.True(code == 0, stdout + stderr);
    }

    [Theory]
    [InlineData("missing branch", "      delithiation:\n        table:", "      other:\n        table:", "electrode.ocp.hysteresis.delithiation")]
    [InlineData("negative gamma", "gamma: 50", "gamma: -1", "electrode.ocp.hysteresis.gamma")]
    [InlineData("missing gamma", "      gamma: 50\n", "", "electrode.ocp.hysteresis.gamma")]
    [InlineData("state outside [-1, 1]", "initial_state: -1", "initial_state: 1.5", "electrode.ocp.hysteresis.initial_state")]
    [InlineData("a missing table", "si_ocp_Chandrasekaran2011_delithiation_battmo.csv", "no-such-table.csv", "electrode.ocp.hysteresis.delithiation.table")]
    [InlineData("an unknown branch function", "        table: REF/silicon/si_ocp_Chandrasekaran2011_lithiation_battmo.csv", "        function: graphite_of_the_moon", "electrode.ocp.hysteresis.lithiation.function")]
    [InlineData("hysteresis with a single curve", "    hysteresis:\n", "    function: silicon_lithiation_verbrugge2016\n    hysteresis:\n", "electrode.ocp")]
    public void Bad_hysteresis_input_is_refused_with_its_key_path_and_exit_2(string what, string find, string replace, string path)
    {
        var (code, stdout, stderr) = Check(t =>
        {
            string f = find.Replace("REF", Repository.SharedReference);
            Assert.Contains(f, t);
            return t.Replace(f, replace);
        });
        output.WriteLine($"{what}: {stderr.Trim()}");
        Assert.Equal(2, code);
        Assert.Contains(path, stderr);
    }
    [Fact]
    public void The_result_holds_the_hysteresis_state_and_the_double_layer_unknowns_with_units_and_the_cycle_command_reads_them()
    {
        using var temp = new Repository.TemporaryDirectory();
        // The cycle case with absolute table paths (so the result's stored case text rebuilds anywhere) and a double layer.
        string text = File.ReadAllText(Repository.Case(CycleCase)).Replace("../../../shared/reference", Repository.SharedReference)
            .Replace("    film_resistance_ohm_m2: 0\n", "    film_resistance_ohm_m2: 0\n    double_layer_capacitance_F_m2: 0.2\n");
        Assert.Contains("double_layer_capacitance_F_m2", text);
        string casePath = Path.Combine(temp.Path, "cycle.yaml");
        File.WriteAllText(casePath, text);
        var run = Support.Cli.Run("run", casePath, "--out", temp.Path);
        Assert.True(run.Code == 0, run.Stderr);
        string path = Path.Combine(temp.Path, "cycle.h5");
        using (var file = Hdf5File.OpenRead(path))
        {
            Assert.Equal("1", file.ReadStringAttribute("/fields/hysteresis_state", "units"));
            Assert.Equal("V", file.ReadStringAttribute("/fields/double_layer_potential", "units"));
            Assert.Equal("A/m^2", file.ReadStringAttribute("/fields/double_layer_current_density", "units"));
            var h = file.ReadArray("/fields/hysteresis_state", out var dims);
            int records = (int)dims[0], n = (int)dims[1];
            Assert.All(h, v => Assert.InRange(v, -1 - 1e-3, 1 + 1e-3));
            Assert.Equal(-1.0, h[0]);
            Assert.True(h[(records - 1) * n] > 0.999, $"h at the end of the delithiation: {h[(records - 1) * n]}");
            // ψ is tied to φ_s − φ_e in every electrode cell (the algebraic row of the double layer).
            var psi = file.ReadArray("/fields/double_layer_potential", out _);
            var phiS = file.ReadArray("/fields/solid_potential", out _);
            var phiE = file.ReadArray("/fields/electrolyte_potential", out var eDims);
            int nx = (int)eDims[1];
            for (int k = 0; k < records; k++)
                for (int i = 0; i < n; i++)
                    Assert.Equal(phiS[k * n + i] - phiE[k * nx + nx - n + i], psi[k * n + i], 1e-9);
        }
        // The analysis of the file: the gap at half SOL and the lithium balance with the double layer's charge counted
        // (F ΔN = Q + Δ∫ a C_dl ψ dx, ~1e-6 of the throughput if it were left out).
        var (code, stdout, stderr) = Support.Cli.Run("cycle", path);
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, stderr);
        Assert.Contains("gap", stdout);
        var balance = System.Text.RegularExpressions.Regex.Match(stdout, @"([-+0-9.E]+)\s+of\s+the\s+lithiation's\s+throughput");
        Assert.True(balance.Success, stdout);
        double relative = double.Parse(balance.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(relative) < 1e-9, $"lithium balance from the result file: {relative:E3} of the throughput");
        Assert.Equal(2, Support.Cli.Run("cycle", path, "--at-sol", "1.5").Code);
    }

    [Fact]
    public void A_result_whose_case_reads_tables_by_relative_paths_needs_the_case_file()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "cycle.h5");
        Simulator.Run(Repository.LoadCase(CycleCase), path);
        var alone = Support.Cli.Run("cycle", path);
        Assert.Equal(2, alone.Code);
        Assert.Contains("--case", alone.Stderr);
        var given = Support.Cli.Run("cycle", path, "--case", Repository.Case(CycleCase));
        Assert.True(given.Code == 0, given.Stderr);
    }

    [Fact]
    public void A_lithiation_only_result_has_no_cycle_to_analyse()
    {
        using var temp = new Repository.TemporaryDirectory();
        string path = Path.Combine(temp.Path, "l.h5");
        Simulator.Run(Repository.LoadCase("sio-c-l.yaml"), path);
        var (code, _, stderr) = Support.Cli.Run("cycle", path);
        Assert.Equal(2, code);
        Assert.Contains("no delithiating current step", stderr);
    }

    [Fact]
    public void Hysteresis_is_refused_in_the_resolved_mode_with_its_key_path()
    {
        string text = File.ReadAllText(Repository.Case("sio-c-l-2d.yaml"));
        int at = text.IndexOf("  ocp:\n", StringComparison.Ordinal);
        Assert.True(at >= 0);
        int end = text.IndexOf("\n", text.IndexOf("step_width", at, StringComparison.Ordinal), StringComparison.Ordinal);
        string ocp = $"  ocp:\n    hysteresis:\n      lithiation: {{function: silicon_lithiation_verbrugge2016}}\n      delithiation: {{function: silicon_delithiation_verbrugge2016}}\n      gamma: 50";
        var e = Assert.Throws<CaseValidationException>(() => CaseBuilder.Build(CaseFile.Parse(text[..at] + ocp + text[end..], "2d.yaml", Path.Combine(Repository.Root, "cases"))));
        Assert.Contains("electrode.ocp.hysteresis", e.Message);
        Assert.Contains("P2D model only", e.Message);
    }
}
