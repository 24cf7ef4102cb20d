namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>A fact that needs Linux's special files (/proc, /dev): skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux's /proc and /dev.";
        }
    }
}
