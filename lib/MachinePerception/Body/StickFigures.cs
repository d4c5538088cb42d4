using MachinePerception.Geometry;
using MachinePerception.Tensors;

namespace MachinePerception.Body;

/// <summary>Images of people and where their joints are: images [N, 3, S, S] in [0, 1], keypoints [N, K, 2] as (x, y) pixels.</summary>
public sealed record KeypointImages(Tensor Images, Tensor Keypoints, int Size)
{
    public int Count => Images.Shape[0];

    /// <summary>The torso diameter of each image (left shoulder to right hip, in pixels), the scale of PCK.</summary>
    public double[] TorsoSizes()
    {
        var k = Keypoints.ToDoubleArray();
        int joints = Keypoints.Shape[1];
        return Enumerable.Range(0, Count).Select(n =>
        {
            int ls = (n * joints + 10) * 2, rh = (n * joints + 4) * 2;
            return Math.Sqrt((k[ls] - k[rh]) * (k[ls] - k[rh]) + (k[ls + 1] - k[rh + 1]) * (k[ls + 1] - k[rh + 1]));
        }).ToArray();
    }
}

/// <summary>
/// Synthetic pose images from motion capture (§9.2's training data): a 3-D pose of the <see cref="PoseSkeleton"/> seen by a
/// random orthographic camera (turned about the vertical axis, tilted a little, scaled and shifted at random), drawn as a
/// stick figure with anti-aliased limbs and a round head, in colour: the body's left side red, its right side green, the
/// midline (spine, neck, head) blue — as clothing colour would tell the sides apart in a photograph. Without such a cue a figure seen from the back is the mirror image of one seen from the front, and no
/// detector could know which wrist is the left one.
/// </summary>
public static class StickFigures
{
    /// <summary>Three channels: the body's left side (red), its right side (green), the midline (blue).</summary>
    public const int Channels = 3;

    /// <summary>
    /// Orthographic view: the pose (metres) turned by <paramref name="yaw"/> about the vertical axis through the pelvis and tilted
    /// by <paramref name="pitch"/>, then x → image right, y (up) → image up, scaled by <paramref name="pixelsPerMetre"/> and
    /// centred at <paramref name="centre"/> (pixels, y down).
    /// </summary>
    public static (double X, double Y)[] Project(IReadOnlyList<Vec3> pose, double yaw, double pitch, double pixelsPerMetre, (double X, double Y) centre)
    {
        var turn = Matrix3.RotationX(pitch) * Matrix3.RotationY(yaw);
        var root = pose[0];
        return pose.Select(p =>
        {
            var q = turn * (p - root);
            return (centre.X + pixelsPerMetre * q.X, centre.Y - pixelsPerMetre * q.Y);
        }).ToArray();
    }

    /// <summary>Draws the figure [3, S, S]: limbs as lines of half-width <paramref name="radius"/> pixels, a disc for the head.</summary>
    public static float[] Render(IReadOnlyList<(double X, double Y)> keypoints, int size, double radius = 0.9, double headRadius = 2.0)
    {
        var tree = PoseSkeleton.Tree;
        var image = new float[Channels * size * size];
        int head = tree.IndexOf("head");
        void Paint(int side, int x, int y, double value)
        {
            int at = ((side > 0 ? 0 : side < 0 ? 1 : 2) * size + y) * size + x;
            image[at] = (float)Math.Max(image[at], value);
        }
        foreach (var (p, c) in tree.Bones())
        {
            int side = PoseSkeleton.Side[c];
            var (ax, ay) = keypoints[p];
            var (bx, by) = keypoints[c];
            int x0 = (int)Math.Floor(Math.Min(ax, bx) - radius - 1), x1 = (int)Math.Ceiling(Math.Max(ax, bx) + radius + 1);
            int y0 = (int)Math.Floor(Math.Min(ay, by) - radius - 1), y1 = (int)Math.Ceiling(Math.Max(ay, by) + radius + 1);
            double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
            for (int y = Math.Max(0, y0); y <= Math.Min(size - 1, y1); y++)
                for (int x = Math.Max(0, x0); x <= Math.Min(size - 1, x1); x++)
                {
                    // distance from the pixel centre to the segment
                    double px = x + 0.5 - ax, py = y + 0.5 - ay;
                    double t = len2 > 0 ? Math.Clamp((px * dx + py * dy) / len2, 0, 1) : 0;
                    double ex = px - t * dx, ey = py - t * dy;
                    Paint(side, x, y, Math.Clamp(radius + 0.5 - Math.Sqrt(ex * ex + ey * ey), 0, 1));
                }
        }
        var (hx, hy) = keypoints[head];
        for (int y = Math.Max(0, (int)(hy - headRadius - 2)); y <= Math.Min(size - 1, (int)(hy + headRadius + 2)); y++)
            for (int x = Math.Max(0, (int)(hx - headRadius - 2)); x <= Math.Min(size - 1, (int)(hx + headRadius + 2)); x++)
            {
                double d = Math.Sqrt((x + 0.5 - hx) * (x + 0.5 - hx) + (y + 0.5 - hy) * (y + 0.5 - hy));
                Paint(0, x, y, Math.Clamp(headRadius + 0.5 - d, 0, 1));
            }
        return image;
    }

