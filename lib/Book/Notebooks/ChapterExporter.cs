using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MachinePerception.Book.Running;

namespace MachinePerception.Book.Notebooks;

/// <summary>
/// Turns a chapter into a .NET 10 file-based app (<c>dotnet run chapter.cs</c>), the migration path off the
/// deprecated Polyglot kernel: a <c>#:project</c> directive for the library, the cells in order, markdown as
/// comments. Script-only forms are rewritten: <c>#r</c> lines become comments (the project reference brings the
/// library and its packages), every cell's <c>using</c>s move to the top, type declarations to the end (C# wants
/// top-level statements first), and a cell's final expression becomes <c>display(...)</c>, as the kernel shows it.
/// All cells share one scope in the app. A name declared at the top level of two cells (allowed in a notebook, where
/// a later cell shadows an earlier one) is refused with the two cell numbers. A name declared inside a block, loop or
/// lambda that a top-level variable of any cell also uses (legal in a script, where each cell is a class of its own,
/// but error CS0136 in one method) is renamed within its scope, e.g. <c>positive</c> → <c>positive_</c>.
/// </summary>
public static class ChapterExporter
{
    public static string Export(string notebookPath, string outputPath)
    {
        var doc = NotebookDocument.Load(notebookPath);
        var outputFolder = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        var root = Program.RepositoryRoot();
        var project = Path.GetRelativePath(outputFolder, Path.Combine(root, "lib", "MachinePerception", "MachinePerception.csproj"));
        var notebookFolder = Path.GetRelativePath(outputFolder, Path.GetDirectoryName(Path.GetFullPath(notebookPath))!);

        var usings = new List<string>();
        var body = new StringBuilder();
        var types = new StringBuilder();
        var parse = new CSharpParseOptions(LanguageVersion.Latest, kind: SourceCodeKind.Script);
        var declaredIn = new Dictionary<string, int>(StringComparer.Ordinal);
        var units = new Dictionary<int, (string Code, CompilationUnitSyntax Unit)>();
        for (int i = 0; i < doc.Cells.Count; i++)
        {
            if (NotebookDocument.CellType(doc.Cell(i)) != "code") continue;
            // #r and #load only mean something to a script: keep them as comments.
            var code = string.Join("\n", NotebookDocument.Source(doc.Cell(i)).Split('\n').Select(l =>
                l.TrimStart().StartsWith("#r ", StringComparison.Ordinal) || l.TrimStart().StartsWith("#load ", StringComparison.Ordinal) ? "// " + l : l));
            var unit = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, parse).GetRoot();
            foreach (var name in TopLevelNames(unit))
            {
                if (declaredIn.TryGetValue(name, out var earlier))
                    throw new InvalidDataException(
                        $"book export: '{name}' is declared in cell {earlier} and again in cell {i + 1}; a file-based app has one scope, so rename one of them");
                declaredIn[name] = i + 1;
            }
            units[i] = (code, unit);
        }
        for (int i = 0; i < doc.Cells.Count; i++)
        {
            var cell = doc.Cell(i);
            var type = NotebookDocument.CellType(cell);
            body.Append($"\n// ---- cell {i + 1} ({type}) ----\n");
            if (type != "code")
            {
                foreach (var line in NotebookDocument.Source(cell).Split('\n')) body.Append(("// " + line).TrimEnd()).Append('\n');
                continue;
            }
            var (code, parsed) = units[i];
            var unit = NestedNames.RenameCollisions(parsed, declaredIn.Keys.ToHashSet(StringComparer.Ordinal));
            foreach (var u in unit.Usings)
            {
                var text = u.WithoutTrivia().ToFullString();
                if (!usings.Contains(text)) usings.Add(text);
            }
            if (unit.Usings.Count == 0 && unit.Members.Count == 0) body.Append(code.Trim()).Append('\n');
            var raisesException = NotebookDocument.Tags(cell).Contains(NotebookRunner.RaisesException);
            var cellBody = new StringBuilder();
            for (int m = 0; m < unit.Members.Count; m++)
            {
                var member = unit.Members[m];
                if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
                {
                    types.Append(member.ToFullString().TrimEnd()).Append('\n');
                    continue;
                }
                if (m == unit.Members.Count - 1 && member is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } value })
                {
                    cellBody.Append(value.GetLeadingTrivia().ToFullString()).Append($"display({value.Expression.WithoutTrivia()});\n");
                    continue;
                }
                cellBody.Append(member.ToFullString());
            }
            var statements = cellBody.ToString().Trim('\n');
            if (statements.Length == 0) continue;
            // A cell that fails on purpose is wrapped so the program goes on, as the notebook does.
            if (raisesException)
                body.Append("try\n{\n").Append(Indent(statements)).Append("\n}\ncatch (Exception e)\n{\n    Console.WriteLine($\"{e.GetType().Name}: {e.Message}\");\n}\n");
            else
                body.Append(statements).Append('\n');
        }

        var file = new StringBuilder();
        file.Append($"// {doc.Chapter}: exported from {Path.GetFileName(notebookPath)} by `book export`. Run: dotnet run {Path.GetFileName(outputPath)}\n");
        file.Append($"#:project {project.Replace('\\', '/')}\n");
        // Cells are scripts: nullable annotations off, and the repository's warnings-as-errors does not apply.
        file.Append("#:property Nullable=disable\n#:property TreatWarningsAsErrors=false\n#:property PublishAot=false\n\n");
        foreach (var import in NotebookRunner.Imports) file.Append($"using {import};\n");
        file.Append("using MachinePerception.Display.Headless;\nusing static MachinePerception.Display.Headless.Kernel;\n");
        foreach (var u in usings) file.Append(u).Append('\n');
        file.Append("\n// The chapter runs in its notebook's folder, as in the notebook.\n");
        file.Append("Directory.SetCurrentDirectory(Path.Combine(AppContext.GetData(\"EntryPointFileDirectoryPath\") as string ?? Directory.GetCurrentDirectory(), ")
            .Append(CSharpLiteral(notebookFolder.Replace('\\', '/'))).Append("));\n");
        file.Append(body);
        if (types.Length > 0) file.Append("\n// ---- types declared in the cells ----\n").Append(types);
        return file.ToString();
    }

    // Variables and local functions a cell declares at its top level (a script parses `var x = ...;` as a field).
    static IEnumerable<string> TopLevelNames(CompilationUnitSyntax unit)
    {
        foreach (var member in unit.Members)
        {
            switch (member)
            {
                case FieldDeclarationSyntax f:
                    foreach (var v in f.Declaration.Variables) yield return v.Identifier.Text;
                    break;
                case GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax l }:
                    foreach (var v in l.Declaration.Variables) yield return v.Identifier.Text;
                    break;
                case MethodDeclarationSyntax m:
                    yield return m.Identifier.Text;
                    break;
                case GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax lf }:
                    yield return lf.Identifier.Text;
                    break;
            }
        }
    }

    static string Indent(string code) => string.Join("\n", code.Split('\n').Select(l => l.Length == 0 ? l : "    " + l));

    static string CSharpLiteral(string s) => SymbolDisplay.FormatLiteral(s, quote: true);
}
