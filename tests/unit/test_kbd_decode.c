/* The scancode set 1 decoder on the host. The expectations are the chart
 * in kbd_chart.h, written out by hand from the scancode set 1 tables
 * (Brouwer's "Keyboard scancodes", OSDev's PS/2 Keyboard page) row by row
 * as the keys sit on a US 104-key keyboard, not taken from the decoder's
 * tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "irq/kbd_decode.h"
#include "kbd_chart.h"

static struct kbd_decoder d;

static int
setup(void **state)
{
    (void)state;
    kbd_decoder_init(&d);
    return 0;
}

static uint32_t
xorshift32(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Feed n bytes; returns how many events they made, the last one in *ev. */
static int
feed(const uint8_t *bytes, size_t n, struct kbd_event *ev)
{
    int events = 0;
    for (size_t i = 0; i < n; i++) {
        events += kbd_decode(&d, bytes[i], ev);
    }
    return events;
}
#define FEED(ev, ...)                                                                    \
    feed((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}), ev)

static const struct chart_key *
chart_find(uint16_t key)
{
    for (size_t i = 0; i < CHART_KEYS; i++) {
        if (chart[i].key == key) {
            return &chart[i];
        }
    }
    fail_msg("key %u is not in the chart", key);
    return NULL;
}

static bool
is_modifier(uint16_t key)
{
    return key == KBD_KEY_LSHIFT || key == KBD_KEY_RSHIFT || key == KBD_KEY_LCTRL ||
           key == KBD_KEY_RCTRL || key == KBD_KEY_LALT || key == KBD_KEY_RALT ||
           key == KBD_KEY_LGUI || key == KBD_KEY_RGUI;
}

static bool
is_lock(uint16_t key)
{
    return key == KBD_KEY_CAPS_LOCK || key == KBD_KEY_NUM_LOCK ||
           key == KBD_KEY_SCROLL_LOCK;
}

/* True for the keypad keys whose meaning Num Lock switches. */
static bool
on_keypad(const struct chart_key *k)
{
    for (size_t i = 0; i < KEYPAD_OFF_KEYS; i++) {
        if (!k->e0 && keypad_off[i].code == k->code) {
            return true;
        }
    }
    return false;
}

/* Keypad 8 is the Up arrow: Num Lock is off. */
static void
assert_num_lock_off(void)
{
    struct kbd_event ev;
    assert_int_equal(kbd_decode(&d, 0x48, &ev), 1);
    assert_int_equal(ev.key, KBD_KEY_UP);
    assert_int_equal(ev.ascii, 0);
    assert_int_equal(kbd_decode(&d, 0xC8, &ev), 1);
}

/* Send k's make or break code; expect exactly one event and return it. */
static struct kbd_event
send(const struct chart_key *k, bool pressed)
{
    struct kbd_event ev = {0};
    uint8_t code = pressed ? k->code : k->code | 0x80;
    int events = k->e0 ? FEED(&ev, 0xE0, code) : FEED(&ev, code);
    assert_int_equal(events, 1);
    assert_int_equal(ev.pressed, pressed);
    if (!pressed) {
        assert_int_equal(ev.ascii, 0);
    }
    return ev;
}

static struct kbd_event
press(uint16_t key)
{
    struct kbd_event ev = send(chart_find(key), true);
    assert_int_equal(ev.key, key);
    return ev;
}

static struct kbd_event
release(uint16_t key)
{
    struct kbd_event ev = send(chart_find(key), false);
    assert_int_equal(ev.key, key);
    return ev;
}

/* Press and release key; returns what the press typed. */
static char
tap(uint16_t key)
{
    char c = press(key).ascii;
    release(key);
    return c;
}

