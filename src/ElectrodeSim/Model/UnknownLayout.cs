using ElectrodeSim.Mesh;

namespace ElectrodeSim.Model;

/// <summary>
/// Where each unknown lives in the state vector. Unknowns are interleaved cell by cell
/// (c_e, φ_e, then in electrode cells φ_s, j, c_s[0..nr)) so that the Jacobian is block
/// tridiagonal in x with a dense particle block per cell — good locality for assembly and a
/// small fill-in for KLU. An electrode with a double layer adds, after the shells, the double-layer
/// potential ψ and the double-layer current i_dl of the cell (<see cref="Physics.DoubleLayerCharging"/>); an electrode
/// without one has exactly the unknowns it had before. An electrode with OCP hysteresis adds, after those, the hysteresis
/// state h of the cell (<see cref="Physics.OcpHysteresisState"/>). The applied current density I [A/m²] and the charge passed
/// Q [C/m²] come last; with the lumped thermal model, after them the cell's temperature rise above the ambient
/// T − T_amb [K] and the heat generated so far [J/m²] (<see cref="Physics.ThermalBalance"/>).
/// </summary>
public sealed class UnknownLayout
{
    /// <param name="mesh">The x mesh and particle meshes.</param>
    /// <param name="doubleLayer">Per electrode, whether it carries a double layer; null: none does.</param>
    /// <param name="hysteresis">Per electrode, whether it carries OCP hysteresis; null: none does.</param>
    /// <param name="thermal">Whether the lumped thermal unknowns follow I and Q.</param>
    public UnknownLayout(CellMesh mesh, IReadOnlyList<bool>? doubleLayer = null, IReadOnlyList<bool>? hysteresis = null, bool thermal = false)
    {
        int n = mesh.CellCount;
        Base = new int[n];
        ElectrodeIndex = new int[n];
        DoubleLayerBase = new int[n];
        HysteresisIndex = new int[n];
        ClassCurrentIndex = new int[n][];
        ClassShellStart = new int[n][];
        int next = 0;
        for (int i = 0; i < n; i++)
        {
            var layer = mesh.LayerOfCell(i);
            Base[i] = next;
            ElectrodeIndex[i] = layer.ElectrodeIndex;
            DoubleLayerBase[i] = -1;
            HysteresisIndex[i] = -1;
            if (layer.Kind != LayerKind.Electrode) { next += 2; continue; }
            int shells = mesh.Particles[layer.ElectrodeIndex].Shells;
            int classes = mesh.ClassParticles[layer.ElectrodeIndex].Length;
            ClassCurrentIndex[i] = new int[classes];
            ClassShellStart[i] = new int[classes];
            ClassCurrentIndex[i][0] = Base[i] + 3;
            ClassShellStart[i][0] = Base[i] + 4;
            next += 4 + shells;
            if (classes > 1)
            {
                // A size distribution: Base + 3 becomes the area-weighted mean current the charge balances see, and each
                // class gets its own j (class 0 right after its shells, the others each followed by their shells).
                ClassCurrentIndex[i][0] = next++;
                for (int k = 1; k < classes; k++)
                {
                    ClassCurrentIndex[i][k] = next++;
                    ClassShellStart[i][k] = next;
                    next += shells;
                }
            }
            if (doubleLayer is not null && doubleLayer[layer.ElectrodeIndex])
            {
                DoubleLayerBase[i] = next;
                next += 2;
            }
            if (hysteresis is not null && hysteresis[layer.ElectrodeIndex]) HysteresisIndex[i] = next++;
        }
        Current = next++;
        Charge = next++;
        TemperatureRise = thermal ? next++ : -1;
        HeatGenerated = thermal ? next++ : -1;
        Size = next;
        Maps = new UnknownMaps(this, mesh);
    }

    /// <summary>The same ordering as index arrays per field over the cells of the graphs the field lives on.</summary>
    public UnknownMaps Maps { get; }

    public int Size { get; }
    public int[] Base { get; }
    /// <summary>Electrode index of each x cell, −1 in the separator.</summary>
    public int[] ElectrodeIndex { get; }
    public int ElectrodeOf(int cell) => ElectrodeIndex[cell];
    public int Current { get; }
    public int Charge { get; }
    /// <summary>T − T_amb [K] of the lumped thermal model; −1 when isothermal.</summary>
    public int TemperatureRise { get; }
    /// <summary>Heat generated since the start of the run [J/m²] (∫Q dt); −1 when isothermal.</summary>
    public int HeatGenerated { get; }
    public bool IsThermal => TemperatureRise >= 0;

