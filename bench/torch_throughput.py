"""PyTorch CPU peers of the project's ThroughputBenchmark: every network of the model registry
(org.sparkcnn.models.Models) built with the same layers, shapes and trainable parameters as the
Java builders, trained with the same optimiser (SGD, lr 0.01, Nesterov momentum 0.9, weight decay
5e-4 on the weights, as DL4J's L2), minibatch, input and random data, timed the same way (warm-up
steps, then steps until both --steps steps and --min-seconds have passed).

Run by hand or by `submit/benchmark.sh --zoo` (needs Debian's python3-torch, PyTorch 1.13:
apt-get install -y python3-torch):
  /usr/bin/python3 bench/torch_throughput.py [MODEL ...] [--steps 50] [--threads 2]
      [--warmup 5] [--min-seconds 10] [--input CxHxW] [--classes 10] [--batch N]
      [--run-id ID] [--output runs/torch_throughput.csv] [--params] [--inference]
  /usr/bin/python3 bench/torch_throughput.py [STEPS] [THREADS]        (the earlier form)
MODEL is a registry spec as the Java side takes it, e.g. 'mobilenet-v1-cifar(alpha=0.5, unit=rhs)'
(quote it), or a list of them separated by ';' or by commas outside parentheses; default: lenet5 lenet-caffe tf-cifar10. Input defaults to the network's natural input,
the minibatch to 64 (lenet5, lenet-caffe), 128 (tf-cifar10) or 32 (the others), as in Java.
Prints one line per network and appends a CSV row to --output; --params only prints each
network's trainable parameter count (no training). Exit code 2 for bad arguments.

--inference measures scoring instead of training, as the project's ScoringBenchmark times DL4J's
output(): eval mode, no gradient, one minibatch of random images (default 64 for every model),
--warmup untimed passes (default 5) and at least --min-seconds (default 3), then the median
images/s of --steps timed passes (default 9); rows go to runs/torch_inference.csv by default.

Where the two sides cannot be identical: DL4J's 'same' padding of a stride-2 convolution puts the
extra zero row and column at the bottom and right, PyTorch's padding=1 on both sides: the shapes
and the cost are the same, the alignment differs by a pixel. DL4J's LRN does not divide alpha by
the window size and PyTorch's does, hence alpha * size below.
"""
import argparse
import csv
import datetime
import os
import re
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MNIST = (1, 28, 28)
CIFAR = (3, 32, 32)
IMAGENET = (3, 224, 224)
EARLIER_BATCH = {"lenet5": 64, "lenet-caffe": 64, "tf-cifar10": 128}
DEFAULT_BATCH = 32
INFERENCE_BATCH = 64  # every model, as ScoringBenchmark's default
DEFAULT_MODELS = ["lenet5", "lenet-caffe", "tf-cifar10"]
COLUMNS = ["date", "cpu", "torch", "model", "trainable_parameters", "threads", "batch", "input",
           "classes", "steps", "images_per_sec", "seconds", "run"]


def flat_size(features, shape):
    """Values per image after `features` for an input of `shape` (no gradient, one image)."""
    with torch.no_grad():
        return features(torch.zeros(1, *shape)).numel()


