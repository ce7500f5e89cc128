namespace ElectrodeSim.Numerics.Sparse;

/// <summary>
/// The fixed non-zero pattern of a square sparse matrix in compressed-sparse-column form
/// (0-based). Assembly code asks once for the slot of each (row, column) entry and then
/// writes values straight into a <c>double[]</c> of length <see cref="NonZeroCount"/>, so
/// the hot loop never searches.
/// </summary>
public sealed class SparsityPattern
{
    internal SparsityPattern(int size, int[] colPointers, int[] rowIndices)
    {
        Size = size;
        ColumnPointers = colPointers;
        RowIndices = rowIndices;
        EntryColumns = new int[rowIndices.Length];
        for (int c = 0; c < size; c++)
            for (int k = colPointers[c]; k < colPointers[c + 1]; k++) EntryColumns[k] = c;
    }

    public int Size { get; }
    public int NonZeroCount => RowIndices.Length;
    public int[] ColumnPointers { get; }
    /// <summary>Row of each stored entry, ascending within each column.</summary>
    public int[] RowIndices { get; }
    /// <summary>Column of each stored entry (the companion of <see cref="RowIndices"/>).</summary>
    public int[] EntryColumns { get; }

    /// <summary>Slot of entry (row, col) in the value array; throws if it is not in the pattern.</summary>
    public int SlotOf(int row, int col) =>
        Find(row, col) is int k and >= 0 ? k : throw new KeyNotFoundException($"entry ({row}, {col}) is not in the sparsity pattern");

    public bool Contains(int row, int col) => Find(row, col) >= 0;

    /// <summary>
    /// Binary search of the column's sorted rows: O(log of the column's entries), no hashing. (A hash of the
    /// packed (col, row) key made every diagonal entry collide, so binding grew quadratically with the size.)
    /// </summary>
    private int Find(int row, int col)
    {
        if ((uint)col >= (uint)Size) return -1;
        int start = ColumnPointers[col];
        int k = Array.BinarySearch(RowIndices, start, ColumnPointers[col + 1] - start, row);
        return k >= 0 ? k : -1;
    }

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
}

/// <summary>
/// Collects (row, column) pairs, duplicates allowed, and builds a <see cref="SparsityPattern"/>: the pairs are kept
/// as packed (col, row) keys in one growing array and sorted once, O(nnz log nnz) with no hashing.
/// </summary>
public sealed class SparsityPatternBuilder
{
    private readonly int _size;
    private long[] _entries = new long[16];
    private int _count;

    public SparsityPatternBuilder(int size) => _size = size;

    public void Add(int row, int col)
    {
        if ((uint)row >= (uint)_size || (uint)col >= (uint)_size)
            throw new ArgumentOutOfRangeException(nameof(row), $"entry ({row}, {col}) outside a {_size}×{_size} matrix");
        if (_count == _entries.Length) Array.Resize(ref _entries, 2 * _entries.Length);
        _entries[_count++] = ((long)col << 32) | (uint)row;
    }

    /// <summary>Adds the diagonal, which every iteration matrix M/h + J needs.</summary>
    public void AddDiagonal()
    {
        for (int i = 0; i < _size; i++) Add(i, i);
    }

    public SparsityPattern Build()
    {
        var sorted = _entries.AsSpan(0, _count);
        sorted.Sort();
        int unique = 0;
        for (int k = 0; k < sorted.Length; k++)
            if (unique == 0 || sorted[k] != sorted[unique - 1]) sorted[unique++] = sorted[k];
        var colPointers = new int[_size + 1];
        var rows = new int[unique];
        for (int k = 0; k < unique; k++)
        {
            int col = (int)(sorted[k] >> 32);
            rows[k] = (int)(sorted[k] & 0xffffffff);
            colPointers[col + 1]++;
        }
        for (int c = 0; c < _size; c++) colPointers[c + 1] += colPointers[c];
        return new SparsityPattern(_size, colPointers, rows);
    }
}
