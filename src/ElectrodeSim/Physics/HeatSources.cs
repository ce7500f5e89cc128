using ElectrodeSim.Materials;
using ElectrodeSim.Mesh;

namespace ElectrodeSim.Physics;

/// <summary>
/// The local heat sources of one state, summed over the cell [W/m² of electrode area], each from the discretised fields
/// the way the balances see them: reaction <c>Σ a j η Δx</c> (η the Butler–Volmer overpotential), film
/// <c>Σ a R_film j² Δx</c>, reversible <c>Σ a j T ∂U/∂T Δx</c>, electrolyte ohmic (with the diffusion potential)
/// <c>Σ_faces i_e (φ_e,L − φ_e,R)</c> including the half cell at the foil, solid ohmic <c>Σ_faces i_s (φ_s,L − φ_s,R)</c>
/// including the half cells at the collectors, and the lithium foil's reaction <c>I η_Li</c>. Their sum equals
/// <see cref="ThermalBalance.HeatRate"/> whenever the charge balances hold (summation by parts); the thermal tests check it.
/// </summary>
public readonly record struct HeatRates(double Reaction, double Film, double Reversible, double ElectrolyteOhmic, double SolidOhmic, double LithiumFoil)
{
    /// <summary>Irreversible heat [W/m²]: everything but the reversible part.</summary>
    public double Irreversible => Reaction + Film + ElectrolyteOhmic + SolidOhmic + LithiumFoil;
    /// <summary>Total heat rate Q [W/m²].</summary>
    public double Total => Irreversible + Reversible;

    /// <summary>The sources of state y (sets the context's temperature and electrolyte coefficients to y's).</summary>
    public static HeatRates Of(P2DContext context, ReadOnlySpan<double> y)
    {
        context.SyncTemperature(y);
        context.UpdateElectrolyteTransport(y, withSlopes: false);
        var graph = context.Graph;
        var L = context.Layout;
        var m = context.Maps;
        double T = context.Temperature, f = context.InverseThermalVoltage;
        double reaction = 0, film = 0, reversible = 0, electrolyte = 0, solid = 0, foil = 0;
        for (int i = 0; i < graph.CellCount; i++)
        {
            if (!L.IsElectrode(i)) continue;
            int e = L.ElectrodeOf(i);
            var electrode = context.Cell.Electrodes[e];
            // Each size class at its own surface state and current, weighted by its area a_k (one class: a).
            for (int c = 0; c < L.ClassCount(i); c++)
            {
                double theta = ButlerVolmerKinetics.SurfaceStateOfLithiation(context, y, i, c, out _, out _);
                double u = electrode.EquilibriumPotential(theta, T, out _, out double s, out _);
                double j = y[L.ClassCurrent(i, c)];
                double weight = (L.ClassCount(i) == 1 ? context.SpecificArea[i] : context.ClassSpecificArea[e][c]) * graph.CellVolume[i];
                double eta = y[m.SolidPotential[i]] - y[m.ElectrolytePotential[i]] - u - electrode.FilmResistance * j;
                reaction += weight * j * eta;
                film += weight * electrode.FilmResistance * j * j;
                reversible += weight * j * T * s;
            }
        }
        var kappa = context.EffectiveConductivity;
        var nu = context.TransportFactor;
        for (int face = 0; face < graph.FaceCount; face++)
        {
            int l = graph.LeftCell[face], r = graph.RightCell[face];
            if (r < 0 || graph.Kind[face] != FaceKind.Interior) continue;
            double area = graph.FaceArea[face];
            double pL = y[m.ElectrolytePotential[l]], pR = y[m.ElectrolytePotential[r]];
            double t = area * FaceTransmissibility.FromDistances(context.FaceAverage, graph.LeftDistance[face], kappa[l], graph.RightDistance[face], kappa[r], out _, out _);
            double drive = 0.5 * (nu[l] + nu[r]) * (Math.Log(y[m.ElectrolyteConcentration[r]]) - Math.Log(y[m.ElectrolyteConcentration[l]]));
            electrolyte += t * (drive - (pR - pL)) * (pL - pR);
            if (m.SolidPotential[l] < 0 || m.SolidPotential[r] < 0) continue;
            double sL = y[m.SolidPotential[l]], sR = y[m.SolidPotential[r]];
            double sigmaL = context.Cell.Electrodes[L.ElectrodeOf(l)].EffectiveConductivity, sigmaR = context.Cell.Electrodes[L.ElectrodeOf(r)].EffectiveConductivity;
            double ts = area * FaceTransmissibility.FromDistances(context.FaceAverage, graph.LeftDistance[face], sigmaL, graph.RightDistance[face], sigmaR, out _, out _);
            solid += ts * (sL - sR) * (sL - sR);
        }
        double current = y[L.Current];
        // Collector half cell at x = L: i_s = I from φ_s of the last cell to V.
        double v = SolidChargeBalance.Voltage(context, y, out _, out _);
        int last = graph.LeftCell[context.CollectorFace];
        solid += graph.FaceArea[context.CollectorFace] * current * (y[m.SolidPotential[last]] - v);
        if (context.Cell.IsHalfCell)
        {
            var lithium = context.Cell.LithiumFoil!;
            var el = context.Cell.Electrolyte;
            foreach (int face in graph.FacesOf(FaceKind.Boundary, FaceTags.XStart))
            {
                int cell = graph.LeftCell[face];
                double distance = graph.LeftDistance[face], area = graph.FaceArea[face];
                double p0 = y[m.ElectrolytePotential[cell]], c0 = y[m.ElectrolyteConcentration[cell]];
                double faceCurrent = Physics.LithiumFoil.FaceCurrent(lithium, el, T, f, context.Tortuosity[cell], distance, p0, c0, current, out _);
                double c = Math.Max(c0, 1e-6);
                double diffusivity = context.Tortuosity[cell] * el.Diffusivity.Value(c, T);
                double faceConcentration = Math.Max(c + distance * (1 - el.TransferenceNumber) * current / (PhysicalConstants.Faraday * diffusivity), 1e-6);
                double etaLi = Physics.LithiumFoil.Overpotential(lithium, current, faceConcentration, f);
                // Electrolyte half cell from the foil face (φ_e = −η_Li) to the first cell centre, then the foil reaction.
                electrolyte += area * faceCurrent * (-etaLi - p0);
                foil += area * current * etaLi;
            }
        }
        else
        {
            foreach (int face in graph.FacesOf(FaceKind.Boundary, FaceTags.XStart))
            {
                int cell = graph.LeftCell[face];
                if (m.SolidPotential[cell] < 0) continue;
                double sigma = context.Cell.Electrodes[L.ElectrodeOf(cell)].EffectiveConductivity;
                double t = graph.FaceArea[face] * FaceTransmissibility.BoundaryFromDistance(graph.LeftDistance[face], sigma);
                double p = y[m.SolidPotential[cell]];
                solid += t * p * p;
            }
        }
        return new HeatRates(reaction, film, reversible, electrolyte, solid, foil);
    }
}
