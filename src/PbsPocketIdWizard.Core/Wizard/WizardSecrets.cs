using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json;
using PbsPocketIdWizard.Core.Security;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>Finds and wipes every <see cref="Secret"/> a state holds, wherever a step put it.</summary>
public static class WizardSecrets
{
    /// <summary>For in-process copies only (never written anywhere): keeps secret values.</summary>
    internal static readonly JsonSerializerOptions InMemoryCopyOptions = new()
    {
        Converters = { new PlainSecretConverter(), new JsonStringEnumConverter() },
    };

    /// <summary>A deep copy (secrets included, in memory only) to hand to a store while the original keeps changing.</summary>
    public static WizardState Snapshot(WizardState state)
    {
        var copy = JsonSerializer.Deserialize<WizardState>(JsonSerializer.Serialize(state, InMemoryCopyOptions), InMemoryCopyOptions)
            ?? throw new InvalidOperationException("A wizard state did not survive a JSON round trip.");
        copy.Pbs.TotpCode = null;
        copy.Revision = state.Revision;
        copy.WriterId = state.WriterId;
        return copy;
    }

    /// <summary>Sets every secret of the state (inputs and results) to null; the one-time TOTP code too.</summary>
    public static void Wipe(WizardState state)
    {
        Visit(state, static (owner, property) => property.SetValue(owner, null));
        state.Pbs.TotpCode = null;
    }

    /// <summary>The secrets the state holds now, by "Type.Property" (for tests and for scanning output).</summary>
    public static IReadOnlyList<Secret> All(WizardState state)
    {
        var found = new List<Secret>();
        Visit(state, (owner, property) =>
        {
            if (property.GetValue(owner) is Secret secret)
            {
                found.Add(secret);
            }
        });
        return found;
    }

    private static void Visit(object owner, Action<object, PropertyInfo> onSecretProperty)
    {
        foreach (var property in owner.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead)
            {
                continue;
            }

            if (property.PropertyType == typeof(Secret))
            {
                if (property.CanWrite)
                {
                    onSecretProperty(owner, property);
                }

                continue;
            }

            // Walk only into our own input/result classes (and lists of them); strings, enums and records of data stay.
            var value = property.GetValue(owner);
            if (value is System.Collections.IEnumerable items and not string)
            {
                foreach (var item in items)
                {
                    if (item is not null && IsOurs(item.GetType()))
                    {
                        Visit(item, onSecretProperty);
                    }
                }
            }
            else if (value is not null && IsOurs(value.GetType()) && value.GetType().IsClass)
            {
                Visit(value, onSecretProperty);
            }
        }
    }

    private static bool IsOurs(Type type) =>
        type.Namespace?.StartsWith("PbsPocketIdWizard.", StringComparison.Ordinal) == true && type != typeof(Secret) && !type.IsEnum;

    private sealed class PlainSecretConverter : JsonConverter<Secret>
    {
        public override Secret? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Secret.FromNullable(reader.GetString());

        public override void Write(Utf8JsonWriter writer, Secret value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Reveal());
    }
}
