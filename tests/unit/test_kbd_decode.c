/* The scancode set 1 decoder on the host. The expectations come from the
 * keyboard's rows written out below, not from the decoder's tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "irq/kbd_decode.h"

/* The rows of a US keyboard: first make code, keys unshifted and shifted. */
static const struct {
    uint8_t first;
    const char *plain, *shift;
} rows[] = {
    {0x02, "1234567890-=", "!@#$%^&*()_+"},
    {0x10, "qwertyuiop[]", "QWERTYUIOP{}"},
    {0x1E, "asdfghjkl;'`", "ASDFGHJKL:\"~"},
    {0x2B, "\\zxcvbnm,./", "|ZXCVBNM<>?"},
};

static struct kbd_decoder d;

static int
setup(void **state)
{
    (void)state;
    kbd_decoder_init(&d);
    return 0;
}

/* Feed bytes; returns how many events they produced, the last in *ev. */
static int
feed(const uint8_t *bytes, size_t n, struct kbd_event *ev)
{
    int events = 0;
    for (size_t i = 0; i < n; i++) {
        events += kbd_decode(&d, bytes[i], ev);
    }
    return events;
}

/* Press and release one plain key; returns what the press typed. */
static char
tap(uint8_t make)
{
    struct kbd_event ev;
    assert_true(kbd_decode(&d, make, &ev));
    assert_true(ev.pressed);
    assert_int_equal(ev.key, make);
    char c = ev.ascii;
    assert_true(kbd_decode(&d, make | 0x80, &ev));
    assert_false(ev.pressed);
    assert_int_equal(ev.ascii, 0);
    assert_int_equal(ev.key, make);
    return c;
}

static void
press(uint8_t make)
{
    struct kbd_event ev;
    assert_true(kbd_decode(&d, make, &ev));
}

static void
release(uint8_t make)
{
    struct kbd_event ev;
    assert_true(kbd_decode(&d, make | 0x80, &ev));
}

static void
test_every_printable_key(void **state)
{
    (void)state;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (size_t i = 0; rows[r].plain[i]; i++) {
            assert_int_equal(tap((uint8_t)(rows[r].first + i)), rows[r].plain[i]);
        }
    }
    assert_int_equal(tap(0x39), ' ');
    assert_int_equal(tap(0x1C), '\n');
    assert_int_equal(tap(0x0E), '\b');
    assert_int_equal(tap(0x0F), '\t');
    assert_int_equal(tap(0x01), 27);
    assert_int_equal(tap(0x37), '*');
}

static void
test_both_shifts(void **state)
{
    (void)state;
    const uint8_t shifts[] = {0x2A, 0x36};
    for (int s = 0; s < 2; s++) {
        press(shifts[s]);
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
            for (size_t i = 0; rows[r].plain[i]; i++) {
                assert_int_equal(tap((uint8_t)(rows[r].first + i)), rows[r].shift[i]);
            }
        }
        release(shifts[s]);
        assert_int_equal(tap(0x1E), 'a');
    }
}

static void
test_caps_lock(void **state)
{
    (void)state;
    tap(0x3A);
    assert_int_equal(tap(0x1E), 'A');
    assert_int_equal(tap(0x02), '1'); /* letters only */
    assert_int_equal(tap(0x1A), '[');
    press(0x2A);
    assert_int_equal(tap(0x1E), 'a'); /* Shift with Caps: lower case */
    assert_int_equal(tap(0x02), '!');
    release(0x2A);
    /* Typematic repeat of Caps Lock does not toggle again; the break does
     * not toggle either. */
    press(0x3A);
    press(0x3A);
    press(0x3A);
    release(0x3A);
    assert_int_equal(tap(0x1E), 'a');
    struct kbd_event ev;
    kbd_decode(&d, 0x1E, &ev);
    assert_int_equal(ev.mods & KBD_MOD_CAPS, 0);
}

