using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Pbs;

/// <summary>pbs-api.md §1 (envelope, errors, encoding) and §2 (tickets, cookies, CSRF, TOTP).</summary>
public sealed class PbsAuthTests
{
    [Fact]
    public async Task Ticket_RootPassword_ReturnsTicketEnvelope_Section2_1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("password", "demo")));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(200, response.Json!["status"]!.GetValue<int>());
        Assert.True(response.Json["success"]!.GetValue<bool>());
        Assert.Equal("root@pam", response.Data!["username"]!.GetValue<string>());
        Assert.Matches(@"^PBS:root@pam:[0-9A-F]{8}::[A-Za-z0-9+/]+$", response.Data["ticket"]!.GetValue<string>());
        Assert.Matches(@"^[0-9A-F]{8}:[A-Za-z0-9+/]+$", response.Data["CSRFPreventionToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ticket_JsonBody_IsAccepted_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Json(new Dictionary<string, object> { ["username"] = "root@pam", ["password"] = "demo" }));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.StartsWith("PBS:root@pam:", response.Data!["ticket"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticket_WrongPassword_Returns401PermissionCheckFailed_Section2_1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("password", "wrong")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("permission check failed.", response.Body);
    }

    [Fact]
    public async Task Ticket_MissingPassword_Returns400NoPasswordProvided_Section2_1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket", PbsTestHost.Form(("username", "root@pam")));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("no password provided", response.Body);
    }

    [Fact]
    public async Task Ticket_UnknownParameter_Returns400WithSchemaMessage_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("password", "demo"), ("realm", "pam")));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("parameter verification failed - 'realm': schema does not allow additional properties.", response.Body);
        Assert.Equal("application/json", response.ContentType?.MediaType);
    }

    [Fact]
    public async Task ProtectedGet_WithoutCredentials_Returns401AndClearsCookie_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var response = await pbs.GetAsync("/api2/json/version");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("authentication failed", response.Body);
        Assert.Contains(response.SetCookies, c => c.StartsWith("__Host-PBSAuthCookie=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthFailure_IsDelayedByConfiguredDelay_Section13_11()
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.AuthFailureDelay = TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        var response = await pbs.GetAsync("/api2/json/version");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(280), $"answered after {watch.Elapsed}");
    }

    [Theory]
    [InlineData("__Host-PBSAuthCookie")]
    [InlineData("PBSAuthCookie")]
    public async Task Get_WithTicketCookie_Succeeds_Section2_1(string cookieName)
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync() with { CookieName = cookieName, Csrf = null };

        var response = await pbs.GetAsync("/api2/json/version", auth);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("4.2", response.Data!["version"]!.GetValue<string>());
        Assert.Equal("3", response.Data["release"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_WithTicketButNoCsrfHeader_Returns401_Section2_1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        var body = PbsTestHost.Form(("userid", "carol@pbs"));

        var without = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/users", body, auth with { Csrf = null });
        var wrong = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/users", PbsTestHost.Form(("userid", "carol@pbs")),
            auth with { Csrf = "6650A1B2:bm90LXZhbGlk" });
        var with = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/users", PbsTestHost.Form(("userid", "carol@pbs")), auth);

        Assert.Equal(HttpStatusCode.Unauthorized, without.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(HttpStatusCode.OK, with.Status);
        Assert.Contains(pbs.State.Users, u => u.UserId == "carol@pbs");
    }

    [Fact]
    public async Task Ticket_RefreshWithOldTicket_ReturnsNewTicket_Section2_1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("password", auth.Ticket!)));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.StartsWith("PBS:root@pam:", response.Data!["ticket"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticket_HttpOnly_SetsHostCookieAndTicketInfo_Section2_1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("password", "demo"), ("http-only", "1")));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(response.Data!["ticket"]);
        Assert.EndsWith("::ticketinfo", response.Data["ticket-info"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(response.SetCookies, c => c.StartsWith("__Host-PBSAuthCookie=PBS", StringComparison.Ordinal) && c.Contains("HttpOnly", StringComparison.Ordinal));
    }

    [Fact]
    public async Task JsonBody_BooleanAsNumber_IsRejected_FormBooleanWordsAccepted_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var json = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Json(new Dictionary<string, object> { ["username"] = "root@pam", ["password"] = "demo", ["http-only"] = 1 }));
        var form = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("password", "demo"), ("http-only", "no")));

        Assert.Equal(HttpStatusCode.BadRequest, json.Status);
        Assert.Equal("parameter verification failed - 'http-only': Expected boolean value.", json.Body);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.NotNull(form.Data!["ticket"]);
    }

    [Fact]
    public async Task UnknownPath_Returns401Unauthenticated_And404Authenticated_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();

        var anonymous = await pbs.GetAsync("/api2/json/no/such/thing");
        var known = await pbs.GetAsync("/api2/json/no/such/thing", auth);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.NotFound, known.Status);
        Assert.Equal("Path '/api2/json/no/such/thing' not found.", known.Body);
    }

    [Fact]
    public async Task UnsupportedFormat_Returns400_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var response = await pbs.GetAsync("/api2/xml/ping");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Unsupported output format 'xml'.", response.Body);
    }

    [Fact]
    public async Task Extjs_Error_IsHttp200WithSuccessFalse_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var auth = await pbs.LoginAsync();
        var response = await pbs.SendAsync(HttpMethod.Put, "/api2/extjs/access/acl",
            PbsTestHost.Form(("path", "/"), ("role", "Administrator"), ("auth-id", "root@pam")), auth);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Json!["success"]!.GetValue<bool>());
        Assert.Equal(400, response.Json["status"]!.GetValue<int>());
        Assert.Equal("parameter verification errors", response.Json["message"]!.GetValue<string>());
        Assert.Equal("value 'Administrator' is not defined in the enumeration.", response.Json["errors"]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ping_IsWorld_Section8()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        var response = await pbs.GetAsync("/api2/json/ping");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(response.Data!["pong"]!.GetValue<bool>());
    }

    [Fact]
    public async Task InvalidJsonBody_Returns400NotServerError_Section1()
    {
        await using var pbs = await PbsTestHost.StartAsync();
        using var content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("unable to parse json body", response.Body, StringComparison.Ordinal);
    }

    // ---- TOTP second factor (pbs-api.md §2.2) ----

    private const string TotpSecret = "JBSWY3DPEHPK3PXP";

    [Fact]
    public async Task Totp_PasswordStep_ReturnsPartialTfaTicketWithInvalidCsrf_Section2_2()
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.RootTotpSecret = TotpSecret);
        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("password", "demo")));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var ticket = response.Data!["ticket"]!.GetValue<string>();
        Assert.StartsWith("PBS:!tfa!", ticket, StringComparison.Ordinal);
        Assert.Equal("invalid", response.Data["CSRFPreventionToken"]!.GetValue<string>());
        var challenge = Uri.UnescapeDataString(ticket.Split(':')[1][5..]);
        Assert.Equal("{\"totp\":true}", challenge);

        var withPartial = await pbs.GetAsync("/api2/json/version", PbsAuth.FromTicket(ticket, "invalid"));
        Assert.Equal(HttpStatusCode.Unauthorized, withPartial.Status);
    }

    [Fact]
    public async Task Totp_SecondStepWithValidCode_ReturnsFullTicket_Section2_2()
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.RootTotpSecret = TotpSecret);
        var first = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("password", "demo")));
        var partial = first.Data!["ticket"]!.GetValue<string>();

        var wrong = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("tfa-challenge", partial), ("password", "totp:000000")));
        var second = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("tfa-challenge", partial), ("password", "totp:" + CurrentTotp(TotpSecret))));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        var ticket = second.Data!["ticket"]!.GetValue<string>();
        Assert.StartsWith("PBS:root@pam:", ticket, StringComparison.Ordinal);
        var version = await pbs.GetAsync("/api2/json/version", PbsAuth.FromTicket(ticket, second.Data["CSRFPreventionToken"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, version.Status);
    }

    [Fact]
    public async Task RecoveryKey_AnswersTheChallengeOnce_AndDropsOutOfTheList_Section2_2()
    {
        await using var pbs = await PbsTestHost.StartAsync(o => o.RootRecoveryKeys = ["aaaa-bbbb-cccc-dddd", "eeee-ffff-0000-1111"]);

        var first = await PasswordStepAsync(pbs);
        var used = await SecondStepAsync(pbs, first, "recovery:aaaa-bbbb-cccc-dddd");
        var second = await PasswordStepAsync(pbs);
        var reused = await SecondStepAsync(pbs, second, "recovery:aaaa-bbbb-cccc-dddd");

        Assert.Equal("{\"recovery\":[0,1]}", Challenge(first));
        Assert.Equal(HttpStatusCode.OK, used.Status);
        Assert.StartsWith("PBS:root@pam:", used.Data!["ticket"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("{\"recovery\":[1]}", Challenge(second));
        Assert.Equal(HttpStatusCode.Unauthorized, reused.Status);
    }

    [Fact]
    public async Task TotpAndRecovery_ChallengeOffersBoth_AndWebauthnAnswerIsRefused_Section2_2()
    {
        await using var pbs = await PbsTestHost.StartAsync(o =>
        {
            o.RootTotpSecret = TotpSecret;
            o.RootRecoveryKeys = ["aaaa-bbbb-cccc-dddd"];
        });

        var partial = await PasswordStepAsync(pbs);
        var webauthn = await SecondStepAsync(pbs, partial, "webauthn:{}");

        Assert.Equal("{\"totp\":true,\"recovery\":[0]}", Challenge(partial));
        Assert.Equal(HttpStatusCode.Unauthorized, webauthn.Status);
    }

    private static async Task<string> PasswordStepAsync(PbsTestHost pbs)
    {
        var response = await pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket", PbsTestHost.Form(("username", "root@pam"), ("password", "demo")));
        return response.Data!["ticket"]!.GetValue<string>();
    }

    private static Task<PbsResponse> SecondStepAsync(PbsTestHost pbs, string partial, string answer) =>
        pbs.SendAsync(HttpMethod.Post, "/api2/json/access/ticket",
            PbsTestHost.Form(("username", "root@pam"), ("tfa-challenge", partial), ("password", answer)));

    private static string Challenge(string partialTicket) => Uri.UnescapeDataString(partialTicket.Split(':')[1][5..]);

    /// <summary>RFC 6238, written independently of the simulator.</summary>
    private static string CurrentTotp(string base32)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in base32)
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        var counter = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() / 30;
        var message = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(message);
        }

        var hash = HMACSHA1.HashData(bytes.ToArray(), message);
        var offset = hash[^1] & 0xf;
        var code = ((hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3]) % 1_000_000;
        return code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }
}
