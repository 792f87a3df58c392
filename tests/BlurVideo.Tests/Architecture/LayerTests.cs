using System.Reflection;
using System.Reflection.Emit;
using NUnit.Framework;

namespace BlurVideo.Tests.Architecture;

/// <summary>
/// BlurVideo.dll's namespaces form layers that only point down: the core vocabulary (root namespace) → native →
/// imaging → inference → pipeline → focus → hosting. Every reference a type makes (signatures, fields, base types, attributes
/// and the types and members its method bodies use) is checked.
/// </summary>
[TestFixture]
public sealed class LayerTests
{
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        ["BlurVideo"] = 0,
        ["BlurVideo.Native"] = 1,
        ["BlurVideo.Imaging"] = 2,
        ["BlurVideo.Inference"] = 3,
        ["BlurVideo.Pipeline"] = 4,
        ["BlurVideo.Pipeline.Sources"] = 4,
        ["BlurVideo.Focus"] = 5,
        ["BlurVideo.Hosting"] = 6,
    };

    private static readonly OpCode[] OneByte = new OpCode[0x100];
    private static readonly OpCode[] TwoByte = new OpCode[0x100];

    static LayerTests()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            var value = (ushort)code.Value;
            if (value < 0x100)
            {
                OneByte[value] = code;
            }
            else if ((value & 0xff00) == 0xfe00)
            {
                TwoByte[value & 0xff] = code;
            }
        }
    }

    [Test]
    public void Every_namespace_of_the_library_has_a_layer()
    {
        var namespaces = LibraryTypes().Select(NamespaceOf).Where(name => name is not null).Distinct().ToArray();

        Assert.That(namespaces, Is.SubsetOf(Layers.Keys));
    }

    [Test]
    public void No_type_in_a_lower_layer_references_a_higher_one()
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in LibraryTypes())
        {
            if (LayerOf(type) is not { } layer)
            {
                continue;
            }

            foreach (var referenced in References(type))
            {
                if (LayerOf(referenced) is { } other && other > layer)
                {
                    violations.Add($"{type.FullName} ({NamespaceOf(type)}) -> {referenced.FullName} ({NamespaceOf(referenced)})");
                }
            }
        }

        Assert.That(violations, Is.Empty);
    }

    [Test]
    public void The_layer_check_sees_references_inside_method_bodies()
    {
        // BlurPipeline creates its AdaptiveQualityController only inside a method body (its TemporalSmoother now lives in an
        // async stage's state machine, a nested type the layer check visits on its own); BlurDetector's session only in its fields.
        Assert.Multiple(() =>
        {
            Assert.That(References(typeof(BlurPipeline)).Select(type => type.Name), Does.Contain("AdaptiveQualityController"));
            Assert.That(References(typeof(SceneChangeMeter)).Select(type => type.Name), Does.Contain(nameof(VideoFrame)));
        });
    }

    [Test]
    public void The_library_holds_no_evaluation_measurement_or_synthetic_scene_code()
    {
        var names = LibraryTypes().Select(type => type.FullName ?? type.Name).ToArray();

        Assert.That(names.Where(name => name.Contains("Evaluat", StringComparison.Ordinal)
                                        || name.Contains("Measurement", StringComparison.Ordinal)
                                        || name.Contains("Synthetic", StringComparison.Ordinal)
                                        || name.Contains("StabilityMeter", StringComparison.Ordinal)), Is.Empty);
    }

    private static Type[] LibraryTypes() => typeof(BlurMap).Assembly.GetTypes();

    /// <summary>A nested type (including compiler-generated closures and state machines) belongs to its outermost type's namespace.</summary>
    private static string? NamespaceOf(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type.Namespace;
    }

    private static int? LayerOf(Type type) =>
        type.Assembly == typeof(BlurMap).Assembly && NamespaceOf(type) is { } name && Layers.TryGetValue(name, out var layer) ? layer : null;

    private static HashSet<Type> References(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? referenced)
        {
            if (referenced is null || !found.Add(referenced))
            {
                return;
            }

            if (referenced.HasElementType)
            {
                Add(referenced.GetElementType());
            }

            if (referenced.IsGenericType && !referenced.IsGenericTypeDefinition)
            {
                foreach (var argument in referenced.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        Add(type.BaseType);
        foreach (var implemented in type.GetInterfaces())
        {
            Add(implemented);
        }

        foreach (var attribute in type.GetCustomAttributesData())
        {
            Add(attribute.AttributeType);
        }

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var field in type.GetFields(all))
        {
            Add(field.FieldType);
        }

        foreach (var property in type.GetProperties(all))
        {
            Add(property.PropertyType);
        }

        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            AddBodyReferences(method, Add);
        }

        return found;
    }

    /// <summary>The types, fields and methods an IL body names, by decoding its metadata tokens.</summary>
    private static void AddBodyReferences(MethodBase method, Action<Type?> add)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            return;
        }

        var module = method.Module;
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            var code = il[position] == 0xfe ? TwoByte[il[++position]] : OneByte[il[position]];
            position++;
            switch (code.OperandType)
            {
                case OperandType.InlineType:
                case OperandType.InlineTok:
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                    var token = BitConverter.ToInt32(il, position);
                    try
                    {
                        var member = module.ResolveMember(token, typeArguments, methodArguments);
                        add(member as Type ?? member?.DeclaringType);
                        if (member is FieldInfo field)
                        {
                            add(field.FieldType);
                        }
                        else if (member is MethodInfo called)
                        {
                            add(called.ReturnType);
                        }
                    }
                    catch (ArgumentException)
                    {
                        // A token that needs generic context the body does not give (rare): skipped.
                    }

                    position += 4;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }
}
