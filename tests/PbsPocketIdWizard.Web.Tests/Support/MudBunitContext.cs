using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;

namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>
/// bUnit context with MudBlazor's services (no snackbar transitions) and loose JS interop. MudBlazor 9's providers
/// have no ChildContent, so they cannot sit in bUnit's RenderTree: <see cref="RenderWithProviders{T}"/> renders the
/// popover and dialog providers first (once), then the component.
/// </summary>
public abstract class MudBunitContext : BunitContext, IAsyncLifetime
{
    private IRenderedComponent<MudDialogProvider>? _dialogProvider;

    protected MudBunitContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services are async-disposable only: xunit disposes the context here first.</summary>
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    /// <summary>Where dialogs render (after the first <see cref="RenderWithProviders{T}"/>).</summary>
    protected IRenderedComponent<MudDialogProvider> DialogProvider =>
        _dialogProvider ?? throw new InvalidOperationException("Render a component with RenderWithProviders first.");

    /// <summary>The button whose visible text is exactly <paramref name="name"/> (":contains" would also match "Backup" for "Back").</summary>
    protected static IElement Button<T>(IRenderedComponent<T> cut, string name)
        where T : IComponent =>
        cut.FindAll("button").SingleOrDefault(b => string.Equals(b.TextContent.Trim(), name, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No button named '{name}'.");

    protected IRenderedComponent<T> RenderWithProviders<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : IComponent
    {
        if (_dialogProvider is null)
        {
            Render<MudPopoverProvider>();
            _dialogProvider = Render<MudDialogProvider>();
        }

        return parameters is null ? Render<T>() : Render<T>(parameters);
    }
}
