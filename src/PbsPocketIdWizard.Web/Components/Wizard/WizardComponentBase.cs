using Microsoft.AspNetCore.Components;

namespace PbsPocketIdWizard.Web.Components.Wizard;

/// <summary>A wizard component that re-renders whenever the session changes (transitions, busy, navigation).</summary>
public abstract class WizardComponentBase : ComponentBase, IDisposable
{
    [Inject] protected WizardViewModel Vm { get; set; } = default!;

    protected override void OnInitialized() => Vm.Session.Changed += OnSessionChanged;

    private void OnSessionChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        Vm.Session.Changed -= OnSessionChanged;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
