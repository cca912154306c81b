"""A model of the one-pass filter's warp-wide look-back (bs_select_tile in
gpu/src/main/resources/io/blueshift/gpu/cuda/blueshift_kernels.cu), run on the CPU: tiles take
ids in start order, publish their count, and look back 32 predecessors a step until the nearest
inclusive prefix, interleaved at random. Checks every tile's offset against a plain prefix sum.
No device needed: python3 gpu/src/test/model/lookback_model.py (prints ok)."""
import random
def run(T, seed):
    rnd = random.Random(seed)
    counts = [rnd.randint(0, 8192) for _ in range(T)]
    status = [0] * T            # (flag<<32)|value
    result = {}
    def tile(t):
        c = counts[t]
        status[t] = ((2 if t == 0 else 1) << 32) | c
        yield
        ex = 0
        if t > 0:
            p = [t - 1 - l for l in range(32)]
            while True:
                s = [status[q] if q >= 0 else (2 << 32) for q in p]
                flags = [x >> 32 for x in s]
                if any(f == 0 for f in flags):
                    yield
                    continue
                incl = [l for l in range(32) if flags[l] == 2]
                stop = incl[0] if incl else 31
                ex += sum((s[l] & 0xffffffff) for l in range(32) if l <= stop)
                if incl:
                    break
                p = [q - 32 for q in p]
                yield
            status[t] = (2 << 32) | (ex + c)
        result[t] = ex
    # tiles start in ticket order but interleave arbitrarily; a window of resident tiles
    started, active, nxt = [], [], 0
    while len(result) < T:
        if nxt < T and (not active or rnd.random() < 0.3):
            g = tile(nxt); nxt += 1; active.append(g)
        g = rnd.choice(active)
        try:
            next(g)
        except StopIteration:
            active.remove(g)
    exp = 0
    for t in range(T):
        assert result[t] == exp, (t, result[t], exp)
        exp += counts[t]
for seed in range(300):
    run(random.Random(seed).randint(1, 400), seed)
print("ok")
