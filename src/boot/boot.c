#include "boot/boot.h"

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "asm/guard.h"
#include "asm/page.h"
#include "console/console.h"
#include "console/framebuffer.h"
#include "core/format.h"
#include "core/panic.h"
#include "pc/screen.h"
#include "boot/memory.h"
#include "heap/heap.h"
#include "irq/irq.h"

/* The end of page 0, which -Dguard-pages leaves unmapped. */
#define PAGE_ZERO_END ARCH_PAGE_SIZE

/* Readable on every background: yellow on dark ones, blue on light ones. */
#define TITLE_COLOR (CONFIG_FOREGROUND == VGA_WHITE ? VGA_YELLOW : VGA_BLUE)

/* A loader may leave the display in a graphics mode (on UEFI firmware,
 * which has no VGA text, it must), where the console's text does not show:
 * paint a direct-colour mode in the background colour, so that the screen
 * shows the kernel runs, and say so on COM1 (the console's mirror) and the
 * debug port. */
static void
boot_graphics_notice(const struct multiboot_info *info)
{
    struct framebuffer fb = {
        .addr = info->framebuffer_addr,
        .pitch = info->framebuffer_pitch,
        .width = info->framebuffer_width,
        .height = info->framebuffer_height,
        .bpp = info->framebuffer_bpp,
        .red_pos = info->red_pos,
        .red_size = info->red_size,
        .green_pos = info->green_pos,
        .green_size = info->green_size,
        .blue_pos = info->blue_pos,
        .blue_size = info->blue_size,
    };
    bool painted =
        info->framebuffer_type == MULTIBOOT_FRAMEBUFFER_RGB &&
        framebuffer_paint(&fb, CONFIG_BACKGROUND, ARCH_BOOT_REACH_LAST,
                          (uintptr_t)kernel_image_start, (uintptr_t)kernel_image_end);
    char line[192];
    ksnprintf(line, sizeof line,
              "display: a %ux%u graphics mode (%u bits per pixel at 0x%llx), %s%s: VGA "
              "text does not show in it; the console's text is on COM1",
              fb.width, fb.height, fb.bpp, (unsigned long long)fb.addr,
              painted ? "painted " : "not painted",
              painted ? console_color_name(CONFIG_BACKGROUND) : "");
    kprintf("%s\n", line);
    core_debug_line(line);
}

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
    if (multiboot_graphics_mode(info)) {
        boot_graphics_notice(info);
    }
}

/* True when any of the loader's data that the kernel reads after
 * arch_guard_init starts in page 0 (Multiboot lets a loader put it
 * anywhere): the info structure, the memory map, the command line (also
 * at 0: the test kernel reads it wherever it points), the module list (if
 * it can be one) and the modules' strings (0 is none: nobody reads it),
 * the ELF section headers, the loader's name (the modules themselves, the
 * drives, APM and VBE tables it never reads).
 * Data that starts above page 0 never reaches into it. */
static bool
loader_data_in_page_zero(const struct multiboot_info *info)
{
    uint32_t flags = info->flags;
    bool in = (uintptr_t)info < PAGE_ZERO_END;
    in |= (flags & MULTIBOOT_INFO_MMAP) && info->mmap_length &&
          info->mmap_addr < PAGE_ZERO_END;
    in |= (flags & MULTIBOOT_INFO_CMDLINE) && info->cmdline < PAGE_ZERO_END;
    in |= (flags & MULTIBOOT_INFO_LOADER_NAME) && info->boot_loader_name < PAGE_ZERO_END;
    in |= (flags & MULTIBOOT_INFO_ELF_SHDR) && info->elf_sections.num &&
          info->elf_sections.addr < PAGE_ZERO_END;
    /* A list too long to be one is not read (boot/memory.c leaves it out
     * too): walking it could take minutes. */
    if ((flags & MULTIBOOT_INFO_MODS) && info->mods_count &&
        multiboot_mods_plausible(info)) {
        const struct multiboot_module *mods = (const void *)(uintptr_t)info->mods_addr;
        in |= info->mods_addr < PAGE_ZERO_END;
        for (uint32_t i = 0; i < info->mods_count && !in; i++) {
            in |= mods[i].string && mods[i].string < PAGE_ZERO_END; /* 0: none */
        }
    }
    return in;
}

void
boot_start(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic; /* the entry checked it, without a stack (arch/x86/entry32.inc) */
    if (CONFIG_BACKGROUND > 7) {
        core_screen_no_blink();
    }
    /* -Dguard-pages: paging with guard pages and W^X, before the descriptor
     * tables (the i686 double-fault task takes CR3 then), and page 0
     * unmapped for null pointers. The loader's data is read later (the
     * banner, the heap's memory map, the test kernel's command line), so
     * when some lies in page 0, page 0 stays mapped: simpler than copying
     * it all out first, and a loader that uses page 0 is rare (QEMU and
     * GRUB put theirs higher). */
    const char *guard_notice =
        arch_guard_init(CONFIG_GUARD_PAGES && loader_data_in_page_zero(info));
    irq_early_init(); /* from here on a CPU exception gets a report */
    /* A loader's graphics mode (UEFI) is not VGA text's to put back: its
     * CRT controller may not be the VGA's at all. */
    if (!(CONFIG_COLOR_CONSOLE && multiboot_graphics_mode(info))) {
        core_screen_show();
    }
    core_screen_paint(SCREEN_ATTR(CONFIG_FOREGROUND, CONFIG_BACKGROUND), "");
    console_init();
    if (CONFIG_COLOR_CONSOLE) {
        boot_banner(info);
    }
    if (CONFIG_HEAP) {
        static struct boot_memory memory; /* 2 KiB of tables: not on the stack */
        boot_memory_collect(info, &memory);
        heap_init(&memory);
    }
    if (CONFIG_COLOR_CONSOLE && guard_notice) {
        kprintf("%s\n", guard_notice); /* what this CPU cannot have */
    }
    irq_init();
}
