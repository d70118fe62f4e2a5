#!/usr/bin/python3
"""PyTorch eager reference for the engine's evaluation cost (Debian's python3-torch 1.13 is enough).

Times what one IST evaluation does — VGG19 features to relu5_1 on a size x size image, a content loss at conv4_2,
Gram style losses at relu1_1..relu5_1, backward to the image — in fp32 (NCHW and channels-last) and in bf16
(channels-last, convolutions/ReLUs/poolings in bf16, Grams and losses in fp32, as the engine's TorchScript module
does). Prints the median wall and CPU milliseconds per evaluation, so a loaded machine can still compare CPU time.

Run:  /usr/bin/python3 tools/precision/pytorch_reference.py [size] [threads] [evaluations] [modes]
(modes: a comma list of fp32, fp32cl, bf16cl; default all three. Leave bf16cl out on a CPU without AVX512-BF16 or AMX,
where oneDNN emulates bf16 and one evaluation takes minutes.)
Compare with the engine:  ./ist bench --precision --sizes SIZE (wall) or the same threads via
-Dai.djl.pytorch.num_threads=N.
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 512
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 1
EVALS = int(sys.argv[3]) if len(sys.argv) > 3 else 6
MODES = sys.argv[4].split(",") if len(sys.argv) > 4 else ["fp32", "fp32cl", "bf16cl"]
torch.set_num_threads(THREADS)
torch.manual_seed(1)

CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512]
STYLE = {1: "relu1_1", 6: "relu2_1", 11: "relu3_1", 20: "relu4_1", 29: "relu5_1"}
CONTENT = 21  # conv4_2

weights, biases, c = [], [], 3
for v in CFG:
    if v != "M":
        weights.append(torch.randn(v, c, 3, 3) * (2.0 / (9 * c)) ** 0.5)
        biases.append(torch.zeros(v))
        c = v
kinds = []
for v in CFG:
    kinds += ["P"] if v == "M" else ["C", "R"]


def features(x, w, b, bf16, channels_last):
    h = x.to(torch.bfloat16) if bf16 else x
    if channels_last:
        h = h.contiguous(memory_format=torch.channels_last)
    out, conv = {}, 0
    for i, k in enumerate(kinds[:30]):
        if k == "C":
            h = F.conv2d(h, w[conv], b[conv], 1, 1)
            conv += 1
        elif k == "R":
            h = F.relu(h)
        else:
            h = F.max_pool2d(h, 2, 2)
        if i in STYLE or i == CONTENT:
            out[i] = h.float()
    return out


def gram(f):
    n, ch, hh, ww = f.shape
    m = f.reshape(ch, hh * ww)
    return m @ m.t() / (ch * hh * ww)


def run(bf16, channels_last):
    w = [t.to(torch.bfloat16) for t in weights] if bf16 else weights
    b = [t.to(torch.bfloat16) for t in biases] if bf16 else biases
    if channels_last:
        w = [t.contiguous(memory_format=torch.channels_last) for t in w]
    content = torch.rand(1, 3, SIZE, SIZE)
    style = torch.rand(1, 3, SIZE, SIZE)
    with torch.no_grad():
        ct = features(content, w, b, bf16, channels_last)[CONTENT]
        st = {i: gram(f) for i, f in features(style, w, b, bf16, channels_last).items() if i in STYLE}
    x = content.clone().requires_grad_(True)
    walls, cpus = [], []
    for e in range(EVALS + 2):
        t0, c0 = time.perf_counter(), time.process_time()
        f = features(x, w, b, bf16, channels_last)
        loss = F.mse_loss(f[CONTENT], ct)
        for i in STYLE:
            loss = loss + 1e3 * F.mse_loss(gram(f[i]), st[i])
        x.grad = None
        loss.backward()
        t1, c1 = time.perf_counter(), time.process_time()
        if e >= 2:
            walls.append((t1 - t0) * 1000)
            cpus.append((c1 - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus)


print("torch %s, %d thread(s), %d px, mkldnn %s" % (torch.__version__, THREADS, SIZE,
                                                    torch.backends.mkldnn.is_available()))
results = {}
for mode, name, bf16, cl in (("fp32", "fp32 NCHW", False, False), ("fp32cl", "fp32 channels-last", False, True),
                             ("bf16cl", "bf16 channels-last", True, True)):
    if mode not in MODES:
        continue
    results[name] = run(bf16, cl)
    print("%-20s wall %8.0f ms  cpu %8.0f ms per evaluation" % ((name,) + results[name]))
if "fp32 NCHW" in results and "bf16 channels-last" in results:
    base = results["fp32 NCHW"][1]
    print("bf16 channels-last vs fp32 NCHW (cpu): %.2fx" % (base / results["bf16 channels-last"][1]))
