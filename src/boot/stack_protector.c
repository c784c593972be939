#include "boot/stack_protector.h"

#include <stdbool.h>
#include <stddef.h>

#include "asm/cpu.h"
#include "core/panic.h"
#include "pc/screen.h"

/* How much of the loader's data is mixed in at most: the command line and
 * the memory map are the loader's to size. */
#define CMDLINE_MAX      256
#define MMAP_MAX         4096
#define GUARD_TERMINATOR ((uintptr_t)0xFF) /* the low byte, kept 0 */
/* The guard when the mix leaves nothing but the low byte (1 in 2^24 on
 * i686): any value with a zero low byte and others set will do. */
#define GUARD_IF_ZERO ((uintptr_t)0x5A1CE000u)

/* Zero until boot_stack_guard_init runs: the entry calls it first. */
uintptr_t __stack_chk_guard;

/* state with value stirred in: splitmix64's finalizer, so that each bit of
 * either changes about half the result's bits. */
static uint64_t
mix(uint64_t state, uint64_t value)
{
    uint64_t z = state + value + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* state with n bytes from p stirred in, one at a time. */
static uint64_t
mix_bytes(uint64_t state, const void *p, size_t n)
{
    const unsigned char *bytes = p;
    for (size_t i = 0; i < n; i++) {
        state = mix(state, bytes[i]);
    }
    return state;
}

/* What the loader handed over, mixed: where the info structure is, and,
 * when magic says a Multiboot loader wrote it, the structure, the command
 * line (up to CMDLINE_MAX bytes) and the memory map (up to MMAP_MAX). On
 * i686 the magic has not been checked yet (boot_start does): with a wrong
 * one, info may point anywhere, and is not read. */
static uint64_t
loader_mix(uint32_t magic, const struct multiboot_info *info)
{
    uint64_t state = mix(magic, (uintptr_t)info);
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        return state;
    }
    state = mix_bytes(state, info, sizeof *info);
    if (info->flags & MULTIBOOT_INFO_CMDLINE) {
        const char *cmdline = (const char *)(uintptr_t)info->cmdline;
        for (size_t i = 0; i < CMDLINE_MAX && cmdline[i]; i++) {
            state = mix(state, (unsigned char)cmdline[i]);
        }
    }
    if (info->flags & MULTIBOOT_INFO_MMAP) {
        size_t length = info->mmap_length < MMAP_MAX ? info->mmap_length : MMAP_MAX;
        state = mix_bytes(state, (const void *)(uintptr_t)info->mmap_addr, length);
    }
    return state;
}

void
boot_stack_guard_init(uint32_t magic, const struct multiboot_info *info)
{
    const char *source = "stack guard chosen from the loader's data alone";
    uint64_t state = loader_mix(magic, info);
    if (cpu_has_cpuid() && cpu_cpuid(0).a >= CPUID_FEATURES) {
        struct cpuid_regs features = cpu_cpuid(CPUID_FEATURES);
        unsigned long random;
        if (features.d & CPUID_1_EDX_TSC) {
            state = mix(state, cpu_rdtsc());
            source = "stack guard chosen from RDTSC and the loader's data";
        }
        if (features.c & CPUID_1_ECX_RDRAND) {
            if (cpu_rdrand(&random)) {
                state = mix(state, random);
                source = "stack guard chosen from RDRAND";
            } else {
                core_debug_line("stack guard: RDRAND failed every time; not used");
            }
        }
    }
    uintptr_t guard = (uintptr_t)state & ~GUARD_TERMINATOR;
    __stack_chk_guard = guard ? guard : GUARD_IF_ZERO;
    core_debug_line(source);
}

void
__stack_chk_fail(void)
{
    panic("stack smashing detected at %p", __builtin_return_address(0));
}
