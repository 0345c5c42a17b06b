"""What every test server of Tests/Support/ does to start and stop (imported by the servers beside it)."""
import os
import signal
import threading
import time


def stop_with_parent():
    """Lets the test process stop this server: SIGTERM may be handed down ignored or blocked, so it is restored;
    and the server exits by itself once the process that started it is gone, however that ended."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def serve(server):
    """Prints "PORT <n>" once `server` (an http.server bound to port 0) listens, then serves until stopped."""
    stop_with_parent()
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()
