using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ElectrodeSim.Cases;

/// <summary>
/// What a case key means, for <c>electrodesim keys</c> (<see cref="CaseKeys"/>): a one-line description, the unit,
/// the default, the accepted range and, for named choices, the list the validator checks against. Every property
/// of the case records carries one; a test holds the ranges to what <see cref="CaseValidator"/> rejects.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KeyAttribute(string description) : Attribute
{
    /// <summary>One line: what the key is.</summary>
    public string Description { get; } = description;
    /// <summary>Unit of a number (<c>µm</c>, <c>1</c> for dimensionless); empty for text and sections.</summary>
    public string Unit { get; set; } = "";
    /// <summary>
    /// Accepted range as the validator words it: <c>&gt; 0</c>, <c>&gt;= 0</c>, <c>in (0, 1)</c>, <c>in (0, 1]</c>,
    /// <c>in [0, 5]</c>, <c>in [0, 200000)</c> (read by <see cref="KeyRange.Parse"/>), or a condition in words.
    /// </summary>
    public string Range { get; set; } = "";
    /// <summary>The value used when the key is absent, in words or as a number; empty when there is none.</summary>
    public string Default { get; set; } = "";
    /// <summary>When the key is required: <see cref="Always"/>, or a condition in words; empty when optional.</summary>
    public string Required { get; set; } = "";
    /// <summary>A type whose public static <see cref="ChoicesMember"/> (an <c>IReadOnlyList&lt;string&gt;</c>) lists the accepted names: the list the validator uses.</summary>
    public Type? ChoicesFrom { get; set; }
    /// <summary>The static member of <see cref="ChoicesFrom"/> holding the names; default <c>Names</c>.</summary>
    public string ChoicesMember { get; set; } = "Names";
    /// <summary>Whether a name may carry <c>@VERSION</c> (<c>parameter_set</c>).</summary>
    public bool Versioned { get; set; }

    /// <summary><see cref="Required"/> for a key needed in every case, with or without a parameter set.</summary>
    public const string Always = "always";

    /// <summary>The accepted names, or null when the key is not a choice.</summary>
    public IReadOnlyList<string>? Choices =>
        ChoicesFrom == null ? null
        : (ChoicesFrom.GetProperty(ChoicesMember, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
           ?? ChoicesFrom.GetField(ChoicesMember, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)) as IReadOnlyList<string>
          ?? throw new InvalidOperationException($"{ChoicesFrom.Name}.{ChoicesMember} is not a static list of names");
}

/// <summary>A numeric range read from <see cref="KeyAttribute.Range"/>: bounds that are null are open-ended.</summary>
public readonly record struct KeyRange(double? Lower, bool LowerInclusive, double? Upper, bool UpperInclusive)
{
    private static readonly Regex Interval = new(@"^in ([\[(])([^,]+), ([^\])]+)([\])])$", RegexOptions.CultureInvariant);
    private static readonly Regex OneSided = new(@"^(>=|>) (\S+)$", RegexOptions.CultureInvariant);

    /// <summary>The bounds of a range text, or null when the text is not one of the forms above (a condition in words).</summary>
    public static KeyRange? Parse(string text)
    {
        static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (Interval.Match(text) is { Success: true } m)
            return new KeyRange(Number(m.Groups[2].Value), m.Groups[1].Value == "[", Number(m.Groups[3].Value), m.Groups[4].Value == "]");
        if (OneSided.Match(text) is { Success: true } o)
            return new KeyRange(Number(o.Groups[2].Value), o.Groups[1].Value == ">=", null, false);
        return null;
    }
}
