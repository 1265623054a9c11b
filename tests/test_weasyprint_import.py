"""WeasyPrint is loaded without the library search that starts ldconfig, gcc and ld for each
of its libraries' other names (Kozea/WeasyPrint#1125), and as before where that search is
what finds them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Counts the processes started while the code that follows runs, then prints the count.
COUNT_PROCESSES = """
import json, subprocess
started = []
real = subprocess.Popen.__init__
def counted(self, args, *rest, **kwargs):
    started.append(str(args))
    return real(self, args, *rest, **kwargs)
subprocess.Popen.__init__ = counted
{code}
print(json.dumps(started))
"""


def _processes_started(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", COUNT_PROCESSES.format(code=code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.process
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is skipped on Linux")
def test_weasyprint_is_loaded_without_starting_a_process():
    # What WeasyPrint does on its own here: a search, in processes, for every other name.
    assert _processes_started("import weasyprint") != []
    ncpi = "from ncpi.pdf.document import import_weasyprint; import_weasyprint()"
    assert _processes_started(ncpi) == []


@pytest.mark.process
def test_libraries_only_the_search_finds_are_still_found():
    # dlopen finds nothing by itself while the search is skipped: the import runs again.
    code = """
import _cffi_backend, ctypes.util
from ncpi.pdf import document
real_load = _cffi_backend.load_library
def load_library(name, *args):
    if ctypes.util.find_library is document._no_library_search:
        raise OSError(f"cannot load library {name!r}")
    return real_load(name, *args)
_cffi_backend.load_library = load_library
document.import_weasyprint()
import weasyprint
assert weasyprint.HTML(string="<p>ok</p>").render().pages
print("loaded")
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout == "loaded\n"
