#!/usr/bin/env python3
"""The cost model of one averaging round of the resident training master, on paper.

docs/performance.md ("A cost model of a round") derives it and calibrates its constants on this
project's measurements:

    T_ovh = L (1 + levels) + S (c_b + c_w + k c_r + levels s c_r)
            + S / BW (log2(E) + 1 + levels s + k)

S = 4 N (1 + u) bytes (parameters and updater state, float); k, levels and s follow from Spark's
treeAggregate for W workers and depth d. Prints, for each network, T_ovh in milliseconds at
depths 1, 2 and 3 and the averaging frequency F that keeps it under 5% of a round
(F t_b >= 19 T_ovh).

Usage: bench/round_cost_model.py [--executors 64] [--latency-ms 79] [--bandwidth-gbps 1.1]
       [--cb 1.7] [--cw 4.5] [--cr 0.35]     (per-byte costs in ms per MB)
"""
import argparse
import math

# name, parameters, seconds per minibatch on one thread (docs/performance.md)
NETWORKS = [("LeNet-5", 61706, 64 / 2920), ("Caffe LeNet", 431080, 64 / 1449),
            ("TF tutorial CNN", 1068298, 128 / 408.3), ("VGG-16", 14719818, 32 / 30.0)]


def tree(workers, depth):
    """(k results the driver receives, extra levels, scale) of Spark's treeAggregate."""
    if depth == 1:
        return workers, 0, 0
    scale = max(2, math.ceil(workers ** (1 / depth) - 1e-9))
    n, levels = workers, 0
    while n > scale + math.ceil(n / scale):
        n, levels = math.ceil(n / scale), levels + 1
    return n, levels, scale


def overhead_ms(size_mb, workers, depth, a):
    k, levels, scale = tree(workers, depth)
    per_mb = a.cb + a.cw + k * a.cr + levels * scale * a.cr
    network = (math.log2(workers) + 1 + levels * scale + k) / a.bandwidth_gbps
    return a.latency_ms * (1 + levels) + size_mb * (per_mb + network)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--executors", type=int, default=64)
    p.add_argument("--latency-ms", type=float, default=79.0)
    p.add_argument("--bandwidth-gbps", type=float, default=1.1, help="GB/s")
    p.add_argument("--cb", type=float, default=1.7)
    p.add_argument("--cw", type=float, default=4.5)
    p.add_argument("--cr", type=float, default=0.35)
    p.add_argument("--updater-values", type=int, default=1, help="u: 1 Nesterov, 2 Adam, 0 SGD")
    a = p.parse_args()
    print("| network | S | depth 1 | depth 2 | depth 3 | t_b | F for < 5%, depth 1 / 2 / 3 |")
    print("|---|---|---|---|---|---|---|")
    for name, params, seconds in NETWORKS:
        size_mb = 4 * params * (1 + a.updater_values) / 1e6
        t = [overhead_ms(size_mb, a.executors, d, a) for d in (1, 2, 3)]
        f = [math.ceil(19 * x / (seconds * 1000)) for x in t]
        print(f"| {name} | {size_mb:.2f} MB | {t[0]:,.0f} | {t[1]:,.0f} | {t[2]:,.0f} "
              f"| {seconds * 1000:,.0f} ms | {f[0]} / {f[1]} / {f[2]} |")


if __name__ == "__main__":
    main()