static void
test_ctrl_and_alt(void **state)
{
    (void)state;
    press(0x1D);
    assert_int_equal(tap(0x2E), 3); /* Ctrl+C */
    assert_int_equal(tap(0x1E), 1); /* Ctrl+A */
    release(0x1D);
    const uint8_t rctrl[] = {0xE0, 0x1D};
    struct kbd_event ev;
    assert_int_equal(feed(rctrl, 2, &ev), 1);
    assert_int_equal(ev.key, KBD_KEY_RCTRL);
    assert_int_equal(ev.mods, KBD_MOD_RCTRL);
    assert_int_equal(tap(0x2C), 26); /* Ctrl+Z */
    const uint8_t rctrl_up[] = {0xE0, 0x9D};
    feed(rctrl_up, 2, &ev);
    assert_int_equal(ev.mods, 0);
    press(0x38);
    kbd_decode(&d, 0x1E, &ev);
    assert_int_equal(ev.mods, KBD_MOD_LALT);
    assert_int_equal(ev.ascii, 'a');
    const uint8_t ralt[] = {0xE0, 0x38};
    feed(ralt, 2, &ev);
    assert_int_equal(ev.key, KBD_KEY_RALT);
    assert_int_equal(ev.mods, KBD_MOD_LALT | KBD_MOD_RALT);
    release(0x38);
    const uint8_t ralt_up[] = {0xE0, 0xB8};
    feed(ralt_up, 2, &ev);
    assert_int_equal(ev.mods, 0);
}

static void
test_extended_keys(void **state)
{
    (void)state;
    static const struct {
        uint8_t code;
        uint16_t key;
        char ascii;
    } keys[] = {
        {0x47, KBD_KEY_HOME, 0},        {0x48, KBD_KEY_UP, 0},
        {0x49, KBD_KEY_PAGE_UP, 0},     {0x4B, KBD_KEY_LEFT, 0},
        {0x4D, KBD_KEY_RIGHT, 0},       {0x4F, KBD_KEY_END, 0},
        {0x50, KBD_KEY_DOWN, 0},        {0x51, KBD_KEY_PAGE_DOWN, 0},
        {0x52, KBD_KEY_INSERT, 0},      {0x53, KBD_KEY_DELETE, 0},
        {0x1C, KBD_KEY_KP_ENTER, '\n'}, {0x35, KBD_KEY_KP_SLASH, '/'},
        {0x5B, KBD_KEY_LGUI, 0},        {0x5C, KBD_KEY_RGUI, 0},
        {0x5D, KBD_KEY_MENU, 0},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        struct kbd_event ev;
        const uint8_t make[] = {0xE0, keys[i].code}, brk[] = {0xE0, keys[i].code | 0x80};
        assert_int_equal(feed(make, 2, &ev), 1);
        assert_int_equal(ev.key, keys[i].key);
        assert_true(ev.pressed);
        assert_int_equal(ev.ascii, keys[i].ascii);
        assert_int_equal(feed(brk, 2, &ev), 1);
        assert_int_equal(ev.key, keys[i].key);
        assert_false(ev.pressed);
    }
}

static void
test_function_keys(void **state)
{
    (void)state;
    for (uint8_t f = 0x3B; f <= 0x44; f++) {
        assert_int_equal(tap(f), 0);
    }
    assert_int_equal(tap(0x57), 0);
    assert_int_equal(tap(0x58), 0);
}

/* Shifted arrow: some keyboards wrap it in fake shift codes, which must not
 * change Shift. */
static void
test_fake_shifts_ignored(void **state)
{
    (void)state;
    const uint8_t seq[] = {0xE0, 0xAA, 0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0x2A};
    struct kbd_event ev;
    assert_int_equal(feed(seq, sizeof seq, &ev), 2);
    assert_int_equal(ev.key, KBD_KEY_UP);
    assert_int_equal(ev.mods, 0);
    assert_int_equal(tap(0x1E), 'a');
    const uint8_t print[] = {0xE0, 0x2A, 0xE0, 0x37};
    assert_int_equal(feed(print, 4, &ev), 1);
    assert_int_equal(ev.key, KBD_KEY_PRINT_SCREEN);
    const uint8_t print_up[] = {0xE0, 0xB7, 0xE0, 0xAA};
    assert_int_equal(feed(print_up, 4, &ev), 1);
    assert_false(ev.pressed);
    assert_int_equal(tap(0x1E), 'a');
}

