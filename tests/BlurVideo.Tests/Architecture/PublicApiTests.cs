using System.Reflection;
using System.Text;
using NUnit.Framework;

namespace BlurVideo.Tests.Architecture;

/// <summary>
/// The public surface of BlurVideo.dll is the committed listing <c>PublicApi.txt</c> beside this file, so that a change
/// to it is deliberate: after an intended change run the tests with <c>BLURVIDEO_UPDATE_API=1</c> to rewrite the
/// listing, and review its diff.
/// </summary>
[TestFixture]
public sealed class PublicApiTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static string ListingPath => Path.Combine(TestPaths.RepositoryRoot, "tests", "BlurVideo.Tests", "Architecture", "PublicApi.txt");

    [Test]
    public void The_public_api_is_the_committed_listing()
    {
        var actual = Listing(typeof(BlurMap).Assembly);
        if (Environment.GetEnvironmentVariable("BLURVIDEO_UPDATE_API") == "1")
        {
            File.WriteAllText(ListingPath, actual);
        }

        var expected = File.ReadAllText(ListingPath).ReplaceLineEndings("\n");
        var added = actual.Split('\n').Except(expected.Split('\n'), StringComparer.Ordinal).ToArray();
        var removed = expected.Split('\n').Except(actual.Split('\n'), StringComparer.Ordinal).ToArray();

        Assert.That(added.Concat(removed.Select(line => "removed: " + line)), Is.Empty,
            "the public API changed; if intended, run with BLURVIDEO_UPDATE_API=1 and commit PublicApi.txt");
    }

    [Test]
    public void The_listing_holds_what_an_application_uses_and_no_native_or_imaging_type()
    {
        var types = typeof(BlurMap).Assembly.GetExportedTypes().Select(type => type.FullName!).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(types, Does.Contain("BlurVideo.Inference.BlurDetector").And.Contain("BlurVideo.Pipeline.BlurPipeline")
                .And.Contain("BlurVideo.BlurResult").And.Contain("BlurVideo.Focus.FocusAnalyzer").And.Contain("BlurVideo.BlurVideoNativeException"));
            Assert.That(types.Where(name => name.StartsWith("BlurVideo.Native.", StringComparison.Ordinal)
                                            || name.StartsWith("BlurVideo.Imaging.", StringComparison.Ordinal)), Is.Empty);
        });
    }

    /// <summary>One line per exported type and per public or protected member, sorted.</summary>
    internal static string Listing(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            var typeName = Name(type);
            lines.Add($"{Kind(type)} {typeName}{BaseList(type)}");
            foreach (var member in type.GetMembers(Declared).Where(IsVisible))
            {
                lines.Add($"{typeName}: {Describe(member)}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines) + "\n";
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase method => (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && !(method.IsSpecialName && method is MethodInfo { Name: not ("op_Implicit" or "op_Explicit" or "op_Equality" or "op_Inequality") }),
        FieldInfo field => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly,
        PropertyInfo property => property.GetAccessors(nonPublic: true).Any(accessor => accessor.IsPublic || accessor.IsFamily),
        EventInfo @event => @event.AddMethod is { } add && (add.IsPublic || add.IsFamily),
        Type nested => nested.IsNestedPublic || nested.IsNestedFamily,
        _ => false,
    };

    private static string Describe(MemberInfo member) => member switch
    {
        ConstructorInfo constructor => $"ctor({Parameters(constructor)})",
        MethodInfo method => $"{(method.IsStatic ? "static " : "")}{Name(method.ReturnType)} {method.Name}{GenericArguments(method)}({Parameters(method)})",
        FieldInfo field => $"{(field.IsLiteral ? "const " : field.IsStatic ? "static " : "")}{Name(field.FieldType)} {field.Name}",
        PropertyInfo property => $"{Name(property.PropertyType)} {property.Name} {{ {Accessors(property)}}}",
        EventInfo @event => $"event {Name(@event.EventHandlerType!)} {@event.Name}",
        Type nested => $"nested {Kind(nested)} {nested.Name}",
        _ => member.ToString()!,
    };

    private static string Accessors(PropertyInfo property)
    {
        var text = new StringBuilder();
        if (property.GetMethod is { } getter && (getter.IsPublic || getter.IsFamily))
        {
            text.Append("get; ");
        }

        if (property.SetMethod is { } setter && (setter.IsPublic || setter.IsFamily))
        {
            var initOnly = setter.ReturnParameter.GetRequiredCustomModifiers().Any(modifier => modifier.Name == "IsExternalInit");
            text.Append(initOnly ? "init; " : "set; ");
        }

        return text.ToString();
    }

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(parameter => $"{Name(parameter.ParameterType)} {parameter.Name}{(parameter.HasDefaultValue ? " = " + (parameter.DefaultValue ?? "null") : "")}"));

    private static string GenericArguments(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(argument => argument.Name)) + ">" : "";

    private static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";

    private static string BaseList(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Where(implemented => implemented.IsVisible).Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return "ref " + Name(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : $"{type.Namespace}.{type.Name}";
        if (!type.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }
}
