using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.Pbs.PbsHandlers;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>`/access/ticket`: password login, TFA second step, ticket refresh (pbs-api.md §2.1, §2.2).</summary>
internal static class PbsTicketHandlers
{
    internal static Task<PbsResult> CreateTicket(PbsRequest r)
    {
        var state = r.State;
        var username = r.Params.Str("username")!;
        var password = r.Params.Str("password") ?? throw new PbsApiException(400, "no password provided");
        var httpOnly = r.Params.Bool("http-only") == true;
        var failed = new PbsApiException(401, "permission check failed.");

        if (r.Params.Str("tfa-challenge") is { } challenge)
        {
            if (!state.Tickets.VerifyTfaTicket(challenge, username) || username != "root@pam" || !SecondFactorMatches(state, password))
            {
                throw failed;
            }

            return Task.FromResult(TicketResult(state, username, httpOnly));
        }

        // Ticket refresh: a still-valid ticket for the same user stands in for the password; no second factor.
        if (password.StartsWith("PBS:", StringComparison.Ordinal))
        {
            return state.Tickets.VerifyTicket(password) == username && UserActive(state, username)
                ? Task.FromResult(TicketResult(state, username, httpOnly))
                : throw failed;
        }

        lock (state.Sync)
        {
            var realm = state.FindRealm(RealmOf(username));
            if (state.FindUser(username) is not { } user || !state.IsActive(user) || realm?.Type is not ("pam" or "pbs")
                || !PbsSimulatorState.SecretMatches(user.PasswordHash, password))
            {
                throw failed;
            }
        }

        if (username == "root@pam" && RootChallenge(state) is { } tfaChallenge)
        {
            var partial = state.Tickets.CreateTfaTicket(username, tfaChallenge);
            return Task.FromResult(new PbsResult(new JsonObject
            {
                ["username"] = username,
                ["ticket"] = partial,
                ["CSRFPreventionToken"] = "invalid",
            }) { TicketEnvelope = true });
        }

        return Task.FromResult(TicketResult(state, username, httpOnly));
    }

    /// <summary>
    /// root@pam's `TfaChallenge` (kebab-case, fields only when present): `totp` when a TOTP secret is set, `recovery`
    /// with the indices of the unused recovery keys (pbs-api.md §2.2). Null when root has no second factor.
    /// </summary>
    private static string? RootChallenge(PbsSimulatorState state)
    {
        var challenge = new JsonObject();
        if (state.Options.RootTotpSecret is not null)
        {
            challenge["totp"] = true;
        }

        // Real PBS lists the unused keys, and an empty list once a user who had keys has used them all.
        if (state.Options.RootRecoveryKeys.Count > 0)
        {
            challenge["recovery"] = new JsonArray(state.UnusedRecoveryKeyIndices().Select(i => (JsonNode)i).ToArray());
        }

        if (state.Options.RootSecurityKey)
        {
            // The shape of webauthn-rs's RequestChallengeResponse; no simulated key ever signs it.
            challenge["webauthn"] = new JsonObject
            {
                ["publicKey"] = new JsonObject
                {
                    ["challenge"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
                    ["timeout"] = 60000,
                    ["rpId"] = state.Options.NodeName,
                    ["allowCredentials"] = new JsonArray(),
                    ["userVerification"] = "preferred",
                },
            };
        }

        return challenge.Count == 0 ? null : challenge.ToJsonString();
    }

    /// <summary>
    /// The second step's `password`: `totp:CODE` (±30 s) or `recovery:KEY` (each key works once). `webauthn:`,
    /// `u2f:` and `yubico:` need a browser or a device and are refused here like a wrong answer.
    /// </summary>
    private static bool SecondFactorMatches(PbsSimulatorState state, string password)
    {
        if (password.StartsWith("totp:", StringComparison.Ordinal))
        {
            return state.Options.RootTotpSecret is { } totpSecret && state.Tickets.VerifyTotp(totpSecret, password[5..]);
        }

        return password.StartsWith("recovery:", StringComparison.Ordinal) && state.TryUseRecoveryKey(password[9..]);
    }

    private static bool UserActive(PbsSimulatorState state, string userId)
    {
        lock (state.Sync)
        {
            return state.FindUser(userId) is { } user && state.IsActive(user);
        }
    }

    /// <summary>A full ticket answer, or with http-only the cookie + `ticket-info` (pbs-api.md §2.1).</summary>
    internal static PbsResult TicketResult(PbsSimulatorState state, string userId, bool httpOnly)
    {
        var ticket = state.Tickets.CreateTicket(userId);
        var data = new JsonObject { ["username"] = userId, ["CSRFPreventionToken"] = state.Tickets.CreateCsrfToken(userId) };
        var result = new PbsResult(data) { TicketEnvelope = true };
        if (httpOnly)
        {
            data["ticket-info"] = ticket[..ticket.LastIndexOf("::", StringComparison.Ordinal)] + "::ticketinfo";
            result.SetCookies.Add($"{state.TicketCookieName}={Uri.EscapeDataString(ticket)}; Secure; SameSite=Lax; HttpOnly; Path=/;");
        }
        else
        {
            data["ticket"] = ticket;
        }

        return result;
    }
}
