/* How a subsystem header marks its API when the subsystem's gate is off: a
 * call that survives to code generation is a compile error that names the
 * option to turn on. Calls in `if (CONFIG_X)` branches that are dead at
 * compile time are not code-generated, so they stay legal. */
#ifndef CORE_GATE_H
#define CORE_GATE_H

#define GATE_OFF(option)                                                                 \
    __attribute__((error(option " is disabled: reconfigure with -D" option "=true")))

#endif
