/* PS/2 scancode set 1 to key events, for a US QWERTY keyboard. A pure state
 * machine, fed one byte from port 0x60 at a time; it touches no hardware, so
 * it runs on the host too. */
#ifndef IRQ_KBD_DECODE_H
#define IRQ_KBD_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* The 104 keys of a US keyboard, named by what is printed on them and not
 * by the scancodes they send. A-Z, 0-9, F1-F12 and KP_0-KP_9 run in order. */
enum kbd_key {
    KBD_KEY_NONE, /* never in an event */
    KBD_KEY_A,
    KBD_KEY_B,
    KBD_KEY_C,
    KBD_KEY_D,
    KBD_KEY_E,
    KBD_KEY_F,
    KBD_KEY_G,
    KBD_KEY_H,
    KBD_KEY_I,
    KBD_KEY_J,
    KBD_KEY_K,
    KBD_KEY_L,
    KBD_KEY_M,
    KBD_KEY_N,
    KBD_KEY_O,
    KBD_KEY_P,
    KBD_KEY_Q,
    KBD_KEY_R,
    KBD_KEY_S,
    KBD_KEY_T,
    KBD_KEY_U,
    KBD_KEY_V,
    KBD_KEY_W,
    KBD_KEY_X,
    KBD_KEY_Y,
    KBD_KEY_Z,
    KBD_KEY_0,
    KBD_KEY_1,
    KBD_KEY_2,
    KBD_KEY_3,
    KBD_KEY_4,
    KBD_KEY_5,
    KBD_KEY_6,
    KBD_KEY_7,
    KBD_KEY_8,
    KBD_KEY_9,
    KBD_KEY_GRAVE,      /* ` ~ */
    KBD_KEY_MINUS,      /* - _ */
    KBD_KEY_EQUAL,      /* = + */
    KBD_KEY_LBRACKET,   /* [ { */
    KBD_KEY_RBRACKET,   /* ] } */
    KBD_KEY_BACKSLASH,  /* \ | */
    KBD_KEY_SEMICOLON,  /* ; : */
    KBD_KEY_APOSTROPHE, /* ' " */
    KBD_KEY_COMMA,      /* , < */
    KBD_KEY_DOT,        /* . > */
    KBD_KEY_SLASH,      /* / ? */
    KBD_KEY_ESC,
    KBD_KEY_TAB,
    KBD_KEY_BACKSPACE,
    KBD_KEY_ENTER,
    KBD_KEY_SPACE,
    KBD_KEY_F1,
    KBD_KEY_F2,
    KBD_KEY_F3,
    KBD_KEY_F4,
    KBD_KEY_F5,
    KBD_KEY_F6,
    KBD_KEY_F7,
    KBD_KEY_F8,
    KBD_KEY_F9,
    KBD_KEY_F10,
    KBD_KEY_F11,
    KBD_KEY_F12,
    KBD_KEY_LSHIFT,
    KBD_KEY_RSHIFT,
    KBD_KEY_LCTRL,
    KBD_KEY_RCTRL,
    KBD_KEY_LALT,
    KBD_KEY_RALT,
    KBD_KEY_LGUI, /* the Windows keys */
    KBD_KEY_RGUI,
    KBD_KEY_MENU,
    KBD_KEY_CAPS_LOCK,
    KBD_KEY_NUM_LOCK,
    KBD_KEY_SCROLL_LOCK,
    KBD_KEY_PRINT_SCREEN,
    KBD_KEY_PAUSE,
    KBD_KEY_INSERT,
    KBD_KEY_DELETE,
    KBD_KEY_HOME,
    KBD_KEY_END,
    KBD_KEY_PAGE_UP,
    KBD_KEY_PAGE_DOWN,
    KBD_KEY_UP,
    KBD_KEY_DOWN,
    KBD_KEY_LEFT,
    KBD_KEY_RIGHT,
    KBD_KEY_KP_0,
    KBD_KEY_KP_1,
    KBD_KEY_KP_2,
    KBD_KEY_KP_3,
    KBD_KEY_KP_4,
    KBD_KEY_KP_5,
    KBD_KEY_KP_6,
    KBD_KEY_KP_7,
    KBD_KEY_KP_8,
    KBD_KEY_KP_9,
    KBD_KEY_KP_DOT,
    KBD_KEY_KP_SLASH,
    KBD_KEY_KP_STAR,
    KBD_KEY_KP_MINUS,
    KBD_KEY_KP_PLUS,
    KBD_KEY_KP_ENTER,
    KBD_KEY_COUNT /* every key of an event is below this */
};

/* Modifiers held down and locks turned on, as a bit set in kbd_event.mods. */
#define KBD_MOD_LSHIFT 0x0001
#define KBD_MOD_RSHIFT 0x0002
#define KBD_MOD_LCTRL  0x0004
#define KBD_MOD_RCTRL  0x0008
#define KBD_MOD_LALT   0x0010
#define KBD_MOD_RALT   0x0020
#define KBD_MOD_LGUI   0x0040
#define KBD_MOD_RGUI   0x0080
#define KBD_MOD_CAPS   0x0100 /* Caps Lock is on */
#define KBD_MOD_NUM    0x0200 /* Num Lock is on */
#define KBD_MOD_SCROLL 0x0400 /* Scroll Lock is on */
#define KBD_MOD_SHIFT  (KBD_MOD_LSHIFT | KBD_MOD_RSHIFT)
#define KBD_MOD_CTRL   (KBD_MOD_LCTRL | KBD_MOD_RCTRL)
#define KBD_MOD_ALT    (KBD_MOD_LALT | KBD_MOD_RALT)
#define KBD_MOD_GUI    (KBD_MOD_LGUI | KBD_MOD_RGUI)
#define KBD_MOD_LOCKS  (KBD_MOD_CAPS | KBD_MOD_NUM | KBD_MOD_SCROLL)

/* A key pressed (or repeated by the keyboard) or released. */
struct kbd_event {
    uint16_t key;  /* enum kbd_key */
    uint16_t mods; /* KBD_MOD_*, including this key's own change */
    char ascii;    /* what a press types, with Ctrl+letter as 1-26; else 0 */
    bool pressed;  /* false for a release */
};

/* The decoder's state. Zeroed (or kbd_decoder_init) it is ready, with
 * nothing held and every lock off. */
struct kbd_decoder {
    bool e0;             /* the last byte was the 0xE0 prefix */
    uint8_t pause_pos;   /* bytes of E1 1D 45 E1 9D C5 matched so far */
    uint16_t mods;       /* KBD_MOD_* */
    uint16_t locks_held; /* lock keys down, so that repeats do not toggle */
};

/* Reset d: no prefix pending, no modifier held, every lock off. */
void kbd_decoder_init(struct kbd_decoder *d);

/* Feed d one byte read from port 0x60. Returns true and fills *out when the
 * byte completes a key press or release, false (leaving *out alone) when
 * it does not: prefixes, the inner bytes of Pause's E1 sequence, the fake
 * shifts E0 2A/AA/36/B6, controller replies (00 FA FE EE FF, and AA when
 * Left Shift is up), and codes of keys a US 104-key keyboard lacks. */
bool kbd_decode(struct kbd_decoder *d, uint8_t scancode, struct kbd_event *out);

#endif
