// Blueshift device kernels, compiled at run time by NVRTC (once per device, then cached).
// Every kernel mirrors io.blueshift.gpu.ReferenceAccelerator: same predicate semantics,
// same hash slots, same probing order. extern "C" keeps the names unmangled for
// cuModuleGetFunction. Rows are int (a batch holds at most 2^31-1 rows).

#define OP_EQ 0
#define OP_NE 1
#define OP_LT 2
#define OP_LE 3
#define OP_GT 4
#define OP_GE 5
#define OP_BETWEEN 6

#define HASH_MULTIPLIER 0x9E3779B97F4A7C15ULL

__device__ __forceinline__ bool bs_valid(const unsigned char* validity, int row) {
    return validity == 0 || ((validity[row >> 3] >> (row & 7)) & 1);
}

// Filters work on tiles of BS_TILE rows (a block of 256 threads, each warp 1024 rows). Every
// predicate term but the last writes (first term) or ANDs into a bit mask of the rows that
// pass, 32 rows a word. The last term then either (three steps, the default) also writes the
// mask and each tile's count (bs_pred_* with last = 1), bs_scan_counts turns the counts into
// offsets and bs_write_selection writes the row ids, or (one pass) ANDs the mask and writes the
// selection at once, tiles chaining their offsets by look-back (bs_select_*). Device memory
// traffic per row for one term: the column once, a quarter byte of mask (three steps only) and
// the selection. On an H100 the three steps ran faster than one pass whose look-back was one
// thread's walk, tile by tile; the warp-wide look-back here has not run on a device yet.
#define BS_TILE 8192
#define BS_FULL 0xffffffffu

// column OP a (BETWEEN: a <= column <= b), compared as V: int64 for integer columns, double for FLOAT64.
template <typename V>
struct BsCompareAs {
    int op;
    V a, b;
    __device__ __forceinline__ bool operator()(V v) const {
        switch (op) {
            case OP_EQ: return v == a;
            case OP_NE: return v != a;
            case OP_LT: return v < a;
            case OP_LE: return v <= a;
            case OP_GT: return v > a;
            case OP_GE: return v >= a;
            default: return v >= a && v <= b;
        }
    }
};
typedef BsCompareAs<long long> BsCompare;
typedef BsCompareAs<double> BsCompareF64;

__device__ __forceinline__ bool bs_in_sorted(const long long* values, int count, long long v) {
    int lo = 0, hi = count - 1;
    while (lo <= hi) {
        int mid = (lo + hi) >> 1;
        long long m = values[mid];
        if (m == v) return true;
        if (m < v) lo = mid + 1; else hi = mid - 1;
    }
    return false;
}

struct BsIn {
    const long long* values;
    int count;
    __device__ __forceinline__ bool operator()(long long v) const { return bs_in_sorted(values, count, v); }
};

// A full warp's rows take the validity bitmap a 32-bit word per lane (Arrow's bit order is the
// little-endian word's): the values are read and tested regardless, and the nulls masked out
// after, so no load waits on another.
__device__ __forceinline__ bool bs_words_aligned(const unsigned char* validity) {
    return validity == 0 || (((unsigned long long) validity) & 3) == 0;
}

__device__ __forceinline__ unsigned int bs_valid_word(const unsigned char* validity, long long base, int lane) {
    return validity == 0 ? BS_FULL : ((const unsigned int*) validity)[(base >> 5) + lane];
}

