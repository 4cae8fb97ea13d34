namespace OpenRolesAnywhere.Server.Tests;

/// <summary>Tests that set process-wide environment variables (NOTIFY_SOCKET, the AWS SDK's) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "Process environment";
}
