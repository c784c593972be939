/* PS/2 scancode set 1 to key events, for a US QWERTY keyboard. A pure state
 * machine, fed one byte at a time, so that it runs on the host too. */
#ifndef IRQ_KBD_DECODE_H
#define IRQ_KBD_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* Keys are named by their scancode: the make code for the plain keys,
 * 0xE000 | code for the 0xE0-prefixed ones, and Pause by its sequence. */
enum kbd_key {
    KBD_KEY_ESC = 0x01,
    KBD_KEY_BACKSPACE = 0x0E,
    KBD_KEY_TAB = 0x0F,
    KBD_KEY_ENTER = 0x1C,
    KBD_KEY_LCTRL = 0x1D,
    KBD_KEY_A = 0x1E,
    KBD_KEY_LSHIFT = 0x2A,
    KBD_KEY_RSHIFT = 0x36,
    KBD_KEY_KP_STAR = 0x37,
    KBD_KEY_LALT = 0x38,
    KBD_KEY_SPACE = 0x39,
    KBD_KEY_CAPS_LOCK = 0x3A,
    KBD_KEY_F1 = 0x3B, /* F1-F10 are 0x3B-0x44 */
    KBD_KEY_NUM_LOCK = 0x45,
    KBD_KEY_SCROLL_LOCK = 0x46,
    KBD_KEY_KP_7 = 0x47, /* the keypad runs 0x47-0x53 */
    KBD_KEY_KP_MINUS = 0x4A,
    KBD_KEY_KP_PLUS = 0x4E,
    KBD_KEY_KP_DOT = 0x53,
    KBD_KEY_F11 = 0x57,
    KBD_KEY_F12 = 0x58,
    KBD_KEY_KP_ENTER = 0xE01C,
    KBD_KEY_RCTRL = 0xE01D,
    KBD_KEY_KP_SLASH = 0xE035,
    KBD_KEY_PRINT_SCREEN = 0xE037,
    KBD_KEY_RALT = 0xE038,
    KBD_KEY_BREAK = 0xE046, /* Ctrl+Pause */
    KBD_KEY_HOME = 0xE047,
    KBD_KEY_UP = 0xE048,
    KBD_KEY_PAGE_UP = 0xE049,
    KBD_KEY_LEFT = 0xE04B,
    KBD_KEY_RIGHT = 0xE04D,
    KBD_KEY_END = 0xE04F,
    KBD_KEY_DOWN = 0xE050,
    KBD_KEY_PAGE_DOWN = 0xE051,
    KBD_KEY_INSERT = 0xE052,
    KBD_KEY_DELETE = 0xE053,
    KBD_KEY_LGUI = 0xE05B,
    KBD_KEY_RGUI = 0xE05C,
    KBD_KEY_MENU = 0xE05D,
    KBD_KEY_PAUSE = 0xE11D,
};

/* Modifier and lock state, as a bit set in kbd_event.mods. */
#define KBD_MOD_LSHIFT 0x01
#define KBD_MOD_RSHIFT 0x02
#define KBD_MOD_LCTRL  0x04
#define KBD_MOD_RCTRL  0x08
#define KBD_MOD_LALT   0x10
#define KBD_MOD_RALT   0x20
#define KBD_MOD_CAPS   0x40 /* Caps Lock is on */
#define KBD_MOD_NUM    0x80 /* Num Lock is on */
#define KBD_MOD_SHIFT  (KBD_MOD_LSHIFT | KBD_MOD_RSHIFT)
#define KBD_MOD_CTRL   (KBD_MOD_LCTRL | KBD_MOD_RCTRL)

struct kbd_event {
    uint16_t key; /* enum kbd_key */
    char ascii;   /* what the key types (0: nothing, or a release) */
    uint8_t mods; /* KBD_MOD_* after this key */
    bool pressed; /* false for a release */
};

struct kbd_decoder {
    uint8_t mods;
    bool extended;            /* the last byte was 0xE0 */
    uint8_t pause_left;       /* bytes of the Pause sequence still to swallow */
    bool caps_held, num_held; /* locks toggle on the first make only */
};

/* A decoder with nothing pressed and both locks off. */
void kbd_decoder_init(struct kbd_decoder *d);

/* Feed one byte from port 0x60. Returns true and fills *out when it
 * completes a key press or release; prefixes, the Pause sequence's inner
 * bytes, controller replies (0x00, 0xFA, 0xFE, 0xEE, 0xFF), the fake
 * shifts around extended keys and unknown codes produce nothing. */
bool kbd_decode(struct kbd_decoder *d, uint8_t scancode, struct kbd_event *out);

#endif
