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

template <typename T>
__device__ __forceinline__ bool bs_test(int op, T v, T a, T b) {
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

// flags[i] = (first ? 1 : flags[i]) && valid(i) && (col[i] OP a [, b])
extern "C" __global__ void bs_term_i32(const int* col, const unsigned char* validity, int n, int op,
                                       long long a, long long b, unsigned char* flags, int first) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    bool keep = first ? true : flags[i] != 0;
    keep = keep && bs_valid(validity, i) && bs_test<long long>(op, (long long) col[i], a, b);
    flags[i] = keep ? 1 : 0;
}

extern "C" __global__ void bs_term_i64(const long long* col, const unsigned char* validity, int n, int op,
                                       long long a, long long b, unsigned char* flags, int first) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    bool keep = first ? true : flags[i] != 0;
    keep = keep && bs_valid(validity, i) && bs_test<long long>(op, col[i], a, b);
    flags[i] = keep ? 1 : 0;
}

extern "C" __global__ void bs_term_f64(const double* col, const unsigned char* validity, int n, int op,
                                       double a, double b, unsigned char* flags, int first) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    bool keep = first ? true : flags[i] != 0;
    keep = keep && bs_valid(validity, i) && bs_test<double>(op, col[i], a, b);
    flags[i] = keep ? 1 : 0;
}

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

// IN over sorted constants; is64 says whether col holds int64 (else int32)
extern "C" __global__ void bs_term_in(const void* col, int is64, const unsigned char* validity, int n,
                                      const long long* values, int count, unsigned char* flags, int first) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    bool keep = first ? true : flags[i] != 0;
    if (keep && bs_valid(validity, i)) {
        long long v = is64 ? ((const long long*) col)[i] : (long long) ((const int*) col)[i];
        keep = bs_in_sorted(values, count, v);
    } else {
        keep = false;
    }
    flags[i] = keep ? 1 : 0;
}

// Stable compaction, pass 1: how many flags are set in each block's tile of blockDim.x rows.
extern "C" __global__ void bs_count_flags(const unsigned char* flags, int n, int* blockCounts) {
    __shared__ int total;
    if (threadIdx.x == 0) total = 0;
    __syncthreads();
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    bool f = i < n && flags[i] != 0;
    unsigned int ballot = __ballot_sync(0xffffffffu, f);
    if ((threadIdx.x & 31) == 0 && ballot != 0) atomicAdd(&total, __popc(ballot));
    __syncthreads();
    if (threadIdx.x == 0) blockCounts[blockIdx.x] = total;
}

// Pass 2 (one block of 1024 threads): exclusive prefix sums of the block counts, in place;
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

// Pass 3: each block writes its selected row ids, ascending, from its offset on.
extern "C" __global__ void bs_write_selection(const unsigned char* flags, int n, const int* blockOffsets, int* selection) {
    __shared__ int warpCounts[32];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    bool f = i < n && flags[i] != 0;
    unsigned int ballot = __ballot_sync(0xffffffffu, f);
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    if (lane == 0) warpCounts[warp] = __popc(ballot);
    __syncthreads();
    int before = 0;
    for (int w = 0; w < warp; w++) before += warpCounts[w];
    if (f) {
        int pos = blockOffsets[blockIdx.x] + before + __popc(ballot & ((1u << lane) - 1u));
        selection[pos] = i;
    }
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
extern "C" __global__ void bs_hash_probe(const long long* keys, const unsigned char* validity, int n,
                                         const long long* slotKeys, const int* slotRows, int bits,
                                         int* outProbe, int* outBuild, unsigned long long capacity,
                                         unsigned long long* count) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n || !bs_valid(validity, i)) return;
    long long key = keys[i];
    unsigned int mask = (1u << bits) - 1u;
    unsigned int slot = bs_slot(key, bits);
    int b;
    while ((b = slotRows[slot]) != -1) {
        if (slotKeys[slot] == key) {
            unsigned long long pos = atomicAdd(count, 1ULL);
            if (pos < capacity) {
                outProbe[pos] = i;
                outBuild[pos] = b;
            }
        }
        slot = (slot + 1) & mask;
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
