using static MachinePerception.Book.Tests.BookTool;

namespace MachinePerception.Book.Tests;

public sealed class HelpTests
{
    public static TheoryData<string> CommandNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Program.Commands) data.Add(c.Create().Name);
        return data;
    }

    [Fact]
    public void The_tool_answers_help_with_every_command()
    {
        var r = Run("--help");
        Assert.Equal(0, r.Code);
        foreach (var c in Program.Commands) Assert.Contains(c.Create().Name, r.StdOut);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Every_command_answers_help_with_its_options(string name)
    {
        var r = Run(name, "--help");
        Assert.True(r.Code == 0, r.StdErr);
        Assert.Contains($"book {name}", r.StdOut);
        foreach (var option in Program.Commands.Single(c => c.Create().Name == name).Create().Options)
            Assert.Contains(option.Name, r.StdOut);
    }

    [Fact]
    public void A_mistake_names_itself_and_points_to_help()
    {
        var unknown = Run("nosuch");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("'nosuch'", unknown.StdErr);
        Assert.Contains("book --help", unknown.StdErr);
        var option = Run("quiz", "--bogus");
        Assert.Equal(2, option.Code);
        Assert.Contains("unknown option '--bogus'", option.StdErr);
        Assert.Contains("book quiz --help", option.StdErr);
    }
}
