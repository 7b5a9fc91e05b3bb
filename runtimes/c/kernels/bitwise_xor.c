/* BITWISE_XOR: out = a ^ b elementwise with NumPy broadcasting, for int8/16/32 and uint8/16/32
 * (LiteRT's set). */
#include "../src/kernel_api.h"
#include "common/broadcast.h"

typedef struct {
    tl_broadcast bc;
} bitwise_xor_data;

TL_BROADCAST_EVAL(tl_bitwise_xor_eval_s8, bitwise_xor_data, int8_t, (int8_t)(a[oa] ^ b[ob]))
TL_BROADCAST_EVAL(tl_bitwise_xor_eval_s16, bitwise_xor_data, int16_t, (int16_t)(a[oa] ^ b[ob]))
TL_BROADCAST_EVAL(tl_bitwise_xor_eval_s32, bitwise_xor_data, int32_t, a[oa] ^ b[ob])
TL_BROADCAST_EVAL(tl_bitwise_xor_eval_u8, bitwise_xor_data, uint8_t, (uint8_t)(a[oa] ^ b[ob]))
TL_BROADCAST_EVAL(tl_bitwise_xor_eval_u16, bitwise_xor_data, uint16_t, (uint16_t)(a[oa] ^ b[ob]))
TL_BROADCAST_EVAL(tl_bitwise_xor_eval_u32, bitwise_xor_data, uint32_t, a[oa] ^ b[ob])

tl_status tl_bitwise_xor_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    bitwise_xor_data *d;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != b->type || a->type != out->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "inputs and output types differ");
    switch (a->type) {
    case TL_TYPE_INT8: node->eval = tl_bitwise_xor_eval_s8; break;
    case TL_TYPE_INT16: node->eval = tl_bitwise_xor_eval_s16; break;
    case TL_TYPE_INT32: node->eval = tl_bitwise_xor_eval_s32; break;
    case TL_TYPE_UINT8: node->eval = tl_bitwise_xor_eval_u8; break;
    case TL_TYPE_UINT16: node->eval = tl_bitwise_xor_eval_u16; break;
    case TL_TYPE_UINT32: node->eval = tl_bitwise_xor_eval_u32; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "BITWISE_XOR supports int8, int16, int32, uint8, uint16 and uint32");
    }
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    return TL_STATUS_OK;
}
