// A stand-in for the CUDA driver (libcuda.so.1) that runs the project's kernels on the CPU, so that the whole
// path Java -> JCuda -> cuLaunchKernel -> kernel can be tested on a machine without a GPU (README.md says what
// this can and cannot show). Implements the few driver calls the CUDA backend makes; "device" memory is host
// memory; a launch runs block after block, each block's threads as fibers (ucontext) switching at __syncthreads.
#include <ucontext.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "cuda_shim.h"
#include "emu_registry.h"

namespace emu {
dim3 thread_idx, block_idx, block_dim, grid_dim;

std::map<std::string, Invoker>& registry() {
    static std::map<std::string, Invoker> r;
    return r;
}

Registrar::Registrar(const char* name, Invoker inv) { registry()[name] = std::move(inv); }

// ---- fibers ----
static const size_t STACK = 64 * 1024;
static std::vector<ucontext_t> fibers;
static std::vector<char> stacks;
static std::vector<char> done;
static ucontext_t scheduler;
static int current;
static const Invoker* running_kernel;
static void** running_params;

void syncthreads() {
    swapcontext(&fibers[current], &scheduler);  // back to the scheduler until every thread got here
}

static void fiber_main() {
    (*running_kernel)(running_params);
    done[current] = 1;
    // returning resumes uc_link = the scheduler
}

static void run_block(unsigned threads) {
    if (fibers.size() < threads) {
        fibers.resize(threads);
        stacks.resize(threads * STACK);
    }
    done.assign(threads, 0);
    for (unsigned t = 0; t < threads; t++) {
        getcontext(&fibers[t]);
        fibers[t].uc_stack.ss_sp = &stacks[t * STACK];
        fibers[t].uc_stack.ss_size = STACK;
        fibers[t].uc_link = &scheduler;
        makecontext(&fibers[t], fiber_main, 0);
    }
    unsigned alive = threads;
    while (alive > 0) {
        // one round: every thread runs to its next barrier (or its end)
        for (unsigned t = 0; t < threads; t++) {
            if (done[t]) {
                continue;
            }
            current = (int) t;
            thread_idx.x = t % block_dim.x;
            thread_idx.y = (t / block_dim.x) % block_dim.y;
            thread_idx.z = t / (block_dim.x * block_dim.y);
            swapcontext(&scheduler, &fibers[t]);
            if (done[t]) {
                alive--;
            }
        }
    }
}

static std::mutex launch_lock;

int launch(const Invoker& k, dim3 grid, dim3 block, void** params) {
    std::lock_guard<std::mutex> guard(launch_lock);
    grid_dim = grid;
    block_dim = block;
    running_kernel = &k;
    running_params = params;
    for (unsigned z = 0; z < grid.z; z++) {
        for (unsigned y = 0; y < grid.y; y++) {
            for (unsigned x = 0; x < grid.x; x++) {
                block_idx.x = x;
                block_idx.y = y;
                block_idx.z = z;
                run_block(block.x * block.y * block.z);
            }
        }
    }
    return 0;
}
}  // namespace emu

// ---- the driver API subset (the names JCuda links against; _v2 where cuda.h maps to it) ----
typedef int CUresult;
typedef unsigned long long CUdeviceptr;
enum {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_NOT_SUPPORTED = 801
};
struct Function {
    std::string name;
    const emu::Invoker* invoker;
};
static int module_token;
static int context_token;

