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
        var domain = new XElement("Domain");
        foreach (var mesh in meshes)
        {
            if (times.Count == 0 || mesh.X.Count == 0 || mesh.R is { Count: 0 }) continue;
            var collection = new XElement("Grid", new XAttribute("Name", mesh.Name), new XAttribute("GridType", "Collection"), new XAttribute("CollectionType", "Temporal"));
            for (int t = 0; t < times.Count; t++)
            {
                var grid = new XElement("Grid", new XAttribute("Name", $"{mesh.Name} {t}"), new XAttribute("GridType", "Uniform"),
                    new XElement("Time", new XAttribute("Value", Number(times[t]))));
                if (t == 0) grid.Add(Topology(mesh), Geometry(mesh));
                else grid.Add(new XElement(XInclude + "include", new XAttribute("xpointer",
                    $"xpointer(//Grid[@Name=\"{mesh.Name}\"]/Grid[1]/*[self::Topology or self::Geometry])")));
                foreach (var field in mesh.FieldPaths)
                    grid.Add(Attribute(hdf5FileName, field, t, times.Count, mesh));
                collection.Add(grid);
            }
            domain.Add(collection);
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("Xdmf", new XAttribute("Version", "3.0"), new XAttribute(XNamespace.Xmlns + "xi", XInclude), domain));
    }

    /// <summary>Writes the sidecar to <paramref name="path"/>.</summary>
    public static void Write(string path, string hdf5FileName, IReadOnlyList<double> times, IReadOnlyList<XdmfMesh> meshes)
    {
        // No byte-order mark: some XDMF readers take it for content before the XML declaration.
        var settings = new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true };
        try
        {
            using var writer = System.Xml.XmlWriter.Create(path, settings);
            Build(hdf5FileName, times, meshes).Save(writer);
        }
        // A file-size limit (EFBIG) surfaces from FileStream as an ArgumentOutOfRangeException.
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException or UnauthorizedAccessException)
        {
            throw new IOException($"the XDMF sidecar of {hdf5FileName} could not be written: {e.Message}", e);
        }
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

    /// <summary>Record <paramref name="t"/> of the dataset: start (t, 0, …), stride 1, count (1, shape…).</summary>
    private static XElement Attribute(string hdf5FileName, string fieldPath, int t, int records, XdmfMesh mesh)
    {
        long[] shape = Shape(mesh);
        int rank = shape.Length + 1;
        var start = new long[rank];
        start[0] = t;
        var stride = Enumerable.Repeat(1L, rank);
        var count = new long[] { 1 }.Concat(shape);
        string selected = string.Join(' ', count);
        return new XElement("Attribute", new XAttribute("Name", Path.GetFileName(fieldPath)), new XAttribute("AttributeType", "Scalar"), new XAttribute("Center", "Node"),
            new XElement("DataItem", new XAttribute("ItemType", "HyperSlab"), new XAttribute("Dimensions", selected), new XAttribute("Type", "HyperSlab"),
                new XElement("DataItem", new XAttribute("Dimensions", $"3 {rank}"), new XAttribute("NumberType", "Int"), new XAttribute("Format", "XML"),
                    string.Join(' ', start.Concat(stride).Concat(count))),
                new XElement("DataItem", new XAttribute("Dimensions", string.Join(' ', new long[] { records }.Concat(shape))), new XAttribute("NumberType", "Float"),
                    new XAttribute("Precision", "8"), new XAttribute("Format", "HDF"), $"{hdf5FileName}:{fieldPath}")));
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
