/* The runtime of the undefined-behaviour sanitizer: one report line a check,
 * "ubsan: WHAT at FILE:LINE:COLUMN", with the values involved, then a panic
 * (or, with -Dubsan=log, the line on the debug port and the console,
 * and the kernel goes on). Compiled with -fno-sanitize=all: a check in here
 * would call itself. The formatter, the console and the panic path it calls
 * are instrumented like the rest; a report that begins while one is being
 * made is dropped, as the panic path reports its own nesting. */
#include "ubsan/ubsan.h"

#include <stdarg.h>
#include <stdbool.h>

#include "config.h"
#include "console/console.h"
#include "core/format.h"
#include "core/panic.h"
#include "pc/screen.h"

/* What compiler-rt writes into a location's column once it has reported it:
 * in log mode each check reports once, not every time a loop passes it. */
#define UBSAN_REPORTED 0xFFFFFFFFu

/* What a type-mismatch check was doing, by its type_check_kind. */
static const char *const access_kinds[] = {
    "load of",
    "store to",
    "reference binding to",
    "member access within",
    "member call on",
    "constructor call on",
    "downcast of",
    "downcast of",
    "upcast of",
    "cast to virtual base of",
    "_Nonnull binding to",
    "dynamic operation on",
};

#define ACCESS_KIND_COUNT (sizeof access_kinds / sizeof access_kinds[0])

/* A value printed: an integer in decimal needs at most 20 digits and a sign. */
struct ubsan_text {
    char s[48];
};

/* The width of integer type t in bits. */
static unsigned
type_bits(const struct ubsan_type *t)
{
    return 1u << (t->info >> 1);
}

/* Whether t is a signed integer type. */
static bool
type_signed(const struct ubsan_type *t)
{
    return t->kind == UBSAN_KIND_INTEGER && (t->info & 1);
}

/* Whether a value of type t fits in 64 bits, so that it can be printed. */
static bool
type_printable(const struct ubsan_type *t)
{
    return t->kind == UBSAN_KIND_INTEGER && type_bits(t) <= 64;
}

/* The bits of integer v of type t (printable) in 64 bits, sign-extended
 * when t is signed. By casts, not shifts: a variable 64-bit shift on i686
 * is a call to compiler-rt, which the kernel does not have. */
static uint64_t
value_bits(const struct ubsan_type *t, ubsan_value v)
{
    bool sign = type_signed(t);
    switch (type_bits(t)) {
    case 8:
        return sign ? (uint64_t)(int8_t)v : (uint8_t)v;
    case 16:
        return sign ? (uint64_t)(int16_t)v : (uint16_t)v;
    case 32:
        return sign ? (uint64_t)(int32_t)v : (uint32_t)v;
    default: /* 64: in the handle on x86_64, pointed to on i686 */
        return sizeof(ubsan_value) >= 8 ? (uint64_t)v : *(const uint64_t *)v;
    }
}

/* Whether v of type t is below zero. */
static bool
value_negative(const struct ubsan_type *t, ubsan_value v)
{
    return type_signed(t) && type_printable(t) && (int64_t)value_bits(t, v) < 0;
}

/* v of type t as text: in decimal, or what kind of value it is. */
static struct ubsan_text
value_text(const struct ubsan_type *t, ubsan_value v)
{
    struct ubsan_text text;
    if (type_printable(t) && type_signed(t)) {
        ksnprintf(text.s, sizeof text.s, "%lld", (long long)value_bits(t, v));
    } else if (type_printable(t)) {
        ksnprintf(text.s, sizeof text.s, "%llu", (unsigned long long)value_bits(t, v));
    } else if (t->kind == UBSAN_KIND_INTEGER) {
        ksnprintf(text.s, sizeof text.s, "(a %u-bit integer)", type_bits(t));
    } else if (t->kind == UBSAN_KIND_FLOAT) {
        ksnprintf(text.s, sizeof text.s, "(a floating-point value)");
    } else {
        ksnprintf(text.s, sizeof text.s, "(a value)");
    }
    return text;
}

/* Make the report "ubsan: WHAT at FILE:LINE:COLUMN" from fmt and its
 * arguments, and deliver it: a panic raised at the check's line, or, when
 * the action is log and the check can be gone past (!fatal), a line on the
 * debug port and on the console once it has started; then return. */
__attribute__((format(printf, 3, 4))) static void
report(struct ubsan_source_location *loc, bool fatal, const char *fmt, ...)
{
    static char what[256];
    static char text[384];
    static volatile bool reporting;

    bool panics = fatal || CONFIG_UBSAN_PANIC;
    if (reporting || (!panics && loc->column == UBSAN_REPORTED)) {
        if (fatal) {
            core_fail("ubsan: unreachable code reached while reporting");
        }
        return;
    }
    reporting = true;
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *file = loc->file ? loc->file : "<unknown file>";
    ksnprintf(text, sizeof text, "ubsan: %s at %s:%u:%u", what, file, (unsigned)loc->line,
              (unsigned)loc->column);
    if (panics) {
        core_panic(file, (int)loc->line, "%s", text);
    }
    loc->column = UBSAN_REPORTED;
    core_debug_line(text);
    if (CONFIG_COLOR_CONSOLE && core_panic_has_screen() && !core_panicking()) {
        kprintf("%s\n", text);
    }
    reporting = false;
}

