using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// Where PBS goes after the issuer. PBS's auth-url check only fetches the discovery document from the issuer; at each
/// sign-in PBS then calls the token, userinfo and keys (JWKS) endpoints that document lists. Pocket ID lists those
/// under its internal address (INTERNAL_APP_URL) when one is set, which PBS must reach and trust as well.
/// </summary>
public static class IssuerEndpoints
{
    /// <summary>The endpoints PBS calls at a sign-in whose origin (scheme, host, port) is not the issuer's.</summary>
    public static IReadOnlyList<(string Name, string Url)> ElsewhereThanIssuer(PocketIdDiscovery discovery)
    {
        if (!Uri.TryCreate(discovery.Issuer, UriKind.Absolute, out var issuer))
        {
            return [];
        }

        var endpoints = new (string Name, string? Url)[]
        {
            ("token", discovery.TokenEndpoint), ("userinfo", discovery.UserInfoEndpoint), ("keys (JWKS)", discovery.JwksUri),
        };
        return endpoints
            .Where(e => Uri.TryCreate(e.Url, UriKind.Absolute, out var uri) && !string.Equals(uri.GetLeftPart(UriPartial.Authority), issuer.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            .Select(e => (e.Name, e.Url!))
            .ToList();
    }

    /// <summary>A plan note when PBS must reach Pocket ID at another address than the issuer's; none otherwise.</summary>
    public static IEnumerable<PlannedChange> PlanNote(PocketIdDiscovery discovery)
    {
        var elsewhere = ElsewhereThanIssuer(discovery);
        if (elsewhere.Count == 0)
        {
            yield break;
        }

        var listed = string.Join(", ", elsewhere.Select(e => $"{e.Name} {e.Url}"));
        yield return new(ChangeKind.NoChange, "Pocket ID endpoints",
            $"warning: Pocket ID lists its {listed} at another address than its issuer {discovery.Issuer} (its internal address). " +
            "The realm check below proves only that PBS reaches the issuer; at every sign-in PBS must also reach these addresses and trust their certificates, " +
            "or the login fails after Pocket ID let the user through. Check them from the PBS host.");
    }
}