static void
test_chart_is_the_104_keys(void **state)
{
    (void)state;
    bool seen[KBD_KEY_COUNT] = {false};
    seen[KBD_KEY_PAUSE] = true;
    for (size_t i = 0; i < CHART_KEYS; i++) {
        assert_in_range(chart[i].key, KBD_KEY_NONE + 1, KBD_KEY_COUNT - 1);
        assert_false(seen[chart[i].key]);
        seen[chart[i].key] = true;
    }
    assert_int_equal(CHART_KEYS + 1, 104);
    assert_int_equal(KBD_KEY_COUNT - 1, 104);
}

/* Every key's make and break, unshifted; Num Lock on for the keypad. */
static void
test_every_key(void **state)
{
    (void)state;
    tap(KBD_KEY_NUM_LOCK);
    for (size_t i = 0; i < CHART_KEYS; i++) {
        const struct chart_key *k = &chart[i];
        for (int times = is_lock(k->key) ? 2 : 1; times > 0; times--) {
            struct kbd_event ev = send(k, true);
            assert_int_equal(ev.key, k->key);
            assert_int_equal(ev.ascii, k->plain);
            ev = send(k, false);
            assert_int_equal(ev.key, k->key);
        }
    }
    assert_int_equal(tap(KBD_KEY_A), 'a'); /* no lock left toggled */
}

/* Every key that types, with the left and then the right Shift held. */
static void
test_every_key_shifted(void **state)
{
    (void)state;
    tap(KBD_KEY_NUM_LOCK);
    const uint16_t shifts[] = {KBD_KEY_LSHIFT, KBD_KEY_RSHIFT};
    for (int s = 0; s < 2; s++) {
        press(shifts[s]);
        for (size_t i = 0; i < CHART_KEYS; i++) {
            const struct chart_key *k = &chart[i];
            if (is_modifier(k->key) || is_lock(k->key)) {
                continue;
            }
            struct kbd_event ev = send(k, true);
            assert_int_equal(ev.key, k->key);
            assert_int_equal(ev.ascii, k->shift);
            assert_true(ev.mods & (s == 0 ? KBD_MOD_LSHIFT : KBD_MOD_RSHIFT));
            send(k, false);
        }
        release(shifts[s]);
        assert_int_equal(tap(KBD_KEY_1), '1');
    }
    /* Both held: releasing one leaves the other in force. */
    press(KBD_KEY_LSHIFT);
    press(KBD_KEY_RSHIFT);
    release(KBD_KEY_LSHIFT);
    assert_int_equal(tap(KBD_KEY_SLASH), '?');
    release(KBD_KEY_RSHIFT);
    assert_int_equal(tap(KBD_KEY_SLASH), '/');
}

/* Caps Lock upper-cases letters only, Shift undoes it on letters only, and
 * it toggles on a first make: not on repeats, not on the break. */
static void
test_caps_lock(void **state)
{
    (void)state;
    struct kbd_event ev = press(KBD_KEY_CAPS_LOCK);
    assert_int_equal(ev.mods, KBD_MOD_CAPS);
    assert_int_equal(ev.ascii, 0);
    for (int repeat = 0; repeat < 3; repeat++) {
        assert_int_equal(press(KBD_KEY_CAPS_LOCK).mods, KBD_MOD_CAPS);
    }
    assert_int_equal(release(KBD_KEY_CAPS_LOCK).mods, KBD_MOD_CAPS);
    for (size_t i = 0; i < CHART_KEYS; i++) {
        const struct chart_key *k = &chart[i];
        if (is_modifier(k->key) || is_lock(k->key) || on_keypad(k)) {
            continue;
        }
        bool letter = k->key >= KBD_KEY_A && k->key <= KBD_KEY_Z;
        ev = send(k, true);
        assert_int_equal(ev.ascii, letter ? k->shift : k->plain);
        assert_true(ev.mods & KBD_MOD_CAPS);
        send(k, false);
    }
    const uint16_t shifts[] = {KBD_KEY_LSHIFT, KBD_KEY_RSHIFT};
    for (int s = 0; s < 2; s++) {
        press(shifts[s]);
        assert_int_equal(tap(KBD_KEY_Q), 'q');
        assert_int_equal(tap(KBD_KEY_M), 'm');
        assert_int_equal(tap(KBD_KEY_4), '$');
        assert_int_equal(tap(KBD_KEY_COMMA), '<');
        release(shifts[s]);
    }
    assert_int_equal(tap(KBD_KEY_Q), 'Q');
    press(KBD_KEY_CAPS_LOCK);
    assert_int_equal(press(KBD_KEY_CAPS_LOCK).mods, 0); /* repeat: still off */
    release(KBD_KEY_CAPS_LOCK);
    assert_int_equal(tap(KBD_KEY_Q), 'q');
}

