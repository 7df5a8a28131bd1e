#!/usr/bin/python3
"""Writes PyTorch reference values for jdnn's layer tests (torch 1.13, float32, fixed seeds).

Each fixture is a small network on a fixed input (batch 3, 2 x 6 x 6), the loss L = sum(output * R) for a
fixed R, and everything a test needs to compare: input, parameters, output, the gradient of the input and
the gradients of every parameter. Run from core/:

    /usr/bin/python3 src/test/python/make_layer_fixtures.py

Fixtures (src/test/resources/fixtures/layers/):
  conv_pool_dense.json          Conv2d(2->4, 3x3, padding 1) -> MaxPool2d(2) -> Flatten -> Linear(36->5)
  conv_bn_relu_pool_dense.json  Conv2d(2->4, 3x3, padding 1) -> BatchNorm2d(4) (training mode, batch
                                statistics) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(36->5)
  adam_steps.json               Conv2d(16->16, 3x3, padding 1) -> ReLU -> MaxPool2d(2) -> Flatten ->
                                Linear(64->10), three Adam steps on cross-entropy (batch 4, 16 x 4 x 4):
                                sizes at which oneDNN trains both weights in blocked layouts
  activations.json              relu6, hardsigmoid, hardswish, silu, gelu (exact erf form) and gelu with
                                approximate='tanh' on one input holding their kinks (-3, 0, 3, 6): output and
                                gradient of sum(output * R) for each
  conv_dilated_grouped.json     F.pad(top 1, left 0, bottom 2, right 1) -> Conv2d(4->6, 3x3, dilation 2,
                                groups 2) on a 2 x 4 x 7 x 8 input
  avg_pool.json                 AvgPool2d(3, stride 2, padding 1) with count_include_pad True and False on a
                                2 x 3 x 7 x 8 input
  dilated_grouped_steps.json    Conv2d(4->8, 3x3, dilation 2, padding 2, groups 2) -> ReLU -> BatchNorm2d(8) ->
                                Conv2d(8->8, 3x3, padding 1, groups 8) -> ReLU -> MaxPool2d(2) -> Flatten ->
                                Linear(128->5), three Adam steps on cross-entropy (batch 4, 4 x 8 x 8) in training
                                mode: the dilated, grouped part of issue 16's cross-check (residual_steps is the rest).
                                Batch norm follows the ReLU because a conv bias right before batch norm has a zero
                                gradient: Adam turns its rounding noise into steps of about lr, in both libraries
                                differently, and the running mean inherits them
  residual_steps.json           the residual part: a block x -> Conv2d(4->4, 3x3, dilation 2, padding 2, no bias)
                                -> BatchNorm2d(4) -> + x -> ReLU, a block y -> Conv2d(4->8, 3x3, stride 2,
                                padding 1, no bias) -> BatchNorm2d(8) -> + BatchNorm2d(8)(Conv2d(4->8, 1x1,
                                stride 2, no bias)(y)) -> ReLU, then Conv2d(8->8, 3x3, padding 1, groups 4) ->
                                ReLU -> AdaptiveAvgPool2d(1) -> Flatten -> Linear(8->5); three Adam steps on
                                cross-entropy (batch 4, 4 x 8 x 8) in training mode. The convolutions before a
                                batch norm have no bias, for the reason above

Names given as arguments write only those fixtures, e.g. `... make_layer_fixtures.py dilated_grouped_steps`.
"""
import json
import os
import sys

import torch
from torch import nn

