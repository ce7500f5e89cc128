using System.Runtime.InteropServices;
using System.Text;
using static ElectrodeSim.Native.Hdf5.H5Api;

namespace ElectrodeSim.Native.Hdf5;

/// <summary>
/// An open HDF5 file holding simulation results: groups, fixed-size and extendable
/// datasets, and attributes. All calls are serialised process-wide because not every HDF5
/// build is thread-safe; an instance may therefore be shared between threads.
/// </summary>
/// <remarks>
/// Paths are HDF5 link paths such as "/fields/voltage"; "/" is the root group and relative
/// paths are resolved from the root. Dispose the file to close it; this also closes any
/// <see cref="ExtendableDataset"/> still open on it.
/// </remarks>
public sealed unsafe partial class Hdf5File : IDisposable
{
    private long fileId;
    private readonly List<ExtendableDataset> openDatasets = [];

    private Hdf5File(string path, long fileId)
    {
        Path = path;
        this.fileId = fileId;
    }

    /// <summary>True for a file built in memory and written to <see cref="Path"/> when it is closed (<see cref="CreateInMemory"/>).</summary>
    public bool InMemory { get; private init; }

    /// <summary>Creates a new file, truncating any existing file at <paramref name="path"/>.</summary>
    public static Hdf5File Create(string path) => Open(path, "H5Fcreate", H5F_ACC_TRUNC);