/* Ctrl (either) + letter types the control character, whatever Shift and
 * Caps Lock say; the release types nothing. */
static void
test_ctrl_letters(void **state)
{
    (void)state;
    const uint16_t ctrls[] = {KBD_KEY_LCTRL, KBD_KEY_RCTRL};
    const uint16_t bits[] = {KBD_MOD_LCTRL, KBD_MOD_RCTRL};
    for (int c = 0; c < 2; c++) {
        assert_int_equal(press(ctrls[c]).mods, bits[c]);
        for (uint16_t key = KBD_KEY_A; key <= KBD_KEY_Z; key++) {
            char upper = chart_find(key)->shift;
            assert_int_equal(tap(key), upper - 'A' + 1);
        }
        assert_int_equal(tap(KBD_KEY_C), 3);
        press(KBD_KEY_LSHIFT);
        assert_int_equal(tap(KBD_KEY_Z), 26);
        release(KBD_KEY_LSHIFT);
        tap(KBD_KEY_CAPS_LOCK);
        assert_int_equal(tap(KBD_KEY_A), 1);
        tap(KBD_KEY_CAPS_LOCK);
        assert_int_equal(tap(KBD_KEY_5), '5'); /* not a letter: as typed */
        assert_int_equal(release(ctrls[c]).mods, 0);
        assert_int_equal(tap(KBD_KEY_C), 'c');
    }
}

/* Each modifier sets its own bit while held and its break clears it; Alt
 * and the Windows keys leave what keys type alone. */
static void
test_modifier_bits(void **state)
{
    (void)state;
    static const struct {
        uint16_t key, bit;
    } mods[] = {
        {KBD_KEY_LSHIFT, KBD_MOD_LSHIFT}, {KBD_KEY_RSHIFT, KBD_MOD_RSHIFT},
        {KBD_KEY_LCTRL, KBD_MOD_LCTRL},   {KBD_KEY_RCTRL, KBD_MOD_RCTRL},
        {KBD_KEY_LALT, KBD_MOD_LALT},     {KBD_KEY_RALT, KBD_MOD_RALT},
        {KBD_KEY_LGUI, KBD_MOD_LGUI},     {KBD_KEY_RGUI, KBD_MOD_RGUI},
    };
    uint16_t held = 0;
    for (size_t i = 0; i < 8; i++) {
        held |= mods[i].bit;
        struct kbd_event ev = press(mods[i].key);
        assert_int_equal(ev.mods, held);
        assert_int_equal(ev.ascii, 0);
    }
    for (size_t i = 0; i < 8; i++) {
        held &= ~mods[i].bit;
        assert_int_equal(release(mods[i].key).mods, held);
    }
    const uint16_t alts[] = {KBD_KEY_LALT, KBD_KEY_RALT, KBD_KEY_LGUI, KBD_KEY_RGUI};
    for (int a = 0; a < 4; a++) {
        press(alts[a]);
        assert_int_equal(tap(KBD_KEY_X), 'x');
        assert_int_equal(tap(KBD_KEY_9), '9');
        release(alts[a]);
    }
    assert_int_equal(tap(KBD_KEY_MENU), 0);
    assert_int_equal(press(KBD_KEY_MENU).mods, 0); /* Menu is no modifier */
}

