using ElectrodeSim.Materials;

namespace ElectrodeSim.Model;

/// <summary>A porous separator layer. SI units.</summary>
public sealed record SeparatorParameters
{
    /// <summary>Thickness [m].</summary>
    public required double Thickness { get; init; }
    /// <summary>Electrolyte volume fraction [1].</summary>
    public required double Porosity { get; init; }
    /// <summary>Bruggeman exponent for electrolyte transport [1].</summary>
    public double Bruggeman { get; init; } = 1.5;
}

/// <summary>A porous insertion electrode with spherical particles. SI units.</summary>
public sealed record ElectrodeParameters
{
    public required string Name { get; init; }
    /// <summary>Thickness [m].</summary>
    public required double Thickness { get; init; }
    /// <summary>Electrolyte volume fraction ε_e [1].</summary>
    public required double Porosity { get; init; }
    /// <summary>Active-material volume fraction ε_s [1].</summary>
    public required double ActiveVolumeFraction { get; init; }
    /// <summary>Particle radius [m].</summary>
    public required double ParticleRadius { get; init; }
    /// <summary>Bruggeman exponent for electrolyte transport [1].</summary>
    public double BruggemanElectrolyte { get; init; } = 1.5;
    /// <summary>Effective electronic conductivity σ_eff of the solid phase [S/m].</summary>
    public required double EffectiveConductivity { get; init; }
    /// <summary>Maximum lithium concentration in the active material c_s,max [mol/m³].</summary>
    public required double MaxConcentration { get; init; }
    /// <summary>Uniform initial state of lithiation θ0 = c_s/c_s,max [1].</summary>
    public required double InitialStateOfLithiation { get; init; }
    /// <summary>Solid diffusivity at the reference temperature [m²/s]; used when <see cref="SolidDiffusivityFunction"/> is null.</summary>
    public double SolidDiffusivity { get; init; }
    /// <summary>Activation energy of the solid diffusivity [J/mol]; 0 for none.</summary>
    public double SolidDiffusivityActivationEnergy { get; init; }
    /// <summary>Reference temperature of the solid diffusivity [K].</summary>
    public double ReferenceTemperature { get; init; } = 298.15;
    /// <summary>
    /// Concentration-dependent solid diffusivity D_s(θ, T) [m²/s] (the correlation's first argument is
    /// the state of lithiation θ), with its own temperature dependence; null for the constant
    /// <see cref="SolidDiffusivity"/> with its Arrhenius factor.
    /// </summary>
    public Correlation? SolidDiffusivityFunction { get; init; }
    /// <summary>Factor on <see cref="SolidDiffusivityFunction"/>'s D_s(θ, T) and its θ-derivative [1]; 1 for the function as published.</summary>
    public double SolidDiffusivityScale { get; init; } = 1.0;
    /// <summary>
    /// The narrowest minimum of <see cref="SolidDiffusivityFunction"/> in log10 D (amplitude &lt; 0, centre, width²; see
    /// <see cref="SolidDiffusivities.NarrowestMinimum"/>), set with <see cref="SolidDiffusivityDipScale"/>; null for none.
    /// </summary>
    public (double Amplitude, double Centre, double WidthSquared)? SolidDiffusivityDip { get; init; }
    /// <summary>
    /// Factor s on the log10 amplitude of <see cref="SolidDiffusivityDip"/> [1]: D = D_published 10^((s − 1) a exp(−(θ − b)²/c));
    /// 1 for the function as published (no change at all), 0 removes the minimum.
    /// </summary>
    public double SolidDiffusivityDipScale { get; init; } = 1.0;
    /// <summary>Exchange-current prefactor j0' [A/m²]: j0_ref(T) = j0' exp(−Ea/RT) (MODEL.md §2).</summary>
    public required double ExchangeCurrentPrefactor { get; init; }
    /// <summary>Activation energy Ea of the interfacial reaction [J/mol].</summary>
    public double ReactionActivationEnergy { get; init; }
    public double AnodicTransferCoefficient { get; init; } = 0.5;
    public double CathodicTransferCoefficient { get; init; } = 0.5;
    /// <summary>Film (SEI/contact) resistance per unit particle surface R_film [Ω·m²].</summary>
    public double FilmResistance { get; init; }
    /// <summary>
    /// Double-layer capacitance per unit particle surface C_dl [F/m²]: the interfacial current is j + C_dl ∂(φ_s − φ_e)/∂t
    /// in both charge balances (MODEL.md §2, optional); 0 for none.
    /// </summary>
    public double DoubleLayerCapacitance { get; init; }
    /// <summary>Whether the electrode carries a double layer (and its two unknowns per cell).</summary>
    public bool HasDoubleLayer => DoubleLayerCapacitance > 0;
    /// <summary>U(θ) [V]; with <see cref="Hysteresis"/>, the blend at its initial state (the rest state's equilibrium).</summary>
    public required IOpenCircuitPotential OpenCircuitPotential { get; init; }
    /// <summary>
    /// Entropic coefficient ∂U/∂T(θ) [V/K] (its slope ∂²U/∂T∂θ), null for none: the equilibrium potential at T is
    /// <c>U(θ) + (T − T_ref) ∂U/∂T(θ)</c>, T_ref = <see cref="EntropicReferenceTemperature"/>, and the reaction carries the
    /// reversible heat a j T ∂U/∂T.
    /// </summary>
    public IOpenCircuitPotential? EntropicCoefficient { get; init; }
    /// <summary>Temperature at which <see cref="OpenCircuitPotential"/> holds [K].</summary>
    public double EntropicReferenceTemperature { get; init; } = 298.15;

