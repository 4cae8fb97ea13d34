using OpenRolesAnywhere.Cli;

return await CliApplication.RunAsync(args, Console.Out, Console.Error, CliEnvironment.Process);
