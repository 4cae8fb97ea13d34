using System.Globalization;
using CsCheck;
using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.TestCommon.Properties;

namespace OpenRolesAnywhere.Core.Tests.Properties;

public sealed class DurationsPropertiesTests
{
    private static readonly Gen<string> DurationLike =
        Gen.Select(Gen.Select(Gen.Frequency((3, Gen.Long[0, 100_000]), (1, Gen.Long)), Gen.Int[0, 8]).Array[1, 4], Gen.Bool,
            (parts, fraction) => string.Concat(parts.Select(p =>
                p.Item1.ToString(CultureInfo.InvariantCulture) + (fraction ? ".5" : "") + new[] { "h", "m", "s", "ms", "us", "µs", "ns", "", "d" }[p.Item2])));

    [Fact]
    public void Parse_AnyText_GivesADurationOrACredentialException() =>
        ParserProperty.Holds(Gen.Frequency((1, ParserProperty.Text()), (2, DurationLike)), text => Durations.Parse(text, "--session-duration"), ParserProperty.Escaped);

    [Fact]
    public void Parse_HoursMinutesSeconds_EqualsTheirSumAndPlainSeconds() =>
        Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, 10_000], Gen.Int[0, 10_000]).Sample((h, m, s) =>
        {
            var expected = TimeSpan.FromHours(h) + TimeSpan.FromMinutes(m) + TimeSpan.FromSeconds(s);
            return Durations.Parse($"{h}h{m}m{s}s", "d") == expected
                && Durations.Parse(((long)expected.TotalSeconds).ToString(CultureInfo.InvariantCulture), "d") == expected;
        }, iter: ParserProperty.Iterations, threads: 1);
}