    /// <summary>
    /// U(θ, T) [V] and ∂U/∂θ: the curve itself without an entropic coefficient or at its reference temperature (bit for
    /// bit), else shifted by (T − T_ref) ∂U/∂T(θ).
    /// </summary>
    public double EquilibriumPotential(double theta, double temperature, out double slope)
    {
        double u = OpenCircuitPotential.Evaluate(theta, out slope);
        if (EntropicCoefficient is null || temperature == EntropicReferenceTemperature) return u;
        double s = EntropicCoefficient.Evaluate(theta, out double ds);
        double dT = temperature - EntropicReferenceTemperature;
        slope += dT * ds;
        return u + dT * s;
    }

    /// <summary>
    /// U(θ, h, T) [V], ∂U/∂θ and ∂U/∂h with <see cref="Hysteresis"/>: the branch blend at hysteresis state h, shifted by
    /// (T − T_ref) ∂U/∂T(θ) as <see cref="EquilibriumPotential(double, double, out double)"/>.
    /// </summary>
    public double EquilibriumPotential(double theta, double h, double temperature, out double slope, out double dUdh)
    {
        double u = Hysteresis!.Evaluate(theta, h, out slope, out dUdh);
        if (EntropicCoefficient is null || temperature == EntropicReferenceTemperature) return u;
        double s = EntropicCoefficient.Evaluate(theta, out double ds);
        double dT = temperature - EntropicReferenceTemperature;
        slope += dT * ds;
        return u + dT * s;
    }

    /// <summary>
    /// U(θ, T) [V] and ∂U/∂θ as <see cref="EquilibriumPotential(double, double, out double)"/>, with the entropic coefficient
    /// ∂U/∂T(θ) [V/K] and its θ-slope from the same evaluation (0 without one): for the heat rows, which need both per cell.
    /// </summary>
    public double EquilibriumPotential(double theta, double temperature, out double slope, out double entropic, out double entropicSlope)
    {
        double u = OpenCircuitPotential.Evaluate(theta, out slope);
        if (EntropicCoefficient is null) { (entropic, entropicSlope) = (0.0, 0.0); return u; }
        entropic = EntropicCoefficient.Evaluate(theta, out entropicSlope);
        if (temperature == EntropicReferenceTemperature) return u;
        double dT = temperature - EntropicReferenceTemperature;
        slope += dT * entropicSlope;
        return u + dT * entropic;
    }

    /// <summary>∂U/∂T(θ) [V/K] and its θ-slope; 0 without an entropic coefficient.</summary>
    public double EntropicCoefficientAt(double theta, out double slope)
    {
        if (EntropicCoefficient is null) { slope = 0.0; return 0.0; }
        return EntropicCoefficient.Evaluate(theta, out slope);
    }

    /// <summary>
    /// Lithiation/delithiation equilibrium branches and the one-state hysteresis model (<see cref="OcpHysteresis"/>), which
    /// adds a hysteresis state h per x cell; null (default) for a single curve, <see cref="OpenCircuitPotential"/>.
    /// </summary>
    public OcpHysteresis? Hysteresis { get; init; }
    /// <summary>Whether the electrode carries OCP hysteresis (and its state unknown per cell).</summary>
    public bool HasHysteresis => Hysteresis is not null;
    /// <summary>Density of the active material [kg/m³], for specific capacity.</summary>
    public required double ActiveMaterialDensity { get; init; }

