using System.Text.Json;
using System.Text.Json.Serialization;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>`plan`: what apply would create, update or leave alone, as a table or JSON; writes nothing anywhere.</summary>
internal sealed class PlanCommand(EngineCommandContext context)
{
    private static readonly JsonSerializerOptions PlanJsonOptions = new()
    {
        Converters = { new JsonStringEnumConverter() },
        // Plain quotes and non-ASCII stay readable; this JSON goes to a terminal or a script, never into HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private TextWriter Out => context.Out;

    public async Task<int> RunAsync(PlanOptions options, CancellationToken cancellationToken)
    {
        if (await context.LoadAnswersAsync(options.AnswersPath, requireSecrets: true) is not { } answers)
        {
            return CliExitCodes.InvalidAnswers;
        }

        try
        {
            if (await context.PreviewAsync(answers, options.Totp, cancellationToken) is not { Preview: var preview })
            {
                return CliExitCodes.InvalidAnswers;
            }

            if (preview.FirstOrDefault(p => p.Failure is not null) is { Failure: { } failure } failed)
            {
                context.PrintFailure(failed.Step, failure);
                return failure.IsConflict ? CliExitCodes.Conflict : CliExitCodes.Failed;
            }

            var changes = preview.AllChanges();
            if (options.Json)
            {
                Out.WriteLine(JsonSerializer.Serialize(new PlanJson(changes.Select(c => new PlanJsonChange(c.Change.Kind, c.Change.Resource, c.Change.Description)).ToList()), PlanJsonOptions));
            }
            else
            {
                PlanTablePrinter.Print(Out, changes);
            }

            return CliExitCodes.Done;
        }
        finally
        {
            Out.Flush();
            context.Err.Flush();
        }
    }

    private sealed record PlanJson([property: JsonPropertyName("changes")] IReadOnlyList<PlanJsonChange> Changes);

    private sealed record PlanJsonChange(
        [property: JsonPropertyName("kind")] ChangeKind Kind,
        [property: JsonPropertyName("resource")] string Resource,
        [property: JsonPropertyName("description")] string Description);
}
