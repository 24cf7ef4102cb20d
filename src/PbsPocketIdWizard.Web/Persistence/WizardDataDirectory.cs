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

    /// <summary>Held (exclusively) by the process that applies a run, see <see cref="TryLockForApply"/>.</summary>
    public string ApplyLockPath => System.IO.Path.Combine(Path, "apply.lock");

    /// <summary>
    /// Takes the data directory's apply lock, or returns null when another process (or another apply in this one)
    /// holds it. The lock is an exclusively opened file: the OS releases it when the holder exits, even on a crash.
    /// </summary>
    public IDisposable? TryLockForApply()
    {
        EnsureExists();
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFileMode;
        }

        try
        {
            return new FileStream(ApplyLockPath, options);
        }
        catch (IOException) when (File.Exists(ApplyLockPath))
        {
            return null;
        }
    }

    /// <summary>Owner-only access (0700) for the data and keys directories.</summary>
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Owner-only access (0600) for the database file.</summary>
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates the directory and its keys directory readable by the app's user only (they hold encrypted secrets and
    /// the keys that decrypt them); Data Protection would otherwise create keys/ itself with the umask's mode (0755).
    /// An existing keys directory that group or others can read (an earlier version) is narrowed to owner-only.
    /// </summary>
    public void EnsureExists()
    {
        CreatePrivateDirectory(Path);
        CreatePrivateDirectory(KeysPath);
        NarrowToOwner(KeysPath);
    }

    /// <summary>Creates an empty file with mode 0600 unless it exists; an existing one is narrowed to owner-only.</summary>
    public static void EnsurePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            try
            {
                // CreateNew never truncates a file another process created in between; an empty file is a valid SQLite database.
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = PrivateFileMode,
                });
                return;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created meanwhile: narrowed below.
            }
        }

        NarrowToOwner(path);
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, PrivateDirectoryMode);
        }
    }

    /// <summary>
    /// Removes group and other access, keeping the owner's bits. Best effort: a path owned by another user (say, a
    /// mounted volume) cannot be changed by this process and is left as it is.
    /// </summary>
    private static void NarrowToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode groupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & groupAndOthers) != 0)
            {
                File.SetUnixFileMode(path, mode & ~groupAndOthers);
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // Not ours to change.
        }
    }
}
