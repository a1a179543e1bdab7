#!/usr/bin/python3
"""Write the bad-input corpus: files a user might hand DSV Studio, and what DSV Studio must answer.

Run with Debian's torch (python3-torch), from anywhere:

    /usr/bin/python3 scripts/make_bad_inputs.py

Writes src/test/resources/bad-inputs/: the files of every case and cases.json, one entry per case:
  id        short name
  what      what the case is, in words
  args      the command line (after "dsv-studio"); {dir} stands for the corpus folder, {tmp} for a fresh
            empty folder the test provides (outputs go there)
  expect    the exact line a user must see on stderr, after "dsv-studio: error: " ({dir} as above); the
            CLI must exit 2 with that one line. null for the cases that must work (exit 0).
  app       how the app's loading code meets the same input: "open" (Workbench.open of args[1] with the
            card flags) or "data" (Workbench.attachData of the --data folder, which reads the train split, so
            the data cases give the CLI --split train too); absent when the case is a CLI option
  setup     "chmod000": the test removes the read permission of args[1] first (meaningless as root)

Models are tiny TorchScript modules scripted with fixed seeds. The byte-level reproducibility trick of
make_test_models.py (PYTHONHASHSEED, relative file name) is reused so reruns give identical files.
"""
import json
import os
import shutil
import struct
import sys
import zipfile

_REL = os.path.join("scripts", "make_bad_inputs.py")
if os.environ.get("PYTHONHASHSEED") != "0" or globals().get("__file__") != _REL:
    os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    _boot = ("import sys; __file__ = %r; sys.argv[0] = __file__; "
             "exec(compile(open(__file__).read(), __file__, 'exec'))" % _REL)
    os.execve(sys.executable, [sys.executable, "-c", _boot] + sys.argv[1:],
              dict(os.environ, PYTHONHASHSEED="0"))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from typing import Dict, Tuple  # noqa: E402

OUT = os.path.join("src", "test", "resources", "bad-inputs")
DIGITS = "0,1,2,3,4,5,6,7,8,9"
CARD_FLAGS = ["--input-shape", "1,28,28", "--class-names", DIGITS, "--mean", "0.286", "--std", "0.353"]
GEN_CARD_FLAGS = CARD_FLAGS  # one flag for a bare .pt's class names in every command


class Conv(nn.Module):
    """A valid 1x28x28 -> 10 classifier, the base of most model cases."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 14 * 14, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(F.avg_pool2d(F.relu(self.conv(x)), 2).flatten(1))


class Wrapped(nn.Module):
    """A valid Conv inside, so the cases below differ from it only in their output (TorchScript has no super())."""

    def __init__(self):
        super().__init__()
        self.net = Conv()


class TupleOut(Wrapped):
    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        y = self.net(x)
        return y, y


class DictOut(Wrapped):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"logits": self.net(x)}


class FlatInput(nn.Module):
    """Expects N x 784, as an MLP exported without its flatten would."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x)


class NanOut(Wrapped):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x) * float("nan")


class InfOut(Wrapped):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x) / 0.0


class Rgb32(nn.Module):
    """A valid 3x32x32 -> 10 classifier: a user's RGB model meeting grey 28x28 data."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 16 * 16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(F.avg_pool2d(F.relu(self.conv(x)), 2).flatten(1))


class FirstRowOnly(Wrapped):
    """Classifies only the first image of a batch and repeats its logits for every row."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x[:1]).expand(x.size(0), 10)


class OneRow(Wrapped):
    """Returns 1 x K whatever the batch size (it averages the batch away)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).mean(0, keepdim=True)


class RowsMix(Wrapped):
    """Normalizes each batch by its own mean, like BatchNorm left in training mode: rows depend on each other."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x - x.mean(0, keepdim=True) + 0.5)


class NanLater(nn.Module):
    """Fine for its first `after` forward calls, NaN logits from then on: a run that goes bad mid-way."""

    def __init__(self, after: int):
        super().__init__()
        self.net = Conv()
        self.after = after
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        y = self.net(x)
        if self.calls > self.after:
            y = y * float("nan")
        return y


# ---- hostile models: a TorchScript file is a program (see ModelCodeCheck) ----------------------------
PWNED = "/tmp/dsv-studio-written-by-a-model"


class WritesFile(Wrapped):
    """Creates and writes a file of its choice when merely probed (torch.from_file with shared=True)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = torch.from_file("/tmp/dsv-studio-written-by-a-model", True, 64)
        return self.net(x) + t.sum() * 0


class ReadsFile(Wrapped):
    """Reads a file outside the model into its output."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = torch.from_file("/etc/hostname", False, 4, dtype=torch.uint8)
        return self.net(x) + t.float().sum() * 0


class Hangs(Wrapped):
    """Passes the code check and never returns: whether a while loop ends cannot be read off the code (TorchScript
    even writes `while True` as `_0 = True; while _0:`), so hangs are the worker's time limit's to catch."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.net(x)
        z = x
        while bool(z.sum() > -1.0):
            z = z + 1.0
        return y


class HangsLater(nn.Module):
    """Answers its first `after` forward calls (the probe passes), then never returns: a run that hangs mid-way."""

    def __init__(self, after: int):
        super().__init__()
        self.net = Conv()
        self.after = after
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        y = self.net(x)
        z = x
        while self.calls > self.after and bool(z.sum() > -1.0):
            z = z + 1.0
        return y


class EatsMemory(Wrapped):
    """Passes the code check and asks for ~50 GB inside forward (sized from the input, so no literal shows it)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        big = x.repeat([x.size(2) * 16384, 32, 1, 1]) + 1.0
        return self.net(x) + big.sum() * 0


