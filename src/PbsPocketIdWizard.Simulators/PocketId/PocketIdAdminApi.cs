using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>
/// The admin REST API under /api (§3, §5–§10, §12): the route table and what the areas share. The handlers live in
/// one class per area (users and groups, clients, secrets, logos).
/// </summary>
internal static class PocketIdAdminApi
{
    public static IEnumerable<PocketIdRoute> Routes(PocketIdProfile profile)
    {
        yield return new("GET", "/healthz", PocketIdAccess.Public, r => r.NoContentAsync());
        yield return new("GET", "/api/application-configuration", PocketIdAccess.Public, r => r.JsonAsync(200, AppConfig(r, includePrivate: false)));
        yield return new("GET", "/api/application-configuration/all", PocketIdAccess.Admin, r => r.JsonAsync(200, AppConfig(r, includePrivate: true)));
        yield return new("GET", "/api/version/latest", PocketIdAccess.Public, r => r.JsonAsync(200, new JsonObject { ["latestVersion"] = r.Profile.VersionText }));
        if (profile.HasVersionEndpoint)
        {
            yield return new("GET", "/api/version/current", PocketIdAccess.AnyUser, r => r.JsonAsync(200, new JsonObject { ["currentVersion"] = r.Profile.VersionText }));
        }

        yield return new("GET", "/api/users/me", PocketIdAccess.AnyUser, r => r.JsonAsync(200, PocketIdDtos.User(r.State, r.User!)));
        yield return new("GET", "/api/users", PocketIdAccess.Admin, PocketIdUserApi.ListUsers);
        yield return new("POST", "/api/users", PocketIdAccess.Admin, PocketIdUserApi.CreateUser);
        yield return new("GET", "/api/users/{id}", PocketIdAccess.Admin, r => r.JsonAsync(200, PocketIdDtos.User(r.State, RequireUser(r, r.Route("id")))));
        yield return new("GET", "/api/users/{id}/profile-picture.png", PocketIdAccess.Public, PocketIdUserApi.ProfilePicture);
        yield return new("GET", "/api/users/{id}/groups", PocketIdAccess.Admin, r => r.JsonAsync(200,
            new JsonArray(r.State.GroupsOf(RequireUser(r, r.Route("id")).Id).Select(g => (JsonNode?)PocketIdDtos.Group(r.State, g, fresh: false)).ToArray())));

        yield return new("GET", "/api/user-groups", PocketIdAccess.Admin, PocketIdUserApi.ListGroups);
        yield return new("POST", "/api/user-groups", PocketIdAccess.Admin, PocketIdUserApi.CreateGroup);
        yield return new("GET", "/api/user-groups/{id}", PocketIdAccess.Admin, r => r.JsonAsync(200, PocketIdDtos.Group(r.State, RequireGroup(r, r.Route("id")), fresh: false)));
        yield return new("PUT", "/api/user-groups/{id}/users", PocketIdAccess.Admin, PocketIdUserApi.SetGroupUsers);
        yield return new("DELETE", "/api/user-groups/{id}", PocketIdAccess.Admin, PocketIdUserApi.DeleteGroup);
        yield return new("PUT", "/api/users/{id}/user-groups", PocketIdAccess.Admin, PocketIdUserApi.SetUserGroups);

        yield return new("GET", "/api/oidc/clients", PocketIdAccess.Admin, PocketIdClientApi.ListClients);
        yield return new("POST", "/api/oidc/clients", PocketIdAccess.Admin, PocketIdClientApi.CreateClient);
        yield return new("GET", "/api/oidc/clients/{id}", PocketIdAccess.Admin, r => r.JsonAsync(200, PocketIdDtos.ClientWithGroups(r.State, RequireClient(r, r.Route("id")), afterCreate: false)));
        yield return new("GET", "/api/oidc/clients/{id}/meta", PocketIdAccess.Public, r => r.JsonAsync(200, PocketIdDtos.ClientMeta(r.Profile, RequireClient(r, r.Route("id")))));
        yield return new("PUT", "/api/oidc/clients/{id}", PocketIdAccess.Admin, PocketIdClientApi.UpdateClient);
        yield return new("DELETE", "/api/oidc/clients/{id}", PocketIdAccess.Admin, PocketIdClientApi.DeleteClient);
        yield return new("PUT", "/api/oidc/clients/{id}/allowed-user-groups", PocketIdAccess.Admin, PocketIdClientApi.SetAllowedGroups);
        if (profile.MultiSecrets)
        {
            yield return new("GET", "/api/oidc/clients/{id}/secrets", PocketIdAccess.Admin, r => r.JsonAsync(200,
                new JsonArray(RequireClient(r, r.Route("id")).Secrets.Select(s => (JsonNode?)PocketIdDtos.Secret(r.State, s)).ToArray())));
            yield return new("POST", "/api/oidc/clients/{id}/secrets", PocketIdAccess.Admin, PocketIdSecretApi.CreateSecret);
            yield return new("DELETE", "/api/oidc/clients/{id}/secrets/{secretId}", PocketIdAccess.Admin, PocketIdSecretApi.DeleteSecret);
        }
        else
        {
            yield return new("POST", "/api/oidc/clients/{id}/secret", PocketIdAccess.Admin, PocketIdSecretApi.ReplaceSecret);
        }

        yield return new("GET", "/api/oidc/clients/{id}/logo", PocketIdAccess.Public, PocketIdLogoApi.GetLogo);
        yield return new("POST", "/api/oidc/clients/{id}/logo", PocketIdAccess.Admin, PocketIdLogoApi.UploadLogo);
        yield return new("DELETE", "/api/oidc/clients/{id}/logo", PocketIdAccess.Admin, PocketIdLogoApi.DeleteLogo);
        yield return new("GET", "/api/oidc/clients/{id}/preview/{userId}", PocketIdAccess.Admin, PocketIdClientApi.Preview);
    }

    internal static SimUser RequireUser(PocketIdRequest r, string id) =>
        r.State.FindUser(id) ?? throw new PocketIdApiError(404, "user_not_found", "User not found", legacyMessage: "Record not found");

    internal static SimGroup RequireGroup(PocketIdRequest r, string id) =>
        r.State.FindGroup(id) ?? throw PocketIdApiError.NotFound("User group");

    internal static SimClient RequireClient(PocketIdRequest r, string id) =>
        r.State.FindClient(id) ?? throw PocketIdApiError.NotFound("OIDC client");

    private static JsonArray AppConfig(PocketIdRequest r, bool includePrivate)
    {
        var entries = new (string Key, string Type, string Value)[]
        {
            ("appName", "", "Pocket ID"),
            ("homePageUrl", "", "/settings/account"),
            ("accentColor", "", "default"),
            ("disableAnimations", "", "false"),
            ("allowOwnAccountEdit", "", "true"),
            ("allowUserSignups", "", "disabled"),
            ("requireUserEmail", "", "true"),
            ("emailOneTimeAccessAsUnauthenticatedEnabled", "", "false"),
            ("emailOneTimeAccessAsAdminEnabled", "", "false"),
            ("emailVerificationEnabled", "", "false"),
            ("ldapEnabled", "", "false"),
            ("uiConfigDisabled", "boolean", "false"),
            ("tracingEnabled", "", "false"),
        };
        return new JsonArray(entries.Select(e =>
        {
            var node = new JsonObject { ["key"] = e.Key, ["type"] = e.Type, ["value"] = e.Value };
            if (includePrivate)
            {
                node["isPublic"] = true;
            }

            return (JsonNode?)node;
        }).ToArray());
    }
}
