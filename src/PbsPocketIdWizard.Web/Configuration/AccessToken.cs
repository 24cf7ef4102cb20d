using System.Buffers.Text;
using System.Security.Cryptography;

namespace PbsPocketIdWizard.Web.Configuration;

/// <summary>
/// Where the wizard's access token comes from: Wizard:AccessToken, the file named by Wizard:AccessTokenFile (a Docker
/// secret, so the token is not in `docker inspect`), or a random one per start. Only a random token is ever printed;
/// for a configured one the start line names its source.
/// </summary>
public sealed record AccessToken(string Value, string Source, bool IsGenerated)
{
    public const int MinimumLength = 16;

    public static AccessToken Resolve(WizardOptions options)
    {
        if (!string.IsNullOrEmpty(options.AccessToken))
        {
            return new AccessToken(options.AccessToken, "Wizard__AccessToken", IsGenerated: false);
        }

        if (!string.IsNullOrWhiteSpace(options.AccessTokenFile))
        {
            return new AccessToken(ReadFile(options.AccessTokenFile), $"Wizard__AccessTokenFile ({options.AccessTokenFile})", IsGenerated: false);
        }

        var random = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        return new AccessToken(random, "generated at this start", IsGenerated: true);
    }

    /// <summary>The file's text without surrounding white space (an editor's or `echo`'s final newline).</summary>
    public static string ReadFile(string path) => File.ReadAllText(path).Trim();

    /// <summary>Why the configured token file cannot be used, or null when it can (checked at start).</summary>
    public static string? ProblemWithFile(string path)
    {
        try
        {
            return ReadFile(path).Length < MinimumLength
                ? $"Wizard:AccessTokenFile ({path}) must hold a token of at least {MinimumLength} characters."
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"Wizard:AccessTokenFile ({path}) cannot be read: {ex.Message}";
        }
    }

    public override string ToString() => $"access token from {Source}";
}
