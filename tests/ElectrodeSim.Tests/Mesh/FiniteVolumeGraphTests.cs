using ElectrodeSim.Mesh;
using Xunit;

namespace ElectrodeSim.Tests.Discretisation;

public class FiniteVolumeGraphTests
{
    private static FiniteVolumeGraph Chain(int n, double width)
    {
        var b = new FiniteVolumeGraph.Builder();
        for (int i = 0; i < n; i++) b.AddCell(width, region: i < n / 2 ? 0 : 1);
        b.AddBoundaryFace(0, 1.0, width / 2, tag: 1);
        for (int i = 0; i < n - 1; i++) b.AddFace(i, i + 1, 1.0, width / 2, width / 2);
        b.AddBoundaryFace(n - 1, 1.0, width / 2, tag: 2);
        return b.Build();
    }

    [Fact]
    public void Every_interior_face_is_listed_by_both_its_cells_and_a_boundary_face_by_one()
    {
        var g = Chain(5, 0.2);
        Assert.Equal(5, g.CellCount);
        Assert.Equal(6, g.FaceCount);
        for (int c = 0; c < g.CellCount; c++)
        {
            var faces = g.CellFaces[g.CellFaceStart[c]..g.CellFaceStart[c + 1]];
            Assert.Equal(2, faces.Length);
            Assert.All(faces, f => Assert.True(g.LeftCell[f] == c || g.RightCell[f] == c));
        }
        Assert.Equal([0, 5], g.FacesOf(FaceKind.Boundary).ToArray());
        Assert.Equal([5], g.FacesOf(FaceKind.Boundary, tag: 2).ToArray());
        Assert.Equal(1.0, g.CellVolume.Sum(), 12);
        Assert.Equal(1.0 / 0.2, g.GeometricTransmissibility(1), 12);
        Assert.Equal(0.1, g.Distance(0), 15);
    }

    [Fact]
    public void A_face_that_names_a_missing_cell_or_a_non_positive_distance_is_refused()
    {
        var b = new FiniteVolumeGraph.Builder();
        b.AddCell(1.0, 0);
        b.AddCell(1.0, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddFace(0, 2, 1.0, 0.5, 0.5));
        Assert.Throws<ArgumentException>(() => b.AddFace(0, 1, 1.0, 0.5, 0.0));
        Assert.Throws<ArgumentException>(() => b.AddFace(0, 0, 1.0, 0.5, 0.5));
        Assert.Throws<ArgumentException>(() => b.AddCell(0.0, 0));
    }
}
