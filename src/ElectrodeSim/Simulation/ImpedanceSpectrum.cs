using System.Numerics;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.FrequencyDomain;
using ElectrodeSim.Physics;

namespace ElectrodeSim.Simulation;

/// <summary>
/// A small-signal impedance spectrum of the cell [Ω·m²] at one state: Z(ω) = −ΔV/ΔI per unit cell area, the applied
/// current perturbed (galvanostatic EIS) around its value in that state. The minus sign makes Z the usual impedance of
/// the working electrode: I is positive for lithiation (a cathodic current), which lowers V, so Re Z &gt; 0.
/// </summary>
/// <param name="Step">Protocol step (0-based) that computed it.</param>
/// <param name="Time">Run time of the state [s].</param>
/// <param name="Frequency">[Hz], highest first.</param>
/// <param name="Real">Re Z [Ω·m²].</param>
/// <param name="Imaginary">Im Z [Ω·m²] (negative for a capacitive response).</param>
public sealed record ImpedanceSpectrum(int Step, double Time, double[] Frequency, double[] Real, double[] Imaginary)
{
    /// <summary>
    /// Linearises <paramref name="model"/> at state <paramref name="y"/> with the current held at its value there and
    /// solves (iωM + J) X = e_I per frequency (<see cref="LinearisedResponse"/>).
    /// </summary>
    public static ImpedanceSpectrum Compute(P2DModel model, ReadOnlySpan<double> y, double time, IReadOnlyList<double> frequencies, int step = 0)
    {
        var control = model.Control;
        var saved = (control.Mode, control.SetValue, control.Ramp);
        (control.Mode, control.SetValue, control.Ramp) = (ControlMode.Current, y[model.Layout.Current], 0.0);
        try
        {
            using var response = new LinearisedResponse(model, time, y);
            var forcing = new double[model.Size];
            forcing[model.Layout.Current] = 1.0;
            SolidChargeBalance.Voltage(model.Context, y, out double dVdPotential, out double dVdCurrent);
            int potential = model.Context.CollectorPotential;
            var re = new double[frequencies.Count];
            var im = new double[frequencies.Count];
            for (int k = 0; k < frequencies.Count; k++)
            {
                var x = response.Solve(2 * Math.PI * frequencies[k], forcing);
                Complex dV = dVdPotential * x[potential] + dVdCurrent * x[model.Layout.Current];
                var z = -dV / x[model.Layout.Current];
                (re[k], im[k]) = (z.Real, z.Imaginary);
            }
            return new ImpedanceSpectrum(step, time, frequencies.ToArray(), re, im);
        }
        finally { (control.Mode, control.SetValue, control.Ramp) = saved; }
    }
}
