namespace PbsPocketIdWizard.Web.Persistence;

/// <summary>Where the wizard keeps its database and its Data Protection keys (`Wizard:DataDirectory`, default ./data).</summary>
public sealed class WizardDataDirectory
{
    public const string ConfigurationKey = "Wizard:DataDirectory";

    public const string DefaultPath = "./data";

    public WizardDataDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string KeysPath => System.IO.Path.Combine(Path, "keys");

    /// <summary>Creates the directory readable by the app's user only (it holds encrypted secrets and their keys).</summary>
    public void EnsureExists()
    {
        if (Directory.Exists(Path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Path);
        }
        else
        {
            Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
