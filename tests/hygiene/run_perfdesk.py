"""Run `perfdesk ARGS` in this process as the command would, recording any
network use Python sees, and with no ARGS start the window and close it as
soon as it has been shown (a zero timer: it fires once the event loop runs,
after the first frame; no sleeps), printing its banner (read-only, and why).

    python run_perfdesk.py NETWORK_LOG [ARGS...]
    python run_perfdesk.py NETWORK_LOG --many '[["plans", ...], ...]'

NETWORK_LOG gets one line per socket.connect / getaddrinfo / sendto seen by
the audit hook (PEP 578), so a test can assert it stays empty.
"""

from __future__ import annotations

import sys

WATCHED = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto",
           "socket.sendmsg", "urllib.Request", "http.client.connect"}


def main() -> int:
    record, args = sys.argv[1], sys.argv[2:]

    def hook(event: str, details: tuple[object, ...]) -> None:
        if event in WATCHED:
            with open(record, "a", encoding="utf-8") as out:
                out.write(f"{event} {details!r}\n")

    sys.addaudithook(hook)
    from perfdesk.cli import main as perfdesk

    if args[:1] == ["--many"]:  # --many JSON: several commands, each [args...], in turn
        import glob
        import json

        for given in json.loads(args[1]):  # an argument with a * is the files made so far
            one = [x for arg in given for x in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
            code = perfdesk(one)
            print(f"EXIT {code} {' '.join(one)}", flush=True)
        return 0

    if not args or args[0].startswith("--"):  # the window
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1])

        def close_windows() -> None:
            for widget in app.topLevelWidgets():
                banner = getattr(widget, "banner", None)
                if banner is not None and banner.isVisible():  # the main window's banner
                    print(f"BANNER: {banner.text()}", flush=True)
                if widget.isVisible():
                    widget.close()
            app.quit()

        QTimer.singleShot(0, close_windows)
    return perfdesk(args)


if __name__ == "__main__":
    sys.exit(main())