// Lane j's mask word (rows base + 32j .. base + 32j + 31) for the warp's 1024 rows, by 32
// ballots. T is the column's storage type, W the type the predicate compares in (int32 columns
// compare as int64, as on the CPU). Every lane runs the same ballots: no lane may have left.
template <typename T, typename W, typename P>
__device__ __forceinline__ unsigned int bs_warp_words(const T* col, const unsigned char* validity, int n, P pred,
                                                      long long base, int lane) {
    unsigned int mine = 0;
    if (base + 1024 <= n && bs_words_aligned(validity)) {
        T v[32];
#pragma unroll
        for (int j = 0; j < 32; j++) v[j] = col[base + j * 32 + lane];
#pragma unroll
        for (int j = 0; j < 32; j++) {
            unsigned int bits = __ballot_sync(BS_FULL, pred((W) v[j]));
            if (lane == j) mine = bits;
        }
        mine &= bs_valid_word(validity, base, lane);
    } else {
        for (int j = 0; j < 32; j++) {
            long long row = base + j * 32 + lane;
            bool keep = row < n && bs_valid(validity, (int) row) && pred((W) col[row]);
            unsigned int bits = __ballot_sync(BS_FULL, keep);
            if (lane == j) mine = bits;
        }
    }
    return mine;
}

// Bits 0..7 of x to bits 0, 4, 8, ..., 28.
__device__ __forceinline__ unsigned int bs_spread8(unsigned int x) {
    x &= 0xFFu;
    x = (x | (x << 12)) & 0x000F000Fu;
    x = (x | (x << 6)) & 0x03030303u;
    x = (x | (x << 3)) & 0x11111111u;
    return x;
}

// int32 columns without nulls: 16-byte loads, lane l of chunk k reading rows base + 128k + 4l ..
// + 3. Ballot c of chunk k has bit l for row base + 128k + 4l + c, so word 4k + m (rows
// base + 128k + 32m ..) takes bits 8m .. 8m + 7 of each of the four ballots, interleaved.
template <typename T, typename W, typename P>
struct BsWords {
    static __device__ __forceinline__ unsigned int get(const T* col, const unsigned char* validity, int n, P pred,
                                                       long long base, int lane) {
        return bs_warp_words<T, W, P>(col, validity, n, pred, base, lane);
    }
};

template <typename P>
struct BsWords<int, long long, P> {
    static __device__ __forceinline__ unsigned int get(const int* col, const unsigned char* validity, int n, P pred,
                                                       long long base, int lane) {
        if (base + 1024 > n || !bs_words_aligned(validity) || (((unsigned long long) col) & 15) != 0) {
            return bs_warp_words<int, long long, P>(col, validity, n, pred, base, lane);
        }
        const int4* c4 = (const int4*) (col + base);
        int4 v[8];
#pragma unroll
        for (int k = 0; k < 8; k++) v[k] = c4[k * 32 + lane];
        const int shift = 8 * (lane & 3);
        unsigned int mine = 0;
#pragma unroll
        for (int k = 0; k < 8; k++) {
            unsigned int b0 = __ballot_sync(BS_FULL, pred((long long) v[k].x));
            unsigned int b1 = __ballot_sync(BS_FULL, pred((long long) v[k].y));
            unsigned int b2 = __ballot_sync(BS_FULL, pred((long long) v[k].z));
            unsigned int b3 = __ballot_sync(BS_FULL, pred((long long) v[k].w));
            if ((lane >> 2) == k) {
                mine = bs_spread8(b0 >> shift) | (bs_spread8(b1 >> shift) << 1) | (bs_spread8(b2 >> shift) << 2)
                        | (bs_spread8(b3 >> shift) << 3);
            }
        }
        return mine & bs_valid_word(validity, base, lane);
    }
};

