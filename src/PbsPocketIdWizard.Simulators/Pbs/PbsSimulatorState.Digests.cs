using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PbsPocketIdWizard.Simulators.Pbs;

/// <summary>The config files' digests: sha256 of each file as PBS would serialise it (pbs-api.md §3.4).</summary>
public sealed partial class PbsSimulatorState
{
    /// <summary>sha256 of the serialised domains.cfg (pbs-api.md §3.4).</summary>
    internal string DomainsDigest()
    {
        var sb = new StringBuilder();
        foreach (var realm in RealmEntries)
        {
            sb.Append(realm.Type).Append(": ").Append(realm.Name).Append('\n');
            foreach (var (key, value) in realm.Props)
            {
                sb.Append('\t').Append(key).Append(' ').Append(value).Append('\n');
            }

            sb.Append('\n');
        }

        return Digest(sb);
    }

    internal string UsersDigest()
    {
        var sb = new StringBuilder();
        foreach (var u in UserEntries)
        {
            sb.Append("user: ").Append(u.UserId).Append('\n');
            AppendProp(sb, "comment", u.Comment);
            AppendProp(sb, "email", u.Email);
            AppendProp(sb, "enable", u.Enable is { } e ? (e ? "true" : "false") : null);
            AppendProp(sb, "expire", u.Expire?.ToString(CultureInfo.InvariantCulture));
            AppendProp(sb, "firstname", u.Firstname);
            AppendProp(sb, "lastname", u.Lastname);
            sb.Append('\n');
        }

        foreach (var t in TokenEntries)
        {
            sb.Append("token: ").Append(t.TokenId).Append('\n');
            AppendProp(sb, "comment", t.Comment);
            AppendProp(sb, "enable", t.Enable is { } e ? (e ? "true" : "false") : null);
            AppendProp(sb, "expire", t.Expire?.ToString(CultureInfo.InvariantCulture));
            sb.Append('\n');
        }

        return Digest(sb);
    }

    /// <summary>acl.cfg lines `acl:PROPAGATE:PATH:AUTHIDS:ROLES` (pbs-api.md §6.2).</summary>
    internal string AclDigest()
    {
        var sb = new StringBuilder();
        foreach (var group in AclEntries.GroupBy(a => (a.Path, a.Propagate)).OrderBy(g => g.Key.Path, StringComparer.Ordinal))
        {
            foreach (var byAuth in group.GroupBy(a => a.AuthId))
            {
                sb.Append("acl:").Append(group.Key.Propagate ? '1' : '0').Append(':').Append(group.Key.Path).Append(':')
                    .Append(byAuth.Key).Append(':').Append(string.Join(',', byAuth.Select(a => a.Role))).Append('\n');
            }
        }

        return Digest(sb);
    }

    private static void AppendProp(StringBuilder sb, string key, string? value)
    {
        if (value is not null)
        {
            sb.Append('\t').Append(key).Append(' ').Append(value).Append('\n');
        }
    }

    private static string Digest(StringBuilder sb) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
}
