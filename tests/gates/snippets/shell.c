/* Registers a shell command: needs the keyboard and the console gates. */
#include "shell/shell.h"

#define USES(f) f

static void
hello(int argc, char **argv)
{
    (void)argc;
    (void)argv;
}

static const struct shell_command command = {"hello", "", "say nothing", hello, 0};

void
snippet(void)
{
    USES(shell_register)(&command);
}