// One predicate term over this block's tile into the mask (three-step filter, and every term
// but the last of the one-pass filter).
template <typename T, typename W, typename P>
__device__ __forceinline__ void bs_pred_tile(const T* col, const unsigned char* validity, int n, P pred,
                                             unsigned int* mask, int first, int* tileCounts, int last) {
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const long long base = (long long) blockIdx.x * BS_TILE + (long long) warp * 1024;
    const long long word = base / 32 + lane;
    const long long words = ((long long) n + 31) / 32;
    unsigned int mine = BsWords<T, W, P>::get(col, validity, n, pred, base, lane);
    if (word < words) {
        if (!first) mine &= mask[word];
        mask[word] = mine;
    } else {
        mine = 0;
    }
    if (last) {
        __shared__ int warpCounts[32];
        int c = __popc(mine);
        for (int off = 16; off > 0; off >>= 1) c += __shfl_down_sync(BS_FULL, c, off);
        if (lane == 0) warpCounts[warp] = c;
        __syncthreads();
        if (threadIdx.x == 0) {
            int total = 0;
            for (int w = 0; w < (int) (blockDim.x >> 5); w++) total += warpCounts[w];
            tileCounts[blockIdx.x] = total;
        }
    }
}

// Writes the rows of the warp's 32 mask words (lane j holds word j) from position start(lane j):
// for each word in turn every lane writes the row of its bit, consecutive lanes to consecutive
// positions.
__device__ __forceinline__ void bs_write_rows(unsigned int mine, int start, long long base, int lane, int* selection) {
    const unsigned int below = (1u << lane) - 1u;
    for (int j = 0; j < 32; j++) {
        unsigned int bits = __shfl_sync(BS_FULL, mine, j);
        int at = __shfl_sync(BS_FULL, start, j);
        if ((bits >> lane) & 1u) {
            selection[at + __popc(bits & below)] = (int) (base + j * 32 + lane);
        }
    }
}

// The one-pass filter: the last term, ANDed with the mask of the others (unless first), and the
// selection written at once. Tiles take their ids in the order their blocks start; each
// publishes its count (flag 1), then its first warp looks back over the predecessors' published
// counts, 32 a step, until one carries its inclusive prefix (flag 2), and publishes its own
// inclusive prefix. A tile waits only on tiles whose blocks already run, so the look-back cannot
// deadlock. status (tiles int64 words) and *ticket start at zero; the last tile writes the total.
template <typename T, typename W, typename P>
__device__ __forceinline__ void bs_select_tile(const T* col, const unsigned char* validity, int n, P pred,
                                               const unsigned int* mask, int first, unsigned long long* status,
                                               int* ticket, int* selection, int* total) {
    __shared__ int tileId;
    __shared__ int tileBase;
    __shared__ int warpTotals[32];
    if (threadIdx.x == 0) tileId = atomicAdd(ticket, 1);
    __syncthreads();
    const int tile = tileId;
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const long long base = (long long) tile * BS_TILE + (long long) warp * 1024;
    const long long word = base / 32 + lane;
    const long long words = ((long long) n + 31) / 32;
    unsigned int mine = BsWords<T, W, P>::get(col, validity, n, pred, base, lane);
    if (word < words) {
        if (!first) mine &= mask[word];
    } else {
        mine = 0;
    }
    const int c = __popc(mine);
    int inclusive = c;
    for (int off = 1; off < 32; off <<= 1) {
        int t = __shfl_up_sync(BS_FULL, inclusive, off);
        if (lane >= off) inclusive += t;
    }
    if (lane == 31) warpTotals[warp] = inclusive;
    __syncthreads();
    if (warp == 0) {
        // the tile's count and each warp's offset in it
        const int warps = (int) (blockDim.x >> 5);
        const int own = lane < warps ? warpTotals[lane] : 0;
        int before = own;
        for (int off = 1; off < 32; off <<= 1) {
            int t = __shfl_up_sync(BS_FULL, before, off);
            if (lane >= off) before += t;
        }
        const int count = __shfl_sync(BS_FULL, before, 31);
        __syncwarp();
        if (lane < warps) warpTotals[lane] = before - own;
        if (lane == 0) atomicExch(&status[tile], ((tile == 0 ? 2ull : 1ull) << 32) | (unsigned int) count);
        // look back 32 predecessors a step (lane l at tile - 1 - l - 32k), until the nearest one
        // with its inclusive prefix; before tile 0 reads as an inclusive zero
        int exclusive = 0;
        if (tile > 0) {
            long long p = (long long) tile - 1 - lane;
            while (true) {
                unsigned long long s = p >= 0 ? ((volatile unsigned long long*) status)[p] : (2ull << 32);
                unsigned int flag = (unsigned int) (s >> 32);
                if (__any_sync(BS_FULL, flag == 0)) {
                    __nanosleep(20);
                    continue;
                }
                unsigned int inclusiveLanes = __ballot_sync(BS_FULL, flag == 2);
                int stop = inclusiveLanes != 0 ? __ffs(inclusiveLanes) - 1 : 31;
                int v = lane <= stop ? (int) (unsigned int) (s & 0xffffffffull) : 0;
                for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(BS_FULL, v, off);
                exclusive += v;
                if (inclusiveLanes != 0) break;
                p -= 32;
            }
            if (lane == 0) atomicExch(&status[tile], (2ull << 32) | (unsigned int) (exclusive + count));
        }
        if (lane == 0) {
            tileBase = exclusive;
            if (tile == (int) (((long long) n + BS_TILE - 1) / BS_TILE) - 1) *total = exclusive + count;
        }
    }
    __syncthreads();
    bs_write_rows(mine, tileBase + warpTotals[warp] + inclusive - c, base, lane, selection);
}

