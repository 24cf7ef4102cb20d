using System.Text;

namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>A string writer a test can read while a command is still writing to it from another thread.</summary>
public sealed class LockedStringWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_text)
        {
            _text.Append(buffer, index, count);
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    /// <summary>Waits until the text contains <paramref name="expected"/>; false after the timeout.</summary>
    public async Task<bool> WaitForAsync(string expected, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!ToString().Contains(expected, StringComparison.Ordinal))
        {
            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }
}
