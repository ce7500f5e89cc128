using Xunit.Abstractions;
using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Verification;

/// <summary>
/// MODEL.md §8 single-particle limit: with electrolyte and solid transport made very fast, every
/// particle sees the same constant flux, so j is uniform and c_s(r, t) is Crank's constant-flux
/// sphere solution (The Mathematics of Diffusion, 2nd ed., eq. 6.60):
/// <c>c − c0 = (N R/D) [3τ + ρ²/2 − 3/10 − (2/ρ) Σ sin(α_n ρ) / (α_n² sin α_n) e^(−α_n² τ)]</c>,
/// τ = D t/R², ρ = r/R, tan α_n = α_n, N the inward molar flux.
/// </summary>
public class SingleParticleLimitTests(ITestOutputHelper output)
{
    private static readonly ElectrolyteProperties FastElectrolyte = new()
    {
        Name = "fast", Source = "test: transport 1000× faster than LiPF6",
        Conductivity = Correlation.Constant("kappa", "S/m", 1e3),
        Diffusivity = Correlation.Constant("D", "m^2/s", 1e-6),
        TransferenceNumber = 0.38,
        ThermodynamicFactor = Correlation.Constant("TDF", "1", 1.0),
    };

    private static double[] TanRoots(int count)
    {
        var roots = new double[count];
        for (int n = 1; n <= count; n++)
        {
            double lo = n * Math.PI + 1e-12, hi = n * Math.PI + Math.PI / 2 - 1e-12;
            for (int k = 0; k < 200; k++)
            {
                double mid = 0.5 * (lo + hi);
                if ((Math.Sin(lo) - lo * Math.Cos(lo)) * (Math.Sin(mid) - mid * Math.Cos(mid)) <= 0) hi = mid; else lo = mid;
            }
            roots[n - 1] = 0.5 * (lo + hi);
        }
        return roots;
    }

    public static double Crank(double c0, double inwardFlux, double radius, double diffusivity, double r, double t, double[] roots)
    {
        double tau = diffusivity * t / (radius * radius), rho = r / radius;
        double sum = 0;
        foreach (var a in roots) sum += Math.Sin(a * rho) / (a * a * Math.Sin(a)) * Math.Exp(-a * a * tau);
        return c0 + inwardFlux * radius / diffusivity * (3 * tau + 0.5 * rho * rho - 0.3 - 2 / rho * sum);
    }

    [Fact]
    public void With_fast_transport_j_is_uniform_and_the_particle_follows_the_constant_flux_sphere_solution()
    {
        var baseline = Repository.LoadCase("sio-c-l.yaml");
        var electrode = baseline.Cell.WorkingElectrode with { EffectiveConductivity = 1e6 };
        var cell = baseline.Cell with { Electrolyte = FastElectrolyte, Electrodes = [electrode] };
        const double current = 10.0, duration = 2000.0;
        var setup = baseline with
        {
            Cell = cell,
            Mesh = new MeshSettings { SeparatorCells = 4, ElectrodeCells = 8, ParticleShells = 40 },
            Solver = baseline.Solver with { RelativeTolerance = 1e-7 },
            Protocol = new Protocol([new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = current, MaxDuration = duration }]),
        };
        var result = Simulator.Run(setup);
        var model = result.Model;
        var y = result.Solution.FinalState;
        var layer = model.Mesh.ElectrodeLayers.Single();
        double jUniform = -current / (electrode.SpecificArea * electrode.Thickness);
        for (int i = layer.FirstCell; i < layer.FirstCell + layer.CellCount; i++)
            Assert.Equal(jUniform, y[model.Layout.InterfacialCurrent(i)], 1e-4 * Math.Abs(jUniform));

        var roots = TanRoots(400);
        var particle = model.Mesh.Particles[0];
        double c0 = electrode.InitialStateOfLithiation * electrode.MaxConcentration;
        double flux = -jUniform / PhysicalConstants.Faraday;
        double change = 3 * flux * duration / electrode.ParticleRadius;
        double worst = 0;
        for (int k = 0; k < particle.Shells; k++)
        {
            double exact = Crank(c0, flux, particle.Radius, electrode.SolidDiffusivity, particle.Centres[k], duration, roots);
            worst = Math.Max(worst, Math.Abs(y[model.Layout.SolidConcentration(layer.FirstCell, k)] - exact));
        }
        output.WriteLine($"max |c_s − Crank| = {worst:E3} mol/m³ for a mean change of {change:E3} mol/m³ ({worst / change:P4})");
        Assert.True(worst < 2e-3 * change, $"max |c_s − Crank| = {worst:E3} mol/m³, {worst / change:P3} of the change");
    }
}