OUT_DIR = os.path.join("src", "test", "resources", "fixtures", "layers")
BATCH, IN_CHANNELS, SIZE = 3, 2, 6
CONV_CHANNELS, OUT_FEATURES = 4, 5
FEATURES = CONV_CHANNELS * (SIZE // 2) * (SIZE // 2)  # 4 x 3 x 3 after the 2x2 pool
BN_EPS, BN_MOMENTUM = 1e-5, 0.1  # PyTorch's momentum 0.1 is the seed's momentum 0.9


def tensor(t):
    t = t.detach().to(torch.float32).contiguous()
    # float32 -> Python float is exact, so the JSON numbers parse back to the same float32 values.
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def to_json(fixture):
    """Readable JSON: one line per layer, note and tensor."""
    lines = []
    for key, value in fixture.items():
        if isinstance(value, dict):
            items = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items()]
            lines.append(f" {json.dumps(key)}: {{\n" + ",\n".join(items) + "\n }")
        elif isinstance(value, list):
            items = [f"  {json.dumps(v)}" for v in value]
            lines.append(f" {json.dumps(key)}: [\n" + ",\n".join(items) + "\n ]")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def layers_description(with_bn):
    layers = [{"type": "conv2d", "in_channels": IN_CHANNELS, "out_channels": CONV_CHANNELS, "filter_size": 3,
               "stride": 1, "padding": "same"}]
    if with_bn:
        layers += [{"type": "batchnorm2d", "channels": CONV_CHANNELS, "epsilon": BN_EPS,
                    "momentum_pytorch": BN_MOMENTUM, "momentum_seed": 1 - BN_MOMENTUM, "mode": "training"},
                   {"type": "relu"}]
    layers += [{"type": "maxpool2d", "filter_size": 2, "stride": 2, "padding": "valid"},
               {"type": "flatten"},
               {"type": "dense", "in_features": FEATURES, "out_features": OUT_FEATURES}]
    return layers


def make(name, seed, with_bn):
    torch.manual_seed(seed)
    conv = nn.Conv2d(IN_CHANNELS, CONV_CHANNELS, 3, padding=1)
    bn = nn.BatchNorm2d(CONV_CHANNELS, eps=BN_EPS, momentum=BN_MOMENTUM) if with_bn else None
    dense = nn.Linear(FEATURES, OUT_FEATURES)
    if bn is not None:
        with torch.no_grad():  # away from the defaults (1, 0) so scale and shift matter
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.5, 0.5)
    x = torch.randn(BATCH, IN_CHANNELS, SIZE, SIZE, requires_grad=True)
    r = torch.randn(BATCH, OUT_FEATURES)

    tensors = {"input": tensor(x), "R": tensor(r),
               "conv.weight": tensor(conv.weight), "conv.bias": tensor(conv.bias),
               "dense.weight": tensor(dense.weight), "dense.bias": tensor(dense.bias)}
    modules = [conv]
    if bn is not None:
        tensors.update({"bn.weight": tensor(bn.weight), "bn.bias": tensor(bn.bias),
                        "bn.running_mean_before": tensor(bn.running_mean),
                        "bn.running_var_before": tensor(bn.running_var)})
        modules += [bn, nn.ReLU()]
    modules += [nn.MaxPool2d(2), nn.Flatten(), dense]
    net = nn.Sequential(*modules).train()

    if bn is not None:
        conv_out = conv(x).detach()
        tensors["bn.batch_mean"] = tensor(conv_out.mean(dim=(0, 2, 3)))
        tensors["bn.batch_var_biased"] = tensor(conv_out.var(dim=(0, 2, 3), unbiased=False))
    out = net(x)
    loss = (out * r).sum()
    loss.backward()

    tensors.update({"output": tensor(out), "grad.input": tensor(x.grad),
                    "grad.conv.weight": tensor(conv.weight.grad), "grad.conv.bias": tensor(conv.bias.grad),
                    "grad.dense.weight": tensor(dense.weight.grad), "grad.dense.bias": tensor(dense.bias.grad)})
    if bn is not None:
        tensors.update({"grad.bn.weight": tensor(bn.weight.grad), "grad.bn.bias": tensor(bn.bias.grad),
                        "bn.running_mean_after": tensor(bn.running_mean),
                        "bn.running_var_after": tensor(bn.running_var)})

    notes = ["loss = sum(output * R); grad.* are dloss/d(tensor) after one forward and backward",
             "weights are PyTorch's: conv oihw, dense [out, in] with in ordered (c, y, x) as Flatten orders NCHW",
             "conv padding 1 with a 3x3 filter is 'same' (TF split (1, 1))"]
    if bn is not None:
        notes += ["batch norm normalizes with the biased batch variance (bn.batch_var_biased)",
                  "PyTorch updates running_var with the UNBIASED batch variance (n / (n - 1), n = N*H*W = 108): "
                  "running = 0.9 * running + 0.1 * batch"]
    fixture = {"description": name, "generator": "src/test/python/make_layer_fixtures.py",
               "torch_version": torch.__version__, "seed": seed, "dtype": "float32",
               "layers": layers_description(with_bn), "notes": notes, "tensors": tensors}
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w") as f:
        f.write(to_json(fixture))
    print("wrote", path, "loss", float(loss))