static void
test_pause_sequence(void **state)
{
    (void)state;
    const uint8_t pause[] = {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5};
    struct kbd_event ev;
    assert_int_equal(feed(pause, sizeof pause, &ev), 1);
    assert_int_equal(ev.key, KBD_KEY_PAUSE);
    assert_true(ev.pressed);
    assert_int_equal(ev.mods, 0); /* its 1D and 45 did not press Ctrl or Num */
    assert_int_equal(tap(0x1E), 'a');
    assert_int_equal(tap(0x47), 0); /* Num Lock still off */
}

static void
test_num_lock_and_keypad(void **state)
{
    (void)state;
    const char *digits = "789-456+1230.";
    for (int i = 0; digits[i]; i++) {
        char c = digits[i];
        assert_int_equal(tap((uint8_t)(0x47 + i)), c == '-' || c == '+' ? c : 0);
    }
    tap(0x45);
    for (int i = 0; digits[i]; i++) {
        assert_int_equal(tap((uint8_t)(0x47 + i)), digits[i]);
    }
    tap(0x45);
    assert_int_equal(tap(0x48), 0);
}

static void
test_typematic_repeat(void **state)
{
    (void)state;
    struct kbd_event ev;
    for (int i = 0; i < 5; i++) {
        assert_true(kbd_decode(&d, 0x1F, &ev));
        assert_true(ev.pressed);
        assert_int_equal(ev.ascii, 's');
    }
    assert_true(kbd_decode(&d, 0x9F, &ev));
    assert_false(ev.pressed);
}

static void
test_controller_bytes_and_unknown_codes(void **state)
{
    (void)state;
    const uint8_t noise[] = {0x00, 0xFA, 0xFE, 0xEE, 0xFF, 0x54, 0x55, 0x56, 0x59,
                             0x7F, 0xD9, 0xE0, 0x01, 0xE0, 0x60, 0xE0, 0x7F};
    struct kbd_event ev;
    assert_int_equal(feed(noise, sizeof noise, &ev), 0);
    assert_int_equal(tap(0x1E), 'a'); /* and decoding goes on cleanly */
}

/* A million arbitrary bytes: no crash, only known keys, and once every
 * modifier's break code has been sent, no modifier is stuck. */
static void
test_random_stream(void **state)
{
    (void)state;
    uint32_t x = 2463534242u;
    struct kbd_event ev;
    for (int i = 0; i < 1000000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        if (kbd_decode(&d, (uint8_t)x, &ev)) {
            uint16_t k = ev.key;
            assert_true((k >= 0x01 && k <= 0x53) || k == 0x57 || k == 0x58 ||
                        (k >> 8) == 0xE0 || k == KBD_KEY_PAUSE);
            assert_true(ev.pressed || ev.ascii == 0);
        }
    }
    const uint8_t breaks[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* end any Pause */
                              0xAA, 0xB6, 0x9D, 0xB8, 0xE0, 0x9D, 0xE0, 0xB8};
    feed(breaks, sizeof breaks, &ev);
    assert_true(kbd_decode(&d, 0x1E, &ev));
    assert_int_equal(ev.mods & ~(KBD_MOD_CAPS | KBD_MOD_NUM), 0);
    assert_int_equal(ev.ascii, (ev.mods & KBD_MOD_CAPS) ? 'A' : 'a');
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_every_printable_key, setup),
        cmocka_unit_test_setup(test_both_shifts, setup),
        cmocka_unit_test_setup(test_caps_lock, setup),
        cmocka_unit_test_setup(test_ctrl_and_alt, setup),
        cmocka_unit_test_setup(test_extended_keys, setup),
        cmocka_unit_test_setup(test_function_keys, setup),
        cmocka_unit_test_setup(test_fake_shifts_ignored, setup),
        cmocka_unit_test_setup(test_pause_sequence, setup),
        cmocka_unit_test_setup(test_num_lock_and_keypad, setup),
        cmocka_unit_test_setup(test_typematic_repeat, setup),
        cmocka_unit_test_setup(test_controller_bytes_and_unknown_codes, setup),
        cmocka_unit_test_setup(test_random_stream, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
