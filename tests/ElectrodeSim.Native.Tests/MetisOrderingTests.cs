using ElectrodeSim.Native.Metis;

namespace ElectrodeSim.Native.Tests;

public sealed class MetisOrderingTests
{
    /// <summary>The 5-point graph of a k × k grid in compressed form.</summary>
    private static (int[] Pointers, int[] Adjacency) Grid(int k)
    {
        var pointers = new List<int> { 0 };
        var adjacency = new List<int>();
        for (int j = 0; j < k; j++)
            for (int i = 0; i < k; i++)
            {
                if (j > 0) adjacency.Add((j - 1) * k + i);
                if (i > 0) adjacency.Add(j * k + i - 1);
                if (i < k - 1) adjacency.Add(j * k + i + 1);
                if (j < k - 1) adjacency.Add((j + 1) * k + i);
                pointers.Add(adjacency.Count);
            }
        return ([.. pointers], [.. adjacency]);
    }

    [Fact]
    public void Orderings_computed_on_several_threads_at_once_are_the_serial_ordering()
    {
        // METIS seeds one process-wide random generator per call: calls that overlap would draw from each other's
        // sequence and return orderings that depend on timing (seen as KLU fill differing between two factorisations of
        // one pattern while other tests ordered graphs).
        const int k = 30;
        var (pointers, adjacency) = Grid(k);
        var serial = MetisOrdering.NestedDissection(k * k, pointers, adjacency);
        var separator = MetisOrdering.VertexSeparator(k * k, pointers, adjacency);
        var orderings = new int[64][];
        var separators = new int[64][];
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, c =>
        {
            orderings[c] = MetisOrdering.NestedDissection(k * k, pointers, adjacency);
            separators[c] = MetisOrdering.VertexSeparator(k * k, pointers, adjacency);
        });
        for (int c = 0; c < orderings.Length; c++)
        {
            Assert.Equal(serial, orderings[c]);
            Assert.Equal(separator, separators[c]);
        }
    }
}
