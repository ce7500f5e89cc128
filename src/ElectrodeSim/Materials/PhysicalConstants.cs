namespace ElectrodeSim.Materials;

/// <summary>CODATA 2018 exact values (the ones PyBaMM and COMSOL use).</summary>
public static class PhysicalConstants
{
    /// <summary>Faraday constant [C/mol].</summary>
    public const double Faraday = 96485.33212;
    /// <summary>Molar gas constant [J/(mol·K)].</summary>
    public const double GasConstant = 8.314462618;
    /// <summary>Boltzmann constant [J/K].</summary>
    public const double Boltzmann = 1.380649e-23;
    /// <summary>Elementary charge [C].</summary>
    public const double ElementaryCharge = 1.602176634e-19;
}