    /// <summary>
    /// Particle-size distribution: N size classes, each with its radius and its share of the active volume (shares sum to
    /// 1), every class with its own particles, Butler–Volmer flux and solid diffusion, all sharing the x cell's c_e, φ_e and
    /// φ_s. Null (default): one size, <see cref="ParticleRadius"/>. With a distribution <see cref="ParticleRadius"/> is its
    /// surface-weighted (Sauter) mean radius (Σ w_k / Σ (w_k / R_k)), so that a = 3 ε_s / R_p still holds.
    /// </summary>
    public IReadOnlyList<ParticleSizeClass>? ParticleSizeClasses { get; init; }
    /// <summary>Number of particle size classes (1 without a distribution).</summary>
    public int ParticleClassCount => ParticleSizeClasses?.Count ?? 1;
    /// <summary>Radius of size class <paramref name="k"/> [m] (<see cref="ParticleRadius"/> without a distribution).</summary>
    public double ClassRadius(int k) => ParticleSizeClasses is { } c ? c[k].Radius : ParticleRadius;
    /// <summary>Share of the active volume of size class <paramref name="k"/> [1] (1 without a distribution).</summary>
    public double ClassVolumeFraction(int k) => ParticleSizeClasses is { } c ? c[k].VolumeFraction : 1.0;
    /// <summary>Specific interfacial area of size class <paramref name="k"/>, a_k = 3 ε_s w_k / R_k [1/m].</summary>
    public double ClassSpecificArea(int k) => ParticleSizeClasses is null ? SpecificArea : 3.0 * ActiveVolumeFraction * ClassVolumeFraction(k) / ClassRadius(k);

    /// <summary>Specific interfacial area a = 3 ε_s / R_p [1/m]; with a distribution Σ_k a_k.</summary>
    public double SpecificArea
    {
        get
        {
            if (ParticleSizeClasses is not { } classes) return 3.0 * ActiveVolumeFraction / ParticleRadius;
            double a = 0;
            for (int k = 0; k < classes.Count; k++) a += 3.0 * ActiveVolumeFraction * classes[k].VolumeFraction / classes[k].Radius;
            return a;
        }
    }

    /// <summary>Current density of 1C [A/m²]: the theoretical capacity per area, ε_s c_max F L, passed in one hour.</summary>
    public double OneCCurrentDensity => ActiveVolumeFraction * MaxConcentration * PhysicalConstants.Faraday * Thickness / 3600.0;

    /// <summary>Active mass per electrode area [kg/m²].</summary>
    public double ActiveMassPerArea => ActiveVolumeFraction * ActiveMaterialDensity * Thickness;

    /// <summary>Whether D_s depends on the state of lithiation.</summary>
    public bool HasConcentrationDependentDiffusivity => SolidDiffusivityFunction != null;

    /// <summary>The constant solid diffusivity at <paramref name="temperature"/> [m²/s] (Arrhenius about <see cref="ReferenceTemperature"/>).</summary>
    public double SolidDiffusivityAt(double temperature) =>
        SolidDiffusivity * Math.Exp(SolidDiffusivityActivationEnergy / PhysicalConstants.GasConstant * (1 / ReferenceTemperature - 1 / temperature));

    /// <summary>D_s(θ, T) [m²/s] and ∂D_s/∂θ, whichever form the electrode has.</summary>
    public double SolidDiffusivityAt(double theta, double temperature, out double dDdTheta)
    {
        if (SolidDiffusivityFunction is { } f)
        {
            double d = SolidDiffusivityScale * f.Value(theta, temperature, out dDdTheta);
            dDdTheta *= SolidDiffusivityScale;
            if (SolidDiffusivityDipScale != 1.0 && SolidDiffusivityDip is { } dip)
            {
                // log10 D changes by e(θ) = (s − 1) a exp(−(θ − b)²/c): D → D 10^e, ∂D/∂θ → (∂D/∂θ + D ln10 ∂e/∂θ) 10^e.
                double dx = theta - dip.Centre;
                double e = (SolidDiffusivityDipScale - 1.0) * dip.Amplitude * Math.Exp(-dx * dx / dip.WidthSquared);
                double factor = Math.Pow(10.0, e);
                dDdTheta = (dDdTheta + d * Math.Log(10.0) * e * (-2.0 * dx / dip.WidthSquared)) * factor;
                d *= factor;
            }
            return d;
        }
        dDdTheta = 0.0;
        return SolidDiffusivityAt(temperature);
    }

    /// <summary>j0 at θ = 0.5 and c_e = c_e,ref [A/m²].</summary>
    public double ReferenceExchangeCurrentDensity(double temperature) =>
        ExchangeCurrentPrefactor * Math.Exp(-ReactionActivationEnergy / (PhysicalConstants.GasConstant * temperature));
}

