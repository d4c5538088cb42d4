using MachinePerception.Tensors;
using MachinePerception.Tests.TestSupport;

namespace MachinePerception.Tests.Ops;

/// <summary>Runs every row of <see cref="OpTable"/>: forward in float32 and float64 against the plain-loop reference, the gradient, and the second order where marked.</summary>
public class OpTableTests
{
    public static TheoryData<string> Names => new(OpTable.All.Select(c => c.Name));
    public static TheoryData<string> Differentiable => new(OpTable.All.Where(c => c.Gradient).Select(c => c.Name));
    public static TheoryData<string> TwiceDifferentiated => new(OpTable.All.Where(c => c.SecondOrder).Select(c => c.Name));

    [Theory, MemberData(nameof(Names))]
    public void Forward_float32_matches_reference(string name) => OpTest.Forward(OpTable.Get(name), DType.Float32);

    [Theory, MemberData(nameof(Names))]
    public void Forward_float64_matches_reference(string name) => OpTest.Forward(OpTable.Get(name), DType.Float64);

    [Theory, MemberData(nameof(Differentiable))]
    public void Gradient_matches_finite_differences(string name) => OpTest.Gradient(OpTable.Get(name));

    [Theory, MemberData(nameof(TwiceDifferentiated))]
    public void Second_order_gradient_matches_finite_differences(string name) => OpTest.SecondOrder(OpTable.Get(name));
}
