using System.Diagnostics;
using System.Globalization;
using ElectrodeSim.Cases;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;

/// <summary>
/// One factorisation + one solve of a P2D iteration matrix (a0 M + ∂g/∂y at the initial state, a0 = 1 /s): KLU on the
/// whole matrix against the model's own solver (<see cref="P2DModel.CreateLinearSolver"/>, particle shells condensed),
/// alternated, best and median of the given rounds (a short in-process loop: its best time is little moved by a loaded
/// machine). Prints the largest difference of the two solutions relative to the largest entry.
/// Run: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks -- linear [--rounds N]
/// </summary>
public static class LinearSolveTiming
{
    public static void Run(string[] args)
    {
        int rounds = 2000;
        int at = Array.IndexOf(args, "--rounds");
        if (at >= 0 && (at + 1 >= args.Length || !int.TryParse(args[at + 1], out rounds) || rounds < 1))
            throw new ArgumentException("--rounds takes a whole number >= 1");
        // The repository above the working directory (so that a copied build times the same cases), else above the benchmark.
        string? root = Environment.CurrentDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "ElectrodeSim.sln"))) root = Path.GetDirectoryName(root);
        root ??= AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ElectrodeSim.sln"))) root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("ElectrodeSim.sln not found above the working directory or the benchmark");
        foreach (var (label, path) in new[] { ("SiO@C-l", Path.Combine(root, "cases", "sio-c-l.yaml")), ("Marquis2019 1C", Path.Combine(root, "validation", "marquis2019", "marquis2019-1C.yaml")) })
        {
            var setup = CaseBuilder.Build(CaseFile.Load(path));
            var model = new P2DModel(setup.Cell, setup.Mesh, setup.FaceAverage);
            var y = model.InitialState();
            model.EstimateAlgebraicState(y, 10.0);
            var residual = new double[model.Size];
            var jacobian = new double[model.JacobianPattern.NonZeroCount];
            model.Evaluate(0, y, residual, jacobian);
            var mass = model.MassDiagonal;
            for (int i = 0; i < model.Size; i++) jacobian[model.JacobianPattern.SlotOf(i, i)] += mass[i];
            using var klu = new KluLinearSolver(model.JacobianPattern);
            using var own = model.CreateLinearSolver(model.JacobianPattern);
            var solvers = new (string Name, ISparseLinearSolver Solver)[] { ("KLU, whole matrix", klu), ("P2D solver (shells condensed)", own) };
            var times = solvers.Select(_ => new List<double>()).ToArray();
            var solutions = solvers.Select(_ => new double[model.Size]).ToArray();
            for (int r = 0; r < rounds + rounds / 10; r++)
                for (int s = 0; s < solvers.Length; s++)
                {
                    residual.CopyTo(solutions[s], 0);
                    long start = Stopwatch.GetTimestamp();
                    solvers[s].Solver.Factor(jacobian);
                    solvers[s].Solver.Solve(solutions[s]);
                    double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                    if (r >= rounds / 10) times[s].Add(us);
                }
            double scale = solutions[0].Max(Math.Abs), difference = 0;
            for (int i = 0; i < model.Size; i++) difference = Math.Max(difference, Math.Abs(solutions[1][i] - solutions[0][i]));
            int reduced = own is ChainCondensedSolver c ? c.ReducedSize : model.Size;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {model.Size} unknowns, {reduced} factorised by KLU in the P2D solver; max |difference| / max |x| = {difference / scale:G3}"));
            for (int s = 0; s < solvers.Length; s++)
            {
                var sorted = times[s].Order().ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {solvers[s].Name,-30} factor + solve: best {sorted[0],8:F2} us, median {sorted[sorted.Count / 2],8:F2} us ({rounds} rounds)"));
            }
        }
    }
}
