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

std::map<std::string, Kernel>& registry() {
    static std::map<std::string, Kernel> r;
    return r;
}

Registrar::Registrar(const char* name, Invoker inv) {
    registry()[name] = Kernel{name, std::move(inv)};
}

// ---- fibers ----
// Each thread of a block that uses barriers gets its own stack. On x86-64 a fiber switch is a few instructions
// (save the callee-saved registers and the stack pointer, load the other's); elsewhere ucontext does it, which
// also saves the signal mask with a system call per switch and is some 50 times slower.
static const size_t STACK = 64 * 1024;
static std::vector<char> stacks;
static std::vector<char> done;
static int current;
static const Invoker* running_kernel;
static void** running_params;
static bool in_fiber;          // the running block's threads are fibers
static long barriers_met;      // __syncthreads calls in the running launch
static const char* running_name;
static unsigned running_block;

static void fiber_body() {
    (*running_kernel)(running_params);
    done[current] = 1;
}

#if defined(__x86_64__) && !defined(EMU_UCONTEXT)  // EMU_UCONTEXT: e.g. for AddressSanitizer, which follows swapcontext
extern "C" void emu_switch(void** save_sp, void* load_sp);
asm(R"(
    .text
    .globl emu_switch
    .type emu_switch, @function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch, .-emu_switch
)");

static std::vector<void*> fiber_sp;
static void* scheduler_sp;

extern "C" void emu_fiber_entry() {
    fiber_body();
    void* dead;
    emu_switch(&dead, scheduler_sp);  // never resumed
}

static void fiber_init(unsigned t) {
    // a fresh stack that emu_switch "returns" into emu_fiber_entry from: six zero registers, then the address
    uintptr_t top = (uintptr_t) &stacks[(t + 1) * STACK];
    top &= ~(uintptr_t) 15;
    void** sp = (void**) top;
    *--sp = nullptr;                           // alignment: entry sees rsp = 8 mod 16, as after a call
    *--sp = (void*) &emu_fiber_entry;
    for (int r = 0; r < 6; r++) {
        *--sp = nullptr;
    }
    fiber_sp[t] = sp;
}
static void fiber_resume(unsigned t) { emu_switch(&scheduler_sp, fiber_sp[t]); }
static void fiber_yield() { emu_switch(&fiber_sp[current], scheduler_sp); }
static void fibers_reserve(unsigned n) {
    if (fiber_sp.size() < n) fiber_sp.resize(n);
}
#else
static std::vector<ucontext_t> fibers;
static ucontext_t scheduler;
static void fiber_init(unsigned t) {
    getcontext(&fibers[t]);
    fibers[t].uc_stack.ss_sp = &stacks[t * STACK];
    fibers[t].uc_stack.ss_size = STACK;
    fibers[t].uc_link = &scheduler;
    makecontext(&fibers[t], fiber_body, 0);
}
static void fiber_resume(unsigned t) { swapcontext(&scheduler, &fibers[t]); }
static void fiber_yield() { swapcontext(&fibers[current], &scheduler); }
static void fibers_reserve(unsigned n) {
    if (fibers.size() < n) fibers.resize(n);
}
#endif

void syncthreads() {
    if (!in_fiber) {
        std::fprintf(stderr, "emulator: kernel %s reached __syncthreads in block %u but not in block 0, so its"
                     " blocks were run without fibers\n", running_name, running_block);
        std::abort();
    }
    barriers_met++;
    fiber_yield();  // back to the scheduler until every thread of the block got here
}

static void set_thread(unsigned t) {
    thread_idx.x = t % block_dim.x;
    thread_idx.y = (t / block_dim.x) % block_dim.y;
    thread_idx.z = t / (block_dim.x * block_dim.y);
}

// A block of a kernel without barriers: its threads cannot observe each other's order, so run them in turn.
static void run_block_plain(unsigned threads) {
    for (unsigned t = 0; t < threads; t++) {
        set_thread(t);
        (*running_kernel)(running_params);
    }
}

static void run_block(unsigned threads) {
    fibers_reserve(threads);
    if (stacks.size() < threads * STACK) {
        stacks.resize(threads * STACK);
    }
    done.assign(threads, 0);
    for (unsigned t = 0; t < threads; t++) {
        fiber_init(t);
    }
    unsigned alive = threads;
    for (unsigned round = 0; alive > 0; round++) {
        // one round: every thread runs to its next barrier (or its end); the order alternates between rounds, so
        // a read of shared memory that a missing barrier leaves unprotected sees stale data whichever thread
        // writes it
        for (unsigned i = 0; i < threads; i++) {
            unsigned t = round % 2 == 0 ? i : threads - 1 - i;
            if (done[t]) {
                continue;
            }
            current = (int) t;
            set_thread(t);
            fiber_resume(t);
            if (done[t]) {
                alive--;
            }
        }
    }
}

static std::mutex launch_lock;

// Block 0 always runs as fibers. If its threads never met at a barrier, the kernel has none (every kernel here
// reaches its barriers in every block that has work, and block 0 always has), so the other blocks run as plain
// calls, one thread after another, which is far faster; should one of them reach a barrier after all, the
// emulator stops with a message rather than compute something wrong.
int launch(const Kernel& k, dim3 grid, dim3 block, void** params) {
    std::lock_guard<std::mutex> guard(launch_lock);
    grid_dim = grid;
    block_dim = block;
    running_kernel = &k.invoke;
    running_name = k.name.c_str();
    running_params = params;
    barriers_met = 0;
    unsigned threads = block.x * block.y * block.z;
    for (unsigned z = 0; z < grid.z; z++) {
        for (unsigned y = 0; y < grid.y; y++) {
            for (unsigned x = 0; x < grid.x; x++) {
                block_idx.x = x;
                block_idx.y = y;
                block_idx.z = z;
                running_block = x + grid.x * (y + grid.y * z);
                in_fiber = running_block == 0 || barriers_met > 0;
                if (in_fiber) {
                    run_block(threads);
                } else {
                    run_block_plain(threads);
                }
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
    const emu::Kernel* kernel;
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
    return emu::launch(*static_cast<Function*>(f)->kernel, grid, block, params);
}

CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) {
    void* m = nullptr;  // exactly `bytes`, so that AddressSanitizer (README.md) sees any access past the end
    if (posix_memalign(&m, 256, bytes == 0 ? 1 : bytes) != 0) {
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
