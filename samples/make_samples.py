#!/usr/bin/env python3
"""Generates IST's sample images (content.png, style.png) from code, so they carry no third-party rights.

Run with Debian's python3 + numpy: `/usr/bin/python3 samples/make_samples.py`. Output is deterministic.
"""
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write_png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def content(w=512, h=384):
    """A small landscape: sky gradient, sun, two ranges of hills, a lake and a house."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    t = y / h
    img[...] = np.stack([90 + 120 * t, 150 + 80 * t, 235 - 40 * t], -1)
    sun = (x - 380) ** 2 + (y - 90) ** 2 < 38 ** 2
    img[sun] = [255, 220, 120]
    far = y > 200 + 35 * np.sin(x / 60.0) + 15 * np.sin(x / 23.0)
    img[far] = np.stack([70 + 0 * x, 110 + 20 * np.sin(x / 40.0), 90 + 0 * x], -1)[far]
    near = y > 260 + 25 * np.sin(x / 45.0 + 1.3)
    img[near] = np.stack([60 + 30 * (y / h), 140 + 30 * np.sin(x / 17.0), 50 + 0 * x], -1)[near]
    lake = (((x - 150) / 120.0) ** 2 + ((y - 330) / 28.0) ** 2) < 1
    img[lake] = np.stack([60 + 0 * x, 120 + 20 * np.sin(x / 5.0), 200 + 0 * x], -1)[lake]
    wall = (x > 330) & (x < 420) & (y > 250) & (y < 320)
    img[wall] = [200, 170, 130]
    roof = (y > 210) & (y <= 250) & (np.abs(x - 375) < (y - 210) * 1.3)
    img[roof] = [150, 40, 35]
    door = (x > 365) & (x < 385) & (y > 285) & (y < 320)
    img[door] = [90, 55, 30]
    return np.clip(img, 0, 255)


def style(w=384, h=384):
    """An abstract painting: swirling bands of saturated colour with brush-like ripples."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w / 2, h / 2
    r = np.hypot(x - cx, y - cy)
    a = np.arctan2(y - cy, x - cx)
    swirl = np.sin(r / 9.0 + 3 * a) + 0.5 * np.sin(x / 7.0 + np.cos(y / 11.0) * 3)
    ripple = np.sin((x + y) / 3.0) * 0.25
    v = swirl + ripple
    img = np.stack([
        128 + 110 * np.sin(v * 1.7),
        110 + 90 * np.sin(v * 1.3 + 2.0),
        150 + 100 * np.sin(v * 0.9 + 4.0),
    ], -1)
    return np.clip(img, 0, 255)


if __name__ == "__main__":
    write_png(os.path.join(HERE, "content.png"), content())
    write_png(os.path.join(HERE, "style.png"), style())
    print("wrote content.png and style.png")
