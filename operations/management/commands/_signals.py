import signal
import sys
import threading


def exit_cleanly_on_sigterm() -> None:
    """systemd stops a unit with SIGTERM, which by default ends Python without running ``finally``: a partial
    backup file, decrypted scratch files or a scratch database would be left behind. As SystemExit the
    clean-up runs. (Only the main thread may set a handler; a command called from another has none.)"""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(128 + signal.SIGTERM))
