#!/usr/bin/python3
"""Generates the tiny feed-forward style network used by the fast-path tests, and its reference output.

Run with Debian's interpreter (python3-torch, python3-onnx):  /usr/bin/python3 tools/fastmodel/make_model.py
The build never runs this; its outputs are committed under worker/src/test/resources/fastmodel/:

  tiny-style.onnx        fully convolutional "transformer net" (stride 1, no normalisation, so a tile's output
                         equals the whole image's output away from the tile's edges), input "input" 1x3xHxW float RGB
                         in [0,255], output "output" 1x3xHxW in [0,255]; H and W are dynamic
  tiny-style.ref.f32     its output on the fixed input below, raw little-endian float32, NCHW, 1x3x40x56
  wrong-shape.onnx       same kind of network with a 1-channel output (an upload the registry must refuse)

The two .onnx files are also copied to gateway/src/test/resources/fastmodel/ (upload tests).
The fixed input is pixel(c, y, x) = (x * 7 + y * 13 + c * 50) % 256, the same formula the Java tests use.
"""
import os
import shutil
import numpy as np
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "worker", "src", "test", "resources", "fastmodel")
GATEWAY_OUT = os.path.join(ROOT, "gateway", "src", "test", "resources", "fastmodel")
H, W = 40, 56


class TinyTransformer(nn.Module):
    def __init__(self, out_channels=3):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 9, padding=4), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, out_channels, 9, padding=4))

    def forward(self, x):
        # [0,255] in, [0,255] out like the shared Johnson et al. exports; the sigmoid keeps it in range, and the
        # skip connection keeps some of the content visible (only when the channel counts match)
        y = self.body(x / 255.0 - 0.5)
        if y.shape[1] == 3:
            y = y + (x / 127.5 - 1.0)
        return torch.sigmoid(y) * 255.0


def export(model, path):
    dummy = torch.zeros(1, 3, H, W)
    torch.onnx.export(model, dummy, path, input_names=["input"], output_names=["output"], opset_version=13,
                      dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "height", 3: "width"}})


def fixed_input():
    c, y, x = np.meshgrid(np.arange(3), np.arange(H), np.arange(W), indexing="ij")
    return ((x * 7 + y * 13 + c * 50) % 256).astype(np.float32)[None]


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20160327)  # Johnson et al.'s arXiv date
    model = TinyTransformer().eval()
    export(model, os.path.join(OUT, "tiny-style.onnx"))
    with torch.no_grad():
        ref = model(torch.from_numpy(fixed_input())).numpy().astype("<f4")
    ref.tofile(os.path.join(OUT, "tiny-style.ref.f32"))
    export(TinyTransformer(out_channels=1).eval(), os.path.join(OUT, "wrong-shape.onnx"))
    os.makedirs(GATEWAY_OUT, exist_ok=True)
    for name in ("tiny-style.onnx", "wrong-shape.onnx"):
        shutil.copyfile(os.path.join(OUT, name), os.path.join(GATEWAY_OUT, name))
    print("wrote", OUT, "reference range", float(ref.min()), float(ref.max()))


if __name__ == "__main__":
    main()
