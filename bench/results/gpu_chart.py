#!/usr/bin/env python3
"""Draws the table `bench gpu` prints (a saved run) as an SVG: time per size, log-log, for the
CPU (all cores), the device on resident data, and the device with the transfers counted; one
panel for the filter scan, one for the hash join.
    python3 bench/results/gpu_chart.py RUN.txt OUT.svg"""
import math
import re
import sys

rows = {}
for line in open(sys.argv[1]):
    # the table's columns: operation (34 wide), rows, cpu ms, gpu ms, gpu+transfer ms, speedup, note
    if not line.startswith(('filter scan', 'hash join')):
        continue
    op = 'filter scan' if line.startswith('filter') else 'hash join'
    f = line[34:].split()
    num = lambda v: float(v) if re.match(r'^[\d.]+$', v) else None
    rows.setdefault(op, []).append((int(f[0].replace(',', '')), num(f[1]), num(f[2]), num(f[3])))

W, H, PAD = 460, 320, 60
series = [('CPU, all cores', '#888888', 1), ('GPU, data on the device', '#1f77b4', 2), ('GPU, transfers counted', '#ff7f0e', 3)]
out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">' % (2 * W, H + 40)]
for panel, op in enumerate(['filter scan', 'hash join']):
    pts = rows.get(op, [])
    if not pts:
        continue
    xs = [p[0] for p in pts]
    ys = [v for p in pts for v in p[1:] if v]
    x0, x1 = math.log10(min(xs)), math.log10(max(xs))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    ox = panel * W
    fx = lambda x: ox + PAD + (math.log10(x) - x0) / max(x1 - x0, 1e-9) * (W - 2 * PAD)
    fy = lambda y: H - PAD + 20 - (math.log10(y) - y0) / max(y1 - y0, 1e-9) * (H - 2 * PAD)
    out.append('<text x="%d" y="18" font-size="13" font-weight="bold">%s: ms per run (log) by rows (log)</text>' % (ox + PAD, op))
    out.append('<line x1="%f" y1="%f" x2="%f" y2="%f" stroke="black"/>' % (fx(min(xs)), fy(10 ** y0), fx(max(xs)), fy(10 ** y0)))
    out.append('<line x1="%f" y1="%f" x2="%f" y2="%f" stroke="black"/>' % (fx(min(xs)), fy(10 ** y0), fx(min(xs)), fy(10 ** y1)))
    for e in range(y0, y1 + 1):
        out.append('<text x="%f" y="%f" text-anchor="end">%g</text>' % (fx(min(xs)) - 4, fy(10 ** e) + 4, 10 ** e))
        out.append('<line x1="%f" y1="%f" x2="%f" y2="%f" stroke="#eeeeee"/>' % (fx(min(xs)), fy(10 ** e), fx(max(xs)), fy(10 ** e)))
    for x in xs:
        label = '%gM' % (x / 1e6) if x < 1e9 else '%gB' % (x / 1e9)
        out.append('<text x="%f" y="%f" text-anchor="middle">%s</text>' % (fx(x), fy(10 ** y0) + 14, label))
    for i, (name, color, col) in enumerate(series):
        p = [(fx(r[0]), fy(r[col])) for r in pts if r[col]]
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (color, ' '.join('%f,%f' % q for q in p)))
        for q in p:
            out.append('<circle cx="%f" cy="%f" r="3" fill="%s"/>' % (q[0], q[1], color))
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>'
                   % (ox + PAD + 10, 30 + 14 * i, color, ox + PAD + 24, 39 + 14 * i, name))
out.append('</svg>')
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
