#include "boot/boot.h"

#include "config.h"
#include "asm/guard.h"
#include "console/console.h"
#include "core/panic.h"
#include "pc/screen.h"
#include "boot/memory.h"
#include "heap/heap.h"
#include "irq/irq.h"

/* Readable on every background: yellow on dark ones, blue on light ones. */
#define TITLE_COLOR (CONFIG_FOREGROUND == VGA_WHITE ? VGA_YELLOW : VGA_BLUE)

/* What was built and what the loader found: the first lines on screen. */
static void
boot_banner(const struct multiboot_info *info)
{
    console_set_color(TITLE_COLOR, CONFIG_BACKGROUND);
    kprintf("sluice %s\n", SLUICE_VERSION);
    console_set_color(CONFIG_FOREGROUND, CONFIG_BACKGROUND);
    kprintf("gates: %s\n", CONFIG_GATES);
    if (info->flags & MULTIBOOT_INFO_MEMORY) {
        kprintf("memory: %u KiB below 1 MiB, %u KiB above\n", info->mem_lower,
                info->mem_upper);
    } else {
        kprintf("memory: not reported by the boot loader\n");
    }
}

void
boot_start(uint32_t magic, const struct multiboot_info *info)
{
    if (!ARCH_ENTRY_CHECKS_MAGIC && magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        core_fail("sluice: bad Multiboot magic");
    }
    if (CONFIG_BACKGROUND > 7) {
        core_screen_no_blink();
    }
    /* -Dguard-pages: paging with guard pages and W^X, before the descriptor
     * tables (the i686 double-fault task takes CR3 then). */
    const char *guard_notice = arch_guard_init();
    irq_early_init(); /* from here on a CPU exception gets a report */
    core_screen_paint(SCREEN_ATTR(CONFIG_FOREGROUND, CONFIG_BACKGROUND), "");
    console_init();
    if (CONFIG_COLOR_CONSOLE) {
        boot_banner(info);
    }
    if (CONFIG_HEAP) {
        static struct boot_memory memory; /* 2 KiB of tables: not on the stack */
        boot_memory_collect(info, &memory);
        heap_init(memory.known ? &memory.usable : NULL, &memory.reserved);
    }
    if (CONFIG_COLOR_CONSOLE && guard_notice) {
        kprintf("%s\n", guard_notice); /* what this CPU cannot have */
    }
    irq_init();
}
