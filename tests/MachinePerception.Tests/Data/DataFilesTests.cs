using System.Security.Cryptography;
using MachinePerception.Data;

namespace MachinePerception.Tests.Data;

/// <summary>data/README.md lists every shipped file with its size and SHA-256; these must match the files on disk.</summary>
public class DataFilesTests
{
    static readonly string DataDir = DataDirectory.Find();

    // rows of the README table: | file | bytes | count | sha256 | source | licence |
    static Dictionary<string, (long Bytes, string Sha256)> ReadmeTable()
    {
        var rows = new Dictionary<string, (long, string)>();
        foreach (var line in File.ReadLines(Path.Combine(DataDir, "README.md")))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 6 || !System.Text.RegularExpressions.Regex.IsMatch(cells[1], @"^[a-z0-9_-]+/[^ ]+\.[a-z0-9]+$")) continue;
            rows.Add(cells[1], (long.Parse(cells[2]), cells[4]));
        }
        return rows;
    }

    static IEnumerable<string> ShippedFiles() =>
        Directory.EnumerateFiles(DataDir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(DataDir, f).Replace('\\', '/'))
            .Where(f => f != "README.md" && !f.StartsWith("scripts/"));

    [Fact]
    public void Every_shipped_file_matches_its_size_and_sha256_in_the_readme()
    {
        var table = ReadmeTable();
        Assert.NotEmpty(table);
        foreach (var (file, (bytes, sha)) in table)
        {
            var path = Path.Combine(DataDir, file);
            Assert.True(File.Exists(path), $"README lists {file}, which is missing");
            var content = File.ReadAllBytes(path);
            Assert.True(bytes == content.Length, $"{file}: README says {bytes} bytes, the file has {content.Length}");
            var actual = Convert.ToHexStringLower(SHA256.HashData(content));
            Assert.True(sha == actual, $"{file}: README says SHA-256 {sha}, the file hashes to {actual}");
        }
    }

    [Fact]
    public void Every_data_file_is_listed_in_the_readme_and_the_total_stays_small()
    {
        var table = ReadmeTable();
        var files = ShippedFiles().ToList();
        Assert.Empty(files.Except(table.Keys));
        // datasets stay small; checkpoints have their own limits (ShippedCheckpointTests: 8 MB each, 40 MB in all)
        Assert.InRange(table.Where(r => !r.Key.StartsWith("checkpoints/")).Sum(r => r.Value.Bytes), 1, 10_000_000);
    }
}
