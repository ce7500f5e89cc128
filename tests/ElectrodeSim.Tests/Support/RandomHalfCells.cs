using System.Globalization;

namespace ElectrodeSim.Tests.Support;

/// <summary>
/// Seeded random half cells with every parameter inside the range a battery modeller would type: the corpus of
/// the robustness tests. Log-uniform where a quantity spans decades (diffusivity, exchange current density,
/// current, film resistance, particle size), uniform otherwise. The ranges are the design ranges of the tool,
/// not the validator's bounds (which are only the mathematical ones, e.g. "> 0").
/// </summary>
internal static class RandomHalfCells
{
    /// <summary>The protocols the corpus draws from: a lithiation to a cut-off, one with no cut-off, a cycle, a rest after lithiation.</summary>
    public enum Protocol { LithiationToCutOff, LithiationWithoutCutOff, Cycle, LithiationThenRest, HoldAfterLithiation }

    public sealed record Sample(int Seed, string Yaml, Protocol Protocol, double ExchangeCurrentDensity, double CurrentDensity, double Temperature);

    public static Sample Create(int seed)
    {
        var random = new Random(seed);
        double Uniform(double a, double b) => a + (b - a) * random.NextDouble();
        double LogUniform(double a, double b) => Math.Exp(Uniform(Math.Log(a), Math.Log(b)));
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        double temperature = Uniform(263, 333);
        double porosity = Uniform(0.2, 0.5);
        double active = Uniform(0.3, 0.95 - porosity);
        double activation = Uniform(5e3, 6e4);
        double j0Ref = LogUniform(1e-2, 1e2);                                 // A/m² at 298.15 K, θ = ½, c_e,ref
        double prefactor = j0Ref * Math.Exp(activation / (8.314462618 * 298.15));
        double film = random.NextDouble() < 0.5 ? 0.0 : LogUniform(1e-5, 1e-2);
        double current = LogUniform(0.1, 20);                                  // mA/cm²
        double theta0 = LogUniform(1e-3, 0.5);
        var protocol = (Protocol)random.Next(5);
        string lithiation = $"""
              - label: lithiation
                mode: current
                current_density_mA_cm2: {F(current)}
                max_duration_s: {F(Math.Min(1e6, 3.6e5 / current))}
            {(protocol == Protocol.LithiationWithoutCutOff ? "" : "    stop: {voltage_below_V: 0.01}\n")}
            """;
        string next = protocol switch
        {
            Protocol.Cycle => $"""
                  - label: delithiation
                    mode: current
                    current_density_mA_cm2: {F(-current)}
                    max_duration_s: {F(Math.Min(1e6, 3.6e5 / current))}
                    stop: {"{voltage_above_V: 1.0}"}

                """,
            Protocol.LithiationThenRest => """
                  - label: rest
                    mode: rest
                    stop: {voltage_above_V: 1.5}

                """,
            Protocol.HoldAfterLithiation => """
                  - label: hold
                    mode: voltage
                    voltage_V: 0.01
                    max_duration_s: 3600
                    stop: {current_below_A_m2: 0.05}

                """,
            _ => "",
        };
        string yaml = $"""
            name: random half cell {seed}
            cell:
              type: half
              temperature_K: {F(temperature)}
            lithium_foil:
              rate_coefficient_m_s: {F(LogUniform(5e-9, 2e-7))}
              transfer_coefficient: {F(Uniform(0.3, 0.7))}
            electrolyte:
              correlation: Valoen2005
              initial_concentration_mol_m3: {F(Uniform(500, 1500))}
            separator:
              thickness_um: {F(Uniform(10, 50))}
              porosity: {F(Uniform(0.3, 0.6))}
              bruggeman: 1.5
            electrode:
              thickness_um: {F(Uniform(5, 100))}
              porosity: {F(porosity)}
              active_volume_fraction: {F(active)}
              particle_radius_um: {F(LogUniform(0.2, 10))}
              bruggeman: {F(Uniform(1.2, 2.0))}
              solid_conductivity_S_m: {F(LogUniform(0.1, 100))}
              active_density_kg_m3: {F(Uniform(1800, 2600))}
              max_capacity_mAh_g: {F(Uniform(500, 3000))}
              initial_state_of_lithiation: {F(theta0)}
              solid_diffusivity_m2_s: {F(LogUniform(1e-16, 1e-12))}
              kinetics:
                exchange_current_prefactor_A_m2: {F(prefactor)}
                activation_energy_J_mol: {F(activation)}
                anodic_transfer_coefficient: {F(Uniform(0.3, 0.7))}
                cathodic_transfer_coefficient: {F(Uniform(0.3, 0.7))}
                film_resistance_ohm_m2: {F(film)}
              ocp:
                function: sio_stand_in
                parameters:
                  end_potential_V: 0.01
                  plateau_slope_V: {F(Uniform(0.01, 0.1))}
                  step_height_V: {F(Uniform(0.1, 0.6))}
                  step_centre: {F(Uniform(0.1, 0.7))}
                  step_width: {F(LogUniform(0.005, 0.1))}
            protocol:
            {lithiation}{next}output:
              fields: false
            """;
        double j0AtT = prefactor * Math.Exp(-activation / (8.314462618 * temperature));
        return new Sample(seed, yaml, protocol, j0AtT, current * 10, temperature);
    }
}
