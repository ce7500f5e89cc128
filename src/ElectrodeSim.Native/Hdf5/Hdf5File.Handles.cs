using static ElectrodeSim.Native.Hdf5.H5Api;

namespace ElectrodeSim.Native.Hdf5;

/// <summary>
/// What a file this object created knows without asking HDF5: the links it has made, and the datasets it keeps open.
/// A small result file is a few dozen objects written once each; finding each of them again by its path — a probe of
/// every path component and an open of every intermediate group before each write (<see cref="ExistsCore"/>), and an
/// open by path before each batch of attributes and each dimension-scale attribute or reference — cost a third of its
/// HDF5 calls (callgrind of a 50-case sweep, 2026-12-03: H5Oopen, H5Dopen2, H5Lexists, H5Oexists_by_name and their closes).
/// </summary>
public sealed unsafe partial class Hdf5File
{
    // For a file this object created: every link it has made, path → whether it is a group ("/" included). A new file holds
    // nothing else, so whether a path exists is answered here. Null for a file opened from disk, and dropped (set to null,
    // HDF5 is asked again) after a create that failed, which may or may not have left its intermediate groups behind.
    private Dictionary<string, bool>? links;

    // For a file this object created: the datasets written whole (WriteArray, WriteTable), kept open until the file is
    // closed, and the extendable datasets open on it, by normalised link path. Their attributes, dimension-scale attributes
    // and references are made through the open dataset (Borrow) instead of opening it by its path again. Null for an opened file.
    private Dictionary<string, long>? keptOpen;
    private Dictionary<string, ExtendableDataset>? extendableAt;

    private void TrackLinks()
    {
        links = new Dictionary<string, bool>(StringComparer.Ordinal) { ["/"] = true };
        keptOpen = new Dictionary<string, long>(StringComparer.Ordinal);
        extendableAt = new Dictionary<string, ExtendableDataset>(StringComparer.Ordinal);
    }

