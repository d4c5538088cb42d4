namespace MachinePerception.Display;

/// <summary>A piece of HTML to show as it is (what <c>HTML("...")</c> returns); displayed as text/html only.</summary>
public sealed record HtmlContent(string Html)
{
    public override string ToString() => Html;
}
