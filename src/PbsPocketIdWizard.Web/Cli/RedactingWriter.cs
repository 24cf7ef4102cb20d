using System.Text;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// A last line of defence for the command line: buffers each line and replaces any known secret value with ***
/// before it reaches the real writer. The secrets are read at each line, so ones learnt during the run count too.
/// </summary>
public sealed class RedactingWriter(TextWriter inner, Func<IEnumerable<string>> secrets) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (_lock)
        {
            _line.Append(value);
            if (value == '\n')
            {
                FlushLine();
            }
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (_lock)
        {
            _line.Append(value);
            if (value.Contains('\n', StringComparison.Ordinal))
            {
                FlushLine();
            }
        }
    }

    public override void Flush()
    {
        lock (_lock)
        {
            FlushLine();
            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    private void FlushLine()
    {
        if (_line.Length == 0)
        {
            return;
        }

        var text = _line.ToString();
        _line.Clear();
        foreach (var secret in secrets().Where(s => s.Length >= 4).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        inner.Write(text);
    }
}
