/* Scancode set 1: a key sends its make code when pressed (and again on each
 * typematic repeat) and make | 0x80 when released; the keys the IBM XT did
 * not have send 0xE0 first. Pause alone sends E1 1D 45 E1 9D C5 at press
 * and nothing at release. */
#include "irq/kbd_decode.h"

#define BREAK_BIT 0x80
#define COUNT(a)  (sizeof(a) / sizeof((a)[0]))

_Static_assert(KBD_KEY_COUNT <= 256, "a key fits in a key_row");

struct key_row {
    uint8_t key;  /* enum kbd_key; KBD_KEY_NONE for codes no key sends */
    char plain;   /* what a press types without Shift (0: nothing) */
    char shifted; /* and with Shift */
};

/* The make codes without prefix, on a US keyboard. 0x54 is Print Screen
 * pressed with Alt held (SysRq). */
static const struct key_row plain_keys[0x59] = {
    [0x01] = {KBD_KEY_ESC, 27, 27},
    [0x02] = {KBD_KEY_1, '1', '!'},
    [0x03] = {KBD_KEY_2, '2', '@'},
    [0x04] = {KBD_KEY_3, '3', '#'},
    [0x05] = {KBD_KEY_4, '4', '$'},
    [0x06] = {KBD_KEY_5, '5', '%'},
    [0x07] = {KBD_KEY_6, '6', '^'},
    [0x08] = {KBD_KEY_7, '7', '&'},
    [0x09] = {KBD_KEY_8, '8', '*'},
    [0x0A] = {KBD_KEY_9, '9', '('},
    [0x0B] = {KBD_KEY_0, '0', ')'},
    [0x0C] = {KBD_KEY_MINUS, '-', '_'},
    [0x0D] = {KBD_KEY_EQUAL, '=', '+'},
    [0x0E] = {KBD_KEY_BACKSPACE, '\b', '\b'},
    [0x0F] = {KBD_KEY_TAB, '\t', '\t'},
    [0x10] = {KBD_KEY_Q, 'q', 'Q'},
    [0x11] = {KBD_KEY_W, 'w', 'W'},
    [0x12] = {KBD_KEY_E, 'e', 'E'},
    [0x13] = {KBD_KEY_R, 'r', 'R'},
    [0x14] = {KBD_KEY_T, 't', 'T'},
    [0x15] = {KBD_KEY_Y, 'y', 'Y'},
    [0x16] = {KBD_KEY_U, 'u', 'U'},
    [0x17] = {KBD_KEY_I, 'i', 'I'},
    [0x18] = {KBD_KEY_O, 'o', 'O'},
    [0x19] = {KBD_KEY_P, 'p', 'P'},
    [0x1A] = {KBD_KEY_LBRACKET, '[', '{'},
    [0x1B] = {KBD_KEY_RBRACKET, ']', '}'},
    [0x1C] = {KBD_KEY_ENTER, '\n', '\n'},
    [0x1D] = {KBD_KEY_LCTRL, 0, 0},
    [0x1E] = {KBD_KEY_A, 'a', 'A'},
    [0x1F] = {KBD_KEY_S, 's', 'S'},
    [0x20] = {KBD_KEY_D, 'd', 'D'},
    [0x21] = {KBD_KEY_F, 'f', 'F'},
    [0x22] = {KBD_KEY_G, 'g', 'G'},
    [0x23] = {KBD_KEY_H, 'h', 'H'},
    [0x24] = {KBD_KEY_J, 'j', 'J'},
    [0x25] = {KBD_KEY_K, 'k', 'K'},
    [0x26] = {KBD_KEY_L, 'l', 'L'},
    [0x27] = {KBD_KEY_SEMICOLON, ';', ':'},
    [0x28] = {KBD_KEY_APOSTROPHE, '\'', '"'},
    [0x29] = {KBD_KEY_GRAVE, '`', '~'},
    [0x2A] = {KBD_KEY_LSHIFT, 0, 0},
    [0x2B] = {KBD_KEY_BACKSLASH, '\\', '|'},
    [0x2C] = {KBD_KEY_Z, 'z', 'Z'},
    [0x2D] = {KBD_KEY_X, 'x', 'X'},
    [0x2E] = {KBD_KEY_C, 'c', 'C'},
    [0x2F] = {KBD_KEY_V, 'v', 'V'},
    [0x30] = {KBD_KEY_B, 'b', 'B'},
    [0x31] = {KBD_KEY_N, 'n', 'N'},
    [0x32] = {KBD_KEY_M, 'm', 'M'},
    [0x33] = {KBD_KEY_COMMA, ',', '<'},
    [0x34] = {KBD_KEY_DOT, '.', '>'},
    [0x35] = {KBD_KEY_SLASH, '/', '?'},
    [0x36] = {KBD_KEY_RSHIFT, 0, 0},
    [0x37] = {KBD_KEY_KP_STAR, '*', '*'},
    [0x38] = {KBD_KEY_LALT, 0, 0},
    [0x39] = {KBD_KEY_SPACE, ' ', ' '},
    [0x3A] = {KBD_KEY_CAPS_LOCK, 0, 0},
    [0x3B] = {KBD_KEY_F1, 0, 0},
    [0x3C] = {KBD_KEY_F2, 0, 0},
    [0x3D] = {KBD_KEY_F3, 0, 0},
    [0x3E] = {KBD_KEY_F4, 0, 0},
    [0x3F] = {KBD_KEY_F5, 0, 0},
    [0x40] = {KBD_KEY_F6, 0, 0},
    [0x41] = {KBD_KEY_F7, 0, 0},
    [0x42] = {KBD_KEY_F8, 0, 0},
    [0x43] = {KBD_KEY_F9, 0, 0},
    [0x44] = {KBD_KEY_F10, 0, 0},
    [0x45] = {KBD_KEY_NUM_LOCK, 0, 0},
    [0x46] = {KBD_KEY_SCROLL_LOCK, 0, 0},
    [0x47] = {KBD_KEY_KP_7, '7', '7'},
    [0x48] = {KBD_KEY_KP_8, '8', '8'},
    [0x49] = {KBD_KEY_KP_9, '9', '9'},
    [0x4A] = {KBD_KEY_KP_MINUS, '-', '-'},
    [0x4B] = {KBD_KEY_KP_4, '4', '4'},
    [0x4C] = {KBD_KEY_KP_5, '5', '5'},
    [0x4D] = {KBD_KEY_KP_6, '6', '6'},
    [0x4E] = {KBD_KEY_KP_PLUS, '+', '+'},
    [0x4F] = {KBD_KEY_KP_1, '1', '1'},
    [0x50] = {KBD_KEY_KP_2, '2', '2'},
    [0x51] = {KBD_KEY_KP_3, '3', '3'},
    [0x52] = {KBD_KEY_KP_0, '0', '0'},
    [0x53] = {KBD_KEY_KP_DOT, '.', '.'},
    [0x54] = {KBD_KEY_PRINT_SCREEN, 0, 0},
    [0x57] = {KBD_KEY_F11, 0, 0},
    [0x58] = {KBD_KEY_F12, 0, 0},
};