class LeNet5(nn.Module):
    """models/LeNet5.java: C1 6@5x5 (pads smaller inputs to 32x32), S2, C3 16@5x5, S4, C5 120@5x5,
    F6 84, output; 2x2 max pooling."""

    def __init__(self, shape, classes):
        super().__init__()
        c, h, w = shape
        pad = (max(0, (32 - h) // 2), max(0, (32 - w) // 2))
        self.features = nn.Sequential(
            nn.Conv2d(c, 6, 5, padding=pad), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(16, 120, 5), nn.ReLU(inplace=True), nn.Flatten())
        self.classifier = nn.Sequential(
            nn.Linear(flat_size(self.features, shape), 84), nn.ReLU(inplace=True),
            nn.Linear(84, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class SmallCnn(nn.Module):
    """models/SmallCnn.java: the 2020 paper's small CNN, conv FILTERS@5x5 (no padding), 2x2 max
    pooling, dense output."""

    def __init__(self, shape, classes, filters):
        super().__init__()
        c, h, w = shape
        self.features = nn.Sequential(
            nn.Conv2d(c, filters, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2), nn.Flatten())
        self.classifier = nn.Linear(flat_size(self.features, shape), classes)

    def forward(self, x):
        return self.classifier(self.features(x))


class CaffeLeNet(nn.Module):
    """models/CaffeLeNet.java: conv 20@5x5, pool, conv 50@5x5, pool (no activation after the
    convolutions), dense 500, output."""

    def __init__(self, shape, classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(shape[0], 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2),
            nn.Flatten())
        self.classifier = nn.Sequential(
            nn.Linear(flat_size(self.features, shape), 500), nn.ReLU(inplace=True),
            nn.Linear(500, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class TfCifar10(nn.Module):
    """models/TfCifar10Tutorial.java: conv 64@5x5 (same), max pool 3x3/2 (same), LRN, conv
    64@5x5, LRN, max pool, dense 384, dense 192, output. LRN radius 4 (size 9), bias 1,
    alpha 0.001/9 (DL4J's and TensorFlow's, not divided by the size), beta 0.75."""

    def __init__(self, shape, classes):
        super().__init__()
        lrn = dict(size=9, alpha=0.001 / 9 * 9, beta=0.75, k=1.0)
        self.features = nn.Sequential(
            nn.Conv2d(shape[0], 64, 5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2, padding=1), nn.LocalResponseNorm(**lrn),
            nn.Conv2d(64, 64, 5, padding=2), nn.ReLU(inplace=True), nn.LocalResponseNorm(**lrn),
            nn.MaxPool2d(3, 2, padding=1), nn.Flatten())
        self.classifier = nn.Sequential(
            nn.Linear(flat_size(self.features, shape), 384), nn.ReLU(inplace=True),
            nn.Linear(384, 192), nn.ReLU(inplace=True), nn.Linear(192, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class AlexNet(nn.Module):
    """models/AlexNet.java, one tower. ImageNet form: conv1 96@11x11/4 (no padding), conv2
    256@5x5; CIFAR form: both 3x3 stride 1; then conv3-5 384, 384, 256 @3x3 ('same'), LRN (n 5,
    k 2, alpha 1e-4, beta 0.75) after conv1 and conv2, max pool 3x3/2 after norm1, norm2 and conv5,
    dense 4096 (CIFAR: 1024) twice, dropout 0.5 on the inputs of fc7 and the output layer."""

    def __init__(self, shape, classes, imagenet):
        super().__init__()
        lrn = dict(size=5, alpha=1e-4 * 5, beta=0.75, k=2.0)
        units = 4096 if imagenet else 1024
        conv1 = nn.Conv2d(shape[0], 96, 11, stride=4) if imagenet \
            else nn.Conv2d(shape[0], 96, 3, padding=1)
        conv2 = nn.Conv2d(96, 256, 5, padding=2) if imagenet else nn.Conv2d(96, 256, 3, padding=1)
        self.features = nn.Sequential(
            conv1, nn.ReLU(inplace=True), nn.LocalResponseNorm(**lrn), nn.MaxPool2d(3, 2),
            conv2, nn.ReLU(inplace=True), nn.LocalResponseNorm(**lrn), nn.MaxPool2d(3, 2),
            nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Flatten())
        self.classifier = nn.Sequential(
            nn.Linear(flat_size(self.features, shape), units), nn.ReLU(inplace=True),
            nn.Dropout(0.5), nn.Linear(units, units), nn.ReLU(inplace=True),
            nn.Dropout(0.5), nn.Linear(units, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


VGG11 = [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
VGG16 = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]


class Vgg(nn.Module):
    """models/Vgg.java, CIFAR form: 3x3 convolutions ('same', with bias), BN before the activation
    when batch_norm, 2x2 max pooling (0 in the list), one softmax layer on the flattened maps."""

    def __init__(self, shape, classes, layers, batch_norm):
        super().__init__()
        modules, maps = [], shape[0]
        for m in layers:
            if m == 0:
                modules.append(nn.MaxPool2d(2))
                continue
            modules.append(nn.Conv2d(maps, m, 3, padding=1))
            if batch_norm:
                modules.append(nn.BatchNorm2d(m))
            modules.append(nn.ReLU(inplace=True))
            maps = m
        modules.append(nn.Flatten())
        self.features = nn.Sequential(*modules)
        self.classifier = nn.Linear(flat_size(self.features, shape), classes)

    def forward(self, x):
        return self.classifier(self.features(x))


MOBILENET_UNITS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
                   (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]


class MobileNetV1(nn.Module):
    """models/MobileNetV1.java: stem conv 32@3x3 (stride 2; CIFAR form 1), no bias, BN, activation;
    13 units of 3x3 depthwise (no bias) - BN - activation - 1x1 pointwise (bias only in the CIFAR
    form) - BN - activation (not in the rhs unit); global average pooling; softmax layer. Map
    counts scaled by alpha as the Java side rounds: max(1, int(maps * alpha))."""

    def __init__(self, shape, classes, alpha, rhs, imagenet):
        super().__init__()

        def scaled(m):
            return max(1, int(m * alpha))

        maps = scaled(32)
        stem_stride = 2 if imagenet else 1
        modules = [nn.Conv2d(shape[0], maps, 3, stride=stem_stride, padding=1, bias=False),
                   nn.BatchNorm2d(maps), nn.ReLU(inplace=True)]
        for out, stride in MOBILENET_UNITS:
            modules += [nn.Conv2d(maps, maps, 3, stride=stride, padding=1, groups=maps,
                                  bias=False),
                        nn.BatchNorm2d(maps), nn.ReLU(inplace=True)]
            out = scaled(out)
            modules += [nn.Conv2d(maps, out, 1, bias=not imagenet), nn.BatchNorm2d(out)]
            if not rhs:
                modules.append(nn.ReLU(inplace=True))
            maps = out
        modules += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.features = nn.Sequential(*modules)
        self.classifier = nn.Linear(maps, classes)

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    """conv 3x3 (stride) - BN - ReLU - conv 3x3 - BN, plus the shortcut, then ReLU. Shortcut where
    the shape changes: 'zero-pad' (option A: subsample, zero maps appended after the input's) or
    'projection' (1x1 conv with the stride, BN)."""

    def __init__(self, maps_in, maps_out, stride, shortcut):
        super().__init__()
        self.conv1 = nn.Conv2d(maps_in, maps_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(maps_out)
        self.conv2 = nn.Conv2d(maps_out, maps_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(maps_out)
        self.stride, self.extra = stride, maps_out - maps_in
        self.shortcut_kind = shortcut if (stride != 1 or maps_in != maps_out) else "identity"
        if self.shortcut_kind == "projection":
            self.projection = nn.Sequential(
                nn.Conv2d(maps_in, maps_out, 1, stride=stride, bias=False),
                nn.BatchNorm2d(maps_out))

    def shortcut(self, x):
        if self.shortcut_kind == "projection":
            return self.projection(x)
        if self.shortcut_kind == "zero-pad":
            return F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, 0, self.extra))
        return x

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)), inplace=True)
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x), inplace=True)


class ResNet(nn.Module):
    """models/ResNet.java. ImageNet form (ResNet-18/34, torchvision's): conv 64@7x7/2, BN, ReLU,
    max pool 3x3/2 (padding 1), stages at 64..512 maps, projection shortcuts. CIFAR form
    (ResNet-20): conv 16@3x3, BN, ReLU, stages of 3 blocks at 16, 32, 64 maps, zero-pad
    shortcuts. Both: global average pooling, softmax layer."""

    def __init__(self, shape, classes, blocks, maps, imagenet, shortcut):
        super().__init__()
        if imagenet:
            stem = [nn.Conv2d(shape[0], maps[0], 7, stride=2, padding=3, bias=False),
                    nn.BatchNorm2d(maps[0]), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, padding=1)]
        else:
            stem = [nn.Conv2d(shape[0], maps[0], 3, padding=1, bias=False),
                    nn.BatchNorm2d(maps[0]), nn.ReLU(inplace=True)]
        layers, maps_in = stem, maps[0]
        for s, (n, m) in enumerate(zip(blocks, maps)):
            for b in range(n):
                layers.append(BasicBlock(maps_in, m, 2 if s > 0 and b == 0 else 1, shortcut))
                maps_in = m
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(maps_in, classes)

    def forward(self, x):
        return self.classifier(self.features(x))


def flag(params, key):
    if params[key] not in ("true", "false"):
        raise ValueError(f"{key} must be true or false, got {params[key]}")
    return params[key] == "true"


def unit(params):
    if params["unit"] not in ("standard", "rhs"):
        raise ValueError(f"unit must be standard or rhs, got {params['unit']}")
    return params["unit"] == "rhs"


def alpha(params):
    value = float(params["alpha"])
    if not 0 < value <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {value}")
    return value


MOBILENET = {"alpha": "1.0", "unit": "standard"}
# name: (parameters with their defaults, natural input, factory(shape, classes, params))
REGISTRY = {
    "lenet5": ({}, MNIST, lambda s, c, p: LeNet5(s, c)),
    "lenet-caffe": ({}, MNIST, lambda s, c, p: CaffeLeNet(s, c)),
    "small-cnn": ({"filters": "10"}, MNIST, lambda s, c, p: SmallCnn(s, c, int(p["filters"]))),
    "tf-cifar10": ({}, (3, 24, 24), lambda s, c, p: TfCifar10(s, c)),
    "alexnet": ({}, (3, 227, 227), lambda s, c, p: AlexNet(s, c, True)),
    "alexnet-cifar": ({}, CIFAR, lambda s, c, p: AlexNet(s, c, False)),
    "vgg11": ({"batch-norm": "false"}, CIFAR,
              lambda s, c, p: Vgg(s, c, VGG11, flag(p, "batch-norm"))),
    "vgg16": ({"batch-norm": "false"}, CIFAR,
              lambda s, c, p: Vgg(s, c, VGG16, flag(p, "batch-norm"))),
    "mobilenet-v1": (MOBILENET, IMAGENET,
                     lambda s, c, p: MobileNetV1(s, c, alpha(p), unit(p), True)),
    "mobilenet-v1-cifar": (MOBILENET, CIFAR,
                           lambda s, c, p: MobileNetV1(s, c, alpha(p), unit(p), False)),
    "resnet18": ({}, IMAGENET, lambda s, c, p: ResNet(s, c, [2, 2, 2, 2], [64, 128, 256, 512],
                                                      True, "projection")),
    "resnet34": ({}, IMAGENET, lambda s, c, p: ResNet(s, c, [3, 4, 6, 3], [64, 128, 256, 512],
                                                      True, "projection")),
    "resnet20": ({}, CIFAR, lambda s, c, p: ResNet(s, c, [3, 3, 3], [16, 32, 64], False,
                                                   "zero-pad")),
}
SYNTAX = re.compile(r"\s*([A-Za-z0-9_-]+)\s*(?:\((.*)\))?\s*$")


def parse_spec(spec):
    """(registry name, parameters with defaults filled in) of a spec like 'vgg16(batch-norm=true)'.
    Raises ValueError naming the known names or parameters."""
    m = SYNTAX.match(spec)
    name = m.group(1).lower() if m else None
    if name not in REGISTRY:
        raise ValueError(f"unknown model '{spec.strip()}'; known: " + ", ".join(sorted(REGISTRY)))
    defaults = REGISTRY[name][0]
    params = dict(defaults)
    if m.group(2) and m.group(2).strip():
        for assignment in m.group(2).split(","):
            key, _, value = assignment.partition("=")
            if not _ or key.strip() not in defaults:
                raise ValueError(f"model {name}: unknown parameter '{assignment.strip()}'")
            params[key.strip()] = value.strip()
    return name, params


def split_specs(text):
    """Specs of a list separated by ';' or by commas outside parentheses, as the Java side splits
    --models: 'lenet5,mobilenet-v1-cifar(alpha=0.5, unit=rhs)' gives two."""
    specs, depth, current = [], 0, ""
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == ";" or (ch == "," and depth == 0):
            specs.append(current.strip())
            current = ""
        else:
            current += ch
    specs.append(current.strip())
    if depth != 0 or "" in specs:
        raise ValueError(f"malformed model list '{text}'")
    return specs


def build(spec, shape=None, classes=10):
    """The PyTorch peer of `spec` for `shape` (default: the natural input) and `classes`."""
    name, params = parse_spec(spec)
    return REGISTRY[name][2](tuple(shape or REGISTRY[name][1]), classes, params)


def natural_input(spec):
    return REGISTRY[parse_spec(spec)[0]][1]


def default_batch(spec):
    return EARLIER_BATCH.get(parse_spec(spec)[0], DEFAULT_BATCH)


def trainable_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def optimiser(model):
    """SGD with Nesterov momentum; weight decay on weights only (DL4J's L2 skips biases)."""
    weights = [p for p in model.parameters() if p.dim() > 1]
    others = [p for p in model.parameters() if p.dim() <= 1]
    return torch.optim.SGD([{"params": weights, "weight_decay": 5e-4},
                            {"params": others, "weight_decay": 0.0}],
                           lr=0.01, momentum=0.9, nesterov=True)


def measure(model, shape, classes, batch, steps, warmup, min_seconds):
    """Images/s of training steps on one random minibatch after `warmup` steps, timed over at least
    `steps` steps and `min_seconds` seconds."""
    opt = optimiser(model)
    x = torch.rand(batch, *shape)
    y = torch.arange(batch) % classes
    model.train()

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    done = 0
    while done < steps or time.perf_counter() - t0 < min_seconds:
        step()
        done += 1
    return done * batch / (time.perf_counter() - t0)


def median_inference_rate(model, shape, batch, passes, warmup, warmup_seconds):
    """Median images/s of `passes` timed forward passes (eval mode, no gradient) over one random
    minibatch, after at least `warmup` untimed passes and `warmup_seconds` seconds."""
    x = torch.rand(batch, *shape)
    model.eval()
    with torch.no_grad():
        start = time.perf_counter()
        done = 0
        while done < warmup or time.perf_counter() - start < warmup_seconds:
            model(x)
            done += 1
        rates = []
        for _ in range(max(1, passes)):
            t0 = time.perf_counter()
            model(x)
            rates.append(batch / (time.perf_counter() - t0))
    return statistics.median(rates)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip() + f" x{os.cpu_count()}"
    except OSError:
        pass
    return f"unknown CPU x{os.cpu_count()}"


def shape_arg(text):
    parts = text.lower().split("x")
    try:
        shape = tuple(int(p) for p in parts)
    except ValueError:
        shape = ()
    if len(shape) != 3 or min(shape) <= 0:
        raise argparse.ArgumentTypeError(
            f"--input must be CxHxW with positive whole numbers (e.g. 3x32x32), got '{text}'")
    return shape


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("models", nargs="*", help="registry specs (default: "
                   + " ".join(DEFAULT_MODELS) + "); earlier form: STEPS THREADS")
    p.add_argument("--steps", type=int, help="least timed steps (default 50; --inference: timed"
                   " passes, default 9)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--warmup", type=int, default=5, help="untimed steps first (default 5)")
    p.add_argument("--min-seconds", type=float,
                   help="least timed seconds (default 0; --inference: least warm-up seconds,"
                   " default 3)")
    p.add_argument("--input", type=shape_arg, help="CxHxW for every model (default: natural)")
    p.add_argument("--classes", type=int, default=10, help="classes (default 10)")
    p.add_argument("--batch", type=int, help="minibatch for every model (default: per model)")
    p.add_argument("--run-id", default=datetime.datetime.utcnow().strftime("%Y%m%d-%H%M%S"))
    p.add_argument("--output", help="CSV file rows are appended to (default:"
                   " runs/torch_throughput.csv; --inference: runs/torch_inference.csv)")
    p.add_argument("--params", action="store_true",
                   help="print each model's trainable parameters and stop")
    p.add_argument("--inference", action="store_true",
                   help="time forward passes in eval mode (median) instead of training steps")
    a = p.parse_args(argv)
    if a.steps is None:
        a.steps = 9 if a.inference else 50
    if a.min_seconds is None:
        a.min_seconds = 3.0 if a.inference else 0.0
    if a.output is None:
        a.output = os.path.join("runs", "torch_inference.csv" if a.inference
                                else "torch_throughput.csv")
    numbers = [m for m in a.models if m.isdigit()]
    if numbers and len(numbers) == len(a.models) and len(numbers) <= 2:  # the earlier form
        a.steps = int(numbers[0])
        if len(numbers) > 1:
            a.threads = int(numbers[1])
        a.models = []
    try:
        a.models = [s for m in a.models for s in split_specs(m)] or list(DEFAULT_MODELS)
        for spec in a.models:
            parse_spec(spec)
    except ValueError as e:
        p.error(str(e))
    if a.classes < 2 or a.threads < 1 or a.steps < 0 or a.warmup < 0 \
            or (a.batch is not None and a.batch < 1):
        p.error("--classes must be >= 2, --threads and --batch >= 1, --steps and --warmup >= 0")
    return a


def main(argv):
    a = parse(argv)
    if a.params:
        for spec in a.models:
            model = build(spec, a.input, a.classes)
            print(f"{spec}\t{trainable_parameters(model)}")
        return
    torch.set_num_threads(a.threads)
    new_file = not os.path.exists(a.output) or os.path.getsize(a.output) == 0
    if os.path.dirname(a.output):
        os.makedirs(os.path.dirname(a.output), exist_ok=True)
    for spec in a.models:
        torch.manual_seed(1)
        shape = a.input or natural_input(spec)
        batch = a.batch or (INFERENCE_BATCH if a.inference else default_batch(spec))
        model = build(spec, shape, a.classes)
        params = trainable_parameters(model)
        t = time.time()
        if a.inference:
            rate = median_inference_rate(model, shape, batch, a.steps, a.warmup, a.min_seconds)
        else:
            rate = measure(model, shape, a.classes, batch, a.steps, a.warmup, a.min_seconds)
        row = [datetime.date.today().isoformat(), cpu_model(), torch.__version__, spec, params,
               torch.get_num_threads(), batch, "x".join(map(str, shape)), a.classes, a.steps,
               f"{rate:.1f}", round(time.time() - t), a.run_id]
        what = "inference " if a.inference else ""
        print(f"torch {torch.__version__} | {spec} | {params} | threads "
              f"{torch.get_num_threads()} | batch {batch} | {what}{rate:.1f} images/s",
              flush=True)
        with open(a.output, "a", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            if new_file:
                out.writerow(COLUMNS)
                new_file = False
            out.writerow(row)


if __name__ == "__main__":
    main(sys.argv[1:])
