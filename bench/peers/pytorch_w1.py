#!/usr/bin/python3
"""W1 (shared/W1.md) on PyTorch, measured the way `bin/jdnn bench w1` measures jdnn.

    /usr/bin/python3 bench/peers/pytorch_w1.py [--quick] [--data DIR]
    /usr/bin/python3 bench/peers/pytorch_w1.py --accuracy-seeds 0 1 2 [--epochs 3] [--threads 2]

Figures: train_ips_t1/t2 (540 timed steps of batch 100 after 20 warm-up steps, Adam, 1 and 2 threads),
infer_b1_p50_us/p99_us (1 thread, eval mode, 10,000 calls after 1,000 warm-up, nearest-rank), infer_b256_ips
(2 threads, best of 3 passes of 40 batches of 256 wrapping the test set, after a warm-up pass), rss_mb.
With --accuracy-seeds it measures only test_acc, as `bin/jdnn bench w1 --what accuracy --seed S` does for jdnn:
W1 trained for --epochs epochs on the first 54,000 training images (shuffled every epoch), seeded by S (weights,
shuffles, dropout), then evaluated on the 10,000 test images; one accuracy per seed.
Details go to stderr; the JSON object is the last line of stdout. Run it with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset (Debian's torch uses OpenBLAS).
"""
import argparse
import gzip
import json
import math
import os
import re
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

BATCH, WARMUP_STEPS, TIMED_STEPS, TRAIN_COUNT = 100, 20, 540, 54_000
BIG_BATCH, BIG_BATCHES = 256, 40


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, prefix):
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return x, torch.from_numpy(labels.astype(np.int64))


def w1_model(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32, momentum=0.1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64, momentum=0.1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(3136, 128), nn.BatchNorm1d(128, momentum=0.1), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10))
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def train_ips(x, y, threads, timed_steps):
    torch.set_num_threads(threads)
    model = w1_model()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(0)
    order = torch.randperm(TRAIN_COUNT, generator=generator)
    batches = TRAIN_COUNT // BATCH

    def step(s):
        index = order[(s % batches) * BATCH:(s % batches + 1) * BATCH]
        xb, yb = x[index], y[index]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        return loss.item()

    for s in range(WARMUP_STEPS):
        step(s)
    order = torch.randperm(TRAIN_COUNT, generator=generator)
    losses = []
    start = time.perf_counter()
    for s in range(timed_steps):
        losses.append(step(s))
    ips = BATCH * timed_steps / (time.perf_counter() - start)
    window = min(20, timed_steps)
    print(f"train t{threads}: {ips:.1f} img/s; mean loss first/last timed steps "
          f"{sum(losses[:window]) / window:.3f}/{sum(losses[-window:]) / window:.3f}", file=sys.stderr)
    return ips


def test_accuracy(x, y, x_test, y_test, seed, epochs, threads):
    torch.set_num_threads(threads)
    model = w1_model(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(TRAIN_COUNT, generator=generator)
        for b in range(TRAIN_COUNT // BATCH):
            index = order[b * BATCH:(b + 1) * BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(x[index]), y[index]).backward()
            optimizer.step()
    model.eval()
    with torch.inference_mode():
        correct = sum(int((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum())
                      for i in range(0, x_test.shape[0], 1000))
    accuracy = correct / x_test.shape[0]
    print(f"seed {seed}: test accuracy {accuracy:.4f} after {epochs} epochs ({threads} threads, "
          f"{time.perf_counter() - start:.0f} s)", file=sys.stderr)
    return accuracy


def percentile(sorted_values, p):
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def inference(x_test, warmup, calls, passes):
    model = w1_model()
    model.eval()
    count = x_test.shape[0]
    with torch.inference_mode():
        torch.set_num_threads(1)
        for i in range(warmup):
            model(x_test[i % count: i % count + 1])
        micros = []
        for i in range(calls):
            image = x_test[i % count: i % count + 1]
            start = time.perf_counter()
            model(image)
            micros.append((time.perf_counter() - start) * 1e6)
        micros.sort()
        p50, p99 = percentile(micros, 0.50), percentile(micros, 0.99)
        print(f"infer b1: p50 {p50:.1f} us, p99 {p99:.1f} us", file=sys.stderr)

        torch.set_num_threads(2)
        wrapped = x_test[torch.arange(BIG_BATCH * BIG_BATCHES) % count].contiguous()
        batches = [wrapped[b * BIG_BATCH:(b + 1) * BIG_BATCH] for b in range(BIG_BATCHES)]
        for batch in batches:
            model(batch)
        best = 0.0
        for _ in range(passes):
            start = time.perf_counter()
            for batch in batches:
                model(batch)
            best = max(best, BIG_BATCH * BIG_BATCHES / (time.perf_counter() - start))
        print(f"infer b256: {best:.1f} img/s", file=sys.stderr)
    return p50, p99, best


def build_facts():
    """The lines of torch's build configuration that decide CPU speed: oneDNN (MKL-DNN), BLAS, vector ISA."""
    facts = []
    for line in torch.__config__.show().splitlines():
        if "MKL-DNN" in line or "CPU capability" in line:
            facts.append(line.strip(" -"))
        blas = re.search(r"BLAS_INFO=(\w+)", line)
        if blas:
            facts.append("BLAS " + blas.group(1))
    return facts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("W1_DATA", "/usr/share/datasets/fashion-mnist"))
    parser.add_argument("--quick", action="store_true", help="40 timed steps, 1,000 calls, 1 pass")
    parser.add_argument("--accuracy-seeds", type=int, nargs="+", metavar="S", help="measure test_acc only, per seed")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of an accuracy run (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="threads of an accuracy run (default 2)")
    args = parser.parse_args()
    x, y = load(args.data, "train")
    x_train, y_train = x[:TRAIN_COUNT].contiguous(), y[:TRAIN_COUNT].contiguous()
    x_test, y_test = load(args.data, "t10k")
    if args.accuracy_seeds:
        accuracies = {str(s): round(test_accuracy(x_train, y_train, x_test, y_test, s, args.epochs, args.threads), 4)
                      for s in args.accuracy_seeds}
        print(json.dumps({"test_acc_by_seed": accuracies, "epochs": args.epochs, "threads": args.threads,
                          "engine": "pytorch", "version": torch.__version__}))
        return
    timed = 40 if args.quick else TIMED_STEPS
    result = {
        "train_ips_t1": round(train_ips(x_train, y_train, 1, timed), 1),
        "train_ips_t2": round(train_ips(x_train, y_train, 2, timed), 1),
    }
    p50, p99, ips = inference(x_test, 100 if args.quick else 1_000, 1_000 if args.quick else 10_000,
                              1 if args.quick else 3)
    result.update(infer_b1_p50_us=round(p50, 1), infer_b1_p99_us=round(p99, 1), infer_b256_ips=round(ips, 1),
                  rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  engine="pytorch", version=torch.__version__, quick=args.quick,
                  notes="eager mode, torch.inference_mode for inference, random (seed 0) Kaiming weights; built with: "
                        + "; ".join(build_facts()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
