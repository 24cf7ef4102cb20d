using System.Text.RegularExpressions;
using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>
/// A PBS API token "user@realm!name:secret". PBS splits id and secret at the first ':' and wants the header
/// <c>Authorization: PBSAPIToken=&lt;id&gt;:&lt;secret&gt;</c> with a colon, not the '=' PVE uses (pbs-api.md §2.3).
/// </summary>
public sealed partial record PbsApiToken(string TokenId, Secret Value)
{
    /// <summary>The user that owns the token (the part before '!').</summary>
    public string UserId => TokenId[..TokenId.IndexOf('!', StringComparison.Ordinal)];

    public string AuthorizationHeader => $"PBSAPIToken={TokenId}:{Value.Reveal()}";

    public static bool TryParse(string? text, out PbsApiToken? token)
    {
        token = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var id = text[..colon].Trim();
        var secret = text[(colon + 1)..].Trim();
        if (id.Length is < 3 or > 64 || !TokenIdPattern().IsMatch(id) || secret.Length == 0)
        {
            return false;
        }

        token = new PbsApiToken(id, new Secret(secret));
        return true;
    }

    public override string ToString() => $"{TokenId}:***";

    [GeneratedRegex(@"^[^\s:/\p{Cc}]+@[A-Za-z0-9_][A-Za-z0-9._\-]*![A-Za-z0-9_][A-Za-z0-9._\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenIdPattern();
}
