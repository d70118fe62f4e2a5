#!/usr/bin/python3
"""Generates the TorchScript module behind the engine's mixed-precision path (Debian's python3-torch 1.13 is enough).

Run:  /usr/bin/python3 tools/precision/make_vgg_module.py [output-file]
(default: worker/src/main/resources/dev/ist/worker/engine/precision/vgg19-features.pt). The build and the runtime
never run this; the generated file is committed, and libtorch 2.7.1 (DJL's PyTorch engine) loads it.

The module holds NO weights: the Java side hands them in once (`load_weights`), so one ~5 KB file serves any VGG19
(torchvision, Caffe-converted, random, or the tiny test networks). `forward` runs VGG19 `features` up to the deepest
requested layer, in fp32 or with convolutions, ReLUs and poolings in bfloat16, and returns the requested layers as
fp32 tensors. Casts happen inside the graph, so DJL never creates a bfloat16 array (its JNI aborts on those) and
autograd flows back through the casts to the fp32 input.

  load_weights(weights: List[Tensor], biases: List[Tensor]) -> Tensor[int64, 1]   number of convolutions kept
      (copies them, and makes their bf16 copies; call it with autograd enabled, not in inference mode, or the
      copies are inference tensors that backward refuses)
  forward(x: Tensor[1,3,H,W] fp32, taps: Tensor[int64, n], config: Tensor[int64, 2]) -> List[Tensor] fp32
      taps    torchvision `features` indices (0..36) to return, in the order wanted
      config  [pooling: 0 max / 1 avg, precision: 0 fp32 / 1 bf16(, layout: 0 NCHW / 1 channels-last)]
"""
import os
import sys
from typing import List

import torch
import torch.nn.functional as F
from torch import Tensor

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "worker", "src", "main", "resources", "dev", "ist",
    "worker", "engine", "precision", "vgg19-features.pt")

CONV, RELU, POOL = 0, 1, 2
KINDS: List[int] = []
for convs in [2, 2, 4, 4, 4]:
    KINDS += [CONV, RELU] * convs + [POOL]
assert len(KINDS) == 37


