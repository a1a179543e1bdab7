#!/usr/bin/python3
"""The DeepKKT step of DSV Studio written directly in PyTorch: the reference the `benchmark` command times
the Java/DJL step against. Run with Debian's torch 1.13 (/usr/bin/python3); the Java side starts it as a
subprocess and reads the JSON object this script prints as its last line of stdout.

    /usr/bin/python3 scripts/kkt_step_reference.py --weights DIR --n 10 --threads 1 --steps 20 --warmup 3

DIR holds what org.dsvstudio.bench.WeightExport writes (weights.json + weights.bin: every parameter of the
DJL block in its order, BatchNorm running statistics included) and what KktBenchmark adds (probe.json +
probe.bin: a fixed input batch with labels, ν and λ₀ for the equality checks).

The network is rebuilt from the architecture name with the same operations as the DJL blocks of
org.dsvstudio.model.Architectures (the instance norm written as the same elementwise ops as
model.InstanceNorm, BatchNorm in eval mode with DJL's default eps 1e-5). Parameters are mapped in order
and every shape and kind (weight/bias/gamma/beta/runningMean/runningVar) is asserted.

One timed step is what org.dsvstudio.kkt.KktJob does for one chunk (chunk size ≥ n) with the benchmark's
config (all parameters, L1_MEAN, augmentation on with η = 5, β₁ = 2e-3, TV = norm = 0):
    draw A (separable resampling maps, cutout mask, noise — the same construction as kkt.Augmenter)
    A(x) = (R_h · x · R_wᵀ) ⊙ mask + noise                    (two batched matmuls, a multiply, an add)
    logits = f(x), f(A(x)) (two forward passes); ℓ = −Σ_c y_c log softmax_c (per sample)
    λ = λ₀·ν;  primal = Σ ℓᵢ·[argmax ≠ target] / n             (for x and for A(x))
    g_X = autograd.grad(Σ λᵢ ℓ(xᵢ), θ, create_graph=True);  g_A the same for A(x)
    S_X = mean |θ* + g_X| over all trainable parameters;  S_A likewise
    total = β₁·primal_X + S_X + η·(β₁·primal_A + S_A)
    [∂x, ∂ν] = autograd.grad(total, [x, ν]);  Adam on x and ν;  x clamped to the pixel range
    the loss terms read back as Python floats (KktJob reads them for its progress history)
"""
import argparse
import json
import os
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--weights", help="folder with weights.json/.bin (and probe.json/.bin)")
    p.add_argument("--n", type=int, default=10, help="candidates")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads")
    p.add_argument("--steps", type=int, default=20, help="timed steps")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    p.add_argument("--lambda0", type=float, default=None, help="λ₀ (default 1/(μ·n) with μ = 5e-3)")
    p.add_argument("--primal-weight", type=float, default=2e-3)
    p.add_argument("--augment-weight", type=float, default=5.0)
    p.add_argument("--lr-x", type=float, default=0.01)
    p.add_argument("--lr-nu", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--profile", action="store_true", help="also time the phases of the step separately")
    p.add_argument("--check", action="store_true", help="compute the equality-check values on the probe batch")
    p.add_argument("--matmul", action="store_true", help="measure this torch's 1024×1024 float32 matmul GFLOP/s")
    p.add_argument("--rss-every", type=int, default=0, metavar="K",
                   help="record VmRSS (/proc/self/status) every K timed steps (memory run)")
    p.add_argument("--trace", metavar="FILE", help="after the warm-up, record one step with torch.profiler into a"
                   " Chrome trace FILE")
    p.add_argument("--summarize-traces", nargs=2, metavar=("JAVA", "PYTHON"),
                   help="only compare two Chrome traces (libtorch's from Java, torch.profiler's): self time per op")
    p.add_argument("--concatenated", action="store_true",
                   help="variant (not what Java does): x and A(x) through the network as one concatenated batch,"
                        " so each ∇_θ pass and its double backward also run over the other half's zero rows")
    return p.parse_args()


ARGS = parse_args()

import torch  # noqa: E402  (threads must be set before any parallel work)
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(ARGS.threads)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass

EPS = 1e-5  # model.InstanceNorm and DJL's BatchNorm default


# ---------------------------------------------------------------------------------------------- network
class ConvNet(torch.nn.Module):
    """depth × [conv 3×3 pad 1 (bias), instance norm (γ, β), ReLU, avg-pool 2], flatten, linear."""

    def __init__(self, width, depth, channels, height, image_width, classes):
        super().__init__()
        self.convs = torch.nn.ModuleList()
        self.gammas = torch.nn.ParameterList()
        self.betas = torch.nn.ParameterList()
        c, h, w = channels, height, image_width
        for _ in range(depth):
            self.convs.append(torch.nn.Conv2d(c, width, 3, padding=1, bias=True))
            self.gammas.append(torch.nn.Parameter(torch.ones(width)))
            self.betas.append(torch.nn.Parameter(torch.zeros(width)))
            c, h, w = width, h // 2, w // 2
        self.fc = torch.nn.Linear(c * h * w, classes)

    def ordered(self):
        """(kind, tensor) in DJL's block.getParameters() order."""
        out = []
        for conv, g, b in zip(self.convs, self.gammas, self.betas):
            out += [("weight", conv.weight), ("bias", conv.bias), ("gamma", g), ("beta", b)]
        return out + [("weight", self.fc.weight), ("bias", self.fc.bias)]

    def forward(self, x):
        for conv, g, b in zip(self.convs, self.gammas, self.betas):
            x = conv(x)
            n, c = x.shape[0], x.shape[1]
            flat = x.reshape(n, c, -1)  # the same ops as model.InstanceNorm
            mean = flat.mean(2, keepdim=True)
            centred = flat - mean
            var = centred.square().mean(2, keepdim=True)
            x = (centred / (var + EPS).sqrt()).reshape(x.shape) * g.reshape(1, c, 1, 1) + b.reshape(1, c, 1, 1)
            x = F.avg_pool2d(F.relu(x), 2, 2)
        return self.fc(x.reshape(x.shape[0], -1))


class BN(torch.nn.Module):
    """DJL BatchNorm in evaluation mode: gamma, beta, runningMean, runningVar, eps 1e-5."""

    def __init__(self, c):
        super().__init__()
        self.gamma = torch.nn.Parameter(torch.ones(c))
        self.beta = torch.nn.Parameter(torch.zeros(c))
        self.register_buffer("running_mean", torch.zeros(c))
        self.register_buffer("running_var", torch.ones(c))

    def ordered(self):
        return [("gamma", self.gamma), ("beta", self.beta), ("runningMean", self.running_mean),
                ("runningVar", self.running_var)]

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.gamma, self.beta, False, 0.1, EPS)


