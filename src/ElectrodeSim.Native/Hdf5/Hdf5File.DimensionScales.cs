using System.Text;
using static ElectrodeSim.Native.Hdf5.H5Api;

namespace ElectrodeSim.Native.Hdf5;

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
        var dataset = Check(H5Dopen2(FileId, datasetPath, H5P_DEFAULT), "H5Dopen2", datasetPath);
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
