#!/usr/bin/env python3
"""Draws media/icon.png (128x128): a broker hub with four client spokes on a dark teal tile. Pure stdlib."""
import math, struct, zlib, sys

W = H = 128
bg1, bg2 = (12, 74, 96), (20, 120, 140)
ink, accent = (235, 248, 250), (255, 196, 61)

def blend(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))

px = [[(0, 0, 0, 0)] * W for _ in range(H)]
cx = cy = 64
nodes = [(64 + 40 * math.cos(a), 64 + 40 * math.sin(a)) for a in (math.pi / 4 + k * math.pi / 2 for k in range(4))]

def seg_dist(x, y, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0, min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy))

for y in range(H):
    for x in range(W):
        # rounded tile
        r = 22
        qx, qy = min(x, W - 1 - x), min(y, H - 1 - y)
        if qx < r and qy < r and math.hypot(r - qx, r - qy) > r:
            continue
        c = blend(bg1, bg2, (x + y) / (W + H))
        if any(seg_dist(x, y, cx, cy, nx, ny) < 3.2 for nx, ny in nodes):
            c = ink
        for nx, ny in nodes:
            d = math.hypot(x - nx, y - ny)
            if d < 11: c = ink
            if d < 6.5: c = blend(bg1, bg2, 0.5)
        d = math.hypot(x - cx, y - cy)
        if d < 20: c = accent
        if 9 < d < 13: c = blend(bg1, bg2, 0.4)
        px[y][x] = (*c, 255)

raw = b''.join(b'\x00' + b''.join(struct.pack('BBBB', *p) for p in row) for row in px)
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
open(sys.argv[1] if len(sys.argv) > 1 else 'media/icon.png', 'wb').write(png)
