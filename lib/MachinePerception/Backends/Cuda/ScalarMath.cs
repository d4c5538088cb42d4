namespace MachinePerception.Backends.Cuda;

/// <summary>
/// The arithmetic a kernel needs, for one element type. Kernels are generic over <c>T</c> and a zero-size
/// struct <c>TMath : IScalarMath&lt;T&gt;</c>; ILGPU specialises each (T, TMath) pair into its own kernel, so
/// <c>default(TMath).Exp(x)</c> compiles to the float or double instruction with no call left. This is how one
/// kernel source serves float32 training and float64 gradient checks.
/// </summary>
public interface IScalarMath<T> where T : unmanaged
{
    T Zero { get; }
    T One { get; }
    T NegativeInfinity { get; }
    T FromInt(int v);
    /// <summary>Truncates toward zero (indices stored as numbers).</summary>
    int ToInt(T v);
    T Add(T a, T b);
    T Sub(T a, T b);
    T Mul(T a, T b);
    T Div(T a, T b);
    /// <summary>a·b + c with one rounding (the GEMM inner step).</summary>
    T MulAdd(T a, T b, T c);
    T Neg(T a);
    T Abs(T a);
    T Exp(T a);
    T Log(T a);
    T Sqrt(T a);
    T Tanh(T a);
    T Sin(T a);
    T Cos(T a);
    T Pow(T a, T b);
    T Max(T a, T b);
    T Min(T a, T b);
    bool Greater(T a, T b);
    bool GreaterEqual(T a, T b);
    bool Equal(T a, T b);
    bool IsNaN(T a);
    /// <summary>True for negative numbers and −0 (1/−0 = −∞), false for NaN.</summary>
    bool IsNegative(T a);
}

/// <summary>float32 arithmetic for kernels (ILGPU maps <see cref="MathF"/> to device instructions).</summary>
public readonly struct Float32Math : IScalarMath<float>
{
    public float Zero => 0f;
    public float One => 1f;
    public float NegativeInfinity => float.NegativeInfinity;
    public float FromInt(int v) => v;
    public int ToInt(float v) => (int)v;
    public float Add(float a, float b) => a + b;
    public float Sub(float a, float b) => a - b;
    public float Mul(float a, float b) => a * b;
    public float Div(float a, float b) => a / b;
    public float MulAdd(float a, float b, float c) => a * b + c;
    public float Neg(float a) => -a;
    public float Abs(float a) => MathF.Abs(a);
    public float Exp(float a) => MathF.Exp(a);
    public float Log(float a) => MathF.Log(a);
    public float Sqrt(float a) => MathF.Sqrt(a);
    public float Tanh(float a) => MathF.Tanh(a);
    public float Sin(float a) => MathF.Sin(a);
    public float Cos(float a) => MathF.Cos(a);
    public float Pow(float a, float b) => MathF.Pow(a, b);
    // NaN propagates, as in TensorPrimitives.Max/Min on the CPU
    public float Max(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : a > b ? a : b;
    public float Min(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : a < b ? a : b;
    public bool Greater(float a, float b) => a > b;
    public bool GreaterEqual(float a, float b) => a >= b;
    public bool Equal(float a, float b) => a == b;
    public bool IsNaN(float a) => float.IsNaN(a);
    public bool IsNegative(float a) => a < 0 || (a == 0 && 1 / a < 0);
}

/// <summary>float64 arithmetic for kernels.</summary>
public readonly struct Float64Math : IScalarMath<double>
{
    public double Zero => 0d;
    public double One => 1d;
    public double NegativeInfinity => double.NegativeInfinity;
    public double FromInt(int v) => v;
    public int ToInt(double v) => (int)v;
    public double Add(double a, double b) => a + b;
    public double Sub(double a, double b) => a - b;
    public double Mul(double a, double b) => a * b;
    public double Div(double a, double b) => a / b;
    public double MulAdd(double a, double b, double c) => a * b + c;
    public double Neg(double a) => -a;
    public double Abs(double a) => Math.Abs(a);
    public double Exp(double a) => Math.Exp(a);
    public double Log(double a) => Math.Log(a);
    public double Sqrt(double a) => Math.Sqrt(a);
    public double Tanh(double a) => Math.Tanh(a);
    public double Sin(double a) => Math.Sin(a);
    public double Cos(double a) => Math.Cos(a);
    public double Pow(double a, double b) => Math.Pow(a, b);
    public double Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a > b ? a : b;
    public double Min(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a < b ? a : b;
    public bool Greater(double a, double b) => a > b;
    public bool GreaterEqual(double a, double b) => a >= b;
    public bool Equal(double a, double b) => a == b;
    public bool IsNaN(double a) => double.IsNaN(a);
    public bool IsNegative(double a) => a < 0 || (a == 0 && 1 / a < 0);
}
