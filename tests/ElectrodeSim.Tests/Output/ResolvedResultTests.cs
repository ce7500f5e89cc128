using System.Xml.Linq;
using ElectrodeSim.Cases;
using ElectrodeSim.Model;
using ElectrodeSim.Native.Hdf5;
using ElectrodeSim.Physics;
using ElectrodeSim.Simulation;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Output;

/// <summary>The 2-D case files, their checks, and the HDF5 result with its XDMF sidecar.</summary>
public class ResolvedResultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("sio-c-l-2d.yaml")]
    [InlineData("sio-c-m-2d.yaml")]
    [InlineData("sio-c-h-2d.yaml")]
    public void The_2d_cases_load_with_a_resolved_section_in_SI(string name)
    {
        var setup = Repository.LoadCase(name);
        Assert.NotNull(setup.Resolved);
        Assert.Equal(20e-6, setup.Resolved!.Geometry.Height, 15);
        Assert.Equal(0.2e-6, setup.Resolved.CellSize, 15);
        Assert.Equal(1.5e-6, ((Mesh.Resolved.DiscRadiusDistribution.Fixed)setup.Resolved.Geometry.Radii).Radius, 15);
        Assert.True(setup.Resolved.Parameters.ContactConductance > 0);
    }

    [Fact]
    public void Particle_conductivity_and_contact_conductance_fall_from_l_to_h()
    {
        var p = new[] { "l", "m", "h" }.Select(v => Repository.LoadCase($"sio-c-{v}-2d.yaml").Resolved!.Parameters).ToArray();
        Assert.True(p[0].ParticleConductivity > p[1].ParticleConductivity && p[1].ParticleConductivity > p[2].ParticleConductivity);
        Assert.True(p[0].ContactConductance > p[1].ContactConductance && p[1].ContactConductance > p[2].ContactConductance);
    }

    [Theory]
    [InlineData("resolved.cell_size_um", "-0.1", "resolved.cell_size_um")]
    [InlineData("resolved.contact_conductance_S_m2", "0", "resolved.contact_conductance_S_m2")]
    [InlineData("resolved.particle_area_fraction", "0.95", "resolved.particle_area_fraction")]
    [InlineData("resolved.capacity_scaling", "mass", "resolved.capacity_scaling")]
    [InlineData("resolved.cell_size_um", "0.6", "resolved.separator_gap_um")]
    [InlineData("solver.linear", "lu", "solver.linear")]
    public void A_bad_resolved_key_is_refused_with_its_path(string key, string value, string path)
    {
        var e = Assert.Throws<CaseValidationException>(() => CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l-2d.yaml"), [new CaseOverride(key, value)])));
        output.WriteLine(e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Solver_linear_gmres_klu_and_direct_are_read_and_agree_with_the_default_gmres()
    {
        CaseOverride[] small = [new("resolved.height_um", "7"), new("resolved.cell_size_um", "0.5"), new("resolved.separator_gap_um", "0.3")];
        var protocol = new Protocol([new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, MaxDuration = 120, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] }]);
        SimulationSetup Build(params CaseOverride[] extra) => CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l-2d.yaml"), [.. small, .. extra])) with { Protocol = protocol };
        var gmres = Build();
        var oneThread = Build(new CaseOverride("solver.linear", "gmres_klu"));
        var direct = Build(new CaseOverride("solver.linear", "direct"));
        Assert.Equal(ResolvedLinearSolver.Gmres, gmres.Resolved!.LinearSolver);
        Assert.Equal(ResolvedLinearSolver.GmresOneThread, oneThread.Resolved!.LinearSolver);
        Assert.Equal(ResolvedLinearSolver.Direct, direct.Resolved!.LinearSolver);
        var a = Simulator.RunResolved(gmres, (string?)null);
        var b = Simulator.RunResolved(direct, (string?)null);
        var c = Simulator.RunResolved(oneThread, (string?)null);
        output.WriteLine($"gmres: {a.Solution.Statistics}; gmres_klu: {c.Solution.Statistics}; direct: {b.Solution.Statistics}");
        // All solve every Newton system (GMRES to 1e-3 of the residual, then Newton's own test): the same end state.
        foreach (var other in new[] { a, c })
        {
            Assert.Equal(b.Solution.Voltage[^1], other.Solution.Voltage[^1], 4);
            Assert.True(Math.Abs(other.Solution.StepCharge(0) - b.Solution.StepCharge(0)) <= 1e-3 * Math.Abs(b.Solution.StepCharge(0)));
        }
    }

    [Fact]
    public void The_result_has_nt_by_ny_by_nx_fields_with_units_and_an_XDMF_sidecar_whose_every_path_exists()
    {
        var setup = CaseBuilder.Build(CaseOverrides.Load(Repository.Case("sio-c-l-2d.yaml"), [
            new CaseOverride("resolved.height_um", "7"), new CaseOverride("resolved.cell_size_um", "0.5"), new CaseOverride("resolved.separator_gap_um", "0.3")]));
        setup = setup with
        {
            Protocol = new Protocol([new ProtocolStep { Label = "lithiation", Mode = ControlMode.Current, Value = 50, MaxDuration = 60, Stops = [new StopCondition(StopQuantity.Voltage, true, 0.01)] }]),
        };
        var directory = Path.Combine(Path.GetTempPath(), "m2d-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "l2d.h5");
            var result = Simulator.RunResolved(setup, path);
            output.WriteLine(result.ToString());
            using var file = Hdf5File.OpenRead(path);
            int nx = result.Model.Mesh.ColumnCount, ny = result.Model.Mesh.RowCount;
            long nt = file.GetDims("/time")[0];
            Assert.True(nt >= 2);
            Assert.Equal("complete", file.ReadStringAttribute("/", "status"));
            foreach (var name in new[] { "state_of_lithiation", "interfacial_current_density", "electrolyte_concentration", "electrolyte_potential", "solid_potential" })
            {
                Assert.Equal(new[] { nt, (long)ny, nx }, file.GetDims("/fields/" + name));
                Assert.True(file.HasAttribute("/fields/" + name, "units"));
                Assert.True(file.IsDimensionScaleAttached("/fields/" + name, 2, "/mesh/x"));
            }
            Assert.Equal(new long[] { ny, nx }, file.GetDims("/mesh/phase"));
            Assert.Equal(new long[] { result.Model.Mesh.Packing.Discs.Count, 3 }, file.GetDims("/mesh/discs"));
            var sol = file.ReadArray("/fields/state_of_lithiation", out _);
            double last = sol.Skip((int)((nt - 1) * nx * ny)).Where(double.IsFinite).Average();
            Assert.True(last > setup.Cell.WorkingElectrode.InitialStateOfLithiation, "the discs lithiated");

            var xdmf = XDocument.Load(ElectrodeSim.Output.XdmfSidecar.PathFor(path));
            var items = xdmf.Descendants("DataItem").Where(d => (string?)d.Attribute("Format") == "HDF").Select(d => d.Value.Trim()).Distinct().ToList();
            Assert.NotEmpty(items);
            foreach (var item in items)
            {
                var parts = item.Split(':', 2);
                Assert.Equal("l2d.h5", parts[0]);
                Assert.True(file.Exists(parts[1]), $"the XDMF names {parts[1]}, which the file lacks");
            }
            Assert.Equal((int)nt, xdmf.Descendants("Grid").Count(g => (string?)g.Attribute("GridType") == "Uniform"));

            // The case grades its separator: /mesh/x (the fields' x scale) holds the true centres of uneven columns, and the XDMF's
            // rectilinear grid takes its vertices from /mesh/x_faces and /mesh/y_faces (nx + 1, ny + 1 of them).
            var x = file.ReadArray("/mesh/x", out _);
            var xFaces = file.ReadArray("/mesh/x_faces", out _);
            Assert.Equal(nx + 1, xFaces.Length);
            for (int i = 0; i < nx; i++) Assert.Equal(0.5 * (xFaces[i] + xFaces[i + 1]), x[i], 1e-18);
            int ns = result.Model.Mesh.SeparatorColumnCount;
            Assert.True(xFaces[1] - xFaces[0] > 3 * (xFaces[ns] - xFaces[ns - 1]), "the separator columns widen towards the foil");
            Assert.Equal(xFaces, result.Model.Mesh.ColumnFaces);
            foreach (var geometry in xdmf.Descendants("Geometry"))
            {
                Assert.Equal("VXVY", (string?)geometry.Attribute("GeometryType"));
                var vertices = geometry.Elements("DataItem").ToList();
                Assert.Equal(["l2d.h5:/mesh/x_faces", "l2d.h5:/mesh/y_faces"], vertices.Select(d => d.Value.Trim()));
                Assert.Equal([$"{nx + 1}", $"{ny + 1}"], vertices.Select(d => (string?)d.Attribute("Dimensions")));
            }
            file.Dispose();
            var maps = ElectrodeSim.Plotting.ResolvedMaps.WriteAll([path], "state_of_lithiation", directory, 0.0);
            Assert.All(maps, m => Assert.True(new FileInfo(m).Length > 1000, $"{m} is a PNG"));
        }
        finally { Directory.Delete(directory, true); }
    }
}
