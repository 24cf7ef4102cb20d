using System.Xml.Linq;
using PbsPocketIdWizard.Web.Persistence;

namespace PbsPocketIdWizard.Web.Tests.Persistence;

/// <summary>A relative Wizard:DataDirectory means "relative to where the user runs the wizard", as the README says.</summary>
public sealed class DataDirectoryLocationTests
{
    [Fact]
    public void WizardDataDirectory_RelativePath_ResolvesAgainstTheCurrentDirectory()
    {
        var directory = new WizardDataDirectory(WizardDataDirectory.DefaultPath);

        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "data"), directory.Path);
    }

    [Fact]
    public void WizardDataDirectory_AbsolutePath_StaysAsGiven()
    {
        Assert.Equal("/data", new WizardDataDirectory("/data").Path);
    }

    [Fact]
    public void WebProject_DotnetRun_KeepsTheDirectoryItWasStartedIn()
    {
        // `dotnet run --project src/PbsPocketIdWizard.Web` would otherwise run in the project directory and put ./data there.
        var project = XDocument.Load(FindWebProject());

        var workingDirectory = project.Descendants("RunWorkingDirectory").SingleOrDefault()?.Value;

        Assert.Equal("$(MSBuildStartupDirectory)", workingDirectory);
    }

    private static string FindWebProject()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "PbsPocketIdWizard.Web", "PbsPocketIdWizard.Web.csproj");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("PbsPocketIdWizard.Web.csproj not found above the test's directory");
    }
}
