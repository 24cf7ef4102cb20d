namespace PbsPocketIdWizard.Web.Cli;

/// <summary>A tiny `--name value` / `--flag` parser: the commands have few options, so no parser library.</summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CliArguments()
    {
    }

    public List<string> Errors { get; } = [];

    public static CliArguments Parse(string[] args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flagOptions)
    {
        var parsed = new CliArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            if (valueOptions.Contains(arg))
            {
                var value = inlineValue ?? (i + 1 < args.Length ? args[++i] : null);
                if (value is null)
                {
                    parsed.Errors.Add($"{arg}: needs a value");
                }
                else
                {
                    parsed._values[arg] = value;
                }
            }
            else if (flagOptions.Contains(arg) && inlineValue is null)
            {
                parsed._flags.Add(arg);
            }
            else
            {
                parsed.Errors.Add($"{args[i]}: unknown option (known: {string.Join(", ", valueOptions.Concat(flagOptions))})");
            }
        }

        return parsed;
    }

    public string? Value(string name) => _values.GetValueOrDefault(name);

    public bool Flag(string name) => _flags.Contains(name);

    public void Require(string name)
    {
        if (!_values.ContainsKey(name))
        {
            Errors.Add($"{name}: required");
        }
    }
}
