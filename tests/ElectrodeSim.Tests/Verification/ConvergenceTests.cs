using ElectrodeSim.Cases;
using Xunit.Abstractions;
using ElectrodeSim.Mesh;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// MODEL.md §8: observed order of the finite-volume discretisation in x and r and of BDF2 in t,
/// and the default mesh against the Richardson-extrapolated capacity. Quantities: the capacity at
/// the 0.01 V cut-off (x, r) and the voltage at 600 s (t), on the SiO@C-l case.
/// </summary>
public class ConvergenceTests(ITestOutputHelper output)
{
    private static readonly SimulationSetup Baseline = Repository.LoadCase("sio-c-l.yaml");

    private static double Capacity(MeshSettings mesh, double rtol = 1e-8)
    {
        var setup = Baseline with { Mesh = mesh, Solver = Baseline.Solver with { RelativeTolerance = rtol } };
        return Simulator.Run(setup).Summary.Capacity;
    }

    private static double ObservedOrder(double coarse, double medium, double fine) =>
        Math.Log(Math.Abs(coarse - medium) / Math.Abs(medium - fine), 2);

    [Fact]
    public void Capacity_converges_with_second_order_in_x()
    {
        var c = new[] { 1, 2, 4 }.Select(f => Capacity(new MeshSettings { SeparatorCells = 4 * f, ElectrodeCells = 8 * f, ParticleShells = 20 }, 1e-7)).ToArray();
        double order = ObservedOrder(c[0], c[1], c[2]);
        output.WriteLine($"x: {string.Join(", ", c.Select(v => v.ToString("F6")))} mAh/g, observed order {order:F3}");
        Assert.True(order >= 1.8, $"observed order in x {order:F3}");
    }

    [Fact]
    public void Capacity_converges_with_second_order_in_r()
    {
        var c = new[] { 1, 2, 4 }.Select(f => Capacity(new MeshSettings { SeparatorCells = 16, ElectrodeCells = 32, ParticleShells = 5 * f }, 1e-7)).ToArray();
        double order = ObservedOrder(c[0], c[1], c[2]);
        output.WriteLine($"r: {string.Join(", ", c.Select(v => v.ToString("F6")))} mAh/g, observed order {order:F3}");
        Assert.True(order >= 1.8, $"observed order in r {order:F3}");
    }

    [Fact]
    public void Fixed_step_BDF2_converges_with_second_order_in_t()
    {
        double VoltageAt600s(double step)
        {
            var setup = Baseline with
            {
                Solver = Baseline.Solver with { FixedStep = step, MaxOrder = 2 },
                Protocol = new Protocol([new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, MaxDuration = 600 }]),
            };
            return Simulator.Run(setup).Solution.Voltage[^1];
        }
        var v = new[] { 1.0, 0.5, 0.25 }.Select(VoltageAt600s).ToArray();
        double order = ObservedOrder(v[0], v[1], v[2]);
        output.WriteLine($"t: {string.Join(", ", v.Select(x => x.ToString("F10")))} V, observed order {order:F3}");
        Assert.True(order >= 1.8, $"observed order in t {order:F3}");
    }

    [Fact]
    public void Default_mesh_capacity_is_within_0_1_percent_of_the_Richardson_extrapolated_value()
    {
        var d = Baseline.Mesh;
        var c = new[] { 1, 2, 4 }.Select(f => Capacity(new MeshSettings { SeparatorCells = d.SeparatorCells * f, ElectrodeCells = d.ElectrodeCells * f, ParticleShells = d.ParticleShells * f })).ToArray();
        double order = ObservedOrder(c[0], c[1], c[2]);
        double extrapolated = c[2] + (c[2] - c[1]) / (Math.Pow(2, order) - 1);
        double defaultCapacity = Simulator.Run(Baseline).Summary.Capacity; // default mesh and default solver tolerance
        double relative = Math.Abs(defaultCapacity - extrapolated) / extrapolated;
        output.WriteLine($"default {defaultCapacity:F4}, refined {string.Join(", ", c.Select(v => v.ToString("F4")))}, order {order:F2}, Richardson {extrapolated:F4} mAh/g, relative error {relative:P4}");
        Assert.True(relative < 1e-3, $"default mesh capacity {defaultCapacity:F3} vs Richardson {extrapolated:F3} mAh/g ({relative:P3})");
    }
}
