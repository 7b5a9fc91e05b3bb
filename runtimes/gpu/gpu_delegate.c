/* The OpenCL delegate: choosing a device, the process-wide program cache, partitions' device
 * buffers and running them. The op-specific parts are in gpu_ops.c, the kernels in kernels.cl. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_gpu_internal.h"

#define CL_MEM_COPY_HOST_PTR (1u << 5)
#define MAX_ENVS 4

static tl_gpu_env envs[MAX_ENVS];
static int n_envs;
static pthread_mutex_t envs_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *no_device_hint =
    "install an OpenCL driver: the GPU vendor's ICD, or Debian's pocl-opencl-icd to run on the CPU";

/* Finds the first device matching the options (device_type 0: a GPU on any platform if there is one, else any
 * device); fills env. 0 on success. */
static int open_device(tl_gpu_env *env, const tl_gpu_options *o, char *error, size_t error_size) {
    cl_platform_id platforms[16];
    cl_uint n_platforms = 0, i;
    int pass;
    cl_int err = env->api.GetPlatformIDs(16, platforms, &n_platforms);
    if (err == CL_PLATFORM_NOT_FOUND_KHR || (err == CL_SUCCESS && n_platforms == 0)) {
        snprintf(error, error_size, "OpenCL found no platform: %s", no_device_hint);
        return -1;
    }
    if (err != CL_SUCCESS) {
        snprintf(error, error_size, "clGetPlatformIDs failed (%d): %s", (int)err, no_device_hint);
        return -1;
    }
    for (pass = o->device_type == 0 ? 0 : 1; pass < 2; pass++) {
        cl_bitfield type = o->device_type == 2 ? CL_DEVICE_TYPE_CPU
                           : (o->device_type == 1 || pass == 0) ? CL_DEVICE_TYPE_GPU : CL_DEVICE_TYPE_ALL;
        for (i = 0; i < n_platforms && i < 16; i++) {
            char pname[128] = "", dname[120] = "", ext[4096] = "";
            cl_uint n_dev = 0;
            env->api.GetPlatformInfo(platforms[i], CL_PLATFORM_NAME, sizeof pname - 1, pname, NULL);
            if (o->platform && o->platform[0] && strstr(pname, o->platform) == NULL) continue;
            if (env->api.GetDeviceIDs(platforms[i], type, 1, &env->device, &n_dev) != CL_SUCCESS || n_dev == 0)
                continue;
            env->api.GetDeviceInfo(env->device, CL_DEVICE_NAME, sizeof dname - 1, dname, NULL);
            env->api.GetDeviceInfo(env->device, CL_DEVICE_EXTENSIONS, sizeof ext - 1, ext, NULL);
            snprintf(env->name, sizeof env->name, "%.127s / %.119s", pname, dname);
            env->has_fp16 = strstr(ext, "cl_khr_fp16") != NULL;
            env->context = env->api.CreateContext(NULL, 1, &env->device, NULL, NULL, &err);
            if (env->context == NULL || err != CL_SUCCESS) {
                snprintf(error, error_size, "clCreateContext failed (%d) on %s", (int)err, env->name);
                return -1;
            }
            return 0;
        }
    }
    snprintf(error, error_size, "OpenCL found no %sdevice%s%s: %s",
             o->device_type == 1 ? "GPU " : o->device_type == 2 ? "CPU " : "",
             o->platform && o->platform[0] ? " on a platform named like " : "", o->platform ? o->platform : "",
             no_device_hint);
    return -1;
}

/* The shared environment for these options (made on first use). */
static tl_gpu_env *get_env(const tl_gpu_options *o, char *error, size_t error_size) {
    char key[320];
    tl_gpu_env *env = NULL;
    int i;
    snprintf(key, sizeof key, "%s|%s|%d", o->library ? o->library : "", o->platform ? o->platform : "",
             o->device_type);
    pthread_mutex_lock(&envs_lock);
    for (i = 0; i < n_envs; i++)
        if (strcmp(envs[i].key, key) == 0) env = &envs[i];
    if (env == NULL) {
        if (n_envs == MAX_ENVS) {
            snprintf(error, error_size, "more than %d OpenCL configurations in one process", MAX_ENVS);
        } else {
            tl_gpu_env fresh;
            memset(&fresh, 0, sizeof fresh);
            snprintf(fresh.key, sizeof fresh.key, "%s", key);
            if (tl_cl_load(o->library, &fresh.api, error, error_size) == 0 &&
                open_device(&fresh, o, error, error_size) == 0) {
                envs[n_envs] = fresh;
                env = &envs[n_envs++];
            }
        }
    }
    pthread_mutex_unlock(&envs_lock);
    return env;
}

