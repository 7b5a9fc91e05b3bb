#include "tensorlite.h"

const char *tl_status_message(tl_status status) {
    switch (status) {
#define X(name, msg) \
    case TL_STATUS_##name: return msg;
#include "tl_status.def"
#undef X
    default: return "unknown status";
    }
}
