using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

/// <summary>
/// botocore's model of the Roles Anywhere API, used as AWS's front end uses it: to find the operation
/// from method and path, and to refuse a request whose members break the input shape (missing required
/// members, wrong types, lengths, patterns, enums, unions, and members the shape does not have).
/// </summary>
public sealed class ServiceModel
{
    private static readonly Lazy<ServiceModel> Shared = new(Load);
    private readonly JsonElement _operations;
    private readonly JsonElement _shapes;

    private ServiceModel(JsonDocument document)
    {
        _operations = document.RootElement.GetProperty("operations");
        _shapes = document.RootElement.GetProperty("shapes");
    }

    public static ServiceModel RolesAnywhere => Shared.Value;

    /// <summary>The operation whose HTTP binding matches, with the values of its <c>{uri}</c> labels.</summary>
    public (string Name, Dictionary<string, string> UriLabels)? Match(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        foreach (var operation in _operations.EnumerateObject())
        {
            var http = operation.Value.GetProperty("http");
            if (http.GetProperty("method").GetString() != method)
            {
                continue;
            }

            var template = http.GetProperty("requestUri").GetString()!.Split('?')[0].Trim('/').Split('/');
            if (template.Length != segments.Length)
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var matches = true;
            for (var i = 0; i < template.Length && matches; i++)
            {
                if (template[i].StartsWith('{'))
                {
                    labels[template[i].Trim('{', '}', '+')] = Uri.UnescapeDataString(segments[i]);
                }
                else
                {
                    matches = template[i] == segments[i];
                }
            }

            if (matches)
            {
                return (operation.Name, labels);
            }
        }

        return null;
    }

    public int ResponseCode(string operation) =>
        _operations.GetProperty(operation).GetProperty("http").TryGetProperty("responseCode", out var code) ? code.GetInt32() : 200;

    /// <summary>Every way the request breaks the operation's input shape, worded as AWS words them.</summary>
    public List<string> ValidateInput(string operation, JsonElement? body, IQueryCollection query, IReadOnlyDictionary<string, string> uriLabels)
    {
        var errors = new List<string>();
        var input = _operations.GetProperty(operation).TryGetProperty("input", out var i) ? i.GetProperty("shape").GetString()! : null;
        if (input is null)
        {
            return errors;
        }

        var shape = _shapes.GetProperty(input);
        var required = shape.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        var bodyMembers = new HashSet<string>(StringComparer.Ordinal);
        var queryNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in shape.GetProperty("members").EnumerateObject())
        {
            var location = member.Value.TryGetProperty("location", out var l) ? l.GetString() : null;
            var wireName = member.Value.TryGetProperty("locationName", out var n) ? n.GetString()! : member.Name;
            var target = member.Value.GetProperty("shape").GetString()!;
            switch (location)
            {
                case "uri":
                    if (uriLabels.TryGetValue(wireName, out var label))
                    {
                        ValidateText(target, label, member.Name, errors);
                    }

                    break;
                case "querystring":
                    queryNames.Add(wireName);
                    if (query.TryGetValue(wireName, out var values))
                    {
                        ValidateQuery(target, values, member.Name, errors);
                    }
                    else if (required.Contains(member.Name))
                    {
                        errors.Add($"Value null at '{member.Name}' failed to satisfy constraint: Member must not be null");
                    }

                    break;
                case null:
                    bodyMembers.Add(member.Name);
                    break;
            }
        }

        foreach (var name in query.Keys.Where(k => !queryNames.Contains(k)))
        {
            errors.Add($"Query parameter '{name}' is not a member of {input}");
        }

        if (bodyMembers.Count == 0)
        {
            return errors;
        }

        if (body is not { ValueKind: JsonValueKind.Object } bodyObject)
        {
            errors.Add($"The body of {operation} must be a JSON object");
            return errors;
        }

        foreach (var property in bodyObject.EnumerateObject())
        {
            if (!bodyMembers.Contains(property.Name))
            {
                errors.Add($"'{property.Name}' is not a member of {input}");
            }
        }

        foreach (var name in bodyMembers)
        {
            var target = shape.GetProperty("members").GetProperty(name).GetProperty("shape").GetString()!;
            if (bodyObject.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                Validate(target, value, name, errors);
            }
            else if (required.Contains(name))
            {
                errors.Add($"Value null at '{name}' failed to satisfy constraint: Member must not be null");
            }
        }

