"""PyTorch CPU peers of the project's ThroughputBenchmark: the same three networks, minibatch
sizes, optimiser (SGD, Nesterov momentum 0.9, weight decay 5e-4) and random data, timed the same
way (warm-up, then N training steps on one minibatch).

Run by hand, not in CI (needs Debian's python3-torch: apt-get install -y python3-torch):
  /usr/bin/python3 bench/torch_throughput.py [STEPS] [THREADS]
Prints one line per network: images/s.
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    """Classic LeNet-5 as models/LeNet5.java: 28x28 padded to 32 by C1, ReLU, 61,706 params."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = F.relu(self.c5(x)).flatten(1)
        return self.out(F.relu(self.f6(x)))


class CaffeLeNet(nn.Module):
    """LeNet 20/50/500 as models/CaffeLeNet.java (no activation after the convolutions)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 20, 5)
        self.c2 = nn.Conv2d(20, 50, 5)
        self.f1 = nn.Linear(800, 500)
        self.f2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(self.c1(x), 2)
        x = F.max_pool2d(self.c2(x), 2)
        return self.f2(F.relu(self.f1(x.flatten(1))))


class TfCifar10(nn.Module):
    """TensorFlow's CIFAR-10 tutorial CNN as models/TfCifar10Tutorial.java, 1,068,298 params.
    PyTorch's LRN divides alpha by the window size, hence alpha = 0.001 / 9 * 9."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 64, 5, padding=2)
        self.c2 = nn.Conv2d(64, 64, 5, padding=2)
        self.l3 = nn.Linear(6 * 6 * 64, 384)
        self.l4 = nn.Linear(384, 192)
        self.out = nn.Linear(192, 10)
        self.lrn = nn.LocalResponseNorm(9, alpha=0.001 / 9 * 9, beta=0.75, k=1.0)

    def forward(self, x):
        x = self.lrn(F.max_pool2d(F.relu(self.c1(x)), 3, 2, padding=1))
        x = F.max_pool2d(self.lrn(F.relu(self.c2(x))), 3, 2, padding=1)
        x = F.relu(self.l4(F.relu(self.l3(x.flatten(1)))))
        return self.out(x)


CASES = [("lenet5", LeNet5, (1, 28, 28), 64),
         ("lenet-caffe", CaffeLeNet, (1, 28, 28), 64),
         ("tf-cifar10", TfCifar10, (3, 24, 24), 128)]


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    for name, net, shape, batch in CASES:
        torch.manual_seed(1)
        model = net()
        params = sum(p.numel() for p in model.parameters())
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True,
                              weight_decay=5e-4)
        x = torch.rand(batch, *shape)
        y = torch.arange(batch) % 10

        def run(n):
            for _ in range(n):
                opt.zero_grad()
                F.cross_entropy(model(x), y).backward()
                opt.step()

        run(5)
        t = time.time()
        run(steps)
        dt = time.time() - t
        print(f"torch {torch.__version__} | {name} | {params} | threads "
              f"{torch.get_num_threads()} | batch {batch} | {steps * batch / dt:.1f} images/s")


if __name__ == "__main__":
    main()
