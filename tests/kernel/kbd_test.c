/* The key queue seen from outside: the test types more keys than the queue
 * holds while nothing reads it, then reads what the kernel kept. */
#include "core/format.h"
#include "asm/io.h"
#include "pc/screen.h"
#include "irq/kbd.h"
#include "irq/kbd_ring.h"
#include "ktest.h"

/* What the kernel keeps when KEY_QUEUE_DROPS events could not be queued. */
#define KEY_QUEUE_DROPS 16

void
ktest_key_queue(void)
{
    core_debug_line("ktest: not reading keys");
    for (;;) {
        cpu_cli();
        if (kbd_dropped() >= KEY_QUEUE_DROPS) {
            break;
        }
        cpu_wait_for_interrupt(); /* sti; hlt: IRQ 1 keeps queueing */
    }
    char typed[KBD_RING_CAPACITY + 1];
    int n = 0, events = 0;
    struct kbd_event ev;
    while (kbd_next(&ev)) {
        events++;
        if (ev.pressed && ev.ascii && n < KBD_RING_CAPACITY) {
            typed[n++] = ev.ascii;
        }
    }
    typed[n] = '\0';
    char line[128];
    ksnprintf(line, sizeof line, "ktest: queued %d events, typing \"%s\"; dropped %u",
              events, typed, (unsigned)kbd_dropped());
    core_debug_line(line);
    core_halt();
}
