using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PbsPocketIdWizard.Simulators.Faults;
using PbsPocketIdWizard.Simulators.Tls;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>A realm as domains.cfg holds it (pbs-api.md §3.3).</summary>
public sealed record PbsRealm(string Name, string Type, IReadOnlyDictionary<string, string> Properties);

/// <summary>A user.cfg user (pbs-api.md §5.1).</summary>
public sealed record PbsUser(
    string UserId, bool? Enable, long? Expire, string? Firstname, string? Lastname, string? Email, string? Comment,
    IReadOnlyList<string> TokenIds);

/// <summary>An acl.cfg entry (pbs-api.md §6.1).</summary>
public sealed record PbsAclEntry(string Path, string AuthId, string Role, bool Propagate);

public sealed record PbsDatastore(string Name, string Path, string? Comment, IReadOnlyList<string> Namespaces);

/// <summary>
/// Thread-safe in-memory PBS: domains.cfg (realms), user.cfg (users, tokens), acl.cfg, datastores with namespaces,
/// pending OpenID auth states. The PBS simulator's own FaultPlan and RequestLog live here so two simulators in one
/// process stay apart.
/// </summary>
public sealed partial class PbsSimulatorState
{
    internal readonly Lock Sync = new();
    internal readonly List<RealmEntry> RealmEntries = [];
    internal readonly List<UserEntry> UserEntries = [];
    internal readonly List<TokenEntry> TokenEntries = [];
    internal readonly List<PbsAclEntry> AclEntries = [];
    internal readonly List<DatastoreEntry> DatastoreEntries = [];
    internal readonly Dictionary<string, OpenIdAuthState> OpenIdStates = new(StringComparer.Ordinal);
    private readonly HashSet<int> _usedRecoveryKeys = [];

    public PbsSimulatorState(PbsSimulatorOptions options, TimeProvider? time = null)
    {
        Options = options;
        Time = time ?? TimeProvider.System;
        Version = ParseVersion(options.Version);
        Schema = new PbsApiSchema(Version);
        Certificate = options.Certificate ?? SelfSignedCertificate.Create(options.NodeName);
        Fingerprint = SelfSignedCertificate.Fingerprint(Certificate);
        Tickets = new PbsTickets(Time);
        Reset();
    }

    public PbsSimulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public FaultPlan Faults { get; } = new();

    public RequestLog Requests { get; } = new();

    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 fingerprint of <see cref="Certificate"/>, PBS format.</summary>
    public string Fingerprint { get; }

    internal Version Version { get; }

    internal PbsApiSchema Schema { get; }

    internal PbsTickets Tickets { get; }

    /// <summary>3.3.7+ keeps pam/pbs in domains.cfg and knows the `default` flag (pbs-api.md §0).</summary>
    internal bool HasRealmDefaults => Version >= new Version(3, 3, 7);

    /// <summary>
    /// The ticket cookie this version reads and clears: `__Host-PBSAuthCookie` from proxmox-auth-api 0.4.8 (PBS 3.3.4) on,
    /// which still accepts the old `PBSAuthCookie` as a fallback; before, only `PBSAuthCookie`.
    /// </summary>
    internal string TicketCookieName => Version >= new Version(3, 3, 4) ? HostTicketCookie : LegacyTicketCookie;

    internal const string HostTicketCookie = "__Host-PBSAuthCookie";

    internal const string LegacyTicketCookie = "PBSAuthCookie";

    /// <summary>The ticket from the request's cookies, by the names this version reads (the `__Host-` one wins).</summary>
    internal string? TicketFromCookies(Microsoft.AspNetCore.Http.IRequestCookieCollection cookies) =>
        (TicketCookieName == HostTicketCookie ? cookies[HostTicketCookie] : null) ?? cookies[LegacyTicketCookie];

    /// <summary>The Set-Cookie that expires the ticket cookie (every 401 and logout).</summary>
    internal string ClearTicketCookie => $"{TicketCookieName}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; SameSite=Lax; HttpOnly; Path=/;";