class Basic(torch.nn.Module):
    def __init__(self, cin, width, stride, projection):
        super().__init__()
        self.c1 = torch.nn.Conv2d(cin, width, 3, stride=stride, padding=1, bias=False)
        self.b1 = BN(width)
        self.c2 = torch.nn.Conv2d(width, width, 3, padding=1, bias=False)
        self.b2 = BN(width)
        self.sc = torch.nn.Conv2d(cin, width, 1, stride=stride, bias=False) if projection else None
        self.sb = BN(width) if projection else None

    def ordered(self):
        out = [("weight", self.c1.weight)] + self.b1.ordered() + [("weight", self.c2.weight)] + self.b2.ordered()
        if self.sc is not None:
            out += [("weight", self.sc.weight)] + self.sb.ordered()
        return out

    def forward(self, x):
        main = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        short = self.sb(self.sc(x)) if self.sc is not None else x
        return F.relu(main + short)


class ResNet(torch.nn.Module):
    """Architectures.cifarResNet / resNet18: conv 3×3 (no bias), BN, ReLU, basic blocks, global avg, linear."""

    def __init__(self, widths, blocks_per_stage, channels, classes):
        super().__init__()
        self.stem = torch.nn.Conv2d(channels, widths[0], 3, padding=1, bias=False)
        self.stem_bn = BN(widths[0])
        self.blocks = torch.nn.ModuleList()
        cin = widths[0]
        for stage, width in enumerate(widths):
            for b in range(blocks_per_stage):
                stride = 2 if stage > 0 and b == 0 else 1
                self.blocks.append(Basic(cin, width, stride, cin != width or stride != 1))
                cin = width
        self.fc = torch.nn.Linear(cin, classes)

    def ordered(self):
        out = [("weight", self.stem.weight)] + self.stem_bn.ordered()
        for blk in self.blocks:
            out += blk.ordered()
        return out + [("weight", self.fc.weight), ("bias", self.fc.bias)]

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        for blk in self.blocks:
            x = blk(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).reshape(x.shape[0], -1))


