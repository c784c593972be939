/* The keyboard gate's start: the descriptor tables first, then the PIC,
 * the keyboard and (with the shell) COM1's keys, then interrupts on. */
#include "asm/interrupts.h"
#include "asm/io.h"
#include "config.h"
#include "irq/irq.h"
#include "irq/kbd.h"
#include "irq/nmi.h"
#include "pc/pic.h"

void
irq_early_init(void)
{
    arch_interrupts_init();
}

void
irq_init(void)
{
    pic_init();
    const char *problem = kbd_init();
    if (problem) {
        irq_notice(problem);
    }
    if (CONFIG_SHELL) {
        irq_com1_keys_init();
    }
    cpu_sti();
}
