using System.Globalization;
using System.Xml.Linq;

namespace ElectrodeSim.Output;

/// <summary>
/// One mesh of the XDMF sidecar and the fields drawn on it: a line of points <see cref="X"/> [m]
/// (1-D fields, time × x), or the x × r plane <see cref="X"/> × <see cref="R"/> [m] (particle
/// fields, time × x_electrode × r, r varying fastest as stored).
/// </summary>
public sealed record XdmfMesh(string Name, IReadOnlyList<double> X, IReadOnlyList<double>? R, IReadOnlyList<string> FieldPaths);

/// <summary>
/// Writes <c>NAME.xmf</c> beside <c>NAME.h5</c> so ParaView (File ▸ Open, "Xdmf3 Reader") shows a
/// result without conversion: one temporal collection per mesh, one grid per recorded time.
/// The field values are not copied: each time's attribute is a <c>HyperSlab</c> DataItem that
/// selects that time's row of the HDF5 dataset. The mesh is written out as explicit points with
/// <c>Geometry XY</c> and <c>Quadrilateral</c> (x × r plane) or <c>Polyline</c> (x line)
/// topology, once per collection and included into later times with <c>xi:include</c>: meshio,
/// the XDMF reader the tests use, reads neither <c>2DRectMesh</c>/<c>VXVY</c> geometry nor more
/// than one collection, and explicit points also let x run along the first axis although r is
/// the fastest index in the file. The points are the cell centres, where the finite-volume
/// values live, so attributes are node-centred (<c>Center="Node"</c>) and ParaView interpolates
/// between centres.
/// </summary>
public static class XdmfSidecar
{
    private static readonly XNamespace XInclude = "http://www.w3.org/2001/XInclude";

    /// <summary>The sidecar of an HDF5 file: the same name with <c>.xmf</c>.</summary>
    public static string PathFor(string hdf5Path) => Path.ChangeExtension(hdf5Path, ".xmf");

    /// <summary>
    /// The sidecar for the file named <paramref name="hdf5FileName"/> (a name in the sidecar's
    /// folder, as XDMF resolves it) holding <paramref name="times"/>.Count records of every field.
    /// </summary>
    public static XDocument Build(string hdf5FileName, IReadOnlyList<double> times, IReadOnlyList<XdmfMesh> meshes)
    {
        var bytes = new MemoryStream();
        using (var sink = new Utf8Sink(bytes)) WriteTo(sink, hdf5FileName, times, meshes);
        return XDocument.Parse(new System.Text.UTF8Encoding(false).GetString(bytes.GetBuffer(), 0, (int)bytes.Length));
    }

