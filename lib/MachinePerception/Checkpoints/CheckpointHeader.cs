using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MachinePerception.Checkpoints;

/// <summary>The mean training loss of the block of steps that ends at <see cref="Step"/> (1-based).</summary>
public sealed record LossPoint(int Step, double Loss);

/// <summary>A file the training read, by its path as the recipe names it, its size and SHA-256 (lower-case hex).</summary>
public sealed record DataFileHash(string Path, long Bytes, string Sha256);

/// <summary>
/// What a checkpoint says about itself (stored as JSON at the start of the <c>.mpck</c> file, format version 2 of
/// <see cref="Nn.Serialization"/>): which model and configuration, which data (SHA-256), how it was trained (seed,
/// steps, the loss log, wall time, threads, CPU, SIMD width, device, the library's git commit), the metrics measured
/// at the end of training, and the SHA-256 of the parameters themselves.
/// </summary>
public sealed record CheckpointHeader
{
    /// <summary>The version of this header's layout.</summary>
    public int Format { get; init; } = 1;
    public required string Name { get; init; }
    public required string Chapter { get; init; }
    public required string Description { get; init; }
    public required JsonObject Configuration { get; init; }
    public required IReadOnlyList<DataFileHash> Data { get; init; }
    public required ulong Seed { get; init; }
    public required int Steps { get; init; }
    public required int LogEvery { get; init; }
    public required IReadOnlyList<LossPoint> LossLog { get; init; }
    public required double WallSeconds { get; init; }
    public required int Threads { get; init; }
    public required string Cpu { get; init; }
    /// <summary>The widest SIMD the CPU code used (e.g. "avx512, 16 floats"): bit-identical retraining needs the same.</summary>
    public required string Simd { get; init; }
    public required string Device { get; init; }
    /// <summary>The git commit of the library that trained it, when known (<c>book train</c> records it).</summary>
    public string? GitCommit { get; init; }
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }
    /// <summary>SHA-256 of the parameters and buffers as stored (<see cref="Nn.Serialization.TensorsSha256"/>).</summary>
    public required string ParametersSha256 { get; init; }

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static CheckpointHeader FromJson(string json, string source) =>
        JsonSerializer.Deserialize<CheckpointHeader>(json, Options)
        ?? throw new InvalidDataException($"CheckpointHeader: {source} has an empty header");
}
