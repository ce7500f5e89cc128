using System.Runtime.InteropServices;

namespace ElectrodeSim.Native.Metis;

/// <summary>
/// METIS 5 (libmetis5, 32-bit idx_t as Debian builds it) nested-dissection ordering of a symmetric graph: the
/// fill-reducing ordering for sparse direct factorisations of 2-D and 3-D mesh matrices (fill O(n log n) on a 2-D grid).
/// </summary>
public static unsafe partial class MetisOrdering
{
    private const int MetisOk = 1;

    /// <summary>
    /// METIS seeds and draws from one process-wide random generator (GKlib's) in every call, so calls that overlap on two
    /// threads return orderings that depend on timing: calls are serialised (MetisOrderingTests). UMFPACK's analysis calls
    /// METIS too (through CHOLMOD) for every ordering but AMD, and takes this lock for it (a CI run of 2026-12-07 saw
    /// MetisOrderingTests return a timing-dependent ordering while SparseOrderingTests ran UMFPACK with METIS ordering).
    /// </summary>
    internal static readonly Lock Serial = new();

    [LibraryImport(NativeLibraries.Metis)]
    private static partial int METIS_NodeND(int* vertexCount, int* adjacencyPointers, int* adjacency, int* vertexWeights, int* options, int* permutation, int* inversePermutation);

    [LibraryImport(NativeLibraries.Metis)]
    private static partial int METIS_ComputeVertexSeparator(int* vertexCount, int* adjacencyPointers, int* adjacency, int* vertexWeights, int* options, int* separatorSize, int* part);

    /// <summary>
    /// A vertex separator of the undirected graph (the first bisection of METIS's nested dissection): returns
    /// <c>part[v]</c> = 0 or 1 for the two halves and 2 for the separator, no edge joining the halves.
    /// </summary>
    public static int[] VertexSeparator(int vertexCount, int[] adjacencyPointers, int[] adjacency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vertexCount, 1);
        if (adjacencyPointers.Length != vertexCount + 1 || adjacencyPointers[vertexCount] != adjacency.Length)
            throw new ArgumentException($"adjacency pointers must have {vertexCount + 1} entries ending at the adjacency length {adjacency.Length}", nameof(adjacencyPointers));
        var part = new int[vertexCount];
        int n = vertexCount, separator = 0;
        int status;
        fixed (int* xadj = adjacencyPointers, adj = adjacency.Length > 0 ? adjacency : [0], where = part)
            lock (Serial) status = METIS_ComputeVertexSeparator(&n, xadj, adj, null, null, &separator, where);
        if (status != MetisOk) throw new InvalidOperationException($"METIS_ComputeVertexSeparator failed with status {status}");
        return part;
    }

    /// <summary>
    /// Nested-dissection ordering of the undirected graph given in compressed form (no self loops, each edge in both
    /// directions). Returns <c>order</c> with <c>order[k]</c> the original vertex eliminated k-th.
    /// </summary>
    public static int[] NestedDissection(int vertexCount, int[] adjacencyPointers, int[] adjacency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vertexCount, 1);
        if (adjacencyPointers.Length != vertexCount + 1 || adjacencyPointers[vertexCount] != adjacency.Length)
            throw new ArgumentException($"adjacency pointers must have {vertexCount + 1} entries ending at the adjacency length {adjacency.Length}", nameof(adjacencyPointers));
        var newPosition = new int[vertexCount];
        var order = new int[vertexCount];
        int n = vertexCount;
        int status;
        // METIS's "perm" output is the vertex at each position of the ordering and "iperm" each vertex's position.
        fixed (int* xadj = adjacencyPointers, adj = adjacency.Length > 0 ? adjacency : [0], position = newPosition, vertexAt = order)
            lock (Serial) status = METIS_NodeND(&n, xadj, adj, null, null, vertexAt, position);
        if (status != MetisOk) throw new InvalidOperationException($"METIS_NodeND failed with status {status}");
        return order;
    }
}
