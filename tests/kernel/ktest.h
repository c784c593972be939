/* In-kernel tests: flat TAP 13 on the debug port (0xE9), finished through
 * QEMU's isa-debug-exit so that the runner (tests/boot/ktap_run.py) sees a
 * pass only when every test passed and the kernel got to the end. */
#ifndef KTEST_H
#define KTEST_H

#include <stdbool.h>

/* Report one test: "ok N - name" or "not ok N - name". */
void ktest_ok(bool passed, const char *name);

/* A TAP diagnostic line, "# text". */
void ktest_diag(const char *text);

/* Print the plan and leave QEMU: exit code 33 when all passed, 35 when
 * any failed. */
__attribute__((noreturn)) void ktest_finish(void);

/* The suites; each reports its own tests. */
void ktest_core(void);
struct multiboot_info;
void ktest_heap(const struct multiboot_info *info);

/* The PIC, with real IRQ 8s from the RTC's periodic interrupt and spurious
 * IRQ 7 and 15 (keyboard gate only). Takes IRQ lines 7, 8 and 15 for good;
 * they are masked again and the RTC stopped when it returns. */
void ktest_irq(void);

/* A real CPU exception: executes ud2 (invalid opcode, vector 6) at the
 * global label ktest_ud2, so that a test can check the report's EIP
 * (keyboard gate only). Does not return. */
__attribute__((noreturn)) void ktest_fault(void);

/* Panic with a message whose %s argument lies under a data breakpoint
 * (DR0): the debug exception that the formatting raises is a second panic
 * while the first one is being made (keyboard gate only). */
__attribute__((noreturn)) void ktest_nested_panic(void);

/* Read no key until the key queue has dropped 16 events, then print on the
 * debug port how many events it held, the text their presses type, and
 * the drop count; halt (keyboard gate only). */
__attribute__((noreturn)) void ktest_key_queue(void);

/* "double-free": free a block twice; "overflow": write past a block's end
 * into the next block's header, then free it. Both must panic. */
void ktest_heap_misuse(const char *what);

#endif
