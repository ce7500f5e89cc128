using ElectrodeSim.Numerics.Sparse;
using ElectrodeSim.Numerics.TimeIntegration;
using ElectrodeSim.Physics;

namespace ElectrodeSim.Model;

/// <summary>How a protocol step drives a model: the control row's mode and set value (current [A/m²] or voltage [V]).</summary>
public interface IOperatingControl
{
    ControlMode Mode { get; set; }
    /// <summary>Set current [A/m²] or set voltage [V] at <see cref="RampStart"/>.</summary>
    double SetValue { get; set; }
    /// <summary>Rate of the set voltage [V/s] (a linear sweep); 0 holds it.</summary>
    double Ramp { get; set; }
    /// <summary>Time at which the set voltage is <see cref="SetValue"/> [s].</summary>
    double RampStart { get; set; }
}

/// <summary>
/// What the protocol runner and the physical limits need of a cell model, whatever its geometry (the P2D
/// stack, the 2-D resolved-particle mode): the DAE itself, where the applied current density I [A/m²] and the
/// charge passed Q [C/m²] sit in the state, the cell voltage, the bounded quantities, a rest state and a first
/// guess of the algebraic unknowns under a new control. Current densities and charges are per m² of the cell's
/// cross-section; I is positive for lithiation of the working electrode.
/// </summary>
public interface IElectrochemicalModel : IDaeSystem
{
    /// <summary>Index of I [A/m²] in the state.</summary>
    int CurrentIndex { get; }
    /// <summary>Index of Q [C/m²] in the state (dQ/dt = I).</summary>
    int ChargeIndex { get; }
    IOperatingControl Control { get; }
    /// <summary>Active (working-electrode) mass per cross-section area [kg/m²], for specific capacity.</summary>
    double ActiveMassPerArea { get; }
    /// <summary>Current density of 1C [A/m²] (the error scale of I when I is free).</summary>
    double OneCCurrentDensity { get; }
    /// <summary>Initial electrolyte concentration [mol/m³] (the scale of the depletion limit).</summary>
    double InitialElectrolyteConcentration { get; }

    /// <summary>Cell voltage [V].</summary>
    double Voltage(ReadOnlySpan<double> y);
    /// <summary>Extremes of θ [1] and c_e [mol/m³] of state y.</summary>
    StateBounds StateBounds(ReadOnlySpan<double> y);
    /// <summary>Where a state-of-lithiation extreme lies, in words (for limit messages).</summary>
    string DescribeSolidLocation(StateExtreme extreme);
    /// <summary>Where an electrolyte extreme lies, in words (for limit messages).</summary>
    string DescribeElectrolyteLocation(StateExtreme extreme);
    /// <summary>The rest state (uniform, at equilibrium).</summary>
    double[] InitialState();
    /// <summary>Overwrites the algebraic unknowns of y with a first guess for current density <paramref name="current"/> [A/m²].</summary>
    void EstimateAlgebraicState(Span<double> y, double current);
    /// <summary>What <paramref name="current"/> asks of the kinetics, for messages.</summary>
    string DescribeKinetics(double current, ReadOnlySpan<double> y);
    /// <summary>Sets the error scale of I [A/m²].</summary>
    void SetCurrentScale(double amperesPerSquareMetre);
    /// <summary>Lithium in electrolyte and particles per cross-section area [mol/m²].</summary>
    double LithiumInventory(ReadOnlySpan<double> y);
    /// <summary>
    /// The sparse linear solver this model's iteration matrices are solved with (the protocol runner's default): each model
    /// knows the structure of its own Jacobian <paramref name="pattern"/> (P2D: radial chains to condense; 2-D: a graph to dissect).
    /// </summary>
    ISparseLinearSolver CreateLinearSolver(SparsityPattern pattern);
}