/* The 0xE0 keys, make and break, against the same codes unprefixed. */
static void
test_extended_keys(void **state)
{
    (void)state;
    int extended = 0;
    for (size_t i = 0; i < CHART_KEYS; i++) {
        const struct chart_key *k = &chart[i];
        if (!k->e0) {
            continue;
        }
        extended++;
        struct kbd_event ev = send(k, true);
        assert_int_equal(ev.key, k->key);
        assert_int_equal(ev.ascii, k->plain);
        ev = send(k, false);
        assert_int_equal(ev.key, k->key);
        assert_int_equal(ev.mods, 0);
    }
    assert_int_equal(extended, 18);
    struct kbd_event ev;
    assert_int_equal(FEED(&ev, 0x1C, 0x9C, 0xE0, 0x1C), 3); /* Enter, then KP Enter */
    assert_int_equal(ev.key, KBD_KEY_KP_ENTER);
    assert_int_equal(FEED(&ev, 0xE0, 0x9C, 0x35), 2); /* then / on the main block */
    assert_int_equal(ev.key, KBD_KEY_SLASH);
}

/* A held key repeats its make: one press event each, then one release. */
static void
test_typematic_repeat(void **state)
{
    (void)state;
    struct kbd_event ev;
    for (int i = 0; i < 10; i++) {
        assert_int_equal(FEED(&ev, 0x1F), 1);
        assert_int_equal(ev.key, KBD_KEY_S);
        assert_true(ev.pressed);
        assert_int_equal(ev.ascii, 's');
    }
    assert_int_equal(FEED(&ev, 0x9F), 1);
    assert_false(ev.pressed);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(FEED(&ev, 0xE0, 0x4B), 1);
        assert_int_equal(ev.key, KBD_KEY_LEFT);
    }
    for (int i = 0; i < 5; i++) {
        press(KBD_KEY_LSHIFT); /* a held Shift repeats too */
    }
    assert_int_equal(tap(KBD_KEY_W), 'W');
    release(KBD_KEY_LSHIFT);
    assert_int_equal(tap(KBD_KEY_W), 'w');
}

/* Num Lock is off at first: the keypad is Home, arrows, ... and types
 * nothing but its operators; on, it types digits. */
static void
test_num_lock_and_keypad(void **state)
{
    (void)state;
    struct kbd_event ev;
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < KEYPAD_OFF_KEYS; i++) {
            assert_int_equal(FEED(&ev, keypad_off[i].code), 1);
            assert_int_equal(ev.key, keypad_off[i].key);
            assert_int_equal(ev.ascii, 0);
            assert_int_equal(FEED(&ev, keypad_off[i].code | 0x80), 1);
            assert_int_equal(ev.key, keypad_off[i].key);
            assert_false(ev.pressed);
        }
        assert_int_equal(tap(KBD_KEY_KP_STAR), '*');
        assert_int_equal(tap(KBD_KEY_KP_MINUS), '-');
        assert_int_equal(tap(KBD_KEY_KP_PLUS), '+');
        assert_int_equal(tap(KBD_KEY_KP_SLASH), '/');
        assert_int_equal(tap(KBD_KEY_KP_ENTER), '\n');
        assert_int_equal(press(KBD_KEY_NUM_LOCK).mods, KBD_MOD_NUM);
        press(KBD_KEY_NUM_LOCK); /* a repeat does not toggle back */
        assert_int_equal(release(KBD_KEY_NUM_LOCK).mods, KBD_MOD_NUM);
        const char *digits = "789-456+1230.";
        for (int i = 0; digits[i]; i++) {
            assert_int_equal(FEED(&ev, (uint8_t)(0x47 + i)), 1);
            assert_int_equal(ev.ascii, digits[i]);
            assert_int_equal(FEED(&ev, (uint8_t)(0xC7 + i)), 1);
        }
        assert_int_equal(tap(KBD_KEY_KP_7), '7');
        assert_int_equal(tap(KBD_KEY_HOME), 0); /* the grey keys never type */
        assert_int_equal(press(KBD_KEY_NUM_LOCK).mods, 0);
        release(KBD_KEY_NUM_LOCK);
    }
    tap(KBD_KEY_SCROLL_LOCK);
    assert_int_equal(tap(KBD_KEY_A), 'a');
    assert_int_equal(press(KBD_KEY_A).mods, KBD_MOD_SCROLL);
}

