#include "boot/boot.h"
#include "config.h"
#include "asm/io.h"
#include "irq/irq.h"

/* The C entry point, called by _start with the loader's EAX and EBX. */
__attribute__((noreturn)) void kmain(uint32_t magic, const struct multiboot_info *info);

void
kmain(uint32_t magic, const struct multiboot_info *info)
{
    boot_start(magic, info);
    if (CONFIG_KEYBOARD) {
        irq_main_loop();
    }
    core_halt();
}
