namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>A fact about Unix file modes: skipped on Windows, which has none.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes do not exist on Windows.";
        }
    }
}
