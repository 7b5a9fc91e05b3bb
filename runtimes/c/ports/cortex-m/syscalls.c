/* newlib links malloc in with snprintf's string streams; the runtime never allocates (DESIGN
 * contract 6), so the heap is empty: any request fails instead of growing into the stack. */
#include <errno.h>
#include <stddef.h>

void *_sbrk(ptrdiff_t increment);

void *_sbrk(ptrdiff_t increment) {
    (void)increment;
    errno = ENOMEM;
    return (void *)-1;
}
