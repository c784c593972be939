/* A libFuzzer target over the scancode decoder: the input is a stream of
 * bytes from port 0x60, any bytes at all. Every event must be a real key,
 * no release may type, and the modifier bits may change only in the event
 * of the modifier's own key: a press sets its bit, a release clears it
 * (Caps, Num and Scroll Lock are toggles: only a press may flip theirs).
 * A letter types as Ctrl, Shift and Caps Lock in the event's mods say.
 *
 * After the stream, the break code of every key (Esc's first: it is no
 * modifier, so a prefix the stream left half sent cannot swallow a
 * modifier's break) must leave no Shift, Ctrl, Alt or Windows key held:
 * 'a' pressed then types 'a' or 'A' as Caps Lock says, with only lock bits
 * in its mods. The locks may stay on (they are toggles, and a release does
 * not turn one off), but none may be stuck as held down: pressing each
 * must still flip it. A failed check aborts, which libFuzzer reports as a
 * crash. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "irq/kbd_decode.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The make codes of every key but Pause (which has no break), as scancode
 * set 1 charts list them: first those without a prefix, then those after
 * 0xE0. Written out here, not taken from the decoder's tables. */
static const uint8_t plain_codes[] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D,
    0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A,
    0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
    0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34,
    0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41,
    0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E,
    0x4F, 0x50, 0x51, 0x52, 0x53, 0x54, 0x57, 0x58,
};
static const uint8_t e0_codes[] = {
    0x1C, 0x1D, 0x35, 0x37, 0x38, 0x47, 0x48, 0x49, 0x4B,
    0x4D, 0x4F, 0x50, 0x51, 0x52, 0x53, 0x5B, 0x5C, 0x5D,
};

#define HELD     (KBD_MOD_SHIFT | KBD_MOD_CTRL | KBD_MOD_ALT | KBD_MOD_GUI)
#define ALL_MODS (HELD | KBD_MOD_LOCKS)

/* Report a failed check on stderr, with the event, and abort. */
__attribute__((noreturn, format(printf, 2, 3))) static void
fail(const struct kbd_event *ev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz_kbd: check failed: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (event: key %u %s, mods 0x%03x, ascii %d)\n", ev->key,
            ev->pressed ? "pressed" : "released", ev->mods, ev->ascii);
    abort();
}

/* The KBD_MOD_* bit that key holds or toggles, or 0: by the header's
 * names, not by the decoder's code. */
static uint16_t
bit_of(uint16_t key)
{
    static const struct {
        uint16_t key, bit;
    } bits[] = {
        {KBD_KEY_LSHIFT, KBD_MOD_LSHIFT},      {KBD_KEY_RSHIFT, KBD_MOD_RSHIFT},
        {KBD_KEY_LCTRL, KBD_MOD_LCTRL},        {KBD_KEY_RCTRL, KBD_MOD_RCTRL},
        {KBD_KEY_LALT, KBD_MOD_LALT},          {KBD_KEY_RALT, KBD_MOD_RALT},
        {KBD_KEY_LGUI, KBD_MOD_LGUI},          {KBD_KEY_RGUI, KBD_MOD_RGUI},
        {KBD_KEY_CAPS_LOCK, KBD_MOD_CAPS},     {KBD_KEY_NUM_LOCK, KBD_MOD_NUM},
        {KBD_KEY_SCROLL_LOCK, KBD_MOD_SCROLL},
    };
    for (size_t i = 0; i < COUNT(bits); i++) {
        if (bits[i].key == key) {
            return bits[i].bit;
        }
    }
    return 0;
}

/* The decoder, and the modifiers as the last event reported them. */
struct state {
    struct kbd_decoder d;
    uint16_t mods;
};

/* Check ev against the modifiers s->mods reported before it, then take its
 * mods as the new ones. */
static void
check_event(struct state *s, const struct kbd_event *ev)
{
    if (ev->key == KBD_KEY_NONE || ev->key >= KBD_KEY_COUNT) {
        fail(ev, "no such key");
    }
    if (!ev->pressed && (ev->ascii || ev->key == KBD_KEY_PAUSE)) {
        fail(ev, "a release that types, or of Pause");
    }
    if (ev->mods & ~ALL_MODS) {
        fail(ev, "mods has bits no modifier has");
    }
    uint16_t bit = bit_of(ev->key), changed = ev->mods ^ s->mods;
    if (changed & ~bit) {
        fail(ev, "mods changed by 0x%03x, not (only) by this key's bit", changed);
    }
    if (bit & HELD && (ev->pressed ? !(ev->mods & bit) : (ev->mods & bit))) {
        fail(ev, "a modifier's own event does not show it %s",
             ev->pressed ? "held" : "released");
    }
    if (bit & KBD_MOD_LOCKS && !ev->pressed && changed) {
        fail(ev, "a lock's release flipped it");
    }
    if (ev->pressed && ev->key >= KBD_KEY_A && ev->key <= KBD_KEY_Z) {
        int i = ev->key - KBD_KEY_A;
        bool upper = !(ev->mods & KBD_MOD_SHIFT) != !(ev->mods & KBD_MOD_CAPS);
        char want = (ev->mods & KBD_MOD_CTRL) ? (char)(i + 1)
                    : upper                   ? (char)('A' + i)
                                              : (char)('a' + i);
        if (ev->ascii != want) {
            fail(ev, "the letter should type %d", want);
        }
    }
    s->mods = ev->mods;
}

/* Feed one byte; returns whether it made an event, and checks it. */
static bool
feed(struct state *s, uint8_t byte, struct kbd_event *ev)
{
    if (!kbd_decode(&s->d, byte, ev)) {
        return false;
    }
    check_event(s, ev);
    return true;
}

/* Press and release the key of make code code (no prefix) and return the
 * press's event; fails if the press makes none. */
static struct kbd_event
tap(struct state *s, uint8_t code)
{
    struct kbd_event press, release;
    if (!feed(s, code, &press)) {
        press = (struct kbd_event){.mods = s->mods};
        fail(&press, "make code 0x%02x made no event", code);
    }
    feed(s, code | 0x80, &release);
    return press;
}

/* libFuzzer's entry: decode data, then every key's release, checking each
 * event and what is left held; returns 0, or aborts on a failed check. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct state s = {.mods = 0};
    struct kbd_event ev;
    kbd_decoder_init(&s.d);
    for (size_t i = 0; i < size; i++) {
        feed(&s, data[i], &ev);
    }
    for (size_t i = 0; i < COUNT(plain_codes); i++) {
        feed(&s, plain_codes[i] | 0x80, &ev);
    }
    for (size_t i = 0; i < COUNT(e0_codes); i++) {
        feed(&s, 0xE0, &ev);
        feed(&s, e0_codes[i] | 0x80, &ev);
    }
    ev = tap(&s, 0x1E); /* A */
    if (ev.mods & HELD) {
        fail(&ev, "a modifier still held after every key's release");
    }
    static const uint8_t locks[] = {0x3A, 0x45, 0x46}; /* Caps, Num, Scroll */
    for (size_t i = 0; i < COUNT(locks); i++) {
        uint16_t before = s.mods;
        ev = tap(&s, locks[i]);
        if (ev.mods == before) {
            fail(&ev, "a lock held after every key's release: its press flips nothing");
        }
    }
    return 0;
}
