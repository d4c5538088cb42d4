using MachinePerception.Ops;

namespace MachinePerception.Tensors;

// C# operators for the common arithmetic. Scalars keep the tensor's dtype.
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Op.Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Op.Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Op.Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Op.Div(a, b);
    public static Tensor operator -(Tensor a) => Op.Neg(a);
    public static Tensor operator +(Tensor a, double c) => Op.AddScalar(a, c);
    public static Tensor operator +(double c, Tensor a) => Op.AddScalar(a, c);
    public static Tensor operator -(Tensor a, double c) => Op.AddScalar(a, -c);
    public static Tensor operator -(double c, Tensor a) => Op.AddScalar(Op.Neg(a), c);
    public static Tensor operator *(Tensor a, double c) => Op.MulScalar(a, c);
    public static Tensor operator *(double c, Tensor a) => Op.MulScalar(a, c);
    public static Tensor operator /(Tensor a, double c) => Op.MulScalar(a, 1.0 / c);
    public static Tensor operator /(double c, Tensor a) => Op.MulScalar(Op.Reciprocal(a), c);
}
