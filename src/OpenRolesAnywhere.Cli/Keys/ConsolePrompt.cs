using System.Text;

namespace OpenRolesAnywhere.Cli.Keys;

/// <summary>Asks for a secret on the terminal, never echoing it. Without a terminal there is nobody to ask.</summary>
internal static class ConsolePrompt
{
    public static string? ReadSecret(string prompt, TextWriter output)
    {
        if (Console.IsInputRedirected)
        {
            return null;
        }

        output.Write(prompt);
        output.Flush();
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }

                continue;
            }

            secret.Append(key.KeyChar);
        }

        output.WriteLine();
        return secret.ToString();
    }
}
