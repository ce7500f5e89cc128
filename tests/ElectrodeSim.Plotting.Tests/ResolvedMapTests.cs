using OxyPlot.Series;

namespace ElectrodeSim.Plotting.Tests;

/// <summary>The 2-D maps (<see cref="ResolvedMaps"/>) on a mesh whose columns are not equally wide (a graded separator).</summary>
public class ResolvedMapTests
{
    [Fact]
    public void Each_column_of_a_non_uniform_mesh_is_drawn_between_its_own_faces_with_its_own_values()
    {
        // Columns 2, 1.5, 1, 0.5, 0.5, 0.5 µm wide (a graded separator, then uniform electrode cells); three rows of 1 µm.
        double[] xFaces = [0, 2e-6, 3.5e-6, 4.5e-6, 5e-6, 5.5e-6, 6e-6];
        double[] yFaces = [0, 1e-6, 2e-6, 3e-6];
        const int nx = 6, ny = 3;
        var values = new double[nx * ny];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) values[j * nx + i] = 10 * i + j;
        var field = new ResolvedMaps.Field2D("graded", xFaces, yFaces, values, nx, ny, [], "1");
        Assert.Equal([(0, 0), (1, 1), (2, 2), (3, 5)], ResolvedMaps.EqualWidthRuns(xFaces, 0, nx));

        var maps = ResolvedMaps.Map(field, "graded", 0, 60, 0.0).Series.OfType<HeatMapSeries>().ToList();
        Assert.Equal(4, maps.Count);
        var drawn = new bool[nx];
        foreach (var map in maps)
        {
            Assert.Equal(HeatMapCoordinateDefinition.Edge, map.CoordinateDefinition);
            Assert.Equal(0.0, map.Y0, 12);
            Assert.Equal(3.0, map.Y1, 12);
            int columns = map.Data.GetLength(0);
            for (int k = 0; k < columns; k++)
            {
                // The k-th column of the series spans [X0 + k w, X0 + (k + 1) w]: it must be a mesh column, with that column's values.
                double width = (map.X1 - map.X0) / columns, left = map.X0 + k * width;
                int i = Array.FindIndex(xFaces, x => Math.Abs(1e6 * x - left) < 1e-9);
                Assert.True(i >= 0 && i < nx, $"a drawn column starts at {left} µm, on no face");
                Assert.Equal(1e6 * xFaces[i + 1], left + width, 9);
                for (int j = 0; j < ny; j++) Assert.Equal(values[j * nx + i], map.Data[k, j]);
                Assert.False(drawn[i], $"column {i} drawn twice");
                drawn[i] = true;
            }
        }
        Assert.All(drawn, Assert.True);

        // From the electrode (x ≥ 4.5 µm) only the uniform run remains.
        var electrode = Assert.Single(ResolvedMaps.Map(field, "electrode", 0, 60, 4.5e-6).Series.OfType<HeatMapSeries>());
        Assert.Equal(4.5, electrode.X0, 12);
        Assert.Equal(6.0, electrode.X1, 12);
    }

    [Fact]
    public void A_P2D_or_non_HDF5_file_is_refused_with_a_sentence_and_a_resolved_one_is_accepted()
    {
        string dir = Path.Combine(Path.GetTempPath(), "es-maps-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string p2d = Path.Combine(dir, "p2d.h5"), resolved = Path.Combine(dir, "resolved.h5"), text = Path.Combine(dir, "text.h5");
            using (var f = ElectrodeSim.Native.Hdf5.Hdf5File.Create(p2d)) f.WriteArray("/mesh/x_electrode", new double[] { 1e-6, 2e-6 });
            using (var f = ElectrodeSim.Native.Hdf5.Hdf5File.Create(resolved)) f.WriteArray("/mesh/phase", new int[] { 0, 1, 1, 1 }, 2, 2);
            File.WriteAllText(text, "not hdf5");
            Assert.Contains("a P2D result (it has no /mesh/phase)", ResolvedMaps.WhyNotResolved(p2d));
            Assert.Contains("cannot be read as an HDF5 result", ResolvedMaps.WhyNotResolved(text));
            Assert.Null(ResolvedMaps.WhyNotResolved(resolved));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("state_of_lithiation", "1", "State of lithiation c_{s}/c_{s,max}")]
    [InlineData("interfacial_current_density", "A/m^2", "Interfacial current density j (A m^{−2}), > 0 delithiates")]
    [InlineData("electrolyte_concentration", "mol/m^3", "Electrolyte concentration (mol/m^3)")]
    public void A_map_read_from_a_result_names_quantity_and_unit_on_both_axes_and_the_colour_bar(string field, string unit, string colourTitle)
    {
        string dir = Path.Combine(Path.GetTempPath(), "es-maps-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "r.h5");
            using (var f = ElectrodeSim.Native.Hdf5.Hdf5File.Create(path))
            {
                f.WriteArray("/fields/" + field, new double[] { 0.1, 0.2, 0.3, 0.4 }, 1, 2, 2);
                f.SetAttribute("/fields/" + field, "units", unit);
                f.WriteArray("/mesh/x_faces", new[] { 0, 1e-6, 2e-6 }, 3);
                f.WriteArray("/mesh/y_faces", new[] { 0, 1e-6, 2e-6 }, 3);
                f.WriteArray("/mesh/discs", new[] { 1.5e-6, 1e-6, 0.5e-6 }, 1, 3);
            }
            var model = ResolvedMaps.Map(ResolvedMaps.Read(path, field), "t", 0, 1, 0);
            var titles = model.Axes.ToDictionary(a => a.Position, a => a.Title);
            Assert.Equal("Distance from the Li foil x (µm)", titles[OxyPlot.Axes.AxisPosition.Bottom]);
            Assert.Equal("Height y (µm, periodic)", titles[OxyPlot.Axes.AxisPosition.Left]);
            Assert.Equal(colourTitle, titles[OxyPlot.Axes.AxisPosition.Right]);
        }
        finally { Directory.Delete(dir, true); }
    }
}
