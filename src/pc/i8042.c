#include "pc/i8042.h"

#include <stddef.h>

#include "asm/io.h"
#include "pc/screen.h"

#define I8042_DATA    0x60
#define I8042_STATUS  0x64 /* read */
#define I8042_COMMAND 0x64 /* write */

#define STATUS_OUTPUT_FULL 0x01 /* a byte waits at I8042_DATA */
#define STATUS_INPUT_FULL  0x02 /* the controller has not taken our last byte */
#define STATUS_AUX_DATA    0x20 /* the waiting byte came from the aux port */

#define CMD_READ_CTR      0x20
#define CMD_WRITE_CTR     0x60
#define CMD_DISABLE_AUX   0xA7
#define CMD_SELF_TEST     0xAA
#define CMD_TEST_KBD_PORT 0xAB
#define CMD_DISABLE_KBD   0xAD
#define CMD_ENABLE_KBD    0xAE
#define CMD_PULSE_RESET   0xFE

/* The controller's configuration byte ("command byte", Linux's CTR). */
#define CTR_KBD_INT     0x01 /* IRQ 1 when a keyboard byte arrives */
#define CTR_AUX_INT     0x02 /* IRQ 12 when an aux byte arrives */
#define CTR_KBD_DISABLE 0x10 /* keyboard clock held off */
#define CTR_AUX_DISABLE 0x20 /* aux clock held off */
#define CTR_XLATE       0x40 /* translate set 2 to set 1 */

#define SELF_TEST_PASSED 0x55
#define PORT_TEST_PASSED 0x00

#define KBD_SET_SCANCODE_SET 0xF0
#define KBD_ENABLE_SCANNING  0xF4
#define KBD_DISABLE_SCANNING 0xF5
#define KBD_ACK              0xFA
#define KBD_RESEND           0xFE
#define SCANCODE_SET_2       2
#define KBD_TRIES            3 /* sends of one byte while the keyboard says resend */

/* The controller's buffer holds 16 bytes at most (Linux: I8042_BUFFER_SIZE):
 * an output buffer still full after that many reads is not a controller.
 * A missing one floats the bus: its status reads 0xFF, "full". */
#define BUFFER_SIZE 16
/* Each poll is an inb and a write to port 0x80, 1 us or more on a PC's ISA
 * bus, so a wait gives up after 0.1 s or more: a keyboard answers a
 * command within a few milliseconds. Under an emulator a poll is faster and
 * a missing device answers at once. */
#define MAX_POLLS 100000
/* Bytes that may arrive while the keyboard's answer is awaited: keys
 * pressed just before scanning stopped. */
#define MAX_STRAY_BYTES 16

/* Wait until the status bits in mask read as want; false after MAX_POLLS. */
static bool
wait_status(uint8_t mask, uint8_t want)
{
    for (int i = 0; i < MAX_POLLS; i++) {
        if ((inb(I8042_STATUS) & mask) == want) {
            return true;
        }
        io_wait();
    }
    return false;
}

/* Wait for a byte from the controller into *byte; false after MAX_POLLS. */
static bool
read_data(uint8_t *byte)
{
    if (!wait_status(STATUS_OUTPUT_FULL, STATUS_OUTPUT_FULL)) {
        return false;
    }
    *byte = inb(I8042_DATA);
    return true;
}

/* Write byte to port once the controller can take it: to I8042_COMMAND a
 * command for the controller, to I8042_DATA its argument or a byte for the
 * keyboard. */
static bool
send(uint16_t port, uint8_t byte)
{
    if (!wait_status(STATUS_INPUT_FULL, 0)) {
        return false;
    }
    outb(port, byte);
    return true;
}

static bool
send_command(uint8_t command)
{
    return send(I8042_COMMAND, command);
}

static bool
send_data(uint8_t byte)
{
    return send(I8042_DATA, byte);
}

/* Write the controller's configuration byte. */
static bool
write_ctr(uint8_t ctr)
{
    return send_command(CMD_WRITE_CTR) && send_data(ctr);
}

/* A controller command that answers with one byte, into *reply. */
static bool
query(uint8_t command, uint8_t *reply)
{
    return send_command(command) && read_data(reply);
}

/* Read and drop what waits in the output buffer. False if it does not
 * empty within BUFFER_SIZE reads: no controller is there. */
static bool
flush(void)
{
    for (int i = 0; i < BUFFER_SIZE; i++) {
        if (!(inb(I8042_STATUS) & STATUS_OUTPUT_FULL)) {
            return true;
        }
        io_wait();
        inb(I8042_DATA);
    }
    return !(inb(I8042_STATUS) & STATUS_OUTPUT_FULL);
}