    /// <summary>Writes the sidecar to <paramref name="path"/>.</summary>
    public static void Write(string path, string hdf5FileName, IReadOnlyList<double> times, IReadOnlyList<XdmfMesh> meshes)
    {
        try
        {
            // UTF-8 without a byte-order mark: some XDMF readers take it for content before the XML declaration.
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
            using var sink = new Utf8Sink(stream);
            WriteTo(sink, hdf5FileName, times, meshes);
        }
        // A file-size limit (EFBIG) surfaces from FileStream as an ArgumentOutOfRangeException.
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException or UnauthorizedAccessException)
        {
            throw new IOException($"the XDMF sidecar of {hdf5FileName} could not be written: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes the document as text, indented as <see cref="System.Xml.XmlWriter"/> indents it: a grid per mesh and time, each
    /// field's attribute a hyperslab of its record. A long run repeats the same per-field text hundreds of times (Marquis2019
    /// 1C: 251 records × 18 fields, 2.5 MB), so each field's text around the record number is made once; built as an
    /// XDocument with its strings formatted per record it was a quarter of the whole run's CPU (perf), through an
    /// XmlWriter still 9 %. The text is written as UTF-8 bytes, each field's text encoded once and the record numbers and
    /// times formatted straight into the buffer (through a <see cref="StreamWriter"/> it was ~4 % of a whole Marquis2019 1C
    /// native run, perf).
    /// </summary>
    private static void WriteTo(Utf8Sink w, string hdf5FileName, IReadOnlyList<double> times, IReadOnlyList<XdmfMesh> meshes)
    {
        w.Write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        w.Write($"<Xdmf Version=\"3.0\" xmlns:xi=\"{XInclude.NamespaceName}\">\n  <Domain>");
        foreach (var mesh in meshes)
        {
            if (times.Count == 0 || mesh.X.Count == 0 || mesh.R is { Count: 0 }) continue;
            long[] shape = Shape(mesh);
            int rank = shape.Length + 1;
            string selected = "1 " + string.Join(' ', shape);
            string name = AttributeText(mesh.Name);
            // Record t of a dataset: start (t, 0, …), stride 1, count (1, shape…); only t changes from record to record.
            string afterStart = string.Concat(Enumerable.Repeat(" 0", rank - 1)) + " " + string.Join(' ', Enumerable.Repeat("1", rank)) + " " + selected + "</DataItem>";
            var fields = mesh.FieldPaths.Select(f =>
                (Head: Utf8($"\n        <Attribute Name=\"{AttributeText(Path.GetFileName(f))}\" AttributeType=\"Scalar\" Center=\"Node\">" +
                       $"\n          <DataItem ItemType=\"HyperSlab\" Dimensions=\"{selected}\" Type=\"HyperSlab\">" +
                       $"\n            <DataItem Dimensions=\"3 {rank}\" NumberType=\"Int\" Format=\"XML\">"),
                 Tail: Utf8(afterStart +
                       $"\n            <DataItem Dimensions=\"{times.Count} {string.Join(' ', shape)}\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">{ElementText($"{hdf5FileName}:{f}")}</DataItem>" +
                       "\n          </DataItem>\n        </Attribute>"))).ToArray();
            byte[] include = Utf8($"\n        <xi:include xpointer=\"{AttributeText($"xpointer(//Grid[@Name=\"{mesh.Name}\"]/Grid[1]/*[self::Topology or self::Geometry])")}\" />");
            byte[] gridHead = Utf8($"\n      <Grid Name=\"{name} "), timeHead = Utf8("\" GridType=\"Uniform\">\n        <Time Value=\""), timeTail = Utf8("\" />");
            byte[] gridTail = Utf8("\n      </Grid>");

            w.Write($"\n    <Grid Name=\"{name}\" GridType=\"Collection\" CollectionType=\"Temporal\">");
            for (int t = 0; t < times.Count; t++)
            {
                w.Write(gridHead);
                w.Write(t);
                w.Write(timeHead);
                w.Write(times[t]);
                w.Write(timeTail);
                if (t == 0)
                {
                    WriteElement(w, Topology(mesh));
                    WriteElement(w, Geometry(mesh));
                }
                else w.Write(include);
                foreach (var (head, tail) in fields)
                {
                    w.Write(head);
                    w.Write(t);
                    w.Write(tail);
                }
                w.Write(gridTail);
            }
            w.Write("\n    </Grid>");
        }
        w.Write("\n  </Domain>\n</Xdmf>");
    }

    /// <summary>An element of a record's grid (the mesh, once per collection), indented at its depth.</summary>
    private static void WriteElement(Utf8Sink w, XElement element)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = System.Xml.XmlWriter.Create(text, new System.Xml.XmlWriterSettings { Indent = true, OmitXmlDeclaration = true, ConformanceLevel = System.Xml.ConformanceLevel.Fragment }))
            element.WriteTo(writer);
        foreach (var line in text.ToString().Split('\n'))
            w.Write("\n        " + line.TrimEnd('\r'));
    }

    private static string AttributeText(string value) =>
        value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static string ElementText(string value) =>
        value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static long[] Shape(XdmfMesh mesh) => mesh.R is null ? [mesh.X.Count] : [mesh.X.Count, mesh.R.Count];

    private static XElement Topology(XdmfMesh mesh)
    {
        int nx = mesh.X.Count;
        var connectivity = new List<int>();
        string type;
        int perElement;
        if (mesh.R is { } r && nx > 1 && r.Count > 1)
        {
            // Point (i, k) is number i nr + k, as the values are stored; corners counter-clockwise in (x, r).
            int nr = r.Count;
            type = "Quadrilateral";
            perElement = 4;
            for (int i = 0; i + 1 < nx; i++)
                for (int k = 0; k + 1 < nr; k++)
                    connectivity.AddRange([i * nr + k, (i + 1) * nr + k, (i + 1) * nr + k + 1, i * nr + k + 1]);
        }
        else if (mesh.R is null && nx > 1)
        {
            type = "Polyline";
            perElement = 2;
            for (int i = 0; i + 1 < nx; i++) connectivity.AddRange([i, i + 1]);
        }
        else
        {
            // A single cell or a single shell: the values still show, as points.
            type = "Polyvertex";
            perElement = 1;
            connectivity.AddRange(Enumerable.Range(0, nx * (mesh.R?.Count ?? 1)));
        }
        int elements = connectivity.Count / perElement;
        return new XElement("Topology", new XAttribute("TopologyType", type), new XAttribute("NumberOfElements", elements), new XAttribute("NodesPerElement", perElement),
            new XElement("DataItem", new XAttribute("Dimensions", $"{elements} {perElement}"), new XAttribute("NumberType", "Int"), new XAttribute("Format", "XML"),
                string.Join(' ', connectivity)));
    }

    private static XElement Geometry(XdmfMesh mesh)
    {
        var points = new List<string>();
        foreach (var x in mesh.X)
        {
            if (mesh.R is null) points.Add($"{Number(x)} 0");
            else foreach (var r in mesh.R) points.Add($"{Number(x)} {Number(r)}");
        }
        return new XElement("Geometry", new XAttribute("GeometryType", "XY"),
            new XElement("DataItem", new XAttribute("Dimensions", $"{points.Count} 2"), new XAttribute("NumberType", "Float"), new XAttribute("Precision", "8"), new XAttribute("Format", "XML"),
                string.Join(' ', points)));
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    /// <summary>UTF-8 text into a stream through one buffer: strings encoded into it, integers and times formatted into it.</summary>
    private sealed class Utf8Sink(Stream stream) : IDisposable
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private int _used;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length > _buffer.Length - _used)
            {
                Flush();
                if (bytes.Length > _buffer.Length)
                {
                    stream.Write(bytes);
                    return;
                }
            }
            bytes.CopyTo(_buffer.AsSpan(_used));
            _used += bytes.Length;
        }

        public void Write(string text)
        {
            if (System.Text.Encoding.UTF8.GetMaxByteCount(text.Length) > _buffer.Length - _used)
            {
                Flush();
                if (System.Text.Encoding.UTF8.GetMaxByteCount(text.Length) > _buffer.Length)
                {
                    stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
                    return;
                }
            }
            _used += System.Text.Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_used));
        }

        public void Write(int value)
        {
            if (!value.TryFormat(_buffer.AsSpan(_used), out int written, default, CultureInfo.InvariantCulture))
            {
                Flush();
                value.TryFormat(_buffer.AsSpan(_used), out written, default, CultureInfo.InvariantCulture);
            }
            _used += written;
        }

        /// <summary>The time as <see cref="Number"/> writes it (round-trip "R").</summary>
        public void Write(double value)
        {
            if (!value.TryFormat(_buffer.AsSpan(_used), out int written, "R", CultureInfo.InvariantCulture))
            {
                Flush();
                value.TryFormat(_buffer.AsSpan(_used), out written, "R", CultureInfo.InvariantCulture);
            }
            _used += written;
        }

        public void Flush()
        {
            if (_used == 0) return;
            stream.Write(_buffer, 0, _used);
            _used = 0;
        }

        public void Dispose() => Flush();
    }
}
