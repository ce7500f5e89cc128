namespace ElectrodeSim.Mesh.Resolved;

/// <summary>
/// Graded separator columns of a <see cref="ResolvedMesh"/>: the column next to the electrode is <see cref="FirstCell"/> wide and
/// each column towards the lithium foil is <see cref="Growth"/> times its neighbour's width, capped at <see cref="MaxCell"/>; the
/// widths are then scaled by one factor so they fill the separator exactly (the column count is the one whose unscaled total is
/// nearest the thickness, so the factor is within half the widest column over the thickness of 1). Lengths in m.
/// <para>
/// Why: the separator's fields (c_e, φ_e only) vary in y only within about a particle spacing of the electrode, where the current
/// enters the matrix between the discs; further towards the foil they are nearly 1-D in x, and in the SiO@C-l paper box the
/// uniform separator held 50 000 of the 83 400 cells at 0.1 µm. The rows stay the electrode's (a conforming Cartesian graph:
/// every face joins two cells across its whole length, areas and centre distances as on any rectangle grid), so the laws on
/// the <see cref="FiniteVolumeGraph"/> see only other widths. <see cref="Growth"/> = 1 gives uniform columns of
/// <see cref="FirstCell"/> (rounded to fill the thickness, as the uniform mesh does).
/// </para>
/// </summary>
/// <param name="FirstCell">Width of the separator column beside the electrode [m], &gt; 0.</param>
/// <param name="Growth">Width ratio of each column to its neighbour on the electrode side [1], in [1, 2].</param>
/// <param name="MaxCell">Widest column [m], ≥ <paramref name="FirstCell"/>.</param>
public sealed record SeparatorGrading(double FirstCell, double Growth, double MaxCell)
{
    /// <summary>Growth of the 2-D cases (cases/sio-c-*-2d.yaml) and the key's default: see docs/resolved-model.md (graded separator) for the measurement.</summary>
    public const double DefaultGrowth = 1.2;
    /// <summary>Widest column of the 2-D cases and the key's default [m] (the P2D cases' separator cells are 25/8 = 3.1 µm).</summary>
    public const double DefaultMaxCell = 2e-6;
    /// <summary>More columns than this in a separator is refused (a first cell far below the thickness with no growth).</summary>
    public const int MaximumColumns = 100_000;

    /// <summary>What is wrong with the grading for a separator of <paramref name="thickness"/> [m], or null.</summary>
    public string? Problem(double thickness)
    {
        if (!(FirstCell > 0) || !double.IsFinite(FirstCell)) return $"first cell {FirstCell} m is not > 0";
        if (!(Growth >= 1 && Growth <= 2)) return $"growth {Growth} is not in [1, 2]";
        if (!(MaxCell >= FirstCell) || !double.IsFinite(MaxCell)) return $"largest cell {MaxCell} m is below the first cell {FirstCell} m";
        if (FirstCell > thickness) return $"first cell {FirstCell} m is wider than the separator ({thickness} m)";
        return null;
    }

    /// <summary>The column widths [m] from the lithium foil (x = 0) to the electrode (x = <paramref name="thickness"/>); they add up to the thickness.</summary>
    public double[] ColumnWidths(double thickness)
    {
        if (Problem(thickness) is { } problem) throw new ArgumentException($"separator grading: {problem}");
        var widths = new List<double>();
        double sum = 0, width = FirstCell;
        while (sum < thickness)
        {
            if (widths.Count >= MaximumColumns)
                throw new ArgumentException($"separator grading: more than {MaximumColumns} columns (first cell {FirstCell} m, growth {Growth}, largest {MaxCell} m, separator {thickness} m)");
            widths.Add(width);
            sum += width;
            width = Math.Min(width * Growth, MaxCell);
        }
        // One column fewer when that total is nearer the thickness (the uniform mesh's round(Ls/h)).
        if (widths.Count > 1 && sum - thickness > thickness - (sum - widths[^1]))
        {
            sum -= widths[^1];
            widths.RemoveAt(widths.Count - 1);
        }
        double scale = thickness / sum;
        var fromFoil = new double[widths.Count];
        for (int k = 0; k < widths.Count; k++) fromFoil[widths.Count - 1 - k] = widths[k] * scale;
        return fromFoil;
    }
}