/* The overflow of lhs OP rhs in data's type. */
static void
report_overflow(struct ubsan_overflow_data *data, const char *op, ubsan_value lhs,
                ubsan_value rhs)
{
    struct ubsan_text l = value_text(data->type, lhs);
    struct ubsan_text r = value_text(data->type, rhs);
    report(&data->loc, false, "%s integer overflow: %s %s %s in %s",
           type_signed(data->type) ? "signed" : "unsigned", l.s, op, r.s,
           data->type->name);
}

/* lhs + rhs overflowed. */
void
__ubsan_handle_add_overflow(struct ubsan_overflow_data *data, ubsan_value lhs,
                            ubsan_value rhs)
{
    report_overflow(data, "+", lhs, rhs);
}

/* lhs - rhs overflowed. */
void
__ubsan_handle_sub_overflow(struct ubsan_overflow_data *data, ubsan_value lhs,
                            ubsan_value rhs)
{
    report_overflow(data, "-", lhs, rhs);
}

/* lhs * rhs overflowed. */
void
__ubsan_handle_mul_overflow(struct ubsan_overflow_data *data, ubsan_value lhs,
                            ubsan_value rhs)
{
    report_overflow(data, "*", lhs, rhs);
}

/* -old overflowed (old is the type's minimum). */
void
__ubsan_handle_negate_overflow(struct ubsan_overflow_data *data, ubsan_value old)
{
    struct ubsan_text v = value_text(data->type, old);
    report(&data->loc, false, "negation of %s cannot be represented in %s", v.s,
           data->type->name);
}

/* lhs / rhs or lhs % rhs: by zero, or the minimum by -1. */
void
__ubsan_handle_divrem_overflow(struct ubsan_overflow_data *data, ubsan_value lhs,
                               ubsan_value rhs)
{
    struct ubsan_text l = value_text(data->type, lhs);
    if (type_printable(data->type) && value_bits(data->type, rhs) == 0) {
        report(&data->loc, false, "division of %s by zero in %s", l.s, data->type->name);
    } else {
        report(&data->loc, false, "division of %s by -1 cannot be represented in %s", l.s,
               data->type->name);
    }
}

/* lhs << rhs or lhs >> rhs: a negative or too large exponent, or a left
 * shift of a negative value or out of the type. */
void
__ubsan_handle_shift_out_of_bounds(struct ubsan_shift_data *data, ubsan_value lhs,
                                   ubsan_value rhs)
{
    struct ubsan_text l = value_text(data->lhs_type, lhs);
    struct ubsan_text r = value_text(data->rhs_type, rhs);
    if (value_negative(data->rhs_type, rhs)) {
        report(&data->loc, false, "shift exponent %s is negative", r.s);
    } else if (!type_printable(data->rhs_type) ||
               value_bits(data->rhs_type, rhs) >= type_bits(data->lhs_type)) {
        report(&data->loc, false, "shift exponent %s is too large for %u-bit type %s",
               r.s, type_bits(data->lhs_type), data->lhs_type->name);
    } else if (value_negative(data->lhs_type, lhs)) {
        report(&data->loc, false, "left shift of negative value %s", l.s);
    } else {
        report(&data->loc, false,
               "left shift of %s by %s places cannot be represented in %s", l.s, r.s,
               data->lhs_type->name);
    }
}

/* array[index] with index outside the array, whose bound is known. */
void
__ubsan_handle_out_of_bounds(struct ubsan_out_of_bounds_data *data, ubsan_value index)
{
    struct ubsan_text i = value_text(data->index_type, index);
    report(&data->loc, false, "index %s out of bounds for type %s", i.s,
           data->array_type->name);
}

/* An access through pointer (a load, a store, ...): null, misaligned for
 * the type, or to an object smaller than the type. */
void
__ubsan_handle_type_mismatch_v1(struct ubsan_type_mismatch_data *data,
                                ubsan_value pointer)
{
    const char *access = data->type_check_kind < ACCESS_KIND_COUNT
                             ? access_kinds[data->type_check_kind]
                             : "access to";
    uintptr_t alignment = (uintptr_t)1 << data->log_alignment;
    if (pointer == 0) {
        report(&data->loc, false, "%s null pointer of type %s", access, data->type->name);
    } else if (pointer & (alignment - 1)) {
        report(&data->loc, false,
               "%s misaligned address %p for type %s, which needs %lu-byte alignment",
               access, (void *)pointer, data->type->name, (unsigned long)alignment);
    } else {
        report(&data->loc, false,
               "%s address %p with too little room for an object of type %s", access,
               (void *)pointer, data->type->name);
    }
}

