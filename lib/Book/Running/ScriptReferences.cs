using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace MachinePerception.Book.Running;

/// <summary>
/// Resolves a cell's <c>#r "path.dll"</c>. A reference to the library or to one of its dependencies (any file
/// name that the runner itself ships, e.g. <c>MachinePerception.dll</c>, <c>MathNet.Numerics.dll</c>) is
/// resolved to the runner's own copy, whatever folder the chapter's first cell names: the notebook then runs
/// against exactly the library the runner was built and tested with, and a Release build is not required.
/// Any other path is resolved against the notebook's folder, as the Polyglot kernel does.
/// </summary>
internal sealed class ScriptReferences(string notebookFolder) : MetadataReferenceResolver
{
    readonly ScriptMetadataResolver inner = ScriptMetadataResolver.Default.WithBaseDirectory(notebookFolder);

    /// <summary>The folder the runner's own assemblies are in.</summary>
    public static string RunnerFolder => AppContext.BaseDirectory;

    public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        // Packages are not fetched (the book runs offline): the compiler then reports the reference as not found.
        if (reference.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase)) return [];
        var own = Path.Combine(RunnerFolder, Path.GetFileName(reference));
        if (reference.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(own))
            return [MetadataReference.CreateFromFile(own, properties)];
        return inner.ResolveReference(reference, baseFilePath, properties);
    }

    public override bool ResolveMissingAssemblies => inner.ResolveMissingAssemblies;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        inner.ResolveMissingAssembly(definition, referenceIdentity);

    public override bool Equals(object? other) => other is ScriptReferences r && r.inner.Equals(inner);

    public override int GetHashCode() => inner.GetHashCode();
}
