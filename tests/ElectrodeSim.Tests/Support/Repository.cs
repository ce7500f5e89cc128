using ElectrodeSim.Cases;

namespace ElectrodeSim.Tests.Support;

/// <summary>Finds files of the repository (cases, shared reference data) from the test binaries.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "ElectrodeSim.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new DirectoryNotFoundException("ElectrodeSim.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Case(string name) => Path.Combine(Root, "cases", name);

    /// <summary>The shared reference data next to the repository (<c>../shared/reference</c>).</summary>
    public static string SharedReference => Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference"));

    public static SimulationSetup LoadCase(string name) => CaseBuilder.Build(CaseFile.Load(Case(name)));

    /// <summary>A case file under <c>validation/</c>, e.g. <c>marquis2019/marquis2019-1C.yaml</c>.</summary>
    public static string ValidationCase(string path) => Path.Combine(Root, "validation", path);

    /// <summary>A full cell of parameter set <paramref name="set"/> with the given protocol and mesh (YAML, top-level sections).</summary>
    public static SimulationSetup FullCell(string set, string protocolAndMesh) =>
        CaseBuilder.Build(CaseFile.Parse($"name: {set} test\nparameter_set: {set}\n{protocolAndMesh}", $"{set}.yaml", Root));

    /// <summary>A fresh temporary directory, deleted at dispose.</summary>
    public sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("electrodesim-test-").FullName;
        public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
    }
}
