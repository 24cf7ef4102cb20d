using System.Net;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>
/// One audit log row (backend/internal/model/audit_log.go): the event, the user it concerns, where the request came
/// from and the event's data, e.g. `{"clientName": "…"}` for an authorization.
/// </summary>
public sealed record SimAuditLogEntry(
    string Id, DateTimeOffset CreatedAt, string Event, string UserId, string? IpAddress, string Country, string UserAgent,
    IReadOnlyDictionary<string, string> Data);

/// <summary>
/// One successful `/authorize` as the simulator saw it, so tests can tell whether the caller used PKCE: the code
/// challenge method (`S256`, `plain`) or null without PKCE.
/// </summary>
public sealed record SimAuthorization(string ClientId, string UserId, string? CodeChallengeMethod, DateTimeOffset At);

/// <summary>The audit log and the authorization record, thread-safe; <see cref="Clear"/> runs on every reset.</summary>
public sealed class PocketIdAuditLog(TimeProvider time)
{
    public const string SignIn = "SIGN_IN";
    public const string ClientAuthorization = "CLIENT_AUTHORIZATION";
    public const string NewClientAuthorization = "NEW_CLIENT_AUTHORIZATION";

    /// <summary>What Pocket ID's IP locator answers for loopback and private addresses.</summary>
    public const string InternalNetwork = "Internal Network";

    private readonly Lock _lock = new();
    private readonly List<SimAuditLogEntry> _entries = [];
    private readonly List<SimAuthorization> _authorizations = [];
    private readonly HashSet<(string UserId, string ClientId)> _consents = [];

    public IReadOnlyList<SimAuditLogEntry> Entries { get { lock (_lock) { return _entries.ToList(); } } }

    public IReadOnlyList<SimAuthorization> Authorizations { get { lock (_lock) { return _authorizations.ToList(); } } }

    /// <summary>A passkey sign-in (here: the `/_sim/sign-in` hook).</summary>
    internal void RecordSignIn(string userId, IPAddress? ip, string userAgent) =>
        Add(SignIn, userId, ip, userAgent, new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>
    /// A granted authorization: `NEW_CLIENT_AUTHORIZATION` the first time this user authorizes this client, then
    /// `CLIENT_AUTHORIZATION` (backend/internal/oidc/authorization_service.go), with the client's name as data.
    /// </summary>
    internal void RecordAuthorization(SimClient client, string userId, string? codeChallengeMethod, IPAddress? ip, string userAgent)
    {
        bool first;
        lock (_lock)
        {
            first = _consents.Add((userId, client.Id));
            _authorizations.Add(new SimAuthorization(client.Id, userId, codeChallengeMethod, time.GetUtcNow()));
        }

        Add(first ? NewClientAuthorization : ClientAuthorization, userId, ip, userAgent,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["clientName"] = client.Name });
    }

    internal void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _authorizations.Clear();
            _consents.Clear();
        }
    }

    private void Add(string auditEvent, string userId, IPAddress? ip, string userAgent, IReadOnlyDictionary<string, string> data)
    {
        var address = ip?.IsIPv4MappedToIPv6 == true ? ip.MapToIPv4() : ip;
        var entry = new SimAuditLogEntry(Guid.NewGuid().ToString(), time.GetUtcNow(), auditEvent, userId, address?.ToString(),
            address is null || PocketIdValidation.IsPrivateAddress(address) ? InternalNetwork : string.Empty, userAgent, data);
        lock (_lock)
        {
            _entries.Add(entry);
        }
    }
}
