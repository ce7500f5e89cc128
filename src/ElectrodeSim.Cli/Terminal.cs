using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary>Spectre.Console writes escape codes even when output is redirected; this gives a plain console then.</summary>
public static class Terminal
{
    public static IAnsiConsole Create()
    {
        if (!Console.IsOutputRedirected) return AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        // Redirected, Spectre assumes 80 columns and breaks long lines mid-sentence; a log or a pipe wants each line whole.
        console.Profile.Width = 100_000;
        return console;
    }

    public static bool Plain => Console.IsOutputRedirected;
}
