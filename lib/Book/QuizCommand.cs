using System.CommandLine;
using MachinePerception.Exercises;
using MachinePerception.Tensors;

namespace MachinePerception.Book;

/// <summary>
/// <c>book quiz [--chapters 10,11] [--n 10] [--seed s] [--answers file] [--list [--notebooks dir]]</c>: a mock exam in the terminal,
/// drawn from the exercise registry. It asks each question, reads an answer in the text syntax of
/// <see cref="AnswerText"/> (from the keyboard, or one per line from <c>--answers</c>), prints the feedback, and ends
/// with the score. <c>?</c> shows the worked solution (the question then scores 0), <c>skip</c> skips it.
/// <c>--list</c> lists the registered exercises and counts the notebook cells tagged <c>exercise</c>.
/// </summary>
public sealed class QuizCommand : ICommand
{
    public Command Create()
    {
        var command = new Command("quiz", "A mock exam in the terminal from the chapters' exercises, with feedback and a score ('?' shows a solution, 'skip' skips).");
        var symbols = new RevisionOptions.Symbols(command);
        command.SetAction(r => Run(symbols.Read(r), Console.In, Console.Out, Console.Error));
        return command;
    }

    /// <summary>The exercises of a quiz: cycling through the chapters' exercise types in a seeded order, each with a seeded variant.</summary>
    internal static IReadOnlyList<Exercise> Draw(IReadOnlyList<ExerciseEntry> entries, int count, int seed)
    {
        var rng = new Rng(seed);
        var drawn = new List<Exercise>();
        while (drawn.Count < count)
            foreach (int i in rng.Permutation(entries.Count))
            {
                if (drawn.Count == count) break;
                drawn.Add(entries[i].Create(rng.NextInt(1, 1_000_000)));
            }
        return drawn;
    }

    internal static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var options = RevisionOptions.Parse("quiz", args, error);
        return options is null ? 2 : Run(options, input, output, error);
    }

    static int Run(RevisionOptions options, TextReader input, TextWriter output, TextWriter error)
    {
        var entries = ExerciseRegistry.ForChapters(options.Chapters);
        if (options.List)
        {
            foreach (var e in entries) output.WriteLine($"ch{e.Chapter,-3} {e.Id,-24} {e.Title}");
            // the cells that pose exercises in the chapters, found by their tag
            foreach (var notebook in TaggedCellReader.NotebookPaths(options.Files, options.NotebookFolder()))
            {
                if (options.Chapters.Count > 0 && !(TaggedCellReader.ChapterOf(notebook) is int ch && options.Chapters.Contains(ch))) continue;
                try
                {
                    var cells = TaggedCellReader.Read(notebook).Where(c => c.HasTag(CellTags.Exercise)).ToList();
                    output.WriteLine($"{Path.GetFileName(notebook)}: {cells.Count} cell{(cells.Count == 1 ? "" : "s")} tagged '{CellTags.Exercise}'" +
                                     (cells.Count > 0 ? " (" + string.Join(", ", cells.Select(c => c.Id)) + ")" : ""));
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    error.WriteLine($"book quiz: {e.Message}");
                }
            }
            return 0;
        }
        if (entries.Count == 0)
        {
            error.WriteLine($"book quiz: no exercises for chapters {string.Join(",", options.Chapters)}; chapters with exercises: " +
                            string.Join(",", ExerciseRegistry.All.Select(e => e.Chapter).Distinct()));
            return 2;
        }
        bool fromFile = options.Answers is not null;
        Queue<string>? answers = null;
        if (fromFile)
        {
            if (!File.Exists(options.Answers)) { error.WriteLine($"book quiz: answer file '{options.Answers}' not found"); return 2; }
            answers = new Queue<string>(File.ReadAllLines(options.Answers)
                .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));
        }
        int seed = options.Seed ?? Environment.TickCount & 0x7fffffff;
        int count = options.Count ?? 10;
        var exercises = Draw(entries, count, seed);

        output.WriteLine($"Mock exam: {count} questions from chapter{(entries.Select(e => e.Chapter).Distinct().Count() > 1 ? "s" : "")} " +
                         $"{string.Join(", ", entries.Select(e => e.Chapter).Distinct())} (seed {seed}; repeat with --seed {seed}).");
        output.WriteLine("Answers: a number (2.5 or 3/4), a vector (1, 2, 3), a matrix with rows separated by ; (1 2; 3 4), or a choice (b).");
        output.WriteLine("Type ? to see the worked solution (the question then scores 0), or skip to skip it.");

        int correct = 0, skipped = 0, solutions = 0;
        var perChapter = new SortedDictionary<int, (int Right, int Asked)>();
        for (int q = 0; q < exercises.Count; q++)
        {
            var exercise = exercises[q];
            output.WriteLine();
            output.WriteLine($"Question {q + 1} of {exercises.Count}");
            output.WriteLine(exercise.ToString());
            output.Write("answer> ");
            string? line = fromFile ? (answers!.Count > 0 ? answers.Dequeue() : null) : input.ReadLine();
            if (fromFile) output.WriteLine(line ?? "");
            bool right = false;
            if (line is null)
            {
                output.WriteLine("(no answer)");
                skipped++;
            }
            else if (line.Trim() is "skip" or "")
            {
                output.WriteLine("(skipped)");
                skipped++;
            }
            else if (line.Trim() == "?")
            {
                solutions++;
                output.WriteLine("Worked solution (recorded; this question scores 0):");
                output.WriteLine(exercise.Solution().ToString());
            }
            else
            {
                var feedback = exercise.Check(line);
                output.WriteLine(feedback.ToString());
                right = feedback.IsCorrect;
            }
            if (right) correct++;
            var (r, a) = perChapter.GetValueOrDefault(exercise.Info.Chapter);
            perChapter[exercise.Info.Chapter] = (r + (right ? 1 : 0), a + 1);
        }

        output.WriteLine();
        output.WriteLine($"Score: {correct} of {exercises.Count} ({100.0 * correct / exercises.Count:F0}%). " +
                         $"Solutions viewed: {solutions}. Skipped or unanswered: {skipped}.");
        output.WriteLine("By chapter: " + string.Join(", ", perChapter.Select(kv => $"ch{kv.Key} {kv.Value.Right}/{kv.Value.Asked}")));
        return 0;
    }
}
