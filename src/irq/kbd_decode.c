#include "irq/kbd_decode.h"

#define BREAK_BIT  0x80
#define PAUSE_TAIL 5 /* E1 is followed by 1D 45 E1 9D C5 */
#define LAST_PLAIN 0x58

/* What the plain keys type, without and with Shift (0: nothing). The
 * keypad's digits (0x47-0x53) type only with Num Lock on. */
static const char plain[LAST_PLAIN + 1] = {
    [0x01] = 27,   [0x02] = '1', [0x03] = '2',  [0x04] = '3',  [0x05] = '4',
    [0x06] = '5',  [0x07] = '6', [0x08] = '7',  [0x09] = '8',  [0x0A] = '9',
    [0x0B] = '0',  [0x0C] = '-', [0x0D] = '=',  [0x0E] = '\b', [0x0F] = '\t',
    [0x10] = 'q',  [0x11] = 'w', [0x12] = 'e',  [0x13] = 'r',  [0x14] = 't',
    [0x15] = 'y',  [0x16] = 'u', [0x17] = 'i',  [0x18] = 'o',  [0x19] = 'p',
    [0x1A] = '[',  [0x1B] = ']', [0x1C] = '\n', [0x1E] = 'a',  [0x1F] = 's',
    [0x20] = 'd',  [0x21] = 'f', [0x22] = 'g',  [0x23] = 'h',  [0x24] = 'j',
    [0x25] = 'k',  [0x26] = 'l', [0x27] = ';',  [0x28] = '\'', [0x29] = '`',
    [0x2B] = '\\', [0x2C] = 'z', [0x2D] = 'x',  [0x2E] = 'c',  [0x2F] = 'v',
    [0x30] = 'b',  [0x31] = 'n', [0x32] = 'm',  [0x33] = ',',  [0x34] = '.',
    [0x35] = '/',  [0x37] = '*', [0x39] = ' ',  [0x47] = '7',  [0x48] = '8',
    [0x49] = '9',  [0x4A] = '-', [0x4B] = '4',  [0x4C] = '5',  [0x4D] = '6',
    [0x4E] = '+',  [0x4F] = '1', [0x50] = '2',  [0x51] = '3',  [0x52] = '0',
    [0x53] = '.',
};

static const char shifted[0x3A] = {
    [0x01] = 27,  [0x02] = '!',  [0x03] = '@',  [0x04] = '#',  [0x05] = '$', [0x06] = '%',
    [0x07] = '^', [0x08] = '&',  [0x09] = '*',  [0x0A] = '(',  [0x0B] = ')', [0x0C] = '_',
    [0x0D] = '+', [0x0E] = '\b', [0x0F] = '\t', [0x10] = 'Q',  [0x11] = 'W', [0x12] = 'E',
    [0x13] = 'R', [0x14] = 'T',  [0x15] = 'Y',  [0x16] = 'U',  [0x17] = 'I', [0x18] = 'O',
    [0x19] = 'P', [0x1A] = '{',  [0x1B] = '}',  [0x1C] = '\n', [0x1E] = 'A', [0x1F] = 'S',
    [0x20] = 'D', [0x21] = 'F',  [0x22] = 'G',  [0x23] = 'H',  [0x24] = 'J', [0x25] = 'K',
    [0x26] = 'L', [0x27] = ':',  [0x28] = '"',  [0x29] = '~',  [0x2B] = '|', [0x2C] = 'Z',
    [0x2D] = 'X', [0x2E] = 'C',  [0x2F] = 'V',  [0x30] = 'B',  [0x31] = 'N', [0x32] = 'M',
    [0x33] = '<', [0x34] = '>',  [0x35] = '?',  [0x37] = '*',  [0x39] = ' ',
};

void
kbd_decoder_init(struct kbd_decoder *d)
{
    *d = (struct kbd_decoder){0};
}

