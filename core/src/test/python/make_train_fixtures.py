#!/usr/bin/env python3
"""Writes the PyTorch reference values for the tests of dev.jdnn.train.

Run from the repository root with Debian's python3-torch (torch 1.13):
    /usr/bin/python3 src/test/python/make_train_fixtures.py
It rewrites src/test/resources/fixtures/train/*.json. The tests read only those files, never Python.

- optimizer_inputs.json: 37 float32 parameters and the gradients of STEPS steps, shared by every optimizer.
- <optimizer>.json: for each hyper-parameter case, the parameters after each step, computed by torch.optim in
  float32 on the single-tensor path (torch 1.13's default on CPU), which is the path jdnn reproduces.
- losses.json: loss values and gradients of the mean loss for float32 inputs, computed in float64 so that they
  are a reference for jdnn's double accumulation rather than a second float32 rounding.
"""
import json
import os

import numpy as np
import torch

assert torch.__version__.startswith("1.13"), "fixtures are defined against torch 1.13, found " + torch.__version__

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "train")
STEPS = 6
COUNT = 37


def f32(values):
    """float32 values as numbers whose shortest decimal form round-trips through Java's Float.parseFloat."""
    return [float(str(np.float32(v))) for v in np.asarray(values, dtype=np.float32).ravel()]


def f64(values):
    return [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def write(name, payload):
    path = os.path.join(OUT, name)
    with open(path, "w") as out:
        json.dump(payload, out, separators=(",", ":"))
        out.write("\n")
    print("wrote", os.path.normpath(path))


def optimizer_inputs():
    gen = torch.Generator().manual_seed(20240611)
    initial = torch.randn(COUNT, generator=gen, dtype=torch.float32)
    # Per-element scales: ordinary, tiny (where eps matters), large, and one gradient that is always zero.
    scales = torch.ones(COUNT)
    scales[0:4] = 1e-4
    scales[4:8] = 10.0
    scales[8] = 0.0
    grads = [(torch.randn(COUNT, generator=gen, dtype=torch.float32) * scales).to(torch.float32)
             for _ in range(STEPS)]
    return initial, grads


# name -> list of (Java record components, torch constructor)
CASES = {
    "sgd": [
        (dict(learningRate=0.1), lambda p: torch.optim.SGD(p, lr=0.1, foreach=False)),
        (dict(learningRate=0.01), lambda p: torch.optim.SGD(p, lr=0.01, foreach=False)),
    ],
    "momentum": [
        (dict(learningRate=0.05, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, foreach=False)),
        (dict(learningRate=0.01, momentum=0.5), lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.5, foreach=False)),
    ],
    "rmsprop": [
        (dict(learningRate=0.01, alpha=0.99, eps=1e-8),
         lambda p: torch.optim.RMSprop(p, lr=0.01, foreach=False)),
        (dict(learningRate=0.001, alpha=0.9, eps=1e-4),
         lambda p: torch.optim.RMSprop(p, lr=0.001, alpha=0.9, eps=1e-4, foreach=False)),
    ],
    "adam": [
        (dict(learningRate=0.01, beta1=0.9, beta2=0.999, eps=1e-8),
         lambda p: torch.optim.Adam(p, lr=0.01, foreach=False)),
        (dict(learningRate=0.005, beta1=0.8, beta2=0.99, eps=1e-6),
         lambda p: torch.optim.Adam(p, lr=0.005, betas=(0.8, 0.99), eps=1e-6, foreach=False)),
    ],
    "adagrad": [
        (dict(learningRate=0.1, eps=1e-10), lambda p: torch.optim.Adagrad(p, lr=0.1, foreach=False)),
        (dict(learningRate=0.05, eps=1e-3), lambda p: torch.optim.Adagrad(p, lr=0.05, eps=1e-3, foreach=False)),
    ],
    "adadelta": [
        (dict(learningRate=1.0, rho=0.9, eps=1e-6), lambda p: torch.optim.Adadelta(p, lr=1.0, foreach=False)),
        (dict(learningRate=0.5, rho=0.95, eps=1e-4),
         lambda p: torch.optim.Adadelta(p, lr=0.5, rho=0.95, eps=1e-4, foreach=False)),
    ],
    "adamax": [
        (dict(learningRate=0.01, beta1=0.9, beta2=0.999, eps=1e-8),
         lambda p: torch.optim.Adamax(p, lr=0.01, foreach=False)),
        (dict(learningRate=0.02, beta1=0.8, beta2=0.99, eps=1e-6),
         lambda p: torch.optim.Adamax(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, foreach=False)),
    ],
    "adamw": [
        (dict(learningRate=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0.01),
         lambda p: torch.optim.AdamW(p, lr=0.01, foreach=False)),
        (dict(learningRate=0.01, beta1=0.85, beta2=0.995, eps=1e-7, weightDecay=0.1),
         lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.85, 0.995), eps=1e-7, weight_decay=0.1, foreach=False)),
    ],
    "nadam": [
        (dict(learningRate=0.01, beta1=0.9, beta2=0.999, eps=1e-8, momentumDecay=0.004),
         lambda p: torch.optim.NAdam(p, lr=0.01, foreach=False)),
        (dict(learningRate=0.02, beta1=0.85, beta2=0.995, eps=1e-7, momentumDecay=0.01),
         lambda p: torch.optim.NAdam(p, lr=0.02, betas=(0.85, 0.995), eps=1e-7, momentum_decay=0.01,
                                     foreach=False)),
    ],
}


