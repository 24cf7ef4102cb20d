namespace PbsPocketIdWizard.E2E.Tests.Support;

/// <summary>A fact that is skipped, with a clear reason, where Debian's Chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPageTest.ChromiumPath))
        {
            Skip = $"{ChromiumPageTest.ChromiumPath} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests.";
        }
    }
}