    /// <summary>
    /// The link path as HDF5 resolves it from the root: <c>/a/b</c> for <c>a/b</c>, <c>/a//b/</c> or <c>/a/b</c>; null for a
    /// path with a <c>.</c> or <c>..</c> component, which is left to HDF5.
    /// </summary>
    internal static string? LinkKey(string objectPath)
    {
        bool plain = objectPath.Length > 1 && objectPath[0] == '/' && objectPath[^1] != '/' && !objectPath.Contains("//", StringComparison.Ordinal);
        if (plain && !objectPath.Contains("/.", StringComparison.Ordinal)) return objectPath;
        var parts = objectPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is "." or "..")) return null;
        return parts.Length == 0 ? "/" : "/" + string.Join('/', parts);
    }

    /// <summary>Whether a link exists at the path, from <see cref="links"/>; null when HDF5 must be asked.</summary>
    private bool? KnownExists(string objectPath) => links is not null && LinkKey(objectPath) is { } key ? links.ContainsKey(key) : null;

    /// <summary>Whether the existing object at the path is a group, from <see cref="links"/>; null when HDF5 must be asked.</summary>
    private bool? KnownIsGroup(string objectPath) => links is not null && LinkKey(objectPath) is { } key && links.TryGetValue(key, out bool group) ? group : null;

    /// <summary>Records a link just made at the path, and the groups above it that the link-creation list made.</summary>
    private void RecordLink(string objectPath, bool group)
    {
        if (links is null) return;
        if (LinkKey(objectPath) is not { } key)
        {
            links = null;
            return;
        }
        for (int slash = key.IndexOf('/', 1); slash > 0; slash = key.IndexOf('/', slash + 1)) links.TryAdd(key[..slash], true);
        links[key] = group;
    }

    /// <summary>
    /// The id a create at the path returned, with its link recorded. A failed create (negative id) throws; which intermediate
    /// links it left is unknown, so HDF5 is asked from then on.
    /// </summary>
    private long Created(long id, string function, string objectPath, bool group)
    {
        if (id < 0)
        {
            links = null;
            throw Failure(function, objectPath);
        }
        RecordLink(objectPath, group);
        return id;
    }

    /// <summary>
    /// Before the link at the path is deleted: closes the datasets kept open at or under it and forgets them and the links
    /// (an extendable dataset stays open, as its owner holds it, but is no longer found by the path).
    /// </summary>
    private void Unlinking(string objectPath)
    {
        var key = LinkKey(objectPath);
        bool Under(string k) => key is null || k == key || key == "/" || (k.Length > key.Length && k.StartsWith(key, StringComparison.Ordinal) && k[key.Length] == '/');
        if (keptOpen is not null)
            foreach (var (k, id) in keptOpen.ToArray())
                if (Under(k))
                {
                    keptOpen.Remove(k);
                    Check(H5Dclose(id), "H5Dclose", k);
                }
        if (extendableAt is not null)
            foreach (var k in extendableAt.Keys.Where(Under).ToArray()) extendableAt.Remove(k);
        if (links is not null)
        {
            if (key is null) links = null;
            else foreach (var k in links.Keys.Where(k => k != "/" && Under(k)).ToArray()) links.Remove(k);
        }
    }

    /// <summary>Keeps a dataset just written whole open until the file closes; false (the caller closes it) for an opened file.</summary>
    private bool Keep(string datasetPath, long dataset)
    {
        if (keptOpen is null || LinkKey(datasetPath) is not { } key) return false;
        keptOpen[key] = dataset;
        return true;
    }

    private void KeepExtendable(string datasetPath, ExtendableDataset dataset)
    {
        if (extendableAt is not null && LinkKey(datasetPath) is { } key) extendableAt[key] = dataset;
    }

    private void ForgetExtendable(ExtendableDataset dataset)
    {
        if (extendableAt is null) return;
        foreach (var (k, d) in extendableAt.ToArray())
            if (ReferenceEquals(d, dataset)) extendableAt.Remove(k);
    }

    /// <summary>
    /// The id of the dataset kept open at the path (written whole, or extendable and still open) with one more reference, so
    /// that the caller closes it as if it had opened it (H5Dclose, H5Oclose); -1 when none is open there. HDF5 lock held.
    /// </summary>
    private long Borrow(string objectPath)
    {
        if (keptOpen is null || LinkKey(objectPath) is not { } key) return -1;
        long id = keptOpen.TryGetValue(key, out var kept) ? kept
            : extendableAt!.TryGetValue(key, out var extendable) && extendable.Id >= 0 ? extendable.Id : -1;
        if (id < 0) return -1;
        Check(H5Iinc_ref(id), "H5Iinc_ref", objectPath);
        return id;
    }

    /// <summary>Closes every dataset kept open (before the file's close); every close is attempted, the first failure returned.</summary>
    private Hdf5Exception? CloseKept()
    {
        if (keptOpen is null) return null;
        Hdf5Exception? first = null;
        foreach (var (path, id) in keptOpen)
            if (H5Dclose(id) < 0) first ??= Failure("H5Dclose", path);
        keptOpen.Clear();
        return first;
    }

    // One link-creation list (intermediate groups made) and one in-memory file-access list for the whole process: the same for
    // every dataset and every file, so they are made once instead of created and closed around every call. HDF5 lock held.
    private static long sharedLinkCreate = -1, sharedCoreAccess = -1;

    private static long LinkCreatePlist(string objectPath)
    {
        if (sharedLinkCreate < 0) sharedLinkCreate = NewLinkCreatePlist(objectPath);
        return sharedLinkCreate;
    }

    private static long CoreAccessPlist(string path)
    {
        if (sharedCoreAccess >= 0) return sharedCoreAccess;
        var access = Check(H5Pcreate(FileAccessClass), "H5Pcreate", path);
        if (H5Pset_fapl_core(access, 64 * 1024, 0) < 0)
        {
            var failure = Failure("H5Pset_fapl_core", path);
            H5Pclose(access);
            throw failure;
        }
        return sharedCoreAccess = access;
    }
}
