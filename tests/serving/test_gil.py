"""The server runs models in a thread pool; that only helps if the binding lets go of the GIL while the C runtime
invokes (cffi's out-of-line API mode releases it around every C call). With a switch interval of 5 s the invoking
thread would keep the GIL between invokes, so another thread runs Python only while an invoke has released it."""
import sys
import threading
import time

import numpy as np
from tensorlite.runtime import Interpreter

from tests.serving.server import SLOW_MODEL


def test_invoke_releases_the_gil():
    it = Interpreter(model_path=str(SLOW_MODEL))
    it.allocate_tensors()
    d = it.get_input_details()[0]
    it.set_tensor(d["index"], np.zeros(d["shape"], np.float32))
    it.invoke()
    ticks, go, done = [0], threading.Event(), threading.Event()

    def other():
        go.wait()
        while not done.is_set():
            ticks[0] += 1
            time.sleep(0.0002)  # gives the GIL back, so the invoking thread never waits for the switch interval

    t = threading.Thread(target=other)
    t.start()
    old = sys.getswitchinterval()
    sys.setswitchinterval(5.0)
    try:
        go.set()
        start = time.perf_counter()
        invokes = 0
        while time.perf_counter() - start < 0.3:
            it.invoke()
            invokes += 1
        seen = ticks[0]
    finally:
        done.set()
        sys.setswitchinterval(old)
        t.join()
    assert seen >= 10, (seen, invokes)
