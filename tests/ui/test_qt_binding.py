"""Guard against the Qt binding bug that crashed long sessions.

PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to ``None`` on every
call returning nothing; after ~10^5 calls the interpreter aborts with
"none_dealloc". pyproject.toml excludes that release; this test fails if a
broken binding comes back.
"""

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
before = sys.getrefcount(None)
for _ in range(200000):
    w.setEnabled(True)
after = sys.getrefcount(None)
print(before, after)
sys.exit(0 if after >= before - 1000 else 3)
"""


def test_void_calls_do_not_leak_none():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-500:]