/* The program for a storage type, compiled once per process. */
static cl_program get_program(tl_gpu_env *env, int fp16, char *error, size_t error_size) {
    static const char *prelude[2] = {
        "typedef float store_t;\n#define LD(p, i) ((p)[i])\n#define ST(p, i, v) ((p)[i] = (v))\n",
        "typedef half store_t;\n#define LD(p, i) vload_half((i), (p))\n#define ST(p, i, v) vstore_half_rte((v), (i), (p))\n"};
    const char *sources[1024];
    cl_program prog;
    cl_int err;
    unsigned i;
    pthread_mutex_lock(&envs_lock);
    prog = env->program[fp16];
    if (prog == NULL && tl_gpu_kernels_lines < 1023) {
        sources[0] = prelude[fp16];
        for (i = 0; i < tl_gpu_kernels_lines; i++) sources[i + 1] = tl_gpu_kernels_source[i];
        prog = env->api.CreateProgramWithSource(env->context, tl_gpu_kernels_lines + 1, sources, NULL, &err);
        if (prog == NULL || err != CL_SUCCESS) {
            snprintf(error, error_size, "clCreateProgramWithSource failed (%d)", (int)err);
            prog = NULL;
        } else if ((err = env->api.BuildProgram(prog, 1, &env->device, "-cl-std=CL1.2", NULL, NULL)) != CL_SUCCESS) {
            char log[2048] = "";
            env->api.GetProgramBuildInfo(prog, env->device, CL_PROGRAM_BUILD_LOG, sizeof log - 1, log, NULL);
            snprintf(error, error_size, "building the kernels failed (%d): %.200s", (int)err, log);
            env->api.ReleaseProgram(prog);
            prog = NULL;
        } else {
            env->program[fp16] = prog;
        }
    }
    pthread_mutex_unlock(&envs_lock);
    return prog;
}

size_t tl_gpu_elem(const tl_gpu_part *p) { return p->gpu->fp16 ? 2 : 4; }

static int own(tl_gpu_part *p, cl_mem m) {
    if (p->n_owned == p->cap_owned) {
        int cap = p->cap_owned ? 2 * p->cap_owned : 32;
        cl_mem *grown = realloc(p->owned, sizeof *grown * (size_t)cap);
        if (grown == NULL) return -1;
        p->owned = grown;
        p->cap_owned = cap;
    }
    p->owned[p->n_owned++] = m;
    return 0;
}