def make_adam_steps(name, seed, steps=3, batch=4, channels=16, size=4, classes=10, lr=0.01):
    torch.manual_seed(seed)
    conv = nn.Conv2d(channels, channels, 3, padding=1)
    dense = nn.Linear(channels * (size // 2) ** 2, classes)
    net = nn.Sequential(conv, nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), dense).train()
    tensors = {"conv.weight": tensor(conv.weight), "conv.bias": tensor(conv.bias),
               "dense.weight": tensor(dense.weight), "dense.bias": tensor(dense.bias)}
    optimizer = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    losses = []
    for step in range(steps):
        x = torch.randn(batch, channels, size, size)
        y = torch.randint(0, classes, (batch,))
        tensors[f"input.{step}"] = tensor(x)
        tensors[f"labels.{step}"] = tensor(y.to(torch.float32))
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    tensors["losses"] = tensor(torch.tensor(losses))
    for module, prefix in ((conv, "conv"), (dense, "dense")):
        for kind in ("weight", "bias"):
            parameter = getattr(module, kind)
            tensors[f"after.{prefix}.{kind}"] = tensor(parameter)
            tensors[f"exp_avg.{prefix}.{kind}"] = tensor(optimizer.state[parameter]["exp_avg"])
            tensors[f"exp_avg_sq.{prefix}.{kind}"] = tensor(optimizer.state[parameter]["exp_avg_sq"])
    fixture = {"description": name, "generator": "src/test/python/make_layer_fixtures.py",
               "torch_version": torch.__version__, "seed": seed, "dtype": "float32",
               "notes": [f"{steps} steps of torch.optim.Adam(lr={lr}, betas=(0.9, 0.999), eps=1e-8) on the mean "
                         "cross-entropy of the logits; step k reads input.k and labels.k (class indices as floats)",
                         "losses[k] is the loss of step k before its update; after.* are the parameters after the "
                         "last step, exp_avg.* and exp_avg_sq.* Adam's first and second moments then"],
               "tensors": tensors}
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w") as f:
        f.write(to_json(fixture))
    print("wrote", path, "losses", losses)


def write(name, seed, notes, tensors):
    fixture = {"description": name, "generator": "src/test/python/make_layer_fixtures.py",
               "torch_version": torch.__version__, "seed": seed, "dtype": "float32", "notes": notes,
               "tensors": tensors}
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w") as f:
        f.write(to_json(fixture))
    print("wrote", path)


ACTIVATIONS = {"relu6": nn.functional.relu6, "hard-sigmoid": nn.functional.hardsigmoid,
               "hard-swish": nn.functional.hardswish, "silu": nn.functional.silu,
               "gelu": nn.functional.gelu, "gelu-tanh": lambda x: nn.functional.gelu(x, approximate="tanh")}


def make_activations(name, seed):
    torch.manual_seed(seed)
    kinks = torch.tensor([-3.0, 0.0, 3.0, 6.0])
    x = torch.cat([kinks, kinks - 2.0 ** -10, kinks + 2.0 ** -10, 4 * torch.randn(52)]).reshape(2, 32)
    r = torch.randn(2, 32)
    tensors = {"input": tensor(x), "R": tensor(r)}
    for label, function in ACTIVATIONS.items():
        point = x.clone().requires_grad_(True)
        out = function(point)
        (out * r).sum().backward()
        tensors[label + ".output"] = tensor(out)
        tensors[label + ".grad"] = tensor(point.grad)
    write(name, seed, ["input: the kinks -3, 0, 3, 6, each minus and plus 2^-10, then 4 * randn",
                       "<label>.output is torch.nn.functional's function of the input (labels are jdnn's), "
                       "<label>.grad the gradient of sum(output * R)"], tensors)


def make_conv_dilated_grouped(name, seed, pads=(1, 0, 2, 1)):
    torch.manual_seed(seed)
    conv = nn.Conv2d(4, 6, 3, dilation=2, groups=2)
    x = torch.randn(2, 4, 7, 8, requires_grad=True)
    top, left, bottom, right = pads
    out = conv(nn.functional.pad(x, (left, right, top, bottom)))
    r = torch.randn(out.shape)
    (out * r).sum().backward()
    write(name, seed, ["loss = sum(output * R); grad.* are dloss/d(tensor)",
                       "pads are top, left, bottom, right (F.pad takes left, right, top, bottom)",
                       "conv.weight is [out, in / groups, kh, kw]"],
          {"input": tensor(x), "R": tensor(r), "pads": tensor(torch.tensor(pads, dtype=torch.float32)),
           "conv.weight": tensor(conv.weight), "conv.bias": tensor(conv.bias), "output": tensor(out),
           "grad.input": tensor(x.grad), "grad.conv.weight": tensor(conv.weight.grad),
           "grad.conv.bias": tensor(conv.bias.grad)})


def make_avg_pool(name, seed):
    torch.manual_seed(seed)
    x = torch.randn(2, 3, 7, 8)
    tensors = {"input": tensor(x)}
    for include in (True, False):
        key = "include" if include else "exclude"
        xi = x.clone().requires_grad_(True)
        out = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=include)(xi)
        r = torch.randn(out.shape)
        (out * r).sum().backward()
        tensors.update({f"{key}.R": tensor(r), f"{key}.output": tensor(out), f"{key}.grad.input": tensor(xi.grad)})
    write(name, seed, ["include.* are AvgPool2d(3, stride=2, padding=1, count_include_pad=True), exclude.* the same "
                       "with count_include_pad=False; loss = sum(output * R)"], tensors)


