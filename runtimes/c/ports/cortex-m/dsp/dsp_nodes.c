/* How many of an interpreter's nodes run a DSP kernel (dsp_kernels.h), for the firmware to report
 * and its tests to check that the DSP path is the one taken. */
#include "dsp_kernels.h"

#if defined(TL_ARM_DSP)
tl_status tl_conv_2d_dsp_eval_s8(tl_interpreter *it, tl_node *node);
tl_status tl_depthwise_conv_2d_dsp_eval_s8(tl_interpreter *it, tl_node *node);
tl_status tl_fully_connected_dsp_eval_s8(tl_interpreter *it, tl_node *node);
#endif

int32_t tl_dsp_node_count(const tl_interpreter *it) {
    int32_t count = 0;
#if defined(TL_ARM_DSP)
    int32_t s, n;
    for (s = 0; s < it->n_subgraphs; s++)
        for (n = 0; n < it->subgraphs[s].n_nodes; n++) {
            tl_eval_fn eval = it->subgraphs[s].nodes[n].eval;
            count += eval == tl_conv_2d_dsp_eval_s8 || eval == tl_depthwise_conv_2d_dsp_eval_s8 ||
                     eval == tl_fully_connected_dsp_eval_s8;
        }
#else
    (void)it;
#endif
    return count;
}