class LinearNet(torch.nn.Module):
    """Architectures.linear: flatten, linear."""

    def __init__(self, inputs, classes):
        super().__init__()
        self.fc = torch.nn.Linear(inputs, classes)

    def ordered(self):
        return [("weight", self.fc.weight), ("bias", self.fc.bias)]

    def forward(self, x):
        return self.fc(x.reshape(x.shape[0], -1))


def build(meta):
    arch = meta["architecture"].lower()
    c, h, w = meta["inputShape"]
    k = meta["numClasses"]
    if arch == "convnet":
        return ConvNet(meta.get("width") or 64, 3, c, h, w, k)
    if arch == "linear":
        return LinearNet(c * h * w, k)
    if arch == "resnet8":
        return ResNet([16, 32, 64], 1, c, k)
    if arch == "resnet20":
        return ResNet([16, 32, 64], 3, c, k)
    if arch == "resnet18":
        return ResNet([64, 128, 256, 512], 2, c, k)
    raise SystemExit("kkt_step_reference.py: architecture %r cannot be rebuilt in PyTorch" % arch)


def load(folder):
    with open(os.path.join(folder, "weights.json")) as f:
        meta = json.load(f)
    model = build(meta)
    flat = torch.from_file(os.path.join(folder, "weights.bin"), shared=False, size=meta["totalElements"],
                           dtype=torch.float32)
    ordered = model.ordered()
    entries = meta["parameters"]
    assert len(ordered) == len(entries), "PyTorch rebuild has %d tensors, the export %d" % (len(ordered), len(entries))
    with torch.no_grad():
        for (kind, tensor), e in zip(ordered, entries):
            assert e["name"].endswith("_" + kind) or e["name"] == kind, "%s is not a %s" % (e["name"], kind)
            shape = tuple(e["shape"])
            assert tuple(tensor.shape) == shape, "%s: export %s, PyTorch %s" % (e["name"], shape, tuple(tensor.shape))
            tensor.copy_(flat[e["offset"]:e["offset"] + e["count"]].reshape(shape))
    model.eval()
    trainable = [t for (kind, t), e in zip(ordered, entries) if e["trainable"]]
    assert all(t.requires_grad for t in trainable)
    return meta, model, trainable


# ---------------------------------------------------------------------------------------- augmentation
TRANSLATE, CROP, CUTOUT, FLIP, NOISE = 0.125, 0.2, 0.15, 0.0, 0.01  # kkt.Augmentation.PAPER_NO_FLIP


def resample_maps(n, size, start, length, shift, flip):
    """kkt.Augmenter.fillResample for n images at once: row o of map i reads input start+(o+½)·len/size−½−shift."""
    o = torch.arange(size, dtype=torch.float64)
    src = start[:, None] + (o[None, :] + 0.5) * length[:, None] / size - 0.5 - shift[:, None]
    lo = torch.floor(src)
    frac = src - lo
    target = torch.where(flip[:, None], size - 1 - o[None, :], o[None, :]).long()
    maps = torch.zeros(n, size, size, dtype=torch.float64)
    image = torch.arange(n)[:, None].expand(n, size)
    for col, weight in ((lo, 1 - frac), (lo + 1, frac)):
        ok = (col >= 0) & (col < size) & (weight != 0)
        maps.index_put_((image[ok], target[ok], col.long()[ok]), weight[ok], accumulate=True)
    return maps.float()