/* E1 1D 45 E1 9D C5 is one Pause press: its 1D and 45 neither hold Ctrl
 * nor toggle Num Lock. With Ctrl held the key sends E0 46 E0 C6 instead. */
static void
test_pause(void **state)
{
    (void)state;
    const uint8_t pause[] = {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5};
    struct kbd_event ev;
    for (size_t i = 0; i + 1 < sizeof pause; i++) {
        assert_false(kbd_decode(&d, pause[i], &ev));
    }
    assert_true(kbd_decode(&d, pause[5], &ev));
    assert_int_equal(ev.key, KBD_KEY_PAUSE);
    assert_true(ev.pressed);
    assert_int_equal(ev.ascii, 0);
    assert_int_equal(ev.mods, 0);
    assert_int_equal(tap(KBD_KEY_A), 'a');
    assert_num_lock_off();
    assert_int_equal(feed(pause, sizeof pause, &ev), 1);
    assert_int_equal(feed(pause, sizeof pause, &ev), 1);
    assert_int_equal(ev.key, KBD_KEY_PAUSE);

    press(KBD_KEY_LCTRL);
    assert_int_equal(FEED(&ev, 0xE0, 0x46, 0xE0, 0xC6), 1);
    assert_int_equal(ev.key, KBD_KEY_PAUSE);
    assert_true(ev.pressed);
    assert_int_equal(ev.mods, KBD_MOD_LCTRL);
    release(KBD_KEY_LCTRL);
    assert_int_equal(feed(pause, sizeof pause, &ev), 1);
    assert_int_equal(ev.mods, 0); /* its 9D did not release a Ctrl either */

    /* A sequence cut short: the byte that breaks it is decoded as usual. */
    assert_int_equal(FEED(&ev, 0xE1, 0x1D, 0x1E), 1);
    assert_int_equal(ev.key, KBD_KEY_A);
    assert_int_equal(FEED(&ev, 0xE1, 0x1D, 0x45, 0xE0, 0x48), 1);
    assert_int_equal(ev.key, KBD_KEY_UP);
    assert_int_equal(tap(KBD_KEY_B), 'b');
}

/* Print Screen alone sends E0 2A E0 37 / E0 B7 E0 AA; with Shift or Ctrl
 * E0 37 / E0 B7, and with Alt 54 / D4. Each is one key. */
static void
test_print_screen(void **state)
{
    (void)state;
    struct kbd_event ev;
    assert_int_equal(FEED(&ev, 0xE0, 0x2A, 0xE0, 0x37), 1);
    assert_int_equal(ev.key, KBD_KEY_PRINT_SCREEN);
    assert_true(ev.pressed);
    assert_int_equal(ev.mods, 0);
    assert_int_equal(FEED(&ev, 0xE0, 0x37), 1); /* repeat */
    assert_int_equal(FEED(&ev, 0xE0, 0xB7, 0xE0, 0xAA), 1);
    assert_int_equal(ev.key, KBD_KEY_PRINT_SCREEN);
    assert_false(ev.pressed);
    assert_int_equal(tap(KBD_KEY_A), 'a');

    press(KBD_KEY_RSHIFT);
    assert_int_equal(FEED(&ev, 0xE0, 0x37, 0xE0, 0xB7), 2);
    assert_int_equal(ev.key, KBD_KEY_PRINT_SCREEN);
    assert_int_equal(ev.mods, KBD_MOD_RSHIFT);
    release(KBD_KEY_RSHIFT);

    press(KBD_KEY_LALT);
    assert_int_equal(FEED(&ev, 0x54), 1);
    assert_int_equal(ev.key, KBD_KEY_PRINT_SCREEN);
    assert_true(ev.pressed);
    assert_int_equal(FEED(&ev, 0xD4), 1);
    assert_false(ev.pressed);
    release(KBD_KEY_LALT);
    assert_int_equal(tap(KBD_KEY_A), 'a');
}