/* The make codes after 0xE0. E0 2A and E0 36 (and their breaks) are the
 * fake shifts some keyboards wrap around the grey keys: no key. E0 46 is
 * Pause pressed with Ctrl held (Break). */
static const struct key_row e0_keys[0x5E] = {
    [0x1C] = {KBD_KEY_KP_ENTER, '\n', '\n'}, [0x1D] = {KBD_KEY_RCTRL, 0, 0},
    [0x35] = {KBD_KEY_KP_SLASH, '/', '/'},   [0x37] = {KBD_KEY_PRINT_SCREEN, 0, 0},
    [0x38] = {KBD_KEY_RALT, 0, 0},           [0x46] = {KBD_KEY_PAUSE, 0, 0},
    [0x47] = {KBD_KEY_HOME, 0, 0},           [0x48] = {KBD_KEY_UP, 0, 0},
    [0x49] = {KBD_KEY_PAGE_UP, 0, 0},        [0x4B] = {KBD_KEY_LEFT, 0, 0},
    [0x4D] = {KBD_KEY_RIGHT, 0, 0},          [0x4F] = {KBD_KEY_END, 0, 0},
    [0x50] = {KBD_KEY_DOWN, 0, 0},           [0x51] = {KBD_KEY_PAGE_DOWN, 0, 0},
    [0x52] = {KBD_KEY_INSERT, 0, 0},         [0x53] = {KBD_KEY_DELETE, 0, 0},
    [0x5B] = {KBD_KEY_LGUI, 0, 0},           [0x5C] = {KBD_KEY_RGUI, 0, 0},
    [0x5D] = {KBD_KEY_MENU, 0, 0},
};

/* With Num Lock off, the keypad's KP_0-KP_9 and KP_DOT are these keys. */
static const uint8_t keypad_nav[] = {
    KBD_KEY_INSERT, KBD_KEY_END,     KBD_KEY_DOWN,   KBD_KEY_PAGE_DOWN,
    KBD_KEY_LEFT,   KBD_KEY_KP_5,    KBD_KEY_RIGHT,  KBD_KEY_HOME,
    KBD_KEY_UP,     KBD_KEY_PAGE_UP, KBD_KEY_DELETE,
};

