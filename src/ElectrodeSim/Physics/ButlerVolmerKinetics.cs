using ElectrodeSim.Materials;
using ElectrodeSim.Model;
using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Physics;

/// <summary>
/// Interfacial current density j [A/m²] at the particle surface (positive for delithiation):
/// <c>j = j0 [exp(α_a F η/RT) − exp(−α_c F η/RT)]</c>, <c>η = φ_s − φ_e − U(θ_surf) − R_film j</c>,
/// <c>j0 = j0_ref(T) (c_e/c_e,ref)^α_a ((1 − θ)/0.5)^α_a (θ/0.5)^α_c</c>, j0_ref(T) = j0' exp(−Ea/RT).
/// j is an unknown of its own (the film term makes the relation implicit in j), so each
/// electrode cell carries the algebraic row <c>j − j_BV = 0</c>. The surface state of lithiation
/// is extrapolated from the outer shell with the surface flux:
/// <c>c_surf = c_last − (R − r_last) j / (F D_s)</c>, r_last the outer shell's centre.
/// With OCP hysteresis U is <c>U(θ_surf, h)</c> of the cell's hysteresis state (<see cref="OcpHysteresisState"/>).
/// </summary>
public sealed class ButlerVolmerKinetics(P2DContext context) : IModelEquation
{
    /// <summary>θ is kept this far from 0 and 1 inside j0, whose θ factors vanish there.</summary>
    internal const double ThetaFloor = 1e-9;
    // Slots per x cell and size class (one class: the cell's own j row).
    private int[][] _self = [], _solid = [], _electrolyte = [], _concentration = [], _surface = [], _hysteresis = [];
    // With a size distribution, the mean row j − Σ (a_k/a) j_k: its slot on j and on each j_k.
    private int[] _meanSelf = [];
    private int[][] _meanClass = [];

    public void DeclarePattern(SparsityPatternBuilder pattern)
    {
        var m = context.Maps;
        var L = context.Layout;
        for (int i = 0; i < context.Graph.CellCount; i++)
        {
            if (m.InterfacialCurrent[i] < 0) continue;
            int classes = L.ClassCount(i);
            for (int k = 0; k < classes; k++)
            {
                int row = L.ClassCurrent(i, k);
                pattern.Add(row, row);
                pattern.Add(row, m.SolidPotential[i]);
                pattern.Add(row, m.ElectrolytePotential[i]);
                pattern.Add(row, m.ElectrolyteConcentration[i]);
                pattern.Add(row, context.ClassSurfaceShell[i][k]);
                if (L.HasHysteresis(i)) pattern.Add(row, L.HysteresisState(i));
            }
            if (classes < 2) continue;
            pattern.Add(m.InterfacialCurrent[i], m.InterfacialCurrent[i]);
            for (int k = 0; k < classes; k++) pattern.Add(m.InterfacialCurrent[i], L.ClassCurrent(i, k));
        }
    }

    public void Bind(SparsityPattern pattern)
    {
        var m = context.Maps;
        var L = context.Layout;
        int n = context.Graph.CellCount;
        _self = new int[n][]; _solid = new int[n][]; _electrolyte = new int[n][]; _concentration = new int[n][]; _surface = new int[n][]; _hysteresis = new int[n][];
        _meanSelf = new int[n];
        _meanClass = new int[n][];
        for (int i = 0; i < n; i++)
        {
            if (m.InterfacialCurrent[i] < 0) continue;
            int classes = L.ClassCount(i);
            _self[i] = new int[classes]; _solid[i] = new int[classes]; _electrolyte[i] = new int[classes];
            _concentration[i] = new int[classes]; _surface[i] = new int[classes]; _hysteresis[i] = new int[classes];
            for (int k = 0; k < classes; k++)
            {
                int row = L.ClassCurrent(i, k);
                _self[i][k] = pattern.SlotOf(row, row);
                _solid[i][k] = pattern.SlotOf(row, m.SolidPotential[i]);
                _electrolyte[i][k] = pattern.SlotOf(row, m.ElectrolytePotential[i]);
                _concentration[i][k] = pattern.SlotOf(row, m.ElectrolyteConcentration[i]);
                _surface[i][k] = pattern.SlotOf(row, context.ClassSurfaceShell[i][k]);
                _hysteresis[i][k] = L.HasHysteresis(i) ? pattern.SlotOf(row, L.HysteresisState(i)) : -1;
            }
            if (classes < 2) continue;
            _meanSelf[i] = pattern.SlotOf(m.InterfacialCurrent[i], m.InterfacialCurrent[i]);
            _meanClass[i] = Enumerable.Range(0, classes).Select(k => pattern.SlotOf(m.InterfacialCurrent[i], L.ClassCurrent(i, k))).ToArray();
        }
    }

