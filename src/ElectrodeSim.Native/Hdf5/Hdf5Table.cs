using System.Runtime.InteropServices;
using System.Text;
using static ElectrodeSim.Native.Hdf5.H5Api;

namespace ElectrodeSim.Native.Hdf5;

/// <summary>The element type of one <see cref="TableColumn"/>.</summary>
public enum TableColumnKind
{
    /// <summary>32-bit signed integer.</summary>
    Int32,
    /// <summary>64-bit float.</summary>
    Double,
    /// <summary>Variable-length UTF-8 string.</summary>
    String,
}

/// <summary>One named column of a compound (table) dataset: all of its values, one per row.</summary>
public sealed class TableColumn
{
    private TableColumn(string name, TableColumnKind kind, Array values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Kind = kind;
        Values = values;
    }

    /// <summary>Member name in the compound type.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public TableColumnKind Kind { get; }

    /// <summary>Number of rows.</summary>
    public int Length => Values.Length;

    internal Array Values { get; }

    /// <summary>An int32 column.</summary>
    public static TableColumn Of(string name, int[] values) => new(name, TableColumnKind.Int32, values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>A float64 column.</summary>
    public static TableColumn Of(string name, double[] values) => new(name, TableColumnKind.Double, values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>A variable-length UTF-8 string column; null values are written as empty strings.</summary>
    public static TableColumn Of(string name, string[] values) => new(name, TableColumnKind.String, values ?? throw new ArgumentNullException(nameof(values)));

    internal int Size => Kind switch { TableColumnKind.Int32 => sizeof(int), TableColumnKind.Double => sizeof(double), _ => IntPtr.Size };
}

/// <summary>
/// A compound dataset read back column by column: numeric members (any integer or float type)
/// as doubles, string members (variable- or fixed-length) as strings. Members of other classes
/// are left out.
/// </summary>
public sealed class Hdf5Table
{
    private readonly Dictionary<string, double[]> numbers;
    private readonly Dictionary<string, string[]> strings;

    internal Hdf5Table(int rowCount, IReadOnlyList<string> columnNames, Dictionary<string, double[]> numbers, Dictionary<string, string[]> strings)
    {
        RowCount = rowCount;
        ColumnNames = columnNames;
        this.numbers = numbers;
        this.strings = strings;
    }

    /// <summary>Number of rows (the dataset's extent).</summary>
    public int RowCount { get; }

    /// <summary>Names of the columns read, in member order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>True if a numeric column of this name was read.</summary>
    public bool HasNumbers(string name) => numbers.ContainsKey(name);

    /// <summary>True if a string column of this name was read.</summary>
    public bool HasStrings(string name) => strings.ContainsKey(name);

    /// <summary>A numeric column as doubles.</summary>
    public double[] Numbers(string name) =>
        numbers.TryGetValue(name, out var values) ? values : throw new KeyNotFoundException($"The table has no numeric column '{name}'.");

    /// <summary>A string column.</summary>
    public string[] Strings(string name) =>
        strings.TryGetValue(name, out var values) ? values : throw new KeyNotFoundException($"The table has no string column '{name}'.");
}

public sealed unsafe partial class Hdf5File
{
    /// <summary>
    /// Writes a one-dimensional compound dataset with one member per column, creating
    /// intermediate groups and replacing any existing dataset at the path. h5py reads it as a
    /// structured array.
    /// </summary>
    /// <param name="datasetPath">Link path of the dataset.</param>
    /// <param name="columns">At least one column; all of the same length, with distinct names.</param>
    public void WriteTable(string datasetPath, IReadOnlyList<TableColumn> columns)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetPath);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
            throw new ArgumentException($"A table for {datasetPath} needs at least one column.", nameof(columns));
        int rows = columns[0].Length;
        if (columns.Any(c => c.Length != rows))
            throw new ArgumentException($"The columns of {datasetPath} have different lengths ({string.Join(", ", columns.Select(c => $"{c.Name}: {c.Length}"))}).", nameof(columns));
        if (columns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != columns.Count)
            throw new ArgumentException($"The columns of {datasetPath} have repeated names.", nameof(columns));

        // Each member at its natural alignment, the row padded to the widest one, as a C struct.
        var offsets = new int[columns.Count];
        int rowSize = 0, widest = 1;
        for (int i = 0; i < columns.Count; i++)
        {
            int size = columns[i].Size;
            rowSize = (rowSize + size - 1) / size * size;
            offsets[i] = rowSize;
            rowSize += size;
            widest = Math.Max(widest, size);
        }
        rowSize = (rowSize + widest - 1) / widest * widest;

        var buffer = new byte[Math.Max(1, rowSize * rows)];
        var allocated = new List<IntPtr>();
        try
        {
            for (int i = 0; i < columns.Count; i++)
            {
                for (int r = 0; r < rows; r++)
                {
                    var at = buffer.AsSpan(r * rowSize + offsets[i]);
                    switch (columns[i].Values)
                    {
                        case int[] ints: MemoryMarshal.Write(at, in ints[r]); break;
                        case double[] doubles: MemoryMarshal.Write(at, in doubles[r]); break;
                        case string[] texts:
                            var text = Marshal.StringToCoTaskMemUTF8(texts[r] ?? "");
                            allocated.Add(text);
                            MemoryMarshal.Write(at, in text);
                            break;
                    }
                }
            }
            using (Enter())
            {
                var type = Check(H5Tcreate(H5T_COMPOUND, (nuint)rowSize), "H5Tcreate", datasetPath);
                try
                {
                    var stringType = NewVariableStringType(H5T_CSET_UTF8, datasetPath);
                    try
                    {
                        for (int i = 0; i < columns.Count; i++)
                        {
                            var member = columns[i].Kind switch
                            {
                                TableColumnKind.Int32 => NativeInt,
                                TableColumnKind.Double => NativeDouble,
                                _ => stringType,
                            };
                            Check(H5Tinsert(type, columns[i].Name, (nuint)offsets[i], member), "H5Tinsert", $"{datasetPath} (member '{columns[i].Name}')");
                        }
                    }
                    finally
                    {
                        Check(H5Tclose(stringType), "H5Tclose", datasetPath);
                    }
                    // Conversion buffers of the table's size (a file row with its variable-length strings is larger than a memory row; at least a page), not HDF5's 1 MiB default: see WriteArrayCore.
                    fixed (byte* data = buffer)
                        WriteArrayCore(datasetPath, data, rows, [rows], type, Math.Max(4096L, 4L * rowSize * rows));
                }
                finally
                {
                    Check(H5Tclose(type), "H5Tclose", datasetPath);
                }
            }
        }
        finally
        {
            foreach (var text in allocated)
                Marshal.FreeCoTaskMem(text);
        }
    }

