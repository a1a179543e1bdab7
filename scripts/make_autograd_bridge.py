#!/usr/bin/python3
"""Export DSV Studio's autograd bridge: a weight-free TorchScript module exposing torch.autograd.grad.

DeepKKT differentiates the stationarity loss through a parameter gradient (a second derivative). DJL has no
public double backward that does not leak (its backward accumulates into .grad); torch.autograd.grad does
not touch .grad and can build the graph of the gradient. This module makes it callable from DJL as a
TorchScript method. Run with Debian's torch 1.13:

    /usr/bin/python3 scripts/make_autograd_bridge.py

Writes src/main/resources/org/dsvstudio/engine/autograd_bridge.pt (loaded by engine.AutogradBridge).
"""
import os
from typing import List, Optional

import torch
from torch import Tensor

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources", "org",
                   "dsvstudio", "engine", "autograd_bridge.pt")


def _fill(grads: List[Optional[Tensor]], inputs: List[Tensor]) -> List[Tensor]:
    out: List[Tensor] = []
    for i in range(len(inputs)):
        g = grads[i]
        if g is None:
            out.append(torch.zeros_like(inputs[i]))
        else:
            out.append(g)
    return out


class AutogradBridge(torch.nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x

    @torch.jit.export
    def grad_cg(self, outputs: List[Tensor], inputs: List[Tensor], grad_outputs: List[Tensor]) -> List[Tensor]:
        """d outputs / d inputs, keeping the graph of the result (for a second derivative).
        Inputs the outputs do not depend on get zeros (e.g. a parameter outside the chosen subset)."""
        go: List[Optional[Tensor]] = []
        for g in grad_outputs:
            go.append(g)
        grads = torch.autograd.grad(outputs, inputs, go, retain_graph=True, create_graph=True, allow_unused=True)
        return _fill(grads, inputs)

    @torch.jit.export
    def grad_nocg(self, outputs: List[Tensor], inputs: List[Tensor], grad_outputs: List[Tensor]) -> List[Tensor]:
        """d outputs / d inputs, plain; every input must be connected (a disconnected graph fails loudly)."""
        go: List[Optional[Tensor]] = []
        for g in grad_outputs:
            go.append(g)
        grads = torch.autograd.grad(outputs, inputs, go, retain_graph=False, create_graph=False,
                                    allow_unused=False)
        return _fill(grads, inputs)

    @torch.jit.export
    def grad_nocg_retain(self, outputs: List[Tensor], inputs: List[Tensor],
                         grad_outputs: List[Tensor]) -> List[Tensor]:
        """Like grad_nocg but keeps the graph (zeros for unused inputs): for several gradients of one graph."""
        go: List[Optional[Tensor]] = []
        for g in grad_outputs:
            go.append(g)
        grads = torch.autograd.grad(outputs, inputs, go, retain_graph=True, create_graph=False, allow_unused=True)
        return _fill(grads, inputs)


def main():
    module = torch.jit.script(AutogradBridge())
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    module.save(OUT)
    # Self-check: d/dx (x^3).sum() = 3x^2, and its derivative 6x through grad_cg.
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    loaded = torch.jit.load(OUT)
    (g,) = loaded.grad_cg([(x ** 3).sum()], [x], [torch.ones((), dtype=torch.float64)])
    (h,) = loaded.grad_nocg([g.sum()], [x], [torch.ones((), dtype=torch.float64)])
    assert torch.allclose(g, 3 * x.detach() ** 2) and torch.allclose(h, 6 * x.detach()), (g, h)
    print("wrote", os.path.relpath(OUT), os.path.getsize(OUT), "bytes; self-check ok")


if __name__ == "__main__":
    main()