    /// <summary>
    /// Surface state of lithiation of the particle in x cell <paramref name="cell"/>, and ∂θ/∂c_last, ∂θ/∂j:
    /// the outer shell's value carried across the half shell to the surface face with the surface flux.
    /// A concentration-dependent D_s is taken at the outer shell's state of lithiation. With a size distribution: size class 0.
    /// </summary>
    public static double SurfaceStateOfLithiation(P2DContext context, ReadOnlySpan<double> y, int cell, out double dThetaDc, out double dThetaDj) =>
        SurfaceStateOfLithiation(context, y, cell, 0, out dThetaDc, out dThetaDj);

    /// <summary>
    /// Surface state of lithiation of the particles of size class <paramref name="sizeClass"/> in x cell <paramref name="cell"/>,
    /// and ∂θ/∂c_last, ∂θ/∂j_k (the class's own outer shell, current and radial mesh).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static double SurfaceStateOfLithiation(P2DContext context, ReadOnlySpan<double> y, int cell, int sizeClass, out double dThetaDc, out double dThetaDj)
    {
        // Per electrode and class from the context's arrays (no interface calls into the parameters or the mesh: this runs for
        // every cell and class in every evaluation and in every step's state bounds).
        int e = context.Layout.ElectrodeOf(cell);
        double inverseMax = context.InverseMaxConcentration[e];
        double cLast = y[context.ClassSurfaceShell[cell][sizeClass]];
        double j = y[context.Layout.ClassCurrent(cell, sizeClass)];
        double theta = cLast * inverseMax;
        // Inlined into its callers (every cell and class in every evaluation and in every step's state bounds), with 1/D_s kept per
        // electrode for a constant D_s (and Rate inlined, the electrode's parameters fetched once per electrode): callgrind of the native
        // bench -n 10, Evaluate and StateBounds with SurfaceStateOfLithiation and Rate, SiO@C-l 69.3 → 60.5 M, Marquis2019 1C
        // 344.1 → 298.5 M instructions, the same bits.
        double inverseDs = context.InverseSolidDiffusivityAt(e, theta, out double dDdTheta);
        dThetaDj = -context.SurfaceThetaByCurrent[e][sizeClass] * inverseDs;
        // θ_s = c_last/c_max + j ∂θ/∂j with ∂θ/∂j ∝ 1/D_s(c_last/c_max).
        dThetaDc = inverseMax - j * dThetaDj * inverseDs * dDdTheta * inverseMax;
        return theta + j * dThetaDj;
    }

