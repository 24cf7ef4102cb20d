using PbsPocketIdWizard.Web.Cli;

// One executable: the web wizard by default, sub-commands for the engine without a browser, the standalone
// simulators and the container health check (System.CommandLine, generated --help).
return await CliCommandLine.RunAsync(args);

public partial class Program;
