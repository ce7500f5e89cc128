using System.Diagnostics;
using ElectrodeSim.Mesh;
using ElectrodeSim.Mesh.Resolved;

/// <summary>
/// Packing and mesh time of the paper-size 2-D geometry (25 µm separator, 16.7 µm electrode, 20 µm high, 1.5 µm
/// discs at area fraction 0.5, 0.2 µm gaps, seed 1) at three cell sizes, with what the mask makes of the discs:
/// raw staircase interface over Σ2πR and particle cell area over ΣπR². Each size is built four times and the
/// fastest of the last three is reported (Stopwatch, whole build).
/// Run: dotnet run -c Release --project tools/ElectrodeSim.Benchmarks -- resolved-mesh
/// </summary>
public static class ResolvedMeshScan
{
    public static void Run()
    {
        const double um = 1e-6;
        var settings = new ResolvedGeometrySettings(25 * um, 16.7 * um, 20 * um, new DiscRadiusDistribution.Fixed(1.5 * um), 0.5,
                                                    MinimumGap: 0.2 * um, SeparatorGap: 0.2 * um, CollectorGap: 0.2 * um, Seed: 1);
        Console.WriteLine("h [um]    cells    faces  discs  sweeps  pack [ms]  mesh [ms]  raw/2piR  cells/piR2  interface/2piR");
        foreach (double h in new[] { 0.2 * um, 0.1 * um, 0.05 * um })
        {
            double bestPack = double.PositiveInfinity, bestMesh = double.PositiveInfinity;
            ResolvedMesh mesh = null!;
            for (int k = 0; k < 4; k++)
            {
                var clock = Stopwatch.StartNew();
                var packing = DiscPacking.Pack(settings);
                double pack = clock.Elapsed.TotalMilliseconds;
                mesh = ResolvedMesh.Build(packing, h);
                double build = clock.Elapsed.TotalMilliseconds - pack;
                if (k > 0) { bestPack = Math.Min(bestPack, pack); bestMesh = Math.Min(bestMesh, build); }
            }
            var g = mesh.Graph;
            double raw = mesh.RawInterfaceArea.Sum() / mesh.TruePerimeter;
            double area = mesh.ParticleCellArea.Sum() / mesh.Packing.Discs.Sum(d => d.Area);
            double corrected = g.FacesOf(FaceKind.Interface).Sum(f => g.FaceArea[f]) / mesh.TruePerimeter;
            Console.WriteLine($"{h / um,6:F2} {g.CellCount,8} {g.FaceCount,8} {mesh.Packing.Discs.Count,6} {mesh.Packing.RelaxationSweeps,7} {bestPack,10:F1} {bestMesh,10:F1} {raw,9:F4} {area,11:F5} {corrected,15:F12}");
        }
        var touching = ResolvedMesh.Build(DiscPacking.Pack(settings with { CollectorGap = 0 }), 0.1 * um);
        Console.WriteLine($"collector gap 0, h = 0.1 um: {touching.Graph.FacesOf(FaceKind.Boundary, ResolvedFaceTags.CollectorParticle).Count()} of {touching.RowCount} collector faces on particles, " +
                          $"{touching.Graph.FacesOf(FaceKind.Boundary, ResolvedFaceTags.CollectorParticle).Select(f => touching.Graph.CellRegion[touching.Graph.LeftCell[f]]).Distinct().Count()} particles touching");
        var refusal = Stopwatch.StartNew();
        try { DiscPacking.Pack(settings with { ParticleAreaFraction = 0.88 }); }
        catch (DiscPackingException e) { Console.WriteLine($"fraction 0.88 refused after {refusal.Elapsed.TotalMilliseconds:F0} ms: {e.Message}"); }
    }
}
