using MachinePerception.Ops;
using MachinePerception.Tensors;

namespace MachinePerception.Gans;

/// <summary>
/// PlatonicGAN's differentiable projection of a voxel grid to a 2-D image (§5.1; Henzler, Mitra and Ritschel 2019): the
/// generator makes a 3-D density grid, this "renderer" turns it into what a camera looking along one axis would see, and a
/// 2-D discriminator compares that with real photographs (here: silhouettes) — so a 3-D generator learns from 2-D images
/// only. The absorption-only model of light transport: a ray through voxels of density ρᵢ and length Δ is blocked with
/// probability
/// <code>S = 1 − exp(−Σᵢ ρᵢ Δ),</code>
/// the silhouette (opacity) of the shape. It is smooth in every ρᵢ (∂S/∂ρᵢ = Δ·exp(−Σρ Δ)), so gradients from the 2-D
/// discriminator reach every voxel on the ray. Views along the three axes of the grid need no resampling.
/// </summary>
public static class PlatonicProjection
{
    /// <summary>
    /// Densities [B, D, H, W] (≥ 0) → silhouettes [B, 1, ·, ·] seen along <paramref name="axis"/>: 0 sums over D (an image
    /// [H, W]), 1 over H ([D, W]), 2 over W ([D, H]). <paramref name="voxelSize"/> is Δ.
    /// </summary>
    public static Tensor Silhouette(Tensor density, int axis, double voxelSize)
    {
        if (density.Rank != 4) throw new ArgumentException($"PlatonicProjection.Silhouette: expected densities [B, D, H, W], got {density.Shape}");
        if (axis is < 0 or > 2) throw new ArgumentException($"PlatonicProjection.Silhouette: axis {axis} must be 0, 1 or 2 (D, H or W) for {density.Shape}");
        if (!(voxelSize > 0)) throw new ArgumentException($"PlatonicProjection.Silhouette: voxel size {voxelSize} must be positive");
        var opticalDepth = Op.Sum(density, axis + 1) * voxelSize;               // [B, ·, ·]
        return Op.Unsqueeze(1 - Op.Exp(-opticalDepth), 1);                     // [B, 1, ·, ·]
    }

    /// <summary>
    /// One silhouette per grid, each along its own axis (<paramref name="axes"/>[b] ∈ {0, 1, 2}); the grid must be a cube
    /// so that the images share one shape [B, 1, N, N].
    /// </summary>
    public static Tensor Silhouettes(Tensor density, int[] axes, double voxelSize)
    {
        if (density.Rank != 4 || density.Shape[1] != density.Shape[2] || density.Shape[2] != density.Shape[3])
            throw new ArgumentException($"PlatonicProjection.Silhouettes: expected cubic grids [B, N, N, N], got {density.Shape}");
        if (axes.Length != density.Shape[0])
            throw new ArgumentException($"PlatonicProjection.Silhouettes: {axes.Length} axes for {density.Shape[0]} grids");
        if (axes.Any(a => a is < 0 or > 2))
            throw new ArgumentException($"PlatonicProjection.Silhouettes: every axis must be 0, 1 or 2, got [{string.Join(", ", axes)}]");
        // all three projections of every grid, then each grid keeps its own: Σ_a [axes_b = a] · S_a
        int b = axes.Length;
        Tensor? result = null;
        for (int axis = 0; axis < 3; axis++)
        {
            var pick = Tensor.FromArray(axes.Select(a => a == axis ? 1.0 : 0.0).ToArray(), b, 1, 1, 1).To(density.DType);
            var term = Silhouette(density, axis, voxelSize) * pick;             // [B, 1, N, N]
            result = result is null ? term : result + term;
        }
        return result!;
    }
}