extern "C" __global__ void bs_select_i32(const int* col, const unsigned char* validity, int n, int op, long long a,
                                         long long b, const unsigned int* mask, int first, unsigned long long* status,
                                         int* ticket, int* selection, int* total) {
    BsCompare p = {op, a, b};
    bs_select_tile<int, long long>(col, validity, n, p, mask, first, status, ticket, selection, total);
}

extern "C" __global__ void bs_select_i64(const long long* col, const unsigned char* validity, int n, int op, long long a,
                                         long long b, const unsigned int* mask, int first, unsigned long long* status,
                                         int* ticket, int* selection, int* total) {
    BsCompare p = {op, a, b};
    bs_select_tile<long long, long long>(col, validity, n, p, mask, first, status, ticket, selection, total);
}

extern "C" __global__ void bs_select_f64(const double* col, const unsigned char* validity, int n, int op, double a,
                                         double b, const unsigned int* mask, int first, unsigned long long* status,
                                         int* ticket, int* selection, int* total) {
    BsCompareF64 p = {op, a, b};
    bs_select_tile<double, double>(col, validity, n, p, mask, first, status, ticket, selection, total);
}

extern "C" __global__ void bs_select_in(const void* col, int is64, const unsigned char* validity, int n,
                                        const long long* values, int count, const unsigned int* mask, int first,
                                        unsigned long long* status, int* ticket, int* selection, int* total) {
    BsIn p = {values, count};
    if (is64) {
        bs_select_tile<long long, long long>((const long long*) col, validity, n, p, mask, first, status, ticket, selection, total);
    } else {
        bs_select_tile<int, long long>((const int*) col, validity, n, p, mask, first, status, ticket, selection, total);
    }
}

extern "C" __global__ void bs_pred_i32(const int* col, const unsigned char* validity, int n, int op, long long a,
                                       long long b, unsigned int* mask, int first, int* tileCounts, int last) {
    BsCompare p = {op, a, b};
    bs_pred_tile<int, long long>(col, validity, n, p, mask, first, tileCounts, last);
}

extern "C" __global__ void bs_pred_i64(const long long* col, const unsigned char* validity, int n, int op, long long a,
                                       long long b, unsigned int* mask, int first, int* tileCounts, int last) {
    BsCompare p = {op, a, b};
    bs_pred_tile<long long, long long>(col, validity, n, p, mask, first, tileCounts, last);
}

extern "C" __global__ void bs_pred_f64(const double* col, const unsigned char* validity, int n, int op, double a,
                                       double b, unsigned int* mask, int first, int* tileCounts, int last) {
    BsCompareF64 p = {op, a, b};
    bs_pred_tile<double, double>(col, validity, n, p, mask, first, tileCounts, last);
}