/* True for the make codes of keys a US 104-key keyboard has. */
static bool
known(uint16_t key)
{
    if (key <= LAST_PLAIN) {
        return key != 0 && key != 0x54 && key != 0x55 && key != 0x56;
    }
    switch (key) {
    case KBD_KEY_KP_ENTER:
    case KBD_KEY_RCTRL:
    case KBD_KEY_KP_SLASH:
    case KBD_KEY_PRINT_SCREEN:
    case KBD_KEY_RALT:
    case KBD_KEY_BREAK:
    case KBD_KEY_HOME:
    case KBD_KEY_UP:
    case KBD_KEY_PAGE_UP:
    case KBD_KEY_LEFT:
    case KBD_KEY_RIGHT:
    case KBD_KEY_END:
    case KBD_KEY_DOWN:
    case KBD_KEY_PAGE_DOWN:
    case KBD_KEY_INSERT:
    case KBD_KEY_DELETE:
    case KBD_KEY_LGUI:
    case KBD_KEY_RGUI:
    case KBD_KEY_MENU:
        return true;
    }
    return false;
}

/* The modifier bit a key holds down, or 0. */
static uint8_t
modifier(uint16_t key)
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
    }
    return 0;
}

/* What a key press types given the modifiers, or 0. */
static char
ascii(uint16_t key, uint8_t mods)
{
    if (key == KBD_KEY_KP_ENTER) {
        return '\n';
    }
    if (key == KBD_KEY_KP_SLASH) {
        return '/';
    }
    if (key > LAST_PLAIN) {
        return 0;
    }
    if (key >= KBD_KEY_KP_7 && key <= KBD_KEY_KP_DOT && key != KBD_KEY_KP_MINUS &&
        key != KBD_KEY_KP_PLUS && !(mods & KBD_MOD_NUM)) {
        return 0; /* Home, arrows, ... on the keypad */
    }
    char c = plain[key];
    if (c >= 'a' && c <= 'z') {
        if (mods & KBD_MOD_CTRL) {
            return (char)(c & 0x1F); /* Ctrl+C is 3 */
        }
        bool upper = !(mods & KBD_MOD_SHIFT) != !(mods & KBD_MOD_CAPS);
        return upper ? shifted[key] : c;
    }
    if ((mods & KBD_MOD_SHIFT) && key < sizeof shifted) {
        return shifted[key];
    }
    return c;
}

/* Toggle lock bit on the first make of its key; *held tracks repeats. */
static void
toggle_lock(struct kbd_decoder *d, uint8_t bit, bool *held, bool pressed)
{
    if (pressed && !*held) {
        d->mods ^= bit;
    }
    *held = pressed;
}

bool
kbd_decode(struct kbd_decoder *d, uint8_t scancode, struct kbd_event *out)
{
    if (d->pause_left) {
        if (--d->pause_left == 0) {
            *out = (struct kbd_event){KBD_KEY_PAUSE, 0, d->mods, true};
            return true;
        }
        return false;
    }
    switch (scancode) {
    case 0xE1:
        d->pause_left = PAUSE_TAIL;
        d->extended = false;
        return false;
    case 0xE0:
        d->extended = true;
        return false;
    case 0x00: /* buffer overrun */
    case 0xEE: /* echo */
    case 0xFA: /* ack */
    case 0xFE: /* resend */
    case 0xFF: /* error */
        d->extended = false;
        return false;
    }
    bool pressed = !(scancode & BREAK_BIT);
    uint16_t key = scancode & ~BREAK_BIT;
    if (d->extended) {
        d->extended = false;
        key |= 0xE000;
        if (key == 0xE02A || key == 0xE036) {
            return false; /* fake shifts around extended keys */
        }
    }
    if (!known(key)) {
        return false;
    }
    uint8_t bit = modifier(key);
    if (bit) {
        d->mods = pressed ? d->mods | bit : d->mods & ~bit;
    } else if (key == KBD_KEY_CAPS_LOCK) {
        toggle_lock(d, KBD_MOD_CAPS, &d->caps_held, pressed);
    } else if (key == KBD_KEY_NUM_LOCK) {
        toggle_lock(d, KBD_MOD_NUM, &d->num_held, pressed);
    }
    *out = (struct kbd_event){key, pressed ? ascii(key, d->mods) : 0, d->mods, pressed};
    return true;
}