static cl_mem new_buffer(tl_gpu_part *p, size_t bytes, void *host, char *error, size_t error_size) {
    const tl_cl_api *api = &p->gpu->env->api;
    cl_int err;
    cl_mem m = api->CreateBuffer(p->gpu->env->context, CL_MEM_READ_WRITE | (host ? CL_MEM_COPY_HOST_PTR : 0),
                                 bytes ? bytes : 4, host, &err);
    if (m == NULL || err != CL_SUCCESS) {
        snprintf(error, error_size, "clCreateBuffer of %lu bytes failed (%d)", (unsigned long)bytes, (int)err);
        return NULL;
    }
    if (own(p, m)) {
        api->ReleaseMemObject(m);
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    return m;
}

static cl_kernel make_kernel(tl_gpu_part *p, const char *name, char *error, size_t error_size) {
    cl_int err;
    cl_program prog = get_program(p->gpu->env, p->gpu->fp16, error, error_size);
    cl_kernel k = prog ? p->gpu->env->api.CreateKernel(prog, name, &err) : NULL;
    if (prog && (k == NULL || err != CL_SUCCESS)) {
        snprintf(error, error_size, "clCreateKernel(%s) failed (%d)", name, (int)err);
        return NULL;
    }
    return k;
}

static tl_status set_args(tl_gpu_part *p, cl_kernel k, const char *name, const char *fmt, va_list ap, char *error,
                          size_t error_size) {
    const tl_cl_api *api = &p->gpu->env->api;
    cl_uint i;
    for (i = 0; fmt[i]; i++) {
        cl_int err;
        if (fmt[i] == 'm') {
            cl_mem m = va_arg(ap, cl_mem);
            err = api->SetKernelArg(k, i, sizeof m, &m);
        } else if (fmt[i] == 'i') {
            cl_int v = (cl_int)va_arg(ap, int);
            err = api->SetKernelArg(k, i, sizeof v, &v);
        } else {
            float v = (float)va_arg(ap, double);
            err = api->SetKernelArg(k, i, sizeof v, &v);
        }
        if (err != CL_SUCCESS) {
            snprintf(error, error_size, "clSetKernelArg(%s, %u) failed (%d)", name, (unsigned)i, (int)err);
            return TL_STATUS_INVOKE_FAILED;
        }
    }
    return TL_STATUS_OK;
}

static void fill_launch(tl_gpu_launch *l, cl_kernel k, cl_uint dims, const size_t *global, const size_t *local) {
    cl_uint d;
    memset(l, 0, sizeof *l);
    l->kernel = k;
    l->dims = dims;
    l->has_local = local != NULL;
    for (d = 0; d < dims; d++) {
        l->global[d] = global[d] ? global[d] : 1;
        if (local) {
            l->local[d] = local[d];
            l->global[d] = (l->global[d] + local[d] - 1) / local[d] * local[d];
        }
    }
}

tl_status tl_gpu_add(tl_gpu_part *p, const char *name, cl_uint dims, const size_t *global, const size_t *local,
                     char *error, size_t error_size, const char *fmt, ...) {
    va_list ap;
    tl_status st;
    cl_kernel k = make_kernel(p, name, error, error_size);
    if (k == NULL) return TL_STATUS_INVOKE_FAILED;
    va_start(ap, fmt);
    st = set_args(p, k, name, fmt, ap, error, error_size);
    va_end(ap);
    if (st == TL_STATUS_OK && p->n_launches == p->cap_launches) {
        int cap = p->cap_launches ? 2 * p->cap_launches : 32;
        tl_gpu_launch *grown = realloc(p->launches, sizeof *grown * (size_t)cap);
        if (grown == NULL) {
            snprintf(error, error_size, "out of memory");
            st = TL_STATUS_INVOKE_FAILED;
        } else {
            p->launches = grown;
            p->cap_launches = cap;
        }
    }
    if (st != TL_STATUS_OK) {
        p->gpu->env->api.ReleaseKernel(k);
        return st;
    }
    fill_launch(&p->launches[p->n_launches++], k, dims, global, local);
    return TL_STATUS_OK;
}

static cl_int enqueue(tl_gpu *g, const tl_gpu_launch *l) {
    return g->env->api.EnqueueNDRangeKernel(g->queue, l->kernel, l->dims, NULL, l->global,
                                            l->has_local ? l->local : NULL, 0, NULL, NULL);
}

/* A conversion launch float32 <-> storage over n values (kept in *l; the caller runs it). */
static tl_status conversion(tl_gpu_part *p, const char *name, cl_mem src, cl_mem dst, size_t n, tl_gpu_launch *l,
                            char *error, size_t error_size) {
    cl_kernel k = make_kernel(p, name, error, error_size);
    cl_int nn = (cl_int)n, err;
    size_t global = n ? n : 1;
    const tl_cl_api *api = &p->gpu->env->api;
    if (k == NULL) return TL_STATUS_INVOKE_FAILED;
    err = api->SetKernelArg(k, 0, sizeof src, &src);
    if (err == CL_SUCCESS) err = api->SetKernelArg(k, 1, sizeof dst, &dst);
    if (err == CL_SUCCESS) err = api->SetKernelArg(k, 2, sizeof nn, &nn);
    if (err != CL_SUCCESS) {
        api->ReleaseKernel(k);
        snprintf(error, error_size, "clSetKernelArg(%s) failed (%d)", name, (int)err);
        return TL_STATUS_INVOKE_FAILED;
    }
    fill_launch(l, k, 1, &global, NULL);
    return TL_STATUS_OK;
}

cl_mem tl_gpu_upload(tl_gpu_part *p, const float *values, size_t n, char *error, size_t error_size) {
    tl_gpu *g = p->gpu;
    cl_mem stage, m;
    tl_gpu_launch l;
    cl_int err;
    if (!g->fp16) return new_buffer(p, 4 * n, (void *)(uintptr_t)values, error, error_size);
    stage = new_buffer(p, 4 * n, (void *)(uintptr_t)values, error, error_size);
    m = stage ? new_buffer(p, 2 * n, NULL, error, error_size) : NULL;
    if (m == NULL || conversion(p, "to_storage", stage, m, n, &l, error, error_size) != TL_STATUS_OK) return NULL;
    err = enqueue(g, &l);
    if (err == CL_SUCCESS) err = g->env->api.Finish(g->queue);
    g->env->api.ReleaseKernel(l.kernel);
    if (err != CL_SUCCESS) {
        snprintf(error, error_size, "converting constants to half failed (%d)", (int)err);
        return NULL;
    }
    return m; /* the float32 stage stays owned until the partition goes: simple, and weights are small */
}

cl_mem tl_gpu_tensor(tl_gpu_part *p, tl_interpreter *it, int32_t t, char *error, size_t error_size) {
    tl_tensor *tensor = tl_interpreter_get_tensor(it, t);
    if (tensor == NULL || t >= p->n_tensors) {
        snprintf(error, error_size, "tensor %ld out of range", (long)t);
        return NULL;
    }
    if (p->mem[t] == NULL) {
        size_t n = (size_t)tl_tensor_numel(tensor);
        if (tensor->is_constant) {
            float *copy = malloc(4 * (n ? n : 1)); /* model bytes need not be aligned */
            if (copy == NULL) {
                snprintf(error, error_size, "out of memory");
                return NULL;
            }
            memcpy(copy, tensor->data, 4 * n);
            p->mem[t] = tl_gpu_upload(p, copy, n, error, error_size);
            free(copy);
        } else {
            p->mem[t] = new_buffer(p, tl_gpu_elem(p) * n, NULL, error, error_size);
        }
    }
    return p->mem[t];
}

static void part_free(tl_gpu_part *p) {
    const tl_cl_api *api;
    int i;
    if (p == NULL) return;
    api = &p->gpu->env->api;
    for (i = 0; i < p->n_launches; i++) api->ReleaseKernel(p->launches[i].kernel);
    for (i = 0; p->convert && i < p->n_convert; i++)
        if (p->convert[i].kernel) api->ReleaseKernel(p->convert[i].kernel);
    for (i = 0; i < p->n_owned; i++) api->ReleaseMemObject(p->owned[i]);
    free(p->owned);
    free(p->launches);
    free(p->mem);
    free(p->stage);
    free(p->convert);
    free(p);
}

/* ---- the tl_delegate functions -------------------------------------------------------------- */

static int claim(tl_delegate *d, tl_interpreter *it, int32_t node, char *why, size_t why_size) {
    (void)d;
    if (node < 0 || node >= it->subgraphs[0].n_nodes) {
        snprintf(why, why_size, "no such node");
        return 0;
    }
    return tl_gpu_supports(it, &it->subgraphs[0].nodes[node], why, why_size);
}

static tl_status prepare(tl_delegate *d, tl_interpreter *it, const tl_delegate_partition *dp, void **state,
                         char *error, size_t error_size) {
    tl_gpu *g = d->user;
    tl_gpu_part *p = calloc(1, sizeof *p);
    int32_t i, n_boundary = dp->n_inputs + dp->n_outputs;
    tl_status st = TL_STATUS_OK;
    *state = NULL;
    if (p == NULL) return TL_STATUS_INVOKE_FAILED;
    p->gpu = g;
    p->n_tensors = tl_interpreter_get_tensor_count(it);
    p->mem = calloc((size_t)p->n_tensors + 1, sizeof *p->mem);
    p->stage = calloc((size_t)n_boundary + 1, sizeof *p->stage);
    p->convert = calloc((size_t)n_boundary + 1, sizeof *p->convert);
    p->n_convert = n_boundary;
    if (!p->mem || !p->stage || !p->convert) st = TL_STATUS_INVOKE_FAILED;
    for (i = 0; st == TL_STATUS_OK && i < dp->n_nodes; i++)
        st = tl_gpu_build(p, it, &it->subgraphs[0].nodes[dp->first_node + i], error, error_size);
    for (i = 0; st == TL_STATUS_OK && i < n_boundary; i++) {
        int32_t t = i < dp->n_inputs ? dp->inputs[i] : dp->outputs[i - dp->n_inputs];
        cl_mem m = tl_gpu_tensor(p, it, t, error, error_size);
        size_t n = (size_t)tl_tensor_numel(tl_interpreter_get_tensor(it, t));
        if (m == NULL) st = TL_STATUS_INVOKE_FAILED;
        else if (g->fp16) {
            p->stage[i] = new_buffer(p, 4 * n, NULL, error, error_size);
            st = p->stage[i] == NULL ? TL_STATUS_INVOKE_FAILED
                 : i < dp->n_inputs ? conversion(p, "to_storage", p->stage[i], m, n, &p->convert[i], error, error_size)
                                    : conversion(p, "from_storage", m, p->stage[i], n, &p->convert[i], error, error_size);
        }
    }
    if (st == TL_STATUS_OK && g->n_parts == g->cap_parts) {
        int cap = g->cap_parts ? 2 * g->cap_parts : 8;
        tl_gpu_part **grown = realloc(g->parts, sizeof *grown * (size_t)cap);
        if (grown == NULL) st = TL_STATUS_INVOKE_FAILED;
        else {
            g->parts = grown;
            g->cap_parts = cap;
        }
    }
    if (st != TL_STATUS_OK) {
        if (error[0] == 0) snprintf(error, error_size, "out of memory");
        part_free(p);
        return st;
    }
    g->parts[g->n_parts++] = p; /* freed with the delegate */
    *state = p;
    return TL_STATUS_OK;
}

static tl_status invoke(tl_delegate *d, tl_interpreter *it, const tl_delegate_partition *dp, void *state, char *error,
                        size_t error_size) {
    tl_gpu *g = d->user;
    tl_gpu_part *p = state;
    const tl_cl_api *api = &g->env->api;
    cl_int err = CL_SUCCESS;
    int32_t i;
    for (i = 0; err == CL_SUCCESS && i < dp->n_inputs; i++) {
        tl_tensor *t = tl_interpreter_get_tensor(it, dp->inputs[i]);
        err = api->EnqueueWriteBuffer(g->queue, g->fp16 ? p->stage[i] : p->mem[dp->inputs[i]], 0, 0, t->bytes, t->data,
                                      0, NULL, NULL);
        if (err == CL_SUCCESS && g->fp16) err = enqueue(g, &p->convert[i]);
    }
    for (i = 0; err == CL_SUCCESS && i < p->n_launches; i++) err = enqueue(g, &p->launches[i]);
    for (i = 0; err == CL_SUCCESS && i < dp->n_outputs; i++) {
        tl_tensor *t = tl_interpreter_get_tensor(it, dp->outputs[i]);
        if (g->fp16) err = enqueue(g, &p->convert[dp->n_inputs + i]);
        if (err == CL_SUCCESS)
            err = api->EnqueueReadBuffer(g->queue, g->fp16 ? p->stage[dp->n_inputs + i] : p->mem[dp->outputs[i]], 0, 0,
                                         t->bytes, t->data, 0, NULL, NULL);
    }
    if (err == CL_SUCCESS) err = api->Finish(g->queue);
    if (err != CL_SUCCESS) {
        snprintf(error, error_size, "OpenCL error %d", (int)err);
        return TL_STATUS_INVOKE_FAILED;
    }
    return TL_STATUS_OK;
}

tl_delegate *tl_gpu_delegate_create(const tl_gpu_options *options, char *error, size_t error_size) {
    static const tl_gpu_options defaults = {0, NULL, NULL, 0};
    const tl_gpu_options *o = options ? options : &defaults;
    tl_gpu *g;
    cl_int err;
    if (error && error_size) error[0] = 0;
    if (o->device_type < 0 || o->device_type > 2) {
        snprintf(error, error_size, "device_type must be 0 (any), 1 (GPU) or 2 (CPU)");
        return NULL;
    }
    g = calloc(1, sizeof *g);
    if (g == NULL) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    g->fp16 = o->fp16 != 0;
    g->env = get_env(o, error, error_size);
    if (g->env && get_program(g->env, g->fp16, error, error_size) == NULL) g->env = NULL;
    if (g->env) {
        g->queue = g->env->api.CreateCommandQueue(g->env->context, g->env->device, 0, &err);
        if (g->queue == NULL || err != CL_SUCCESS) {
            snprintf(error, error_size, "clCreateCommandQueue failed (%d)", (int)err);
            g->env = NULL;
        }
    }
    if (g->env == NULL) {
        free(g);
        return NULL;
    }
    g->base.name = "gpu";
    g->base.user = g;
    g->base.claim = claim;
    g->base.prepare = prepare;
    g->base.invoke = invoke;
    return &g->base;
}

void tl_gpu_delegate_delete(tl_delegate *delegate) {
    tl_gpu *g = delegate ? delegate->user : NULL;
    int i;
    if (g == NULL) return;
    for (i = 0; i < g->n_parts; i++) part_free(g->parts[i]);
    free(g->parts);
    g->env->api.ReleaseCommandQueue(g->queue);
    free(g);
}

const char *tl_gpu_delegate_device_name(const tl_delegate *delegate) {
    const tl_gpu *g = delegate ? delegate->user : NULL;
    return g ? g->env->name : "";
}

int tl_gpu_delegate_device_has_fp16(const tl_delegate *delegate) {
    const tl_gpu *g = delegate ? delegate->user : NULL;
    return g ? g->env->has_fp16 : 0;
}
