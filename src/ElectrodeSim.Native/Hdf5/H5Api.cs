using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ElectrodeSim.Native.Hdf5;

/// <summary>
/// Raw HDF5 1.10 C API. Every call must be made inside <see cref="Enter"/>: HDF5 builds are
/// not thread-safe in general, so calls are serialised process-wide.
/// </summary>
internal static unsafe partial class H5Api
{
    internal const long H5P_DEFAULT = 0;
    internal const long H5S_ALL = 0;
    internal const long H5E_DEFAULT = 0;
    internal const uint H5F_ACC_RDONLY = 0;
    internal const uint H5F_ACC_RDWR = 1;
    internal const uint H5F_ACC_TRUNC = 2;
    internal const int H5F_SCOPE_GLOBAL = 1;
    internal const ulong H5S_UNLIMITED = ulong.MaxValue;
    internal static readonly nuint H5T_VARIABLE = nuint.MaxValue;
    internal const int H5S_SCALAR = 0;
    internal const int H5S_SELECT_SET = 0;
    internal const int H5I_GROUP = 2;
    internal const int H5T_INTEGER = 0;
    internal const int H5T_FLOAT = 1;
    internal const int H5T_STRING = 3;
    internal const int H5T_COMPOUND = 6;
    internal const int H5T_CSET_UTF8 = 1;
    internal const int H5T_STR_SPACEPAD = 2;
    internal const int H5_INDEX_NAME = 0;
    internal const int H5_ITER_INC = 0;
    internal const int H5E_WALK_DOWNWARD = 1;
    internal static readonly nuint H5D_CHUNK_CACHE_NSLOTS_DEFAULT = nuint.MaxValue;
    internal const double H5D_CHUNK_CACHE_W0_DEFAULT = -1.0;
    internal const ulong DefaultChunkCacheBytes = 1 << 20;

    private static readonly Lock Sync = new();

    // Thread-safe builds (Debian's is one) keep the error stack and its auto-print handler per
    // thread, so printing must be switched off on every thread that calls into HDF5.
    [ThreadStatic]
    private static bool errorPrintingOff;

    /// <summary>
    /// Takes the global HDF5 lock (re-entrant) for the lifetime of the returned scope and
    /// silences HDF5's own error printing on this thread; failures are reported through
    /// <see cref="Hdf5Exception"/> instead.
    /// </summary>
    internal static Lock.Scope Enter()
    {
        var scope = Sync.EnterScope();
        if (!errorPrintingOff)
        {
            if (H5Eset_auto2(H5E_DEFAULT, null, null) < 0)
            {
                var failure = Failure("H5Eset_auto2", "");
                scope.Dispose();
                throw failure;
            }
            errorPrintingOff = true;
        }
        return scope;
    }

    // Predefined type and property-class ids are process globals that only hold valid values
    // after H5open, so they are read at initialisation rather than declared as constants.
    internal static long NativeDouble { get; private set; }
    internal static long NativeInt { get; private set; }
    internal static long NativeLongLong { get; private set; }
    internal static long CString { get; private set; }
    internal static long ObjectReference { get; private set; }
    internal static long DatasetCreateClass { get; private set; }
    internal static long DatasetAccessClass { get; private set; }
    internal static long DatasetTransferClass { get; private set; }
    internal static long LinkCreateClass { get; private set; }
    internal static long FileAccessClass { get; private set; }

    private static bool initialized;
    private static bool atexitDisabled;

    /// <summary>
    /// Opens the library and reads its global ids. An explicit call instead of a static
    /// constructor, so a missing library surfaces as DllNotFoundException rather than
    /// TypeInitializationException, and a failed attempt can be retried.
    /// </summary>
    internal static void EnsureInitialized()
    {
        lock (Sync)
        {
            if (initialized)
                return;
            // Without this HDF5 closes every id still open from an atexit handler. An id whose
            // close failed (a flush on a full disk) stays registered after HDF5 has freed it, so
            // that handler closed it a second time and the process died with SIGSEGV. Files are
            // closed by Dispose; what a failed close leaves behind the kernel reclaims at exit.
            // It fails only when called a second time (a retry after a failed H5open).
            if (!atexitDisabled && H5dont_atexit() < 0)
                throw new Hdf5Exception("H5dont_atexit failed: HDF5 was initialised before ElectrodeSim.Native.", "H5dont_atexit", "");
            atexitDisabled = true;
            if (H5open() < 0)
                throw new Hdf5Exception("H5open failed: the HDF5 library could not be initialised.", "H5open", "");

            var library = NativeLibraries.Hdf5Library;
            NativeDouble = ReadGlobalId(library, "H5T_NATIVE_DOUBLE_g");
            NativeInt = ReadGlobalId(library, "H5T_NATIVE_INT_g");
            NativeLongLong = ReadGlobalId(library, "H5T_NATIVE_LLONG_g");
            CString = ReadGlobalId(library, "H5T_C_S1_g");
            ObjectReference = ReadGlobalId(library, "H5T_STD_REF_OBJ_g");
            DatasetCreateClass = ReadGlobalId(library, "H5P_CLS_DATASET_CREATE_ID_g");
            DatasetAccessClass = ReadGlobalId(library, "H5P_CLS_DATASET_ACCESS_ID_g");
            DatasetTransferClass = ReadGlobalId(library, "H5P_CLS_DATASET_XFER_ID_g");
            LinkCreateClass = ReadGlobalId(library, "H5P_CLS_LINK_CREATE_ID_g");
            FileAccessClass = ReadGlobalId(library, "H5P_CLS_FILE_ACCESS_ID_g");
            initialized = true;
        }
    }

