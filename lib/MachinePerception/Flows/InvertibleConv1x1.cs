using MachinePerception.Nn;
using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Flows;

/// <summary>
/// Glow's invertible 1×1 convolution (§4): the same C×C matrix W applied to the channel vector of every pixel,
/// y_{i,j} = W x_{i,j} — a learned generalisation of permuting the channels between coupling layers. Its Jacobian is
/// block diagonal with H·W copies of W, so log|det| = H·W·log|det W|. W starts as a random orthogonal matrix
/// (|det W| = 1, log|det W| = 0; the determinant itself is +1 or −1).
/// Two parameterisations:
/// <list type="bullet">
/// <item><see cref="Parameterization.Full"/>: W itself; log|det W| by an LU factorisation, O(C³) per step.</item>
/// <item><see cref="Parameterization.Lu"/>: W = P·L·(U + diag(s)) with P a fixed permutation, L lower triangular with
/// ones on the diagonal, U strictly upper triangular and s a vector; then det W = det P · 1 · Π s_i and
/// log|det W| = Σ log|s_i|, O(C). (The summary writes W = P(U + diag(s)) and names L without using it: without L,
/// P⁻¹W would have to be upper triangular, which a general W is not.) s is stored as sign(s) (fixed) and log|s|.</item>
/// </list>
/// Inputs are images [B, C, H, W] or vectors [B, C] (then H·W = 1).
/// </summary>
public sealed class InvertibleConv1x1 : FlowLayer
{
    public enum Parameterization { Full, Lu }

    public int Channels { get; }
    public Parameterization Form { get; }

    public InvertibleConv1x1(int channels, Rng rng, Parameterization form = Parameterization.Lu, DType dtype = DType.Float32)
    {
        if (channels < 1) throw new ArgumentException($"InvertibleConv1x1: channels must be positive, got {channels}");
        Channels = channels;
        Form = form;
        var w0 = Init.Orthogonal([channels, channels], rng, dtype: DType.Float64);   // random rotation or reflection
        if (form == Parameterization.Full)
        {
            RegisterParameter("weight", w0.To(dtype));
            return;
        }
        // P W0 = L U with partial pivoting, so W0 = Pᵀ L U: the fixed permutation of W = P·L·(U + diag s) is Pᵀ
        int c = channels;
        var (lu, pivot, _) = Op.LuFactor("InvertibleConv1x1", w0.ToDoubleArray(), c);
        double[] perm = new double[c * c], lower = new double[c * c], upper = new double[c * c], lowerMask = new double[c * c],
            upperMask = new double[c * c], sign = new double[c], logS = new double[c];
        for (int i = 0; i < c; i++)
        {
            perm[pivot[i] * c + i] = 1;
            sign[i] = Math.Sign(lu[i * c + i]);
            logS[i] = Math.Log(Math.Abs(lu[i * c + i]));
            for (int j = 0; j < c; j++)
            {
                if (j < i) { lower[i * c + j] = lu[i * c + j]; lowerMask[i * c + j] = 1; }
                if (j > i) { upper[i * c + j] = lu[i * c + j]; upperMask[i * c + j] = 1; }
            }
        }
        Tensor T(double[] v, params int[] shape) => Tensor.FromArray(v, shape).To(dtype);
        RegisterBuffer("permutation", T(perm, c, c));
        RegisterBuffer("sign_s", T(sign, c));
        RegisterBuffer("lower_mask", T(lowerMask, c, c));
        RegisterBuffer("upper_mask", T(upperMask, c, c));
        RegisterParameter("lower", T(lower, c, c));
        RegisterParameter("upper", T(upper, c, c));
        RegisterParameter("log_s", T(logS, c));
    }

    /// <summary>The matrix W [C, C] (for the LU form assembled as P·L·(U + diag(s)), differentiably).</summary>
    public Tensor Weight()
    {
        if (Form == Parameterization.Full) return Parameter("weight");
        var eye = Tensor.Eye(Channels, Parameter("log_s").DType);
        var l = Parameter("lower") * Buffer("lower_mask") + eye;                                     // unit lower triangular
        var s = Buffer("sign_s") * Op.Exp(Parameter("log_s"));
        var u = Parameter("upper") * Buffer("upper_mask") + eye * Op.Reshape(s, 1, Channels);       // U + diag(s)
        return Op.MatMul(Buffer("permutation"), Op.MatMul(l, u));
    }

    /// <summary>The LU parts (P, L, U, s) as float64 arrays, for the chapter's check of W = P·L·(U + diag s).</summary>
    public (Tensor P, Tensor L, Tensor U, Tensor S) LuParts()
    {
        if (Form != Parameterization.Lu) throw new InvalidOperationException("InvertibleConv1x1.LuParts: the layer uses the full parameterisation");
        var eye = Tensor.Eye(Channels, DType.Float64);
        var l = (Parameter("lower") * Buffer("lower_mask")).Detach().To(DType.Float64) + eye;
        var u = (Parameter("upper") * Buffer("upper_mask")).Detach().To(DType.Float64);
        var s = (Buffer("sign_s") * Op.Exp(Parameter("log_s"))).Detach().To(DType.Float64);
        return (Buffer("permutation").To(DType.Float64), l, u, s);
    }

    /// <summary>log|det W|: Σ log|s_i| for the LU form, an LU factorisation of W for the full one.</summary>
    public Tensor LogAbsDetWeight() => Form == Parameterization.Lu ? Op.Sum(Parameter("log_s")) : Op.LogAbsDet(Parameter("weight"));

    static int Pixels(Tensor x) => x.Rank == 4 ? x.Shape[2] * x.Shape[3] : 1;

    void CheckInput(Tensor x)
    {
        if ((x.Rank != 2 && x.Rank != 4) || x.Shape[1] != Channels)
            throw new ArgumentException($"InvertibleConv1x1: expected [B, {Channels}] or [B, {Channels}, H, W], got {x.Shape}");
    }

    static Tensor Apply(Tensor w, Tensor x)
    {
        if (x.Rank == 2) return Op.MatMul(x, w, transB: true);                               // [B, C]: y = x Wᵀ
        int b = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        var y = Op.MatMul(w, Op.Reshape(x, b, c, h * wd));                                   // [C, C] · [B, C, HW]
        return Op.Reshape(y, b, c, h, wd);
    }

    public override (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor? condition = null)
    {
        CheckInput(x);
        return (Apply(Weight(), x), PerExample(LogAbsDetWeight() * (double)Pixels(x), x));   // H·W·log|det W|
    }

    public override Tensor Inverse(Tensor y, Tensor? condition = null)
    {
        CheckInput(y);
        return Apply(Op.Inverse(Weight()), y);
    }

    public override string ToString() => $"InvertibleConv1x1({Channels}, {Form})";
}
