/* Uses every API function of the keyboard gate. */
#include "irq/irq.h"

#define USES(f) f

void
snippet(void)
{
    USES(irq_register)(1, 0);
    USES(irq_main_loop)();
}
