using System.Text.Json.Serialization;
using System.Text.Json;
using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Core.Wizard;

public static class WizardJson
{
    /// <summary>For plan fingerprints only: a secret becomes its one-way fingerprint.</summary>
    public static readonly JsonSerializerOptions FingerprintOptions = new()
    {
        Converters = { new SecretFingerprintConverter(), new JsonStringEnumConverter() },
    };

    private sealed class SecretFingerprintConverter : JsonConverter<Secret>
    {
        public override Secret Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Fingerprint JSON is write-only.");

        public override void Write(Utf8JsonWriter writer, Secret value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Fingerprint());
    }
}
