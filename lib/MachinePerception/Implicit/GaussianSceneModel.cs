using MachinePerception.Nn;
using MachinePerception.Tensors;

namespace MachinePerception.Implicit;

/// <summary>
/// A fixed number of 3-D Gaussians held as a <see cref="Module"/> (five registered parameters), so a fitted scene can be
/// saved and shipped as a checkpoint; <see cref="Cloud"/> views the same tensors as a <see cref="GaussianCloud"/>.
/// (Density control changes the count, so a checkpointed scene is fitted without it; §8.3 shows control on an image.)
/// </summary>
public sealed class GaussianSceneModel : Module
{
    public GaussianSceneModel(GaussianCloud init)
    {
        RegisterParameter("means", init.Means.Detach());
        RegisterParameter("log_scales", init.LogScales.Detach());
        RegisterParameter("rotations", init.Rotations.Detach());
        RegisterParameter("opacity_logits", init.OpacityLogits.Detach());
        RegisterParameter("colour_logits", init.ColourLogits.Detach());
    }

    public GaussianCloud Cloud => new(Parameter("means"), Parameter("log_scales"), Parameter("rotations"), Parameter("opacity_logits"), Parameter("colour_logits"));
}
