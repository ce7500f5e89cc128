using ElectrodeSim.Numerics.Sparse;

namespace ElectrodeSim.Numerics.Tests;

/// <summary>
/// The pattern builder against a plain set of (row, column) pairs: random pairs with duplicates, short and long columns
/// (the builder sorts short columns by insertion, long ones by Array.Sort; the look-up scans short columns and bisects
/// long ones), empty columns.
/// </summary>
public sealed class SparsityPatternColumnTests
{
    [Theory]
    [InlineData(1, 50, 200)]    // short columns, some empty
    [InlineData(2, 40, 3000)]   // long columns (more than 16 rows each), many duplicates
    [InlineData(3, 1, 5)]
    public void BuildsTheSortedUniqueEntriesOfEachColumn(int seed, int size, int pairs)
    {
        var random = new Random(seed);
        var builder = new SparsityPatternBuilder(size);
        var expected = new SortedSet<(int Col, int Row)>();
        for (int k = 0; k < pairs; k++)
        {
            // Columns of the upper half denser, so that both column lengths occur.
            int col = random.Next(2) == 0 ? random.Next(size) : size / 2 + random.Next(size - size / 2);
            int row = random.Next(size);
            builder.Add(row, col);
            expected.Add((col, row));
        }
        var pattern = builder.Build();
        Assert.Equal(expected.Count, pattern.NonZeroCount);
        int at = 0;
        foreach (var (col, row) in expected)
        {
            Assert.Equal(row, pattern.RowIndices[at]);
            Assert.Equal(col, pattern.EntryColumns[at]);
            Assert.Equal(at, pattern.SlotOf(row, col));
            at++;
        }
        for (int c = 0; c < size; c++)
        {
            Assert.Equal(expected.Count(e => e.Col < c), pattern.ColumnPointers[c]);
            for (int r = 0; r < size; r++) Assert.Equal(expected.Contains((c, r)), pattern.Contains(r, c));
        }
        Assert.Throws<KeyNotFoundException>(() => pattern.SlotOf(0, size));
    }

    /// <summary>
    /// Enough pairs for many blocks of the builder (growing ones, then several of the largest, the last partly filled):
    /// the pattern is still the sorted unique pairs of each column, whatever block a pair was stored in.
    /// </summary>
    [Theory]
    [InlineData(4, 3000, 5 * SparsityPatternBuilder.LargestBlock + 123)]
    [InlineData(5, 700, 2 * SparsityPatternBuilder.LargestBlock)]   // the last block exactly full
    [InlineData(6, 10, 0)]                                           // no pairs at all
    public void BuildsThePatternFromPairsInManyBlocks(int seed, int size, int pairs)
    {
        var random = new Random(seed);
        var builder = new SparsityPatternBuilder(size);
        var expected = new SortedSet<(int Col, int Row)>();
        for (int k = 0; k < pairs; k++)
        {
            int col = random.Next(size), row = random.Next(size);
            builder.Add(row, col);
            expected.Add((col, row));
        }
        Assert.Equal(pairs, builder.Count);
        var pattern = builder.Build();
        Assert.Equal(expected.Count, pattern.NonZeroCount);
        var counts = new int[size + 1];
        int at = 0;
        foreach (var (col, row) in expected)
        {
            Assert.Equal(row, pattern.RowIndices[at]);
            Assert.Equal(col, pattern.EntryColumns[at]);
            counts[col + 1]++;
            at++;
        }
        for (int c = 0; c < size; c++) counts[c + 1] += counts[c];
        Assert.Equal(counts, pattern.ColumnPointers);
        for (int k = 0; k < 1000 && expected.Count > 0; k++)
        {
            int row = random.Next(size), col = random.Next(size);
            Assert.Equal(expected.Contains((col, row)), pattern.Contains(row, col));
        }
    }
}