/* __builtin_assume_aligned (or an alignment attribute) promised what
 * pointer is not. */
void
__ubsan_handle_alignment_assumption(struct ubsan_alignment_assumption_data *data,
                                    ubsan_value pointer, ubsan_value alignment,
                                    ubsan_value offset)
{
    report(
        &data->loc, false,
        "assumption of %lu-byte alignment (offset %lu) for pointer %p of type %s failed",
        (unsigned long)alignment, (unsigned long)offset, (void *)pointer,
        data->type->name);
}

/* A load of a bool or an enum whose bits are none of the type's values. */
void
__ubsan_handle_load_invalid_value(struct ubsan_invalid_value_data *data,
                                  ubsan_value value)
{
    struct ubsan_text v = value_text(data->type, value);
    report(&data->loc, false, "load of value %s, which is not a valid value for type %s",
           v.s, data->type->name);
}

/* An implicit integer conversion changed the value (only with
 * -fsanitize=implicit-conversion, which undefined leaves out). */
void
__ubsan_handle_implicit_conversion(struct ubsan_implicit_conversion_data *data,
                                   ubsan_value from, ubsan_value to)
{
    struct ubsan_text f = value_text(data->from_type, from);
    struct ubsan_text t = value_text(data->to_type, to);
    report(
        &data->loc, false,
        "implicit conversion from type %s of value %s to type %s changed the value to %s",
        data->from_type->name, f.s, data->to_type->name, t.s);
}

/* __builtin_ctz or __builtin_clz of zero. */
void
__ubsan_handle_invalid_builtin(struct ubsan_invalid_builtin_data *data)
{
    report(&data->loc, false, "passing zero to %s, which is not a valid argument",
           data->kind == 0 ? "ctz()" : "clz()");
}

/* A variable-length array's bound is zero or less. */
void
__ubsan_handle_vla_bound_not_positive(struct ubsan_vla_bound_data *data,
                                      ubsan_value bound)
{
    struct ubsan_text b = value_text(data->type, bound);
    report(&data->loc, false,
           "variable length array bound evaluates to non-positive value %s", b.s);
}

/* A floating-point value out of the range of the integer type it was
 * converted to (the kernel has no floating point; here for completeness). */
void
__ubsan_handle_float_cast_overflow(struct ubsan_float_cast_data *data, ubsan_value from)
{
    (void)from;
    report(&data->loc, false, "a value of type %s is outside the range of type %s",
           data->from_type->name, data->to_type->name);
}

/* A null argument where the parameter is declared nonnull. */
void
__ubsan_handle_nonnull_arg(struct ubsan_nonnull_arg_data *data)
{
    report(&data->loc, false,
           "null pointer passed as argument %d, which is declared never null (%s:%u)",
           data->arg_index, data->attr_loc.file ? data->attr_loc.file : "?",
           (unsigned)data->attr_loc.line);
}

/* A function declared returns_nonnull returned null at loc. */
void
__ubsan_handle_nonnull_return_v1(struct ubsan_nonnull_return_data *data,
                                 struct ubsan_source_location *loc)
{
    report(loc, false,
           "null pointer returned from a function declared never to return null (%s:%u)",
           data->attr_loc.file ? data->attr_loc.file : "?",
           (unsigned)data->attr_loc.line);
}

/* Pointer arithmetic wrapped around, or made null from non-null or the
 * other way. */
void
__ubsan_handle_pointer_overflow(struct ubsan_pointer_overflow_data *data,
                                ubsan_value base, ubsan_value result)
{
    if (base == 0 && result == 0) {
        report(&data->loc, false, "applying zero offset to null pointer");
    } else if (base == 0) {
        report(&data->loc, false, "applying non-zero offset %p to null pointer",
               (void *)result);
    } else if (result == 0) {
        report(&data->loc, false,
               "applying non-zero offset to non-null pointer %p produced null pointer",
               (void *)base);
    } else {
        report(&data->loc, false, "pointer arithmetic on %p overflowed to %p",
               (void *)base, (void *)result);
    }
}

/* __builtin_unreachable() was reached. */
void
__ubsan_handle_builtin_unreachable(struct ubsan_unreachable_data *data)
{
    report(&data->loc, true, "execution reached an unreachable program point");
    core_fail("ubsan: unreachable"); /* report panicked: never here */
}

/* A value-returning function ended without a return (C++ only: in C using
 * the value is what is undefined). */
void
__ubsan_handle_missing_return(struct ubsan_unreachable_data *data)
{
    report(&data->loc, true,
           "execution reached the end of a value-returning function without returning a "
           "value");
    core_fail("ubsan: missing return");
}