    private static long ReadGlobalId(IntPtr library, string symbol)
    {
        var id = Marshal.ReadInt64(NativeLibrary.GetExport(library, symbol));
        if (id < 0)
            throw new Hdf5Exception($"HDF5 global {symbol} is not initialised.", "H5open", "");
        return id;
    }

    /// <summary>Throws if an id-returning call failed; otherwise returns the id.</summary>
    internal static long Check(long id, string function, string objectPath)
    {
        if (id < 0)
            throw Failure(function, objectPath);
        return id;
    }

    /// <summary>Throws if a herr_t/htri_t/int-returning call failed; otherwise returns the value.</summary>
    internal static int Check(int status, string function, string objectPath)
    {
        if (status < 0)
            throw Failure(function, objectPath);
        return status;
    }

    /// <summary>Builds an exception carrying the current HDF5 error stack, then clears it.</summary>
    /// <remarks>
    /// Return codes of the walk and clear are not checked, and neither are closes done while
    /// unwinding after a failure elsewhere: the original failure is the one worth reporting.
    /// </remarks>
    internal static Hdf5Exception Failure(string function, string objectPath)
    {
        var details = new List<string>();
        var handle = GCHandle.Alloc(details);
        try
        {
            H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, &CollectError, (void*)GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        H5Eclear2(H5E_DEFAULT);
        var message = $"{function} failed for {objectPath}";
        if (details.Count > 0)
            message += ": " + string.Join("; ", details);
        return new Hdf5Exception(message, function, objectPath);
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct ErrorRecord
    {
        public long ClassId;
        public long MajorId;
        public long MinorId;
        public uint Line;
        public byte* FunctionName;
        public byte* FileName;
        public byte* Description;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int CollectError(uint index, ErrorRecord* record, void* clientData)
    {
        var details = (List<string>)GCHandle.FromIntPtr((IntPtr)clientData).Target!;
        var function = Marshal.PtrToStringUTF8((IntPtr)record->FunctionName);
        var description = Marshal.PtrToStringUTF8((IntPtr)record->Description);
        // Some descriptions embed ctime() output, which ends in a newline.
        details.Add($"{function}(): {description?.ReplaceLineEndings(" ")}");
        return 0;
    }

    /// <summary>Mirror of H5G_info_t (1.10): enum storage_type, hsize_t nlinks, int64 max_corder, hbool_t mounted.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct GroupInfo
    {
        public int StorageType;
        public ulong LinkCount;
        public long MaxCreationOrder;
        public byte Mounted;
    }

    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5open();
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5dont_atexit();
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Eset_auto2(long stack, void* func, void* clientData);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Ewalk2(long stack, int direction, delegate* unmanaged[Cdecl]<uint, ErrorRecord*, void*, int> func, void* clientData);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Eclear2(long stack);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5free_memory(void* memory);

    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Fcreate(string name, uint flags, long createPlist, long accessPlist);
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Fopen(string name, uint flags, long accessPlist);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Fget_vfd_handle(long fileId, long accessPlist, out nint fileHandle);
    [LibraryImport("libc", SetLastError = true)] internal static partial int fcntl(int fd, int command, int argument);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Fflush(long objectId, int scope);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Fclose(long fileId);

    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Gcreate2(long location, string name, long linkCreatePlist, long groupCreatePlist, long groupAccessPlist);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Gget_info(long location, GroupInfo* info);

    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Lexists(long location, string name, long linkAccessPlist);
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Ldelete(long location, string name, long linkAccessPlist);
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint H5Lget_name_by_idx(long location, string groupName, int indexType, int order, ulong n, byte* name, nuint size, long linkAccessPlist);

    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Oopen(long location, string name, long linkAccessPlist);
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Oexists_by_name(long location, string name, long linkAccessPlist);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Oclose(long objectId);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Iget_type(long id);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Iinc_ref(long id);

    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Pcreate(long propertyClass);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Pset_buffer(long plist, nuint size, void* typeConversion, void* background);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Pset_chunk(long plist, int rank, ulong* dims);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Pset_deflate(long plist, uint level);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Pget_chunk(long plist, int maxRank, ulong* dims);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Pset_chunk_cache(long plist, nuint slots, nuint bytes, double w0);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Pset_create_intermediate_group(long plist, uint create);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Pclose(long plist);
    /// <summary>HDF5 ≥ 1.10.7: whether H5Fopen/H5Fcreate take flock() locks on the file (hbool_t arguments).</summary>
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Pset_file_locking(long plist, byte useFileLocking, byte ignoreWhenDisabled);
    /// <summary>The core (memory) file driver: the file lives in memory, growing by <paramref name="increment"/> bytes; without a backing store nothing is written to disk.</summary>
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Pset_fapl_core(long plist, nuint increment, byte backingStore);
    /// <summary>The bytes of the file as it would be on disk (flushed first); with a null buffer, its size.</summary>
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial nint H5Fget_file_image(long file, void* buffer, nuint size);

    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Screate(int spaceClass);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Screate_simple(int rank, ulong* dims, ulong* maxDims);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Sget_simple_extent_ndims(long space);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Sget_simple_extent_dims(long space, ulong* dims, ulong* maxDims);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Sget_simple_extent_npoints(long space);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Sselect_hyperslab(long space, int op, ulong* start, ulong* stride, ulong* count, ulong* block);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Sclose(long space);

    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Dcreate2(long location, string name, long type, long space, long linkCreatePlist, long datasetCreatePlist, long datasetAccessPlist);
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Dopen2(long location, string name, long datasetAccessPlist);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Dget_space(long dataset);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Dget_create_plist(long dataset);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Dset_extent(long dataset, ulong* size);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Dwrite(long dataset, long memoryType, long memorySpace, long fileSpace, long transferPlist, void* buffer);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Dread(long dataset, long memoryType, long memorySpace, long fileSpace, long transferPlist, void* buffer);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Dclose(long dataset);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Dget_type(long dataset);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Dvlen_reclaim(long type, long space, long transferPlist, void* buffer);

    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Tcopy(long type);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Tset_size(long type, nuint size);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial nuint H5Tget_size(long type);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Tset_cset(long type, int charset);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Tget_cset(long type);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Tget_strpad(long type);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Tget_class(long type);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Tis_variable_str(long type);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Tclose(long type);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Tcreate(int typeClass, nuint size);
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Tinsert(long compound, string name, nuint offset, long fieldType);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Tget_nmembers(long compound);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial byte* H5Tget_member_name(long compound, uint index);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Tget_member_class(long compound, uint index);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Tget_member_type(long compound, uint index);

    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Acreate2(long objectId, string name, long type, long space, long createPlist, long accessPlist);
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Aopen(long objectId, string name, long accessPlist);
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Aexists(long objectId, string name);
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Adelete(long objectId, string name);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Awrite(long attribute, long memoryType, void* buffer);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Aread(long attribute, long memoryType, void* buffer);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Aget_type(long attribute);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Aget_space(long attribute);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Aclose(long attribute);
    /// <summary>Number of attributes of an object (deprecated in 1.12 in favour of H5Oget_info, and still exported).</summary>
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial int H5Aget_num_attrs(long objectId);
    [LibraryImport(NativeLibraries.Hdf5)] internal static partial long H5Tvlen_create(long baseType);
    /// <summary>HDF5 1.10 object reference (hobj_ref_t, 8 bytes) to the object at <paramref name="name"/>; <paramref name="space"/> -1.</summary>
    [LibraryImport(NativeLibraries.Hdf5, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Rcreate(ulong* reference, long location, string name, int referenceType, long space);
    internal const int H5R_OBJECT = 0;
    internal const int H5I_DATASET = 5;

    // Dimension scales (HDF5 high-level library, libhdf5_hl).
    [LibraryImport(NativeLibraries.Hdf5HighLevel, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5DSset_scale(long dataset, string dimensionName);
    [LibraryImport(NativeLibraries.Hdf5HighLevel)] internal static partial int H5DSattach_scale(long dataset, long scale, uint dimension);
    [LibraryImport(NativeLibraries.Hdf5HighLevel, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5DSset_label(long dataset, uint dimension, string label);
    [LibraryImport(NativeLibraries.Hdf5HighLevel)] internal static partial nint H5DSget_label(long dataset, uint dimension, byte* label, nuint size);
    [LibraryImport(NativeLibraries.Hdf5HighLevel)] internal static partial int H5DSis_attached(long dataset, long scale, uint dimension);
    [LibraryImport(NativeLibraries.Hdf5HighLevel)] internal static partial int H5DSis_scale(long dataset);
    [LibraryImport(NativeLibraries.Hdf5HighLevel)] internal static partial int H5DSget_num_scales(long dataset, uint dimension);
}
