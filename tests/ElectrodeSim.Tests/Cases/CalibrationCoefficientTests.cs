using ElectrodeSim.Calibration;
using ElectrodeSim.Cases;
using ElectrodeSim.Tests.Support;

namespace ElectrodeSim.Tests.Cases;

/// <summary>A calibration lever tied across cases by a linear relation (R_film = k (α − 4.8 %)): <c>coefficients</c>.</summary>
public class CalibrationCoefficientTests
{
    private static string Spec(string coefficients) => $"""
        description: tied film resistance
        cases: [l.yaml, m.yaml, h.yaml]
        parameters:
          - key: electrode.kinetics.film_resistance_ohm_m2
            cases: [l.yaml, m.yaml, h.yaml]
            coefficients: {coefficients}
            initial: 0.0001
            lower: 0
            upper: 0.001
        targets:
          - kind: capacity_mAh_g
            cases: [m.yaml]
            value: 693.9
        """;

    private static string Directory(Repository.TemporaryDirectory dir, string coefficients)
    {
        foreach (var v in new[] { "l", "m", "h" }) File.Copy(Repository.Case($"sio-c-{v}.yaml"), Path.Combine(dir.Path, $"{v}.yaml"));
        File.WriteAllText(Path.Combine(dir.Path, "spec.yaml"), Spec(coefficients));
        return Path.Combine(dir.Path, "spec.yaml");
    }

    [Fact]
    public void Each_case_gets_its_coefficient_times_the_lever()
    {
        using var dir = new Repository.TemporaryDirectory();
        string path = Directory(dir, "[0, 16.9, 42.7]");
        var calibrator = new Calibrator(CalibrationSpec.Load(path), dir.Path);
        var texts = calibrator.Texts([2e-4]);
        double Film(string name) => CaseFile.Parse(texts[name], name, dir.Path).Definition.Electrode!.Kinetics!.FilmResistanceOhmM2!.Value;
        Assert.Equal(0.0, Film("l.yaml"));
        Assert.Equal(16.9 * 2e-4, Film("m.yaml"));
        Assert.Equal(42.7 * 2e-4, Film("h.yaml"));
    }

    [Fact]
    public void A_coefficient_list_that_does_not_match_the_cases_is_a_path_named_error()
    {
        using var dir = new Repository.TemporaryDirectory();
        var e = Assert.Throws<CaseValidationException>(() => CalibrationSpec.Load(Directory(dir, "[0, 16.9]")));
        var error = Assert.Single(e.Errors);
        Assert.Equal("parameters[0].coefficients: 2 coefficient(s) is not one per entry of parameters[0].cases (3)", error.ToString());
    }
}
