namespace ElectrodeSim.Measured;

/// <summary>What a measured column holds.</summary>
public enum MeasuredQuantity { Time, Voltage, Current, Capacity }

/// <summary>What a current or capacity is per: the whole cell, unit electrode area, or unit active mass.</summary>
public enum MeasuredBasis { Absolute, PerArea, PerMass }

/// <summary>A unit a sidecar may name: its quantity, the factor to SI and its basis.</summary>
/// <param name="ToSi">Multiplies a value in this unit into SI: s, V, A (A/m², A/kg), C (C/m², C/kg).</param>
public sealed record MeasuredUnit(string Name, MeasuredQuantity Quantity, double ToSi, MeasuredBasis Basis);

/// <summary>
/// The units cycler exports use, converted to SI on reading: time s / min / h; voltage V / mV; current A / mA,
/// per area A/m² / mA/cm², per mass A/g / mA/g / A/kg; capacity Ah / mAh / C, per area mAh/cm² / Ah/m² / C/m²,
/// per mass mAh/g / Ah/kg / C/kg. 1 mAh/g = 3.6 C / 1e-3 kg = 3600 C/kg; 1 mAh/cm² = 3.6 C / 1e-4 m² = 36000 C/m².
/// </summary>
public static class MeasuredUnits
{
    private static readonly MeasuredUnit[] All =
    [
        new("s", MeasuredQuantity.Time, 1, MeasuredBasis.Absolute),
        new("min", MeasuredQuantity.Time, 60, MeasuredBasis.Absolute),
        new("h", MeasuredQuantity.Time, 3600, MeasuredBasis.Absolute),
        new("V", MeasuredQuantity.Voltage, 1, MeasuredBasis.Absolute),
        new("mV", MeasuredQuantity.Voltage, 1e-3, MeasuredBasis.Absolute),
        new("A", MeasuredQuantity.Current, 1, MeasuredBasis.Absolute),
        new("mA", MeasuredQuantity.Current, 1e-3, MeasuredBasis.Absolute),
        new("A/m²", MeasuredQuantity.Current, 1, MeasuredBasis.PerArea),
        new("mA/cm²", MeasuredQuantity.Current, 10, MeasuredBasis.PerArea),
        new("A/g", MeasuredQuantity.Current, 1e3, MeasuredBasis.PerMass),
        new("mA/g", MeasuredQuantity.Current, 1, MeasuredBasis.PerMass),
        new("A/kg", MeasuredQuantity.Current, 1, MeasuredBasis.PerMass),
        new("Ah", MeasuredQuantity.Capacity, 3600, MeasuredBasis.Absolute),
        new("mAh", MeasuredQuantity.Capacity, 3.6, MeasuredBasis.Absolute),
        new("C", MeasuredQuantity.Capacity, 1, MeasuredBasis.Absolute),
        new("mAh/cm²", MeasuredQuantity.Capacity, 3.6e4, MeasuredBasis.PerArea),
        new("Ah/m²", MeasuredQuantity.Capacity, 3600, MeasuredBasis.PerArea),
        new("C/m²", MeasuredQuantity.Capacity, 1, MeasuredBasis.PerArea),
        new("mAh/g", MeasuredQuantity.Capacity, 3600, MeasuredBasis.PerMass),
        new("Ah/kg", MeasuredQuantity.Capacity, 3600, MeasuredBasis.PerMass),
        new("C/kg", MeasuredQuantity.Capacity, 1, MeasuredBasis.PerMass),
    ];

    /// <summary>The unit names accepted for <paramref name="quantity"/>, for error messages.</summary>
    public static IReadOnlyList<string> Accepted(MeasuredQuantity quantity) => All.Where(u => u.Quantity == quantity).Select(u => u.Name).ToList();

    /// <summary>The unit called <paramref name="name"/> (<c>cm2</c> and <c>m2</c> may stand for cm² and m²), or null.</summary>
    public static MeasuredUnit? Find(string name, MeasuredQuantity quantity)
    {
        string normal = name.Trim().Replace("cm2", "cm²", StringComparison.Ordinal).Replace("/m2", "/m²", StringComparison.Ordinal);
        return All.FirstOrDefault(u => u.Quantity == quantity && u.Name == normal);
    }
}
