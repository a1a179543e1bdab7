#!/usr/bin/python3
"""Generate the small TorchScript test fixtures used by the Java tests.

Run with Debian's torch (python3-torch):

    /usr/bin/python3 scripts/make_test_models.py

Writes into src/test/resources/torchscript/:
  tiny_convnet.pt, tiny_convnet_f64.pt   ReLU ConvNet, 1x28x28 -> 10 logits
  tiny_bn_net.pt,  tiny_bn_net_f64.pt    conv -> BatchNorm2d -> ReLU -> avgpool -> linear
  fixture.json                           inputs and reference outputs

The output is deterministic: every random draw is seeded, and the files come
out byte-identical on every run (see the bootstrap below). fixture.json holds
the inputs (float32 values, widened), the float32 models' logits, the float64
models' logits, and d/dx sum_i log_softmax(f(x))[i, y_i] for y = [0, 1, 2, 3]
computed in float64 with tiny_convnet_f64.
"""
import json
import os
import sys

# Reproducible bytes: TorchScript writes each module's __constants__ in set
# order, which follows Python's per-process string hashing, and its debug info
# records the source file name of every scripted function. So run with a fixed
# hash seed, from the project root, with the script compiled under its
# root-relative name (not the absolute path of this checkout).
_REL = os.path.join("scripts", "make_test_models.py")
if os.environ.get("PYTHONHASHSEED") != "0" or globals().get("__file__") != _REL:
    os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    _boot = ("import sys; __file__ = %r; sys.argv[0] = __file__; "
             "exec(compile(open(__file__).read(), __file__, 'exec'))" % _REL)
    os.execve(sys.executable, [sys.executable, "-c", _boot] + sys.argv[1:],
              dict(os.environ, PYTHONHASHSEED="0"))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# The bootstrap above leaves us in the project root.
OUT = os.path.join("src", "test", "resources", "torchscript")

MEAN = 0.2860
STD = 0.3530
BATCH = 4
LABELS = [0, 1, 2, 3]


class TinyConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.pool1 = nn.AvgPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.pool2 = nn.AvgPool2d(2)
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)


class TinyBnNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.AvgPool2d(4)
        self.fc = nn.Linear(8 * 7 * 7, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.bn(self.conv(x))))
        x = torch.flatten(x, 1)
        return self.fc(x)


def save_scripted(model: nn.Module, name: str) -> None:
    model.eval()
    scripted = torch.jit.script(model)
    path = os.path.join(OUT, name)
    torch.jit.save(scripted, path)
    # Round-trip check: the saved file loads and gives the eager model's output.
    loaded = torch.jit.load(path)
    dtype = next(model.parameters()).dtype
    x = torch.zeros(1, 1, 28, 28, dtype=dtype)
    with torch.no_grad():
        assert torch.allclose(loaded(x), model(x)), name
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main() -> int:
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)

    convnet = TinyConvNet().float().eval()

    bn_net = TinyBnNet().float()
    # Give BatchNorm non-trivial running statistics (mean != 0, var != 1).
    bn_net.train()
    with torch.no_grad():
        for _ in range(5):
            bn_net(torch.rand(16, 1, 28, 28) * 2.0 + 0.5)
    bn_net.eval()
    # Also make the affine part non-trivial.
    with torch.no_grad():
        bn_net.bn.weight.uniform_(0.5, 1.5)
        bn_net.bn.bias.uniform_(-0.5, 0.5)

    convnet_f64 = TinyConvNet()
    convnet_f64.load_state_dict(convnet.state_dict())
    convnet_f64 = convnet_f64.double().eval()
    bn_net_f64 = TinyBnNet()
    bn_net_f64.load_state_dict(bn_net.state_dict())
    bn_net_f64 = bn_net_f64.double().eval()

    save_scripted(convnet, "tiny_convnet.pt")
    save_scripted(convnet_f64, "tiny_convnet_f64.pt")
    save_scripted(bn_net, "tiny_bn_net.pt")
    save_scripted(bn_net_f64, "tiny_bn_net_f64.pt")

    # Fixture inputs: seeded uniform [0,1), normalized like Fashion-MNIST.
    torch.manual_seed(1)
    raw = torch.rand(BATCH, 1, 28, 28, dtype=torch.float32)
    inputs32 = (raw - MEAN) / STD
    inputs64 = inputs32.double()  # exactly the float32 values, widened

    with torch.no_grad():
        conv_logits = convnet(inputs32).double()
        bn_logits = bn_net(inputs32).double()
        conv_logits_f64 = convnet_f64(inputs64)
        bn_logits_f64 = bn_net_f64(inputs64)

    x = inputs64.clone().requires_grad_(True)
    logp = F.log_softmax(convnet_f64(x), dim=1)
    y = torch.tensor(LABELS, dtype=torch.long)
    objective = logp[torch.arange(BATCH), y].sum()
    (grad,) = torch.autograd.grad(objective, x)

    fixture = {
        "torch_version": torch.__version__,
        "input_shape": [BATCH, 1, 28, 28],
        "normalization": {"mean": MEAN, "std": STD},
        "labels": LABELS,
        "inputs": inputs64.flatten().tolist(),
        "tiny_convnet_logits": conv_logits.flatten().tolist(),
        "tiny_bn_net_logits": bn_logits.flatten().tolist(),
        "tiny_convnet_input_grad": grad.flatten().tolist(),
        "tiny_convnet_f64_logits": conv_logits_f64.flatten().tolist(),
        "tiny_bn_net_f64_logits": bn_logits_f64.flatten().tolist(),
    }
    path = os.path.join(OUT, "fixture.json")
    with open(path, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