    /// <summary>
    /// Creates a file that HDF5 builds in memory (the core driver, no backing store); <see cref="Dispose"/> takes its
    /// image and writes it to <paramref name="path"/> (replacing any file there) after releasing the HDF5 lock, so the
    /// file's disk writes are one sequential write outside the process-wide lock instead of many small ones inside it.
    /// Nothing is on disk before the close (<see cref="Flush"/> does nothing); for small files (a run without fields).
    /// </summary>
    /// <exception cref="IOException">From <see cref="Dispose"/>: the image could not be written.</exception>
    public static Hdf5File CreateInMemory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        EnsureInitialized();
        using (Enter())
        {
            var file = new Hdf5File(fullPath, Check(H5Fcreate(fullPath, H5F_ACC_TRUNC, H5P_DEFAULT, CoreAccessPlist(fullPath)), "H5Fcreate", fullPath)) { InMemory = true };
            file.TrackLinks();
            return file;
        }
    }

    /// <summary>Opens an existing file read-only.</summary>
    public static Hdf5File OpenRead(string path) => Open(path, "H5Fopen", H5F_ACC_RDONLY);

    /// <summary>Opens an existing file for reading and writing.</summary>
    public static Hdf5File OpenReadWrite(string path) => Open(path, "H5Fopen", H5F_ACC_RDWR);

    private static Hdf5File Open(string path, string function, uint flags)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        EnsureInitialized();
        using (Enter())
        {
            long id;
            if (function == "H5Fcreate") id = H5Fcreate(fullPath, flags, H5P_DEFAULT, H5P_DEFAULT);
            else if (flags == H5F_ACC_RDONLY)
            {
                // A reader takes no flock(): the files it reads are complete (a run writes under a temporary name and renames
                // at the end, and ResultTarget's .lock file keeps writers apart), and a lock can be borrowed — a process
                // started elsewhere in this program in the instant between a writer's open() and its close-on-exec mark
                // inherits the descriptor and holds the writer's lock for its own lifetime, which made a read fail.
                var access = Check(H5Pcreate(FileAccessClass), "H5Pcreate", fullPath);
                try
                {
                    Check(H5Pset_file_locking(access, 0, 1), "H5Pset_file_locking", fullPath);
                    id = H5Fopen(fullPath, flags, access);
                }
                finally { H5Pclose(access); }
            }
            else id = H5Fopen(fullPath, flags, H5P_DEFAULT);
            var file = new Hdf5File(fullPath, Check(id, function, fullPath));
            if (function == "H5Fcreate") file.TrackLinks();
            try
            {
                CloseOnExec(file.FileId, fullPath);
            }
            catch
            {
                H5Fclose(file.fileId);   // unwinding: the failure above is the one to report
                throw;
            }
            return file;
        }
    }

    /// <summary>
    /// Marks the file descriptor close-on-exec. HDF5 opens (and locks) files without it, so a
    /// program started while a file is open (a browser, a plotting or viewing tool) would inherit the descriptor and
    /// keep the file locked after we close it.
    /// </summary>
    private static void CloseOnExec(long fileId, string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        const int F_SETFD = 2, FD_CLOEXEC = 1;
        Check(H5Fget_vfd_handle(fileId, H5P_DEFAULT, out nint handle), "H5Fget_vfd_handle", path);
        if (handle == 0)
            throw new Hdf5Exception($"H5Fget_vfd_handle gave no descriptor for {path}.", "H5Fget_vfd_handle", path);
        int fd = System.Runtime.InteropServices.Marshal.ReadInt32(handle); // the sec2 driver's handle is its int descriptor
        if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
            throw new IOException($"cannot mark {path} close-on-exec: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>Full path of the file on disk.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates a group and any missing intermediate groups. Does nothing if the group exists;
    /// throws <see cref="Hdf5Exception"/> if a non-group object already occupies the path.
    /// </summary>
    public void CreateGroup(string groupPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupPath);
        using (Enter())
        {
            var file = FileId;
            if (ExistsCore(groupPath))
            {
                if (!(KnownIsGroup(groupPath) ?? IsGroup(groupPath)))
                    throw new Hdf5Exception($"Cannot create group {groupPath} in {Path}: a non-group object exists there.", "H5Gcreate2", groupPath);
                return;
            }
            var group = Created(H5Gcreate2(file, groupPath, LinkCreatePlist(groupPath), H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2", groupPath, group: true);
            Check(H5Oclose(group), "H5Oclose", groupPath);
        }
    }

    /// <summary>
    /// True if a link exists at <paramref name="objectPath"/>. Returns false, rather than
    /// failing, when an intermediate group is missing or is not a group.
    /// </summary>
    public bool Exists(string objectPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectPath);
        using (Enter())
            return ExistsCore(objectPath);
    }

    /// <summary>
    /// Writes a fixed-size double dataset in row-major order, creating intermediate groups and
    /// replacing any existing dataset at the path (HDF5 does not reclaim the old space).
    /// </summary>
    /// <param name="datasetPath">Link path of the dataset.</param>
    /// <param name="data">Values in row-major (C) order.</param>
    /// <param name="dims">Shape; its product must equal <c>data.Length</c>. Empty means 1-D of length <c>data.Length</c>.</param>
    public void WriteArray(string datasetPath, ReadOnlySpan<double> data, params long[] dims)
    {
        fixed (double* buffer = data)
            WriteArrayCore(datasetPath, buffer, data.Length, dims, NativeDouble);
    }

    /// <summary>
    /// Writes a fixed-size 32-bit integer dataset in row-major order, creating intermediate
    /// groups and replacing any existing dataset at the path.
    /// </summary>
    /// <param name="datasetPath">Link path of the dataset.</param>
    /// <param name="data">Values in row-major (C) order.</param>
    /// <param name="dims">Shape; its product must equal <c>data.Length</c>. Empty means 1-D of length <c>data.Length</c>.</param>
    public void WriteArray(string datasetPath, ReadOnlySpan<int> data, params long[] dims)
    {
        fixed (int* buffer = data)
            WriteArrayCore(datasetPath, buffer, data.Length, dims, NativeInt);
    }

    /// <param name="transferBufferBytes">
    /// With a type that HDF5 converts on writing (a compound with variable-length strings): the size of its conversion and
    /// background buffers; 0 leaves HDF5's default of 1 MiB each, which it allocates, clears and frees on every write
    /// (about a millisecond of page faults for a one-row table).
    /// </param>
    private void WriteArrayCore(string datasetPath, void* buffer, int length, long[] dims, long type, long transferBufferBytes = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetPath);
        var shape = ToShape(dims is { Length: > 0 } ? dims : [length], length);
        using (Enter())
        {
            var file = FileId;
            RemoveIfExists(datasetPath);
            var space = CreateSpace(shape, null, datasetPath);
            try
            {
                var dataset = Created(H5Dcreate2(file, datasetPath, type, space, LinkCreatePlist(datasetPath), H5P_DEFAULT, H5P_DEFAULT), "H5Dcreate2", datasetPath, group: false);
                bool kept = false;
                try
                {
                    // An empty span has no buffer, and HDF5 rejects a null one.
                    if (length > 0 && transferBufferBytes <= 0)
                        Check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), "H5Dwrite", datasetPath);
                    else if (length > 0)
                    {
                        var transfer = Check(H5Pcreate(DatasetTransferClass), "H5Pcreate", datasetPath);
                        try
                        {
                            Check(H5Pset_buffer(transfer, (nuint)transferBufferBytes, null, null), "H5Pset_buffer", datasetPath);
                            Check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, transfer, buffer), "H5Dwrite", datasetPath);
                        }
                        finally
                        {
                            Check(H5Pclose(transfer), "H5Pclose", datasetPath);
                        }
                    }
                    // Open until the file closes, for the attributes and dimension scales that follow (Borrow).
                    kept = Keep(datasetPath, dataset);
                }
                finally
                {
                    if (!kept) Check(H5Dclose(dataset), "H5Dclose", datasetPath);
                }
            }
            finally
            {
                Check(H5Sclose(space), "H5Sclose", datasetPath);
            }
        }
    }

    /// <summary>
    /// Creates a chunked, deflate-compressed double dataset of shape (0, sliceDims...) whose
    /// first dimension is unlimited, ready for <see cref="ExtendableDataset.Append"/>.
    /// Intermediate groups are created and an existing dataset at the path is replaced.
    /// </summary>
    /// <param name="datasetPath">Link path of the dataset.</param>
    /// <param name="sliceDims">Shape of one appended slice (e.g. a field snapshot); every extent must be at least 1.</param>
    /// <param name="chunkSlices">Slices per chunk along the unlimited dimension.</param>
    /// <param name="deflateLevel">gzip level 1–9, or 0 to store uncompressed.</param>
    /// <param name="int32Values">Store 32-bit integers (e.g. indices) instead of doubles; either kind of slice can be appended.</param>
    public ExtendableDataset CreateExtendable(string datasetPath, long[] sliceDims, long chunkSlices = 64, int deflateLevel = 4, bool int32Values = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetPath);
        ArgumentNullException.ThrowIfNull(sliceDims);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSlices, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(deflateLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(deflateLevel, 9);
        if (sliceDims.Any(d => d < 1))
            throw new ArgumentException("Every slice dimension must be at least 1.", nameof(sliceDims));

        var rank = sliceDims.Length + 1;
        var initial = new ulong[rank];
        var maximum = new ulong[rank];
        var chunk = new ulong[rank];
        maximum[0] = H5S_UNLIMITED;
        chunk[0] = (ulong)chunkSlices;
        for (var i = 0; i < sliceDims.Length; i++)
            initial[i + 1] = maximum[i + 1] = chunk[i + 1] = (ulong)sliceDims[i];

        using (Enter())
        {
            var file = FileId;
            RemoveIfExists(datasetPath);
            var space = CreateSpace(initial, maximum, datasetPath);
            try
            {
                var datasetCreate = Check(H5Pcreate(DatasetCreateClass), "H5Pcreate", datasetPath);
                try
                {
                    fixed (ulong* chunkDims = chunk)
                        Check(H5Pset_chunk(datasetCreate, rank, chunkDims), "H5Pset_chunk", datasetPath);
                    if (deflateLevel > 0)
                        Check(H5Pset_deflate(datasetCreate, (uint)deflateLevel), "H5Pset_deflate", datasetPath);
                    var access = NewChunkCacheAccessPlist(chunk, datasetPath);
                    try
                    {
                        var dataset = Created(H5Dcreate2(file, datasetPath, int32Values ? NativeInt : NativeDouble, space, LinkCreatePlist(datasetPath), datasetCreate, access), "H5Dcreate2", datasetPath, group: false);
                        return Track(dataset, datasetPath, sliceDims, 0);
                    }
                    finally
                    {
                        Check(H5Pclose(access), "H5Pclose", datasetPath);
                    }
                }
                finally
                {
                    Check(H5Pclose(datasetCreate), "H5Pclose", datasetPath);
                }
            }
            finally
            {
                Check(H5Sclose(space), "H5Sclose", datasetPath);
            }
        }
    }

    /// <summary>
    /// Opens an existing dataset whose first dimension is unlimited so more slices can be
    /// appended; <see cref="ExtendableDataset.Count"/> starts at its current first extent.
    /// </summary>
    public ExtendableDataset OpenExtendable(string datasetPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetPath);
        using (Enter())
        {
            // The chunk cache can only be sized when opening, so the chunk shape is read from a
            // first, short-lived open.
            var probe = Check(H5Dopen2(FileId, datasetPath, H5P_DEFAULT), "H5Dopen2", datasetPath);
            ulong[] dims, chunk;
            try
            {
                (dims, var maxDims) = ReadExtent(probe, datasetPath);
                if (dims.Length == 0 || maxDims[0] != H5S_UNLIMITED)
                    throw new Hdf5Exception($"Dataset {datasetPath} in {Path} is not extendable along its first dimension.", "H5Sget_simple_extent_dims", datasetPath);
                chunk = ReadChunkDims(probe, dims.Length, datasetPath);
            }
            finally
            {
                Check(H5Dclose(probe), "H5Dclose", datasetPath);
            }

            var access = NewChunkCacheAccessPlist(chunk, datasetPath);
            try
            {
                var dataset = Check(H5Dopen2(FileId, datasetPath, access), "H5Dopen2", datasetPath);
                return Track(dataset, datasetPath, dims.Skip(1).Select(d => (long)d).ToArray(), (long)dims[0]);
            }
            finally
            {
                Check(H5Pclose(access), "H5Pclose", datasetPath);
            }
        }
    }

    private ExtendableDataset Track(long dataset, string datasetPath, long[] sliceDims, long count)
    {
        ExtendableDataset extendable;
        try
        {
            extendable = new ExtendableDataset(this, dataset, datasetPath, sliceDims, count);
        }
        catch
        {
            H5Dclose(dataset);
            throw;
        }
        openDatasets.Add(extendable);
        KeepExtendable(datasetPath, extendable);
        return extendable;
    }

    internal void Untrack(ExtendableDataset dataset)
    {
        openDatasets.Remove(dataset);
        ForgetExtendable(dataset);
    }

    /// <summary>Reads a dataset as doubles (HDF5 converts other numeric types).</summary>
    /// <param name="datasetPath">Link path of the dataset.</param>
    /// <param name="dims">Shape of the dataset; empty for a scalar dataset.</param>
    /// <returns>Values in row-major order.</returns>
    public double[] ReadArray(string datasetPath, out long[] dims) => ReadArrayCore<double>(datasetPath, NativeDouble, out dims);

    /// <summary>Reads a dataset as 32-bit integers (HDF5 converts other numeric types).</summary>
    /// <param name="datasetPath">Link path of the dataset.</param>
    /// <param name="dims">Shape of the dataset; empty for a scalar dataset.</param>
    /// <returns>Values in row-major order.</returns>
    public int[] ReadIntArray(string datasetPath, out long[] dims) => ReadArrayCore<int>(datasetPath, NativeInt, out dims);

    private T[] ReadArrayCore<T>(string datasetPath, long type, out long[] dims) where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetPath);
        using (Enter())
        {
            var dataset = Check(H5Dopen2(FileId, datasetPath, H5P_DEFAULT), "H5Dopen2", datasetPath);
            try
            {
                var (extent, _) = ReadExtent(dataset, datasetPath);
                dims = extent.Select(d => (long)d).ToArray();
                var count = extent.Aggregate(1UL, (product, d) => product * d);
                if (count > (ulong)Array.MaxLength)
                    throw new Hdf5Exception($"Dataset {datasetPath} in {Path} has {count} elements, too many for one array.", "H5Dread", datasetPath);
                var values = new T[count];
                if (count > 0)
                {
                    fixed (T* buffer = values)
                        Check(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), "H5Dread", datasetPath);
                }
                return values;
            }
            finally
            {
                Check(H5Dclose(dataset), "H5Dclose", datasetPath);
            }
        }
    }

    /// <summary>Current shape of a dataset; empty for a scalar dataset.</summary>
    public long[] GetDims(string datasetPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetPath);
        using (Enter())
        {
            var dataset = Check(H5Dopen2(FileId, datasetPath, H5P_DEFAULT), "H5Dopen2", datasetPath);
            try
            {
                return ReadExtent(dataset, datasetPath).Dims.Select(d => (long)d).ToArray();
            }
            finally
            {
                Check(H5Dclose(dataset), "H5Dclose", datasetPath);
            }
        }
    }

    /// <summary>Names of the links in a group, in name order.</summary>
    public IReadOnlyList<string> ListChildren(string groupPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupPath);
        using (Enter())
        {
            var group = OpenObject(groupPath);
            try
            {
                GroupInfo info;
                Check(H5Gget_info(group, &info), "H5Gget_info", groupPath);
                var names = new List<string>((int)info.LinkCount);
                for (ulong i = 0; i < info.LinkCount; i++)
                {
                    var length = (long)H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, null, 0, H5P_DEFAULT);
                    Check(length, "H5Lget_name_by_idx", groupPath);
                    var name = new byte[length + 1];
                    fixed (byte* buffer = name)
                        Check((long)H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, buffer, (nuint)name.Length, H5P_DEFAULT), "H5Lget_name_by_idx", groupPath);
                    names.Add(Encoding.UTF8.GetString(name, 0, (int)length));
                }
                return names;
            }
            finally
            {
                Check(H5Oclose(group), "H5Oclose", groupPath);
            }
        }
    }

    /// <summary>
    /// Sets a scalar variable-length UTF-8 string attribute on a group or dataset (h5py reads
    /// it as <c>str</c>), replacing any existing attribute of that name.
    /// </summary>
    public void SetAttribute(string objectPath, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetBytes(value + "\0");
        using (Enter())
        {
            var label = AttributeLabel(objectPath, name);
            var type = Check(H5Tcopy(CString), "H5Tcopy", label);
            try
            {
                Check(H5Tset_size(type, H5T_VARIABLE), "H5Tset_size", label);
                Check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset", label);
                fixed (byte* text = bytes)
                {
                    // A variable-length string is written as an array of char pointers.
                    var pointer = text;
                    WriteAttribute(objectPath, name, type, type, null, &pointer);
                }
            }
            finally
            {
                Check(H5Tclose(type), "H5Tclose", label);
            }
        }
    }

    /// <summary>Sets a scalar double attribute, replacing any existing attribute of that name.</summary>
    public void SetAttribute(string objectPath, string name, double value)
    {
        using (Enter())
            WriteAttribute(objectPath, name, NativeDouble, NativeDouble, null, &value);
    }

    /// <summary>Sets a scalar 64-bit integer attribute, replacing any existing attribute of that name.</summary>
    public void SetAttribute(string objectPath, string name, long value)
    {
        using (Enter())
            WriteAttribute(objectPath, name, NativeLongLong, NativeLongLong, null, &value);
    }

    /// <summary>Sets a 1-D double array attribute, replacing any existing attribute of that name.</summary>
    public void SetAttribute(string objectPath, string name, ReadOnlySpan<double> values)
    {
        ulong[] shape = [(ulong)values.Length];
        double placeholder = 0;
        using (Enter())
        {
            fixed (double* buffer = values)
                // An empty span has no buffer, and HDF5 rejects a null one.
                WriteAttribute(objectPath, name, NativeDouble, NativeDouble, shape, buffer != null ? buffer : &placeholder);
        }
    }

    /// <summary>True if the group or dataset at <paramref name="objectPath"/> has the named attribute.</summary>
    public bool HasAttribute(string objectPath, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using (Enter())
        {
            var target = OpenObject(objectPath);
            try
            {
                return Check(H5Aexists(target, name), "H5Aexists", AttributeLabel(objectPath, name)) > 0;
            }
            finally
            {
                Check(H5Oclose(target), "H5Oclose", objectPath);
            }
        }
    }

    /// <summary>Reads a scalar string attribute, variable- or fixed-length, ASCII or UTF-8.</summary>
    public string ReadStringAttribute(string objectPath, string name)
    {
        using (Enter())
        {
            var label = AttributeLabel(objectPath, name);
            var (target, attribute) = OpenAttribute(objectPath, name);
            try
            {
                RequireSingleValue(attribute, label);
                var fileType = Check(H5Aget_type(attribute), "H5Aget_type", label);
                try
                {
                    if (Check(H5Tget_class(fileType), "H5Tget_class", label) != H5T_STRING)
                        throw new Hdf5Exception($"{label} in {Path} is not a string.", "H5Tget_class", label);
                    return Check(H5Tis_variable_str(fileType), "H5Tis_variable_str", label) > 0
                        ? ReadVariableString(attribute, fileType, label)
                        : ReadFixedString(attribute, fileType, label);
                }
                finally
                {
                    Check(H5Tclose(fileType), "H5Tclose", label);
                }
            }
            finally
            {
                CloseAttribute(target, attribute, objectPath, label);
            }
        }
    }

    private static string ReadVariableString(long attribute, long fileType, string label)
    {
        var memoryType = Check(H5Tcopy(CString), "H5Tcopy", label);
        try
        {
            Check(H5Tset_size(memoryType, H5T_VARIABLE), "H5Tset_size", label);
            // Matching the stored character set avoids an ASCII/UTF-8 conversion HDF5 refuses.
            Check(H5Tset_cset(memoryType, Check(H5Tget_cset(fileType), "H5Tget_cset", label)), "H5Tset_cset", label);
            byte* text = null;
            Check(H5Aread(attribute, memoryType, &text), "H5Aread", label);
            try
            {
                return text == null ? "" : Marshal.PtrToStringUTF8((IntPtr)text)!;
            }
            finally
            {
                if (text != null)
                    Check(H5free_memory(text), "H5free_memory", label);
            }
        }
        finally
        {
            Check(H5Tclose(memoryType), "H5Tclose", label);
        }
    }

    private static string ReadFixedString(long attribute, long fileType, string label)
    {
        var size = (int)H5Tget_size(fileType);
        if (size == 0)
            throw Failure("H5Tget_size", label);
        var bytes = new byte[size];
        fixed (byte* buffer = bytes)
            Check(H5Aread(attribute, fileType, buffer), "H5Aread", label);
        var text = bytes.AsSpan();
        var terminator = text.IndexOf((byte)0);
        if (terminator >= 0)
            text = text[..terminator];
        var value = Encoding.UTF8.GetString(text);
        return Check(H5Tget_strpad(fileType), "H5Tget_strpad", label) == H5T_STR_SPACEPAD ? value.TrimEnd(' ') : value;
    }

    /// <summary>Reads a scalar numeric attribute as a double.</summary>
    public double ReadDoubleAttribute(string objectPath, string name)
    {
        double value = 0;
        using (Enter())
            ReadNumericAttribute(objectPath, name, NativeDouble, &value, single: true);
        return value;
    }

    /// <summary>Reads a scalar integer attribute as a 64-bit integer.</summary>
    public long ReadLongAttribute(string objectPath, string name)
    {
        long value = 0;
        using (Enter())
            ReadNumericAttribute(objectPath, name, NativeLongLong, &value, single: true);
        return value;
    }

    /// <summary>Reads a numeric attribute of any shape as a flat double array.</summary>
    public double[] ReadDoubleArrayAttribute(string objectPath, string name)
    {
        using (Enter())
        {
            var label = AttributeLabel(objectPath, name);
            var (target, attribute) = OpenAttribute(objectPath, name);
            try
            {
                var values = new double[PointCount(attribute, label)];
                if (values.Length > 0)
                {
                    fixed (double* buffer = values)
                        Check(H5Aread(attribute, NativeDouble, buffer), "H5Aread", label);
                }
                return values;
            }
            finally
            {
                CloseAttribute(target, attribute, objectPath, label);
            }
        }
    }

    private void ReadNumericAttribute(string objectPath, string name, long memoryType, void* buffer, bool single)
    {
        var label = AttributeLabel(objectPath, name);
        var (target, attribute) = OpenAttribute(objectPath, name);
        try
        {
            if (single)
                RequireSingleValue(attribute, label);
            Check(H5Aread(attribute, memoryType, buffer), "H5Aread", label);
        }
        finally
        {
            CloseAttribute(target, attribute, objectPath, label);
        }
    }

    /// <summary>Flushes all buffered data of this file to disk.</summary>
    public void Flush()
    {
        if (InMemory) return;
        using (Enter())
            Check(H5Fflush(FileId, H5F_SCOPE_GLOBAL), "H5Fflush", Path);
    }

    /// <summary>
    /// Closes open extendable datasets and then the file. Every close is attempted once even when
    /// an earlier one fails (a full disk makes each flush fail); the first failure is thrown after
    /// all of them. A failed close is never retried: HDF5 may already have freed the object.
    /// </summary>
    public void Dispose()
    {
        byte[]? image = null;
        using (Enter())
        {
            if (fileId < 0)
                return;
            Hdf5Exception? first = CloseKept();
            foreach (var dataset in openDatasets.ToArray())
            {
                try
                {
                    dataset.Dispose();
                }
                catch (Hdf5Exception e)
                {
                    first ??= e;
                }
            }
            var id = fileId;
            fileId = -1;
            if (InMemory && first is null)
            {
                // The image is the file's bytes as they stand: without the flush the superblock still holds the
                // end-of-file address of the empty file, and the image does not open.
                bool flushed = H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0;
                var size = flushed ? H5Fget_file_image(id, null, 0) : -1;
                if (size < 0) first = Failure(flushed ? "H5Fget_file_image" : "H5Fflush", Path);
                else
                {
                    image = new byte[size];
                    fixed (byte* buffer = image)
                        if (H5Fget_file_image(id, buffer, (nuint)size) != size) first = Failure("H5Fget_file_image", Path);
                }
            }
            if (H5Fclose(id) < 0)
                first ??= Failure("H5Fclose", Path);
            if (first is not null)
                throw first;
        }
        if (image is not null)
            System.IO.File.WriteAllBytes(Path, image);
    }

    internal long FileId => fileId >= 0 ? fileId : throw new ObjectDisposedException(nameof(Hdf5File), $"HDF5 file '{Path}' is closed.");

    private bool ExistsCore(string objectPath)
    {
        var file = FileId;
        if (KnownExists(objectPath) is { } known) return known;
        var parts = objectPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var prefix = "";
        for (var i = 0; i < parts.Length; i++)
        {
            prefix += "/" + parts[i];
            // H5Lexists fails instead of returning false when an intermediate is missing, so
            // each level is probed in turn.
            if (Check(H5Lexists(file, prefix, H5P_DEFAULT), "H5Lexists", prefix) == 0)
                return false;
            if (i < parts.Length - 1
                && (Check(H5Oexists_by_name(file, prefix, H5P_DEFAULT), "H5Oexists_by_name", prefix) == 0 || !IsGroup(prefix)))
                return false;
        }
        return true;
    }

    private bool IsGroup(string objectPath)
    {
        var target = OpenObject(objectPath);
        try
        {
            return Check(H5Iget_type(target), "H5Iget_type", objectPath) == H5I_GROUP;
        }
        finally
        {
            Check(H5Oclose(target), "H5Oclose", objectPath);
        }
    }

    private void RemoveIfExists(string objectPath)
    {
        if (!ExistsCore(objectPath)) return;
        Unlinking(objectPath);
        Check(H5Ldelete(FileId, objectPath, H5P_DEFAULT), "H5Ldelete", objectPath);
    }

    /// <summary>Opens the object at the path (a dataset kept open is borrowed, not opened again); the caller closes it with H5Oclose.</summary>
    private long OpenObject(string objectPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectPath);
        var file = FileId;
        var kept = Borrow(objectPath);
        return kept >= 0 ? kept : Check(H5Oopen(file, objectPath, H5P_DEFAULT), "H5Oopen", objectPath);
    }

    private (long Target, long Attribute) OpenAttribute(string objectPath, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var target = OpenObject(objectPath);
        var attribute = H5Aopen(target, name, H5P_DEFAULT);
        if (attribute < 0)
        {
            var failure = Failure("H5Aopen", AttributeLabel(objectPath, name));
            H5Oclose(target);
            throw failure;
        }
        return (target, attribute);
    }

    private static void CloseAttribute(long target, long attribute, string objectPath, string label)
    {
        try
        {
            Check(H5Aclose(attribute), "H5Aclose", label);
        }
        finally
        {
            Check(H5Oclose(target), "H5Oclose", objectPath);
        }
    }

    /// <summary>Creates (replacing) and writes an attribute; a null shape means a scalar.</summary>
    private void WriteAttribute(string objectPath, string name, long fileType, long memoryType, ulong[]? shape, void* buffer)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var label = AttributeLabel(objectPath, name);
        var target = OpenObject(objectPath);
        try
        {
            // Deleting first lets the type or shape change on overwrite.
            if (Check(H5Aexists(target, name), "H5Aexists", label) > 0)
                Check(H5Adelete(target, name), "H5Adelete", label);
            var space = shape is null
                ? Check(H5Screate(H5S_SCALAR), "H5Screate", label)
                : CreateSpace(shape, null, label);
            try
            {
                var attribute = Check(H5Acreate2(target, name, fileType, space, H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2", label);
                try
                {
                    Check(H5Awrite(attribute, memoryType, buffer), "H5Awrite", label);
                }
                finally
                {
                    Check(H5Aclose(attribute), "H5Aclose", label);
                }
            }
            finally
            {
                Check(H5Sclose(space), "H5Sclose", label);
            }
        }
        finally
        {
            Check(H5Oclose(target), "H5Oclose", objectPath);
        }
    }

    private static long PointCount(long attribute, string label)
    {
        var space = Check(H5Aget_space(attribute), "H5Aget_space", label);
        try
        {
            return Check(H5Sget_simple_extent_npoints(space), "H5Sget_simple_extent_npoints", label);
        }
        finally
        {
            Check(H5Sclose(space), "H5Sclose", label);
        }
    }

    private void RequireSingleValue(long attribute, string label)
    {
        var count = PointCount(attribute, label);
        if (count != 1)
            throw new Hdf5Exception($"{label} in {Path} holds {count} values, expected one.", "H5Aread", label);
    }

    private static long NewLinkCreatePlist(string objectPath)
    {
        var plist = Check(H5Pcreate(LinkCreateClass), "H5Pcreate", objectPath);
        if (H5Pset_create_intermediate_group(plist, 1) < 0)
        {
            var failure = Failure("H5Pset_create_intermediate_group", objectPath);
            H5Pclose(plist);
            throw failure;
        }
        return plist;
    }

    /// <summary>
    /// Dataset access list whose chunk cache holds at least two chunks. HDF5's default 1 MiB
    /// cache bypasses larger chunks, and then every append would read, inflate, deflate and
    /// rewrite the whole partly filled chunk.
    /// </summary>
    private static long NewChunkCacheAccessPlist(ulong[] chunkDims, string datasetPath)
    {
        var chunkBytes = chunkDims.Aggregate((ulong)sizeof(double), (product, d) => product * d);
        var cacheBytes = Math.Max(DefaultChunkCacheBytes, 2 * chunkBytes);
        var plist = Check(H5Pcreate(DatasetAccessClass), "H5Pcreate", datasetPath);
        if (H5Pset_chunk_cache(plist, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, (nuint)cacheBytes, H5D_CHUNK_CACHE_W0_DEFAULT) < 0)
        {
            var failure = Failure("H5Pset_chunk_cache", datasetPath);
            H5Pclose(plist);
            throw failure;
        }
        return plist;
    }

    private static ulong[] ReadChunkDims(long dataset, int rank, string datasetPath)
    {
        var datasetCreate = Check(H5Dget_create_plist(dataset), "H5Dget_create_plist", datasetPath);
        try
        {
            var chunk = new ulong[rank];
            fixed (ulong* dims = chunk)
                Check(H5Pget_chunk(datasetCreate, rank, dims), "H5Pget_chunk", datasetPath);
            return chunk;
        }
        finally
        {
            Check(H5Pclose(datasetCreate), "H5Pclose", datasetPath);
        }
    }

    internal static long CreateSpace(ulong[] dims, ulong[]? maxDims, string objectPath)
    {
        fixed (ulong* current = dims)
        fixed (ulong* maximum = maxDims)
            return Check(H5Screate_simple(dims.Length, current, maximum), "H5Screate_simple", objectPath);
    }

    private static (ulong[] Dims, ulong[] MaxDims) ReadExtent(long dataset, string datasetPath)
    {
        var space = Check(H5Dget_space(dataset), "H5Dget_space", datasetPath);
        try
        {
            var rank = Check(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims", datasetPath);
            var dims = new ulong[rank];
            var maxDims = new ulong[rank];
            fixed (ulong* current = dims)
            fixed (ulong* maximum = maxDims)
                Check(H5Sget_simple_extent_dims(space, current, maximum), "H5Sget_simple_extent_dims", datasetPath);
            return (dims, maxDims);
        }
        finally
        {
            Check(H5Sclose(space), "H5Sclose", datasetPath);
        }
    }

    private static ulong[] ToShape(long[] dims, int length)
    {
        var shape = new ulong[dims.Length];
        long product = 1;
        for (var i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0)
                throw new ArgumentOutOfRangeException(nameof(dims), $"Dimension {i} is negative ({dims[i]}).");
            shape[i] = (ulong)dims[i];
            product = checked(product * dims[i]);
        }
        if (product != length)
            throw new ArgumentException($"Shape [{string.Join(", ", dims)}] holds {product} values but {length} were given.", nameof(dims));
        return shape;
    }

    private static string AttributeLabel(string objectPath, string name) => $"{objectPath} (attribute '{name}')";
}