// IN over sorted constants; is64 says whether col holds int64 (else int32)
extern "C" __global__ void bs_pred_in(const void* col, int is64, const unsigned char* validity, int n,
                                      const long long* values, int count, unsigned int* mask, int first,
                                      int* tileCounts, int last) {
    BsIn p = {values, count};
    if (is64) {
        bs_pred_tile<long long, long long>((const long long*) col, validity, n, p, mask, first, tileCounts, last);
    } else {
        bs_pred_tile<int, long long>((const int*) col, validity, n, p, mask, first, tileCounts, last);
    }
}

// Pass 2 (one block of 1024 threads): exclusive prefix sums of the tile counts, in place;
// the grand total goes to *total.
extern "C" __global__ void bs_scan_counts(int* counts, int blocks, int* total) {
    __shared__ int sums[1024];
    int t = threadIdx.x;
    int per = (blocks + blockDim.x - 1) / blockDim.x;
    int begin = t * per;
    int end = begin + per < blocks ? begin + per : blocks;
    int s = 0;
    for (int i = begin; i < end; i++) s += counts[i];
    sums[t] = s;
    __syncthreads();
    for (int off = 1; off < blockDim.x; off <<= 1) {
        int v = t >= off ? sums[t - off] : 0;
        __syncthreads();
        sums[t] += v;
        __syncthreads();
    }
    int run = sums[t] - s;
    for (int i = begin; i < end; i++) {
        int c = counts[i];
        counts[i] = run;
        run += c;
    }
    if (t == blockDim.x - 1) *total = sums[t];
}

// Pass 3: each tile writes the row ids of its set mask bits, ascending, from its offset on.
// A warp owns 32 mask words (1024 rows); for each word in turn every lane writes the row of its
// bit, so consecutive lanes write consecutive positions.
extern "C" __global__ void bs_write_selection(const unsigned int* mask, int n, const int* tileOffsets, int* selection) {
    __shared__ int warpTotals[32];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const long long base = (long long) blockIdx.x * BS_TILE + (long long) warp * 1024;
    const long long word = base / 32 + lane;
    const long long words = ((long long) n + 31) / 32;
    unsigned int mine = word < words ? mask[word] : 0u;
    int c = __popc(mine);
    int inclusive = c;
    for (int off = 1; off < 32; off <<= 1) {
        int t = __shfl_up_sync(0xffffffffu, inclusive, off);
        if (lane >= off) inclusive += t;
    }
    if (lane == 31) warpTotals[warp] = inclusive;
    __syncthreads();
    int before = tileOffsets[blockIdx.x];
    for (int w = 0; w < warp; w++) before += warpTotals[w];
    bs_write_rows(mine, before + inclusive - c, base, lane, selection);
}

__device__ __forceinline__ unsigned int bs_slot(long long key, int bits) {
    return (unsigned int) (((unsigned long long) key * HASH_MULTIPLIER) >> (64 - bits));
}

// Hash join build: one slot per non-null row; slotRows starts all -1.
extern "C" __global__ void bs_hash_build(const long long* keys, const unsigned char* validity, int n,
                                         long long* slotKeys, int* slotRows, int bits) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n || !bs_valid(validity, i)) return;
    long long key = keys[i];
    unsigned int mask = (1u << bits) - 1u;
    unsigned int slot = bs_slot(key, bits);
    while (true) {
        if (atomicCAS(&slotRows[slot], -1, i) == -1) {
            slotKeys[slot] = key;
            return;
        }
        slot = (slot + 1) & mask;
    }
}

