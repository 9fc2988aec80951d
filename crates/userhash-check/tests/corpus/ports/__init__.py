"""The corpus's wrong ports, one module per stage of issue 10; importing registers them all.

Registration order (this import order, then file order) is the order of `adapter.py --list`
and of the tables in docs/DIAGNOSIS.md.
"""
from . import selection, rendering, text, encoding, key, digest, output, verifier, combination  # noqa: F401
from . import held_out  # noqa: F401  (last: the held-out set, see its docstring)