def make_dilated_grouped_steps(name, seed, steps=3, batch=4, channels=4, size=8, classes=5, lr=0.01):
    torch.manual_seed(seed)
    conv1 = nn.Conv2d(channels, 8, 3, dilation=2, padding=2, groups=2)
    bn = nn.BatchNorm2d(8, eps=BN_EPS, momentum=BN_MOMENTUM)
    conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=8)
    dense = nn.Linear(8 * (size // 2) ** 2, classes)
    with torch.no_grad():  # away from the defaults (1, 0) so scale and shift matter
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
    # Batch norm after the ReLU: right after conv1 it would cancel conv1's bias (see the docstring).
    net = nn.Sequential(conv1, nn.ReLU(), bn, conv2, nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), dense).train()
    parameters = {"conv1.weight": conv1.weight, "conv1.bias": conv1.bias, "bn.weight": bn.weight,
                  "bn.bias": bn.bias, "bn.running_mean": bn.running_mean, "bn.running_var": bn.running_var,
                  "conv2.weight": conv2.weight, "conv2.bias": conv2.bias,
                  "dense.weight": dense.weight, "dense.bias": dense.bias}
    tensors = {"before." + key: tensor(value) for key, value in parameters.items()}
    optimizer = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    losses = []
    for step in range(steps):
        x = torch.randn(batch, channels, size, size)
        y = torch.randint(0, classes, (batch,))
        tensors[f"input.{step}"] = tensor(x)
        tensors[f"labels.{step}"] = tensor(y.to(torch.float32))
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    tensors["losses"] = tensor(torch.tensor(losses))
    tensors.update({"after." + key: tensor(value) for key, value in parameters.items()})
    write(name, seed, [f"{steps} steps of torch.optim.Adam(lr={lr}, betas=(0.9, 0.999), eps=1e-8) on the mean "
                       "cross-entropy of the logits, in training mode (batch norm on batch statistics, momentum "
                       f"{BN_MOMENTUM}, i.e. the seed's {1 - BN_MOMENTUM}); step k reads input.k and labels.k "
                       "(class indices as floats)",
                       "losses[k] is the loss of step k before its update; before.* are the initial parameters "
                       "and running statistics, after.* those after the last step",
                       "conv weights are [out, in / groups, kh, kw]; dense [out, in] with in ordered (c, y, x)"],
          tensors)
    print("losses", losses)


class Residual(nn.Module):
    """The residual_steps network: an identity block, a projection block, a grouped convolution, pooling, dense."""

    def __init__(self, channels, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, dilation=2, padding=2, bias=False)
        self.bn1 = nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.conv2 = nn.Conv2d(channels, 8, 3, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.proj = nn.Conv2d(channels, 8, 1, stride=2, bias=False)
        self.bn3 = nn.BatchNorm2d(8, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.conv3 = nn.Conv2d(8, 8, 3, padding=1, groups=4)
        self.dense = nn.Linear(8, classes)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)) + x)
        x = torch.relu(self.bn2(self.conv2(x)) + self.bn3(self.proj(x)))
        x = torch.relu(self.conv3(x))
        return self.dense(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def make_residual_steps(name, seed, steps=3, batch=4, channels=4, size=8, classes=5, lr=0.01):
    torch.manual_seed(seed)
    net = Residual(channels, classes).train()
    with torch.no_grad():  # away from the defaults (1, 0) so scale and shift matter
        for bn in (net.bn1, net.bn2, net.bn3):
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.5, 0.5)
    parameters = {"conv1.weight": net.conv1.weight}
    for bn in ("bn1", "bn2", "bn3"):
        module = getattr(net, bn)
        if bn == "bn3":
            parameters["proj.weight"] = net.proj.weight
        parameters.update({f"{bn}.weight": module.weight, f"{bn}.bias": module.bias,
                           f"{bn}.running_mean": module.running_mean, f"{bn}.running_var": module.running_var})
        if bn == "bn1":
            parameters["conv2.weight"] = net.conv2.weight
    parameters.update({"conv3.weight": net.conv3.weight, "conv3.bias": net.conv3.bias,
                       "dense.weight": net.dense.weight, "dense.bias": net.dense.bias})
    tensors = {"before." + key: tensor(value) for key, value in parameters.items()}
    optimizer = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    losses = []
    for step in range(steps):
        x = torch.randn(batch, channels, size, size)
        y = torch.randint(0, classes, (batch,))
        tensors[f"input.{step}"] = tensor(x)
        tensors[f"labels.{step}"] = tensor(y.to(torch.float32))
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    tensors["losses"] = tensor(torch.tensor(losses))
    tensors.update({"after." + key: tensor(value) for key, value in parameters.items()})
    write(name, seed, [f"{steps} steps of torch.optim.Adam(lr={lr}, betas=(0.9, 0.999), eps=1e-8) on the mean "
                       "cross-entropy of the logits, in training mode (batch norm on batch statistics, momentum "
                       f"{BN_MOMENTUM}, i.e. the seed's {1 - BN_MOMENTUM}); step k reads input.k and labels.k "
                       "(class indices as floats)",
                       "losses[k] is the loss of step k before its update; before.* are the initial parameters "
                       "and running statistics, after.* those after the last step, in the order of the graph's "
                       "nodes (conv1, bn1, conv2, bn2, proj, bn3, conv3, dense)",
                       "conv weights are [out, in / groups, kh, kw]; dense [out, in]"],
          tensors)
    print("losses", losses)


FIXTURES = {
    "conv_pool_dense": lambda: make("conv_pool_dense", 20240601, with_bn=False),
    "conv_bn_relu_pool_dense": lambda: make("conv_bn_relu_pool_dense", 20240602, with_bn=True),
    "adam_steps": lambda: make_adam_steps("adam_steps", 20240603),
    "activations": lambda: make_activations("activations", 20240604),
    "conv_dilated_grouped": lambda: make_conv_dilated_grouped("conv_dilated_grouped", 20240604),
    "avg_pool": lambda: make_avg_pool("avg_pool", 20240605),
    "dilated_grouped_steps": lambda: make_dilated_grouped_steps("dilated_grouped_steps", 20240606),
    "residual_steps": lambda: make_residual_steps("residual_steps", 20240607),
}

if __name__ == "__main__":
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    unknown = [n for n in sys.argv[1:] if n not in FIXTURES]
    if unknown:
        sys.exit(f"unknown fixtures {unknown}; known: {list(FIXTURES)}")
    for fixture_name in sys.argv[1:] or FIXTURES:
        FIXTURES[fixture_name]()
