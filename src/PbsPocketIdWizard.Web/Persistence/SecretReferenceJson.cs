using System.Text.Json.Serialization.Metadata;
using System.Text.Json.Serialization;
using System.Text.Json;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Persistence;

/// <summary>
/// JSON for the runs table: every <see cref="Secret"/> property is written as a reference ("secret:PbsConnectionInput.Password"),
/// never its value; the values go to the secrets table, encrypted. The journal has its own table, so it is left out here.
/// </summary>
internal sealed class SecretVault
{
    public const string ReferencePrefix = "secret:";

    private readonly Dictionary<string, Secret> _values;

    private SecretVault(Dictionary<string, Secret> values) => _values = values;

    /// <summary>For writing: collects the secrets met during serialization.</summary>
    public static SecretVault ForWriting() => new([]);

    /// <summary>For reading: resolves references to the stored (decrypted) values; a missing one (wiped) reads as null.</summary>
    public static SecretVault ForReading(Dictionary<string, Secret> values) => new(values);

    public IReadOnlyDictionary<string, Secret> Collected => _values;

    public JsonSerializerOptions CreateOptions()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(AttachSecretReferences);
        return new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            Converters = { new JsonStringEnumConverter() },
        };
    }

    private void AttachSecretReferences(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.PropertyType == typeof(Secret))
            {
                property.CustomConverter = new SecretReferenceConverter(this, $"{typeInfo.Type.Name}.{property.Name}");
            }
            else if (typeInfo.Type == typeof(WizardState) && property.Name == nameof(WizardState.Journal))
            {
                property.ShouldSerialize = static (_, _) => false;
            }
        }
    }

    private string Add(string field, Secret value)
    {
        var key = field;
        for (var n = 2; _values.ContainsKey(key); n++)
        {
            key = $"{field}#{n}";
        }

        _values[key] = value;
        return key;
    }

    private sealed class SecretReferenceConverter(SecretVault vault, string field) : JsonConverter<Secret?>
    {
        public override Secret? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var reference = reader.GetString();
            if (reference is null || !reference.StartsWith(ReferencePrefix, StringComparison.Ordinal))
            {
                throw new JsonException($"{field} must be a secret reference.");
            }

            return vault._values.GetValueOrDefault(reference[ReferencePrefix.Length..]);
        }

        public override void Write(Utf8JsonWriter writer, Secret? value, JsonSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNullValue();
                return;
            }

            writer.WriteStringValue(ReferencePrefix + vault.Add(field, value));
        }
    }
}
