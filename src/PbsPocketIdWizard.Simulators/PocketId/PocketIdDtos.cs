using System.Globalization;
using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>
/// Wire shapes of §5.2, §9, §10 built as JSON nodes, because null vs [] vs omitted differs per field and per version (§2).
/// </summary>
internal static class PocketIdDtos
{
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonArray? StringList(IReadOnlyList<string>? values) =>
        values is null ? null : new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    public static JsonObject User(PocketIdSimulatorState state, SimUser user) => new()
    {
        ["id"] = user.Id,
        ["username"] = user.Username,
        ["email"] = user.Email,
        ["emailVerified"] = user.EmailVerified,
        ["firstName"] = user.FirstName,
        ["lastName"] = user.LastName,
        ["displayName"] = user.DisplayName,
        ["isAdmin"] = user.IsAdmin,
        ["locale"] = null,
        ["customClaims"] = new JsonArray(),
        ["userGroups"] = new JsonArray(state.GroupsOf(user.Id).Select(g => (JsonNode?)GroupMinimal(g, g.UserIds.Count)).ToArray()),
        ["ldapId"] = null,
        ["disabled"] = user.Disabled,
    };

    public static JsonObject GroupMinimal(SimGroup group, int userCount) => new()
    {
        ["id"] = group.Id,
        ["friendlyName"] = group.FriendlyName,
        ["name"] = group.Name,
        ["customClaims"] = new JsonArray(),
        ["userCount"] = userCount,
        ["ldapId"] = null,
        ["createdAt"] = Timestamp(group.CreatedAt),
    };

    /// <summary>UserGroupDto; a freshly created group has users/allowedOidcClients null (§2).</summary>
    public static JsonObject Group(PocketIdSimulatorState state, SimGroup group, bool fresh)
    {
        var users = fresh
            ? null
            : new JsonArray(group.UserIds.Select(state.FindUser).OfType<SimUser>().Select(u => (JsonNode?)User(state, u)).ToArray());
        var clients = fresh
            ? null
            : new JsonArray(state.Clients.Where(c => c.AllowedGroupIds.Contains(group.Id)).Select(c => (JsonNode?)ClientMeta(state.Profile, c)).ToArray());
        return new JsonObject
        {
            ["id"] = group.Id,
            ["friendlyName"] = group.FriendlyName,
            ["name"] = group.Name,
            ["customClaims"] = new JsonArray(),
            ["ldapId"] = null,
            ["createdAt"] = Timestamp(group.CreatedAt),
            ["users"] = users,
            ["allowedOidcClients"] = clients,
        };
    }

    public static JsonObject ClientMeta(PocketIdProfile profile, SimClient client)
    {
        var meta = new JsonObject
        {
            ["id"] = client.Id,
            ["name"] = client.Name,
            ["description"] = client.Description,
            ["hasLogo"] = client.LightLogo is not null,
            ["hasDarkLogo"] = client.DarkLogo is not null,
            ["launchURL"] = client.LaunchUrl,
            ["requiresReauthentication"] = client.RequiresReauthentication,
        };
        if (profile.StructuredErrors)
        {
            meta["clientType"] = "standard";
        }

        return meta;
    }

    public static JsonObject Secret(PocketIdSimulatorState state, SimClientSecret secret) => new()
    {
        ["id"] = secret.Id,
        ["prefix"] = secret.Prefix,
        ["createdAt"] = Timestamp(secret.CreatedAt),
        ["expiresAt"] = secret.ExpiresAt is { } e ? Timestamp(e) : null,
        ["isActive"] = IsActive(state, secret),
    };

    public static bool IsActive(PocketIdSimulatorState state, SimClientSecret secret) =>
        secret.ExpiresAt is not { } expires || expires > state.Time.GetUtcNow();

    /// <summary>OidcClientDto (§5.2).</summary>
    public static JsonObject Client(PocketIdSimulatorState state, SimClient client)
    {
        var profile = state.Profile;
        var dto = ClientMeta(profile, client);
        dto["callbackURLs"] = StringList(client.CallbackUrls);
        dto["logoutCallbackURLs"] = StringList(client.LogoutCallbackUrls);
        dto["isPublic"] = client.IsPublic;
        dto["pkceEnabled"] = client.PkceEnabled;
        dto["requiresPushedAuthorizationRequests"] = client.RequiresPushedAuthorizationRequests;
        dto["skipConsent"] = client.SkipConsent;
        var credentials = new JsonObject();
        if (client.FederatedIdentities.Count > 0)
        {
            credentials["federatedIdentities"] = new JsonArray(client.FederatedIdentities.Select(f => (JsonNode?)new JsonObject
            {
                ["issuer"] = f.Issuer,
                ["subject"] = f.Subject,
                ["audience"] = f.Audience,
                ["jwks"] = f.Jwks,
                ["replayProtection"] = f.ReplayProtection ?? false,
            }).ToArray());
        }

        if (profile.MultiSecrets)
        {
            // Nested slice copied from a nil model field → null when there are none (§2).
            credentials["secrets"] = client.Secrets.Count == 0
                ? null
                : new JsonArray(client.Secrets.Select(s => (JsonNode?)Secret(state, s)).ToArray());
        }

        dto["credentials"] = credentials;
        dto["isGroupRestricted"] = client.IsGroupRestricted;
        if (client.PkceSupported)
        {
            dto["pkceSupported"] = true;
        }

        if (profile.StructuredErrors)
        {
            dto["accessTokenDurationMinutes"] = client.AccessTokenDurationMinutes;
            dto["refreshTokenDurationMinutes"] = client.RefreshTokenDurationMinutes;
        }

        return dto;
    }

    /// <summary>OidcClientWithAllowedUserGroupsDto; <paramref name="afterCreate"/> gives allowedUserGroups null (§2).</summary>
    public static JsonObject ClientWithGroups(PocketIdSimulatorState state, SimClient client, bool afterCreate)
    {
        var dto = Client(state, client);
        dto["allowedUserGroups"] = afterCreate
            ? null
            : new JsonArray(client.AllowedGroupIds.Select(state.FindGroup).OfType<SimGroup>()
                .Select(g => (JsonNode?)GroupMinimal(g, 0)).ToArray());
        return dto;
    }

    public static JsonObject ClientWithGroupCount(PocketIdSimulatorState state, SimClient client)
    {
        var dto = Client(state, client);
        dto["allowedUserGroupsCount"] = client.AllowedGroupIds.Count;
        return dto;
    }
}
