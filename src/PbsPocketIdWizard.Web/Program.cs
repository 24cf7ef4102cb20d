using PbsPocketIdWizard.Web.Cli;

// One executable: the web wizard by default, sub-commands for the engine without a browser, the standalone
// simulators and the container health check.
return await CommandDispatcher.RunAsync(args);

public partial class Program;
