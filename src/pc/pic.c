#include "pc/pic.h"

#include "asm/io.h"

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
    outb(PIC_MASTER_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC_SLAVE_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC_MASTER_DATA, PIC_VECTOR_BASE);
    io_wait();
    outb(PIC_SLAVE_DATA, PIC_VECTOR_BASE + 8);
    io_wait();
    outb(PIC_MASTER_DATA, ICW3_SLAVE_ON_IRQ2);
    io_wait();
    outb(PIC_SLAVE_DATA, ICW3_SLAVE_ID);
    io_wait();
    outb(PIC_MASTER_DATA, ICW4_8086);
    io_wait();
    outb(PIC_SLAVE_DATA, ICW4_8086);
    io_wait();
    outb(PIC_MASTER_DATA, 0xFF);
    outb(PIC_SLAVE_DATA, 0xFF);
}

void
pic_unmask(int line)
{
    if (line >= 8) {
        outb(PIC_SLAVE_DATA, inb(PIC_SLAVE_DATA) & ~(1 << (line - 8)));
        line = CASCADE_LINE;
    }
    outb(PIC_MASTER_DATA, inb(PIC_MASTER_DATA) & ~(1 << line));
}

/* The in-service register of the chip whose command port is cmd. */
static uint8_t
chip_in_service(uint16_t cmd)
{
    outb(cmd, OCW3_READ_ISR);
    return inb(cmd);
}

uint16_t
pic_in_service(void)
{
    uint16_t master = chip_in_service(PIC_MASTER_CMD);
    uint16_t slave = chip_in_service(PIC_SLAVE_CMD);
    return (uint16_t)(master | slave << 8);
}

bool
pic_spurious(int line)
{
    if (line == 7 && !(chip_in_service(PIC_MASTER_CMD) & 0x80)) {
        return true;
    }
    if (line == 15 && !(chip_in_service(PIC_SLAVE_CMD) & 0x80)) {
        outb(PIC_MASTER_CMD, EOI); /* the master did see an IRQ 2 */
        return true;
    }
    return false;
}

void
pic_eoi(int line)
{
    if (line >= 8) {
        outb(PIC_SLAVE_CMD, EOI);
    }
    outb(PIC_MASTER_CMD, EOI);
}
