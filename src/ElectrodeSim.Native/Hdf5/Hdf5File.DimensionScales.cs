using System.Text;
using static ElectrodeSim.Native.Hdf5.H5Api;

namespace ElectrodeSim.Native.Hdf5;

/// <summary>One attachment of <see cref="Hdf5File.WriteDimensionScales"/>: the scale at <paramref name="Scale"/> labels dimension <paramref name="Dimension"/> (0-based) of <paramref name="Dataset"/>, with <paramref name="Label"/> (null: the scale path's last component).</summary>
public readonly record struct DimensionScaleAttachment(string Dataset, int Dimension, string Scale, string? Label = null);

/// <summary>
/// HDF5 dimension scales (the high-level H5DS API of libhdf5_hl): a 1-D dataset such as
/// <c>/time</c> is declared a scale and attached to one dimension of the datasets it labels, so
/// h5py (<c>dataset.dims[0][0]</c>), HDFView and netCDF readers know which coordinate each axis is.
/// </summary>
public sealed unsafe partial class Hdf5File
{
    /// <summary>Declares a dataset a dimension scale named <paramref name="dimensionName"/> (e.g. "time").</summary>
    public void SetDimensionScale(string scalePath, string dimensionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(dimensionName);
        using (Enter())
            WithDataset(scalePath, scale => Check(H5DSset_scale(scale, dimensionName), "H5DSset_scale", scalePath));
    }

    /// <summary>
    /// Attaches the dimension scale at <paramref name="scalePath"/> to dimension
    /// <paramref name="dimension"/> (0-based) of a dataset, and labels that dimension with the
    /// scale's name unless <paramref name="label"/> says otherwise. The scale must have been
    /// declared with <see cref="SetDimensionScale"/>; its length is not checked against the
    /// dimension (an extendable time series grows with its scale).
    /// </summary>
    public void AttachDimensionScale(string datasetPath, int dimension, string scalePath, string? label = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        using (Enter())
            WithDataset(datasetPath, dataset => WithDataset(scalePath, scale =>
            {
                var name = $"{datasetPath} (dimension {dimension} ← {scalePath})";
                Check(H5DSattach_scale(dataset, scale, (uint)dimension), "H5DSattach_scale", name);
                Check(H5DSset_label(dataset, (uint)dimension, label ?? System.IO.Path.GetFileName(scalePath)), "H5DSset_label", name);
                return 0;
            }));
    }

    /// <summary>
    /// Declares every dataset of <paramref name="scales"/> a dimension scale and makes every attachment at once: the file
    /// then holds exactly the attributes that <see cref="SetDimensionScale"/> and <see cref="AttachDimensionScale"/> called in
    /// this order would leave (the H5DS specification's <c>CLASS</c> and <c>NAME</c> and <c>REFERENCE_LIST</c> on each scale,
    /// <c>DIMENSION_LIST</c> and <c>DIMENSION_LABELS</c> on each dataset, of the types libhdf5_hl writes), so H5DS, h5py's
    /// <c>dims</c>, HDFView and netCDF read them alike. Each attribute is written once, where H5DS reads, checks and rewrites
    /// the scale's reference list at every attachment (six attachments to <c>/time</c> were half of a small result file's
    /// HDF5 time). For datasets that have no dimension-scale attributes yet (a file being built).
    /// </summary>
    /// <param name="scales">Path and name of each scale.</param>
    /// <param name="attachments">Which dimension of which dataset each scale labels; a label of null is the scale path's last component.</param>
    /// <exception cref="Hdf5Exception">A scale is not listed, a dataset is a scale or lacks the dimension, or an object already has dimension-scale attributes.</exception>
    public void WriteDimensionScales(IReadOnlyList<(string Path, string Name)> scales, IReadOnlyList<DimensionScaleAttachment> attachments)
    {
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(attachments);
        const string Call = "WriteDimensionScales";
        var scaleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < scales.Count; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(scales[i].Path);
            ArgumentException.ThrowIfNullOrEmpty(scales[i].Name);
            if (!scaleIndex.TryAdd(scales[i].Path, i))
                throw new Hdf5Exception($"{scales[i].Path} is listed twice as a dimension scale of {Path}.", Call, scales[i].Path);
        }
        foreach (var a in attachments)
        {
            ArgumentException.ThrowIfNullOrEmpty(a.Dataset);
            ArgumentOutOfRangeException.ThrowIfNegative(a.Dimension);
            if (!scaleIndex.ContainsKey(a.Scale))
                throw new Hdf5Exception($"{a.Dataset} (dimension {a.Dimension} ← {a.Scale}): {a.Scale} is not among the scales declared in the same call.", Call, a.Dataset);
            if (scaleIndex.ContainsKey(a.Dataset))
                throw new Hdf5Exception($"{a.Dataset} (dimension {a.Dimension} ← {a.Scale}): a dimension scale cannot have scales itself.", Call, a.Dataset);
        }
        using (Enter())
        {
            _ = FileId;   // a closed file fails here, before anything is written
            // The scales' references, and the datasets' in the order they are first attached.
            var scaleRefs = new ulong[scales.Count];
            for (int i = 0; i < scales.Count; i++)
                fixed (ulong* r = &scaleRefs[i]) CreateObjectReference(r, scales[i].Path);
            var datasets = new List<string>();
            var datasetRefs = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var a in attachments)
            {
                if (datasetRefs.ContainsKey(a.Dataset)) continue;
                ulong r;
                CreateObjectReference(&r, a.Dataset);
                datasetRefs[a.Dataset] = r;
                datasets.Add(a.Dataset);
            }