class Prints(Wrapped):
    """Prints on every forward call (libtorch writes it to fd 1, where --json output goes)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        print("hello from the model")
        return self.net(x)


class Detached(Wrapped):
    """Cuts its output off the autograd graph: no gradient reaches the input."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).detach()


class IntOutput(Wrapped):
    """Returns class scores as integers (rounded logits)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.net(x) * 100).long()


class InPlaceInput(Wrapped):
    """Changes its input in place (x.clamp_), which autograd refuses on a leaf that requires grad."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x.clamp_(-1.0, 1.0)
        return self.net(x)


class EatsTerabytes(Wrapped):
    """Asks for ~12 TB inside forward: more than any machine has, so the allocation fails everywhere."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        big = x.repeat([x.size(2) * 4194304, 32, 1, 1]) + 1.0
        return self.net(x) + big.sum() * 0


def rewrite_entry(src, dst, suffix, fn):
    """Copies a TorchScript archive under a new name, with the entry ending in suffix replaced by fn(bytes)."""
    stem = os.path.splitext(os.path.basename(dst))[0]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        prefix = zin.namelist()[0].split("/")[0]
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(suffix):
                data = fn(data)
            zout.writestr(fixed(item.filename.replace(prefix + "/", stem + "/", 1)), data)


def script(module, name):
    torch.manual_seed(0)
    m = module()
    m.eval()
    path = os.path.join(OUT, name)
    torch.jit.save(torch.jit.script(m), path)
    return path


def fixed(name):
    """A zip entry with a fixed timestamp, so reruns write the same bytes."""
    return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))


def idx_images(path, count, rows, cols, magic=0x00000803, body=None):
    with open(path, "wb") as f:
        f.write(struct.pack(">IIII", magic, count, rows, cols))
        f.write(body if body is not None else bytes(count * rows * cols))


def idx_labels(path, labels):
    with open(path, "wb") as f:
        f.write(struct.pack(">II", 0x00000801, len(labels)))
        f.write(bytes(labels))


def png(path, side=8):
    # a grey PNG (side x side), written by hand so the corpus needs no imaging library
    import zlib
    raw = b"".join(b"\x00" + bytes([128] * side) for _ in range(side))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    cases = []

    def case(id, what, args, expect, app=None, setup=None):
        entry = {"id": id, "what": what, "args": args, "expect": expect}
        if app:
            entry["app"] = app
        if setup:
            entry["setup"] = setup
        cases.append(entry)

    # ---- model files -------------------------------------------------------------------------------
    good = script(Conv, "good.pt")
    open(os.path.join(OUT, "empty.pt"), "wb").close()
    case("empty-file", "an empty .pt", ["info", "{dir}/empty.pt"] + CARD_FLAGS,
         "not a loadable TorchScript model: empty.pt is empty (0 bytes)", app="open")
    with open(os.path.join(OUT, "random.pt"), "wb") as f:
        f.write(bytes((i * 73 + 41) % 256 for i in range(4096)))
    case("random-bytes", "4 KiB of noise named .pt", ["info", "{dir}/random.pt"] + CARD_FLAGS,
         "not a loadable TorchScript model: random.pt is not a TorchScript archive (no zip header)", app="open")
    data = open(good, "rb").read()
    with open(os.path.join(OUT, "truncated.pt"), "wb") as f:
        f.write(data[: len(data) // 2])
    case("truncated", "the first half of a valid TorchScript file", ["info", "{dir}/truncated.pt"] + CARD_FLAGS,
         "not a loadable TorchScript model: truncated.pt is a damaged or truncated zip archive", app="open")
    with zipfile.ZipFile(os.path.join(OUT, "not-torchscript.pt"), "w") as z:
        z.writestr(fixed("notes/readme.txt"), "just a zip")
    case("zip-not-torchscript", "a valid zip without a TorchScript archive inside",
         ["info", "{dir}/not-torchscript.pt"] + CARD_FLAGS,
         "not a loadable TorchScript model: not-torchscript.pt is a zip archive without TorchScript code"
         " (no */data.pkl)", app="open")
    with zipfile.ZipFile(os.path.join(OUT, "zip-slip.pt"), "w") as z:
        for info_name in ["archive/data.pkl", "../../escaped.txt"]:
            z.writestr(fixed(info_name), "x")
    case("zip-escape", "a zip whose entries point outside the folder (../../escaped.txt)",
         ["info", "{dir}/zip-slip.pt"] + CARD_FLAGS,
         "not a loadable TorchScript model: zip-slip.pt has an entry that escapes the archive"
         " (../../escaped.txt)", app="open")
    script(TupleOut, "tuple-output.pt")
    case("tuple-output", "a model returning a tuple (logits, logits)", ["info", "{dir}/tuple-output.pt"] + CARD_FLAGS,
         "tuple-output.pt returns a tuple, not one N×K tensor of logits: export the classifier so that forward"
         " returns only the logits", app="open")
    script(DictOut, "dict-output.pt")
    case("dict-output", "a model returning a dict {'logits': ...}", ["info", "{dir}/dict-output.pt"] + CARD_FLAGS,
         "dict-output.pt returns a dict, not one N×K tensor of logits: export the classifier so that forward"
         " returns only the logits", app="open")
    script(FlatInput, "flat-input.pt")
    case("flat-input", "a model expecting a flat 784-vector, given 1×28×28 images",
         ["info", "{dir}/flat-input.pt"] + CARD_FLAGS,
         "flat-input.pt rejected an input of shape 1×1×28×28 (--input-shape 1,28,28): the model may expect another"
         " shape (libtorch: mat1 and mat2 shapes cannot be multiplied (28x28 and 784x10))", app="open")
    script(NanOut, "nan-output.pt")
    case("nan-output", "a model whose logits are NaN", ["info", "{dir}/nan-output.pt"] + CARD_FLAGS,
         "nan-output.pt returns NaN or infinite logits for a blank (all-zero) input: its weights or its code are"
         " broken", app="open")
    script(InfOut, "inf-output.pt")
    case("inf-output", "a model whose logits are infinite", ["info", "{dir}/inf-output.pt"] + CARD_FLAGS,
         "inf-output.pt returns NaN or infinite logits for a blank (all-zero) input: its weights or its code are"
         " broken", app="open")
    case("class-count", "10 logits but 3 class names", ["info", "{dir}/good.pt", "--input-shape", "1,28,28",
                                                         "--class-names", "a,b,c", "--mean", "0.5", "--std", "0.5"],
         "good.pt returns 10 logits but the card names 3 classes", app="open")
    case("wrong-input-shape", "a 1×28×28 model told it takes 3×32×32",
         ["info", "{dir}/good.pt", "--input-shape", "3,32,32", "--class-names", DIGITS, "--mean", "0.5", "--std", "0.5"],
         "good.pt rejected an input of shape 1×3×32×32 (--input-shape 3,32,32): the model may expect another"
         " shape (libtorch: Given groups=1, weight of size [4, 1, 3, 3], expected input[1, 3, 32, 32] to have"
         " 1 channels, but got 3 channels instead)", app="open")
    case("non-image-rank", "an input shape that is not C,H,W", ["info", "{dir}/good.pt", "--input-shape", "784",
                                                                "--class-names", DIGITS, "--mean", "0.5", "--std", "0.5"],
         "--input-shape needs three numbers C,H,W, got '784'")
    case("huge-input", "a declared input of 3×100000×100000 (120 GB per image)",
         ["info", "{dir}/good.pt", "--input-shape", "3,100000,100000", "--class-names", DIGITS, "--mean", "0.5",
          "--std", "0.5"],
         "input shape 3×100000×100000 is too large: one image would take 120.0 GB (the limit is 64 MB per image)")

    # ---- model cards and folders -------------------------------------------------------------------
    os.makedirs(os.path.join(OUT, "card-missing-fields"))
    shutil.copy(good, os.path.join(OUT, "card-missing-fields", "model.pt"))
    with open(os.path.join(OUT, "card-missing-fields", "model.json"), "w") as f:
        json.dump({"name": "half a card", "architecture": "torchscript", "weightsFile": "model.pt"}, f)
    case("card-missing-fields", "a model.json without input shape, classes or normalization",
         ["info", "{dir}/card-missing-fields"],
         "model card needs 'inputShape' as [C, H, W] ({dir}/card-missing-fields/model.json)", app="open")
    os.makedirs(os.path.join(OUT, "card-garbled"))
    shutil.copy(good, os.path.join(OUT, "card-garbled", "model.pt"))
    with open(os.path.join(OUT, "card-garbled", "model.json"), "w") as f:
        f.write('{"name": "garbled", "architecture": "torchscript", "inputShape": [1, 28')
    case("card-garbled", "a model.json cut off in the middle", ["info", "{dir}/card-garbled"],
         "model card {dir}/card-garbled/model.json is not valid JSON: Unexpected end-of-input: expected close"
         " marker for Array (line 1, column 72)", app="open")
    os.makedirs(os.path.join(OUT, "unreadable"))
    shutil.copy(good, os.path.join(OUT, "unreadable", "model.pt"))
    case("unreadable", "a model file without read permission (the test removes it; root reads anyway)",
         ["info", "{dir}/unreadable/model.pt"] + CARD_FLAGS,
         "model not readable (permissions): {dir}/unreadable/model.pt", app="open", setup="chmod000")
    os.makedirs(os.path.join(OUT, "empty-folder"))
    with open(os.path.join(OUT, "empty-folder", ".keep"), "w") as f:
        f.write("")
    case("folder-not-model", "a folder with neither model.json nor a .pt", ["info", "{dir}/empty-folder"],
         "not a model folder (no model.json): {dir}/empty-folder", app="open")
    case("folder-as-config", "a folder given where a config file is expected",
         ["generate", "{dir}/good.pt", "--per-class", "1", "--steps", "1", "--out", "{tmp}/out", "--config",
          "{dir}/empty-folder"] + GEN_CARD_FLAGS,
         "--config {dir}/empty-folder is a folder, not a JSON file")

    # ---- data --------------------------------------------------------------------------------------
    d = os.path.join(OUT, "idx-bad-magic")
    os.makedirs(d)
    idx_images(os.path.join(d, "train-images-idx3-ubyte"), 2, 28, 28, magic=0x00000999)
    idx_labels(os.path.join(d, "train-labels-idx1-ubyte"), [0, 1])
    case("idx-wrong-magic", "IDX images with a wrong magic number",
         ["evaluate", "{dir}/good.pt", "--split", "train", "--data", "{dir}/idx-bad-magic"] + CARD_FLAGS,
         "{dir}/idx-bad-magic/train-images-idx3-ubyte: not an IDX3 image file: magic number 0x00000999, expected"
         " 0x00000803", app="data")
    d = os.path.join(OUT, "idx-truncated")
    os.makedirs(d)
    idx_images(os.path.join(d, "train-images-idx3-ubyte"), 10, 28, 28, body=bytes(100))
    idx_labels(os.path.join(d, "train-labels-idx1-ubyte"), list(range(10)))
    case("idx-truncated", "IDX images whose body is shorter than the header says",
         ["evaluate", "{dir}/good.pt", "--split", "train", "--data", "{dir}/idx-truncated"] + CARD_FLAGS,
         "{dir}/idx-truncated/train-images-idx3-ubyte: truncated: 10 images of 28×28 need 7840 bytes after the"
         " header, found 100", app="data")
    d = os.path.join(OUT, "cifar-wrong-length")
    os.makedirs(d)
    with open(os.path.join(d, "data_batch_1.bin"), "wb") as f:
        f.write(bytes(3073 * 2 + 100))
    case("cifar-wrong-length", "a CIFAR-10 batch whose length is not a multiple of 3073 bytes",
         ["evaluate", "{dir}/good.pt", "--split", "train", "--data", "{dir}/cifar-wrong-length"] + CARD_FLAGS,
         "{dir}/cifar-wrong-length/data_batch_1.bin: length 6246 is not a positive multiple of the 3073-byte"
         " record size (1 label byte + 3072 pixel bytes)", app="data")
    d = os.path.join(OUT, "images-non-image")
    for cls in ["cat", "dog"]:
        os.makedirs(os.path.join(d, cls))
        png(os.path.join(d, cls, "1.png"))
    with open(os.path.join(d, "dog", "notes.txt"), "w") as f:
        f.write("not an image\n")
    case("image-folder-non-image", "an image folder with a text file among the images",
         ["evaluate", "{dir}/good.pt", "--split", "train", "--data", "{dir}/images-non-image"] + CARD_FLAGS,
         "not an image: {dir}/images-non-image/dog/notes.txt", app="data")
    d = os.path.join(OUT, "images-empty-class")
    os.makedirs(os.path.join(d, "cat"))
    os.makedirs(os.path.join(d, "dog"))
    png(os.path.join(d, "cat", "1.png"))
    with open(os.path.join(d, "dog", ".keep"), "w") as f:
        f.write("")
    case("image-folder-empty-class", "an image folder with a class folder holding no images",
         ["evaluate", "{dir}/good.pt", "--split", "train", "--data", "{dir}/images-empty-class"] + CARD_FLAGS,
         "{dir}/images-empty-class/dog: class 'dog' has no images", app="data")

    # ---- round 2: data whose classes or images would silently give wrong results -----------------------
    d = os.path.join(OUT, "images-other-names")
    for cls in ["cat", "dog"]:
        os.makedirs(os.path.join(d, cls))
        png(os.path.join(d, cls, "1.png"), 28)
    case("image-folder-class-names", "class folders named unlike any class of the model (once matched by position)",
         ["evaluate", "{dir}/good.pt", "--data", "{dir}/images-other-names"] + CARD_FLAGS,
         "the data's classes do not match the model's: no model class for 'cat', 'dog'. The data has 'cat', 'dog';"
         " the model has '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'. Name each class folder after a model"
         " class, or map them with --class-map FILE (one 'folder = model class' per line)")
    with open(os.path.join(OUT, "class-map.txt"), "w") as f:
        f.write("# folder = model class\ncat = 3\ndog = 5\n")
    case("image-folder-class-map", "the same folders mapped to the model's classes by a --class-map file (must work)",
         ["evaluate", "{dir}/good.pt", "--data", "{dir}/images-other-names", "--class-map", "{dir}/class-map.txt"]
         + CARD_FLAGS, None)
    with open(os.path.join(OUT, "class-map-garbled.txt"), "w") as f:
        f.write("cat 3\n")
    case("class-map-garbled", "a --class-map line without '='",
         ["evaluate", "{dir}/good.pt", "--data", "{dir}/images-other-names", "--class-map",
          "{dir}/class-map-garbled.txt"] + CARD_FLAGS,
         "{dir}/class-map-garbled.txt: line 1 is not 'data class = model class': cat 3")
    d = os.path.join(OUT, "images-truncated-png")
    for cls in ["3", "5"]:
        os.makedirs(os.path.join(d, cls))
        png(os.path.join(d, cls, "1.png"), 28)
    with open(os.path.join(d, "5", "1.png"), "rb") as f:
        whole = f.read()
    with open(os.path.join(d, "5", "1.png"), "wb") as f:
        f.write(whole[:len(whole) - 20])
    case("truncated-png", "a PNG cut off before its end among the images (once read as black rows)",
         ["evaluate", "{dir}/good.pt", "--split", "train", "--data", "{dir}/images-truncated-png"] + CARD_FLAGS,
         "{dir}/images-truncated-png/5/1.png: a PNG cut off before its end (no IEND chunk): the file is incomplete",
         app="data")
    case("explain-truncated-png", "explaining a truncated PNG (once explained as a black image, exit 0)",
         ["explain", "{dir}/good.pt", "{dir}/images-truncated-png/5/1.png", "--out", "{tmp}/out"] + CARD_FLAGS,
         "{dir}/images-truncated-png/5/1.png: a PNG cut off before its end (no IEND chunk): the file is incomplete")
    d = os.path.join(OUT, "idx-no-images")
    os.makedirs(d)
    idx_images(os.path.join(d, "train-images-idx3-ubyte"), 0, 28, 28)
    idx_labels(os.path.join(d, "train-labels-idx1-ubyte"), [])
    case("idx-no-images", "IDX files holding 0 images (once 'Accuracy NaN %', exit 0)",
         ["evaluate", "{dir}/good.pt", "--split", "train", "--data", "{dir}/idx-no-images"] + CARD_FLAGS,
         "{dir}/idx-no-images: the train split holds no images", app="data")
    case("boundary-huge-extent", "a plane window 1e300 times the anchors' span (once a 100 % one-class plane of NaN)",
         ["boundary", "{dir}/good.pt", "--anchors", "{dir}/images-other-names/cat/1.png,{dir}/images-other-names/dog/1.png,{dir}/images-truncated-png/3/1.png", "--extent", "1e300", "--out", "{tmp}/out"] + CARD_FLAGS,
         "--extent must be a number in (0, 1000], got 1.0E300")

    # ---- round 2: outputs that would mix, vanish or land in the wrong place ---------------------------
    gen1 = ["generate", "{dir}/good.pt", "--steps", "1", "--per-class", "1"] + GEN_CARD_FLAGS
    case("out-root", "--out / (once wrote the run's files into the root folder)", gen1 + ["--out", "/"],
         "will not write a run into /: it is the file system root; name a folder for the run (e.g. --out dsvs)")
    case("out-other-files", "--out a folder of someone's files (once mixed the run into them)",
         gen1 + ["--out", "{dir}/images-other-names"],
         "{dir}/images-other-names holds other files (no dsvs.json): DSV Studio writes a run only into a new or"
         " empty folder or over its own earlier output, so that nothing of yours is replaced")
    case("out-is-file", "--out an existing file", gen1 + ["--out", "{dir}/class-map.txt"],
         "{dir}/class-map.txt is a file, not a folder: name a folder for the run")

    # ---- round 2: class names and card values that broke files, captions or memory --------------------
    def card_with(classes, mean="0.286", std="0.353"):
        return ["--input-shape", "1,28,28", "--class-names", classes, "--mean", mean, "--std", std]
    with open(os.path.join(OUT, "class-names-long.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(["0", "1", "2", "x" * 5000, "4", "5", "6", "7", "8", "9"]) + "\n")
    case("class-name-long", "a class name of 5 000 characters (once broke file names after the run)",
         ["info", "{dir}/good.pt"] + card_with("@{dir}/class-names-long.txt"),
         "class name 3 is 5000 characters long (at most 200)")
    case("class-name-newline", "a class name with a newline (once broke the gallery's captions)",
         ["info", "{dir}/good.pt"] + card_with("0,1\nb,2,3,4,5,6,7,8,9"),
         "class name 1 contains the control character U+000A: class names are shown in one line")
    os.makedirs(os.path.join(OUT, "card-class-newline"))
    shutil.copy(good, os.path.join(OUT, "card-class-newline", "model.pt"))
    with open(os.path.join(OUT, "card-class-newline", "model.json"), "w") as f:
        json.dump({"name": "newline", "architecture": "torchscript", "weightsFile": "model.pt",
                   "inputShape": [1, 28, 28], "classNames": ["0", "1\nb"] + DIGITS.split(",")[2:],
                   "mean": [0.286], "std": [0.353]}, f)
    case("card-class-newline", "a model.json whose class name holds a newline", ["info", "{dir}/card-class-newline"],
         "class name 1 contains the control character U+000A: class names are shown in one line"
         " ({dir}/card-class-newline/model.json)", app="open")
    case("class-name-twice", "two classes of the same name (names are how data and judges are matched)",
         ["info", "{dir}/good.pt"] + card_with("0,1,1,3,4,5,6,7,8,9"),
         "class name '1' appears twice: each class needs its own name")
    case("class-names-rtl-slash", "right-to-left, '/' and '..' class names (must work, files stay in --out)",
         ["generate", "{dir}/good.pt", "--steps", "1", "--per-class", "1", "--out", "{tmp}/out", "--input-shape",
          "1,28,28", "--class-names", "../up,a/b,שמלה,מכנסיים,فستان,5,6,7,8,9", "--mean", "0.286", "--std", "0.353"],
         None)
    case("card-mean-huge", "a normalization mean of 1e308", ["info", "{dir}/good.pt"] + card_with(DIGITS, mean="1e308"),
         "model card 'mean' must be between -1000 and 1000 (pixel values are in [0, 1]), got 1.0E308", app="open")
    case("card-std-tiny", "a normalization std of 1e-308", ["info", "{dir}/good.pt"] + card_with(DIGITS, std="1e-308"),
         "model card 'std' must be between 1e-6 and 1e6 (pixel values are in [0, 1]), got 1.0E-308", app="open")
    os.makedirs(os.path.join(OUT, "card-width-huge"))
    with open(os.path.join(OUT, "card-width-huge", "model.json"), "w") as f:
        json.dump({"name": "wide", "architecture": "convnet", "width": 1000000, "weightsFile": "weights.params",
                   "inputShape": [1, 28, 28], "classNames": DIGITS.split(","), "mean": [0.286], "std": [0.353]}, f)
    case("card-width-huge", "a convnet card of width 1 000 000 (once an OutOfMemoryError with a stack trace)",
         ["info", "{dir}/card-width-huge"],
         "model card 'width' must be 1..4096, got 1000000 ({dir}/card-width-huge/model.json)", app="open")

    # ---- round 2: flags and card values that exhausted memory or were silently accepted ---------------
    case("per-class-huge", "--per-class 100000 (once an OutOfMemoryError with a stack trace)",
         ["generate", "{dir}/good.pt", "--steps", "1", "--per-class", "100000", "--out", "{tmp}/out"] + GEN_CARD_FLAGS,
         "1,000,000 candidates (100000 per class) of 1×28×28 need about 37.6 GB for their images alone; this"
         " process may use {number} GB: ask for fewer per class")
    case("explain-steps-huge", "explain --steps 2000000000 (once an OutOfMemoryError)",
         ["explain", "{dir}/good.pt", "{dir}/images-other-names/cat/1.png", "--steps", "2000000000", "--out",
          "{tmp}/out"] + CARD_FLAGS,
         "--steps and --samples must be at most 10000 and --sigma at most 10 (got 2000000000, 32, 0.15)")
    case("blur-sigma-huge", "explain --blur-sigma 1e7 (once hung)",
         ["explain", "{dir}/good.pt", "{dir}/images-other-names/cat/1.png", "--baseline", "blurred", "--blur-sigma",
          "1e7", "--out", "{tmp}/out"] + CARD_FLAGS,
         "--blur-sigma must be a number of pixels in (0, 1000], got 1.0E7")
    case("blur-sigma-infinite", "explain --blur-sigma Infinity (once 'internal error')",
         ["explain", "{dir}/good.pt", "{dir}/images-other-names/cat/1.png", "--baseline", "blurred", "--blur-sigma",
          "Infinity", "--out", "{tmp}/out"] + CARD_FLAGS,
         "--blur-sigma must be a number of pixels in (0, 1000], got Infinity")
    case("lambda-scale-negative", "--lambda-scale -5 (once accepted as auto)",
         gen1 + ["--out", "{tmp}/out", "--lambda-scale", "-5"],
         "lambdaScale must be 0 (auto) or a positive number up to 1e12, got -5.0")
    case("lr-x-huge", "--lr-x 1e308 (once accepted)", gen1 + ["--out", "{tmp}/out", "--lr-x", "1e308"],
         "lrX must be at most 100, got 1.0E308")
    os.makedirs(os.path.join(OUT, "card-shape-fraction"))
    shutil.copy(good, os.path.join(OUT, "card-shape-fraction", "model.pt"))
    with open(os.path.join(OUT, "card-shape-fraction", "model.json"), "w") as f:
        f.write('{"name": "fraction", "architecture": "torchscript", "weightsFile": "model.pt", "inputShape": [1.5, 28,'
                ' 28], "classNames": ' + json.dumps(DIGITS.split(",")) + ', "mean": [0.286], "std": [0.353]}')
    case("card-shape-fraction", "a model.json with inputShape [1.5, 28, 28] (once read as 1)",
         ["info", "{dir}/card-shape-fraction"], "model card {dir}/card-shape-fraction/model.json is not valid JSON:"
         " 'inputShape': a whole number is needed, got 1.5 (line 1, column 95)", app="open")

    case("device-gpu-none", "--device gpu on a machine without one (once 'internal error', exit 1)",
         ["info", "{dir}/good.pt", "--device", "gpu"] + CARD_FLAGS,
         "--device gpu was asked for, but libtorch sees no GPU (the bundled natives are CPU-only; see README,"
         " 'Using a GPU')")

    zb = os.path.join(OUT, "zip-bomb.pt")
    with zipfile.ZipFile(good) as zin:
        prefix = zin.namelist()[0].split("/")[0]
    # the archive of good.pt plus one deflated entry: 300 MB of zeros in a few hundred KB
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(zb, "w") as zout:
        for item in zin.infolist():
            zout.writestr(fixed(item.filename), zin.read(item.filename), compress_type=zipfile.ZIP_STORED)
        info = fixed(prefix + "/data/99")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zout.open(info, "w", force_zip64=True) as big:
            chunk = bytes(1 << 20)
            for _ in range(300):
                big.write(chunk)
    case("zip-bomb", "a 0.3 MB .pt that inflates to 315 MB (once accepted and unpacked)",
         ["info", "{dir}/zip-bomb.pt"] + CARD_FLAGS,
         "not a loadable TorchScript model: zip-bomb.pt unpacks to 315 MB from %.1f MB (%.0f:1); TorchScript weights"
         " are stored, not compressed, so this is no model's archive", app="open")
    sizes = os.path.getsize(zb)
    cases[-1]["expect"] = cases[-1]["expect"] % (sizes / 1e6, (314572800 + sum(
        i.file_size for i in zipfile.ZipFile(good).infolist())) / sizes)

    import gzip
    d = os.path.join(OUT, "idx-gzip-bomb")
    os.makedirs(d)
    with gzip.GzipFile(os.path.join(d, "train-images-idx3-ubyte.gz"), "wb", mtime=0) as f:
        f.write(struct.pack(">IIII", 0x00000803, 150000, 28, 28))
        chunk = bytes(784 * 1000)
        for _ in range(150):
            f.write(chunk)
    idx_labels(os.path.join(d, "train-labels-idx1-ubyte"), [0] * 10)
    gz = os.path.getsize(os.path.join(d, "train-images-idx3-ubyte.gz"))
    case("idx-gzip-bomb", "a small gzip IDX that promises 118 MB of pixels (once read for minutes)",
         ["evaluate", "{dir}/good.pt", "--split", "train", "--data", "{dir}/idx-gzip-bomb"] + CARD_FLAGS,
         "{dir}/idx-gzip-bomb/train-images-idx3-ubyte.gz: header promises 118 MB of pixels from a %.1f MB file"
         " (%.0f:1): more than image data compresses; the file is not a data set" % (gz / 1e6, 117600000 / gz),
         app="data")

    case("classes-old-name", "info with --classes for a bare .pt's names (its name before --class-names everywhere)",
         ["info", "{dir}/good.pt", "--input-shape", "1,28,28", "--classes", DIGITS, "--mean", "0.286", "--std",
          "0.353"],
         "the class names of a bare .pt are given with --class-names (--classes is generate's choice of classes to"
         " generate for)")

    # ---- round 2: data that does not fit the model is converted, and says so ----------------------------
    script(Rgb32, "rgb32.pt")
    d = os.path.join(OUT, "idx-digits")
    os.makedirs(d)
    idx_images(os.path.join(d, "train-images-idx3-ubyte"), 10, 28, 28, body=bytes(range(256)) * 30 + bytes(160))
    idx_labels(os.path.join(d, "train-labels-idx1-ubyte"), list(range(10)))
    case("grey-data-rgb-model", "grey 28×28 data for an RGB 32×32 model (once refused as 'images of another size'"
         " everywhere but Explain; must work, converted)",
         ["evaluate", "{dir}/rgb32.pt", "--split", "train", "--data", "{dir}/idx-digits", "--input-shape", "3,32,32",
          "--class-names", DIGITS, "--mean", "0.5", "--std", "0.25"], None)
    case("grey-data-rgb-model-start", "a run of the RGB 32×32 model from grey 28×28 real images (must work)",
         ["generate", "{dir}/rgb32.pt", "--init", "real", "--data", "{dir}/idx-digits", "--steps", "1",
          "--per-class", "1", "--out", "{tmp}/out", "--input-shape", "3,32,32", "--class-names", DIGITS, "--mean",
          "0.5", "--std", "0.25"], None)

    # a PNG whose header says 40 000 × 40 000 (its data is a few bytes): refused from the header, nothing decoded
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(os.path.join(OUT, "huge.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40000, 40000, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))
    case("png-huge", "a PNG whose header declares 40 000 × 40 000 pixels (once 'Invalid scanline stride'; 23 000² used"
         " 3.5 GB)", ["explain", "{dir}/good.pt", "{dir}/huge.png", "--out", "{tmp}/out"] + CARD_FLAGS,
         "{dir}/huge.png: an image of 40000×40000 pixels (at most 67108864 pixels are read)")

    # ---- round 2: models whose rows do not follow their images ---------------------------------------
    script(FirstRowOnly, "first-row-only.pt")
    case("first-row-only", "a model that classifies only the first image of a batch (once: DSVs with all-equal logits)",
         ["info", "{dir}/first-row-only.pt"] + CARD_FLAGS,
         "first-row-only.pt gives the same logits to two different images in one batch: it reads only the first"
         " image (or none); DSV Studio needs one row of logits per image", app="open")
    script(OneRow, "one-row.pt")
    case("one-row", "a model that returns 1×K for any batch",
         ["info", "{dir}/one-row.pt"] + CARD_FLAGS,
         "one-row.pt returns shape (1, 10) for a batch of two images; DSV Studio needs one row of 10 logits per"
         " image", app="open")
    script(RowsMix, "rows-mix.pt")
    case("rows-mix", "a model whose rows depend on each other (batch statistics, as BatchNorm in training mode)",
         ["info", "{dir}/rows-mix.pt"] + CARD_FLAGS,
         "rows-mix.pt gives an image other logits in a batch than alone: its rows depend on each other (BatchNorm"
         " in training mode? save it after model.eval())", app="open")

    # ---- DeepKKT configuration ---------------------------------------------------------------------
    gen = ["generate", "{dir}/good.pt", "--steps", "1", "--out", "{tmp}/out"] + GEN_CARD_FLAGS
    case("negative-weight", "a negative primal weight", gen + ["--per-class", "1", "--primal-weight", "-1"],
         "primalWeight must be a finite number ≥ 0, got -1.0")
    case("nan-weight", "a NaN stationarity weight", gen + ["--per-class", "1", "--stationarity-weight", "NaN"],
         "stationarityWeight must be a finite number ≥ 0, got NaN")
    case("zero-steps", "zero steps", ["generate", "{dir}/good.pt", "--steps", "0", "--per-class", "1", "--out",
                                      "{tmp}/out"] + GEN_CARD_FLAGS,
         "steps must be at least 1, got 0")
    case("zero-candidates", "zero candidates per class", gen + ["--per-class", "0"],
         "--per-class must be at least 1")
    case("soft-label-sum", "a class mix whose weights do not sum to 1", gen + ["--per-class", "1", "--mix", "3:0.3,8:0.3"],
         "--mix weights must sum to 1, they sum to 0.6")
    case("unknown-preset", "a preset that does not exist", gen + ["--per-class", "1", "--preset", "fast"],
         "unknown preset 'fast' (choose one of [quick, standard, paper])")
    with open(os.path.join(OUT, "config-garbled.json"), "w") as f:
        f.write('{"steps": 10, "primalWeight": ')
    case("config-garbled", "a --config file that is not valid JSON", gen + ["--per-class", "1", "--config",
                                                                         "{dir}/config-garbled.json"],
         "--config {dir}/config-garbled.json is not valid JSON: Unexpected end-of-input within/between Object"
         " entries (line 1, column 31)")

    # ---- hostile models: refused before libtorch sees them, nothing runs --------------------------------
    script(WritesFile, "writes-file.pt")
    case("writes-file", "a model whose forward creates and writes a file (torch.from_file, shared)",
         ["info", "{dir}/writes-file.pt"] + CARD_FLAGS,
         "refused to run writes-file.pt: the operator torch.from_file reads or writes files (in code/__torch__.py);"
         " a classifier does not need it. Open it anyway only if you trust its author (--trust-model-code)",
         app="open")
    script(ReadsFile, "reads-file.pt")
    case("reads-file", "a model whose forward reads /etc/hostname into its output",
         ["info", "{dir}/reads-file.pt"] + CARD_FLAGS,
         "refused to run reads-file.pt: the operator torch.from_file reads or writes files (in code/__torch__.py);"
         " a classifier does not need it. Open it anyway only if you trust its author (--trust-model-code)",
         app="open")
    depth = 100000
    rewrite_entry(good, os.path.join(OUT, "deep-code.pt"), "code/__torch__.py", lambda b: b.replace(
        b"return (fc).forward(", b"return (fc).forward(" + b"(" * depth + b"_0" + b")" * depth + b", ", 1)
        if b"(fc).forward(_0, )" in b else b.replace(b"(fc).forward(_1, )", b"(fc).forward(" + b"(" * depth
        + b"_1" + b")" * depth + b", )", 1))
    case("deep-code", "code nested 100 000 brackets deep (kills libtorch's parser with SIGSEGV)",
         ["info", "{dir}/deep-code.pt"] + CARD_FLAGS,
         "refused to run deep-code.pt: code nests brackets more than 100 levels deep (in code/__torch__.py);"
         " a classifier does not need it. Open it anyway only if you trust its author (--trust-model-code)",
         app="open")
    rewrite_entry(good, os.path.join(OUT, "deep-pickle.pt"), "/data.pkl",
                  lambda b: b"\x80\x02" + b"(" * 1000000 + b")" + b"t" * 1000000 + b".")
    case("deep-pickle", "a data.pkl of a million nested tuples (kills libtorch's unpickler with SIGSEGV)",
         ["info", "{dir}/deep-pickle.pt"] + CARD_FLAGS,
         "refused to run deep-pickle.pt: objects nest more than 1000 levels deep (in data.pkl); a classifier does"
         " not need it. Open it anyway only if you trust its author (--trust-model-code)", app="open")
    os.makedirs(os.path.join(OUT, "card-weights-outside"))
    with open(os.path.join(OUT, "card-weights-outside", "model.json"), "w") as f:
        json.dump({"name": "points elsewhere", "architecture": "torchscript", "weightsFile": "../good.pt",
                   "inputShape": [1, 28, 28], "classNames": DIGITS.split(","), "mean": [0.286], "std": [0.353]}, f)
    case("card-weights-outside", "a model.json whose weightsFile is ../good.pt", ["info", "{dir}/card-weights-outside"],
         "model card {dir}/card-weights-outside/model.json names weights outside its folder (weightsFile"
         " '../good.pt'); a card may only name a file beside it", app="open")

    # ---- models that pass the code check and cannot be used: said in one line, no traceback ----------------
    script(Prints, "prints.pt")
    case("prints", "a model that prints on every forward call (once broke info --json: libtorch prints to stdout)",
         ["info", "{dir}/prints.pt"] + CARD_FLAGS,
         "refused to run prints.pt: the operator print prints (in code/__torch__.py); a classifier does not need"
         " it. Open it anyway only if you trust its author (--trust-model-code)", app="open")
    case("prints-trusted-json", "the printing model trusted, with --json (stdout must stay the JSON alone:"
         " ReservedStdoutTest runs it in a process of its own)",
         ["info", "{dir}/prints.pt", "--json", "--trust-model-code"] + CARD_FLAGS, None)
    script(EatsTerabytes, "eats-terabytes.pt")
    case("eats-terabytes", "a model that asks for 12 TB in its forward pass (once blamed on the input shape)",
         ["info", "{dir}/eats-terabytes.pt"] + CARD_FLAGS,
         "eats-terabytes.pt asked for 11.8 TB at once when run on one image, and libtorch could not allocate it:"
         " a classifier of this input size needs far less, so its code or its card (--input-shape) is wrong",
         app="open")
    script(Detached, "detached.pt")
    case("detached", "a model that detaches its output (once 'internal error' and a TorchScript traceback at the"
         " first step)", ["generate", "{dir}/detached.pt", "--per-class", "1", "--steps", "2", "--out",
                          "{dir}/out-detached"] + CARD_FLAGS,
         "detached.pt cuts its output off from its input (a detach(), no_grad or a step without gradient): DSV"
         " Studio needs the gradient of the logits with respect to the image", app="open")
    script(IntOutput, "int-output.pt")
    case("int-output", "a model that returns int64 scores (once 'internal error: log_softmax … not implemented"
         " for Long')", ["generate", "{dir}/int-output.pt", "--per-class", "1", "--steps", "2", "--out",
                         "{dir}/out-int-output"] + CARD_FLAGS,
         "int-output.pt returns its class scores as int64; DSV Studio needs floating-point logits (return them"
         " before any rounding or argmax)", app="open")
    script(InPlaceInput, "in-place.pt")
    case("in-place", "a model that clamps its input in place (once 'internal error' and a TorchScript traceback)",
         ["generate", "{dir}/in-place.pt", "--per-class", "1", "--steps", "2", "--out", "{dir}/out-in-place"]
         + CARD_FLAGS,
         "in-place.pt changes its input in place (libtorch: a leaf Variable that requires grad is being used in an"
         " in-place operation.); DSV Studio differentiates through the model, so it must leave its input as it is"
         " (x = x.clone() first)", app="open")

    # ---- not CLI cases: models that pass the code check and misbehave when run (the worker tests) ----------
    script(Hangs, "hangs.pt")
    script(EatsMemory, "eats-memory.pt")
    torch.manual_seed(0)
    hangs_later = HangsLater(4)
    hangs_later.eval()
    torch.jit.save(torch.jit.script(hangs_later), os.path.join(OUT, "hangs-later.pt"))

    # ---- not a CLI case: the model of the NaN-run test (KktJobTest), fine for its first 12 forward calls
    torch.manual_seed(0)
    nan_later = NanLater(12)
    nan_later.eval()
    torch.jit.save(torch.jit.script(nan_later), os.path.join(OUT, "nan-later.pt"))

    # ---- must work -----------------------------------------------------------------------------------
    d = os.path.join(OUT, "modèle à tester")
    os.makedirs(d)
    shutil.copy(good, os.path.join(d, "mon modèle.pt"))
    case("spaces-non-ascii", "a path with spaces and non-ASCII characters (must work)",
         ["info", "{dir}/modèle à tester/mon modèle.pt"] + CARD_FLAGS, None, app="open")

    with open(os.path.join(OUT, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("%d cases in %s" % (len(cases), OUT))


main()
