/* The PIC seen from inside, with real interrupts from a slave line: the CMOS
 * RTC's periodic interrupt on IRQ 8. It keeps arriving only if each one ends
 * with an EOI to the slave as well as the master (without it the slave
 * holds IRQ 8 in service and sends no more). During the first one, with the
 * master's IRQ 2 (the cascade) and the slave's IRQ 8 in service, software
 * `int` on the vectors of IRQ 7 and IRQ 15 must be taken as spurious: the
 * line's handler is not called, IRQ 7 sends no EOI at all and IRQ 15 one to
 * the master only. A non-specific EOI clears the highest-priority bit in
 * service, so the in-service registers, read before and after each `int`
 * through OCW3 (a read changes nothing), show which chip got one. */
#include <stdint.h>

#include "core/format.h"
#include "asm/io.h"
#include "core/panic.h"
#include "irq/irq.h"
#include "pc/pic.h"
#include "ktest.h"

#define CASCADE_BIT 0x04 /* IRQ 2 on the master */
#define RTC_BIT     0x01 /* IRQ 8: line 0 of the slave */

#define CMOS_INDEX  0x70
#define CMOS_DATA   0x71
#define RTC_SECONDS 0x00
#define RTC_A       0x0A /* bits 3-0: periodic rate, 32768 >> (rate - 1) Hz */
#define RTC_B       0x0B
#define RTC_C       0x0C /* flags; reading it lowers IRQ 8 and re-arms it */
#define RTC_RATE    0x0F
#define RATE_1024HZ 6
#define RTC_B_PIE   0x40 /* periodic interrupt enable */

#define RTC_IRQ      8
#define WANTED_TICKS 8
#define MAX_SECONDS  3 /* changes of the RTC's seconds to wait at most */

/* The in-service registers of master and slave at one moment. */
struct in_service {
    uint8_t master, slave;
};

static volatile int rtc_ticks;
static volatile int line7_calls, line15_calls;
static struct in_service during_irq8, after_int7, after_int15;

static uint8_t
cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static void
cmos_write(uint8_t reg, uint8_t value)
{
    outb(CMOS_INDEX, reg);
    outb(CMOS_DATA, value);
}

static struct in_service
read_in_service(void)
{
    uint16_t isr = pic_in_service();
    return (struct in_service){(uint8_t)isr, (uint8_t)(isr >> 8)};
}

static void
line7_irq(void)
{
    line7_calls++;
}

static void
line15_irq(void)
{
    line15_calls++;
}

/* IRQ 8; the first one also raises the two software interrupts. */
static void
rtc_irq(void)
{
    if (rtc_ticks++ == 0) {
        during_irq8 = read_in_service();
        __asm__ volatile("int %0" : : "i"(PIC_VECTOR_BASE + 7));
        after_int7 = read_in_service();
        __asm__ volatile("int %0" : : "i"(PIC_VECTOR_BASE + 15));
        after_int15 = read_in_service();
    }
    cmos_read(RTC_C); /* without this the RTC raises no further IRQ 8 */
}

/* The RTC's seconds register; interrupts off, as rtc_irq uses the index. */
static uint8_t
rtc_seconds(void)
{
    cpu_cli();
    uint8_t s = cmos_read(RTC_SECONDS);
    cpu_sti();
    return s;
}

/* Run the RTC's periodic interrupt at 1024 Hz until WANTED_TICKS have
 * arrived or MAX_SECONDS seconds have passed, then stop it as it was. */
static void
run_rtc(void)
{
    cpu_cli();
    uint8_t a = cmos_read(RTC_A), b = cmos_read(RTC_B);
    cmos_write(RTC_A, (uint8_t)((a & ~RTC_RATE) | RATE_1024HZ));
    cmos_read(RTC_C); /* drop a flag raised before */
    cmos_write(RTC_B, b | RTC_B_PIE);
    cpu_sti();
    uint8_t last = rtc_seconds();
    for (int changes = 0; rtc_ticks < WANTED_TICKS && changes < MAX_SECONDS;) {
        uint8_t now = rtc_seconds();
        changes += now != last;
        last = now;
    }
    cpu_cli();
    cmos_write(RTC_B, b & ~RTC_B_PIE);
    cmos_write(RTC_A, a);
    cmos_read(RTC_C);
    cpu_sti();
}

void
ktest_irq(void)
{
    uint8_t masks[2] = {inb(PIC_MASTER_DATA), inb(PIC_SLAVE_DATA)};
    ktest_ok(irq_register(7, line7_irq) == 0 && irq_register(15, line15_irq) == 0 &&
                 irq_register(RTC_IRQ, rtc_irq) == 0,
             "irq: handlers registered for IRQ 7, 8 and 15");
    run_rtc();
    cpu_cli(); /* mask again the lines irq_register opened: 2, 7, 8 and 15 */
    outb(PIC_MASTER_DATA, masks[0]);
    outb(PIC_SLAVE_DATA, masks[1]);
    cpu_sti();

    char line[120];
    ksnprintf(line, sizeof line,
              "%d IRQ 8s; ISR master/slave: in IRQ 8 %02x/%02x, after int 0x27 "
              "%02x/%02x, after int 0x2F %02x/%02x",
              rtc_ticks, during_irq8.master, during_irq8.slave, after_int7.master,
              after_int7.slave, after_int15.master, after_int15.slave);
    ktest_diag(line);
    ktest_ok(rtc_ticks >= WANTED_TICKS,
             "irq: IRQ 8 on the slave arrives again and again (EOI to both chips)");
    ktest_ok(during_irq8.master == CASCADE_BIT && during_irq8.slave == RTC_BIT,
             "irq: in IRQ 8 the master has IRQ 2 and the slave IRQ 8 in service");
    ktest_ok(line7_calls == 0 && after_int7.master == CASCADE_BIT &&
                 after_int7.slave == RTC_BIT,
             "irq: int 0x27 with IRQ 7 not in service is spurious: no handler, "
             "no EOI");
    ktest_ok(line15_calls == 0 && after_int15.master == 0 && after_int15.slave == RTC_BIT,
             "irq: int 0x2F with IRQ 15 not in service is spurious: no handler, "
             "EOI to the master only");
    struct in_service now = read_in_service();
    ktest_ok(now.master == 0 && now.slave == 0 && !(cmos_read(RTC_B) & RTC_B_PIE) &&
                 inb(PIC_MASTER_DATA) == masks[0] && inb(PIC_SLAVE_DATA) == masks[1],
             "irq: afterwards nothing is in service, the RTC's periodic interrupt "
             "is off and the masks are as before");
}

void
ktest_fault(void)
{
    __asm__ volatile(".globl ktest_ud2\nktest_ud2: ud2");
    __builtin_unreachable();
}

void
ktest_nested_panic(void)
{
    /* DR7: local enable of DR0 (bit 0), break on reads and writes (RW0 =
     * 11, bits 16-17) of one byte (LEN0 = 00, bits 18-19). */
    static const char watched[] = "a string under a data breakpoint";
    const uintptr_t dr7 = 1u << 0 | 3u << 16;
    __asm__ volatile("mov %0, %%dr0\n\t"
                     "mov %1, %%dr7"
                     :
                     : "r"(&watched[0]), "r"(dr7)
                     : "memory");
    panic("outer panic: %s", watched);
}