        return errors;
    }

    private void Validate(string shapeName, JsonElement value, string path, List<string> errors)
    {
        var shape = _shapes.GetProperty(shapeName);
        var type = shape.GetProperty("type").GetString();
        switch (type)
        {
            case "string":
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add($"Value at '{path}' must be a string");
                    return;
                }

                ValidateText(shapeName, value.GetString()!, path, errors);
                return;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"Value at '{path}' must be a boolean");
                }

                return;
            case "integer" or "long":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
                {
                    errors.Add($"Value at '{path}' must be an integer");
                    return;
                }

                CheckRange(shape, number, path, "Member must have value", errors);
                return;
            case "blob":
                byte[] bytes;
                try
                {
                    bytes = value.ValueKind == JsonValueKind.String ? Convert.FromBase64String(value.GetString()!) : throw new FormatException();
                }
                catch (FormatException)
                {
                    errors.Add($"Value at '{path}' must be base64-encoded binary data");
                    return;
                }

                CheckRange(shape, bytes.Length, path, "Member must have length", errors);
                return;
            case "list":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"Value at '{path}' must be a list");
                    return;
                }

                CheckRange(shape, value.GetArrayLength(), path, "Member must have length", errors);
                var memberShape = shape.GetProperty("member").GetProperty("shape").GetString()!;
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Validate(memberShape, item, $"{path}.{++index}.member", errors);
                }

                return;
            case "structure":
                ValidateStructure(shapeName, shape, value, path, errors);
                return;
            default:
                errors.Add($"The fake cannot check {type} at '{path}'");
                return;
        }
    }

    private void ValidateStructure(string shapeName, JsonElement shape, JsonElement value, string path, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"Value at '{path}' must be an object");
            return;
        }

        var members = shape.GetProperty("members");
        var set = 0;
        foreach (var property in value.EnumerateObject())
        {
            if (!members.TryGetProperty(property.Name, out var member))
            {
                errors.Add($"'{path}.{property.Name}' is not a member of {shapeName}");
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.Null)
            {
                set++;
                Validate(member.GetProperty("shape").GetString()!, property.Value, $"{path}.{property.Name}", errors);
            }
        }

        if (shape.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(e => e.GetString()!))
            {
                if (!value.TryGetProperty(name, out var present) || present.ValueKind == JsonValueKind.Null)
                {
                    errors.Add($"Value null at '{path}.{name}' failed to satisfy constraint: Member must not be null");
                }
            }
        }

        if (shape.TryGetProperty("union", out var union) && union.GetBoolean() && set != 1)
        {
            errors.Add($"Value at '{path}' is a union: exactly one member must be set, not {set}");
        }
    }

    /// <summary>A list member is the parameter repeated (<c>?specifiers=CN&amp;specifiers=OU</c>); anything else is given once.</summary>
    private void ValidateQuery(string shapeName, Microsoft.Extensions.Primitives.StringValues values, string path, List<string> errors)
    {
        var shape = _shapes.GetProperty(shapeName);
        if (shape.GetProperty("type").GetString() != "list")
        {
            if (values.Count > 1)
            {
                errors.Add($"Query parameter '{path}' is given {values.Count} times but is not a list");
            }

            ValidateText(shapeName, values.ToString(), path, errors);
            return;
        }

        CheckRange(shape, values.Count, path, "Member must have length", errors);
        var memberShape = shape.GetProperty("member").GetProperty("shape").GetString()!;
        var index = 0;
        foreach (var value in values)
        {
            ValidateText(memberShape, value ?? "", $"{path}.{++index}.member", errors);
        }
    }

    private void ValidateText(string shapeName, string text, string path, List<string> errors)
    {
        var shape = _shapes.GetProperty(shapeName);
        var type = shape.GetProperty("type").GetString();
        if (type is "integer" or "long")
        {
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                errors.Add($"Value '{text}' at '{path}' must be an integer");
                return;
            }

            CheckRange(shape, number, path, "Member must have value", errors);
            return;
        }

        CheckRange(shape, text.Length, path, "Member must have length", errors);
        if (shape.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, $"^(?:{pattern.GetString()})$", RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"Value '{text}' at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern.GetString()}");
        }

        if (shape.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => v.GetString() == text))
        {
            errors.Add($"Value '{text}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", values.EnumerateArray().Select(v => v.GetString()))}]");
        }
    }

    private static void CheckRange(JsonElement shape, long value, string path, string what, List<string> errors)
    {
        if (shape.TryGetProperty("min", out var min) && value < min.GetInt64())
        {
            errors.Add($"Value at '{path}' failed to satisfy constraint: {what} greater than or equal to {min.GetInt64()}");
        }

        if (shape.TryGetProperty("max", out var max) && value > max.GetInt64())
        {
            errors.Add($"Value at '{path}' failed to satisfy constraint: {what} less than or equal to {max.GetInt64()}");
        }
    }

    private static ServiceModel Load()
    {
        using var stream = typeof(ServiceModel).Assembly.GetManifestResourceStream("rolesanywhere-2018-05-10.service-2.json")
            ?? throw new InvalidOperationException("The Roles Anywhere model is not embedded in TestCommon.");
        return new ServiceModel(JsonDocument.Parse(stream));
    }
}
