using OpenRolesAnywhere.Fuzz;
using SharpFuzz;

// Usage: OpenRolesAnywhere.Fuzz TARGET            (under afl-fuzz; reads each input from standard input)
//        OpenRolesAnywhere.Fuzz TARGET FILE...   (replays saved inputs, e.g. a crash AFL++ found)
if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    await Console.Error.WriteLineAsync($"usage: OpenRolesAnywhere.Fuzz {string.Join('|', FuzzTargets.Names)} [FILE...]");
    return 2;
}

var target = args[0];
if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        FuzzTargets.Run(target, await File.ReadAllBytesAsync(file));
        Console.WriteLine($"{file}: value or CredentialException");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Run(target, buffer.ToArray());
});
return 0;
