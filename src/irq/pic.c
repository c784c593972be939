#include "irq/pic.h"

#include <stdint.h>

#include "core/io.h"

#define MASTER_CMD         0x20
#define MASTER_DATA        0x21
#define SLAVE_CMD          0xA0
#define SLAVE_DATA         0xA1
#define ICW1_INIT_ICW4     0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW3_SLAVE_ON_IRQ2 0x04
#define ICW3_SLAVE_ID      0x02
#define ICW4_8086          0x01
#define OCW3_READ_ISR      0x0B
#define EOI                0x20
#define CASCADE_LINE       2

void
pic_init(void)
{
    outb(MASTER_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(SLAVE_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(MASTER_DATA, PIC_VECTOR_BASE);
    io_wait();
    outb(SLAVE_DATA, PIC_VECTOR_BASE + 8);
    io_wait();
    outb(MASTER_DATA, ICW3_SLAVE_ON_IRQ2);
    io_wait();
    outb(SLAVE_DATA, ICW3_SLAVE_ID);
    io_wait();
    outb(MASTER_DATA, ICW4_8086);
    io_wait();
    outb(SLAVE_DATA, ICW4_8086);
    io_wait();
    outb(MASTER_DATA, 0xFF);
    outb(SLAVE_DATA, 0xFF);
}

void
pic_unmask(int line)
{
    if (line >= 8) {
        outb(SLAVE_DATA, inb(SLAVE_DATA) & ~(1 << (line - 8)));
        line = CASCADE_LINE;
    }
    outb(MASTER_DATA, inb(MASTER_DATA) & ~(1 << line));
}

/* The in-service register of the controller at cmd. */
static uint8_t
in_service(uint16_t cmd)
{
    outb(cmd, OCW3_READ_ISR);
    return inb(cmd);
}

bool
pic_spurious(int line)
{
    if (line == 7 && !(in_service(MASTER_CMD) & 0x80)) {
        return true;
    }
    if (line == 15 && !(in_service(SLAVE_CMD) & 0x80)) {
        outb(MASTER_CMD, EOI); /* the master did see an IRQ 2 */
        return true;
    }
    return false;
}

void
pic_eoi(int line)
{
    if (line >= 8) {
        outb(SLAVE_CMD, EOI);
    }
    outb(MASTER_CMD, EOI);
}
