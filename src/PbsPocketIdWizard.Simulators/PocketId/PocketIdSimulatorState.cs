using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using PbsPocketIdWizard.Simulators.Faults;

namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>
/// The whole fake Pocket ID in memory. Every mutation runs under one lock; readers get immutable snapshots.
/// Owns its own <see cref="FaultPlan"/> and <see cref="RequestLog"/> so a process hosting PBS and Pocket ID simulators keeps them apart.
/// </summary>
public sealed class PocketIdSimulatorState
{
    public const string AliceId = "5a1c3e0b-7f2d-4c59-9e61-0a1ce0000001";
    public const string BobId = "b0b00000-7f2d-4c59-9e61-0b0b00000002";
    public const string PbsAdminsGroupId = "96b0f1c2-3d4e-4f50-8a61-7b8c9d0e0003";
    public const string StaticApiUserId = "00000000-0000-0000-0000-000000000000";

    private readonly Lock _lock = new();
    private readonly PocketIdSimulatorOptions _options;
    private readonly Dictionary<string, SimUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimClient> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string UserId, DateTimeOffset ExpiresAt)> _apiKeysBySha = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimAuthCode> _codes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedCodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimGrant> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimGrant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly Lazy<RSA> _signingKey;
    private readonly Lazy<string> _keyId;

    public PocketIdSimulatorState(PocketIdSimulatorOptions options)
    {
        _options = options;
        Profile = PocketIdProfile.Parse(options.Version);
        Time = options.TimeProvider ?? TimeProvider.System;
        PublicUrl = options.PublicUrl?.TrimEnd('/');
        AuditLog = new PocketIdAuditLog(Time);
        // RS256 like the real Pocket ID. Making a 2048-bit RSA key takes a noticeable part of demo mode's start, and
        // nothing needs it before the first sign-in (or PBS's first JWKS fetch), so it is made then, once.
        _signingKey = new Lazy<RSA>(() => RSA.Create(2048), LazyThreadSafetyMode.ExecutionAndPublication);
        _keyId = new Lazy<string>(() => Base64Url.EncodeToString(SHA256.HashData(SigningKey.ExportSubjectPublicKeyInfo()))[..16]);
        Reset();
    }

    public PocketIdProfile Profile { get; }

    public TimeProvider Time { get; }

    public FaultPlan Faults { get; } = new();

    public RequestLog Requests { get; } = new();

    /// <summary>`GET /api/audit-logs/all`'s rows, plus which authorizations used PKCE.</summary>
    public PocketIdAuditLog AuditLog { get; }

    /// <summary>Issuer (APP_URL, §11.1): no trailing slash. Null until the host knows its bound address.</summary>
    public string? PublicUrl { get; set; }

    internal RSA SigningKey => _signingKey.Value;

    public string KeyId => _keyId.Value;

    public string? StaticApiKey => _options.StaticApiKey is { Length: >= 16 } key ? key : null;

    /// <summary>§3.1: cookie `__Host-access_token`, or `access_token` when APP_URL is plain http.</summary>
    public string SessionCookieName =>
        PublicUrl is { } url && url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "__Host-access_token" : "access_token";

    public IReadOnlyList<SimUser> Users { get { lock (_lock) { return _users.Values.OrderBy(u => u.Username, StringComparer.Ordinal).ToList(); } } }

    public IReadOnlyList<SimGroup> Groups { get { lock (_lock) { return _groups.Values.OrderBy(g => g.Name, StringComparer.Ordinal).ToList(); } } }

    public IReadOnlyList<SimClient> Clients { get { lock (_lock) { return _clients.Values.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList(); } } }

    /// <summary>Back to the seed: alice (admin, pbs-admins), bob (no email, no groups), group pbs-admins, the configured API key.</summary>
    public void Reset()
    {
        var now = Time.GetUtcNow();
        lock (_lock)
        {
            _users.Clear();
            _groups.Clear();
            _clients.Clear();
            _apiKeysBySha.Clear();
            _sessions.Clear();
            _codes.Clear();
            _usedCodes.Clear();
            _accessTokens.Clear();
            _refreshTokens.Clear();
            AuditLog.Clear();
            _users[AliceId] = new SimUser(AliceId, "alice", "alice@example.com", true, "Alice", "Liddell", "Alice Liddell", true, false, now);
            _users[BobId] = new SimUser(BobId, "bob", null, false, "Bob", null, "Bob", false, false, now);
            _groups[PbsAdminsGroupId] = new SimGroup(PbsAdminsGroupId, "PBS Admins", "pbs-admins", now, [AliceId]);
            _apiKeysBySha[Sha256Hex(_options.ApiKey)] = (AliceId, now.AddYears(1));
        }
    }

    /// <summary>
    /// Adds a user as LDAP sync or the database could hold it, without the admin API's username rule, so tests can
    /// seed names the UI would refuse (whitespace, ':', '/', very long) besides valid ones with '@'. Returns its id.
    /// </summary>
    public string AddUser(string username, string? email = null, bool isAdmin = false, string? firstName = null, string? lastName = null)
    {
        var first = firstName ?? username;
        var user = new SimUser(Guid.NewGuid().ToString(), username, email, email is not null, first, lastName, $"{first} {lastName}".Trim(),
            isAdmin, false, Time.GetUtcNow());
        return TryAddUser(user) ? user.Id : throw new InvalidOperationException($"username '{username}' is taken");
    }

    /// <summary>Adds the user unless the username is taken (case-insensitive, like the unique index).</summary>
    internal bool TryAddUser(SimUser user)
    {
        lock (_lock)
        {
            if (_users.Values.Any(u => string.Equals(u.Username, user.Username, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            _users[user.Id] = user;
            return true;
        }
    }

    /// <summary>Adds an API key for a user (tests: a non-admin's key, an expired key).</summary>
    public void AddApiKey(string userId, string rawKey, DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            _apiKeysBySha[Sha256Hex(rawKey)] = (userId, expiresAt);
        }
    }

    public SimUser? FindUser(string id) { lock (_lock) { return _users.GetValueOrDefault(id); } }

    public SimUser? FindUserByUsername(string username)
    {
        lock (_lock)
        {
            return _users.Values.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
        }
    }

    public SimGroup? FindGroup(string id) { lock (_lock) { return _groups.GetValueOrDefault(id); } }

    public SimClient? FindClient(string id) { lock (_lock) { return _clients.GetValueOrDefault(id); } }

    /// <summary>Replaces a user record (tests: disable a user, drop an e-mail).</summary>
    public void UpdateUser(string id, Func<SimUser, SimUser> change)
    {
        lock (_lock)
        {
            if (_users.TryGetValue(id, out var user))
            {
                _users[id] = change(user);
            }
        }
    }

    public IReadOnlyList<SimGroup> GroupsOf(string userId)
    {
        lock (_lock)
        {
            return _groups.Values.Where(g => g.UserIds.Contains(userId)).OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
        }
    }

    internal string? UserIdForApiKey(string rawKey)
    {
        var now = Time.GetUtcNow();
        lock (_lock)
        {
            return _apiKeysBySha.TryGetValue(Sha256Hex(rawKey), out var entry) && entry.ExpiresAt > now ? entry.UserId : null;
        }
    }

    /// <summary>§3.1: the static-API-key user is created on first use.</summary>
    internal SimUser EnsureStaticApiUser()
    {
        lock (_lock)
        {
            if (!_users.TryGetValue(StaticApiUserId, out var user))
            {
                user = new SimUser(StaticApiUserId, "static-api-user-" + RandomAlphanumeric(6).ToLowerInvariant(), null, false,
                    "Static API User", null, "Static API User", true, false, Time.GetUtcNow());
                _users[StaticApiUserId] = user;
            }

            return user;
        }
    }

    public string CreateSession(string userId)
    {
        var token = RandomAlphanumeric(40);
        lock (_lock)
        {
            _sessions[token] = userId;
        }

        return token;
    }

    internal string? UserIdForSession(string token) { lock (_lock) { return _sessions.GetValueOrDefault(token); } }

    internal bool TryAddGroup(SimGroup group)
    {
        lock (_lock)
        {
            if (_groups.Values.Any(g => string.Equals(g.Name, group.Name, StringComparison.Ordinal)))
            {
                return false;
            }

            _groups[group.Id] = group;
            return true;
        }
    }

    internal void ReplaceGroupMembers(string groupId, IReadOnlyList<string> userIds)
    {
        lock (_lock)
        {
            if (_groups.TryGetValue(groupId, out var group))
            {
                _groups[groupId] = group with { UserIds = userIds };
            }
        }
    }

    internal void RemoveGroup(string groupId)
    {
        lock (_lock)
        {
            _groups.Remove(groupId);
            foreach (var client in _clients.Values.Where(c => c.AllowedGroupIds.Contains(groupId)).ToList())
            {
                _clients[client.Id] = client with { AllowedGroupIds = client.AllowedGroupIds.Where(id => id != groupId).ToList() };
            }
        }
    }

    internal bool TryAddClient(SimClient client)
    {
        lock (_lock)
        {
            return _clients.TryAdd(client.Id, client);
        }
    }

    /// <summary>Applies a change to a client atomically; null when the client does not exist.</summary>
    internal SimClient? UpdateClient(string id, Func<SimClient, SimClient> change)
    {
        lock (_lock)
        {
            if (!_clients.TryGetValue(id, out var client))
            {
                return null;
            }

            var updated = change(client);
            _clients[id] = updated;
            return updated;
        }
    }

    internal bool RemoveClient(string id) { lock (_lock) { return _clients.Remove(id); } }

    internal void AddCode(SimAuthCode code) { lock (_lock) { _codes[code.Code] = code; } }

    /// <summary>Takes a code out (single use). Reports whether it was already redeemed.</summary>
    internal SimAuthCode? TakeCode(string code, out bool alreadyUsed)
    {
        lock (_lock)
        {
            alreadyUsed = _usedCodes.Contains(code);
            if (_codes.Remove(code, out var found))
            {
                _usedCodes.Add(code);
                return found;
            }

            return null;
        }
    }

    internal void AddAccessToken(string jti, SimGrant grant) { lock (_lock) { _accessTokens[jti] = grant; } }

    internal SimGrant? FindAccessToken(string jti) { lock (_lock) { return _accessTokens.GetValueOrDefault(jti); } }

    internal void AddRefreshToken(string token, SimGrant grant) { lock (_lock) { _refreshTokens[token] = grant; } }

    internal SimGrant? TakeRefreshToken(string token) { lock (_lock) { return _refreshTokens.Remove(token, out var g) ? g : null; } }

    /// <summary>Names of the user's groups, as the groups claim carries them (§11.2).</summary>
    public IReadOnlyList<string> GroupNamesOf(string userId) => GroupsOf(userId).Select(g => g.Name).ToList();

    internal static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    internal static string RandomAlphanumeric(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}
