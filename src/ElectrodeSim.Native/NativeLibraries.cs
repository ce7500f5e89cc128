using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ElectrodeSim.Native;

/// <summary>
/// Maps the logical library names used by the P/Invoke declarations ("hdf5", "hdf5_hl", "klu") to the
/// sonames shipped by distributions, so the same binary works with Debian's versioned files.
/// </summary>
internal static class NativeLibraries
{
    internal const string Hdf5 = "hdf5";
    internal const string Hdf5HighLevel = "hdf5_hl";
    internal const string Klu = "klu";
    internal const string Umfpack = "umfpack";
    internal const string Metis = "metis";

    internal static readonly string[] Hdf5Candidates =
        ["libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5.so", "hdf5.dll"];
    // The high-level library (H5DS dimension scales) must be the build that matches the core one.
    internal static readonly string[] Hdf5HighLevelCandidates =
        ["libhdf5_serial_hl.so.100", "libhdf5_hl.so.100", "libhdf5_hl.so", "hdf5_hl.dll"];
    internal static readonly string[] KluCandidates =
        ["libklu.so.1", "libklu.so.2", "libklu.so", "klu.dll"];
    internal static readonly string[] UmfpackCandidates =
        ["libumfpack.so.5", "libumfpack.so.6", "libumfpack.so", "umfpack.dll"];
    internal static readonly string[] MetisCandidates =
        ["libmetis.so.5", "libmetis.so", "metis.dll"];

    private static readonly Lazy<IntPtr> Hdf5Handle =
        new(() => Load(Hdf5, Hdf5Candidates, "libhdf5-103-1"));
    private static readonly Lazy<IntPtr> Hdf5HighLevelHandle =
        new(() => Load(Hdf5HighLevel, Hdf5HighLevelCandidates, "libhdf5-hl-100"));
    private static readonly Lazy<IntPtr> KluHandle =
        new(() => Load(Klu, KluCandidates, "libklu1"));
    private static readonly Lazy<IntPtr> UmfpackHandle =
        new(() => Load(Umfpack, UmfpackCandidates, "libumfpack5"));
    private static readonly Lazy<IntPtr> MetisHandle =
        new(() => Load(Metis, MetisCandidates, "libmetis5"));

    // A module initializer is the only place guaranteed to run before the first P/Invoke of
    // this assembly; the resolver can be registered only once per assembly.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);

    /// <summary>Handle of the loaded HDF5 library, needed to read its exported global ids.</summary>
    internal static IntPtr Hdf5Library => Hdf5Handle.Value;

    /// <summary>Loads the library of a logical name once (as its first P/Invoke would), without a further reference.</summary>
    internal static IntPtr Resolve(string libraryName) => libraryName switch
    {
        Hdf5 => Hdf5Handle.Value,
        Hdf5HighLevel => Hdf5HighLevelHandle.Value,
        Klu => KluHandle.Value,
        Umfpack => UmfpackHandle.Value,
        Metis => MetisHandle.Value,
        _ => IntPtr.Zero,
    };

    /// <summary>
    /// A handle of its own (one more reference, <c>dlopen</c> of the library already loaded) on every call: the Native AOT
    /// runtime resolves each P/Invoke's module on first use and, when two threads resolve the same module at once, frees
    /// the handle of the one that lost (<c>dlclose</c>). Handing out the one cached handle let that free unload KLU from
    /// under the winner ("symbol lookup error: libamd.so.2: undefined symbol: amd_postorder" in a sweep at --parallel 2).
    /// </summary>
    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName switch
        {
            Hdf5 => Reference(Hdf5Handle.Value),
            Hdf5HighLevel => Reference(Hdf5HighLevelHandle.Value),
            Klu => Reference(KluHandle.Value),
            Umfpack => Reference(UmfpackHandle.Value),
            Metis => Reference(MetisHandle.Value),
            _ => IntPtr.Zero,
        };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IntPtr, string> LoadedFrom = new();

    /// <summary>A further reference to the loaded library <paramref name="handle"/> (the same handle, its count raised).</summary>
    private static IntPtr Reference(IntPtr handle) => NativeLibrary.Load(LoadedFrom[handle]);

    internal static IntPtr Load(string logicalName, string[] candidates, string debianPackage)
    {
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                LoadedFrom[handle] = candidate;
                return handle;
            }
        }
        throw new DllNotFoundException(
            $"Could not load the native {logicalName} library; tried {string.Join(", ", candidates)}. " +
            $"On Debian/Ubuntu install it with 'apt-get install {debianPackage}'.");
    }
}

/// <summary>
/// Loads the native libraries a run will call on a background thread, so that the loading overlaps the case reading on
/// another core instead of preceding the first solve or write: <c>dlopen</c> of Debian's HDF5 maps and relocates some 35
/// libraries (its curl, TLS and Kerberos dependencies), 6–15 ms on the development machine, a tenth of a whole Marquis2019 1C
/// run. A library that cannot be loaded fails here silently and again, with the same message, at its first call.
/// </summary>
public static class NativePreload
{
    /// <summary>Starts loading HDF5 (with its high-level library) when <paramref name="hdf5"/>, and KLU when <paramref name="klu"/>.</summary>
    public static void Start(bool hdf5, bool klu)
    {
        if (!hdf5 && !klu) return;
        var thread = new Thread(() =>
        {
            try
            {
                if (klu) _ = NativeLibraries.Resolve(NativeLibraries.Klu);
                if (hdf5)
                {
                    _ = NativeLibraries.Hdf5Library;
                    _ = NativeLibraries.Resolve(NativeLibraries.Hdf5HighLevel);
                }
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException) { }
        })
        { IsBackground = true, Name = "native library preload" };
        thread.Start();
    }
}