            var scalar = Check(H5Screate(H5S_SCALAR), "H5Screate", Call);
            var references = Check(H5Tvlen_create(ObjectReference), "H5Tvlen_create", Call);
            var labels = Check(H5Tcopy(CString), "H5Tcopy", Call);
            var referenceList = Check(H5Tcreate(H5T_COMPOUND, (nuint)sizeof(ReferenceListEntry)), "H5Tcreate", Call);
            try
            {
                Check(H5Tset_size(labels, H5T_VARIABLE), "H5Tset_size", Call);
                Check(H5Tinsert(referenceList, "dataset", 0, ObjectReference), "H5Tinsert", Call);
                Check(H5Tinsert(referenceList, "dimension", 8, NativeInt), "H5Tinsert", Call);

                for (int i = 0; i < scales.Count; i++)
                {
                    var (scalePath, name) = scales[i];
                    var scale = OpenDataset(scalePath);
                    try
                    {
                        RequireNoScaleAttributes(scale, scalePath, "CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST");
                        WriteFixedString(scale, "CLASS", "DIMENSION_SCALE", scalePath, scalar);
                        WriteFixedString(scale, "NAME", name, scalePath, scalar);
                        var entries = new List<ReferenceListEntry>();
                        foreach (var a in attachments)
                            if (a.Scale == scalePath) entries.Add(new ReferenceListEntry(datasetRefs[a.Dataset], a.Dimension));
                        if (entries.Count > 0)
                        {
                            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries);
                            fixed (ReferenceListEntry* buffer = span)
                                WriteArrayAttribute(scale, "REFERENCE_LIST", referenceList, buffer, entries.Count, scalePath);
                        }
                    }
                    finally
                    {
                        Check(H5Dclose(scale), "H5Dclose", scalePath);
                    }
                }

