using static ElectrodeSim.Native.Hdf5.H5Api;

namespace ElectrodeSim.Native.Hdf5;

/// <summary>
/// A double dataset of shape (Count, SliceDims...) that grows by one slice per
/// <see cref="Append"/>, e.g. one field snapshot per output time step. Keeps the dataset
/// open so appending costs one extent change and one hyperslab write.
/// </summary>
public sealed unsafe class ExtendableDataset : IDisposable
{
    private readonly Hdf5File file;
    private readonly string path;
    private readonly long[] sliceDims;
    private readonly int sliceLength;
    private readonly ulong[] extent;
    private readonly ulong[] start;
    private readonly ulong[] count;
    private long datasetId;
    private long memorySpaceId;

    /// <remarks>Called with the HDF5 lock held; takes ownership of <paramref name="datasetId"/> on success only.</remarks>
    internal ExtendableDataset(Hdf5File file, long datasetId, string path, long[] sliceDims, long slicesWritten)
    {
        var length = sliceDims.Aggregate(1L, (product, d) => checked(product * d));
        if (length < 1 || length > Array.MaxLength)
            throw new ArgumentException($"A slice of {path} would hold {length} values; it must hold between 1 and {Array.MaxLength}.", nameof(sliceDims));

        this.file = file;
        this.path = path;
        this.sliceDims = (long[])sliceDims.Clone();
        sliceLength = (int)length;
        Count = slicesWritten;

        var rank = sliceDims.Length + 1;
        extent = new ulong[rank];
        start = new ulong[rank];
        count = new ulong[rank];
        count[0] = 1;
        for (var i = 0; i < sliceDims.Length; i++)
            extent[i + 1] = count[i + 1] = (ulong)sliceDims[i];

        // The memory space has the file selection's shape (1 × slice), not a flat list of values: with equal shapes HDF5
        // maps a chunked write chunk by chunk; with a rank-1 memory space it walks the selection element by element
        // (H5S_select_iterate, ~80 % of H5Dwrite's instructions for the Marquis2019 1C fields, callgrind).
        memorySpaceId = Hdf5File.CreateSpace(count, null, path);
        this.datasetId = datasetId;
    }

    /// <summary>The dataset's link path, as given when it was created or opened.</summary>
    internal string LinkPath => path;

    /// <summary>The open dataset's HDF5 id (negative once closed); the HDF5 lock must be held while it is used.</summary>
    internal long Id => datasetId;

    /// <summary>Number of slices written so far (the current first extent).</summary>
    public long Count { get; private set; }

    /// <summary>Shape of one slice.</summary>
    public long[] SliceDims => (long[])sliceDims.Clone();

    /// <summary>
    /// Appends one slice, extending the first dimension by one.
    /// </summary>
    /// <param name="slice">Values of the slice in row-major order; length must equal the product of <see cref="SliceDims"/>.</param>
    public void Append(ReadOnlySpan<double> slice)
    {
        fixed (double* values = slice)
            AppendCore(values, slice.Length, NativeDouble);
    }

    /// <summary>
    /// Appends one slice of integers, extending the first dimension by one; HDF5 converts them
    /// to the dataset's element type.
    /// </summary>
    /// <param name="slice">Values of the slice in row-major order; length must equal the product of <see cref="SliceDims"/>.</param>
    public void Append(ReadOnlySpan<int> slice)
    {
        fixed (int* values = slice)
            AppendCore(values, slice.Length, NativeInt);
    }

    /// <summary>
    /// Appends <c>slices.Length / SliceLength</c> slices at once (one extent change and one write), as that many
    /// <see cref="Append(ReadOnlySpan{double})"/> calls would; nothing is written for an empty span.
    /// </summary>
    /// <param name="slices">Whole slices one after another, in row-major order.</param>
    public void AppendMany(ReadOnlySpan<double> slices)
    {
        fixed (double* values = slices)
            AppendManyCore(values, slices.Length, NativeDouble);
    }

    /// <inheritdoc cref="AppendMany(ReadOnlySpan{double})"/>
    public void AppendMany(ReadOnlySpan<int> slices)
    {
        fixed (int* values = slices)
            AppendManyCore(values, slices.Length, NativeInt);
    }

    /// <summary>Values in one slice (the product of <see cref="SliceDims"/>).</summary>
    public int SliceLength => sliceLength;

    private void AppendManyCore(void* values, int length, long memoryType)
    {
        if (length % sliceLength != 0)
            throw new ArgumentException($"Slices for {path} hold {length} values, not a multiple of the slice length {sliceLength}.", "slices");
        int slices = length / sliceLength;
        if (slices == 0) return;
        using (Enter())
        {
            ObjectDisposedException.ThrowIf(datasetId < 0, this);
            var newExtent = (ulong[])extent.Clone();
            var offset = new ulong[extent.Length];
            var block = (ulong[])count.Clone();
            newExtent[0] = (ulong)(Count + slices);
            offset[0] = (ulong)Count;
            block[0] = (ulong)slices;
            fixed (ulong* e = newExtent, o = offset, b = block)
            {
                Check(H5Dset_extent(datasetId, e), "H5Dset_extent", path);
                var memorySpace = Hdf5File.CreateSpace(block, null, path); // the selection's shape, as in the constructor
                try
                {
                    var fileSpace = Check(H5Dget_space(datasetId), "H5Dget_space", path);
                    try
                    {
                        Check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, o, null, b, null), "H5Sselect_hyperslab", path);
                        Check(H5Dwrite(datasetId, memoryType, memorySpace, fileSpace, H5P_DEFAULT, values), "H5Dwrite", path);
                    }
                    finally
                    {
                        Check(H5Sclose(fileSpace), "H5Sclose", path);
                    }
                }
                finally
                {
                    Check(H5Sclose(memorySpace), "H5Sclose", path);
                }
            }
            Count += slices;
        }
    }

    private void AppendCore(void* values, int length, long memoryType)
    {
        if (length != sliceLength)
            throw new ArgumentException($"Slice for {path} has {length} values, expected {sliceLength}.", "slice");
        using (Enter())
        {
            ObjectDisposedException.ThrowIf(datasetId < 0, this);
            // If the write below fails, the extent has already grown; Count is not advanced, so
            // the next append overwrites the fill-valued slice rather than leaving a gap.
            extent[0] = (ulong)Count + 1;
            start[0] = (ulong)Count;
            fixed (ulong* newExtent = extent, offset = start, block = count)
            {
                Check(H5Dset_extent(datasetId, newExtent), "H5Dset_extent", path);
                var fileSpace = Check(H5Dget_space(datasetId), "H5Dget_space", path);
                try
                {
                    Check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, offset, null, block, null), "H5Sselect_hyperslab", path);
                    Check(H5Dwrite(datasetId, memoryType, memorySpaceId, fileSpace, H5P_DEFAULT, values), "H5Dwrite", path);
                }
                finally
                {
                    Check(H5Sclose(fileSpace), "H5Sclose", path);
                }
            }
            Count++;
        }
    }

    /// <summary>Closes the dataset; the file stays open.</summary>
    public void Dispose()
    {
        using (Enter())
        {
            if (datasetId < 0)
                return;
            var dataset = datasetId;
            var memorySpace = memorySpaceId;
            datasetId = memorySpaceId = -1;
            file.Untrack(this);
            try
            {
                Check(H5Sclose(memorySpace), "H5Sclose", path);
            }
            finally
            {
                Check(H5Dclose(dataset), "H5Dclose", path);
            }
        }
    }
}