    /// <summary>
    /// The Butler–Volmer rate law shared by every model: at reduced electrolyte concentration
    /// <paramref name="reducedConcentration"/> = c_e/c_e,ref, surface state of lithiation θ and overpotential η [V],
    /// <c>j0 = j0_ref (c_e/c_e,ref)^α_a ((1 − θ)/0.5)^α_a (θ/0.5)^α_c</c> [A/m²] (θ kept <see cref="ThetaFloor"/> inside
    /// (0, 1)) and <c>j = j0 B(η)</c>, <c>B = exp(α_a f η) − exp(−α_c f η)</c>, f = F/RT [1/V]. The caller forms η
    /// (with its film term) and combines the pieces: j0, B, dB/dη and ∂j0/∂θ (0 where θ is clamped).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static InterfaceRate Rate(double referenceExchangeCurrentDensity, double aa, double ac, double f,
                                     double reducedConcentration, double theta, double eta)
    {
        double thetaClamped = Math.Clamp(theta, ThetaFloor, 1 - ThetaFloor);
        bool clamped = thetaClamped != theta;
        double j0 = referenceExchangeCurrentDensity
                    * Power(reducedConcentration, aa) * Power((1 - thetaClamped) / 0.5, aa) * Power(thetaClamped / 0.5, ac);
        // Symmetric transfer (α_a = α_c, the usual ½) makes the cathodic exp the anodic one's reciprocal: one exp, not two.
        double anodic = Math.Exp(aa * f * eta), cathodic = aa == ac ? 1.0 / anodic : Math.Exp(-ac * f * eta);
        double dj0dTheta = clamped ? 0.0 : j0 * (-aa / (1 - thetaClamped) + ac / thetaClamped);
        return new InterfaceRate(j0, anodic - cathodic, f * (aa * anodic + ac * cathodic), dj0dTheta);
    }

    /// <summary>
    /// The overpotential η [V] at which j0 B(η) = <paramref name="j"/> [A/m²]: Butler–Volmer inverted exactly (B is monotone
    /// in η; Newton from the larger branch's logarithm, safeguarded by a bracket). No film term.
    /// </summary>
    public static double Overpotential(double j, double j0, double aa, double ac, double f)
    {
        double ratio = j / j0;
        double eta = ratio >= 0 ? Math.Log(ratio + Math.Sqrt(ratio * ratio + 1)) / (aa * f) : -Math.Log(-ratio + Math.Sqrt(ratio * ratio + 1)) / (ac * f);
        double low = Math.Min(0, eta) - 1.0, high = Math.Max(0, eta) + 1.0;
        for (int k = 0; k < 60; k++)
        {
            double ea = Math.Exp(aa * f * eta), ec = Math.Exp(-ac * f * eta);
            double r = ea - ec - ratio;
            if (r > 0) high = eta; else low = eta;
            double next = eta - r / (f * (aa * ea + ac * ec));
            if (!(next > low && next < high)) next = 0.5 * (low + high);
            if (Math.Abs(next - eta) < 1e-12) { eta = next; break; }
            eta = next;
        }
        return eta;
    }

    /// <summary>x^a, with the common a = ½ as a square root (pow is the costliest call in the residual).</summary>
    private static double Power(double x, double a) => a == 0.5 ? Math.Sqrt(x) : Math.Pow(x, a);

    public void Evaluate(ReadOnlySpan<double> y, Span<double> residual, Span<double> jacobian)
    {
        var L = context.Layout;
        var m = context.Maps;
        bool withJacobian = !jacobian.IsEmpty;
        double f = context.InverseThermalVoltage;
        double cRef = context.Cell.ReferenceElectrolyteConcentration;
        // An electrode's cells are consecutive: its parameters are fetched when the electrode changes, not per cell.
        int e = -1;
        ElectrodeParameters electrode = null!;
        double aa = 0, ac = 0;
        for (int i = 0; i < context.Graph.CellCount; i++)
        {
            if (m.InterfacialCurrent[i] < 0) continue;
            if (L.ElectrodeOf(i) != e)
            {
                e = L.ElectrodeOf(i);
                electrode = context.Cell.Electrodes[e];
                (aa, ac) = (electrode.AnodicTransferCoefficient, electrode.CathodicTransferCoefficient);
            }
            double ce = Math.Max(y[m.ElectrolyteConcentration[i]], 1e-6);
            int hysteresis = L.HysteresisIndex[i];
            int classes = L.ClassCount(i);
            for (int k = 0; k < classes; k++)
            {
                int row = L.ClassCurrent(i, k);
                double j = y[row];
                double theta = SurfaceStateOfLithiation(context, y, i, k, out double dThetaDc, out double dThetaDj);
                double dUdh = 0;
                double u = hysteresis < 0 ? electrode.EquilibriumPotential(theta, context.Temperature, out double dUdTheta)
                                          : electrode.EquilibriumPotential(theta, y[hysteresis], context.Temperature, out dUdTheta, out dUdh);
                double eta = y[m.SolidPotential[i]] - y[m.ElectrolytePotential[i]] - u - electrode.FilmResistance * j;

                var rate = Rate(context.ReferenceExchangeCurrentDensity[e], aa, ac, f, ce / cRef, theta, eta);
                double j0 = rate.ExchangeCurrentDensity, b = rate.Drive, dbdEta = rate.DriveSlope;
                residual[row] += j - j0 * b;
                if (!withJacobian) continue;

                double dj0dTheta = rate.ExchangeCurrentDensityByTheta;
                double dRdTheta = -(dj0dTheta * b - j0 * dbdEta * dUdTheta);
                jacobian[_self[i][k]] += 1.0 + dRdTheta * dThetaDj + j0 * dbdEta * electrode.FilmResistance;
                jacobian[_solid[i][k]] -= j0 * dbdEta;
                jacobian[_electrolyte[i][k]] += j0 * dbdEta;
                jacobian[_concentration[i][k]] -= aa * j0 / ce * b;
                jacobian[_surface[i][k]] += dRdTheta * dThetaDc;
                if (hysteresis >= 0) jacobian[_hysteresis[i][k]] += j0 * dbdEta * dUdh;
            }
            if (classes < 2) continue;
            // The mean current the charge balances carry (a j = Σ a_k j_k): j − Σ (a_k / a) j_k = 0.
            int mean = m.InterfacialCurrent[i];
            var areas = context.ClassSpecificArea[e];
            double inverseArea = 1.0 / context.SpecificArea[i];
            residual[mean] += y[mean];
            for (int k = 0; k < classes; k++) residual[mean] -= areas[k] * inverseArea * y[L.ClassCurrent(i, k)];
            if (!withJacobian) continue;
            jacobian[_meanSelf[i]] += 1.0;
            for (int k = 0; k < classes; k++) jacobian[_meanClass[i][k]] -= areas[k] * inverseArea;
        }
    }
}

/// <summary>
/// The pieces of a Butler–Volmer rate at one surface point: exchange current density j0 [A/m²], the drive
/// B(η) [1] (j = j0 B), dB/dη [1/V] and ∂j0/∂θ [A/m²].
/// </summary>
public readonly record struct InterfaceRate(double ExchangeCurrentDensity, double Drive, double DriveSlope, double ExchangeCurrentDensityByTheta);
