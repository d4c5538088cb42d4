using CsCheck;
using MachinePerception.Exercises;

namespace MachinePerception.Tests.Exercises;

/// <summary>Check never throws on student input: random numbers (NaN and ±∞ included), arrays, ragged and nested
/// lists, and random text, against every registered exercise, each answered on purpose rather than by the catch-all.</summary>
public class CheckFuzzTests
{
    static readonly Gen<object?> Answers = Gen.OneOf(
        Gen.Double.Select(d => (object?)d),
        Gen.Double.Array[0, 30].Select(a => (object?)a),
        Gen.Int[-5, 5].Array[0, 5].Array[0, 5].Select(a => (object?)a),
        Gen.String.Select(s => (object?)s),
        Gen.Char.Select(c => (object?)c),
        Gen.Double.List[0, 4].List[0, 4].Select(l => (object?)l),
        Gen.Const((object?)null));

    [Fact]
    public void Check_never_throws_and_always_says_something()
    {
        var exercises = ExerciseRegistry.All.Select(e => e.Create(5)).ToList();
        Answers.Sample(answer =>
        {
            foreach (var e in exercises)
            {
                var f = e.Check(answer);
                Assert.False(string.IsNullOrWhiteSpace(f.Headline));
                // the catch-all in Check is a last resort: every answer here is handled by the reader or the diagnosis
                Assert.DoesNotContain("the checker could not use", f.Headline);
                Assert.NotEmpty(f.ToString());
                Assert.NotEmpty(f.ToHtml());
            }
        }, iter: 150);
    }
}
