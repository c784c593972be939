#include "arch/x86/i686/desc.h"

#include "arch/x86/exceptions.h"
#include "arch/x86/guard.h"
#include "asm/interrupts.h"

#include "core/string.h"

#define DOUBLE_FAULT_STACK 4096
#define GATE_INTERRUPT     0x8E /* present, ring 0, 32-bit interrupt gate */
#define GATE_TASK          0x85 /* present, ring 0, task gate */
#define ACCESS_CODE        0x9A /* present, ring 0, code, readable */
#define ACCESS_DATA        0x92 /* present, ring 0, data, writable */
#define ACCESS_TSS         0x89 /* present, 32-bit available TSS */
#define FLAGS_4K_32BIT     0xC  /* 4 KiB granularity, 32-bit */
#define EFLAGS_RESERVED    0x2

struct gdt_entry {
    uint16_t limit_low, base_low;
    uint8_t base_mid, access, limit_high_flags, base_high;
} __attribute__((packed));

struct idt_entry {
    uint16_t offset_low, selector;
    uint8_t zero, type;
    uint16_t offset_high;
} __attribute__((packed));

struct table_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static struct gdt_entry gdt[5];
static struct idt_entry idt[IDT_VECTORS];
static struct tss main_tss, double_fault_tss;
/* The double-fault task's stack, above its guard page when there are guard
 * pages (its first GUARD_BYTES, arch/x86/guard.h). */
static uint8_t double_fault_stack[GUARD_BYTES + DOUBLE_FAULT_STACK]
    __attribute__((aligned(GUARD_ALIGN)));

static struct gdt_entry
segment(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (struct gdt_entry){
        .limit_low = (uint16_t)limit,
        .base_low = (uint16_t)base,
        .base_mid = (uint8_t)(base >> 16),
        .access = access,
        .limit_high_flags = (uint8_t)(flags << 4 | ((limit >> 16) & 0xF)),
        .base_high = (uint8_t)(base >> 24),
    };
}

static struct idt_entry
gate(uint32_t offset, uint16_t selector, uint8_t type)
{
    return (struct idt_entry){.offset_low = (uint16_t)offset,
                              .selector = selector,
                              .type = type,
                              .offset_high = (uint16_t)(offset >> 16)};
}

static void
load_gdt(void)
{
    struct table_pointer p = {sizeof gdt - 1, (uint32_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "mov %2, %%ax\n\t"
                     "mov %%ax, %%ds\n\t"
                     "mov %%ax, %%es\n\t"
                     "mov %%ax, %%fs\n\t"
                     "mov %%ax, %%gs\n\t"
                     "mov %%ax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(p), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS), "r"(GDT_MAIN_TSS)
                     : "eax", "memory");
}

void
desc_init(void (*double_fault_task)(void))
{
    uint32_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    double_fault_tss = (struct tss){
        .eip = (uint32_t)double_fault_task,
        .esp = (uint32_t)(double_fault_stack + GUARD_BYTES + DOUBLE_FAULT_STACK),
        .eflags = EFLAGS_RESERVED, /* interrupts off */
        .cr3 = cr3,
        .cs = GDT_KERNEL_CS,
        .ds = GDT_KERNEL_DS,
        .es = GDT_KERNEL_DS,
        .ss = GDT_KERNEL_DS,
        .fs = GDT_KERNEL_DS,
        .gs = GDT_KERNEL_DS,
        .iomap = sizeof(struct tss),
    };
    main_tss.iomap = sizeof(struct tss);

    gdt[GDT_KERNEL_CS / 8] = segment(0, 0xFFFFF, ACCESS_CODE, FLAGS_4K_32BIT);
    gdt[GDT_KERNEL_DS / 8] = segment(0, 0xFFFFF, ACCESS_DATA, FLAGS_4K_32BIT);
    gdt[GDT_MAIN_TSS / 8] =
        segment((uint32_t)&main_tss, sizeof main_tss - 1, ACCESS_TSS, 0);
    gdt[GDT_DOUBLE_FAULT_TSS / 8] =
        segment((uint32_t)&double_fault_tss, sizeof double_fault_tss - 1, ACCESS_TSS, 0);
    load_gdt();

    for (int v = 0; v < IDT_VECTORS; v++) {
        idt[v] = gate(irq_stub_table[v], GDT_KERNEL_CS, GATE_INTERRUPT);
    }
    idt[ARCH_VECTOR_DOUBLE_FAULT] = gate(0, GDT_DOUBLE_FAULT_TSS, GATE_TASK);
    struct table_pointer p = {sizeof idt - 1, (uint32_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}

const struct tss *
desc_faulting_task(void)
{
    return &main_tss;
}

void
desc_idt_unmap(int vector)
{
    idt[vector].type &= 0x7F; /* clear the present bit */
}

/* For guard.c (guard pages): the stacks above, by name. Last in the file, so
 * that the plain kernel lays out its data as before. */
const struct guard_stack desc_stacks[] = {{"double-fault", double_fault_stack}};
const size_t desc_stack_count = sizeof desc_stacks / sizeof desc_stacks[0];
