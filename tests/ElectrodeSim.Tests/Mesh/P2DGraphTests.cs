using ElectrodeSim.Mesh;
using ElectrodeSim.Model;
using ElectrodeSim.Tests.Support;
using Xunit;

namespace ElectrodeSim.Tests.Discretisation;

public class P2DGraphTests
{
    [Fact]
    public void The_x_graph_has_the_mesh_cells_as_volumes_half_widths_as_distances_and_one_tagged_face_at_each_end()
    {
        var setup = Repository.LoadCase("sio-c-l.yaml");
        var mesh = new CellMesh(setup.Cell, new MeshSettings { SeparatorCells = 3, ElectrodeCells = 5, ParticleShells = 4 });
        var g = mesh.Graph;
        Assert.Equal(mesh.CellCount, g.CellCount);
        Assert.Equal(mesh.Faces[^1], g.CellVolume.Sum(), 15);
        Assert.Equal(mesh.LayerOf, g.CellRegion);
        Assert.Equal(mesh.CellCount - 1, g.FacesOf(FaceKind.Interior).Count());
        foreach (int f in g.FacesOf(FaceKind.Interior))
            Assert.Equal(mesh.Centres[g.RightCell[f]] - mesh.Centres[g.LeftCell[f]], g.Distance(f), 15);
        Assert.Equal([0], g.FacesOf(FaceKind.Boundary, FaceTags.XStart).Select(f => g.LeftCell[f]));
        Assert.Equal([mesh.CellCount - 1], g.FacesOf(FaceKind.Boundary, FaceTags.XEnd).Select(f => g.LeftCell[f]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.4)]
    public void The_radial_graph_holds_the_sphere_volume_over_4_pi_and_its_surface_face_has_area_R_squared(double grading)
    {
        var particle = new ParticleMesh(2e-6, 6, grading);
        var g = particle.Graph;
        Assert.Equal(particle.TotalVolume, g.CellVolume.Sum(), 1e-12 * particle.TotalVolume);
        Assert.Equal(particle.Radius * particle.Radius, g.FaceArea[particle.SurfaceFace]);
        Assert.Equal(particle.Shells - 1, g.LeftCell[particle.SurfaceFace]);
        Assert.Equal(particle.SurfaceDistance, g.LeftDistance[particle.SurfaceFace]);
        for (int k = 0; k < particle.Shells - 1; k++)
        {
            int f = k + 1;
            Assert.Equal(particle.Faces[k + 1] * particle.Faces[k + 1], g.FaceArea[f]);
            Assert.Equal(particle.CentreDistances[k], g.Distance(f), 1e-15);
        }
    }

    [Fact]
    public void The_unknown_maps_give_the_interleaved_layout_and_no_solid_unknowns_in_the_separator()
    {
        var setup = Repository.LoadCase("sio-c-l.yaml");
        var mesh = new CellMesh(setup.Cell, new MeshSettings { SeparatorCells = 2, ElectrodeCells = 3, ParticleShells = 4 });
        var layout = new UnknownLayout(mesh);
        var m = layout.Maps;
        for (int i = 0; i < mesh.CellCount; i++)
        {
            Assert.Equal(layout.ElectrolyteConcentration(i), m.ElectrolyteConcentration[i]);
            Assert.Equal(layout.ElectrolytePotential(i), m.ElectrolytePotential[i]);
            if (!layout.IsElectrode(i))
            {
                Assert.Equal(-1, m.SolidPotential[i]);
                Assert.Equal(-1, m.SolidConcentration[i]);
                continue;
            }
            Assert.Equal(layout.SolidPotential(i), m.SolidPotential[i]);
            Assert.Equal(layout.InterfacialCurrent(i), m.InterfacialCurrent[i]);
            for (int k = 0; k < 4; k++) Assert.Equal(layout.SolidConcentration(i, k), m.SolidConcentration[i] + m.Shells[0][k]);
        }
    }
}
