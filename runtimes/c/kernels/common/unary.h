/* Elementwise unary evals (ABS, EXP, CAST, SIGN, RELU6, the int8 tables, ...): y[i] = EXPR of x[i]
 * (input element type IN_T, output OUT_T) and of d, the node's op data (type D; void when the
 * kernel keeps none). */
#ifndef TL_UNARY_H
#define TL_UNARY_H

#include "../../src/kernel_api.h"

#define TL_UNARY_EVAL(NAME, D, IN_T, OUT_T, EXPR)                  \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {     \
        const D *d = node->op_data;                                \
        const IN_T *x = tl_node_input(it, node, 0)->data;          \
        tl_tensor *out = tl_node_output(it, node, 0);              \
        OUT_T *y = out->data;                                      \
        int64_t i, n = tl_tensor_numel(out);                       \
        (void)d;                                                   \
        for (i = 0; i < n; i++) y[i] = (EXPR);                     \
        return TL_STATUS_OK;                                       \
    }

#endif
