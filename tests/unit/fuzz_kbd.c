/* A libFuzzer target over the scancode decoder: the input is a stream of
 * bytes from port 0x60, any bytes at all. Each byte is checked against
 * what the chart (kbd_chart.h) and kbd_decode.h say it makes: a key's make
 * or break code (after 0xE0 if the byte before was 0xE0) makes that key's
 * event, a keypad key's as Num Lock says, but for a break of Pause or of
 * a modifier that is not held; the last byte of E1 1D 45 E1 9D C5 makes a
 * Pause press; anything else makes nothing. An event's modifier bits may
 * change only by its own key's: a press sets a modifier's, a release
 * clears it, a lock (Caps, Num, Scroll: toggles) may flip on a press only.
 * A press types what the chart says under Shift, or with letters, Shift
 * xor Caps Lock, and Ctrl+letter 1 to 26; a release types nothing.
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
#include "kbd_chart.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define HELD     (KBD_MOD_SHIFT | KBD_MOD_CTRL | KBD_MOD_ALT | KBD_MOD_GUI)
#define ALL_MODS (HELD | KBD_MOD_LOCKS)

static const uint8_t pause_seq[] = {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5};

/* Report a failed check on stderr, with the byte and the event (if one),
 * and abort. */
__attribute__((noreturn, format(printf, 3, 4))) static void
fail(uint8_t byte, const struct kbd_event *ev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_kbd: check failed at byte 0x%02x: ", byte);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (ev) {
        fprintf(stderr, " (event: key %u %s, mods 0x%03x, ascii %d)", ev->key,
                ev->pressed ? "pressed" : "released", ev->mods, ev->ascii);
    }
    fputc('\n', stderr);
    abort();
}

/* What an event should be: its key (KBD_KEY_NONE: no event), and what a
 * press types. */
struct expected {
    uint16_t key;
    bool pressed;
    char ascii;
};

/* The chart's row of make code code (after 0xE0 if e0), or NULL: from an
 * index of the chart made at the first call. */
static const struct chart_key *
chart_row(bool e0, uint8_t code)
{
    static const struct chart_key *rows[2][128];
    static bool indexed;
    if (!indexed) {
        for (size_t i = 0; i < CHART_KEYS; i++) {
            rows[chart[i].e0][chart[i].code & 0x7F] = &chart[i];
        }
        indexed = true;
    }
    return rows[e0][code & 0x7F];
}

/* The key that make or break code code (after 0xE0 if e0) names with the
 * modifiers mods, and what its press types; key KBD_KEY_NONE for none. */
static struct expected
expect_code(bool e0, uint8_t code, uint16_t mods)
{
    struct expected x = {KBD_KEY_NONE, !(code & 0x80), 0};
    code &= 0x7F;
    if (!e0 && code == 0x54) {
        x.key = KBD_KEY_PRINT_SCREEN; /* Alt+SysRq */
        return x;
    }
    if (e0 && code == 0x46) {
        x.key = KBD_KEY_PAUSE; /* Ctrl+Break */
        return x;
    }
    const struct chart_key *k = chart_row(e0, code);
    if (k) {
        x.key = k->key;
        bool shift = mods & KBD_MOD_SHIFT;
        if (k->plain >= 'a' && k->plain <= 'z') {
            shift = shift != ((mods & KBD_MOD_CAPS) != 0);
        }
        x.ascii = shift ? k->shift : k->plain;
        if (k->plain >= 'a' && k->plain <= 'z' && (mods & KBD_MOD_CTRL)) {
            x.ascii = (char)(k->plain - 'a' + 1);
        }
        for (size_t j = 0; j < KEYPAD_OFF_KEYS && !e0 && !(mods & KBD_MOD_NUM); j++) {
            if (keypad_off[j].code == code) {
                x.key = keypad_off[j].key;
                x.ascii = 0;
            }
        }
    }
    if (!x.pressed) {
        x.ascii = 0;
    }
    return x;
}

/* The decoder, and what the fuzzer knows from the bytes and events so far:
 * the modifiers the last event reported, whether the last byte was 0xE0,
 * how many bytes of Pause's sequence the last ones were. */
struct state {
    struct kbd_decoder d;
    uint16_t mods;
    bool e0;
    size_t pause_pos;
};

/* What byte should make, by the rules at the top, moving s's prefix and
 * Pause state on. */