    public int ElectrolyteConcentration(int cell) => Base[cell];
    public int ElectrolytePotential(int cell) => Base[cell] + 1;
    public int SolidPotential(int cell) => Base[cell] + 2;
    public int InterfacialCurrent(int cell) => Base[cell] + 3;
    public int SolidConcentration(int cell, int shell) => Base[cell] + 4 + shell;
    /// <summary>
    /// Per x cell (null in the separator), the unknown index of each particle size class's interfacial current j_k; with one
    /// size class that is <see cref="InterfacialCurrent"/> itself, with several <see cref="InterfacialCurrent"/> is their
    /// area-weighted mean Σ a_k j_k / Σ a_k (<see cref="Physics.ButlerVolmerKinetics"/>).
    /// </summary>
    public int[][] ClassCurrentIndex { get; }
    /// <summary>Per x cell (null in the separator), the unknown index of shell 0 of each size class (class 0: <see cref="SolidConcentration"/>(cell, 0)).</summary>
    public int[][] ClassShellStart { get; }
    public int ClassCount(int cell) => ClassCurrentIndex[cell]?.Length ?? 0;
    public int ClassCurrent(int cell, int sizeClass) => ClassCurrentIndex[cell][sizeClass];
    public int ClassSolidConcentration(int cell, int sizeClass, int shell) => ClassShellStart[cell][sizeClass] + shell;
    public bool IsElectrode(int cell) => ElectrodeIndex[cell] >= 0;
    /// <summary>Index of the cell's double-layer potential ψ (the current i_dl follows it), −1 where there is no double layer.</summary>
    public int[] DoubleLayerBase { get; }
    public bool HasDoubleLayer(int cell) => DoubleLayerBase[cell] >= 0;
    /// <summary>ψ = φ_s − φ_e across the double layer [V].</summary>
    public int DoubleLayerPotential(int cell) => DoubleLayerBase[cell];
    /// <summary>i_dl = C_dl dψ/dt [A/m² of particle surface].</summary>
    public int DoubleLayerCurrent(int cell) => DoubleLayerBase[cell] + 1;
    /// <summary>Index of the cell's OCP hysteresis state h [1], −1 where there is none.</summary>
    public int[] HysteresisIndex { get; }
    public bool HasHysteresis(int cell) => HysteresisIndex[cell] >= 0;
    /// <summary>The hysteresis state h [1] of the particle of the cell (−1 lithiation branch, +1 delithiation branch).</summary>
    public int HysteresisState(int cell) => HysteresisIndex[cell];
}

/// <summary>
/// Unknown index of each field per cell of its finite-volume graph, −1 where the field does not live: what the
/// conservation laws read instead of a stencil. The x fields are indexed by the cells of <see cref="CellMesh.Graph"/>;
/// the particles of an electrode are copies of its <see cref="ParticleMesh.Graph"/>, one block of c_s unknowns each.
/// </summary>
public sealed class UnknownMaps
{
    internal UnknownMaps(UnknownLayout layout, CellMesh mesh)
    {
        int n = mesh.CellCount;
        ElectrolyteConcentration = new int[n];
        ElectrolytePotential = new int[n];
        SolidPotential = new int[n];
        InterfacialCurrent = new int[n];
        SolidConcentration = new int[n];
        for (int i = 0; i < n; i++)
        {
            ElectrolyteConcentration[i] = layout.ElectrolyteConcentration(i);
            ElectrolytePotential[i] = layout.ElectrolytePotential(i);
            bool electrode = layout.IsElectrode(i);
            SolidPotential[i] = electrode ? layout.SolidPotential(i) : -1;
            InterfacialCurrent[i] = electrode ? layout.InterfacialCurrent(i) : -1;
            SolidConcentration[i] = electrode ? layout.SolidConcentration(i, 0) : -1;
        }
        Shells = mesh.Particles.Select(p => Enumerable.Range(0, p.Shells).ToArray()).ToArray();
    }

    /// <summary>c_e per x cell.</summary>
    public int[] ElectrolyteConcentration { get; }
    /// <summary>φ_e per x cell.</summary>
    public int[] ElectrolytePotential { get; }
    /// <summary>φ_s per x cell, −1 in the separator.</summary>
    public int[] SolidPotential { get; }
    /// <summary>j per x cell, −1 in the separator.</summary>
    public int[] InterfacialCurrent { get; }
    /// <summary>
    /// c_s of the particle of x cell i: the copy of its electrode's radial graph whose cell k (shell k) has the
    /// unknown <c>SolidConcentration[i] + Shells[e][k]</c>; −1 in the separator.
    /// </summary>
    public int[] SolidConcentration { get; }
    /// <summary>Offset of each radial graph cell within its particle's block of c_s unknowns, per electrode.</summary>
    public int[][] Shells { get; }
}
