using System.CommandLine;
using ElectrodeSim.Cases;

namespace ElectrodeSim.Cli;

/// <summary><c>electrodesim keys [--markdown|--json-schema]</c>: every case key, from the records the validator reads.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var markdown = new Option<bool>("--markdown") { Description = "Markdown tables, as checked in at docs/case-keys.md" };
        var jsonSchema = new Option<bool>("--json-schema") { Description = "A JSON Schema of case files for YAML editors, as checked in at docs/case-schema.json" };
        var command = new Command("keys", "List every case key with its type, unit, default, accepted range and a one-line description.") { markdown, jsonSchema };
        command.SetAction(parse =>
        {
            bool md = parse.GetValue(markdown), schema = parse.GetValue(jsonSchema);
            if (md && schema)
            {
                Console.Error.WriteLine("error: --markdown and --json-schema exclude each other");
                Console.Error.WriteLine("usage: electrodesim keys [--markdown|--json-schema]");
                return RunCommand.BadInput;
            }
            Console.Out.Write(md ? CaseKeys.Markdown() : schema ? CaseKeys.JsonSchema() : CaseKeys.Text());
            return RunCommand.Ok;
        });
        return command;
    }
}
