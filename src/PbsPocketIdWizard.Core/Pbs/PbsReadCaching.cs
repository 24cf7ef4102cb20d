using PbsPocketIdWizard.Core.Pbs.Models;

namespace PbsPocketIdWizard.Core.Pbs;

/// <summary>Which PBS answers the wizard reuses within one action (see ReadCache), and what makes them stale.</summary>
public static class PbsReadCaching
{
    /// <summary>Whether a write of <paramref name="body"/> to <paramref name="writtenRoute"/> may change the answer kept for <paramref name="keptRequest"/>.</summary>
    public static bool MayChange(string writtenRoute, object? body, string keptRequest)
    {
        if (writtenRoute.StartsWith("access/acl", StringComparison.Ordinal))
        {
            return IsPermissionRead(keptRequest);
        }

        if (writtenRoute.StartsWith("access/users", StringComparison.Ordinal))
        {
            // Removing a user removes its ACL entries too.
            return IsPermissionRead(keptRequest) || keptRequest.StartsWith("access/users", StringComparison.Ordinal);
        }

        // PBS resolves the issuer from the realm's issuer URL and client id; other realm settings (scopes) leave it.
        if (IsIssuerResolution(keptRequest) && body is PbsOpenIdRealmUpdate { IssuerUrl: null, ClientId: null } update
            && !(update.Delete ?? []).Any(d => d is "issuer-url" or "client-id"))
        {
            return false;
        }

        // Realms (and anything else): every answer but the connection's own facts.
        return !IsConnectionFact(keptRequest);
    }

    /// <summary>
    /// Whether an answer still holds after a person signed in (the pause): the connection's facts, and PBS resolving
    /// the issuer (the sign-in itself went through it). Users, realms and permissions are read afresh.
    /// </summary>
    public static bool SurvivesPause(string keptRequest) =>
        IsConnectionFact(keptRequest) || IsIssuerResolution(keptRequest);

    private static bool IsIssuerResolution(string request) => request.StartsWith("access/openid/auth-url", StringComparison.Ordinal);

    private static bool IsConnectionFact(string request) =>
        request is "ping" or "version" || request.StartsWith("nodes/", StringComparison.Ordinal);

    private static bool IsPermissionRead(string request) =>
        request.StartsWith("access/acl", StringComparison.Ordinal) || request.StartsWith("access/permissions", StringComparison.Ordinal);
}
