using ElectrodeSim.Calibration;
using ElectrodeSim.Fitting;
using ElectrodeSim.Validation;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.ObjectFactories;

namespace ElectrodeSim.Cases;

/// <summary>
/// Creates the objects YamlDotNet fills while reading the YAML inputs (cases, calibration and fit specs,
/// measured-data sidecars, validation manifests). The collections those records hold are created with
/// <c>new</c>, not by <see cref="Activator"/>: in the natively compiled command-line tool (Native AOT) the
/// parameterless constructors of library generics such as <c>List&lt;double&gt;</c> are not kept for
/// reflection, and YamlDotNet's default factory fails on them ("No parameterless constructor"). Everything
/// else (the records themselves, whose assemblies the tool keeps whole) goes to the default factory.
/// </summary>
public sealed class YamlObjectFactory : IObjectFactory
{
    /// <summary>The one instance; it holds no state of its own.</summary>
    public static YamlObjectFactory Instance { get; } = new();

    private readonly DefaultObjectFactory _fallback = new();

    private static readonly Dictionary<Type, Func<object>> Collections = new()
    {
        [typeof(Dictionary<string, string>)] = () => new Dictionary<string, string>(),
        [typeof(List<double>)] = () => new List<double>(),
        [typeof(List<string>)] = () => new List<string>(),
        [typeof(List<ProtocolStepSection>)] = () => new List<ProtocolStepSection>(),
        [typeof(List<CalibrationParameter>)] = () => new List<CalibrationParameter>(),
        [typeof(List<CalibrationTarget>)] = () => new List<CalibrationTarget>(),
        [typeof(List<FitDatasetSpec>)] = () => new List<FitDatasetSpec>(),
        [typeof(List<FitParameterSpec>)] = () => new List<FitParameterSpec>(),
        [typeof(List<CurveItem>)] = () => new List<CurveItem>(),
        [typeof(List<SummaryTarget>)] = () => new List<SummaryTarget>(),
        [typeof(List<ValidationCase>)] = () => new List<ValidationCase>(),
        [typeof(List<ValidationEntry>)] = () => new List<ValidationEntry>(),
    };

    /// <summary>Whether <paramref name="type"/> is created here without reflection (a test walks the schemas against it).</summary>
    public static bool CreatesDirectly(Type type) => Collections.ContainsKey(type);

    /// <inheritdoc/>
    public object Create(Type type) => Collections.TryGetValue(type, out var create) ? create() : _fallback.Create(type);

    /// <inheritdoc/>
    public object? CreatePrimitive(Type type) => _fallback.CreatePrimitive(type);

    /// <inheritdoc/>
    public bool GetDictionary(IObjectDescriptor descriptor, out System.Collections.IDictionary? dictionary, out Type[]? genericArguments) =>
        _fallback.GetDictionary(descriptor, out dictionary, out genericArguments);

    /// <inheritdoc/>
    public Type GetValueType(Type type) => _fallback.GetValueType(type);

    // No record read from YAML has YamlDotNet's callback methods ([OnDeserializing], [OnDeserialized], …; a test walks the
    // schemas for them), so nothing is called back: the default factory looks for them by reflection in every type it fills,
    // which in the natively compiled tool was ~2 % of a whole Marquis2019 1C run (perf).

    /// <inheritdoc/>
    public void ExecuteOnDeserializing(object value) { }

    /// <inheritdoc/>
    public void ExecuteOnDeserialized(object value) { }

    /// <inheritdoc/>
    public void ExecuteOnSerializing(object value) { }

    /// <inheritdoc/>
    public void ExecuteOnSerialized(object value) { }
}
