using ElectrodeSim.Materials;

namespace ElectrodeSim.Analysis;

/// <summary>
/// What a lithiation–delithiation cycle gives: the voltages of the lithiating and the delithiating step at one mean state
/// of lithiation θ_avg [1] and their gap [V] (delithiation minus lithiation: positive for silicon's hysteresis, and for
/// any overpotential), and the lithium balance of the cell [mol/m²] from the first record to the last: the charge passed
/// [C/m²] either moved lithium or, with a double layer, charged it (<see cref="DoubleLayerChargeChange"/>, the change of
/// ∫ a C_dl ψ dx [C/m²]): F ΔN = Q + Δ∫ a C_dl ψ dx.
/// </summary>
public sealed record CycleResult(
    double StateOfLithiation, int LithiationStep, int DelithiationStep, double LithiationVoltage, double DelithiationVoltage,
    double InitialLithium, double FinalLithium, double ChargePassed, double DoubleLayerChargeChange = 0)
{
    /// <summary>V_delith(θ_avg) − V_lith(θ_avg) [V].</summary>
    public double Gap => DelithiationVoltage - LithiationVoltage;
    /// <summary>Lithium the charge passed must have moved, (Q + Δ∫ a C_dl ψ dx)/F [mol/m²] (I &gt; 0 lithiates the working electrode).</summary>
    public double LithiumPassed => (ChargePassed + DoubleLayerChargeChange) / PhysicalConstants.Faraday;
    /// <summary>(N_end − N_start) − (Q + Δ∫ a C_dl ψ dx)/F [mol/m²]: lithium the cycle created or lost; 0 for an exact balance.</summary>
    public double LithiumError => FinalLithium - InitialLithium - LithiumPassed;
    /// <summary><see cref="LithiumError"/> relative to the lithium the first step moved (the larger of |N_end − N_start| and the half-cycle's throughput).</summary>
    public double RelativeLithiumError { get; init; } = double.NaN;
}

