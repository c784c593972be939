/* The two cascaded 8259A interrupt controllers. Internal to the keyboard
 * gate. */
#ifndef PC_PIC_H
#define PC_PIC_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_VECTOR_BASE 32 /* IRQ 0-15 arrive as vectors 32-47 */
#define PIC_MASTER_CMD  0x20
#define PIC_MASTER_DATA 0x21 /* reads and writes the master's mask */
#define PIC_SLAVE_CMD   0xA0
#define PIC_SLAVE_DATA  0xA1

/* Remap IRQ 0-15 to vectors 32-47 (away from the CPU exceptions) and mask
 * every line. */
void pic_init(void);

/* Let IRQ line through (and the cascade line 2 for lines 8-15). */
void pic_unmask(int line);

/* The in-service registers, the master's in the low byte and the slave's
 * in the high one: the IRQs taken and not yet ended. Reading changes
 * nothing. */
uint16_t pic_in_service(void);

/* True if IRQ 7 or 15 was spurious: the line is not in service. A spurious
 * IRQ 15 still owes the master its end-of-interrupt, which this sends. */
bool pic_spurious(int line);

/* End of interrupt for line: to the slave too for lines 8-15. */
void pic_eoi(int line);

#endif