/* The fake shifts around the grey keys change nothing, whether Shift is
 * really held or not. */
static void
test_fake_shifts_ignored(void **state)
{
    (void)state;
    struct kbd_event ev;
    assert_int_equal(FEED(&ev, 0xE0, 0x2A, 0xE0, 0x52, 0xE0, 0xD2, 0xE0, 0xAA), 2);
    assert_int_equal(ev.key, KBD_KEY_INSERT);
    assert_int_equal(ev.mods, 0);
    assert_int_equal(FEED(&ev, 0xE0, 0x36, 0xE0, 0xB6, 0xE0, 0xAA, 0xE0, 0x2A), 0);
    assert_int_equal(tap(KBD_KEY_A), 'a');
    assert_int_equal(FEED(&ev, 0xE0, 0xAA), 0);
    assert_int_equal(tap(KBD_KEY_A), 'a');

    press(KBD_KEY_LSHIFT);
    assert_int_equal(FEED(&ev, 0xE0, 0xAA, 0xE0, 0x47, 0xE0, 0xC7, 0xE0, 0x2A), 2);
    assert_int_equal(ev.key, KBD_KEY_HOME);
    assert_int_equal(ev.mods, KBD_MOD_LSHIFT);
    assert_int_equal(tap(KBD_KEY_A), 'A');
    press(KBD_KEY_RSHIFT);
    assert_int_equal(FEED(&ev, 0xE0, 0xB6, 0xE0, 0xAA, 0xE0, 0x35), 1);
    assert_int_equal(ev.key, KBD_KEY_KP_SLASH);
    assert_int_equal(ev.ascii, '/');
    assert_int_equal(ev.mods, KBD_MOD_LSHIFT | KBD_MOD_RSHIFT);
    assert_int_equal(FEED(&ev, 0xE0, 0xB5, 0xE0, 0x36, 0xE0, 0x2A), 1);
    release(KBD_KEY_LSHIFT);
    release(KBD_KEY_RSHIFT);
    assert_int_equal(tap(KBD_KEY_A), 'a');
}

/* Controller replies make no event, before a key or after 0xE0. 0xAA (the
 * self-test reply) is also Left Shift's break: an event only when Left
 * Shift is down. */
static void
test_controller_bytes_ignored(void **state)
{
    (void)state;
    const uint8_t replies[] = {0x00, 0xFA, 0xFE, 0xAA, 0xEE, 0xFF};
    struct kbd_event ev;
    for (size_t i = 0; i < sizeof replies; i++) {
        assert_int_equal(FEED(&ev, replies[i]), 0);
        assert_int_equal(FEED(&ev, 0xE0, replies[i]), 0);
        assert_int_equal(tap(KBD_KEY_A), 'a');
    }
    press(KBD_KEY_LSHIFT);
    assert_int_equal(FEED(&ev, 0xFA, 0xFE), 0);
    assert_int_equal(tap(KBD_KEY_A), 'A');
    assert_int_equal(FEED(&ev, 0xAA), 1);
    assert_int_equal(ev.key, KBD_KEY_LSHIFT);
    assert_false(ev.pressed);
    assert_int_equal(ev.mods, 0);
    assert_int_equal(tap(KBD_KEY_A), 'a');
}

static bool
in_chart(bool e0, uint8_t code)
{
    for (size_t i = 0; i < CHART_KEYS; i++) {
        if (chart[i].e0 == e0 && chart[i].code == code) {
            return true;
        }
    }
    return false;
}

/* Every byte that is no key's make or break makes no event, alone or after
 * 0xE0, and leaves nothing pending. */
