using MachinePerception.Exercises;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Exercises;

/// <summary>The contract every registered exercise keeps: seeded variants, correct answers pass, named mistakes
/// are recognised, malformed answers get messages, and looking at the solution is recorded.</summary>
public class ExerciseContractTests
{
    const int Seeds = 50;

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var e in ExerciseRegistry.All) data.Add(e.Id);
        return data;
    }

    public static TheoryData<string> NumericIds()
    {
        var data = new TheoryData<string>();
        foreach (var e in ExerciseRegistry.All.Where(e => typeof(NumericExercise).IsAssignableFrom(e.Type))) data.Add(e.Id);
        return data;
    }

    // The answer in the form a student would write it: a double, a double[] or a double[,].
    internal static object AsAnswer(double[] values, int[] shape)
    {
        if (shape.Length == 0) return values[0];
        if (shape.Length == 1) return values.ToArray();
        var m = new double[shape[0], shape[1]];
        for (int i = 0; i < shape[0]; i++)
            for (int j = 0; j < shape[1]; j++) m[i, j] = values[i * shape[1] + j];
        return m;
    }

    static object Correct(Exercise e) => e switch
    {
        NumericExercise n => AsAnswer(n.Reference(), n.ExpectedShape),
        ChoiceExercise c => c.CorrectOption,
        _ => throw new InvalidOperationException(e.GetType().Name),
    };

    [Fact]
    public void The_registry_holds_the_exercises_of_chapters_10_11_and_14()
    {
        var byChapter = ExerciseRegistry.All.GroupBy(e => e.Chapter).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byChapter[10] >= 3 && byChapter[11] >= 3 && byChapter[14] >= 3, string.Join(", ", byChapter));
        Assert.Equal(ExerciseRegistry.All.Count, ExerciseRegistry.All.Select(e => e.Id).Distinct().Count());
        Assert.All(ExerciseRegistry.ForChapters([11]), e => Assert.Equal(11, e.Chapter));
    }

    [Theory, MemberData(nameof(Ids))]
    public void The_same_seed_gives_the_same_instance_and_other_seeds_new_variants(string id)
    {
        Assert.Equal(ExerciseRegistry.Create(id, 7).ToString(), ExerciseRegistry.Create(id, 7).ToString());
        Assert.Equal(ExerciseRegistry.Create(id, 7).ToHtml(), ExerciseRegistry.Create(id, 7).ToHtml());
        var variants = Enumerable.Range(1, 10).Select(s => ExerciseRegistry.Create(id, s).Statement.ToString()).Distinct().Count();
        Assert.True(variants >= 5, $"{id}: only {variants} distinct statements for 10 seeds");
    }

    [Theory, MemberData(nameof(Ids))]
    public void A_correct_answer_passes_for_50_seeds(string id)
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var e = ExerciseRegistry.Create(id, seed);
            var f = e.Check(Correct(e));
            Assert.True(f.IsCorrect, $"{id} seed {seed}: {f}");
            Assert.False(f.SolutionShown);
        }
    }

    [Theory, MemberData(nameof(NumericIds))]
    public void A_correct_answer_passes_as_a_tensor_and_as_quiz_text(string id)
    {
        for (int seed = 0; seed < 10; seed++)
        {
            var e = (NumericExercise)ExerciseRegistry.Create(id, seed);
            var r = e.Reference();
            var shape = e.ExpectedShape;
            var tensor = Tensor.FromArray(r, shape.Length == 0 ? [1] : shape);
            Assert.True(e.Check(tensor).IsCorrect, $"{id} seed {seed} as tensor");
            string text = shape.Length == 2
                ? string.Join("; ", Enumerable.Range(0, shape[0]).Select(i => string.Join(" ", r.Skip(i * shape[1]).Take(shape[1]).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))))
                : string.Join(", ", r.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.True(e.Check(text).IsCorrect, $"{id} seed {seed} as text '{text}'");
        }
    }

    [Theory, MemberData(nameof(NumericIds))]
    public void Every_named_mistake_is_recognised_for_50_seeds(string id)
    {
        var recognised = new Dictionary<string, int>();
        for (int seed = 0; seed < Seeds; seed++)
        {
            var e = (NumericExercise)ExerciseRegistry.Create(id, seed);
            var reference = e.Reference();
            var seen = new List<Mistake>();
            foreach (var m in e.Mistakes())
            {
                recognised.TryAdd(m.Name, 0);
                bool differs = m.Values.All(double.IsFinite)
                    && !(m.Shape.SequenceEqual(e.ExpectedShape) && e.IsEquivalent(m.Values, reference));
                // when an earlier mistake gives the same wrong answer, the earlier name is reported
                bool shadowed = seen.Any(s => s.Shape.SequenceEqual(m.Shape) && e.UsedTolerance.Close(s.Values, m.Values));
                seen.Add(m);
                if (!differs || shadowed) continue;
                var f = e.Check(AsAnswer(m.Values, m.Shape));
                Assert.Equal(Verdict.Incorrect, f.Verdict);
                Assert.True(m.Name == f.Mistake, $"{id} seed {seed}: expected '{m.Name}', got {f}");
                Assert.Contains(m.Why, f.ToString());
                recognised[m.Name]++;
            }
        }
        // every mistake is a real possibility: it differs from the right answer for most seeds
        Assert.All(recognised, kv => Assert.True(kv.Value >= Seeds / 5, $"{id}: mistake '{kv.Key}' recognised for only {kv.Value} of {Seeds} seeds"));
    }

    public static TheoryData<string, object?, string> Malformed()
    {
        var data = new TheoryData<string, object?, string>();
        foreach (var e in ExerciseRegistry.All)
        {
            data.Add(e.Id, null, "null");
            data.Add(e.Id, DateTime.UnixEpoch, "DateTime");
            data.Add(e.Id, "", "empty");
        }
        foreach (var e in ExerciseRegistry.All.Where(e => typeof(NumericExercise).IsAssignableFrom(e.Type)))
        {
            data.Add(e.Id, double.NaN, "NaN");
            data.Add(e.Id, new[] { 1.0, double.PositiveInfinity }, "+∞");
            data.Add(e.Id, new[] { new[] { 1.0, 2.0 }, new[] { 3.0 } }, "ragged");
            data.Add(e.Id, "1 2; 3", "ragged");
            data.Add(e.Id, "12 apples", "not a number");
            data.Add(e.Id, "banana", "not a number");
            data.Add(e.Id, true, "bool");
            data.Add(e.Id, new object[] { 1.0, "x" }, "text");
        }
        return data;
    }

    [Theory, MemberData(nameof(Malformed))]
    public void Malformed_answers_get_a_message_and_never_throw(string id, object? answer, string expectedWord)
    {
        var f = ExerciseRegistry.Create(id, 3).Check(answer);
        Assert.Equal(Verdict.Unreadable, f.Verdict);
        Assert.Contains(expectedWord, f.ToString());
        Assert.StartsWith("⚠ Cannot check this answer", f.ToString());
    }

    [Theory, MemberData(nameof(NumericIds))]
    public void A_wrong_shape_says_what_was_expected(string id)
    {
        var e = (NumericExercise)ExerciseRegistry.Create(id, 5);
        var f = e.Check(new double[,] { { 1, 2, 3, 4, 5, 6, 7 }, { 1, 2, 3, 4, 5, 6, 7 } });
        Assert.Equal(Verdict.Incorrect, f.Verdict);
        Assert.Contains(NumericAnswer.Describe(e.ExpectedShape), f.ToString());
        Assert.Contains("2×7 matrix", f.ToString());
    }

    [Theory, MemberData(nameof(Ids))]
    public void Showing_the_solution_is_recorded_in_later_feedback(string id)
    {
        var e = ExerciseRegistry.Create(id, 11);
        Assert.False(e.Check(Correct(e)).SolutionShown);
        var solution = e.Solution();
        Assert.True(e.SolutionShown);
        Assert.NotEmpty(solution.ToString());
        Assert.Contains("<p>", solution.ToHtml());
        var f = e.Check(Correct(e));
        Assert.True(f.IsCorrect && f.SolutionShown);
        Assert.Contains("solution was shown", f.ToString());
        Assert.Equal(2, e.Attempts.Count);
    }

    [Theory, MemberData(nameof(NumericIds))]
    public void The_statement_does_not_carry_the_answer(string id)
    {
        // the reference never appears as a vector or matrix block of the statement
        for (int seed = 0; seed < 10; seed++)
        {
            var e = (NumericExercise)ExerciseRegistry.Create(id, seed);
            var r = e.Reference();
            if (r.Length < 2) continue;
            var shape = e.ExpectedShape;
            var block = shape.Length == 2 ? new Prose().Matrix("", (double[,])AsAnswer(r, shape)) : new Prose().Vector("", r);
            var html = block.ToHtml();
            string table = html[html.IndexOf("<table", StringComparison.Ordinal)..html.IndexOf("</table>", StringComparison.Ordinal)];
            Assert.DoesNotContain(table, e.ToHtml());
            if (shape.Length == 2) Assert.Contains(table, e.Solution().ToHtml()); // the worked solution does show it
        }
    }
}
