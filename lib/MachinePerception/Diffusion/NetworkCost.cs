using MachinePerception.Generative;

namespace MachinePerception.Diffusion;

/// <summary>
/// The multiply–accumulates (MACs) of one evaluation of the chapter's networks for one sample, counted layer by layer
/// from their sizes (convolutions: C_out · C_in · k² per output position; linear layers: in · out): the cost per
/// denoising step that latent diffusion (§6.2) saves. Normalisations, activations and additions are not counted.
/// </summary>
public static class NetworkCost
{
    /// <summary>One U-Net evaluation on an H × W image.</summary>
    public static long Of(UNet unet, int height, int width)
    {
        var c = unet.Config;
        long full = (long)height * width, half = full / 4, quarter = full / 16;
        long Conv(int cin, int cout, int k, long positions) => (long)cin * cout * k * k * positions;
        long Block(int cin, int cout, long positions) =>
            Conv(cin, cout, 3, positions) + Conv(cout, cout, 3, positions) + (cin != cout ? Conv(cin, cout, 1, positions) : 0) + (long)c.EmbeddingSize * cout;
        long time = (long)c.TimeFeatures * c.EmbeddingSize + (long)c.EmbeddingSize * c.EmbeddingSize;
        return time
            + Conv(c.ImageChannels, c.Channels1, 3, full)
            + Block(c.Channels1, c.Channels1, full) + Conv(c.Channels1, c.Channels1, 3, half)
            + Block(c.Channels1, c.Channels2, half) + Conv(c.Channels2, c.Channels2, 3, quarter)
            + Block(c.Channels2, c.Channels3, quarter)
            + Block(c.Channels3 + c.Channels2, c.Channels2, half)
            + Block(c.Channels2 + c.Channels1, c.Channels1, full)
            + Conv(c.Channels1, c.ImageChannels, 3, full);
    }

    /// <summary>One evaluation of an MLP noise predictor (its linear layers, including those of the step features).</summary>
    public static long Of(MlpDenoiser mlp) => mlp.Parameters().Where(p => p.Rank == 2).Sum(p => (long)p.Shape[0] * p.Shape[1]);

    /// <summary>One pass of a VAE's decoder.</summary>
    public static long Of(BernoulliDecoder decoder) => decoder.Parameters().Where(p => p.Rank == 2).Sum(p => (long)p.Shape[0] * p.Shape[1]);
}
