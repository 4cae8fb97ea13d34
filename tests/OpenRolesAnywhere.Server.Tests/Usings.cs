global using System.Net;
global using System.Text.Json;

// The server and its tests run where Unix sockets and file modes exist.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
