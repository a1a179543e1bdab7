#!/usr/bin/python3
"""Reference values of DeepKKT's stationarity loss and its gradients, computed by PyTorch (Debian torch 1.13).

For the committed tiny TorchScript models (src/test/resources/torchscript/, made by make_test_models.py), fixed
inputs x, multipliers λ and one-hot targets y, this computes

    g = ∇_θ Σᵢ λᵢ CE(f(xᵢ), yᵢ)          (all parameters, eval mode)
    S = D(θ, −g)                          for each distance DSV Studio offers
    ∂S/∂x, ∂S/∂λ                          (through the second derivative)

and writes src/test/resources/kkt/stationarity_fixture.json, which KktLossTest compares the Java/DJL
implementation against. Run from anywhere:  /usr/bin/python3 scripts/make_kkt_fixture.py
"""
import json
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TS = os.path.join(ROOT, "src", "test", "resources", "torchscript")
OUT = os.path.join(ROOT, "src", "test", "resources", "kkt", "stationarity_fixture.json")


def distance(name, theta, g):
    r = [t + gi for t, gi in zip(theta, g)]
    if name == "L1_MEAN":
        return sum(ri.abs().sum() for ri in r) / sum(t.numel() for t in theta)
    if name == "L2_SQUARED":
        return sum((ri ** 2).sum() for ri in r)
    if name == "LAYER_L1":
        return sum(ri.abs().mean() / t.abs().mean() for ri, t in zip(r, theta)) / len(theta)
    if name == "LAYER_L2":
        return sum((ri ** 2).sum() / (t ** 2).sum() for ri, t in zip(r, theta)) / len(theta)
    if name == "COSINE":
        dot = sum((gi * t).sum() for gi, t in zip(g, theta))
        gn = torch.sqrt(sum((gi ** 2).sum() for gi in g) + 1e-30)
        tn = torch.sqrt(sum((t ** 2).sum() for t in theta))
        return 1 - (-dot / (gn * tn))
    raise ValueError(name)


def case(model_file, x0, lam0, labels):
    model = torch.jit.load(os.path.join(TS, model_file)).eval()
    theta = [p for p in model.parameters()]
    out = {}
    for name in ["L1_MEAN", "L2_SQUARED", "COSINE", "LAYER_L1", "LAYER_L2"]:
        x = x0.clone().requires_grad_(True)
        lam = lam0.clone().requires_grad_(True)
        ce = F.cross_entropy(model(x), labels, reduction="none")
        g = torch.autograd.grad((lam * ce).sum(), theta, create_graph=True)
        s = distance(name, [t.detach() for t in theta], g)
        gx, gl = torch.autograd.grad(s, [x, lam])
        out[name] = {"value": s.item(), "grad_x": gx.flatten().tolist(), "grad_lambda": gl.tolist()}
    return out


def main():
    torch.manual_seed(11)
    x = ((torch.rand(4, 1, 28, 28) - 0.2860) / 0.3530).float()
    lam = torch.tensor([0.3, 0.7, 1.1, 0.5])
    labels = torch.tensor([0, 1, 2, 3])
    fixture = {
        "torch_version": torch.__version__,
        "inputs": x.flatten().tolist(),
        "lambda": lam.tolist(),
        "labels": labels.tolist(),
        "tiny_convnet": case("tiny_convnet.pt", x, lam, labels),
        "tiny_bn_net": case("tiny_bn_net.pt", x, lam, labels),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f)
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