static void
test_unknown_codes(void **state)
{
    (void)state;
    struct kbd_event ev;
    int unknown = 0, unknown_e0 = 0;
    for (int b = 0; b < 256; b++) {
        uint8_t code = b & 0x7F;
        if (b == 0xE0 || b == 0xE1) {
            continue;
        }
        if (!in_chart(false, code) && code != 0x54) {
            assert_int_equal(FEED(&ev, (uint8_t)b), 0);
            assert_int_equal(tap(KBD_KEY_A), 'a');
            unknown++;
        }
        if (!in_chart(true, code) && code != 0x46) {
            assert_int_equal(FEED(&ev, 0xE0, (uint8_t)b), 0);
            assert_int_equal(tap(KBD_KEY_A), 'a');
            assert_num_lock_off();
            unknown_e0++;
        }
    }
    assert_int_equal(unknown, 254 - 2 * (85 + 1));    /* 85 keys, and Alt+SysRq */
    assert_int_equal(unknown_e0, 254 - 2 * (18 + 1)); /* 18 keys, and Ctrl+Break */
    assert_int_equal(tap(KBD_KEY_A), 'a');
}

/* True if key may come of the make or break code after prefix (E0 or not):
 * its chart row, a keypad key with Num Lock off, Alt+SysRq, Ctrl+Break. */
static bool
sends(uint16_t key, bool e0, uint8_t code)
{
    for (size_t i = 0; i < CHART_KEYS; i++) {
        if (chart[i].key == key && chart[i].e0 == e0 && chart[i].code == code) {
            return true;
        }
    }
    for (size_t i = 0; i < KEYPAD_OFF_KEYS; i++) {
        if (!e0 && keypad_off[i].key == key && keypad_off[i].code == code) {
            return true;
        }
    }
    return (key == KBD_KEY_PRINT_SCREEN && !e0 && code == 0x54) ||
           (key == KBD_KEY_PAUSE && e0 && code == 0x46);
}

/* A million arbitrary bytes: no crash; every event is a valid key, made by
 * a byte that is that key's code (after E0 if the byte before was E0) or
 * ends a Pause sequence. Then, once the modifiers' break codes are sent,
 * none is stuck and 'a' types as Caps Lock says. */
static void
test_random_bytes(void **state)
{
    (void)state;
    uint32_t x = 2463534242u;
    uint8_t prev = 0;
    struct kbd_event ev;
    int events = 0;
    for (int i = 0; i < 1000000; i++) {
        uint8_t b = (uint8_t)xorshift32(&x);
        if (kbd_decode(&d, b, &ev)) {
            events++;
            assert_in_range(ev.key, KBD_KEY_NONE + 1, KBD_KEY_COUNT - 1);
            if (ev.key == KBD_KEY_PAUSE && b == 0xC5) {
                assert_int_equal(prev, 0x9D);
                assert_true(ev.pressed);
            } else {
                assert_true(sends(ev.key, prev == 0xE0, b & 0x7F));
                assert_int_equal(ev.pressed, !(b & 0x80));
            }
            assert_true(ev.pressed || ev.ascii == 0);
            assert_true(ev.pressed || ev.key != KBD_KEY_PAUSE);
        }
        prev = b;
    }
    assert_in_range(events, 300000, 1000000);
    /* A controller reply ends any pending prefix; then every modifier's
     * break code. */
    assert_int_equal(FEED(&ev, 0xFA), 0);
    FEED(&ev, 0xAA, 0xB6, 0x9D, 0xE0, 0x9D, 0xB8, 0xE0, 0xB8, 0xE0, 0xDB, 0xE0, 0xDC);
    assert_int_equal(FEED(&ev, 0x1E), 1);
    assert_int_equal(ev.key, KBD_KEY_A);
    assert_int_equal(ev.mods & ~KBD_MOD_LOCKS, 0);
    assert_int_equal(ev.ascii, (ev.mods & KBD_MOD_CAPS) ? 'A' : 'a');
}

/* What pressing k types under mods, by the rules of the header. */
static char
model_ascii(const struct chart_key *k, uint16_t mods)
{
    bool shift = mods & KBD_MOD_SHIFT;
    if (k->plain >= 'a' && k->plain <= 'z') {
        if (mods & KBD_MOD_CTRL) {
            return (char)(k->plain - 'a' + 1);
        }
        if (mods & KBD_MOD_CAPS) {
            shift = !shift;
        }
    }
    return shift ? k->shift : k->plain;
}

