using System.Text;
using CsCheck;
using OpenRolesAnywhere.Core;
using Xunit.Sdk;

namespace OpenRolesAnywhere.TestCommon.Properties;

/// <summary>
/// The contract of every parser that takes outside input: it returns a value or throws a
/// <see cref="CredentialException"/> with a clear message; never another exception, never a hang.
/// Used by the property tests (generated input) and by the fuzz corpus regression test (saved input).
/// </summary>
public static class ParserProperty
{
    private const string Awkward = "\u0663\uff11\u200b\ufeffµıİ \u2028";

    /// <summary>Iterations per property: enough to find the easy holes in CI in seconds; the fuzzer goes further.</summary>
    public const long Iterations = 1500;

    /// <summary>Per run: parsers of a few KiB take microseconds, so seconds mean a hang (or a quadratic blow-up).</summary>
    public static readonly TimeSpan PerRunTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Generated inputs through <paramref name="parse"/>, each under <see cref="PerRunTimeout"/>; shrinks to the smallest failing input.</summary>
    public static void Holds<T>(Gen<T> inputs, Action<T> parse, Func<T, string>? print = null, long iterations = Iterations) =>
        inputs.Sample(input => ValueOrCredentialException(() => parse(input)), iter: iterations, threads: 1, print: print);

    /// <summary>One input: fails the test on any exception other than a <see cref="CredentialException"/> with a usable message, or on a hang.</summary>
    public static void ValueOrCredentialException(Action parse)
    {
        var run = Task.Run(() =>
        {
            try
            {
                parse();
                return null;
            }
            catch (CredentialException e)
            {
                return string.IsNullOrWhiteSpace(e.Message)
                    ? new XunitException($"CredentialException ({e.Kind}) without a sentence for a person: '{e.Message}'")
                    : (Exception?)null;
            }
#pragma warning disable CA1031 // Any other exception is the failure this property looks for.
            catch (Exception e)
#pragma warning restore CA1031
            {
                return e;
            }
        });
        if (!run.Wait(PerRunTimeout))
        {
            throw new XunitException($"the parser did not return within {PerRunTimeout.TotalSeconds} s (a hang)");
        }

        if (run.Result is { } failure)
        {
            throw failure is XunitException ? failure : new XunitException($"the parser threw {failure.GetType().Name}, not a CredentialException: {failure.Message}", failure);
        }
    }

    /// <summary>Bytes for a reply or a file: mostly short, sometimes up to <paramref name="max"/>.</summary>
    public static Gen<byte[]> Bytes(int max = 2048) => Gen.Frequency((4, Gen.Byte.Array[0, 64]), (1, Gen.Byte.Array[0, max]));

    /// <summary>Text mixing ASCII, control characters, and other scripts (where the \d-style bugs live).</summary>
    public static Gen<string> Text(int max = 80) =>
        Gen.Frequency(
            (6, Gen.Char['!', '~']),
            (1, Gen.Char[(char)0, (char)31]),
            (1, Gen.Char['\u00a0', '\u07ff']),
            (1, Gen.Int[0, Awkward.Length - 1].Select(i => Awkward[i])))
        .Array[0, max].Select(chars => new string(chars));

    /// <summary>A byte array as C# text, so a shrunk failure can be pasted into a regression test.</summary>
    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    /// <summary>A string with its control and non-ASCII characters escaped, for failure messages.</summary>
    public static string Escaped(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return builder.ToString();
    }
}
