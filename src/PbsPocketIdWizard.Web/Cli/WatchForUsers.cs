using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// The pause of the first sign-in: reports each new user of the realm until cancelled; onFirstPoll runs once, after
/// the first complete listing (whoever was reported before it was in PBS before the watch); onFailedSignIn is told why
/// PBS could not finish a sign-in that Pocket ID let through.
/// </summary>
public delegate Task WatchForUsers(WizardState state, Func<DetectedUser, Task> onNewUser, Action? onFirstPoll, Func<string, Task>? onFailedSignIn, CancellationToken cancellationToken);
