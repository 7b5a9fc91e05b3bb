"""Writes cl_source.c (the OpenCL kernels as a C string) from kernels.cl: python3 embed_cl.py.
The C file is committed, so builds need no Python; tests/gpu checks it is up to date."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def render() -> str:
    with open(os.path.join(HERE, "kernels.cl")) as f:
        lines = f.read().splitlines()
    # one string per line: C99 compilers need only take 4095-byte literals (-pedantic warns beyond)
    body = "\n".join('    "' + line.replace("\\", "\\\\").replace('"', '\\"') + '\\n",' for line in lines)
    return ("/* Generated from kernels.cl by embed_cl.py: edit kernels.cl and rerun it. */\n"
            "#include \"tl_gpu_internal.h\"\n\n"
            "const char *const tl_gpu_kernels_source[] = {\n" + body + "\n};\n"
            "const unsigned tl_gpu_kernels_lines = sizeof tl_gpu_kernels_source / sizeof tl_gpu_kernels_source[0];\n")


if __name__ == "__main__":
    with open(os.path.join(HERE, "cl_source.c"), "w") as f:
        f.write(render())
