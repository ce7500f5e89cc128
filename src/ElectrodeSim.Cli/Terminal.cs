using Spectre.Console;

namespace ElectrodeSim.Cli;

/// <summary>Spectre.Console writes escape codes even when output is redirected; this gives a plain console then.</summary>
public static class Terminal
{
    public static IAnsiConsole Create() =>
        Console.IsOutputRedirected
            ? AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, ColorSystem = ColorSystemSupport.NoColors })
            : AnsiConsole.Console;

    public static bool Plain => Console.IsOutputRedirected;
}
