using System.CommandLine;
using ElectrodeSim.Cases;

namespace ElectrodeSim.Cli;

/// <summary>
/// Paths of the command line checked when it is read, before anything runs (bad input, exit 2, with the usage line).
/// The <c>--out</c> of every command: a regular file where
/// the output folder (or one of the folders above it) would be made is bad input (exit 2) named as such, not .NET's
/// "Could not find a part of the path" after the runs (try-out of 2026-12-07: run, sweep, compare and validate failed so,
/// sweep, compare and validate with a stack trace and exit 1).
/// </summary>
internal static class CommandLineChecks
{
    /// <summary>Adds the check to the <c>--out</c> option of every subcommand of <paramref name="root"/>: a folder (DirectoryInfo) or a file to write (FileInfo).</summary>
    public static void CheckEveryOut(Command root)
    {
        foreach (var command in root.Subcommands)
        {
            foreach (var option in command.Options)
            {
                if (option is Option<DirectoryInfo> folder && option.Name == "--out")
                    folder.Validators.Add(result =>
                    {
                        if (result.GetValueOrDefault<DirectoryInfo>() is { } value && FolderProblem(value.FullName) is { } problem)
                            result.AddError($"--out {value}: {problem}");
                    });
                else if (option is Option<FileInfo> file && option.Name == "--out")
                    file.Validators.Add(result =>
                    {
                        if (result.GetValueOrDefault<FileInfo>() is { } value && FileProblem(value.FullName) is { } problem)
                            result.AddError($"--out {value}: {problem}");
                    });
            }
            CheckEveryOut(command);
        }
    }

    /// <summary>
    /// Adds to the <c>result</c> argument of every subcommand (plot, export, gitt, cv, eis, cycle) the refusal of a case file
    /// (<c>*.yaml</c>) with the command that makes its result: <c>plot cases/sio-c-l.yaml</c>, a new user's first try, said
    /// "cannot be opened as an HDF5 result file (H5Fopen failed for …)", <c>export</c> ": is not an HDF5 file" (try-out of 2026-12-07).
    /// </summary>
    public static void CheckEveryResultArgument(Command root)
    {
        foreach (var command in root.Subcommands)
        {
            foreach (var argument in command.Arguments.Where(a => a.Name == "result"))
                argument.Validators.Add(result =>
                {
                    foreach (var token in result.Tokens)
                        if (Path.GetExtension(token.Value) is ".yaml" or ".yml")
                        {
                            string stem = Path.GetFileNameWithoutExtension(token.Value);
                            result.AddError($"{token.Value}: a case file (YAML), not a result file (.h5); run it first, " +
                                            $"'electrodesim run {token.Value} --out results', then give results/{stem}.h5");
                        }
                });
            CheckEveryResultArgument(command);
        }
    }

    /// <summary>
    /// Why <paramref name="folder"/> cannot be (made) a folder: it, or the nearest existing path above it, is a regular
    /// file; null otherwise. Permissions are left to the write, which names its own failure.
    /// </summary>
    public static string? FolderProblem(string folder)
    {
        string full = Path.GetFullPath(folder);
        if (File.Exists(full)) return $"{DisplayPath.Of(full)} is a regular file; accepted: a folder, existing or to be created";
        return FileAbove(full);
    }

    /// <summary>Why <paramref name="file"/> cannot be written as a file: it is a folder, or a regular file stands where a folder above it would be; null otherwise.</summary>
    public static string? FileProblem(string file)
    {
        string full = Path.GetFullPath(file);
        if (Directory.Exists(full)) return $"{DisplayPath.Of(full)} is a folder; accepted: a file name (the file is written or replaced)";
        return FileAbove(full);
    }

    private static string? FileAbove(string full)
    {
        for (string? parent = Path.GetDirectoryName(full); parent != null; parent = Path.GetDirectoryName(parent))
        {
            if (Directory.Exists(parent)) return null;
            if (File.Exists(parent))
                return $"{DisplayPath.Of(parent)} is a regular file, so no folder can be made inside it; accepted: a path whose existing part is a folder";
        }
        return null;
    }
}