def draw(n, c, h, w):
    keep = 1 - CROP * torch.rand(n, dtype=torch.float64)
    crop_h, crop_w = h * keep, w * keep
    y0 = (h - crop_h) * torch.rand(n, dtype=torch.float64)
    x0 = (w - crop_w) * torch.rand(n, dtype=torch.float64)
    sy, sx = int(TRANSLATE * h), int(TRANSLATE * w)
    dy = torch.randint(-sy, sy + 1, (n,)).double()
    dx = torch.randint(-sx, sx + 1, (n,)).double()
    flip = torch.rand(n) < FLIP
    rows = resample_maps(n, h, y0, crop_h, dy, torch.zeros(n, dtype=torch.bool)).reshape(n, 1, h, h)
    cols_t = resample_maps(n, w, x0, crop_w, dx, flip).transpose(1, 2).reshape(n, 1, w, w)
    side = round(CUTOUT * min(h, w))
    cy = torch.randint(0, h, (n, 1, 1))
    cx = torch.randint(0, w, (n, 1, 1))
    yy = torch.arange(h)[None, :, None]
    xx = torch.arange(w)[None, None, :]
    cut = ((yy - cy).abs() * 2 < side) & ((xx - cx).abs() * 2 < side)
    mask = (~cut).float().reshape(n, 1, h, w)
    noise = NOISE * torch.randn(n, c, h, w)
    return rows, cols_t, mask, noise


# -------------------------------------------------------------------------------------------- the step
def primal(logits, ce, labels, active):
    wrong = (logits.argmax(1) != labels).to(ce.dtype)
    return (ce * active * wrong).sum()


def l1_mean(theta_star, g, count):
    acc = None
    for t, gi in zip(theta_star, g):
        s = (gi + t).abs().sum()
        acc = s if acc is None else acc + s
    return acc / count


class Laps:
    """Adds the time since the previous lap to phases[name] (nothing when phases is None)."""

    def __init__(self, phases):
        self.phases = phases
        self.t = time.perf_counter()

    def lap(self, name):
        if self.phases is not None:
            now = time.perf_counter()
            self.phases[name] = self.phases.get(name, 0.0) + now - self.t
            self.t = now


class Step:
    def __init__(self, meta, model, theta, n, lambda0):
        self.model, self.theta, self.n = model, theta, n
        self.c, self.h, self.w = meta["inputShape"]
        k = meta["numClasses"]
        self.labels = torch.arange(n) % k
        self.targets = F.one_hot(self.labels, k).float()
        self.targets2 = torch.cat([self.targets, self.targets])
        self.active = torch.ones(n)
        self.lambda_scale = torch.full((n,), float(lambda0))
        self.theta_star = [t.detach().clone() for t in theta]
        self.count = sum(t.numel() for t in theta)
        mean, std = meta["mean"], meta["std"]
        self.lo = (0 - mean[0]) / std[0]
        self.hi = (1 - mean[0]) / std[0]
        self.x = torch.randn(n, self.c, self.h, self.w).clamp_(self.lo, self.hi).requires_grad_(True)
        self.nu = torch.ones(n, requires_grad=True)
        self.opt_x = torch.optim.Adam([self.x], lr=ARGS.lr_x, betas=(0.9, 0.999), eps=1e-8)
        self.opt_nu = torch.optim.Adam([self.nu], lr=ARGS.lr_nu, betas=(0.9, 0.999), eps=1e-8)

    def run(self, phases=None):
        clock = Laps(phases)
        n, b1, eta = self.n, ARGS.primal_weight, ARGS.augment_weight
        rows, cols_t, mask, noise = draw(n, self.c, self.h, self.w)
        x, nu = self.x, self.nu
        aug = torch.matmul(torch.matmul(rows, x), cols_t) * mask + noise
        clock.lap("draw+augment")
        if ARGS.concatenated:
            logits = self.model(torch.cat([x, aug]))
            ce = -(F.log_softmax(logits, 1) * self.targets2).sum(1)
            ce_x, ce_a = ce[:n], ce[n:]
            logits_x, logits_a = logits[:n], logits[n:]
        else:
            logits_x, logits_a = self.model(x), self.model(aug)
            ce_x = -(F.log_softmax(logits_x, 1) * self.targets).sum(1)
            ce_a = -(F.log_softmax(logits_a, 1) * self.targets).sum(1)
        lam = nu * self.lambda_scale
        primal_x = primal(logits_x, ce_x, self.labels, self.active) / n
        primal_a = primal(logits_a, ce_a, self.labels, self.active) / n
        clock.lap("forward")
        g_x = torch.autograd.grad((ce_x * lam).sum(), self.theta, create_graph=True)
        g_a = torch.autograd.grad((ce_a * lam).sum(), self.theta, create_graph=True)
        clock.lap("backward1")
        stat_x = l1_mean(self.theta_star, g_x, self.count)
        stat_a = l1_mean(self.theta_star, g_a, self.count)
        total = b1 * primal_x + stat_x + eta * (b1 * primal_a + stat_a)
        clock.lap("loss")
        gx, gnu = torch.autograd.grad(total, [x, nu])
        clock.lap("backward2")
        x.grad, nu.grad = gx, gnu
        self.opt_x.step()
        self.opt_nu.step()
        with torch.no_grad():
            x.clamp_(self.lo, self.hi)
        values = (total.item(), primal_x.item(), primal_a.item(), stat_x.item(), stat_a.item())
        clock.lap("update")
        return values


