using System.Reflection;
using ElectrodeSim.Calibration;
using ElectrodeSim.Cases;
using ElectrodeSim.Fitting;
using ElectrodeSim.Measured;
using ElectrodeSim.Validation;

namespace ElectrodeSim.Tests.Cases;

/// <summary>
/// The natively compiled tool (Native AOT) cannot create library generics such as <c>List&lt;double&gt;</c> by
/// reflection, so every collection a YAML input's records hold must be created by <see cref="YamlObjectFactory"/>
/// directly. A record that gains a collection of a new type fails here, not in the published binary.
/// </summary>
public class YamlObjectFactoryTests
{
    private static readonly Type[] Roots = [typeof(CaseDefinition), typeof(CalibrationSpec), typeof(MeasuredSidecar), typeof(FitSpec), typeof(ValidationManifest)];

    [Fact]
    public void Every_collection_type_of_the_yaml_inputs_is_created_without_reflection()
    {
        var seen = new HashSet<Type>();
        var collections = new SortedSet<string>();
        var missing = new List<string>();
        void Walk(Type t)
        {
            t = Nullable.GetUnderlyingType(t) ?? t;
            if (!seen.Add(t)) return;
            if (t.IsGenericType)
            {
                collections.Add(t.ToString());
                if (!YamlObjectFactory.CreatesDirectly(t)) missing.Add(t.ToString());
                foreach (var a in t.GetGenericArguments()) Walk(a);
                return;
            }
            if (t.Assembly != typeof(CaseDefinition).Assembly || !t.IsClass) return;
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                if (p.CanWrite && p.Name != "EqualityContract") Walk(p.PropertyType);
        }
        foreach (var root in Roots) Walk(root);

        Assert.True(collections.Count >= 10, $"the walk found only {collections.Count} collection types: {string.Join(", ", collections)}");
        Assert.Empty(missing);
    }

    [Fact]
    public void No_record_of_the_yaml_inputs_has_a_yamldotnet_callback_method_as_the_factory_calls_none()
    {
        var seen = new HashSet<Type>();
        var callbacks = new List<string>();
        int records = 0;
        void Walk(Type t)
        {
            t = Nullable.GetUnderlyingType(t) ?? t;
            if (!seen.Add(t)) return;
            if (t.IsGenericType)
            {
                foreach (var a in t.GetGenericArguments()) Walk(a);
                return;
            }
            if (t.Assembly != typeof(CaseDefinition).Assembly || !t.IsClass) return;
            records++;
            foreach (var m in t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static))
                if (m.GetCustomAttributes().Any(a => a.GetType().Namespace == "YamlDotNet.Serialization.Callbacks"))
                    callbacks.Add($"{t.Name}.{m.Name}");
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                if (p.CanWrite && p.Name != "EqualityContract") Walk(p.PropertyType);
        }
        foreach (var root in Roots) Walk(root);

        Assert.True(records >= 20, $"the walk found only {records} record types");
        Assert.Empty(callbacks);
    }

    [Fact]
    public void The_collections_it_creates_are_empty_instances_of_the_asked_type()
    {
        foreach (var type in new[] { typeof(List<double>), typeof(Dictionary<string, string>), typeof(List<ProtocolStepSection>) })
        {
            var value = YamlObjectFactory.Instance.Create(type);
            Assert.IsType(type, value);
            Assert.Empty((System.Collections.ICollection)value);
        }
        Assert.IsType<CaseDefinition>(YamlObjectFactory.Instance.Create(typeof(CaseDefinition)));
    }
}
