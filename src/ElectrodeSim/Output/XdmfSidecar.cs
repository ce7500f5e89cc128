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
        var text = new System.Text.StringBuilder();
        using (var writer = System.Xml.XmlWriter.Create(text, new System.Xml.XmlWriterSettings { Indent = true }))
            WriteTo(writer, hdf5FileName, times, meshes);
        return XDocument.Parse(text.ToString());
    }

    /// <summary>Writes the sidecar to <paramref name="path"/>.</summary>
    public static void Write(string path, string hdf5FileName, IReadOnlyList<double> times, IReadOnlyList<XdmfMesh> meshes)
    {
        // No byte-order mark: some XDMF readers take it for content before the XML declaration.
        var settings = new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true };
        try
        {
            using var writer = System.Xml.XmlWriter.Create(path, settings);
            WriteTo(writer, hdf5FileName, times, meshes);
        }
        // A file-size limit (EFBIG) surfaces from FileStream as an ArgumentOutOfRangeException.
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException or UnauthorizedAccessException)
        {
            throw new IOException($"the XDMF sidecar of {hdf5FileName} could not be written: {e.Message}", e);
        }
    }

    /// <summary>
    /// Streams the document: a grid per mesh and time, each field's attribute a hyperslab of its record. Everything that is
    /// the same in every record (a field's name, shape and dataset) is formatted once per field; a long run repeats it
    /// hundreds of times (Marquis2019 1C: 251 records × 18 fields, 2.5 MB; building it as an XDocument with the strings
    /// formatted per record was a quarter of the whole run's CPU, perf).
    /// </summary>
    private static void WriteTo(System.Xml.XmlWriter w, string hdf5FileName, IReadOnlyList<double> times, IReadOnlyList<XdmfMesh> meshes)
    {
        w.WriteStartDocument();
        w.WriteStartElement("Xdmf");
        w.WriteAttributeString("Version", "3.0");
        w.WriteAttributeString("xmlns", "xi", null, XInclude.NamespaceName);
        w.WriteStartElement("Domain");
        foreach (var mesh in meshes)
        {
            if (times.Count == 0 || mesh.X.Count == 0 || mesh.R is { Count: 0 }) continue;
            long[] shape = Shape(mesh);
            int rank = shape.Length + 1;
            string selected = "1 " + string.Join(' ', shape);
            string selectionDims = $"3 {rank}";
            // The selection's start (t, 0, …) is per record; its stride and count are not.
            string startZeros = string.Concat(Enumerable.Repeat(" 0", rank - 1));
            string strideAndCount = " " + string.Join(' ', Enumerable.Repeat("1", rank)) + " " + selected;
            string datasetDims = $"{times.Count} " + string.Join(' ', shape);
            var fields = mesh.FieldPaths.Select(f => (Name: Path.GetFileName(f), Source: $"{hdf5FileName}:{f}")).ToArray();
            string include = $"xpointer(//Grid[@Name=\"{mesh.Name}\"]/Grid[1]/*[self::Topology or self::Geometry])";

            w.WriteStartElement("Grid");
            w.WriteAttributeString("Name", mesh.Name);
            w.WriteAttributeString("GridType", "Collection");
            w.WriteAttributeString("CollectionType", "Temporal");
            for (int t = 0; t < times.Count; t++)
            {
                w.WriteStartElement("Grid");
                w.WriteAttributeString("Name", $"{mesh.Name} {t}");
                w.WriteAttributeString("GridType", "Uniform");
                w.WriteStartElement("Time");
                w.WriteAttributeString("Value", Number(times[t]));
                w.WriteEndElement();
                if (t == 0)
                {
                    Topology(mesh).WriteTo(w);
                    Geometry(mesh).WriteTo(w);
                }
                else
                {
                    w.WriteStartElement("xi", "include", XInclude.NamespaceName);
                    w.WriteAttributeString("xpointer", include);
                    w.WriteEndElement();
                }
                string selection = t.ToString(CultureInfo.InvariantCulture) + startZeros + strideAndCount;
                foreach (var (name, source) in fields)
                {
                    // Record t of the dataset: start (t, 0, …), stride 1, count (1, shape…).
                    w.WriteStartElement("Attribute");
                    w.WriteAttributeString("Name", name);
                    w.WriteAttributeString("AttributeType", "Scalar");
                    w.WriteAttributeString("Center", "Node");
                    w.WriteStartElement("DataItem");
                    w.WriteAttributeString("ItemType", "HyperSlab");
                    w.WriteAttributeString("Dimensions", selected);
                    w.WriteAttributeString("Type", "HyperSlab");
                    w.WriteStartElement("DataItem");
                    w.WriteAttributeString("Dimensions", selectionDims);
                    w.WriteAttributeString("NumberType", "Int");
                    w.WriteAttributeString("Format", "XML");
                    w.WriteString(selection);
                    w.WriteEndElement();
                    w.WriteStartElement("DataItem");
                    w.WriteAttributeString("Dimensions", datasetDims);
                    w.WriteAttributeString("NumberType", "Float");
                    w.WriteAttributeString("Precision", "8");
                    w.WriteAttributeString("Format", "HDF");
                    w.WriteString(source);
                    w.WriteEndElement();
                    w.WriteEndElement();
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndDocument();
    }

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
}
