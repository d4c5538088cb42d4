using System.Globalization;
using MachinePerception.Book;
using MachinePerception.Exercises;

namespace MachinePerception.Book.Tests;

public class QuizTests
{
    static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    // The correct answer in the quiz's text syntax.
    static string CorrectText(Exercise e) => e switch
    {
        NumericExercise n when n.ExpectedShape.Length == 2 => string.Join("; ", Enumerable.Range(0, n.ExpectedShape[0])
            .Select(i => string.Join(" ", n.Reference().Skip(i * n.ExpectedShape[1]).Take(n.ExpectedShape[1]).Select(Text)))),
        NumericExercise n => string.Join(", ", n.Reference().Select(Text)),
        ChoiceExercise c => c.CorrectOption,
        _ => throw new InvalidOperationException(),
    };

    static string WrongText(Exercise e) => e switch
    {
        NumericExercise n => string.Join(", ", n.Reference().Select(v => Text(v + 1000))),
        ChoiceExercise c => "abcd".Select(l => l.ToString()).First(l => !c.Check(l).IsCorrect),
        _ => throw new InvalidOperationException(),
    };

    static (int Code, string Output, string Error) RunQuiz(string[] args, string input = "")
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = QuizCommand.Run(args, new StringReader(input), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_quiz_runs_end_to_end_from_an_answer_file()
    {
        var drawn = QuizCommand.Draw(ExerciseRegistry.ForChapters([10, 11]), 6, 42);
        var lines = new[]
        {
            "# answers for a test run",
            CorrectText(drawn[0]),
            WrongText(drawn[1]),
            "?",
            "skip",
            "1 2; 3",
            CorrectText(drawn[5]),
        };
        var file = Path.Combine(Path.GetTempPath(), $"quiz-answers-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(file, lines);
        try
        {
            var (code, output, error) = RunQuiz(["--chapters", "10,11", "--n", "6", "--seed", "42", "--answers", file]);
            Assert.Equal(0, code);
            Assert.Equal("", error);
            Assert.Contains("Mock exam: 6 questions from chapters 10, 11 (seed 42", output);
            Assert.Contains("Question 6 of 6", output);
            Assert.Equal(2, output.Split("✔ Correct.").Length - 1);
            Assert.Contains("✘ Incorrect", output);
            Assert.Contains("Worked solution (recorded; this question scores 0)", output);
            Assert.Contains("(skipped)", output);
            Assert.Contains("ragged matrix", output);
            Assert.Contains("Score: 2 of 6 (33%). Solutions viewed: 1. Skipped or unanswered: 1.", output);
            Assert.Matches(@"By chapter: ch10 \d/\d, ch11 \d/\d", output);
            // the same seed asks the same questions
            Assert.Equal(output, RunQuiz(["--chapters", "10,11", "--n", "6", "--seed", "42", "--answers", file]).Output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_quiz_reads_answers_interactively_and_counts_missing_ones()
    {
        var drawn = QuizCommand.Draw(ExerciseRegistry.ForChapters([14]), 3, 7);
        var (code, output, _) = RunQuiz(["--chapters", "14", "--n", "3", "--seed", "7"], CorrectText(drawn[0]) + "\n");
        Assert.Equal(0, code);
        Assert.Contains("(no answer)", output);
        Assert.Contains("Score: 1 of 3 (33%). Solutions viewed: 0. Skipped or unanswered: 2.", output);
    }

    [Fact]
    public void Draw_cycles_through_every_exercise_type_before_repeating()
    {
        var entries = ExerciseRegistry.ForChapters([11]);
        var drawn = QuizCommand.Draw(entries, entries.Count, 3);
        Assert.Equal(entries.Count, drawn.Select(e => e.Info.Id).Distinct().Count());
    }

    [Fact]
    public void Bad_arguments_get_a_message_and_exit_code_2()
    {
        var (code, _, error) = RunQuiz(["--chapters", "99"]);
        Assert.Equal(2, code);
        Assert.Contains("no exercises for chapters 99", error);
        Assert.Equal(2, RunQuiz(["--n", "zero"]).Code);
        Assert.Contains("answer file 'nope.txt' not found", RunQuiz(["--answers", "nope.txt", "--seed", "1"]).Error);
        Assert.Contains("unknown option '--fast'", RunQuiz(["--fast"]).Error);
    }

    [Fact]
    public void List_names_every_registered_exercise_and_counts_exercise_cells()
    {
        using var f = new FixtureNotebooks();
        f.Write("11-cnn.ipynb",
            FixtureNotebooks.Markdown("m", "# CNN"),
            FixtureNotebooks.Code("ex-size", "new ConvolutionOutputSize(1)", null, "exercise"),
            FixtureNotebooks.Code("ex-grad", "new ConvolutionKernelGradient(1)", null, "exercise"),
            FixtureNotebooks.Code("other", "1 + 1", null));
        var (code, output, _) = RunQuiz(["--list", "--notebooks", f.Folder]);
        Assert.Equal(0, code);
        foreach (var e in ExerciseRegistry.All) Assert.Contains(e.Id, output);
        Assert.Contains("11-cnn.ipynb: 2 cells tagged 'exercise' (ex-size, ex-grad)", output);
    }

    [Fact]
    public void The_command_is_discovered_by_the_book_tool()
    {
        Assert.Contains(Program.Commands, c => c.Create().Name == "quiz");
        Assert.Contains(Program.Commands, c => c.Create().Name == "cards");
        Assert.Contains(Program.Commands, c => c.Create().Name == "errata");
    }
}
