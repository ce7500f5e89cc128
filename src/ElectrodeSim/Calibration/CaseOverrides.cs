using System.Globalization;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace ElectrodeSim.Calibration;

/// <summary>
/// Sets scalar values in a case file's text by key path (<c>electrode.kinetics.film_resistance_ohm_m2</c>)
/// while keeping everything else — comments, order, layout — as it was: only the value token on
/// the key's line is replaced.
/// </summary>
public static class CaseOverrides
{
    public static string Apply(string yamlText, IReadOnlyDictionary<string, double> values)
    {
        var lines = yamlText.Replace("\r\n", "\n").Split('\n');
        var stream = new YamlStream();
        stream.Load(new StringReader(yamlText));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        // Replace from the bottom up so earlier marks stay valid even if a value's length changes.
        var edits = values.Select(kv => (Node: Find(root, kv.Key), kv.Key, kv.Value))
                          .OrderByDescending(e => e.Node.Start.Line).ThenByDescending(e => e.Node.Start.Column);
        foreach (var (node, key, value) in edits)
        {
            int line = (int)node.Start.Line - 1, start = (int)node.Start.Column - 1, end = (int)node.End.Column - 1;
            if (node.Start.Line != node.End.Line)
                throw new ArgumentException($"{key}: the value spans several lines; only one-line scalars can be overridden");
            string text = lines[line];
            lines[line] = text[..start] + value.ToString("R", CultureInfo.InvariantCulture) + text[end..];
        }
        return string.Join("\n", lines);
    }

    private static YamlScalarNode Find(YamlMappingNode root, string path)
    {
        YamlNode node = root;
        foreach (var part in path.Split('.'))
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(part), out var child))
                throw new KeyNotFoundException($"{path}: the case file has no key '{part}' there (the key must exist to be overridden)");
            node = child;
        }
        return node as YamlScalarNode ?? throw new ArgumentException($"{path}: is not a scalar value");
    }
}