static const uint8_t pause_seq[] = {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5};

/* The row of make code code (sent after 0xE0 if e0); key NONE if unknown. */
static struct key_row
lookup(bool e0, uint8_t code)
{
    if (e0) {
        return code < COUNT(e0_keys) ? e0_keys[code] : (struct key_row){0};
    }
    return code < COUNT(plain_keys) ? plain_keys[code] : (struct key_row){0};
}

/* The KBD_MOD_* bit a modifier or lock key holds or toggles, or 0. */
static uint16_t
mod_bit(uint8_t key)
{
    switch (key) {
    case KBD_KEY_LSHIFT:
        return KBD_MOD_LSHIFT;
    case KBD_KEY_RSHIFT:
        return KBD_MOD_RSHIFT;
    case KBD_KEY_LCTRL:
        return KBD_MOD_LCTRL;
    case KBD_KEY_RCTRL:
        return KBD_MOD_RCTRL;
    case KBD_KEY_LALT:
        return KBD_MOD_LALT;
    case KBD_KEY_RALT:
        return KBD_MOD_RALT;
    case KBD_KEY_LGUI:
        return KBD_MOD_LGUI;
    case KBD_KEY_RGUI:
        return KBD_MOD_RGUI;
    case KBD_KEY_CAPS_LOCK:
        return KBD_MOD_CAPS;
    case KBD_KEY_NUM_LOCK:
        return KBD_MOD_NUM;
    case KBD_KEY_SCROLL_LOCK:
        return KBD_MOD_SCROLL;
    }
    return 0;
}

/* What pressing row's key types under mods. Letters follow Shift xor Caps
 * Lock and give control codes with Ctrl; the other keys follow Shift. */
static char
typed(struct key_row row, uint16_t mods)
{
    bool shift = mods & KBD_MOD_SHIFT;
    if (row.plain >= 'a' && row.plain <= 'z') {
        if (mods & KBD_MOD_CTRL) {
            return (char)(row.plain & 0x1F); /* Ctrl+C is 3 */
        }
        shift = shift != ((mods & KBD_MOD_CAPS) != 0);
    }
    return shift ? row.shifted : row.plain;
}

void
kbd_decoder_init(struct kbd_decoder *d)
{
    *d = (struct kbd_decoder){0};
}

bool
kbd_decode(struct kbd_decoder *d, uint8_t scancode, struct kbd_event *out)
{
    if (d->pause_pos > 0) {
        if (scancode == pause_seq[d->pause_pos]) {
            if (++d->pause_pos < COUNT(pause_seq)) {
                return false;
            }
            d->pause_pos = 0;
            *out = (struct kbd_event){KBD_KEY_PAUSE, d->mods, 0, true};
            return true;
        }
        d->pause_pos = 0; /* not Pause after all: decode this byte afresh */
    }
    if (scancode == 0xE1) {
        d->e0 = false;
        d->pause_pos = 1;
        return false;
    }
    if (scancode == 0xE0) {
        d->e0 = true;
        return false;
    }
    bool pressed = !(scancode & BREAK_BIT);
    struct key_row row = lookup(d->e0, scancode & ~BREAK_BIT);
    d->e0 = false;
    if (row.key == KBD_KEY_NONE || (row.key == KBD_KEY_PAUSE && !pressed)) {
        return false; /* and Ctrl+Pause's E0 C6, as Pause has no release */
    }
    uint16_t bit = mod_bit(row.key);
    if (bit & KBD_MOD_LOCKS) {
        if (pressed && !(d->locks_held & bit)) {
            d->mods ^= bit; /* a first make, not a repeat */
        }
        d->locks_held = pressed ? d->locks_held | bit : d->locks_held & ~bit;
    } else if (bit) {
        if (!pressed && !(d->mods & bit)) {
            /* A stray break; notably 0xAA, which is both Left Shift's
             * break and the keyboard's self-test reply. */
            return false;
        }
        d->mods = pressed ? d->mods | bit : d->mods & ~bit;
    }
    uint16_t key = row.key;
    char ascii = pressed ? typed(row, d->mods) : 0;
    if (key >= KBD_KEY_KP_0 && key <= KBD_KEY_KP_DOT && !(d->mods & KBD_MOD_NUM)) {
        key = keypad_nav[key - KBD_KEY_KP_0];
        ascii = 0;
    }
    *out = (struct kbd_event){key, d->mods, ascii, pressed};
    return true;
}
