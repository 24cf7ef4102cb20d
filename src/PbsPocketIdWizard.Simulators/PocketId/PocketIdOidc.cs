using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>The OIDC protocol side (§11): the route table, discovery and JWKS. /authorize, the token endpoint and the sign-in page have their own classes.</summary>
internal static class PocketIdOidc
{
    public static IEnumerable<PocketIdRoute> Routes(PocketIdProfile profile)
    {
        yield return new("GET", "/.well-known/openid-configuration", PocketIdAccess.Public, r => r.JsonAsync(200, Discovery(r)));
        if (profile.MultiSecrets)
        {
            yield return new("GET", "/.well-known/oauth-authorization-server", PocketIdAccess.Public, r => r.JsonAsync(200, Discovery(r)));
        }

        yield return new("GET", "/.well-known/jwks.json", PocketIdAccess.Public, r => r.JsonAsync(200, PocketIdTokens.Jwks(r.State)));
        yield return new("GET", "/authorize", PocketIdAccess.Public, PocketIdAuthorize.Authorize);
        yield return new("POST", "/authorize", PocketIdAccess.Public, PocketIdAuthorize.Authorize);
        yield return new("POST", "/api/oidc/token", PocketIdAccess.Public, PocketIdTokenEndpoint.Token);
        yield return new("GET", "/api/oidc/userinfo", PocketIdAccess.Public, PocketIdTokenEndpoint.UserInfo);
        yield return new("POST", "/api/oidc/userinfo", PocketIdAccess.Public, PocketIdTokenEndpoint.UserInfo);
        yield return new("GET", "/api/oidc/end-session", PocketIdAccess.Public, PocketIdAuthorize.EndSession);
        yield return new("POST", "/api/oidc/end-session", PocketIdAccess.Public, PocketIdAuthorize.EndSession);
        yield return new("POST", "/_sim/sign-in", PocketIdAccess.Public, PocketIdSignIn.SignIn);
        yield return new("POST", "/_sim/sign-out", PocketIdAccess.Public, PocketIdSignIn.SignOut);
        yield return new("POST", "/_sim/users", PocketIdAccess.Public, PocketIdUserApi.SimAddUser);
    }

    private static JsonArray Strings(params string[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    /// <summary>§11.1: issuer = APP_URL exactly (no trailing slash), endpoints as Pocket ID names them.</summary>
    private static JsonObject Discovery(PocketIdRequest r)
    {
        var issuer = r.Issuer;
        var doc = new JsonObject
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = issuer + "/authorize",
            ["token_endpoint"] = issuer + "/api/oidc/token",
            ["userinfo_endpoint"] = issuer + "/api/oidc/userinfo",
            ["end_session_endpoint"] = issuer + "/api/oidc/end-session",
            ["introspection_endpoint"] = issuer + "/api/oidc/introspect",
            ["introspection_endpoint_auth_methods_supported"] = Strings("client_secret_basic", "Bearer"),
            ["device_authorization_endpoint"] = issuer + "/api/oidc/device/authorize",
            ["jwks_uri"] = issuer + "/.well-known/jwks.json",
            ["grant_types_supported"] = Strings("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code", "client_credentials"),
            ["scopes_supported"] = Strings(PocketIdTokens.KnownScopes),
            ["claims_supported"] = Strings("sub", "given_name", "family_name", "name", "display_name", "email", "email_verified", "preferred_username", "picture", "groups", "auth_time", "amr"),
            ["response_types_supported"] = Strings("code"),
            ["response_modes_supported"] = Strings("query", "fragment", "form_post"),
            ["subject_types_supported"] = Strings("public"),
            ["id_token_signing_alg_values_supported"] = Strings("RS256"),
            ["authorization_response_iss_parameter_supported"] = true,
            ["code_challenge_methods_supported"] = Strings("plain", "S256"),
            ["request_parameter_supported"] = true,
            ["request_uri_parameter_supported"] = false,
            ["request_object_signing_alg_values_supported"] = Strings("none"),
            ["prompt_values_supported"] = Strings("none", "login", "consent", "select_account"),
        };
        if (r.Profile.DiscoveryListsAuthMethods)
        {
            doc["token_endpoint_auth_methods_supported"] = Strings("client_secret_basic", "client_secret_post", "none");
        }

        doc["pushed_authorization_request_endpoint"] = issuer + "/api/oidc/par";
        doc["require_pushed_authorization_requests"] = false;
        doc["client_id_metadata_document_supported"] = false;
        if (r.Profile.MultiSecrets)
        {
            doc["service_documentation"] = "https://pocket-id.org/docs";
        }

        return doc;
    }
}
