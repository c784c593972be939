#include "arch/x86/x86_64/desc.h"

#include <stdint.h>

#include "arch/x86/exceptions.h"
#include "arch/x86/guard.h"
#include "asm/interrupts.h"

#define IST_STACK        4096
#define IST_DOUBLE_FAULT 1 /* the TSS's interrupt stack table, 1-7 */
#define IST_NMI          2
#define GATE_INTERRUPT   0x8E /* present, ring 0, 64-bit interrupt gate */
#define GATE_PRESENT     0x80
#define SEGMENT_CODE64   0x00209A0000000000ull /* present, ring 0, code, L */
#define SEGMENT_DATA     0x0000920000000000ull /* present, ring 0, data, writable */
#define ACCESS_TSS       0x89                  /* present, 64-bit available TSS */

/* The 64-bit task state segment (Intel SDM vol. 3, 8.7): only the stacks. */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7]; /* ist[0] is IST 1 */
    uint64_t reserved2;
    uint16_t reserved3, iomap;
} __attribute__((packed));

struct idt_entry {
    uint16_t offset_low, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_high, zero;
} __attribute__((packed));

struct table_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static uint64_t gdt[5];
static struct idt_entry idt[IDT_VECTORS];
static struct tss tss;
/* The interrupt stack table's stacks, each above its guard page when there
 * are guard pages (its first GUARD_BYTES, arch/x86/guard.h). */
static uint8_t double_fault_stack[GUARD_BYTES + IST_STACK]
    __attribute__((aligned(GUARD_ALIGN)));
static uint8_t nmi_stack[GUARD_BYTES + IST_STACK] __attribute__((aligned(GUARD_ALIGN)));

static struct idt_entry
gate(uint64_t offset, uint8_t ist)
{
    return (struct idt_entry){.offset_low = (uint16_t)offset,
                              .selector = GDT_KERNEL_CS,
                              .ist = ist,
                              .type = GATE_INTERRUPT,
                              .offset_mid = (uint16_t)(offset >> 16),
                              .offset_high = (uint32_t)(offset >> 32)};
}

/* The TSS descriptor: 16 bytes, the base's top half in the second. */
static void
set_tss_descriptor(uint64_t base, uint32_t limit)
{
    gdt[GDT_TSS / 8] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 |
                       (uint64_t)ACCESS_TSS << 40 | (uint64_t)(limit >> 16 & 0xF) << 48 |
                       (base >> 24 & 0xFF) << 56;
    gdt[GDT_TSS / 8 + 1] = base >> 32;
}

static void
load_gdt(void)
{
    struct table_pointer p = {sizeof gdt - 1, (uint64_t)gdt};
    /* CS is reloaded by a far return to the next instruction. */
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %2, %%eax\n\t"
                     "mov %%ax, %%ds\n\t"
                     "mov %%ax, %%es\n\t"
                     "mov %%ax, %%fs\n\t"
                     "mov %%ax, %%gs\n\t"
                     "mov %%ax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(p), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS), "r"(GDT_TSS)
                     : "rax", "memory");
}

void
desc_init(void)
{
    tss.ist[IST_DOUBLE_FAULT - 1] =
        (uint64_t)(double_fault_stack + GUARD_BYTES + IST_STACK);
    tss.ist[IST_NMI - 1] = (uint64_t)(nmi_stack + GUARD_BYTES + IST_STACK);
    tss.iomap = sizeof tss;
    gdt[GDT_KERNEL_CS / 8] = SEGMENT_CODE64;
    gdt[GDT_KERNEL_DS / 8] = SEGMENT_DATA;
    set_tss_descriptor((uint64_t)&tss, sizeof tss - 1);
    load_gdt();

    for (int v = 0; v < IDT_VECTORS; v++) {
        idt[v] = gate(irq_stub_table[v], 0);
    }
    idt[ARCH_VECTOR_DOUBLE_FAULT].ist = IST_DOUBLE_FAULT;
    idt[ARCH_VECTOR_NMI].ist = IST_NMI;
    struct table_pointer p = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}

void
desc_idt_unmap(int vector)
{
    idt[vector].type &= (uint8_t)~GATE_PRESENT;
}

/* For guard.c (guard pages): the stacks above, by name. Last in the file, so
 * that the plain kernel lays out its data as before. */
const struct guard_stack desc_stacks[] = {{"double-fault", double_fault_stack},
                                          {"NMI", nmi_stack}};
const size_t desc_stack_count = sizeof desc_stacks / sizeof desc_stacks[0];
