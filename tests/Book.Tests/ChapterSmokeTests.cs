using static MachinePerception.Book.Tests.BookTool;

namespace MachinePerception.Book.Tests;

/// <summary>
/// Every chapter in notebooks/ runs in smoke mode into a temporary copy (the committed notebook is not touched)
/// and must finish without an error output or a FAIL line. This makes each chapter part of <c>dotnet test</c>.
/// </summary>
[Collection("runner")]
public sealed class ChapterSmokeTests
{
    const string NoChapters = "(no chapters yet)";

    public static TheoryData<string> ChapterNames()
    {
        var data = new TheoryData<string>();
        foreach (var path in Chapters.All()) data.Add(Path.GetFileNameWithoutExtension(path));
        // A theory without rows is an error in xunit: while the book has no chapters, one row says so.
        if (data.Count == 0) data.Add(NoChapters);
        return data;
    }

    [Theory]
    [MemberData(nameof(ChapterNames))]
    public void Chapter_runs_in_smoke_mode_without_errors(string chapter)
    {
        if (chapter == NoChapters)
        {
            Assert.Empty(Chapters.All());
            return;
        }
        var output = Path.Combine(Directory.CreateTempSubdirectory("book-smoke-").FullName, chapter + ".ipynb");
        var run = Run(TimeSpan.FromMinutes(10), "run", chapter, "--smoke", "--output", output);
        Assert.True(run.Code == 0, $"book run {chapter} --smoke failed:\n{run.StdErr}");
        var problems = Notebooks.NotebookChecker.Problems(output);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
