using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>The ID token checks of the proxmox-openid crate: signature via JWKS, issuer, audiences, expiry, nonce (pbs-api.md §7.3).</summary>
internal static class PbsIdTokenVerifier
{
    public static JsonObject Verify(PbsOpenIdDiscovery discovery, PbsOpenIdRealm realm, string nonce, string idToken, long now)
    {
        const string prefix = "Failed to verify ID token: ";
        var parts = idToken.Split('.');
        JsonObject header, claims;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject ?? throw new FormatException();
            claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject ?? throw new FormatException();
            signature = Base64Url.DecodeFromChars(parts[2]);
            if (parts.Length != 3)
            {
                throw new FormatException();
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException or IndexOutOfRangeException)
        {
            throw new PbsApiException(401, prefix + "Failed to parse ID token");
        }

        var alg = header["alg"]?.ToString();
        var kid = header["kid"]?.ToString();
        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        var candidates = discovery.Keys.OfType<JsonObject>().Where(k => kid is null || k["kid"]?.ToString() == kid).ToList();
        if (!candidates.Any(k => VerifySignature(k, alg, signed, signature)))
        {
            throw new PbsApiException(401, prefix + "Signature verification failed");
        }

        var issuer = claims["iss"]?.ToString();
        if (issuer != discovery.Issuer)
        {
            throw new PbsApiException(401, $"{prefix}Invalid issuer: expected `{discovery.Issuer}` (found `{issuer}`)");
        }

        var audiences = claims["aud"] switch
        {
            JsonArray arr => arr.Select(x => x?.ToString() ?? string.Empty).ToList(),
            JsonNode n => [n.ToString()],
            _ => new List<string>(),
        };
        if (!audiences.Contains(realm.ClientId, StringComparer.Ordinal))
        {
            throw new PbsApiException(401, $"{prefix}Invalid audiences: `{realm.ClientId}` is not a trusted audience");
        }

        var untrusted = audiences.FirstOrDefault(a => a != realm.ClientId && !realm.Audiences.Contains(a, StringComparer.Ordinal));
        if (untrusted is not null)
        {
            throw new PbsApiException(401, $"{prefix}Invalid audiences: `{untrusted}` is not a trusted audience");
        }

        if (claims["exp"] is not JsonValue exp || !exp.TryGetValue<long>(out var expires) || expires < now)
        {
            throw new PbsApiException(401, $"{prefix}Expired: ID token expired");
        }

        if (claims["nonce"]?.ToString() != nonce)
        {
            throw new PbsApiException(401, $"{prefix}Invalid nonce: nonce mismatch");
        }

        return claims;
    }

    private static bool VerifySignature(JsonObject jwk, string? alg, byte[] data, byte[] signature)
    {
        try
        {
            switch (alg, jwk["kty"]?.ToString())
            {
                case ("RS256", "RSA"):
                    using (var rsa = RSA.Create(new RSAParameters
                    {
                        Modulus = Base64Url.DecodeFromChars(jwk["n"]!.ToString()),
                        Exponent = Base64Url.DecodeFromChars(jwk["e"]!.ToString()),
                    }))
                    {
                        return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                    }

                case ("ES256", "EC"):
                    using (var ec = ECDsa.Create(new ECParameters
                    {
                        Curve = ECCurve.NamedCurves.nistP256,
                        Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk["x"]!.ToString()), Y = Base64Url.DecodeFromChars(jwk["y"]!.ToString()) },
                    }))
                    {
                        return ec.VerifyData(data, signature, HashAlgorithmName.SHA256);
                    }

                default:
                    return false;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or NullReferenceException)
        {
            return false;
        }
    }
}
