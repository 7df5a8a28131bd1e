"""Small PyTorch networks exported to ONNX for jdnn's import tests (OnnxImportTest), random weights, seed 0.

Run with Debian's python3 (python3-torch 1.13): /usr/bin/python3 core/src/test/python/make_onnx_import_fixtures.py
Writes core/src/test/resources/fixtures/onnx-import/<name>_opset<N>.onnx; each file stays under 100 KB.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "onnx-import")


class Residual(nn.Module):
    """conv-bn-relu stem, a residual block with an identity shortcut, one with a projection, max pooling, GAP."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.a1 = nn.Conv2d(8, 8, 3, padding=2, dilation=2, bias=False)
        self.b1 = nn.BatchNorm2d(8)
        self.a2 = nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(16)
        self.proj = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16))
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.stem(x)
        x = F.relu(self.b1(self.a1(x)) + x)
        x = F.relu(self.b2(self.a2(x)) + self.proj(x))
        x = self.pool(x)
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


class Mobile(nn.Module):
    """An inverted residual block: 1x1 expand, relu6, depthwise 3x3, relu6, 1x1 project, add; hardswish; mean."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU6())
        self.expand = nn.Sequential(nn.Conv2d(8, 24, 1), nn.BatchNorm2d(24), nn.ReLU6())
        self.depthwise = nn.Sequential(nn.Conv2d(24, 24, 3, padding=1, groups=24), nn.BatchNorm2d(24), nn.ReLU6())
        self.project = nn.Sequential(nn.Conv2d(24, 8, 1), nn.BatchNorm2d(8))
        self.head = nn.Sequential(nn.Conv2d(8, 12, 1), nn.Hardswish())
        self.fc = nn.Sequential(nn.Dropout(0.2), nn.Linear(12, 5))

    def forward(self, x):
        x = self.stem(x)
        x = x + self.project(self.depthwise(self.expand(x)))
        x = self.head(x)
        return self.fc(x.mean((2, 3)))


class Seed(nn.Module):
    """W1's shape: two conv-bn-relu-maxpool blocks, a view to [N, -1] (Shape/Gather/Concat/Reshape), two dense."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.c2 = nn.Sequential(nn.Conv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.AvgPool2d(2))
        self.d1 = nn.Linear(6 * 7 * 7, 16)
        self.d2 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.c2(self.c1(x))
        x = x.view(x.size(0), -1)
        return self.d2(F.leaky_relu(self.d1(x), 0.1))


def randomize(model):
    """Batch-norm statistics away from 0 and 1, so that folding them is tested."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    for name, model, shape in [("residual", Residual(), (1, 1, 28, 28)), ("mobile", Mobile(), (1, 3, 32, 32)),
                               ("seed", Seed(), (1, 1, 28, 28))]:
        randomize(model)
        model.eval()
        for opset in (13, 17):
            path = os.path.join(OUT, f"{name}_opset{opset}.onnx")
            torch.onnx.export(model, torch.randn(*shape), path, opset_version=opset, input_names=["images"],
                              output_names=["logits"], dynamic_axes={"images": {0: "N"}, "logits": {0: "N"}})
            print(path, os.path.getsize(path))


if __name__ == "__main__":
    main()


def torchvision_models(folder):
    """resnet18 and mobilenet_v2 with random weights, for the slower check (not committed: 45 and 14 MB).

    /usr/bin/python3 -c 'import make_onnx_import_fixtures as m; m.torchvision_models("/tmp/onnx-models")' from this
    folder, then bin/mvn -B -pl core verify -Dtest=OnnxImportTest -Djdnn.onnx.models=/tmp/onnx-models.
    """
    import torchvision
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(0)
    for name in ("resnet18", "mobilenet_v2"):
        model = getattr(torchvision.models, name)()
        randomize(model)
        model.eval()
        for opset in (13, 17):
            path = os.path.join(folder, f"{name}_opset{opset}.onnx")
            torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=opset, input_names=["images"],
                              output_names=["logits"], dynamic_axes={"images": {0: "N"}, "logits": {0: "N"}})
            print(path, os.path.getsize(path))