// Hash join probe: every match as a (probe row, build row) pair; *count may pass capacity.
// The lanes of a warp walk their chains in lock step (the loop runs while any lane still
// probes), so each round's matches take their output positions with one atomic per warp.
extern "C" __global__ void bs_hash_probe(const long long* keys, const unsigned char* validity, int n,
                                         const long long* slotKeys, const int* slotRows, int bits,
                                         int* outProbe, int* outBuild, unsigned long long capacity,
                                         unsigned long long* count) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    const int lane = threadIdx.x & 31;
    bool active = i < n && bs_valid(validity, i);
    const long long key = active ? keys[i] : 0;
    const unsigned int mask = (1u << bits) - 1u;
    unsigned int slot = active ? bs_slot(key, bits) : 0u;
    const unsigned int below = (1u << lane) - 1u;
    while (__any_sync(0xffffffffu, active)) {
        bool match = false;
        int b = -1;
        if (active) {
            b = slotRows[slot];
            if (b == -1) {
                active = false;
            } else {
                match = slotKeys[slot] == key;
                slot = (slot + 1) & mask;
            }
        }
        unsigned int hits = __ballot_sync(0xffffffffu, match);
        if (hits != 0) {
            unsigned long long first = 0;
            if (lane == 0) first = atomicAdd(count, (unsigned long long) __popc(hits));
            first = __shfl_sync(0xffffffffu, first, 0);
            if (match) {
                unsigned long long pos = first + __popc(hits & below);
                if (pos < capacity) {
                    outProbe[pos] = i;
                    outBuild[pos] = b;
                }
            }
        }
    }
}

// Grouped aggregation: claim a slot per key. Slot keys start at EMPTY (LLONG_MIN); the key
// LLONG_MIN itself goes to the extra slot at index 'capacity'. groupOf[i] = the row's slot.
#define BS_EMPTY ((long long) 0x8000000000000000ULL)
// A full table (more groups than slots) sets *overflow instead of looping forever.
extern "C" __global__ void bs_group_slots(const long long* keys, int n, long long* slotKeys, int* used,
                                          int bits, int* groupOf, int* overflow) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    long long key = keys[i];
    unsigned int capacity = 1u << bits;
    unsigned int slot;
    if (key == BS_EMPTY) {
        slot = capacity;
    } else {
        slot = bs_slot(key, bits);
        unsigned int tries = 0;
        while (true) {
            unsigned long long prev = atomicCAS((unsigned long long*) &slotKeys[slot],
                                                (unsigned long long) BS_EMPTY, (unsigned long long) key);
            if (prev == (unsigned long long) BS_EMPTY || (long long) prev == key) break;
            slot = (slot + 1) & (capacity - 1u);
            if (++tries >= capacity) {
                atomicExch(overflow, 1);
                groupOf[i] = -1;
                return;
            }
        }
    }
    used[slot] = 1;
    groupOf[i] = (int) slot;
}

// fn: 0 SUM, 1 COUNT, 2 MIN, 3 MAX; col == 0 is COUNT(*).
extern "C" __global__ void bs_group_update(const int* groupOf, int n, int fn, const long long* col,
                                           const unsigned char* validity, long long* values,
                                           unsigned long long* counts) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int g = groupOf[i];
    if (g < 0) return;
    if (col == 0) {
        atomicAdd(&counts[g], 1ULL);
        atomicAdd((unsigned long long*) &values[g], 1ULL);
        return;
    }
    if (!bs_valid(validity, i)) return;
    long long v = col[i];
    atomicAdd(&counts[g], 1ULL);
    switch (fn) {
        case 0: atomicAdd((unsigned long long*) &values[g], (unsigned long long) v); break;
        case 1: atomicAdd((unsigned long long*) &values[g], 1ULL); break;
        case 2: atomicMin(&values[g], v); break;
        default: atomicMax(&values[g], v); break;
    }
}

// Fills n int64 values with v (MIN/MAX start values, EMPTY keys).
extern "C" __global__ void bs_fill_i64(long long* out, long long n, long long v) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = v;
}
