using ElectrodeSim.Mesh;

namespace ElectrodeSim.Model;

/// <summary>
/// Where each unknown lives in the state vector. Unknowns are interleaved cell by cell
/// (c_e, φ_e, then in electrode cells φ_s, j, c_s[0..nr)) so that the Jacobian is block
/// tridiagonal in x with a dense particle block per cell — good locality for assembly and a
/// small fill-in for KLU. The applied current density I [A/m²] and the charge passed Q [C/m²]
/// come last.
/// </summary>
public sealed class UnknownLayout
{
    public UnknownLayout(CellMesh mesh)
    {
        int n = mesh.CellCount;
        Base = new int[n];
        ElectrodeIndex = new int[n];
        int next = 0;
        for (int i = 0; i < n; i++)
        {
            var layer = mesh.LayerOfCell(i);
            Base[i] = next;
            ElectrodeIndex[i] = layer.ElectrodeIndex;
            next += layer.Kind == LayerKind.Electrode ? 4 + mesh.Particles[layer.ElectrodeIndex].Shells : 2;
        }
        Current = next++;
        Charge = next++;
        Size = next;
    }

    public int Size { get; }
    public int[] Base { get; }
    /// <summary>Electrode index of each x cell, −1 in the separator.</summary>
    public int[] ElectrodeIndex { get; }
    public int ElectrodeOf(int cell) => ElectrodeIndex[cell];
    public int Current { get; }
    public int Charge { get; }

    public int ElectrolyteConcentration(int cell) => Base[cell];
    public int ElectrolytePotential(int cell) => Base[cell] + 1;
    public int SolidPotential(int cell) => Base[cell] + 2;
    public int InterfacialCurrent(int cell) => Base[cell] + 3;
    public int SolidConcentration(int cell, int shell) => Base[cell] + 4 + shell;
    public bool IsElectrode(int cell) => ElectrodeIndex[cell] >= 0;
}
