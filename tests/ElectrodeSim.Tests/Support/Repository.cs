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

    public static SimulationSetup LoadCase(string name) => CaseBuilder.Build(CaseFile.Load(Case(name)));

    /// <summary>A fresh temporary directory, deleted at dispose.</summary>
    public sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("electrodesim-test-").FullName;
        public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
    }
}
