"""The PyTorch side of the benchmark's training-step cases (tests/Benchmarks, TorchReference.cs).

The benchmark program starts this script once, with /usr/bin/python3 (Debian's python3-torch), and talks to it
over stdin/stdout, one JSON object per line:
  {"cmd": "setup", "case": name, "file": path, "tensors": [[name, shape], ...], "threads": n, "cpu_time": bool}
      reads the tensors (float32, in order) from the file: the case's initial parameters, inputs and targets,
      exactly as the C# side drew them; builds the same step; answers {"loss": first loss}.
  {"cmd": "warmup", "seconds": s}  runs the step for at least s seconds; answers {"per_call": seconds}.
  {"cmd": "round", "calls": n}     runs n steps; answers {"per_call": seconds} (wall or this thread's CPU time).
Each step is what the C# side does: zero the gradients, forward, loss, backward, Adam (lr 1e-3).
The models are written with torch.nn.functional on the parameters as received, so that the names and layouts
match the library's layers one to one ([out, in] linear weights, [Cout, Cin, KH, KW] kernels).
"""
import json
import math
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the C# side reports the case as skipped with this line
    print(json.dumps({"error": f"PyTorch not importable: {e}"}), flush=True)
    sys.exit(0)


def linear_relu_chain(p, prefix, count, h):
    """count linear layers named prefix0.., ReLU between them (not after the last)."""
    for i in range(count):
        h = F.linear(h, p[f"{prefix}{i}.weight"], p[f"{prefix}{i}.bias"])
        if i + 1 < count:
            h = F.relu(h)
    return h


def mlp(p, d, layers, classification):
    def loss():
        z = linear_relu_chain(p, "fc", layers, d["x"])
        return F.cross_entropy(z, d["labels"].long()) if classification else F.mse_loss(z, d["target"])
    return loss


def cnn(p, d):
    def loss():
        h = F.max_pool2d(F.relu(F.conv2d(d["x"], p["conv1.weight"], p["conv1.bias"], padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, p["conv2.weight"], p["conv2.bias"], padding=1)), 2)
        z = F.linear(h.flatten(1), p["fc.weight"], p["fc.bias"])
        return F.cross_entropy(z, d["labels"].long())
    return loss


def conv_block(p, d):
    def loss():
        h = F.relu(F.conv2d(d["x"], p["conv1.weight"], p["conv1.bias"], padding=1))
        return F.mse_loss(F.conv2d(h, p["conv2.weight"], p["conv2.bias"], padding=1), d["target"])
    return loss


def attention(p, d):
    x = d["x"]
    t = x.shape[1]
    future = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)  # j > i: masked

    def loss():
        q = F.linear(x, p["q.weight"], p["q.bias"])
        k = F.linear(x, p["k.weight"], p["k.bias"])
        v = F.linear(x, p["v.weight"], p["v.bias"])
        scores = torch.bmm(q, k.transpose(1, 2)) / math.sqrt(q.shape[-1])
        a = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
        return F.mse_loss(torch.bmm(a, v), d["target"])
    return loss


def unet(p, d):
    def conv(name, h, **kw):
        return F.conv2d(h, p[name + ".weight"], p[name + ".bias"], **kw)

    def emb(name, e):  # the time embedding projected to one bias per channel: [B, C, 1, 1]
        return F.linear(e, p[name + ".weight"], p[name + ".bias"])[:, :, None, None]

    def loss():
        e = F.linear(F.relu(F.linear(d["temb"], p["time1.weight"], p["time1.bias"])), p["time2.weight"], p["time2.bias"])
        h0 = conv("inc", d["x"], padding=1)
        h1 = F.relu(conv("down1", h0, padding=1) + emb("emb1", e))
        h1 = F.relu(conv("down2", h1, padding=1)) + h0
        dn = conv("downsample", h1, stride=2, padding=1)
        m = F.relu(conv("mid1", dn, padding=1) + emb("emb2", e))
        m = F.relu(conv("mid2", m, padding=1)) + dn
        u = F.conv_transpose2d(m, p["upsample.weight"], p["upsample.bias"], stride=2, padding=1)
        o = F.relu(conv("up1", torch.cat([u, h1], 1), padding=1) + emb("emb3", e))
        return F.mse_loss(conv("outc", o, padding=1), d["noise"])
    return loss