    /// <summary>
    /// <paramref name="count"/> images of poses drawn at random from <paramref name="poses"/>: yaw uniform over the full turn,
    /// pitch ±15°, a scale that makes the figure about 70–85 % of the image tall, a random shift, and Gaussian pixel noise.
    /// </summary>
    public static KeypointImages Make(IReadOnlyList<Vec3[]> poses, int count, int size, Rng rng, double noise = 0.04, double maxYawDegrees = 180)
    {
        int k = PoseSkeleton.Count;
        int pixels = Channels * size * size;
        var images = new float[count * pixels];
        var keypoints = new double[count * k * 2];
        for (int n = 0; n < count; n++)
        {
            var pose = poses[rng.NextInt(poses.Count)];
            double yaw = (2 * rng.NextDouble() - 1) * maxYawDegrees * Math.PI / 180, pitch = (rng.NextDouble() - 0.5) * Math.PI / 6;
            var (points, _) = Fit(pose, yaw, pitch, size, rng);
            var image = Render(points, size);
            for (int i = 0; i < image.Length; i++) images[n * pixels + i] = (float)Math.Clamp(image[i] + noise * rng.NextNormal(), 0, 1);
            for (int j = 0; j < k; j++) (keypoints[(n * k + j) * 2], keypoints[(n * k + j) * 2 + 1]) = points[j];
        }
        return new KeypointImages(Tensor.FromArray(images, count, Channels, size, size), Tensor.FromArray(keypoints, count, k, 2), size);
    }

    /// <summary>
    /// Copies of colour images [N, 3, S, S] with keypoints [N, K, 2] marked as small crosses of the given colour (r, g, b in
    /// [0, 1]) — to show predictions on top of the pictures.
    /// </summary>
    public static Tensor Mark(Tensor images, Tensor keypoints, (double R, double G, double B) colour)
    {
        if (images.Rank != 4 || images.Shape[1] != 3 || keypoints.Rank != 3 || keypoints.Shape[0] != images.Shape[0] || keypoints.Shape[2] != 2)
            throw new ArgumentException($"StickFigures.Mark: images [N, 3, S, S] and keypoints [N, K, 2] needed, got {images.Shape} and {keypoints.Shape}");
        int n = images.Shape[0], h = images.Shape[2], w = images.Shape[3], k = keypoints.Shape[1];
        var pixels = images.ToFloatArray();
        var p = keypoints.ToDoubleArray();
        double[] rgb = [colour.R, colour.G, colour.B];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
            {
                int cx = (int)Math.Floor(p[(i * k + j) * 2]), cy = (int)Math.Floor(p[(i * k + j) * 2 + 1]);
                foreach (var (dx, dy) in new[] { (0, 0), (1, 0), (-1, 0), (0, 1), (0, -1) })
                {
                    int x = cx + dx, y = cy + dy;
                    if (x < 0 || y < 0 || x >= w || y >= h) continue;
                    for (int c = 0; c < 3; c++) pixels[((i * 3 + c) * h + y) * w + x] = (float)rgb[c];
                }
            }
        return Tensor.FromArray(pixels, n, 3, h, w);
    }

    // project, then scale and shift so the figure's bounding box fills 70–85 % of the image height, kept inside the image
    static ((double X, double Y)[] Points, double Scale) Fit(IReadOnlyList<Vec3> pose, double yaw, double pitch, int size, Rng rng)
    {
        var unit = Project(pose, yaw, pitch, 1, (0, 0));
        double minX = unit.Min(p => p.X), maxX = unit.Max(p => p.X), minY = unit.Min(p => p.Y), maxY = unit.Max(p => p.Y);
        double extent = Math.Max(maxY - minY, maxX - minX);
        double scale = (0.70 + 0.15 * rng.NextDouble()) * (size - 4) / extent;
        double spareX = size - 4 - scale * (maxX - minX), spareY = size - 4 - scale * (maxY - minY);
        double ox = 2 + spareX * rng.NextDouble() - scale * minX, oy = 2 + spareY * rng.NextDouble() - scale * minY;
        return (unit.Select(p => (ox + scale * p.X, oy + scale * p.Y)).ToArray(), scale);
    }
}
