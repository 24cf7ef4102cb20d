using System.Net;
using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.PocketId.PocketIdAdminApi;
using static PbsPocketIdWizard.Simulators.PocketId.PocketIdListing;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>OIDC clients (§5) and the claims preview (§5.1).</summary>
internal static class PocketIdClientApi
{
    private static readonly Dictionary<string, Func<SimClient, IComparable>> ClientColumns = new(StringComparer.Ordinal)
    {
        ["name"] = c => c.Name,
        ["createdAt"] = c => c.CreatedAt,
        ["pkceEnabled"] = c => c.PkceEnabled,
        ["requiresReauthentication"] = c => c.RequiresReauthentication,
        ["requiresPushedAuthorizationRequests"] = c => c.RequiresPushedAuthorizationRequests,
        ["skipConsent"] = c => c.SkipConsent,
        ["isGroupRestricted"] = c => c.IsGroupRestricted,
        ["pkceSupported"] = c => c.PkceSupported,
        ["clientType"] = _ => "standard",
        ["allowedUserGroupsCount"] = c => c.AllowedGroupIds.Count,
    };

    internal static Task ListClients(PocketIdRequest r) => WriteListAsync(r, r.State.Clients,
        (c, search) => Like(c.Name, search),
        ClientColumns, c => PocketIdDtos.ClientWithGroupCount(r.State, c));

    private static void ValidateClientInput(ClientInput input, bool create)
    {
        var problems = new List<FieldProblem>();
        if (create)
        {
            PocketIdValidation.ClientId(problems, input.Id);
        }

        PocketIdValidation.Required(problems, "name", input.Name);
        PocketIdValidation.Length(problems, "name", input.Name, 0, 50);
        PocketIdValidation.Length(problems, "description", input.Description, 0, 150);
        PocketIdValidation.CallbackList(problems, "callbackURLs", input.CallbackUrls);
        PocketIdValidation.CallbackList(problems, "logoutCallbackURLs", input.LogoutCallbackUrls);
        PocketIdValidation.Url(problems, "launchURL", input.LaunchUrl);
        PocketIdValidation.TokenDuration(problems, "accessTokenDurationMinutes", input.AccessTokenDurationMinutes);
        PocketIdValidation.TokenDuration(problems, "refreshTokenDurationMinutes", input.RefreshTokenDurationMinutes);
        PocketIdValidation.ThrowIfAny(problems);
    }

    /// <summary>Applies the full-replace semantics of §5.3 to <paramref name="client"/>.</summary>
    private static SimClient Apply(SimClient client, ClientInput input, PocketIdProfile profile)
    {
        var isPublic = input.IsPublic ?? false;
        var pkce = isPublic || (input.PkceEnabled ?? false); // public clients always need PKCE
        var restricted = input.IsGroupRestricted ?? false;
        return client with
        {
            Name = input.Name!,
            Description = input.Description ?? string.Empty,
            CallbackUrls = input.CallbackUrls?.Select(u => u ?? string.Empty).ToList(),
            LogoutCallbackUrls = input.LogoutCallbackUrls?.Select(u => u ?? string.Empty).ToList(),
            IsPublic = isPublic,
            PkceEnabled = pkce,
            PkceSupported = pkce && client.PkceSupported,
            RequiresReauthentication = input.RequiresReauthentication ?? false,
            RequiresPushedAuthorizationRequests = input.RequiresPushedAuthorizationRequests ?? false,
            SkipConsent = input.SkipConsent ?? false,
            LaunchUrl = input.LaunchUrl, // "" passes omitempty and is stored as "" (send null/omit, §5.3)
            IsGroupRestricted = restricted,
            // v2.0+: isGroupRestricted false (or omitted) deletes every allowed-group link (§5.3, §8).
            AllowedGroupIds = profile.HasGroupRestrictedFlag && !restricted ? [] : client.AllowedGroupIds,
            AccessTokenDurationMinutes = input.AccessTokenDurationMinutes is > 0 and var a ? a : 60,
            RefreshTokenDurationMinutes = input.RefreshTokenDurationMinutes is > 0 and var rf ? rf : 43200,
            FederatedIdentities = input.Credentials?.FederatedIdentities?.OfType<SimFederatedIdentity>().ToList() ?? [],
        };
    }

