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

With train.round-scheduling = "barrier" a round is no Spark job: the driver sends the state to
the W tasks of the epoch's barrier stage and receives and adds their W results itself:

    T_ovh,barrier = L_x + S (c_x + W c_d) + 2 W S / BW

L_x the exchange's fixed cost, c_x the per-byte cost that does not grow with W (encoding the
state, a worker setting it and sending its result), c_d the driver's per-result cost (receiving,
decoding and adding); the driver's link carries W S each way.

It also prints the barrier: averaging is synchronous, so every round waits for the slowest of the
W workers. With each worker's round of fits taking F t_b (1 + cv z), z standard normal and
independent between workers, the slowest takes F t_b (1 + cv e(W)) on average, e(W) the
expected maximum of W standard normals (e(2) = 1/sqrt(pi) = 0.564, e(64) = 2.344): a share
cv e(W) of the fit time. cv is the spread of a round's fit time at the F it was measured at
(from two workers: cv = sqrt(pi) x barrier / mean fit; 0.11-0.16 on this project's 2 vCPUs at
F = 5). At a larger F it stays (speeds that differ for a whole round) or falls as sqrt(5 / F)
(noise independent between minibatches); docs/performance.md measured both kinds.

Usage: bench/round_cost_model.py [--executors 64] [--latency-ms 79] [--bandwidth-gbps 1.1]
       [--cb 1.7] [--cw 4.5] [--cr 0.35]     (per-byte costs in ms per MB)
       [--cv 0.15]                           (spread of one worker's round fit time)
       [--barrier-latency-ms 2.0] [--cx 1.8] [--cd 0.63]   (barrier rounds, ms and ms per MB)
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


def expected_max_normal(n):
    """e(n): the expected maximum of n independent standard normals (trapezoid rule)."""
    step, total = 0.001, 0.0
    for i in range(-12000, 12001):
        x = i * step
        density = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        below = 0.5 * (1 + math.erf(x / math.sqrt(2)))
        total += x * n * density * below ** (n - 1) * step
    return total


def overhead_ms(size_mb, workers, depth, a):
    k, levels, scale = tree(workers, depth)
    per_mb = a.cb + a.cw + k * a.cr + levels * scale * a.cr
    network = (math.log2(workers) + 1 + levels * scale + k) / a.bandwidth_gbps
    return a.latency_ms * (1 + levels) + size_mb * (per_mb + network)


def barrier_ms(size_mb, workers, a):
    network = 2 * workers / a.bandwidth_gbps
    return a.barrier_latency_ms + size_mb * (a.cx + workers * a.cd + network)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--executors", type=int, default=64)
    p.add_argument("--latency-ms", type=float, default=79.0)
    p.add_argument("--bandwidth-gbps", type=float, default=1.1, help="GB/s")
    p.add_argument("--cb", type=float, default=1.7)
    p.add_argument("--cw", type=float, default=4.5)
    p.add_argument("--cr", type=float, default=0.35)
    p.add_argument("--updater-values", type=int, default=1, help="u: 1 Nesterov, 2 Adam, 0 SGD")
    p.add_argument("--barrier-latency-ms", type=float, default=2.0)
    p.add_argument("--cx", type=float, default=1.8)
    p.add_argument("--cd", type=float, default=0.63)
    p.add_argument("--cv", type=float, default=0.15,
                   help="coefficient of variation of one worker's round fit time")
    a = p.parse_args()
    # the integration against the closed form e(2) = 1/sqrt(pi)
    assert abs(expected_max_normal(2) - 1 / math.sqrt(math.pi)) < 1e-6
    print("| network | S | depth 1 | depth 2 | depth 3 | barrier | t_b "
          "| F for < 5%, depth 1 / 2 / 3 / barrier |")
    print("|---|---|---|---|---|---|---|---|")
    for name, params, seconds in NETWORKS:
        size_mb = 4 * params * (1 + a.updater_values) / 1e6
        t = [overhead_ms(size_mb, a.executors, d, a) for d in (1, 2, 3)]
        t.append(barrier_ms(size_mb, a.executors, a))
        f = [math.ceil(19 * x / (seconds * 1000)) for x in t]
        print(f"| {name} | {size_mb:.2f} MB | {t[0]:,.0f} | {t[1]:,.0f} | {t[2]:,.0f} "
              f"| {t[3]:,.0f} | {seconds * 1000:,.0f} ms | {f[0]} / {f[1]} / {f[2]} / {f[3]} |")
    print()
    print(f"Barrier (waiting for the slowest worker) at cv = {a.cv}, any network:")
    print("| workers | e(W) | barrier, share of the fit time |")
    print("|---|---|---|")
    for workers in sorted({2, 8, 16, a.executors}):
        e = expected_max_normal(workers)
        print(f"| {workers} | {e:.3f} | {100 * a.cv * e:.1f}% |")


if __name__ == "__main__":
    main()
