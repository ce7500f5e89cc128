using System.Runtime.InteropServices;

namespace ElectrodeSim.Native.Klu;

/// <summary>
/// The int32 KLU C API. KLU keeps no global state, so calls on distinct Symbolic/Numeric/Common
/// objects may run concurrently.
/// </summary>
internal static unsafe partial class KluApi
{
    internal const int KLU_OK = 0;
    internal const int KLU_SINGULAR = 1;
    internal const int KLU_OUT_OF_MEMORY = -2;
    internal const int KLU_INVALID = -3;
    internal const int KLU_TOO_LARGE = -4;

    // klu_common layout of SuiteSparse 5.x (KLU 1.3, libklu.so.1) and later on LP64:
    // five doubles (tol, memgrow, initmem_amd, initmem, maxwork) at 0..39; ints btf 40,
    // ordering 44, scale 48; user_order 56 and user_data 64 pointers; ints halt_if_singular 72,
    // status 76, nrealloc 80, structural_rank 84, numerical_rank 88, singular_col 92,
    // noffdiag 96; doubles flops 104, rcond 112, condest 120, rgrowth 128, work 136;
    // size_t memusage 144, mempeak 152. sizeof(klu_common) == 160 in 5.12's klu.h. Older
    // SuiteSparse (4.x) had four allocator pointers before user_order, which shifts every
    // field from user_order on; KluFactorization checks the defaults to detect that.
    internal const int CommonSize = 160;
    // Over-allocated so a future release that appends statistics cannot write past the block.
    internal const int CommonAllocation = 1024;
    internal const int TolOffset = 0;
    internal const int BtfOffset = 40;
    internal const int OrderingOffset = 44;
    internal const int ScaleOffset = 48;
    internal const int HaltIfSingularOffset = 72;
    internal const int StatusOffset = 76;
    internal const int SingularColumnOffset = 92;
    internal const int FlopsOffset = 104;
    internal const int RcondOffset = 112;

    [LibraryImport(NativeLibraries.Klu)] internal static partial int klu_defaults(void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial void* klu_analyze(int n, int* columnPointers, int* rowIndices, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial void* klu_analyze_given(int n, int* columnPointers, int* rowIndices, int* rowPermutation, int* columnPermutation, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial void* klu_factor(int* columnPointers, int* rowIndices, double* values, void* symbolic, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial int klu_refactor(int* columnPointers, int* rowIndices, double* values, void* symbolic, void* numeric, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial int klu_solve(void* symbolic, void* numeric, int leadingDimension, int rightHandSides, double* b, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial int klu_tsolve(void* symbolic, void* numeric, int leadingDimension, int rightHandSides, double* b, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial int klu_extract(void* numeric, void* symbolic, int* lp, int* li, double* lx, int* up, int* ui, double* ux, int* fp, int* fi, double* fx, int* p, int* q, double* rs, int* r, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial int klu_flops(void* symbolic, void* numeric, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial int klu_rcond(void* symbolic, void* numeric, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial int klu_free_symbolic(void** symbolic, void* common);
    [LibraryImport(NativeLibraries.Klu)] internal static partial int klu_free_numeric(void** numeric, void* common);

    internal static string Describe(int status) => status switch
    {
        KLU_OK => "ok",
        KLU_SINGULAR => "singular",
        KLU_OUT_OF_MEMORY => "out of memory",
        KLU_INVALID => "invalid input",
        KLU_TOO_LARGE => "integer overflow",
        _ => $"status {status}",
    };
}