    /// <summary>Reads a one-dimensional compound dataset column by column.</summary>
    /// <exception cref="Hdf5Exception">The dataset is missing, not compound or not one-dimensional.</exception>
    public Hdf5Table ReadTable(string datasetPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetPath);
        using (Enter())
        {
            var dataset = Check(H5Dopen2(FileId, datasetPath, H5P_DEFAULT), "H5Dopen2", datasetPath);
            try
            {
                var (dims, _) = ReadExtent(dataset, datasetPath);
                if (dims.Length != 1)
                    throw new Hdf5Exception($"Dataset {datasetPath} in {Path} has {dims.Length} dimensions; a table has one.", "H5Sget_simple_extent_ndims", datasetPath);
                if (dims[0] > int.MaxValue)
                    throw new Hdf5Exception($"Dataset {datasetPath} in {Path} has {dims[0]} rows, too many to read.", "H5Dread", datasetPath);
                int rows = (int)dims[0];
                var fileType = Check(H5Dget_type(dataset), "H5Dget_type", datasetPath);
                try
                {
                    if (Check(H5Tget_class(fileType), "H5Tget_class", datasetPath) != H5T_COMPOUND)
                        throw new Hdf5Exception($"Dataset {datasetPath} in {Path} is not a compound dataset.", "H5Tget_class", datasetPath);
                    int members = Check(H5Tget_nmembers(fileType), "H5Tget_nmembers", datasetPath);
                    var names = new List<string>();
                    var numbers = new Dictionary<string, double[]>(StringComparer.Ordinal);
                    var strings = new Dictionary<string, string[]>(StringComparer.Ordinal);
                    for (uint m = 0; m < members; m++)
                    {
                        var name = MemberName(fileType, m, datasetPath);
                        var label = $"{datasetPath} (member '{name}')";
                        var memberClass = Check(H5Tget_member_class(fileType, m), "H5Tget_member_class", label);
                        if (memberClass is H5T_INTEGER or H5T_FLOAT)
                            numbers[name] = ReadNumericMember(dataset, name, rows, label);
                        else if (memberClass == H5T_STRING)
                            strings[name] = ReadStringMember(dataset, fileType, m, name, rows, label);
                        else
                            continue;
                        names.Add(name);
                    }
                    return new Hdf5Table(rows, names, numbers, strings);
                }
                finally
                {
                    Check(H5Tclose(fileType), "H5Tclose", datasetPath);
                }
            }
            finally
            {
                Check(H5Dclose(dataset), "H5Dclose", datasetPath);
            }
        }
    }

    private static long NewVariableStringType(int charset, string label)
    {
        var type = Check(H5Tcopy(CString), "H5Tcopy", label);
        try
        {
            Check(H5Tset_size(type, H5T_VARIABLE), "H5Tset_size", label);
            Check(H5Tset_cset(type, charset), "H5Tset_cset", label);
            return type;
        }
        catch
        {
            H5Tclose(type);
            throw;
        }
    }

    private static string MemberName(long compound, uint index, string datasetPath)
    {
        var name = H5Tget_member_name(compound, index);
        if (name == null)
            throw Failure("H5Tget_member_name", datasetPath);
        try
        {
            return Marshal.PtrToStringUTF8((IntPtr)name)!;
        }
        finally
        {
            Check(H5free_memory(name), "H5free_memory", datasetPath);
        }
    }

    /// <summary>A compound memory type holding one member, so that HDF5 reads just that member by name.</summary>
    private static long SingleMemberType(string name, long memberType, nuint size, string label)
    {
        var type = Check(H5Tcreate(H5T_COMPOUND, size), "H5Tcreate", label);
        if (H5Tinsert(type, name, 0, memberType) < 0)
        {
            var failure = Failure("H5Tinsert", label);
            H5Tclose(type);
            throw failure;
        }
        return type;
    }

    private static double[] ReadNumericMember(long dataset, string name, int rows, string label)
    {
        var values = new double[rows];
        if (rows == 0)
            return values;
        var type = SingleMemberType(name, NativeDouble, sizeof(double), label);
        try
        {
            fixed (double* buffer = values)
                Check(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), "H5Dread", label);
            return values;
        }
        finally
        {
            Check(H5Tclose(type), "H5Tclose", label);
        }
    }

    private static string[] ReadStringMember(long dataset, long fileType, uint index, string name, int rows, string label)
    {
        var values = new string[rows];
        if (rows == 0)
            return values;
        var member = Check(H5Tget_member_type(fileType, index), "H5Tget_member_type", label);
        try
        {
            // HDF5 converts neither between fixed- and variable-length strings nor between
            // character sets, so the memory type keeps both as stored.
            if (Check(H5Tis_variable_str(member), "H5Tis_variable_str", label) > 0)
            {
                var stringType = NewVariableStringType(Check(H5Tget_cset(member), "H5Tget_cset", label), label);
                try
                {
                    var type = SingleMemberType(name, stringType, (nuint)IntPtr.Size, label);
                    try
                    {
                        var pointers = new IntPtr[rows];
                        var space = Check(H5Dget_space(dataset), "H5Dget_space", label);
                        try
                        {
                            fixed (IntPtr* buffer = pointers)
                            {
                                Check(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), "H5Dread", label);
                                try
                                {
                                    for (int r = 0; r < rows; r++)
                                        values[r] = pointers[r] == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(pointers[r])!;
                                }
                                finally
                                {
                                    Check(H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer), "H5Dvlen_reclaim", label);
                                }
                            }
                        }
                        finally
                        {
                            Check(H5Sclose(space), "H5Sclose", label);
                        }
                    }
                    finally
                    {
                        Check(H5Tclose(type), "H5Tclose", label);
                    }
                }
                finally
                {
                    Check(H5Tclose(stringType), "H5Tclose", label);
                }
            }
            else
            {
                var size = (int)H5Tget_size(member);
                if (size == 0)
                    throw Failure("H5Tget_size", label);
                var padding = Check(H5Tget_strpad(member), "H5Tget_strpad", label);
                var type = SingleMemberType(name, member, (nuint)size, label);
                try
                {
                    var bytes = new byte[checked(size * rows)];
                    fixed (byte* buffer = bytes)
                        Check(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), "H5Dread", label);
                    for (int r = 0; r < rows; r++)
                    {
                        var text = bytes.AsSpan(r * size, size);
                        var terminator = text.IndexOf((byte)0);
                        if (terminator >= 0)
                            text = text[..terminator];
                        var value = Encoding.UTF8.GetString(text);
                        values[r] = padding == H5T_STR_SPACEPAD ? value.TrimEnd(' ') : value;
                    }
                }
                finally
                {
                    Check(H5Tclose(type), "H5Tclose", label);
                }
            }
            return values;
        }
        finally
        {
            Check(H5Tclose(member), "H5Tclose", label);
        }
    }
}