    /// <summary>Back to the seed: root@pam, realms pam (default on ≥3.3.7) and pbs, datastores backups and offsite (ns dev).</summary>
    public void Reset()
    {
        lock (Sync)
        {
            RealmEntries.Clear();
            if (HasRealmDefaults)
            {
                RealmEntries.Add(new RealmEntry("pam", "pam") { Props = { ["comment"] = "Linux PAM standard authentication", ["default"] = "true" } });
                RealmEntries.Add(new RealmEntry("pbs", "pbs") { Props = { ["comment"] = "Proxmox Backup authentication server" } });
            }

            _usedRecoveryKeys.Clear();
            UserEntries.Clear();
            UserEntries.Add(new UserEntry("root@pam") { Comment = "Superuser", PasswordHash = Hash(Options.RootPassword) });
            TokenEntries.Clear();
            AclEntries.Clear();
            DatastoreEntries.Clear();
            DatastoreEntries.Add(new DatastoreEntry("backups", "/mnt/datastore/backups", "Local backups"));
            DatastoreEntries.Add(new DatastoreEntry("offsite", "/mnt/datastore/offsite", "Offsite copy") { Namespaces = { "dev" } });
            OpenIdStates.Clear();
        }
    }

    public IReadOnlyList<PbsRealm> Realms
    {
        get
        {
            lock (Sync)
            {
                return AllRealms().Select(r => new PbsRealm(r.Name, r.Type, new Dictionary<string, string>(r.Props))).ToList();
            }
        }
    }

    public IReadOnlyList<PbsUser> Users
    {
        get
        {
            lock (Sync)
            {
                return UserEntries.Select(u => new PbsUser(u.UserId, u.Enable, u.Expire, u.Firstname, u.Lastname, u.Email, u.Comment,
                    TokenEntries.Where(t => t.UserId == u.UserId).Select(t => t.TokenId).ToList())).ToList();
            }
        }
    }

    public IReadOnlyList<PbsAclEntry> Acls
    {
        get
        {
            lock (Sync)
            {
                return AclEntries.ToList();
            }
        }
    }

    public IReadOnlyList<PbsDatastore> Datastores
    {
        get
        {
            lock (Sync)
            {
                return DatastoreEntries.Select(d => new PbsDatastore(d.Name, d.Path, d.Comment, d.Namespaces.ToList())).ToList();
            }
        }
    }

    /// <summary>Adds a user (e.g. in realm pbs with a password) for tests; returns false when it exists already.</summary>
    public bool AddUser(string userId, string? password = null, string? email = null)
    {
        lock (Sync)
        {
            if (FindUser(userId) is not null)
            {
                return false;
            }

            UserEntries.Add(new UserEntry(userId) { Email = email, PasswordHash = password is null ? null : Hash(password) });
            return true;
        }
    }

    /// <summary>Creates API token `userId!tokenName` (no ACL entries, so no privileges: pbs-api.md §2.3) and returns its secret.</summary>
    public string AddApiToken(string userId, string tokenName, string? comment = null)
    {
        lock (Sync)
        {
            if (FindUser(userId) is null)
            {
                throw new InvalidOperationException($"no such user '{userId}'");
            }

            var tokenId = $"{userId}!{tokenName}";
            TokenEntries.RemoveAll(t => t.TokenId == tokenId);
            var secret = Guid.NewGuid().ToString();
            TokenEntries.Add(new TokenEntry(tokenId, userId) { Comment = comment, SecretHash = Hash(secret) });
            return secret;
        }
    }

    /// <summary>Sets an ACL entry directly (tests), with PUT /access/acl's NoAccess semantics (pbs-api.md §6.2).</summary>
    public void SetAcl(string path, string authId, string role, bool propagate = true)
    {
        lock (Sync)
        {
            AddAclLocked(path, authId, role, propagate);
        }
    }

    internal void AddAclLocked(string path, string authId, string role, bool propagate)
    {
        if (role == "NoAccess")
        {
            AclEntries.RemoveAll(a => a.Path == path && a.AuthId == authId);
        }
        else
        {
            AclEntries.RemoveAll(a => a.Path == path && a.AuthId == authId && (a.Role == "NoAccess" || a.Role == role));
        }

        AclEntries.Add(new PbsAclEntry(path, authId, role, propagate));
    }

