using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>Claims per scope (§11.2) and RS256 JWTs; the ID token header stays typ JWT (issue #440).</summary>
internal static class PocketIdTokens
{
    public static readonly string[] KnownScopes = ["openid", "profile", "email", "groups", "offline_access"];

    /// <summary>The claim map shared by the ID token and userinfo (§11.2).</summary>
    public static JsonObject ScopeClaims(PocketIdSimulatorState state, string issuer, SimUser user, IReadOnlyCollection<string> scopes)
    {
        var claims = new JsonObject { ["sub"] = user.Id };
        if (scopes.Contains("profile"))
        {
            var full = $"{user.FirstName} {user.LastName}".Trim();
            claims["given_name"] = user.FirstName;
            if (!string.IsNullOrEmpty(user.LastName))
            {
                claims["family_name"] = user.LastName;
            }

            claims["name"] = full.Length > 0 ? full : user.DisplayName.Length > 0 ? user.DisplayName : user.Username;
            claims["display_name"] = user.DisplayName;
            claims["preferred_username"] = user.Username;
            claims["picture"] = $"{issuer}/api/users/{user.Id}/profile-picture.png";
        }

        // HEAD omits email and email_verified when the user has no e-mail (§11.2).
        if (scopes.Contains("email") && !string.IsNullOrEmpty(user.Email))
        {
            claims["email"] = user.Email;
            claims["email_verified"] = user.EmailVerified;
        }

        if (scopes.Contains("groups"))
        {
            claims["groups"] = new JsonArray(state.GroupNamesOf(user.Id).Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
        }

        return claims;
    }

    public static JsonObject IdTokenClaims(PocketIdSimulatorState state, string issuer, SimClient client, SimUser user, IReadOnlyCollection<string> scopes,
        string? nonce, DateTimeOffset now, DateTimeOffset authTime, string? accessToken)
    {
        var claims = ScopeClaims(state, issuer, user, scopes);
        claims["iss"] = issuer;
        claims["aud"] = new JsonArray(JsonValue.Create(client.Id)); // fosite serialises aud as an array
        claims["iat"] = now.ToUnixTimeSeconds();
        claims["exp"] = now.AddHours(1).ToUnixTimeSeconds();
        claims["auth_time"] = authTime.ToUnixTimeSeconds();
        claims["jti"] = Guid.NewGuid().ToString();
        claims["amr"] = new JsonArray(JsonValue.Create("phr"));
        claims["type"] = "id-token";
        if (!string.IsNullOrEmpty(nonce))
        {
            claims["nonce"] = nonce;
        }

        if (accessToken is not null)
        {
            var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
            claims["at_hash"] = Base64Url.EncodeToString(hash[..(hash.Length / 2)]);
        }

        return claims;
    }

    /// <summary>RFC 9068 access token claims (v2.13+): aud = [client_id, issuer], scp, client_id.</summary>
    public static JsonObject AccessTokenClaims(string issuer, SimClient client, SimUser user, IReadOnlyCollection<string> scopes, DateTimeOffset now, string jti) => new()
    {
        ["iss"] = issuer,
        ["sub"] = user.Id,
        ["aud"] = new JsonArray(JsonValue.Create(client.Id), JsonValue.Create(issuer)),
        ["iat"] = now.ToUnixTimeSeconds(),
        ["exp"] = now.AddMinutes(client.AccessTokenDurationMinutes).ToUnixTimeSeconds(),
        ["jti"] = jti,
        ["client_id"] = client.Id,
        ["scp"] = new JsonArray(scopes.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
    };

    public static string Sign(PocketIdSimulatorState state, JsonObject claims, string typ)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = state.KeyId, ["typ"] = typ };
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "."
            + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = state.SigningKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Verifies one of our own JWTs and returns its claims, or null.</summary>
    public static JsonObject? Verify(PocketIdSimulatorState state, string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var signature = Base64Url.DecodeFromChars(parts[2]);
            if (!state.SigningKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return null;
            }

            return JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or CryptographicException)
        {
            return null;
        }
    }

    public static JsonObject Jwks(PocketIdSimulatorState state)
    {
        var parameters = state.SigningKey.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = state.KeyId,
                ["n"] = Base64Url.EncodeToString(parameters.Modulus!),
                ["e"] = Base64Url.EncodeToString(parameters.Exponent!),
            }),
        };
    }
}
