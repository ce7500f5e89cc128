using System.Text;
using static ElectrodeSim.Native.Hdf5.H5Api;

namespace ElectrodeSim.Native.Hdf5;

/// <summary>One scalar attribute of a <see cref="Hdf5File.SetAttributes"/> batch: a UTF-8 string, a double or a 64-bit integer.</summary>
public readonly struct Hdf5Attribute
{
    private Hdf5Attribute(string name, string? text, double number, long integer, byte kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Text = text;
        Number = number;
        Integer = integer;
        Kind = kind;
    }

    public string Name { get; }
    internal string? Text { get; }
    internal double Number { get; }
    internal long Integer { get; }
    internal byte Kind { get; }

    internal const byte String = 0, Double = 1, Long = 2;

    /// <summary>A variable-length UTF-8 string attribute (h5py reads it as <c>str</c>), as <see cref="Hdf5File.SetAttribute(string, string, string)"/>.</summary>
    public static Hdf5Attribute Of(string name, string value) => new(name, value ?? throw new ArgumentNullException(nameof(value)), 0, 0, String);

    /// <summary>A scalar double attribute.</summary>
    public static Hdf5Attribute Of(string name, double value) => new(name, null, value, 0, Double);

    /// <summary>A scalar 64-bit integer attribute.</summary>
    public static Hdf5Attribute Of(string name, long value) => new(name, null, 0, value, Long);
}

public sealed unsafe partial class Hdf5File
{
    /// <summary>
    /// Sets several scalar attributes of one group or dataset, each replacing any attribute of its name, exactly as that
    /// many <see cref="SetAttribute(string, string, string)"/> calls would, but with the object opened once and one
    /// string type and scalar dataspace shared by all of them: opening the object by its path is about a third of the cost
    /// of a small attribute, and a result file has about a hundred of them.
    /// </summary>
    public void SetAttributes(string objectPath, ReadOnlySpan<Hdf5Attribute> attributes)
    {
        if (attributes.IsEmpty) return;
        using (Enter())
        {
            var target = OpenObject(objectPath);
            try
            {
                // An object without attributes (one just created) needs no look-up before each create, except for a name
                // given twice in the batch: looking an attribute up reads every attribute message of the object header.
                bool fresh = Check(H5Aget_num_attrs(target), "H5Aget_num_attrs", objectPath) == 0;
                int index = 0;
                var space = Check(H5Screate(H5S_SCALAR), "H5Screate", objectPath);
                try
                {
                    var text = Check(H5Tcopy(CString), "H5Tcopy", objectPath);
                    try
                    {
                        Check(H5Tset_size(text, H5T_VARIABLE), "H5Tset_size", objectPath);
                        Check(H5Tset_cset(text, H5T_CSET_UTF8), "H5Tset_cset", objectPath);
                        foreach (var a in attributes)
                        {
                            var label = AttributeLabel(objectPath, a.Name);
                            bool mayExist = !fresh || NameIsEarlierInBatch(attributes, index);
                            index++;
                            switch (a.Kind)
                            {
                                case Hdf5Attribute.String:
                                    var bytes = Encoding.UTF8.GetBytes(a.Text + "\0");
                                    fixed (byte* chars = bytes)
                                    {
                                        // A variable-length string is written as an array of char pointers.
                                        var pointer = chars;
                                        WriteAttributeOn(target, a.Name, label, space, text, &pointer, mayExist);
                                    }
                                    break;
                                case Hdf5Attribute.Double:
                                    double number = a.Number;
                                    WriteAttributeOn(target, a.Name, label, space, NativeDouble, &number, mayExist);
                                    break;
                                default:
                                    long integer = a.Integer;
                                    WriteAttributeOn(target, a.Name, label, space, NativeLongLong, &integer, mayExist);
                                    break;
                            }
                        }
                    }
                    finally
                    {
                        Check(H5Tclose(text), "H5Tclose", objectPath);
                    }
                }
                finally
                {
                    Check(H5Sclose(space), "H5Sclose", objectPath);
                }
            }
            finally
            {
                Check(H5Oclose(target), "H5Oclose", objectPath);
            }
        }
    }

    private static bool NameIsEarlierInBatch(ReadOnlySpan<Hdf5Attribute> attributes, int index)
    {
        for (int i = 0; i < index; i++)
            if (attributes[i].Name == attributes[index].Name) return true;
        return false;
    }

    /// <summary>Creates (replacing) and writes one attribute of an open object with a given dataspace; the HDF5 lock is held.</summary>
    private static void WriteAttributeOn(long target, string name, string label, long space, long type, void* buffer, bool mayExist)
    {
        // Deleting first lets the type change on overwrite.
        if (mayExist && Check(H5Aexists(target, name), "H5Aexists", label) > 0)
            Check(H5Adelete(target, name), "H5Adelete", label);
        var attribute = Check(H5Acreate2(target, name, type, space, H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2", label);
        try
        {
            Check(H5Awrite(attribute, type, buffer), "H5Awrite", label);
        }
        finally
        {
            Check(H5Aclose(attribute), "H5Aclose", label);
        }
    }
}