/// <summary>
/// The analysis of a lithiation–delithiation cycle on a record series (simulated or measured): the voltage of the first
/// lithiating current step (I &gt; 0) and of the first delithiating current step after it (I &lt; 0), each interpolated
/// linearly at a mean state of lithiation θ_avg the step passes through (θ_avg is monotone within a current step), and
/// the lithium balance: the lithium in solid and electrolyte at the first and the last record against ∫ I dt / F.
/// </summary>
public static class CycleAnalysis
{
    /// <param name="current">Current density per record [A/m²], positive lithiating.</param>
    /// <param name="voltage">Cell voltage per record [V].</param>
    /// <param name="steps">Protocol step index per record.</param>
    /// <param name="stateOfLithiation">Mean state of lithiation of the working electrode per record [1].</param>
    /// <param name="lithium">Lithium in solid and electrolyte per record [mol/m²] (NaN where unknown).</param>
    /// <param name="charge">Charge passed per record, ∫ I dt [C/m²].</param>
    /// <param name="target">θ_avg at which the branches are compared [1], in (0, 1).</param>
    /// <param name="doubleLayerCharge">∫ a C_dl ψ dx per record [C/m²]; null without a double layer.</param>
    public static CycleResult Analyse(IReadOnlyList<double> current, IReadOnlyList<double> voltage, IReadOnlyList<int> steps,
                                      IReadOnlyList<double> stateOfLithiation, IReadOnlyList<double> lithium, IReadOnlyList<double> charge, double target = 0.5,
                                      IReadOnlyList<double>? doubleLayerCharge = null)
    {
        int n = voltage.Count;
        if (current.Count != n || steps.Count != n || stateOfLithiation.Count != n || lithium.Count != n || charge.Count != n)
            throw new ArgumentException("the record series differ in length");
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "θ_avg must be in (0, 1)");
        int lithiation = FirstStep(current, steps, +1, 0);
        if (lithiation < 0) throw new ArgumentException("no lithiating current step (I > 0) in the series");
        int after = Enumerable.Range(0, n).Last(k => steps[k] == lithiation);
        int delithiation = FirstStep(current, steps, -1, after);
        if (delithiation < 0) throw new ArgumentException($"no delithiating current step (I < 0) after the lithiating step {lithiation + 1}");
        double vl = VoltageAt(current, voltage, steps, stateOfLithiation, lithiation, target);
        double vd = VoltageAt(current, voltage, steps, stateOfLithiation, delithiation, target);
        double q = charge[n - 1] - charge[0];
        double throughput = Math.Abs(charge[after] - charge[0]) / PhysicalConstants.Faraday;
        if (doubleLayerCharge is not null && doubleLayerCharge.Count != n) throw new ArgumentException("the record series differ in length");
        double dl = doubleLayerCharge is null ? 0.0 : doubleLayerCharge[n - 1] - doubleLayerCharge[0];
        var result = new CycleResult(target, lithiation, delithiation, vl, vd, lithium[0], lithium[n - 1], q, dl);
        return result with { RelativeLithiumError = result.LithiumError / throughput };
    }

    private static int FirstStep(IReadOnlyList<double> current, IReadOnlyList<int> steps, int sign, int from)
    {
        for (int k = from; k < current.Count; k++)
            if (Math.Sign(current[k]) == sign) return steps[k];
        return -1;
    }

    /// <summary>V at θ_avg = <paramref name="target"/> in step <paramref name="step"/>, between the two records under current that bracket it.</summary>
    private static double VoltageAt(IReadOnlyList<double> current, IReadOnlyList<double> voltage, IReadOnlyList<int> steps,
                                    IReadOnlyList<double> theta, int step, double target)
    {
        int previous = -1;
        for (int k = 0; k < voltage.Count; k++)
        {
            if (steps[k] != step || current[k] == 0) continue;
            if (previous >= 0)
            {
                double a = theta[previous] - target, b = theta[k] - target;
                if (a == 0) return voltage[previous];
                if (a * b <= 0 && a != b) return voltage[previous] + (voltage[k] - voltage[previous]) * a / (a - b);
            }
            previous = k;
        }
        throw new ArgumentException($"step {step + 1} does not pass through θ_avg = {target.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// Lithium per unit cell area [mol/m²] of one record: Σ_x dx [ε_e c_e + ε_s c_s,max Σ_r θ_r V_r / V_particle] over the
    /// electrode and separator cells, the particle shells' volumes from their faces (spheres).
    /// </summary>
    /// <param name="xFaces">x faces of the whole cell [m].</param>
    /// <param name="porosity">ε_e per x cell [1].</param>
    /// <param name="electrolyte">c_e per x cell [mol/m³].</param>
    /// <param name="firstElectrodeCell">x cell of the working electrode's first cell.</param>
    /// <param name="stateOfLithiation">θ per electrode cell and shell, row-major [nx_el × nr].</param>
    /// <param name="radiusFaces">Shell faces [m], from 0 to R.</param>
    public static double Lithium(IReadOnlyList<double> xFaces, IReadOnlyList<double> porosity, ReadOnlySpan<double> electrolyte, int firstElectrodeCell,
                                 ReadOnlySpan<double> stateOfLithiation, IReadOnlyList<double> radiusFaces, double activeVolumeFraction, double maxConcentration)
    {
        int nx = xFaces.Count - 1, nr = radiusFaces.Count - 1;
        double total = 0;
        for (int i = 0; i < nx; i++) total += porosity[i] * electrolyte[i] * (xFaces[i + 1] - xFaces[i]);
        double r3 = Math.Pow(radiusFaces[nr], 3);
        int cells = stateOfLithiation.Length / nr;
        for (int i = 0; i < cells; i++)
        {
            double mean = 0;
            for (int k = 0; k < nr; k++) mean += stateOfLithiation[i * nr + k] * (Math.Pow(radiusFaces[k + 1], 3) - Math.Pow(radiusFaces[k], 3)) / r3;
            int x = firstElectrodeCell + i;
            total += activeVolumeFraction * maxConcentration * mean * (xFaces[x + 1] - xFaces[x]);
        }
        return total;
    }
}
