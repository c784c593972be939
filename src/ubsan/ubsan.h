/* The kernel's runtime for clang's undefined-behaviour sanitizer
 * (-Db_sanitize=undefined). clang compiles every check into a call to one of
 * the __ubsan_handle_* functions below, with a pointer to static data that
 * says where and what, and the values involved; there is no host runtime in
 * a kernel, so src/ubsan/ubsan.c is it. The structures are the ABI of
 * compiler-rt 14's ubsan_handlers.h and ubsan_value.h, which clang emits.
 * Built only when b_sanitize is undefined (CONFIG_UBSAN); nothing else
 * calls these functions. */
#ifndef UBSAN_UBSAN_H
#define UBSAN_UBSAN_H

#include <stdint.h>

/* Where a check is in the source: the path as the compiler was given it
 * (src/meson.build strips the build folder's part), line and column. */
struct ubsan_source_location {
    const char *file;
    uint32_t line;
    uint32_t column;
};

/* A type, as clang describes it to the runtime. */
struct ubsan_type {
    uint16_t kind; /* UBSAN_KIND_* */
    uint16_t info; /* integer: bit 0 signed, the rest log2 of the width in bits */
    char name[];   /* quoted, as clang spells it: 'int' */
};

#define UBSAN_KIND_INTEGER 0
#define UBSAN_KIND_FLOAT   1

/* A value: in the handle itself when its type is no wider than a pointer,
 * otherwise the address of the value. */
typedef uintptr_t ubsan_value;

struct ubsan_type_mismatch_data {
    struct ubsan_source_location loc;
    const struct ubsan_type *type;
    uint8_t log_alignment;
    uint8_t type_check_kind; /* load of, store to, ... */
};

struct ubsan_alignment_assumption_data {
    struct ubsan_source_location loc;
    struct ubsan_source_location assumption_loc;
    const struct ubsan_type *type;
};

struct ubsan_overflow_data {
    struct ubsan_source_location loc;
    const struct ubsan_type *type;
};

struct ubsan_shift_data {
    struct ubsan_source_location loc;
    const struct ubsan_type *lhs_type;
    const struct ubsan_type *rhs_type;
};

struct ubsan_out_of_bounds_data {
    struct ubsan_source_location loc;
    const struct ubsan_type *array_type;
    const struct ubsan_type *index_type;
};

struct ubsan_unreachable_data {
    struct ubsan_source_location loc;
};

struct ubsan_vla_bound_data {
    struct ubsan_source_location loc;
    const struct ubsan_type *type;
};

struct ubsan_float_cast_data {
    struct ubsan_source_location loc;
    const struct ubsan_type *from_type;
    const struct ubsan_type *to_type;
};

struct ubsan_invalid_value_data {
    struct ubsan_source_location loc;
    const struct ubsan_type *type;
};

struct ubsan_implicit_conversion_data {
    struct ubsan_source_location loc;
    const struct ubsan_type *from_type;
    const struct ubsan_type *to_type;
    uint8_t kind;
};

struct ubsan_invalid_builtin_data {
    struct ubsan_source_location loc;
    uint8_t kind; /* 0: ctz, 1: clz */
};

struct ubsan_nonnull_return_data {
    struct ubsan_source_location attr_loc;
};

struct ubsan_nonnull_arg_data {
    struct ubsan_source_location loc;
    struct ubsan_source_location attr_loc;
    int arg_index;
};

struct ubsan_pointer_overflow_data {
    struct ubsan_source_location loc;
};

/* clang calls the handlers by the target's C convention, on the stack on
 * i686, whatever -mregparm=3 makes of the kernel's own calls. */
#if defined(__i386__)
#define UBSAN_ABI __attribute__((regparm(0)))
#else
#define UBSAN_ABI
#endif

/* The entry points clang 14 calls with -fsanitize=undefined (and
 * implicit-conversion, which that group leaves out). Each reports what went
 * wrong and where, then panics, or with -Dubsan=log goes on; the
 * unreachable and missing-return ones always panic, since the code after
 * them does not exist. */
UBSAN_ABI void __ubsan_handle_add_overflow(struct ubsan_overflow_data *data,
                                           ubsan_value lhs, ubsan_value rhs);
UBSAN_ABI void __ubsan_handle_sub_overflow(struct ubsan_overflow_data *data,
                                           ubsan_value lhs, ubsan_value rhs);
UBSAN_ABI void __ubsan_handle_mul_overflow(struct ubsan_overflow_data *data,
                                           ubsan_value lhs, ubsan_value rhs);
UBSAN_ABI void __ubsan_handle_negate_overflow(struct ubsan_overflow_data *data,
                                              ubsan_value old);
UBSAN_ABI void __ubsan_handle_divrem_overflow(struct ubsan_overflow_data *data,
                                              ubsan_value lhs, ubsan_value rhs);
UBSAN_ABI void __ubsan_handle_shift_out_of_bounds(struct ubsan_shift_data *data,
                                                  ubsan_value lhs, ubsan_value rhs);
UBSAN_ABI void __ubsan_handle_out_of_bounds(struct ubsan_out_of_bounds_data *data,
                                            ubsan_value index);
UBSAN_ABI void __ubsan_handle_type_mismatch_v1(struct ubsan_type_mismatch_data *data,
                                               ubsan_value pointer);
UBSAN_ABI void
__ubsan_handle_alignment_assumption(struct ubsan_alignment_assumption_data *data,
                                    ubsan_value pointer, ubsan_value alignment,
                                    ubsan_value offset);
UBSAN_ABI void __ubsan_handle_load_invalid_value(struct ubsan_invalid_value_data *data,
                                                 ubsan_value value);
UBSAN_ABI void
__ubsan_handle_implicit_conversion(struct ubsan_implicit_conversion_data *data,
                                   ubsan_value from, ubsan_value to);
UBSAN_ABI void __ubsan_handle_invalid_builtin(struct ubsan_invalid_builtin_data *data);
UBSAN_ABI void __ubsan_handle_vla_bound_not_positive(struct ubsan_vla_bound_data *data,
                                                     ubsan_value bound);
UBSAN_ABI void __ubsan_handle_float_cast_overflow(struct ubsan_float_cast_data *data,
                                                  ubsan_value from);
UBSAN_ABI void __ubsan_handle_nonnull_arg(struct ubsan_nonnull_arg_data *data);
UBSAN_ABI void __ubsan_handle_nonnull_return_v1(struct ubsan_nonnull_return_data *data,
                                                struct ubsan_source_location *loc);
UBSAN_ABI void __ubsan_handle_pointer_overflow(struct ubsan_pointer_overflow_data *data,
                                               ubsan_value base, ubsan_value result);
UBSAN_ABI __attribute__((noreturn)) void
__ubsan_handle_builtin_unreachable(struct ubsan_unreachable_data *data);
UBSAN_ABI __attribute__((noreturn)) void
__ubsan_handle_missing_return(struct ubsan_unreachable_data *data);

#endif