class Vgg19Features(torch.nn.Module):
    kinds: List[int]
    weights32: List[Tensor]
    biases32: List[Tensor]
    weights16: List[Tensor]
    biases16: List[Tensor]

    def __init__(self):
        super().__init__()
        self.kinds = KINDS
        self.weights32 = []
        self.biases32 = []
        self.weights16 = []
        self.biases16 = []

    @torch.jit.export
    def load_weights(self, weights: List[Tensor], biases: List[Tensor]) -> Tensor:
        if len(weights) != len(biases) or len(weights) == 0 or len(weights) > 16:
            raise RuntimeError("load_weights: need 1 to 16 convolutions, one bias per weight")
        channels = 3
        for i in range(len(weights)):
            w = weights[i]
            if w.dim() != 4 or w.size(1) != channels or w.size(2) != 3 or w.size(3) != 3:
                raise RuntimeError("load_weights: convolution " + str(i) + " has shape " + str(w.size())
                                   + ", expected [C, " + str(channels) + ", 3, 3]")
            if biases[i].dim() != 1 or biases[i].size(0) != w.size(0):
                raise RuntimeError("load_weights: bias " + str(i) + " does not match its weight")
            if w.dtype != torch.float32 or biases[i].dtype != torch.float32:
                raise RuntimeError("load_weights: weights must be float32")
            channels = w.size(0)
        # copies: the caller's tensors may wrap memory it frees afterwards (DJL's arrays do)
        self.weights32 = [w.detach().clone() for w in weights]
        self.biases32 = [b.detach().clone() for b in biases]
        self.weights16 = [w.to(torch.bfloat16) for w in self.weights32]
        self.biases16 = [b.to(torch.bfloat16) for b in self.biases32]
        return torch.tensor([len(weights)], dtype=torch.int64)

    def forward(self, x: Tensor, taps: Tensor, config: Tensor) -> List[Tensor]:
        if x.dim() != 4 or x.size(1) != 3 or x.dtype != torch.float32:
            raise RuntimeError("forward: input must be float32 [N, 3, H, W], got " + str(x.size()))
        if len(self.weights32) == 0:
            raise RuntimeError("forward: call load_weights first")
        avg_pool = int(config[0]) == 1
        bf16 = int(config[1]) == 1
        channels_last = config.size(0) > 2 and int(config[2]) == 1
        wanted: List[int] = []
        deepest = -1
        for j in range(taps.size(0)):
            t = int(taps[j])
            if t < 0 or t >= len(self.kinds):
                raise RuntimeError("forward: layer index " + str(t) + " is outside VGG19 features")
            wanted.append(t)
            deepest = max(deepest, t)
        weights = self.weights16 if bf16 else self.weights32
        biases = self.biases16 if bf16 else self.biases32
        h = x.to(torch.bfloat16) if bf16 else x
        if channels_last:
            # oneDNN's brgemm convolutions take NHWC directly; plain NCHW is reordered to a blocked layout per call
            h = h.contiguous(memory_format=torch.channels_last)
        found: List[Tensor] = []
        found_at: List[int] = []
        conv = 0
        for i in range(deepest + 1):
            kind = self.kinds[i]  # 0 conv, 1 relu, 2 pool (script code cannot read module globals)
            if kind == 0:
                if conv >= len(weights):
                    raise RuntimeError("forward: layer index " + str(i) + " needs convolution " + str(conv)
                                       + " but only " + str(len(weights)) + " were loaded")
                h = F.conv2d(h, weights[conv], biases[conv], 1, 1)
                conv += 1
            elif kind == 1:
                h = F.relu(h)
            elif avg_pool:
                h = F.avg_pool2d(h, 2, 2)
            else:
                h = F.max_pool2d(h, 2, 2)
            if i in wanted:
                found.append(h.float().contiguous())
                found_at.append(i)
        out: List[Tensor] = []
        for t in wanted:
            out.append(found[found_at.index(t)])
        return out


def main():
    module = torch.jit.script(Vgg19Features())
    os.makedirs(os.path.dirname(os.path.abspath(OUT)), exist_ok=True)
    module.save(OUT)
    check(torch.jit.load(OUT))
    print("wrote %s (%d bytes) with torch %s" % (OUT, os.path.getsize(OUT), torch.__version__))


def check(module):
    """The scripted module against torchvision-style eager layers on a small random net."""
    torch.manual_seed(0)
    channels = [4, 4, 6, 6, 8, 8, 8, 8, 8, 8, 8, 8, 8]
    weights, biases, c = [], [], 3
    for out in channels:
        weights.append(torch.randn(out, c, 3, 3) * (2.0 / (9 * c)) ** 0.5)
        biases.append(torch.randn(out) * 0.1)
        c = out
    assert int(module.load_weights(weights, biases)[0]) == len(channels)
    x = torch.rand(1, 3, 32, 32)
    taps = torch.tensor([21, 1, 29], dtype=torch.int64)  # conv4_2, relu1_1, relu5_1
    for avg in (0, 1):
        ref, h, conv = {}, x, 0
        for i in range(30):
            if KINDS[i] == CONV:
                h = F.conv2d(h, weights[conv], biases[conv], padding=1)
                conv += 1
            elif KINDS[i] == RELU:
                h = F.relu(h)
            else:
                h = F.avg_pool2d(h, 2) if avg else F.max_pool2d(h, 2)
            ref[i] = h
        for bf16, cl, tol in ((0, 0, 1e-5), (1, 0, 5e-2), (0, 1, 1e-5), (1, 1, 5e-2)):
            got = module(x, taps, torch.tensor([avg, bf16, cl], dtype=torch.int64))
            for t, g in zip(taps.tolist(), got):
                assert g.dtype == torch.float32
                err = ((g - ref[t]).abs().max() / ref[t].abs().max()).item()
                assert err < tol, (avg, bf16, t, err)


if __name__ == "__main__":
    main()