                foreach (var datasetPath in datasets)
                {
                    var dataset = OpenDataset(datasetPath);
                    try
                    {
                        RequireNoScaleAttributes(dataset, datasetPath, "DIMENSION_LIST", "DIMENSION_LABELS", "CLASS");
                        var space = Check(H5Dget_space(dataset), "H5Dget_space", datasetPath);
                        int rank;
                        try { rank = Math.Max(1, Check(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims", datasetPath)); }
                        finally { Check(H5Sclose(space), "H5Sclose", datasetPath); }
                        // Per dimension: the references of its scales, and its label (the last attachment's, as H5DSset_label would leave).
                        var perDimension = new List<ulong>[rank];
                        var labelText = new string?[rank];
                        foreach (var a in attachments)
                        {
                            if (a.Dataset != datasetPath) continue;
                            if (a.Dimension >= rank)
                                throw new Hdf5Exception($"{datasetPath} (dimension {a.Dimension} ← {a.Scale}): the dataset has {rank} dimension(s).", Call, datasetPath);
                            var refs = perDimension[a.Dimension] ??= [];
                            ulong scaleRef = scaleRefs[scaleIndex[a.Scale]];
                            if (!refs.Contains(scaleRef)) refs.Add(scaleRef);   // H5DSattach_scale ignores a repeated attachment
                            labelText[a.Dimension] = a.Label ?? System.IO.Path.GetFileName(a.Scale);
                        }
                        var flat = perDimension.SelectMany(r => r ?? []).ToArray();
                        var lists = new VariableLength[rank];
                        var labelPointers = new nint[rank];
                        var labelBytes = labelText.Select(t => t is null ? null : Encoding.ASCII.GetBytes(t + "\0")).ToArray();
                        var handles = new System.Runtime.InteropServices.GCHandle[rank];
                        try
                        {
                            fixed (ulong* all = flat)
                            fixed (VariableLength* listBuffer = lists)
                            fixed (nint* labelBuffer = labelPointers)
                            {
                                int offset = 0;
                                for (int d = 0; d < rank; d++)
                                {
                                    int n = perDimension[d]?.Count ?? 0;
                                    lists[d] = new VariableLength((nuint)n, n > 0 ? all + offset : null);
                                    offset += n;
                                    if (labelBytes[d] is { } bytes)
                                    {
                                        handles[d] = System.Runtime.InteropServices.GCHandle.Alloc(bytes, System.Runtime.InteropServices.GCHandleType.Pinned);
                                        labelPointers[d] = handles[d].AddrOfPinnedObject();
                                    }
                                }
                                WriteArrayAttribute(dataset, "DIMENSION_LIST", references, listBuffer, rank, datasetPath);
                                WriteArrayAttribute(dataset, "DIMENSION_LABELS", labels, labelBuffer, rank, datasetPath);
                            }
                        }
                        finally
                        {
                            foreach (var h in handles) if (h.IsAllocated) h.Free();
                        }
                    }
                    finally
                    {
                        Check(H5Dclose(dataset), "H5Dclose", datasetPath);
                    }
                }
            }
            finally
            {
                Check(H5Tclose(referenceList), "H5Tclose", Call);
                Check(H5Tclose(labels), "H5Tclose", Call);
                Check(H5Tclose(references), "H5Tclose", Call);
                Check(H5Sclose(scalar), "H5Sclose", Call);
            }
        }
    }

    /// <summary>An element of a scale's <c>REFERENCE_LIST</c> (H5DS's <c>ds_list_t</c>): the dataset and the dimension the scale labels.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = 16)]
    private readonly struct ReferenceListEntry(ulong dataset, int dimension)
    {
        public readonly ulong Dataset = dataset;
        public readonly int Dimension = dimension;
    }

    /// <summary>HDF5's <c>hvl_t</c>: one variable-length element.</summary>
    private readonly struct VariableLength(nuint length, void* pointer)
    {
        public readonly nuint Length = length;
        public readonly void* Pointer = pointer;
    }

    /// <summary>Opens the dataset at the path (one kept open is borrowed); the caller closes it with H5Dclose.</summary>
    private long OpenDataset(string path)
    {
        var file = FileId;
        var kept = Borrow(path);
        return kept >= 0 ? kept : Check(H5Dopen2(file, path, H5P_DEFAULT), "H5Dopen2", path);
    }

    /// <summary>An object reference to the object at the path; made through the open dataset when one is kept open there (no look-up of the path).</summary>
    private void CreateObjectReference(ulong* reference, string path)
    {
        var kept = Borrow(path);
        if (kept < 0)
        {
            Check(H5Rcreate(reference, FileId, path, H5R_OBJECT, -1), "H5Rcreate", path);
            return;
        }
        try { Check(H5Rcreate(reference, kept, ".", H5R_OBJECT, -1), "H5Rcreate", path); }
        finally { Check(H5Oclose(kept), "H5Oclose", path); }
    }

