/* The scancode set 1 chart of a US 104-key keyboard, for the decoder's host
 * tests (test_kbd_decode, fuzz_kbd): written out by hand from the scancode
 * set 1 tables (Brouwer's "Keyboard scancodes", OSDev's PS/2 Keyboard page)
 * row by row as the keys sit on the keyboard, not taken from the decoder's
 * tables. */
#ifndef TEST_KBD_CHART_H
#define TEST_KBD_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irq/kbd_decode.h"

struct chart_key {
    bool e0;      /* sent after 0xE0 */
    uint8_t code; /* make code; the break is code | 0x80 */
    uint16_t key;
    char plain, shift; /* typed without and with Shift (keypad: Num Lock on) */
};

/* clang-format off */
#define K(code, key, plain, shift) {false, code, KBD_KEY_##key, plain, shift}
#define X(code, key, plain, shift) {true, code, KBD_KEY_##key, plain, shift}
/* clang-format on */

/* Every key but Pause (which sends a sequence), each once. */
static const struct chart_key chart[] = {
    /* Esc, the function keys, Print Screen and Scroll Lock */
    K(0x01, ESC, 27, 27), K(0x3B, F1, 0, 0), K(0x3C, F2, 0, 0), K(0x3D, F3, 0, 0),
    K(0x3E, F4, 0, 0), K(0x3F, F5, 0, 0), K(0x40, F6, 0, 0), K(0x41, F7, 0, 0),
    K(0x42, F8, 0, 0), K(0x43, F9, 0, 0), K(0x44, F10, 0, 0), K(0x57, F11, 0, 0),
    K(0x58, F12, 0, 0), X(0x37, PRINT_SCREEN, 0, 0), K(0x46, SCROLL_LOCK, 0, 0),
    /* ` 1 2 ... = Backspace, Insert Home PgUp, Num Lock KP/ KP* KP- */
    K(0x29, GRAVE, '`', '~'), K(0x02, 1, '1', '!'), K(0x03, 2, '2', '@'),
    K(0x04, 3, '3', '#'), K(0x05, 4, '4', '$'), K(0x06, 5, '5', '%'),
    K(0x07, 6, '6', '^'), K(0x08, 7, '7', '&'), K(0x09, 8, '8', '*'),
    K(0x0A, 9, '9', '('), K(0x0B, 0, '0', ')'), K(0x0C, MINUS, '-', '_'),
    K(0x0D, EQUAL, '=', '+'), K(0x0E, BACKSPACE, '\b', '\b'), X(0x52, INSERT, 0, 0),
    X(0x47, HOME, 0, 0), X(0x49, PAGE_UP, 0, 0), K(0x45, NUM_LOCK, 0, 0),
    X(0x35, KP_SLASH, '/', '/'), K(0x37, KP_STAR, '*', '*'), K(0x4A, KP_MINUS, '-', '-'),
    /* Tab Q W ... ] \, Delete End PgDn, KP7 KP8 KP9 KP+ */
    K(0x0F, TAB, '\t', '\t'), K(0x10, Q, 'q', 'Q'), K(0x11, W, 'w', 'W'),
    K(0x12, E, 'e', 'E'), K(0x13, R, 'r', 'R'), K(0x14, T, 't', 'T'),
    K(0x15, Y, 'y', 'Y'), K(0x16, U, 'u', 'U'), K(0x17, I, 'i', 'I'),
    K(0x18, O, 'o', 'O'), K(0x19, P, 'p', 'P'), K(0x1A, LBRACKET, '[', '{'),
    K(0x1B, RBRACKET, ']', '}'), K(0x2B, BACKSLASH, '\\', '|'), X(0x53, DELETE, 0, 0),
    X(0x4F, END, 0, 0), X(0x51, PAGE_DOWN, 0, 0), K(0x47, KP_7, '7', '7'),
    K(0x48, KP_8, '8', '8'), K(0x49, KP_9, '9', '9'), K(0x4E, KP_PLUS, '+', '+'),
    /* Caps Lock A S ... ' Enter, KP4 KP5 KP6 */
    K(0x3A, CAPS_LOCK, 0, 0), K(0x1E, A, 'a', 'A'), K(0x1F, S, 's', 'S'),
    K(0x20, D, 'd', 'D'), K(0x21, F, 'f', 'F'), K(0x22, G, 'g', 'G'),
    K(0x23, H, 'h', 'H'), K(0x24, J, 'j', 'J'), K(0x25, K, 'k', 'K'),
    K(0x26, L, 'l', 'L'), K(0x27, SEMICOLON, ';', ':'), K(0x28, APOSTROPHE, '\'', '"'),
    K(0x1C, ENTER, '\n', '\n'), K(0x4B, KP_4, '4', '4'), K(0x4C, KP_5, '5', '5'),
    K(0x4D, KP_6, '6', '6'),
    /* Left Shift Z X ... / Right Shift, Up, KP1 KP2 KP3 KP-Enter */
    K(0x2A, LSHIFT, 0, 0), K(0x2C, Z, 'z', 'Z'), K(0x2D, X, 'x', 'X'),
    K(0x2E, C, 'c', 'C'), K(0x2F, V, 'v', 'V'), K(0x30, B, 'b', 'B'),
    K(0x31, N, 'n', 'N'), K(0x32, M, 'm', 'M'), K(0x33, COMMA, ',', '<'),
    K(0x34, DOT, '.', '>'), K(0x35, SLASH, '/', '?'), K(0x36, RSHIFT, 0, 0),
    X(0x48, UP, 0, 0), K(0x4F, KP_1, '1', '1'), K(0x50, KP_2, '2', '2'),
    K(0x51, KP_3, '3', '3'), X(0x1C, KP_ENTER, '\n', '\n'),
    /* Ctrl Win Alt Space AltGr Win Menu Ctrl, Left Down Right, KP0 KP. */
    K(0x1D, LCTRL, 0, 0), X(0x5B, LGUI, 0, 0), K(0x38, LALT, 0, 0),
    K(0x39, SPACE, ' ', ' '), X(0x38, RALT, 0, 0), X(0x5C, RGUI, 0, 0),
    X(0x5D, MENU, 0, 0), X(0x1D, RCTRL, 0, 0), X(0x4B, LEFT, 0, 0), X(0x50, DOWN, 0, 0),
    X(0x4D, RIGHT, 0, 0), K(0x52, KP_0, '0', '0'), K(0x53, KP_DOT, '.', '.')};
#define CHART_KEYS (sizeof chart / sizeof chart[0])

/* With Num Lock off, the keypad keys are what their second legend says. */
static const struct {
    uint8_t code;
    uint16_t key;
} keypad_off[] = {
    {0x47, KBD_KEY_HOME},   {0x48, KBD_KEY_UP},     {0x49, KBD_KEY_PAGE_UP},
    {0x4B, KBD_KEY_LEFT},   {0x4C, KBD_KEY_KP_5},   {0x4D, KBD_KEY_RIGHT},
    {0x4F, KBD_KEY_END},    {0x50, KBD_KEY_DOWN},   {0x51, KBD_KEY_PAGE_DOWN},
    {0x52, KBD_KEY_INSERT}, {0x53, KBD_KEY_DELETE},
};
#define KEYPAD_OFF_KEYS (sizeof keypad_off / sizeof keypad_off[0])

/* The KBD_MOD_* bit that key holds or toggles, or 0: by the header's
 * names, not by the decoder's code. */
static inline uint16_t
chart_mod_bit(uint16_t key)
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
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        if (bits[i].key == key) {
            return bits[i].bit;
        }
    }
    return 0;
}

#endif