extern "C" {
CUresult cuInit(unsigned) { return CUDA_SUCCESS; }
CUresult cuDriverGetVersion(int* v) { *v = 13000; return CUDA_SUCCESS; }
CUresult cuDeviceGetCount(int* n) { *n = 1; return CUDA_SUCCESS; }
CUresult cuDeviceGet(int* dev, int ordinal) { *dev = ordinal; return ordinal == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE; }
CUresult cuDeviceGetName(char* name, int len, int) {
    std::snprintf(name, len, "host emulator (CPU, not a GPU)");
    return CUDA_SUCCESS;
}
CUresult cuDeviceGetAttribute(int* v, int attr, int) {
    switch (attr) {
        case 16: *v = 4; break;   // CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: small, so grid-stride loops wrap
        case 75: *v = 9; break;   // COMPUTE_CAPABILITY_MAJOR
        case 76: *v = 0; break;   // COMPUTE_CAPABILITY_MINOR
        default: *v = 0;
    }
    return CUDA_SUCCESS;
}
CUresult cuDeviceTotalMem_v2(size_t* bytes, int) { *bytes = (size_t) 8 << 30; return CUDA_SUCCESS; }
CUresult cuMemGetInfo_v2(size_t* free, size_t* total) { *free = *total = (size_t) 8 << 30; return CUDA_SUCCESS; }
CUresult cuDevicePrimaryCtxRetain(void** ctx, int) { *ctx = &context_token; return CUDA_SUCCESS; }
CUresult cuCtxSetCurrent(void*) { return CUDA_SUCCESS; }
CUresult cuCtxGetCurrent(void** ctx) { *ctx = &context_token; return CUDA_SUCCESS; }
CUresult cuCtxSynchronize() { return CUDA_SUCCESS; }
CUresult cuStreamSynchronize(void*) { return CUDA_SUCCESS; }

// Every kernel of the project is linked in; a module is only a token and functions are found by name.
CUresult cuModuleLoadData(void** module, const void*) { *module = &module_token; return CUDA_SUCCESS; }
CUresult cuModuleGetFunction(void** f, void*, const char* name) {
    auto it = emu::registry().find(name);
    if (it == emu::registry().end()) {
        return CUDA_ERROR_NOT_FOUND;
    }
    *f = new Function{name, &it->second};
    return CUDA_SUCCESS;
}
CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void*, void** params, void** extra) {
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || bx * by * bz > 1024 || gy > 65535
        || gz > 65535 || shared != 0 || extra != nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    dim3 grid{gx, gy, gz};
    dim3 block{bx, by, bz};
    return emu::launch(*static_cast<Function*>(f)->invoker, grid, block, params);
}

CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) {
    void* m = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
    if (m == nullptr) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    std::memset(m, 0xff, bytes);  // NaN-filled, like garbage: a kernel that skips an element is caught
    *p = (CUdeviceptr) m;
    return CUDA_SUCCESS;
}
CUresult cuMemFree_v2(CUdeviceptr p) { std::free((void*) p); return CUDA_SUCCESS; }
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
    std::memcpy((void*) dst, src, bytes);
    return CUDA_SUCCESS;
}
CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
    std::memcpy(dst, (const void*) src, bytes);
    return CUDA_SUCCESS;
}
CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    std::memmove((void*) dst, (const void*) src, bytes);
    return CUDA_SUCCESS;
}
CUresult cuMemsetD32_v2(CUdeviceptr p, unsigned v, size_t n) {
    unsigned* u = (unsigned*) p;
    for (size_t i = 0; i < n; i++) {
        u[i] = v;
    }
    return CUDA_SUCCESS;
}
// Events: timing on the emulator means nothing; they exist so that the benchmark code runs.
CUresult cuEventCreate(void** e, unsigned) { *e = new int(0); return CUDA_SUCCESS; }
CUresult cuEventDestroy_v2(void* e) { delete static_cast<int*>(e); return CUDA_SUCCESS; }
CUresult cuEventRecord(void*, void*) { return CUDA_SUCCESS; }
CUresult cuEventSynchronize(void*) { return CUDA_SUCCESS; }
CUresult cuEventElapsedTime(float* ms, void*, void*) { *ms = 0.0f; return CUDA_SUCCESS; }
CUresult cuGetErrorName(CUresult, const char** s) { *s = "CUDA_ERROR (emulator)"; return CUDA_SUCCESS; }
CUresult cuGetErrorString(CUresult, const char** s) { *s = "error (emulator)"; return CUDA_SUCCESS; }
}