def optimizers():
    initial, grads = optimizer_inputs()
    write("optimizer_inputs.json", dict(steps=STEPS, count=COUNT, initial=f32(initial), grads=[f32(g) for g in grads]))
    for name, cases in CASES.items():
        out = []
        for hyper, make in cases:
            param = torch.nn.Parameter(initial.clone())
            opt = make([param])
            trajectory = []
            for g in grads:
                param.grad = g.clone()
                opt.step()
                trajectory.append(f32(param.detach()))
            out.append(dict(hyper=hyper, params=trajectory))
        write(name + ".json", dict(optimizer=name, torch=torch.__version__, cases=out))


def loss_case(kind, logits, target, batch, width, loss_fn, labels=None):
    x = torch.tensor(np.asarray(logits, dtype=np.float32).astype(np.float64), requires_grad=True)
    loss = loss_fn(x)
    loss.backward()
    case = dict(kind=kind, batch=batch, width=width, output=f32(logits), loss=float(loss), grad=f64(x.grad))
    if labels is not None:
        case["labels"] = [int(v) for v in labels]
    else:
        case["target"] = f32(target)
    return case


def losses():
    gen = torch.Generator().manual_seed(7)
    batch, width = 5, 7
    logits = torch.randn(batch, width, generator=gen) * 3
    # A row of huge logits: the softmax must come from log-sum-exp, not from exp(1000).
    logits[3] = torch.tensor([1000.0, -1000.0, 0.0, 999.0, 500.0, -3.0, 1000.0])
    logits = logits.to(torch.float32).numpy()
    labels = np.array([2, 0, 6, 1, 3])
    one_hot = np.eye(width, dtype=np.float32)[labels]
    soft = torch.softmax(torch.randn(batch, width, generator=gen), dim=1).to(torch.float32).numpy()
    soft[4] *= 0.5  # a row summing to 0.5: PyTorch's gradient is softmax * sum(t) - t, not softmax - t
    ce = torch.nn.CrossEntropyLoss()
    cases = [
        loss_case("cross-entropy-labels", logits, None, batch, width,
                  lambda x: ce(x.view(batch, width), torch.tensor(labels)), labels=labels),
        loss_case("cross-entropy", logits, one_hot, batch, width,
                  lambda x: ce(x.view(batch, width), torch.tensor(one_hot, dtype=torch.float64))),
        loss_case("cross-entropy", logits, soft, batch, width,
                  lambda x: ce(x.view(batch, width), torch.tensor(soft, dtype=torch.float64))),
    ]
    bce_logits = (torch.randn(4, 6, generator=gen) * 4).to(torch.float32).numpy()
    bce_logits[0] = np.array([1000.0, -1000.0, 40.0, -40.0, 0.0, 88.0], dtype=np.float32)
    bce_target = torch.rand(4, 6, generator=gen).to(torch.float32).numpy()
    bce_target[1] = np.array([0, 1, 0, 1, 1, 0], dtype=np.float32)
    bce_target[0] = np.array([1, 0, 0, 1, 0.25, 0], dtype=np.float32)
    bce = torch.nn.BCEWithLogitsLoss()
    cases.append(loss_case("binary-cross-entropy", bce_logits, bce_target, 4, 6,
                           lambda x: bce(x.view(4, 6), torch.tensor(bce_target, dtype=torch.float64))))
    mse_output = (torch.randn(3, 5, generator=gen) * 2).to(torch.float32).numpy()
    mse_target = torch.randn(3, 5, generator=gen).to(torch.float32).numpy()
    mse = torch.nn.MSELoss()
    cases.append(loss_case("mse", mse_output, mse_target, 3, 5,
                           lambda x: mse(x.view(3, 5), torch.tensor(mse_target, dtype=torch.float64))))
    write("losses.json", dict(torch=torch.__version__, cases=cases))


if __name__ == "__main__":
    torch.set_num_threads(1)
    optimizers()
    losses()