    /// <summary>Indices of root@pam's recovery keys not used yet (the `recovery` list of the TFA challenge).</summary>
    internal IReadOnlyList<int> UnusedRecoveryKeyIndices()
    {
        lock (Sync)
        {
            return Enumerable.Range(0, Options.RootRecoveryKeys.Count).Where(i => !_usedRecoveryKeys.Contains(i)).ToList();
        }
    }

    /// <summary>Spends the recovery key if it is one of root@pam's unused keys.</summary>
    internal bool TryUseRecoveryKey(string key)
    {
        lock (Sync)
        {
            for (var i = 0; i < Options.RootRecoveryKeys.Count; i++)
            {
                if (!_usedRecoveryKeys.Contains(i) && CryptographicOperations.FixedTimeEquals(
                    Encoding.UTF8.GetBytes(Options.RootRecoveryKeys[i]), Encoding.UTF8.GetBytes(key.Trim())))
                {
                    return _usedRecoveryKeys.Add(i);
                }
            }

            return false;
        }
    }

    internal static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    internal static bool SecretMatches(string? storedHash, string candidate) =>
        storedHash is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(Hash(candidate)));

    internal long Now => Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Realms as `/access/domains` sees them; before 3.3.7 pam and pbs are hard-coded in front (pbs-api.md §4).</summary>
    internal IEnumerable<RealmEntry> AllRealms()
    {
        if (!HasRealmDefaults)
        {
            yield return new RealmEntry("pam", "pam") { Props = { ["comment"] = "Linux PAM standard authentication", ["default"] = "true" } };
            yield return new RealmEntry("pbs", "pbs") { Props = { ["comment"] = "Proxmox Backup authentication server" } };
        }

        foreach (var realm in RealmEntries)
        {
            yield return realm;
        }
    }

    internal RealmEntry? FindRealm(string name) => AllRealms().FirstOrDefault(r => r.Name == name);

    internal UserEntry? FindUser(string userId) => UserEntries.FirstOrDefault(u => u.UserId == userId);

    internal TokenEntry? FindToken(string tokenId) => TokenEntries.FirstOrDefault(t => t.TokenId == tokenId);

    /// <summary>Enabled and not expired (pbs-api.md §5.1).</summary>
    internal bool IsActive(UserEntry user) => user.Enable != false && (user.Expire is null or 0 || user.Expire > Now);

    internal bool IsActive(TokenEntry token) =>
        token.Enable != false && (token.Expire is null or 0 || token.Expire > Now)
        && FindUser(token.UserId) is { } owner && IsActive(owner);

    private static Version ParseVersion(string text)
    {
        var parts = text.Split(['.', '-'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).ToList();
        while (parts.Count < 3)
        {
            parts.Add(0);
        }

        return new Version(parts[0], parts[1], parts[2]);
    }

    internal sealed class RealmEntry(string name, string type)
    {
        public string Name { get; } = name;

        public string Type { get; } = type;

        public SortedDictionary<string, string> Props { get; } = new(StringComparer.Ordinal);
    }

    internal sealed class UserEntry(string userId)
    {
        public string UserId { get; } = userId;

        public bool? Enable { get; set; }

        public long? Expire { get; set; }

        public string? Firstname { get; set; }

        public string? Lastname { get; set; }

        public string? Email { get; set; }

        public string? Comment { get; set; }

        public string? PasswordHash { get; set; }
    }

    internal sealed class TokenEntry(string tokenId, string userId)
    {
        public string TokenId { get; } = tokenId;

        public string UserId { get; } = userId;

        public string? Comment { get; set; }

        public bool? Enable { get; set; }

        public long? Expire { get; set; }

        public string? SecretHash { get; set; }
    }

    internal sealed class DatastoreEntry(string name, string path, string? comment)
    {
        public string Name { get; } = name;

        public string Path { get; } = path;

        public string? Comment { get; } = comment;

        public List<string> Namespaces { get; } = [];
    }

    /// <summary>The private half of an OpenID login kept on the PBS host (pbs-api.md §7.1).</summary>
    internal sealed record OpenIdAuthState(string Realm, string CsrfToken, string Nonce, string PkceVerifier, long Created);
}
