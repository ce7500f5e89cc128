using ElectrodeSim.Plotting.Tests.Support;

namespace ElectrodeSim.Plotting.Tests;

/// <summary>Loading result files into <see cref="ResultData"/>: complete, without fields, failed, cut short, full cell.</summary>
public class ResultDataTests
{
    [Fact]
    public void A_complete_result_loads_its_series_mesh_fields_summary_and_solver_report()
    {
        var r = ResultData.Load(ResultFiles.Variant("l"));
        Assert.Equal("SiO@C-l", r.CaseName);
        Assert.Equal("complete", r.Status);
        Assert.Empty(r.Notes);
        Assert.True(r.IsHalfCell);
        Assert.True(r.Series!.Count > 10);
        Assert.NotNull(r.Series.Voltage);
        Assert.NotNull(r.Series.SpecificCapacity);

        var e = Assert.Single(r.Electrodes);
        Assert.Equal(0.0, e.DepthFaces[0], 12);
        Assert.Equal(16.7e-6, e.Thickness, 12);
        Assert.Equal(1.5e-6, e.RadiusFaces![^1], 12);
        Assert.All(e.Depth.Zip(e.Depth.Skip(1)), p => Assert.True(p.Second > p.First));
        Assert.Equal(r.Series.Count, e.StateOfLithiation!.TimeCount);
        Assert.Equal([e.Depth.Length, e.Radius!.Length], e.StateOfLithiation.SliceShape);
        Assert.Equal(r.X!.Length, r.ElectrolyteConcentration!.SliceShape[0]);
        Assert.Equal("mol/m^3", r.ElectrolyteConcentration.Units);

        Assert.InRange(r.Summary["summary_capacity_mAh_g"], 600, 800);
        Assert.True(r.Solver["steps"] > 10);
        Assert.Equal("lithiation", Assert.Single(r.Protocol).Label);
        Assert.Contains("10.1007/s40820-023-01267-3", r.Provenance["doi"]);
    }

    [Fact]
    public void A_run_without_fields_loads_its_voltage_curve_and_says_the_fields_are_missing()
    {
        var r = ResultData.Load(ResultFiles.WithoutFields);
        Assert.Equal("complete", r.Status);
        Assert.True(r.Series!.Count > 10);
        Assert.Empty(r.Electrodes);
        Assert.Null(r.ElectrolyteConcentration);
        Assert.Contains(r.Notes, n => n.Contains("no /fields group") && n.Contains("output.fields: false"));
    }

    [Fact]
    public void A_failed_run_loads_what_it_recorded_before_failing()
    {
        var r = ResultData.Load(ResultFiles.FailedMidRun);
        Assert.Equal("failed", r.Status);
        Assert.EndsWith(".failed", r.Stem);
        Assert.Contains("stopped by the test", r.FailureReason);
        Assert.Contains(r.Notes, n => n.Contains("the run failed"));
        Assert.InRange(r.Series!.Count, 2, 20);
        Assert.Equal(r.Series.Count, Assert.Single(r.Electrodes).StateOfLithiation!.TimeCount);
        Assert.Empty(r.Solver);
    }

    [Fact]
    public void A_file_cut_short_mid_record_keeps_only_the_records_every_series_has()
    {
        var r = ResultData.Load(ResultFiles.Interrupted);
        int nt = ResultData.Load(ResultFiles.Variant("m")).Series!.Count;
        Assert.Equal("running", r.Status);
        Assert.Equal(nt - 1, r.Series!.Count);
        Assert.Equal(nt - 1, r.Series.Time.Length);
        var e = Assert.Single(r.Electrodes);
        Assert.Equal(nt - 3, e.StateOfLithiation!.TimeCount);
        Assert.Null(e.SolidPotential);
        Assert.Contains(r.Notes, n => n.Contains("different lengths"));
        Assert.Contains(r.Notes, n => n.Contains("state_of_lithiation has") && n.Contains("records"));
    }

    [Fact]
    public void A_full_cell_result_gives_both_electrodes_with_depth_measured_from_the_separator()
    {
        var r = ResultData.Load(ResultFiles.FullCell);
        Assert.False(r.IsHalfCell);
        Assert.Equal(["negative", "positive"], r.Electrodes.Select(e => e.Name));
        var negative = r.Electrodes[0];
        var positive = r.Electrodes[1];
        Assert.Equal(30e-6, negative.Thickness, 12);
        Assert.Equal(35e-6, positive.Thickness, 12);
        foreach (var e in r.Electrodes)
        {
            Assert.Equal(0.0, e.DepthFaces[0], 12);
            Assert.All(e.Depth.Zip(e.Depth.Skip(1)), p => Assert.True(p.Second > p.First));
            // The made-up fields rise towards the separator in both electrodes: index 0 is next to it.
            var mean = e.MeanStateOfLithiation!.At(e.MeanStateOfLithiation.TimeCount - 1);
            Assert.True(mean[0] > mean[^1], $"{e.Name}: {mean[0]} vs {mean[^1]}");
            var sol = e.StateOfLithiation!.At(e.StateOfLithiation.TimeCount - 1);
            int nr = e.Radius!.Length;
            Assert.True(sol[nr - 1] > sol[sol.Length - 1], $"{e.Name}: SOL at the separator side is not the highest");
        }
    }

    [Fact]
    public void A_file_that_is_not_hdf5_is_rejected_with_its_name()
    {
        string path = Path.Combine(ResultFiles.NewFolder("not-hdf5"), "case.h5");
        File.WriteAllText(path, "name: not a result\n");
        var e = Assert.Throws<ResultFileException>(() => ResultData.Load(path));
        Assert.Contains("case.h5", e.Message);
        Assert.Contains("HDF5", e.Message);
        Assert.Throws<ResultFileException>(() => ResultData.Load(path + ".missing"));
    }
}
