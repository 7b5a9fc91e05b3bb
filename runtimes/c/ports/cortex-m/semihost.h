/* Arm semihosting (QEMU: -semihosting-config enable=on): text to the host's stdout, and exit. */
#ifndef TL_SEMIHOST_H
#define TL_SEMIHOST_H

void semihost_puts(const char *text);
void semihost_exit(int code);

#endif