def check(meta, model, theta, folder):
    """Logits of the probe batch, and the primal + stationarity objective's gradients there (no augmentation)."""
    with open(os.path.join(folder, "probe.json")) as f:
        probe = json.load(f)
    shape = probe["shape"]
    x0 = torch.from_file(os.path.join(folder, "probe.bin"), shared=False,
                         size=shape[0] * shape[1] * shape[2] * shape[3], dtype=torch.float32).reshape(shape)
    with torch.no_grad():
        logits = model(x0)
    labels = torch.tensor(probe["labels"])
    y = F.one_hot(labels, meta["numClasses"]).float()
    x = x0.clone().requires_grad_(True)
    nu = torch.tensor(probe["nu"], dtype=torch.float32, requires_grad=True)
    out = model(x)
    ce = -(F.log_softmax(out, 1) * y).sum(1)
    p = len(probe["labels"])
    primal_x = primal(out, ce, labels, torch.ones(p)) / p
    g = torch.autograd.grad((ce * nu * probe["lambda0"]).sum(), theta, create_graph=True)
    stat = l1_mean([t.detach() for t in theta], g, sum(t.numel() for t in theta))
    total = probe["primalWeight"] * primal_x + stat
    gx, gnu = torch.autograd.grad(total, [x, nu])
    return {"probe_logits": logits.flatten().tolist(), "primal": primal_x.item(), "stationarity": stat.item(),
            "grad_x": gx.flatten().tolist(), "grad_nu": gnu.tolist()}


def matmul_gflops():
    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    for _ in range(3):
        torch.mm(a, b)
    times = []
    for _ in range(10):
        t = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - t)
    return 2 * 1024 ** 3 / min(times) / 1e9


def self_times(path):
    """Self time (µs) and calls per operator name in a Chrome trace: each event's duration minus its children's."""
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = {}
    for e in events:
        if e.get("ph") == "X" and "dur" in e and e.get("cat", "cpu_op") in ("cpu_op", "Operator", "operator"):
            name = e["name"]
            if name.startswith("aten::") or name.startswith("autograd::") or "Backward" in name:
                by_thread.setdefault((e.get("pid"), e.get("tid")), []).append(e)
    total, calls = {}, {}
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, event, child_time]
        def close(item):
            _, ev, child = item
            total[ev["name"]] = total.get(ev["name"], 0.0) + float(ev["dur"]) - child
            calls[ev["name"]] = calls.get(ev["name"], 0) + 1
        for e in evs:
            start, end = float(e["ts"]), float(e["ts"]) + float(e["dur"])
            while stack and stack[-1][0] <= start + 1e-3:
                close(stack.pop())
            if stack:
                stack[-1][2] += float(e["dur"])
            stack.append([end, e, 0.0])
        while stack:
            close(stack.pop())
    return total, calls


