using Xunit;

namespace OpenRolesAnywhere.TestCommon;

/// <summary>Waits, in real time, for work that runs on the thread pool (background refreshes) to show its effect.</summary>
public static class Eventually
{
    /// <summary>Generous: on a loaded 2-core CI machine a step that takes milliseconds alone can take seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>For conditions that do I/O (an HTTP request): awaited, so no test thread blocks on it.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(5);
        }
    }
}
