using System.Text.Json.Nodes;
using static PbsPocketIdWizard.Simulators.PocketId.PocketIdAdminApi;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>Client secrets (§6): several per client from v2.14, one replaced secret before.</summary>
internal static class PocketIdSecretApi
{
    private const int MaxSecretsPerClient = 20;

    private static SimClientSecret NewSecret(PocketIdRequest r, string value, DateTimeOffset? expiresAt) =>
        new(Guid.NewGuid().ToString(), value.Length > 4 ? value[..4] : string.Empty, PocketIdSimulatorState.Sha256Hex(value), r.State.Time.GetUtcNow(), expiresAt);

    private static string? ValidatedCustomSecret(SecretInput? input)
    {
        if (string.IsNullOrEmpty(input?.Secret))
        {
            return null;
        }

        var problems = new List<FieldProblem>();
        PocketIdValidation.Length(problems, "secret", input.Secret, 16, int.MaxValue);
        if (problems.Count == 0)
        {
            PocketIdValidation.PrintAscii(problems, "secret", input.Secret);
        }

        PocketIdValidation.ThrowIfAny(problems);
        return input.Secret;
    }

    internal static async Task CreateSecret(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<SecretInput>(optional: true);
        var custom = ValidatedCustomSecret(input);
        // The real order (oidc_service.go CreateClientSecret): expiry, client, public, count.
        if (input?.ExpiresAt is { } expires && expires <= r.State.Time.GetUtcNow())
        {
            throw PocketIdApiError.Sentence("The expiration date of a client secret must be in the future");
        }

        var client = RequireClient(r, r.Route("id"));
        if (client.IsPublic)
        {
            throw PocketIdApiError.Sentence("Cannot create a secret for a public client");
        }

        if (client.Secrets.Count >= MaxSecretsPerClient)
        {
            throw PocketIdApiError.Sentence($"A client cannot have more than {MaxSecretsPerClient} secrets");
        }

        var value = custom ?? PocketIdSimulatorState.RandomAlphanumeric(32);
        var secret = NewSecret(r, value, input?.ExpiresAt);
        _ = r.State.UpdateClient(client.Id, c => c with { Secrets = [.. c.Secrets, secret] }) ?? throw PocketIdApiError.NotFound("OIDC client");
        var dto = PocketIdDtos.Secret(r.State, secret);
        dto["secret"] = value; // the only time the value is ever shown
        await r.JsonAsync(201, dto);
    }

    internal static async Task DeleteSecret(PocketIdRequest r)
    {
        var client = RequireClient(r, r.Route("id"));
        var secretId = r.Route("secretId");
        if (client.Secrets.All(s => s.Id != secretId))
        {
            throw PocketIdApiError.NotFound("Client secret");
        }

        r.State.UpdateClient(client.Id, c => c with { Secrets = c.Secrets.Where(s => s.Id != secretId).ToList() });
        await r.NoContentAsync();
    }

    /// <summary>≤ v2.13 (§6.2): one secret, replaced on every call, 200 {"secret"}.</summary>
    internal static async Task ReplaceSecret(PocketIdRequest r)
    {
        var input = await r.ReadJsonAsync<SecretInput>(optional: true);
        var custom = r.Profile.Version >= new Version(2, 12, 0) ? ValidatedCustomSecret(input) : null;
        var client = RequireClient(r, r.Route("id"));
        if (client.IsPublic && r.Profile.HasGroupRestrictedFlag)
        {
            throw PocketIdApiError.Sentence("Cannot create a secret for a public client");
        }

        var value = custom ?? PocketIdSimulatorState.RandomAlphanumeric(32);
        var secret = NewSecret(r, value, null) with { Prefix = string.Empty };
        r.State.UpdateClient(client.Id, c => c with { Secrets = [secret] });
        await r.JsonAsync(200, new JsonObject { ["secret"] = value });
    }
}