def summarize(java_path, python_path):
    jt, jc = self_times(java_path)
    pt, pc = self_times(python_path)
    names = sorted(set(jt) | set(pt), key=lambda k: -(jt.get(k, 0) + pt.get(k, 0)))
    ops = [[k, jt.get(k, 0) / 1000, pt.get(k, 0) / 1000, jc.get(k, 0), pc.get(k, 0)] for k in names[:18]]
    return {"torch": torch.__version__, "ops": ops, "java_total_ms": sum(jt.values()) / 1000,
            "python_total_ms": sum(pt.values()) / 1000}


def vm(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def reset_peak():
    """Sets VmHWM to the current RSS (Linux); False where the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def main():
    if ARGS.summarize_traces:
        print(json.dumps(summarize(*ARGS.summarize_traces)), flush=True)
        return
    if not ARGS.weights:
        raise SystemExit("kkt_step_reference.py: --weights is required")
    torch.manual_seed(ARGS.seed)
    meta, model, theta = load(ARGS.weights)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "n": ARGS.n,
              "architecture": meta["architecture"]}
    if os.path.exists(os.path.join(ARGS.weights, "probe.json")):
        if ARGS.check:
            result.update(check(meta, model, theta, ARGS.weights))
        else:
            with open(os.path.join(ARGS.weights, "probe.json")) as f:
                shape = json.load(f)["shape"]
            x0 = torch.from_file(os.path.join(ARGS.weights, "probe.bin"), shared=False,
                                 size=shape[0] * shape[1] * shape[2] * shape[3], dtype=torch.float32)
            with torch.no_grad():
                result["probe_logits"] = model(x0.reshape(shape)).flatten().tolist()
    # The logits first, so the Java side can compare them even if the timing fails.
    print(json.dumps({"probe_logits": result.get("probe_logits")}), flush=True)
    if ARGS.matmul:
        result["matmul_gflops"] = matmul_gflops()
    if ARGS.steps > 0:
        lambda0 = ARGS.lambda0 if ARGS.lambda0 is not None else 1.0 / (5e-3 * ARGS.n)
        step = Step(meta, model, theta, ARGS.n, lambda0)
        for _ in range(ARGS.warmup):
            step.run()
        times = []
        values = None
        rss = []
        peak_reset = False
        for i in range(ARGS.steps):
            t = time.perf_counter()
            values = step.run()
            times.append(time.perf_counter() - t)
            if ARGS.rss_every > 0 and (i + 1) % ARGS.rss_every == 0:
                # the layout of the Java samples: step, VmRSS, (heap committed, heap used, direct buffers: none
                # here), then the peak RSS since the last sample (VmHWM, reset at every sample)
                window_peak = vm("VmHWM") if peak_reset else -1
                peak_reset = reset_peak()
                rss.append([i + 1, vm("VmRSS"), -1, -1, -1, window_peak])
        if rss:
            result["rss"] = rss
            result["vmhwm_kb"] = vm("VmHWM")
        result["step_ms"] = [1000 * s for s in times]
        result["median_ms"] = 1000 * statistics.median(times)
        result["last_terms"] = {"total": values[0], "primal": values[1], "primalAug": values[2],
                                "stationarity": values[3], "stationarityAug": values[4]}
        if ARGS.trace:
            from torch.profiler import ProfilerActivity, profile
            with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
                t = time.perf_counter()
                step.run()
                result["traced_step_ms"] = 1000 * (time.perf_counter() - t)
            prof.export_chrome_trace(ARGS.trace)
            result["trace"] = ARGS.trace
        if ARGS.profile:
            samples = []
            for _ in range(max(3, min(ARGS.steps, 10))):
                phases = {}
                step.run(phases)
                samples.append(phases)
            result["phases_ms"] = {k: 1000 * statistics.median(s[k] for s in samples) for k in samples[0]}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("kkt_step_reference.py: " + str(e), file=sys.stderr)
        sys.exit(3)
