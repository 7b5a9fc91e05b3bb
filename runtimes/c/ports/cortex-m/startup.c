/* Reset and the vector table for an Armv7-M core: copy .data from flash, zero .bss, turn the FPU
 * on (the build uses hard-float), run main, and report its return value to QEMU by semihosting. */
#include <stdint.h>

#include "semihost.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);
void reset_handler(void);
void fault_handler(void);
void systick_handler(void); /* main.c */

void reset_handler(void) {
    uint32_t *src = &_sidata, *dst;
    volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
    *cpacr |= 0xFu << 20; /* CP10 and CP11 (the FPU): full access */
    __asm__ volatile("dsb\n\tisb");
    for (dst = &_sdata; dst < &_edata;) *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss;) *dst++ = 0;
    semihost_exit(main());
}

void fault_handler(void) {
    semihost_puts("fault: the firmware took a hard fault\n");
    semihost_exit(3);
}

/* Initial stack pointer, then reset, NMI, HardFault, MemManage, BusFault, UsageFault, four reserved,
 * SVCall, DebugMonitor, reserved, PendSV, SysTick. */
__attribute__((section(".vectors"), used)) static const uintptr_t vectors[16] = {
    (uintptr_t)&_estack, (uintptr_t)reset_handler, (uintptr_t)fault_handler, (uintptr_t)fault_handler,
    (uintptr_t)fault_handler, (uintptr_t)fault_handler, (uintptr_t)fault_handler, 0, 0, 0, 0,
    (uintptr_t)fault_handler, (uintptr_t)fault_handler, 0, (uintptr_t)fault_handler, (uintptr_t)systick_handler,
};
