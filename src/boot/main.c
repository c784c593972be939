#include "boot/boot.h"
#include "config.h"
#include "asm/io.h"
#include "irq/irq.h"

void
kmain(uint32_t magic, const struct multiboot_info *info)
{
    boot_start(magic, info);
    if (CONFIG_KEYBOARD) {
        irq_main_loop();
    }
    core_halt();
}