/* 200,000 random presses and releases of random keys, with controller
 * replies and fake shifts between them and Pause now and then, against a
 * model of the modifiers and locks: one event each, as the model says. */
static void
test_random_keys_against_model(void **state)
{
    (void)state;
    uint32_t x = 88172645u;
    uint16_t mods = 0, locks_held = 0;
    static const uint8_t replies[] = {0x00, 0xFA, 0xFE, 0xEE, 0xFF};
    struct kbd_event ev;
    for (int i = 0; i < 200000; i++) {
        uint32_t r = xorshift32(&x);
        if (r % 5 == 0) {
            assert_int_equal(FEED(&ev, replies[(r >> 8) % 5]), 0);
        }
        if (r % 64 == 1) {
            int n = (mods & KBD_MOD_CTRL) ? FEED(&ev, 0xE0, 0x46, 0xE0, 0xC6)
                                          : FEED(&ev, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
            assert_int_equal(n, 1);
            assert_int_equal(ev.key, KBD_KEY_PAUSE);
            assert_int_equal(ev.mods, mods);
            continue;
        }
        const struct chart_key *k = &chart[(r >> 16) % CHART_KEYS];
        bool pressed = (r >> 12) & 1;
        if (k->e0 && (r >> 13) % 3 == 0) {
            assert_int_equal(FEED(&ev, 0xE0, (r >> 15) & 1 ? 0x2A : 0xAA), 0);
        }
        uint16_t bit = chart_mod_bit(k->key);
        bool expect_event = true;
        if (bit & KBD_MOD_LOCKS) {
            if (pressed && !(locks_held & bit)) {
                mods ^= bit;
            }
            locks_held = pressed ? locks_held | bit : locks_held & ~bit;
        } else if (bit) {
            expect_event = pressed || (mods & bit); /* a stray break: nothing */
            mods = pressed ? mods | bit : mods & ~bit;
        }
        uint16_t key = k->key;
        char ascii = pressed ? model_ascii(k, mods) : 0;
        for (size_t j = 0; j < KEYPAD_OFF_KEYS && !(mods & KBD_MOD_NUM); j++) {
            if (on_keypad(k) && keypad_off[j].code == k->code) {
                key = keypad_off[j].key;
                ascii = 0;
            }
        }
        uint8_t code = pressed ? k->code : k->code | 0x80;
        int n = k->e0 ? FEED(&ev, 0xE0, code) : FEED(&ev, code);
        assert_int_equal(n, expect_event);
        if (expect_event) {
            assert_int_equal(ev.key, key);
            assert_int_equal(ev.pressed, pressed);
            assert_int_equal(ev.ascii, ascii);
            assert_int_equal(ev.mods, mods);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_chart_is_the_104_keys, setup),
        cmocka_unit_test_setup(test_every_key, setup),
        cmocka_unit_test_setup(test_every_key_shifted, setup),
        cmocka_unit_test_setup(test_caps_lock, setup),
        cmocka_unit_test_setup(test_ctrl_letters, setup),
        cmocka_unit_test_setup(test_modifier_bits, setup),
        cmocka_unit_test_setup(test_extended_keys, setup),
        cmocka_unit_test_setup(test_typematic_repeat, setup),
        cmocka_unit_test_setup(test_num_lock_and_keypad, setup),
        cmocka_unit_test_setup(test_pause, setup),
        cmocka_unit_test_setup(test_print_screen, setup),
        cmocka_unit_test_setup(test_fake_shifts_ignored, setup),
        cmocka_unit_test_setup(test_controller_bytes_ignored, setup),
        cmocka_unit_test_setup(test_unknown_codes, setup),
        cmocka_unit_test_setup(test_random_bytes, setup),
        cmocka_unit_test_setup(test_random_keys_against_model, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
