using MachinePerception.Optim;
using MachinePerception.Tensors;

namespace MachinePerception.Tests.Optim;

public class AdamSimdTests
{
    // Adam's in-place loops run SIMD lanes over long parameters and a scalar loop over the tail. A parameter of
    // length 1 only ever takes the scalar loop, so splitting one parameter into many of length 1 must give the same
    // bits if the SIMD lanes do exactly the scalar arithmetic.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Simd_lanes_match_the_scalar_loop_bit_for_bit(bool epsilonInsideRoot)
    {
        const int n = 37; // several vectors and a tail, for 8- and 16-lane vectors
        var rng = new Rng(3);
        var start = rng.Normal(new Shape(n)).ToFloatArray();
        var whole = Tensor.FromArray(start, n).RequireGrad();
        var pieces = start.Select(v => Tensor.FromArray([v], 1).RequireGrad()).ToArray();
        var adamWhole = new Adam([whole], learningRate: 0.01, epsilonInsideRoot: epsilonInsideRoot);
        var adamPieces = new Adam(pieces, learningRate: 0.01, epsilonInsideRoot: epsilonInsideRoot);
        for (int step = 0; step < 3; step++)
        {
            var g = rng.Normal(new Shape(n)).ToFloatArray();
            whole.Grad = Tensor.FromArray(g, n);
            for (int i = 0; i < n; i++) pieces[i].Grad = Tensor.FromArray([g[i]], 1);
            adamWhole.Step();
            adamPieces.Step();
        }
        var w = whole.ToFloatArray();
        for (int i = 0; i < n; i++)
            Assert.True(BitConverter.SingleToInt32Bits(w[i]) == BitConverter.SingleToInt32Bits(pieces[i].ToFloatArray()[0]),
                $"Adam: entry {i} is {w[i]:R} updated as part of a vector but {pieces[i].ToFloatArray()[0]:R} alone");
    }
}