static struct expected
expect_byte(struct state *s, uint8_t byte)
{
    struct expected none = {KBD_KEY_NONE, false, 0};
    if (s->pause_pos > 0 && byte == pause_seq[s->pause_pos]) {
        if (++s->pause_pos < COUNT(pause_seq)) {
            return none;
        }
        s->pause_pos = 0;
        return (struct expected){KBD_KEY_PAUSE, true, 0};
    }
    s->pause_pos = byte == 0xE1; /* else not Pause after all: afresh */
    bool e0 = s->e0;
    s->e0 = byte == 0xE0;
    if (byte == 0xE0 || byte == 0xE1) {
        return none;
    }
    struct expected x = expect_code(e0, byte, s->mods);
    uint16_t bit = chart_mod_bit(x.key);
    if (!x.pressed && (x.key == KBD_KEY_PAUSE || (bit & HELD && !(s->mods & bit)))) {
        return none; /* Pause has no release; a stray break of a modifier */
    }
    return x;
}

/* Check ev, made by byte, against x and against the modifiers s->mods
 * reported before it, then take its mods as the new ones. */
static void
check_event(struct state *s, uint8_t byte, const struct kbd_event *ev,
            const struct expected *x)
{
    if (ev->key != x->key || ev->pressed != x->pressed) {
        fail(byte, ev, "expected key %u %s", x->key, x->pressed ? "pressed" : "released");
    }
    if (ev->ascii != x->ascii) {
        fail(byte, ev, "expected ascii %d", x->ascii);
    }
    if (ev->mods & ~ALL_MODS) {
        fail(byte, ev, "mods has bits no modifier has");
    }
    uint16_t bit = chart_mod_bit(ev->key), changed = ev->mods ^ s->mods;
    if (changed & ~bit) {
        fail(byte, ev, "mods changed by 0x%03x, not (only) by this key's bit", changed);
    }
    if (bit & HELD && (ev->pressed ? !(ev->mods & bit) : (ev->mods & bit))) {
        fail(byte, ev, "a modifier's own event does not show it %s",
             ev->pressed ? "held" : "released");
    }
    if (bit & KBD_MOD_LOCKS && !ev->pressed && changed) {
        fail(byte, ev, "a lock's release flipped it");
    }
    s->mods = ev->mods;
}

/* Feed one byte and check what it made; returns whether it made an
 * event, in *ev. */
static bool
feed(struct state *s, uint8_t byte, struct kbd_event *ev)
{
    struct expected x = expect_byte(s, byte);
    bool made = kbd_decode(&s->d, byte, ev);
    if (made && x.key == KBD_KEY_NONE) {
        fail(byte, ev, "an event where none is due");
    }
    if (!made && x.key != KBD_KEY_NONE) {
        fail(byte, NULL, "no event where key %u's is due", x.key);
    }
    if (made) {
        check_event(s, byte, ev, &x);
    }
    return made;
}

/* Press and release the key of make code code (no prefix); returns the
 * press's event. */
static struct kbd_event
tap(struct state *s, uint8_t code)
{
    struct kbd_event press, release;
    feed(s, code, &press); /* feed fails unless it makes the event due */
    feed(s, code | 0x80, &release);
    return press;
}

/* libFuzzer's entry: decode data, then every key's release, checking each
 * byte and what is left held; returns 0, or aborts on a failed check. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct state s = {.mods = 0};
    struct kbd_event ev;
    kbd_decoder_init(&s.d);
    for (size_t i = 0; i < size; i++) {
        feed(&s, data[i], &ev);
    }
    feed(&s, 0x81, &ev); /* Esc, first */
    for (size_t i = 0; i < CHART_KEYS; i++) {
        if (chart[i].e0) {
            feed(&s, 0xE0, &ev);
        }
        feed(&s, chart[i].code | 0x80, &ev);
    }
    ev = tap(&s, 0x1E); /* A */
    if (ev.mods & HELD) {
        fail(0x1E, &ev, "a modifier still held after every key's release");
    }
    static const uint8_t locks[] = {0x3A, 0x45, 0x46}; /* Caps, Num, Scroll */
    for (size_t i = 0; i < COUNT(locks); i++) {
        uint16_t before = s.mods;
        ev = tap(&s, locks[i]);
        if (ev.mods == before) {
            fail(locks[i], &ev,
                 "a lock held after every key's release: its press "
                 "flips nothing");
        }
    }
    return 0;
}
