#!/usr/bin/env python3
"""Uses resources for the resources probe, prints "ready", then holds them until killed.

  probe-hog.py memory MB      allocates and touches MB MiB
  probe-hog.py cpu            spins one core
  probe-hog.py files N        opens N file descriptors
  probe-hog.py threads N      starts N sleeping threads
  probe-hog.py children N MB  forks N children that allocate MB MiB each (a process tree)
"""
import os
import sys
import threading
import time

what = sys.argv[1]
keep = []
if what == "memory":
    keep.append(bytearray(int(sys.argv[2]) * 1024 * 1024))  # zero-filled by the kernel on touch
    for i in range(0, len(keep[0]), 4096):
        keep[0][i] = 1
elif what == "cpu":
    print("ready", flush=True)
    while True:
        pass
elif what == "files":
    for _ in range(int(sys.argv[2])):
        keep.append(open(os.devnull))
elif what == "threads":
    for _ in range(int(sys.argv[2])):
        threading.Thread(target=time.sleep, args=(100000,), daemon=True).start()
elif what == "children":
    for _ in range(int(sys.argv[2])):
        if os.fork() == 0:
            block = bytearray(int(sys.argv[3]) * 1024 * 1024)
            for i in range(0, len(block), 4096):
                block[i] = 1
            os.write(1, b"child ready\n")  # one write: the children share the pipe
            time.sleep(100000)
            os._exit(0)
print("ready", flush=True)
time.sleep(100000)