    private static void RequireNoScaleAttributes(long target, string path, params string[] names)
    {
        foreach (var name in names)
            if (Check(H5Aexists(target, name), "H5Aexists", AttributeLabel(path, name)) > 0)
                throw new Hdf5Exception($"{path} already has the dimension-scale attribute {name}; WriteDimensionScales is for objects that have none.", "WriteDimensionScales", path);
    }

    /// <summary>A scalar fixed-length, null-terminated ASCII string attribute, as libhdf5_hl's H5LT_set_attribute_string writes it.</summary>
    private static void WriteFixedString(long target, string name, string value, string path, long scalar)
    {
        var bytes = Encoding.ASCII.GetBytes(value + "\0");
        var label = AttributeLabel(path, name);
        var type = Check(H5Tcopy(CString), "H5Tcopy", label);
        try
        {
            Check(H5Tset_size(type, (nuint)bytes.Length), "H5Tset_size", label);
            fixed (byte* text = bytes)
            {
                var attribute = Check(H5Acreate2(target, name, type, scalar, H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2", label);
                try { Check(H5Awrite(attribute, type, text), "H5Awrite", label); }
                finally { Check(H5Aclose(attribute), "H5Aclose", label); }
            }
        }
        finally
        {
            Check(H5Tclose(type), "H5Tclose", label);
        }
    }

    private static void WriteArrayAttribute(long target, string name, long type, void* buffer, int count, string path)
    {
        var label = AttributeLabel(path, name);
        var space = CreateSpace([(ulong)count], null, label);
        try
        {
            var attribute = Check(H5Acreate2(target, name, type, space, H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2", label);
            try { Check(H5Awrite(attribute, type, buffer), "H5Awrite", label); }
            finally { Check(H5Aclose(attribute), "H5Aclose", label); }
        }
        finally
        {
            Check(H5Sclose(space), "H5Sclose", label);
        }
    }

    /// <summary>True if the dataset at <paramref name="path"/> is a dimension scale.</summary>
    public bool IsDimensionScale(string path)
    {
        using (Enter())
            return WithDataset(path, dataset => Check(H5DSis_scale(dataset), "H5DSis_scale", path)) > 0;
    }

    /// <summary>True if the scale at <paramref name="scalePath"/> is attached to dimension <paramref name="dimension"/> of the dataset.</summary>
    public bool IsDimensionScaleAttached(string datasetPath, int dimension, string scalePath)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        using (Enter())
            return WithDataset(datasetPath, dataset => WithDataset(scalePath, scale =>
                Check(H5DSis_attached(dataset, scale, (uint)dimension), "H5DSis_attached", datasetPath))) > 0;
    }

    /// <summary>Number of scales attached to dimension <paramref name="dimension"/> of a dataset.</summary>
    public int DimensionScaleCount(string datasetPath, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        using (Enter())
            return WithDataset(datasetPath, dataset => Check(H5DSget_num_scales(dataset, (uint)dimension), "H5DSget_num_scales", datasetPath));
    }

    /// <summary>The label of dimension <paramref name="dimension"/> of a dataset; empty when it has none.</summary>
    public string DimensionLabel(string datasetPath, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        using (Enter())
            return WithDataset(datasetPath, dataset =>
            {
                var length = (long)H5DSget_label(dataset, (uint)dimension, null, 0);
                Check(length, "H5DSget_label", datasetPath);
                if (length == 0) return "";
                var label = new byte[length + 1];
                fixed (byte* buffer = label)
                    Check((long)H5DSget_label(dataset, (uint)dimension, buffer, (nuint)label.Length), "H5DSget_label", datasetPath);
                return Encoding.UTF8.GetString(label, 0, (int)length);
            });
    }

    /// <remarks>Called with the HDF5 lock held.</remarks>
    private T WithDataset<T>(string datasetPath, Func<long, T> use)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetPath);
        var dataset = OpenDataset(datasetPath);
        try
        {
            return use(dataset);
        }
        finally
        {
            Check(H5Dclose(dataset), "H5Dclose", datasetPath);
        }
    }
}
