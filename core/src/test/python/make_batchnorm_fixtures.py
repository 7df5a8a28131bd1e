#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for jdnn's BatchNorm2D / BatchNorm1D tests.

Run with the Debian torch 1.13 (``/usr/bin/python3 src/test/python/make_batchnorm_fixtures.py``) from the
repository root. For each layer: a few training steps on fixed inputs (forward only: the running
statistics are what is checked; scale and shift are fixed non-trivial values), the last step's output and
the gradients of L = sum(output * R) for a fixed R, then the eval output on another input. PyTorch's
momentum 0.1 is jdnn's (the seed's) momentum 0.9. Every tensor is flattened in row-major (NCHW / NC) order.
"""
import json
import os

import torch

MOMENTUM = 0.1  # PyTorch convention; jdnn's momentum = 1 - this
EPS = 1e-5
STEPS = 3
OUT_DIR = os.path.join("src", "test", "resources", "fixtures", "layers")


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def fixture(name, module, shape, eval_batch, generator):
    channels = shape[1]
    with torch.no_grad():
        module.weight.copy_(torch.linspace(0.5, 1.5, channels))
        module.bias.copy_(torch.linspace(-0.3, 0.4, channels))
    scale, shift = flat(module.weight), flat(module.bias)
    # Per-channel offsets and spreads so the statistics differ between channels and from 0 / 1.
    view = [1, channels] + [1] * (len(shape) - 2)
    offset = torch.linspace(-1.0, 2.0, channels).reshape(view)
    spread = torch.linspace(0.5, 3.0, channels).reshape(view)

    module.train()
    inputs = []
    for _ in range(STEPS):
        x = (torch.randn(shape, generator=generator) * spread + offset).requires_grad_(True)
        y = module(x)
        inputs.append(x)
    r = torch.randn(shape, generator=generator)
    (y * r).sum().backward()

    module.eval()
    eval_shape = [eval_batch] + list(shape[1:])
    x_eval = torch.randn(eval_shape, generator=generator) * spread + offset
    with torch.no_grad():
        y_eval = module(x_eval)

    data = {
        "layer": name,
        "torch_version": torch.__version__,
        "torch_momentum": MOMENTUM,
        "momentum": 1 - MOMENTUM,
        "epsilon": EPS,
        "input_shape": list(shape),
        "scale": scale,
        "shift": shift,
        "inputs": [flat(x) for x in inputs],
        "grad_output": flat(r),
        "last_output": flat(y),
        "grad_input": flat(inputs[-1].grad),
        "grad_scale": flat(module.weight.grad),
        "grad_shift": flat(module.bias.grad),
        "running_mean": flat(module.running_mean),
        "running_variance": flat(module.running_var),
        "eval_shape": eval_shape,
        "eval_input": flat(x_eval),
        "eval_output": flat(y_eval),
    }
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w") as f:
        json.dump(data, f)
        f.write("\n")
    print("wrote", path)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    generator = torch.Generator().manual_seed(20240611)
    fixture("batchnorm2d", torch.nn.BatchNorm2d(3, eps=EPS, momentum=MOMENTUM), [4, 3, 5, 3], 2, generator)
    fixture("batchnorm1d", torch.nn.BatchNorm1d(6, eps=EPS, momentum=MOMENTUM), [5, 6], 3, generator)


if __name__ == "__main__":
    main()
