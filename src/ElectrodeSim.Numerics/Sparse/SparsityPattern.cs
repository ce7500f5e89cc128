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
    /// The column's sorted rows searched: a scan when the column is short (the P2D columns hold 2–6 entries), else a
    /// binary search; no hashing. (A hash of the packed (col, row) key made every diagonal entry collide, so binding grew
    /// quadratically with the size.)
    /// </summary>
    private int Find(int row, int col)
    {
        if ((uint)col >= (uint)Size) return -1;
        int start = ColumnPointers[col], end = ColumnPointers[col + 1];
        var rows = RowIndices;
        if (end - start <= 16)
        {
            for (int k = start; k < end; k++)
                if (rows[k] >= row) return rows[k] == row ? k : -1;
            return -1;
        }
        int at = Array.BinarySearch(rows, start, end - start, row);
        return at >= 0 ? at : -1;
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
/// Collects (row, column) pairs, duplicates allowed, and builds a <see cref="SparsityPattern"/> in O(nnz): the pairs are
/// kept in blocks (each twice the last up to <see cref="LargestBlock"/> entries, then all of that size: no array is
/// regrown and copied, and at most one block is partly empty), bucketed by column (a counting sort), and each column's
/// few rows sorted and deduplicated in place; no hashing and no global sort.
/// </summary>
public sealed class SparsityPatternBuilder
{
    /// <summary>
    /// Entries per block once the blocks stop growing (256 KiB per array). One array of all pairs, doubled when full,
    /// allocated and wrote about three times the final size: at 10⁶ unknowns (4.1 M pairs) 2 × 33 MB arrays for 16 MB of
    /// pairs, and fresh pages from the kernel for each (half of the P2D model's set-up time, perf samples).
    /// </summary>
    public const int LargestBlock = 1 << 16;

    private readonly int _size;
    private readonly List<int[]> _rowBlocks = [], _colBlocks = [];
    private int[] _rows = [], _cols = [];
    private int _used, _count;

    public SparsityPatternBuilder(int size) => _size = size;

    /// <summary>Pairs added so far (duplicates included).</summary>
    public int Count => _count;

    public void Add(int row, int col)
    {
        if ((uint)row >= (uint)_size || (uint)col >= (uint)_size)
            throw new ArgumentOutOfRangeException(nameof(row), $"entry ({row}, {col}) outside a {_size}×{_size} matrix");
        if (_used == _rows.Length) NewBlock();
        _rows[_used] = row;
        _cols[_used++] = col;
        _count++;
    }

    private void NewBlock()
    {
        int length = _rows.Length == 0 ? 256 : Math.Min(2 * _rows.Length, LargestBlock);
        (_rows, _cols, _used) = (new int[length], new int[length], 0);
        _rowBlocks.Add(_rows);
        _colBlocks.Add(_cols);
    }

    /// <summary>Adds the diagonal, which every iteration matrix M/h + J needs.</summary>
    public void AddDiagonal()
    {
        for (int i = 0; i < _size; i++) Add(i, i);
    }

    public SparsityPattern Build()
    {
        // Bucket the rows by column (duplicates included).
        var start = new int[_size + 1];
        for (int b = 0; b < _colBlocks.Count; b++)
            foreach (int col in BlockSpan(_colBlocks, b)) start[col + 1]++;
        for (int c = 0; c < _size; c++) start[c + 1] += start[c];
        var next = start.AsSpan(0, _size).ToArray();
        var bucketed = new int[_count];
        for (int b = 0; b < _colBlocks.Count; b++)
        {
            var cols = BlockSpan(_colBlocks, b);
            var rows = BlockSpan(_rowBlocks, b);
            for (int k = 0; k < cols.Length; k++) bucketed[next[cols[k]]++] = rows[k];
        }
        // Each column sorted and deduplicated, compacted towards the front.
        var colPointers = new int[_size + 1];
        int unique = 0;
        for (int c = 0; c < _size; c++)
        {
            int from = start[c], to = start[c + 1];
            var column = bucketed.AsSpan(from, to - from);
            if (column.Length <= 16)
                for (int i = 1; i < column.Length; i++)
                {
                    int value = column[i], j = i - 1;
                    for (; j >= 0 && column[j] > value; j--) column[j + 1] = column[j];
                    column[j + 1] = value;
                }
            else column.Sort();
            int first = unique;
            for (int k = 0; k < column.Length; k++)
                if (unique == first || column[k] != bucketed[unique - 1]) bucketed[unique++] = column[k];
            colPointers[c + 1] = unique;
        }
        return new SparsityPattern(_size, colPointers, unique == bucketed.Length ? bucketed : bucketed.AsSpan(0, unique).ToArray());
    }

    /// <summary>The filled part of block <paramref name="b"/> (all of it but the last block's tail).</summary>
    private ReadOnlySpan<int> BlockSpan(List<int[]> blocks, int b) => b == blocks.Count - 1 ? blocks[b].AsSpan(0, _used) : blocks[b];
}
