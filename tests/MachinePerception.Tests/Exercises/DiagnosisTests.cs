using MachinePerception.Exercises;

namespace MachinePerception.Tests.Exercises;

/// <summary>The generic diagnoses of <see cref="NumericExercise"/>, on an exercise with a fixed answer and no named mistakes.</summary>
public class DiagnosisTests
{
    sealed class Fixed(double[] reference, int[] shape) : NumericExercise(0)
    {
        protected override int[] AnswerShape => shape;
        internal override double[] Reference() => reference;
        internal override IEnumerable<Mistake> Mistakes() => [];
        protected override Prose Pose() => new Prose().Text("fixed");
        protected override Prose Solve() => new Prose().Text("fixed");
    }

    static readonly Fixed Matrix = new([1, 2, 3, 4, 5, 6, 7, 8, 10], [3, 3]);

    static string Headline(Exercise e, object answer) => e.Check(answer).Headline;

    [Fact]
    public void Sign_factor_transpose_rotation_and_entries_are_named()
    {
        Assert.Equal("Correct.", Headline(Matrix, "1 2 3; 4 5 6; 7 8 10"));
        Assert.Equal("Incorrect: wrong sign.", Headline(Matrix, "-1 -2 -3; -4 -5 -6; -7 -8 -10"));
        Assert.Equal("Incorrect: off by a factor of 2.", Headline(Matrix, "2 4 6; 8 10 12; 14 16 20"));
        Assert.Equal("Incorrect: off by a factor of ½.", Headline(Matrix, "0.5 1 1.5; 2 2.5 3; 3.5 4 5"));
        Assert.Equal("Incorrect: transposed.", Headline(Matrix, "1 4 7; 2 5 8; 3 6 10"));
        Assert.Equal("Incorrect: rotated by 180°.", Headline(Matrix, "10 8 7; 6 5 4; 3 2 1"));
        var one = Matrix.Check("1 2 3; 4 5 6; 7 9 10");
        Assert.Equal("Incorrect: one entry differs.", one.Headline);
        Assert.Contains("Entries that differ: (2, 1); the others are right.", one.ToString());
        Assert.DoesNotContain("8", one.ToString().Replace("1e-6", "")); // the right value of the entry is not told
    }

    [Fact]
    public void Arbitrary_ratios_are_not_named_since_they_would_reveal_the_answer()
    {
        var f = Matrix.Check("1.37 2.74 4.11; 5.48 6.85 8.22; 9.59 10.96 13.7");
        Assert.Equal("Incorrect: not the expected value.", f.Headline);
        Assert.DoesNotContain("1.37", f.ToString());
        var scalar = new Fixed([12], []);
        Assert.Equal("Incorrect: not the expected value.", Headline(scalar, 7.3));
        Assert.Equal("Incorrect: off by a factor of 2.", Headline(scalar, 24));
        Assert.Equal("Incorrect: off by one.", Headline(scalar, 13));
    }

    [Fact]
    public void Wrong_shapes_say_when_the_numbers_are_right()
    {
        var flat = Matrix.Check(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 10 });
        Assert.Equal("Incorrect: wrong shape.", flat.Headline);
        Assert.Contains("The numbers are right, in row-major order", flat.ToString());
        var rect = new Fixed([1, 2, 3, 4, 5, 6], [2, 3]);
        Assert.Contains("transpose of the answer", rect.Check("1 4; 2 5; 3 6").ToString());
    }
}
