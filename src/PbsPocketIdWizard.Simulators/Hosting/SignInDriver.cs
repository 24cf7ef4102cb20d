using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using PbsPocketIdWizard.Simulators.Tls;

namespace PbsPocketIdWizard.Simulators.Hosting;

/// <summary>Outcome of one sign-in round trip: the PBS user id, or where and why it stopped.</summary>
public sealed record SignInResult(string? UserId, string? Error, SignInStage Stage, int? Status)
{
    public bool Succeeded => UserId is not null;
}

/// <summary>The step a round trip reached; for a failure, the step that failed.</summary>
public enum SignInStage
{
    /// <summary>PBS POST /access/openid/auth-url.</summary>
    AuthUrl,

    /// <summary>Pocket ID sign-in + /authorize: no code issued.</summary>
    Authorize,

    /// <summary>PBS POST /access/openid/login.</summary>
    Login,

    Done,
}

/// <summary>
/// Plays the browser of a person on the PBS login page (pbs-api.md §7.5): PBS `auth-url` with
/// `redirect-url = PBS origin` → Pocket ID /authorize, signed in as a demo user through `POST /_sim/sign-in` →
/// back at the PBS origin with `code` and `state` → PBS `openid/login`. PBS TLS is checked by fingerprint pin.
/// </summary>
public static partial class SignInDriver
{
    public static async Task<SignInResult> SignInAsync(
        Uri pbsUrl, string pbsFingerprint, string realm, string pocketIdUsername, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pbsUrl);
        var origin = pbsUrl.GetLeftPart(UriPartial.Authority); // window.location.origin: no path, no trailing slash
        using var pbs = new HttpClient(PinnedHandler(pbsFingerprint)) { BaseAddress = new Uri(origin + "/"), Timeout = TimeSpan.FromSeconds(30) };

        // 1. The login page asks PBS for the IdP URL.
        using var authUrlResponse = await pbs.PostAsJsonAsync("api2/json/access/openid/auth-url",
            new Dictionary<string, string> { ["realm"] = realm, ["redirect-url"] = origin }, ct);
        var authUrlBody = await authUrlResponse.Content.ReadAsStringAsync(ct);
        if (authUrlResponse.StatusCode != HttpStatusCode.OK)
        {
            return new SignInResult(null, authUrlBody, SignInStage.AuthUrl, (int)authUrlResponse.StatusCode);
        }

        var authorizeUrl = new Uri(JsonNode.Parse(authUrlBody)!["data"]!.GetValue<string>());

        // 2. The browser at Pocket ID: sign in as the demo user, continue the authorize request, expect a redirect.
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var idpOrigin = new Uri(authorizeUrl.GetLeftPart(UriPartial.Authority));
        using var signIn = await browser.PostAsync(new Uri(idpOrigin, "/_sim/sign-in"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = pocketIdUsername,
            ["returnUrl"] = authorizeUrl.PathAndQuery,
        }), ct);
        if ((int)signIn.StatusCode >= 400)
        {
            return new SignInResult(null, await signIn.Content.ReadAsStringAsync(ct), SignInStage.Authorize, (int)signIn.StatusCode);
        }

        var next = signIn.Headers.Location is { } afterSignIn ? new Uri(idpOrigin, afterSignIn) : authorizeUrl;
        using var authorize = await browser.GetAsync(next, ct);
        if (authorize.Headers.Location is not { } location || (int)authorize.StatusCode is < 300 or >= 400)
        {
            var page = await authorize.Content.ReadAsStringAsync(ct);
            return new SignInResult(null, AlertText(page) ?? $"no redirect from Pocket ID (HTTP {(int)authorize.StatusCode})",
                SignInStage.Authorize, (int)authorize.StatusCode);
        }

        var callback = location.IsAbsoluteUri ? location : new Uri(idpOrigin, location);
        var query = QueryHelpers.ParseQuery(callback.Query);
        if (!callback.GetLeftPart(UriPartial.Authority).Equals(origin, StringComparison.OrdinalIgnoreCase))
        {
            return new SignInResult(null, $"Pocket ID redirected to {callback.GetLeftPart(UriPartial.Authority)}, not to the PBS origin {origin}",
                SignInStage.Authorize, (int)authorize.StatusCode);
        }

        if (query.TryGetValue("error", out var error))
        {
            var description = query.TryGetValue("error_description", out var d) ? $": {d}" : string.Empty;
            return new SignInResult(null, $"{error}{description}", SignInStage.Authorize, (int)authorize.StatusCode);
        }

        if (!query.TryGetValue("code", out var code) || !query.TryGetValue("state", out var state))
        {
            return new SignInResult(null, "redirect without code and state", SignInStage.Authorize, (int)authorize.StatusCode);
        }

        // 3. Back on the PBS login page: finish the login with the same redirect-url.
        using var login = await pbs.PostAsJsonAsync("api2/json/access/openid/login", new Dictionary<string, string>
        {
            ["state"] = state.ToString(),
            ["code"] = code.ToString(),
            ["redirect-url"] = origin,
        }, ct);
        var loginBody = await login.Content.ReadAsStringAsync(ct);
        if (login.StatusCode != HttpStatusCode.OK)
        {
            return new SignInResult(null, loginBody, SignInStage.Login, (int)login.StatusCode);
        }

        var userId = JsonNode.Parse(loginBody)!["data"]!["username"]!.GetValue<string>();
        return new SignInResult(userId, null, SignInStage.Done, 200);
    }

    /// <summary>Accepts exactly the certificate with this SHA-256 fingerprint (or a normally trusted one); never "anything".</summary>
    public static SocketsHttpHandler PinnedHandler(string fingerprint) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None
                || (certificate is not null && string.Equals(
                    SelfSignedCertificate.Fingerprint(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())),
                    fingerprint, StringComparison.OrdinalIgnoreCase)),
        },
    };

    private static string? AlertText(string html)
    {
        var match = AlertPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value.Trim()) : null;
    }

    [GeneratedRegex("role=\"alert\"[^>]*>([^<]*)<", RegexOptions.IgnoreCase)]
    private static partial Regex AlertPattern();
}