/// <summary>One particle size class of a distribution: radius [m] and share of the electrode's active volume [1].</summary>
public readonly record struct ParticleSizeClass(double Radius, double VolumeFraction)
{
    /// <summary>The Sauter (surface-weighted) mean radius Σ w_k / Σ (w_k / R_k) [m] of <paramref name="classes"/>.</summary>
    public static double SauterMeanRadius(IReadOnlyList<ParticleSizeClass> classes)
    {
        double w = 0, area = 0;
        foreach (var c in classes) { w += c.VolumeFraction; area += c.VolumeFraction / c.Radius; }
        return w / area;
    }
}

/// <summary>Lithium-metal counter electrode: j0_Li = k F c_Li^0.7 c_e^0.3 (Xu et al. 2019).</summary>
public sealed record LithiumFoilParameters
{
    /// <summary>Rate coefficient k in j0 = k F c_Li^0.7 c_e^0.3 [m/s · (m³/mol)^0 ...]; Xu2019: 3.5e-8.</summary>
    public double RateCoefficient { get; init; } = 3.5e-8;
    /// <summary>Lithium-metal concentration c_Li = 1 / molar volume [mol/m³].</summary>
    public double LithiumConcentration
    {
        get => _lithiumConcentration;
        init { _lithiumConcentration = value; _lithiumFactor = Math.Pow(value, 0.7); }
    }
    private readonly double _lithiumConcentration = 1.0 / 1.3e-5;
    /// <summary>c_Li^0.7, formed with c_Li (a pow per j0 evaluation otherwise, six per foil Jacobian row).</summary>
    private readonly double _lithiumFactor = Math.Pow(1.0 / 1.3e-5, 0.7);
    /// <summary>Anodic transfer coefficient of the foil reaction [1].</summary>
    public double TransferCoefficient { get; init; } = 0.5;

    public double ExchangeCurrentDensity(double ce) =>
        RateCoefficient * PhysicalConstants.Faraday * _lithiumFactor * Math.Pow(Math.Max(ce, 1e-12), 0.3);
}

/// <summary>
/// Everything the P2D model needs, in SI units: a stack of layers along x. A half cell is
/// [separator, electrode] with a lithium foil at x = 0; a full cell is [electrode, separator,
/// electrode] with the left collector grounded. The same equations hold in every electrode.
/// </summary>
public sealed record CellParameters
{
    /// <summary>Cell temperature [K].</summary>
    public required double Temperature { get; init; }
    public required ElectrolyteProperties Electrolyte { get; init; }
    /// <summary>Initial electrolyte concentration [mol/m³].</summary>
    public required double InitialElectrolyteConcentration { get; init; }
    /// <summary>Reference electrolyte concentration of the exchange current density [mol/m³].</summary>
    public double ReferenceElectrolyteConcentration { get; init; } = 1000.0;
    public required SeparatorParameters Separator { get; init; }
    /// <summary>Electrodes from x = 0: one (half cell, the working electrode) or two (full cell: negative, positive).</summary>
    public required IReadOnlyList<ElectrodeParameters> Electrodes { get; init; }
    /// <summary>Counter electrode of a half cell; null for a full cell.</summary>
    public LithiumFoilParameters? LithiumFoil { get; init; }
    /// <summary>The lumped thermal model (one cell temperature); null: isothermal at <see cref="Temperature"/>.</summary>
    public ThermalParameters? Thermal { get; init; }

    public bool IsHalfCell => LithiumFoil != null;

    /// <summary>The electrode whose active mass defines specific capacity (the working electrode; for a full cell the positive).</summary>
    public ElectrodeParameters WorkingElectrode => Electrodes[^1];
}

/// <summary>
/// Lumped thermal model of the whole cell, per unit electrode area (the model's cross-section):
/// <c>C dT/dt = Q − H (T − T_amb)</c>, C = m c_p / A_electrode, H = h A_cooling / A_electrode. SI units.
/// </summary>
public sealed record ThermalParameters
{
    /// <summary>Heat capacity per unit electrode area C [J/(m² K)].</summary>
    public required double ArealHeatCapacity { get; init; }
    /// <summary>Heat-transfer conductance to the ambient per unit electrode area H [W/(m² K)].</summary>
    public required double HeatTransferConductance { get; init; }
    /// <summary>Ambient temperature [K].</summary>
    public required double AmbientTemperature { get; init; }
    /// <summary>Cell temperature at the start of the run [K].</summary>
    public required double InitialTemperature { get; init; }
}
