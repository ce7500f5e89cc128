using ElectrodeSim.Fitting;

namespace ElectrodeSim.Tests.Fitting;

/// <summary>The fit's cost history lists each model evaluation once, in order, and the fit of an exact line finds it.</summary>
public class CostHistoryTests
{
    [Fact]
    public void Each_evaluation_appears_once_in_the_cost_history_and_a_line_is_recovered()
    {
        double[] x = [0, 1, 2, 3, 4, 5];
        // y = 2 x + 1 with a small deterministic perturbation so that the residual variance is not zero.
        double[] y = x.Select((v, i) => 2 * v + 1 + 1e-3 * (i % 2 == 0 ? 1 : -1)).ToArray();
        var parameters = new[] { new FitParameter("a", 1, -10, 10, false), new FitParameter("b", 0, -10, 10, false) };
        var fitter = new Fitter(parameters, p => [("line", x.Select((v, i) => p[0] * v + p[1] - y[i]).ToArray())]) { MaxDegreeOfParallelism = 1 };
        var result = fitter.Run();
        var evaluations = result.CostHistory.Select(h => h.Evaluation).ToList();
        Assert.Equal(1, evaluations[0]);
        for (int k = 1; k < evaluations.Count; k++) Assert.True(evaluations[k] > evaluations[k - 1], $"evaluation {evaluations[k]} listed after {evaluations[k - 1]}");
        Assert.Equal(2.0, result.Values[0].Value, 3);
        Assert.Equal(1.0, result.Values[1].Value, 2);
    }
}