    internal static async Task CreateClient(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<ClientInput>() ?? new ClientInput();
        ValidateClientInput(input, create: true);
        var id = string.IsNullOrEmpty(input.Id) ? Guid.NewGuid().ToString() : input.Id;
        var client = Apply(new SimClient { Id = id, Name = input.Name!, CreatedAt = r.State.Time.GetUtcNow() }, input, r.Profile);
        if (!r.State.TryAddClient(client))
        {
            throw new PocketIdApiError(r.Profile.StructuredErrors ? 409 : 400, "client_id_already_exists", "Client ID is already in use",
                legacyMessage: "Client ID already in use");
        }

        // The row is committed before any logo download: a failing logoUrl leaves the client behind (§5.3 hazard).
        CheckLogoUrls(input);
        await r.JsonAsync(201, PocketIdDtos.ClientWithGroups(r.State, client, afterCreate: true));
    }

    internal static async Task UpdateClient(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<ClientInput>() ?? new ClientInput();
        ValidateClientInput(input, create: false);
        var updated = r.State.UpdateClient(r.Route("id"), c => Apply(c, input, r.Profile)) ?? throw PocketIdApiError.NotFound("OIDC client");
        CheckLogoUrls(input);
        await r.JsonAsync(200, PocketIdDtos.ClientWithGroups(r.State, updated, afterCreate: false));
    }

    /// <summary>
    /// §7.3: a non-null logoUrl makes the server download it. The simulator never downloads: private/loopback/invalid URLs
    /// fail like Pocket ID's SSRF guard (400 logoUrl), anything else as an unreachable download (422).
    /// </summary>
    private static void CheckLogoUrls(ClientInput input)
    {
        foreach (var (field, url) in new[] { ("logoUrl", input.LogoUrl), ("darkLogoUrl", input.DarkLogoUrl) })
        {
            if (url is null)
            {
                continue;
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.Host.Length == 0
                || uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && PocketIdValidation.IsPrivateAddress(ip)))
            {
                throw new PocketIdApiError(400, "validation_failed", $"{PocketIdApiError.Capitalise(field)} is invalid",
                    new JsonObject { ["fields"] = new JsonArray(new JsonObject { ["field"] = field, ["code"] = "invalid_value", ["message"] = "is invalid" }) });
            }

            throw new PocketIdApiError(422, "logo_download_failed", "Failed to download the logo");
        }
    }

    internal static Task DeleteClient(PocketIdRequest r)
    {
        // v2.14: 404 when missing; ≤ v2.13: 204 regardless (§5.1).
        if (!r.State.RemoveClient(r.Route("id")) && r.Profile.MultiSecrets)
        {
            throw PocketIdApiError.NotFound("OIDC client");
        }

        return r.NoContentAsync();
    }

    internal static async Task SetAllowedGroups(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<AllowedGroupsInput>() ?? new AllowedGroupsInput();
        if (input.UserGroupIds is null)
        {
            throw PocketIdApiError.Validation(new FieldProblem("userGroupIds", "required", "is required"));
        }

        // Unknown ids are silently ignored (§8); isGroupRestricted is not touched.
        var known = input.UserGroupIds.OfType<string>().Where(id => r.State.FindGroup(id) is not null).Distinct(StringComparer.Ordinal).ToList();
        var updated = r.State.UpdateClient(r.Route("id"), c => c with { AllowedGroupIds = known }) ?? throw PocketIdApiError.NotFound("OIDC client");
        await r.JsonAsync(200, PocketIdDtos.Client(r.State, updated));
    }

    // ---------- claims preview (§5.1, §17 step 9) ----------

    internal static Task Preview(PocketIdRequest r)
    {
        var scopesText = r.Http.Request.Query["scopes"].ToString();
        if (scopesText.Length == 0)
        {
            throw PocketIdApiError.Validation(new FieldProblem("scopes", "required", "is required"));
        }

        var client = RequireClient(r, r.Route("id"));
        var user = RequireUser(r, r.Route("userId"));
        if (!PocketIdAuthorize.MayAuthorize(r.State, client, user))
        {
            // The same group check as /authorize (backend/internal/service/oidc_service.go GetClientPreview).
            throw new PocketIdApiError(403, "oidc_access_denied", "You're not allowed to access this service");
        }

        var scopes = scopesText.Split(' ', StringSplitOptions.RemoveEmptyEntries); // the code splits on spaces (§14)
        var issuer = r.Issuer;
        var now = r.State.Time.GetUtcNow();
        var idToken = PocketIdTokens.IdTokenClaims(r.State, issuer, client, user, scopes, nonce: null, now, now, accessToken: null);
        var accessToken = PocketIdTokens.AccessTokenClaims(issuer, client, user, scopes, now, Guid.NewGuid().ToString());
        var userInfo = PocketIdTokens.ScopeClaims(r.State, issuer, user, scopes);
        return r.JsonAsync(200, new JsonObject { ["idToken"] = idToken, ["accessToken"] = accessToken, ["userInfo"] = userInfo });
    }
}
