using System.Text.RegularExpressions;

namespace PbsPocketIdWizard.Web.Tests.Hosting;

/// <summary>
/// Text the admin reads (messages, plan lines, pages, the user guide and troubleshooting) speaks the admin's words:
/// never the name of one of the project's internal documents (the API notes, the source findings, the design notes)
/// nor a section number. Comments may cite them; code text and the admin's documentation may not.
/// </summary>
public sealed partial class AdminWordsTests
{
    [Fact]
    public void SourceText_OutsideComments_NamesNoInternalDocumentOrSection()
    {
        var offences = SourceFiles()
            .SelectMany(file => CodeLines(file).Select(line => (file, line)))
            .Where(x => InternalReference().IsMatch(x.line.Text))
            .Select(x => $"{Path.GetRelativePath(RepositoryRoot(), x.file)}:{x.line.Number}: {x.line.Text.Trim()}")
            .ToList();

        Assert.True(offences.Count == 0, "Internal document names or section numbers in text the admin may read:\n" + string.Join('\n', offences));
    }

    [Theory]
    [InlineData("docs/user-guide.md")]
    [InlineData("docs/troubleshooting.md")]
    public void AdminDocumentation_NamesNoInternalDocumentOrSection(string relativePath)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), relativePath));
        var offences = lines.Select((text, index) => (text, number: index + 1))
            .Where(l => InternalReference().IsMatch(l.text))
            .Select(l => $"{relativePath}:{l.number}: {l.text.Trim()}")
            .ToList();

        Assert.True(offences.Count == 0, "Internal document names or section numbers:\n" + string.Join('\n', offences));
    }

    [Theory]
    [InlineData("callback without the port (pbs-api.md §7.5)", true)]
    [InlineData("see real-source-findings #2", true)]
    [InlineData("as howto.md says", true)]
    [InlineData("Pocket ID compares the callback URL exactly.", false)]
    [InlineData("See troubleshooting.md for the usual causes.", false)]
    public void InternalReference_TellsInternalFromAdminText(string text, bool isInternal) =>
        Assert.Equal(isInternal, InternalReference().IsMatch(text));

    [Theory]
    [InlineData("var x = \"a\"; // pbs-api.md §3", "var x = \"a\";")]
    [InlineData("var url = \"https://pbs:8007\";", "var url = \"https://pbs:8007\";")]
    [InlineData("/// <summary>§7.5</summary>", "")]
    public void WithoutComment_DropsOnlyTheComment(string line, string expected) =>
        Assert.Equal(expected, WithoutComment(line).TrimEnd());

    /// <summary>The project's internal documents (specs and design notes) and section signs.</summary>
    [GeneratedRegex(@"§|\b(pbs-api|pocket-id-api)(\.md\b|\b(?!-))|real-source|\b(product|architecture|howto)\.md\b", RegexOptions.IgnoreCase)]
    private static partial Regex InternalReference();

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>The file's lines with comments removed (//, ///, /* */ and Razor's @* *@).</summary>
    private static IEnumerable<(int Number, string Text)> CodeLines(string file)
    {
        var inBlock = false;
        var number = 0;
        foreach (var raw in File.ReadLines(file))
        {
            number++;
            var line = raw;
            if (inBlock)
            {
                var end = IndexOfAny(line, "*/", "*@");
                if (end < 0)
                {
                    continue;
                }

                line = line[(end + 2)..];
                inBlock = false;
            }

            var start = IndexOfAny(line, "/*", "@*");
            if (start >= 0)
            {
                var end = IndexOfAny(line[(start + 2)..], "*/", "*@");
                inBlock = end < 0;
                line = end < 0 ? line[..start] : line[..start] + line[(start + 2 + end + 2)..];
            }

            yield return (number, WithoutComment(line));
        }
    }

    /// <summary>A line without its // comment: one that starts the line or follows whitespace (a URL's // follows ':').</summary>
    private static string WithoutComment(string line) => LineComment().Replace(line, string.Empty);

    [GeneratedRegex(@"(^|(?<=\s))//.*$")]
    private static partial Regex LineComment();

    private static int IndexOfAny(string line, string first, string second)
    {
        var a = line.IndexOf(first, StringComparison.Ordinal);
        var b = line.IndexOf(second, StringComparison.Ordinal);
        return a < 0 ? b : b < 0 ? a : Math.Min(a, b);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PbsPocketIdWizard.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
    }
}
