using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MachinePerception.Book.Notebooks;

/// <summary>
/// Renames variables declared inside a cell's blocks, loops, lambdas or local functions whose name a top-level variable
/// of the chapter also has. In a notebook each cell is a script submission of its own and such a name simply shadows;
/// in the one method of an exported program it is error CS0136. The rename covers exactly the declaration's scope
/// (the block, loop, lambda, catch clause or local function that declares it), where every use of the name means it.
/// </summary>
internal static class NestedNames
{
    public static CompilationUnitSyntax RenameCollisions(CompilationUnitSyntax unit, IReadOnlySet<string> topLevel)
    {
        // Innermost scopes first, so an outer rename sees the inner ones already done.
        while (true)
        {
            var hit = Declarations(unit).FirstOrDefault(d => topLevel.Contains(d.Token.Text) && d.Scope is not null);
            if (hit.Scope is null) return unit;
            var fresh = hit.Token.Text + "_";
            while (topLevel.Contains(fresh) || ContainsIdentifier(hit.Scope, fresh)) fresh += "_";
            unit = unit.ReplaceNode(hit.Scope, new Renamer(hit.Token.Text, fresh).Visit(hit.Scope));
        }
    }

    static bool ContainsIdentifier(SyntaxNode node, string name) =>
        node.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.Text == name);

    // Every variable or parameter declared below the cell's top level, with the node that scopes it.
    static IEnumerable<(SyntaxToken Token, SyntaxNode? Scope)> Declarations(CompilationUnitSyntax unit)
    {
        foreach (var node in unit.DescendantNodes().Reverse())
        {
            switch (node)
            {
                case VariableDeclaratorSyntax v when v.Parent?.Parent is not FieldDeclarationSyntax && !IsTopLevel(v):
                    yield return (v.Identifier, Scope(v));
                    break;
                case ParameterSyntax p when p.Parent?.Parent is LambdaExpressionSyntax or LocalFunctionStatementSyntax or AnonymousMethodExpressionSyntax
                                         || p.Parent is SimpleLambdaExpressionSyntax:
                    yield return (p.Identifier, p.Ancestors().First(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax));
                    break;
                case ForEachStatementSyntax f:
                    yield return (f.Identifier, f);
                    break;
                case CatchDeclarationSyntax c when c.Identifier.Text.Length > 0:
                    yield return (c.Identifier, c.Parent);
                    break;
                case SingleVariableDesignationSyntax d when !IsTopLevel(d):
                    yield return (d.Identifier, Scope(d));
                    break;
            }
        }
    }

    // A declaration directly in a top-level statement of the cell is one of the chapter's top-level names.
    static bool IsTopLevel(SyntaxNode node) =>
        node.Ancestors().TakeWhile(a => a is not GlobalStatementSyntax).All(a => a is not (BlockSyntax or AnonymousFunctionExpressionSyntax
            or ForStatementSyntax or ForEachStatementSyntax or UsingStatementSyntax or CatchClauseSyntax or SwitchSectionSyntax or LocalFunctionStatementSyntax));

    static SyntaxNode? Scope(SyntaxNode declaration) => declaration.Ancestors().FirstOrDefault(a => a is BlockSyntax or AnonymousFunctionExpressionSyntax
        or ForStatementSyntax or ForEachStatementSyntax or UsingStatementSyntax or CatchClauseSyntax or SwitchSectionSyntax or LocalFunctionStatementSyntax);

    sealed class Renamer(string from, string to) : CSharpSyntaxRewriter
    {
        public override SyntaxToken VisitToken(SyntaxToken token)
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken) || token.Text != from) return base.VisitToken(token);
            // a member name after '.', or an argument/property name, is not the variable
            if (token.Parent is IdentifierNameSyntax { Parent: MemberAccessExpressionSyntax m } name && m.Name == name) return token;
            if (token.Parent?.Parent is NameColonSyntax or NameEqualsSyntax) return token;
            return SyntaxFactory.Identifier(token.LeadingTrivia, to, token.TrailingTrivia);
        }
    }
}
