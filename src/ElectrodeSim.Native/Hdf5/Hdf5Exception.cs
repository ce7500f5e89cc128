namespace ElectrodeSim.Native.Hdf5;

/// <summary>An HDF5 library call failed.</summary>
public sealed class Hdf5Exception : Exception
{
    /// <summary>Creates an exception for a failed HDF5 call.</summary>
    /// <param name="message">Description including the HDF5 error stack.</param>
    /// <param name="functionName">The HDF5 C function that failed, e.g. "H5Dopen2".</param>
    /// <param name="objectPath">The file or object path the call was made for.</param>
    public Hdf5Exception(string message, string functionName, string objectPath)
        : base(message)
    {
        FunctionName = functionName;
        ObjectPath = objectPath;
    }

    /// <summary>The HDF5 C function that failed.</summary>
    public string FunctionName { get; }

    /// <summary>The file or object path the failing call referred to.</summary>
    public string ObjectPath { get; }
}
