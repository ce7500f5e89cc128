namespace ElectrodeSim.Numerics.Sparse;

/// <summary>
/// The fixed non-zero pattern of a square sparse matrix in compressed-sparse-column form
/// (0-based). Assembly code asks once for the slot of each (row, column) entry and then
/// writes values straight into a <c>double[]</c> of length <see cref="NonZeroCount"/>, so
/// the hot loop never searches.
/// </summary>
public sealed class SparsityPattern
{
    private readonly Dictionary<long, int> _slots;

    internal SparsityPattern(int size, int[] colPointers, int[] rowIndices)
    {
        Size = size;
        ColumnPointers = colPointers;
        RowIndices = rowIndices;
        _slots = new Dictionary<long, int>(rowIndices.Length);
        EntryColumns = new int[rowIndices.Length];
        for (int c = 0; c < size; c++)
        {
            for (int k = colPointers[c]; k < colPointers[c + 1]; k++)
            {
                _slots[Key(rowIndices[k], c)] = k;
                EntryColumns[k] = c;
            }
        }
    }

    public int Size { get; }
    public int NonZeroCount => RowIndices.Length;
    public int[] ColumnPointers { get; }
    public int[] RowIndices { get; }
    /// <summary>Column of each stored entry (the companion of <see cref="RowIndices"/>).</summary>
    public int[] EntryColumns { get; }

    /// <summary>Slot of entry (row, col) in the value array; throws if it is not in the pattern.</summary>
    public int SlotOf(int row, int col) =>
        _slots.TryGetValue(Key(row, col), out int k)
            ? k
            : throw new KeyNotFoundException($"entry ({row}, {col}) is not in the sparsity pattern");

    public bool Contains(int row, int col) => _slots.ContainsKey(Key(row, col));

    /// <summary>y = A x for a matrix with this pattern and the given values.</summary>
    public void Multiply(ReadOnlySpan<double> values, ReadOnlySpan<double> x, Span<double> y)
    {
        y.Clear();
        for (int c = 0; c < Size; c++)
        {
            double xc = x[c];
            for (int k = ColumnPointers[c]; k < ColumnPointers[c + 1]; k++) y[RowIndices[k]] += values[k] * xc;
        }
    }

    private static long Key(int row, int col) => ((long)col << 32) | (uint)row;
}

/// <summary>Collects (row, column) pairs, duplicates allowed, and builds a <see cref="SparsityPattern"/>.</summary>
public sealed class SparsityPatternBuilder
{
    private readonly int _size;
    private readonly HashSet<long> _entries = new();

    public SparsityPatternBuilder(int size) => _size = size;

    public void Add(int row, int col)
    {
        if ((uint)row >= (uint)_size || (uint)col >= (uint)_size)
            throw new ArgumentOutOfRangeException(nameof(row), $"entry ({row}, {col}) outside a {_size}×{_size} matrix");
        _entries.Add(((long)col << 32) | (uint)row);
    }

    /// <summary>Adds the diagonal, which every iteration matrix M/h + J needs.</summary>
    public void AddDiagonal()
    {
        for (int i = 0; i < _size; i++) Add(i, i);
    }

    public SparsityPattern Build()
    {
        var sorted = _entries.ToArray();
        Array.Sort(sorted);
        var colPointers = new int[_size + 1];
        var rows = new int[sorted.Length];
        for (int k = 0; k < sorted.Length; k++)
        {
            int col = (int)(sorted[k] >> 32);
            rows[k] = (int)(sorted[k] & 0xffffffff);
            colPointers[col + 1]++;
        }
        for (int c = 0; c < _size; c++) colPointers[c + 1] += colPointers[c];
        return new SparsityPattern(_size, colPointers, rows);
    }
}
