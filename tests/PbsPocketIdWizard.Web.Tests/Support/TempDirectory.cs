using System.Text;

namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>A fresh directory per test, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pbs-wizard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Files under the directory whose bytes contain the text (UTF-8 or UTF-16).</summary>
    public IReadOnlyList<string> FilesContaining(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var utf16 = Encoding.Unicode.GetBytes(text);
        return Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)
            .Where(file =>
            {
                var bytes = File.ReadAllBytes(file);
                return bytes.AsSpan().IndexOf(utf8) >= 0 || bytes.AsSpan().IndexOf(utf16) >= 0;
            })
            .ToList();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
