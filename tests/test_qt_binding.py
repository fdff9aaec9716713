"""The Qt binding PerfDesk is pinned to must survive a long session.

PySide6 6.12.0 on Python 3.11 drops a reference to `True` on every signal
emitted from Python; after some thousands of emits (a few minutes of
resizing charts) the interpreter aborts with "bool_dealloc". The pin in
constraints.txt avoids it; this test fails loudly if an upgrade brings it
back, rather than users finding out.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_emitting_signals_does_not_leak_references() -> None:
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QObject, Signal

        class Source(QObject):
            fired = Signal()

        source = Source()
        before = sys.getrefcount(True)
        for _ in range(20_000):
            source.fired.emit()
        print(sys.getrefcount(True) - before)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, f"the Qt binding crashed: {done.stderr[-400:]}"
    assert abs(int(done.stdout.strip())) < 100