/* Send byte to the keyboard and wait for its ACK, sending again when it asks
 * (KBD_RESEND) and skipping keys it sent before it took the byte. */
static bool
keyboard_command(uint8_t byte)
{
    for (int tries = 0; tries < KBD_TRIES; tries++) {
        if (!send_data(byte)) {
            return false;
        }
        uint8_t reply = 0;
        for (int n = 0; n < MAX_STRAY_BYTES && read_data(&reply); n++) {
            if (reply == KBD_ACK || reply == KBD_RESEND) {
                break;
            }
        }
        if (reply == KBD_ACK) {
            return true;
        }
        if (reply != KBD_RESEND) {
            return false;
        }
    }
    return false;
}

/* The sequence is the careful one of OSDev's "8042 PS/2 Controller" page and
 * Linux's i8042.c, so that no firmware leftover survives it: a SeaBIOS that
 * timed out on keys typed during its start leaves translation off and the
 * keyboard in raw set 2; a firmware or loader may leave the mouse enabled,
 * and its first movement would fill the one output buffer for good.
 *  1. Both ports off, so no new byte lands; flush what is there. A buffer
 *     that never empties (status 0xFF) means no controller.
 *  2. Interrupts and translation off while we talk to it, aux clock off.
 *  3. Controller self-test (0xAA must answer 0x55). It may reset the
 *     configuration byte on some chips, so the byte is written again after
 *     it; a failure is reported but not fatal (Linux does the same on x86).
 *  4. Keyboard port test (0xAB answers 0), then the port on.
 *  5. The keyboard itself: scanning off (no key interleaves with our
 *     answers), scancode set 2 (the one set every keyboard has); then
 *     translation on, so that the controller turns set 2 into the set 1
 *     that kbd_decode reads (answers such as ACK pass unchanged), and only
 *     then scanning on, so that no key arrives untranslated.
 *  6. Flush, then IRQ 1 on. The aux port stays off. */
const char *
i8042_init(void)
{
    static const char not_taking[] =
        "PS/2 controller does not take commands: keyboard off";
    uint8_t ctr, reply;
    if (!flush() || !send_command(CMD_DISABLE_KBD) || !send_command(CMD_DISABLE_AUX) ||
        !flush()) {
        return "no PS/2 controller: keyboard off";
    }
    if (!query(CMD_READ_CTR, &ctr)) {
        return "PS/2 controller does not answer: keyboard off";
    }
    ctr = (uint8_t)((ctr & ~(CTR_KBD_INT | CTR_AUX_INT | CTR_XLATE)) | CTR_AUX_DISABLE);
    if (!write_ctr(ctr)) {
        return not_taking;
    }
    if (!query(CMD_SELF_TEST, &reply) || reply != SELF_TEST_PASSED) {
        core_debug_line("i8042: controller self-test failed, going on");
    }
    if (!write_ctr(ctr)) {
        return not_taking;
    }
    if (!query(CMD_TEST_KBD_PORT, &reply) || reply != PORT_TEST_PASSED) {
        return "PS/2 keyboard port failed its test: keyboard off";
    }
    if (!send_command(CMD_ENABLE_KBD)) {
        return not_taking;
    }
    ctr &= (uint8_t)~CTR_KBD_DISABLE;
    if (!write_ctr(ctr)) {
        return not_taking;
    }
    static const char no_keyboard[] = "no PS/2 keyboard answers: keyboard off";
    if (!keyboard_command(KBD_DISABLE_SCANNING) ||
        !keyboard_command(KBD_SET_SCANCODE_SET) || !keyboard_command(SCANCODE_SET_2)) {
        return no_keyboard;
    }
    ctr |= CTR_XLATE;
    if (!write_ctr(ctr)) {
        return not_taking;
    }
    if (!keyboard_command(KBD_ENABLE_SCANNING)) {
        return no_keyboard;
    }
    flush();
    ctr |= CTR_KBD_INT;
    if (!write_ctr(ctr)) {
        return not_taking;
    }
    return NULL;
}

bool
i8042_read_key_byte(uint8_t *byte)
{
    uint8_t status = inb(I8042_STATUS);
    if (!(status & STATUS_OUTPUT_FULL)) {
        return false;
    }
    *byte = inb(I8042_DATA);
    return !(status & STATUS_AUX_DATA);
}

bool
i8042_pulse_reset(void)
{
    return flush() && send_command(CMD_PULSE_RESET);
}