def pixelcnn(p, d):
    names = sorted({k[:-len(".weight")] for k in p if k.startswith("masked") and k.endswith(".weight")}, key=lambda s: int(s[6:]))

    def loss():
        h = d["x"]
        for name in names:
            h = F.relu(F.conv2d(h, p[name + ".weight"] * d[name + ".mask"], p[name + ".bias"], padding=p[name + ".weight"].shape[-1] // 2))
        h = F.relu(F.conv2d(h, p["head1.weight"], p["head1.bias"]))
        logits = F.conv2d(h, p["head2.weight"], p["head2.bias"])
        return F.binary_cross_entropy_with_logits(logits, d["x"])
    return loss


def glow(p, d):
    steps = sum(1 for k in p if k.endswith(".actnorm.logs"))
    c = d["x"].shape[1]

    def loss():
        z, logdet = d["x"], 0
        hw = z.shape[2] * z.shape[3]
        for s in range(steps):
            q = lambda name: p[f"step{s}.{name}"]
            # ActNorm: (x + b)·e^{logs} per channel
            z = (z + q("actnorm.bias")[None, :, None, None]) * torch.exp(q("actnorm.logs"))[None, :, None, None]
            logdet = logdet + hw * q("actnorm.logs").sum()
            # invertible 1×1 convolution, W = P·L·(U + diag(sign·e^{log s}))
            lower = q("inv.lower") * d[f"step{s}.inv.lmask"] + torch.eye(c)
            upper = q("inv.upper") * d[f"step{s}.inv.umask"] + torch.diag(d[f"step{s}.inv.sign"] * torch.exp(q("inv.logs")))
            w = d[f"step{s}.inv.perm"] @ lower @ upper
            z = F.conv2d(z, w[:, :, None, None])
            logdet = logdet + hw * q("inv.logs").sum()
            # affine coupling: the second half scaled and shifted by a network of the first
            za, zb = z[:, : c // 2], z[:, c // 2:]
            h = F.relu(F.conv2d(za, q("nn1.weight"), q("nn1.bias"), padding=1))
            h = F.relu(F.conv2d(h, q("nn2.weight"), q("nn2.bias")))
            h = F.conv2d(h, q("nn3.weight"), q("nn3.bias"), padding=1)
            scale = torch.sigmoid(h[:, : c // 2] + 2)
            zb = (zb + h[:, c // 2:]) * scale
            logdet = logdet + torch.log(scale).flatten(1).sum(1)
            z = torch.cat([za, zb], 1)
        nll = 0.5 * (z * z).flatten(1).sum(1) - logdet
        return nll.mean() / z[0].numel()
    return loss


def nerf(p, d):
    rays, samples = d["t"].shape
    exclusive = torch.triu(torch.ones(samples, samples), diagonal=1)  # [j, i] = 1 for j < i
    freqs = d["freqs"]  # 2^k π, k = 0..L−1

    def loss():
        pts = d["origins"][:, None, :] + d["t"][:, :, None] * d["dirs"][:, None, :]   # [R, S, 3]
        x = pts.reshape(-1, 3)
        xf = (x[:, None, :] * freqs[None, :, None]).reshape(x.shape[0], -1)          # [R·S, 3L]
        enc = torch.cat([x, torch.sin(xf), torch.cos(xf)], 1)                          # [R·S, 3 + 6L]
        out = linear_relu_chain(p, "fc", 5, enc).reshape(rays, samples, 4)
        sigma = F.relu(out[:, :, 0])
        rgb = torch.sigmoid(out[:, :, 1:])
        tau = sigma * d["delta"]
        alpha = 1 - torch.exp(-tau)
        trans = torch.exp(-(tau @ exclusive))                                          # e^{−Σ_{j<i} σ_j δ_j}
        color = ((trans * alpha)[:, :, None] * rgb).sum(1)
        return F.mse_loss(color, d["target"])
    return loss


CASES = {
    "mlp-784-256-10": lambda p, d: mlp(p, d, 2, True),
    "qnet-4-64-64-2": lambda p, d: mlp(p, d, 3, False),
    "nerf-mlp-4096": lambda p, d: mlp(p, d, 5, False),
    "cnn-8-16-b64": cnn,
    "cnn-32-64-b64": cnn,
    "conv-block-64-b32": conv_block,
    "attention-b16-t128-d64": attention,
    "unet-28-b64": unet,
    "pixelcnn-28-b32": pixelcnn,
    "glow-4x14x14-b64": glow,
    "nerf-1024x64": nerf,
}


class Step:
    def __init__(self, msg):
        torch.set_num_threads(msg["threads"])
        flat = np.fromfile(msg["file"], dtype="<f4")
        params, data, at = {}, {}, 0
        for name, shape, is_param in msg["tensors"]:
            n = int(np.prod(shape)) if shape else 1
            t = torch.from_numpy(flat[at: at + n].copy()).reshape(shape)
            at += n
            if is_param:
                params[name] = t.requires_grad_()
            else:
                data[name] = t
        if at != flat.size:
            raise ValueError(f"{msg['case']}: {flat.size} numbers in the file, {at} described")
        self.loss = CASES[msg["case"]](params, data)
        self.opt = torch.optim.Adam(params.values(), lr=1e-3)
        self.clock = time.thread_time if msg["cpu_time"] else time.perf_counter

    def __call__(self):
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss()
        loss.backward()
        self.opt.step()
        return loss

    def timed(self, calls):
        start = self.clock()
        for _ in range(calls):
            self()
        return (self.clock() - start) / calls


def main():
    print(json.dumps({"torch": torch.__version__}), flush=True)
    step = None
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            if msg["cmd"] == "setup":
                step = Step(msg)
                reply = {"loss": float(step().item())}
            elif msg["cmd"] == "warmup":
                start, calls = time.perf_counter(), 0
                while time.perf_counter() - start < msg["seconds"] or calls < 3:
                    step()
                    calls += 1
                reply = {"per_call": (time.perf_counter() - start) / calls}
            elif msg["cmd"] == "round":
                reply = {"per_call": step.timed(msg["calls"])}
            else:
                reply = {"error": f"unknown command {msg['cmd']}"}
        except Exception as e:  # reported by the C# side, which then skips the case
            reply = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
