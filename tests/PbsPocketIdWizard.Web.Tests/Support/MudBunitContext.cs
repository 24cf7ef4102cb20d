using Bunit;
using MudBlazor;
using MudBlazor.Services;

namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>bUnit context with MudBlazor's services, loose JS interop and a popover provider in the render tree.</summary>
public abstract class MudBunitContext : BunitContext
{
    protected MudBunitContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        RenderTree.Add<MudPopoverProvider>();
    }
}
