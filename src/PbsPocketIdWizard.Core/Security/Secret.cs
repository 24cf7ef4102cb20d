using System.Security.Cryptography;
using System.Text;

namespace PbsPocketIdWizard.Core.Security;

/// <summary>
/// A secret value (API key, password, API token, client secret, ticket). ToString() is "***" so it never reaches a
/// log or an exception message by accident; Reveal() is the one way to read it, used only where it goes on the wire.
/// </summary>
public sealed class Secret : IEquatable<Secret>
{
    private readonly string _value;

    public Secret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    public static Secret? FromNullable(string? value) => string.IsNullOrEmpty(value) ? null : new Secret(value);

    public string Reveal() => _value;

    /// <summary>A short one-way fingerprint, for detecting that a secret changed without storing it.</summary>
    public string Fingerprint() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_value)))[..12];

    public override string ToString() => "***";

    public bool Equals(Secret? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(_value), Encoding.UTF8.GetBytes(other._value));

    public override bool Equals(object? obj) => obj is Secret s && Equals(s);

    public override int GetHashCode() => _value.Length;
}
