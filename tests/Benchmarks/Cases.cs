namespace MachinePerception.Benchmarks;

/// <summary>Every benchmark case, in the order they run. Add a case here (e.g. CUDA cases from their own file).</summary>
static class Cases
{
    public static readonly BenchmarkCase[] All =
    [
        new GemmCase(256), new GemmCase(512), new GemmCase(1024),
        new MlpTrainingCase(),
        new QNetworkTrainingCase(),
        new NerfMlpCase(),
        new CnnStepCase(8, 16),
        new CnnStepCase(32, 64),
        new ConvBlockCase(),
        new AttentionCase(),
        new UNetCase(),
        new PixelCnnCase(),
        new GlowCase(),
        new NerfCase(),
        new SplattingCase(),
        .. GpuCases.All,
    ];
}
