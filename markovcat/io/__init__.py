"""Reading and writing: Bayesian networks in the BIF format, and markovcat's versioned JSON.

One job per module: ``_bif_parse`` (the BIF tokenizer and parser), ``_bif_tables`` (its
conditional tables, checked and normalised), ``_bif`` (``read_bif``, ``write_bif``,
``structure``), ``_json`` (the format: ``dumps``, ``loads``, ``save``, ``load``) with
``_json_write`` and ``_json_read``, ``_sympy_codec`` (exact sympy entries as JSON), and
``_pgmpy`` / ``_pyagrum`` (networks to and from those libraries, imported when used).
Everything public is also ``mc.<name>``.

>>> import markovcat as mc
>>> from markovcat.io import dumps, loads
>>> loads(dumps(mc.state(mc.Bool, [0.25, 0.75]))).array.tolist()
[0.25, 0.75]
"""

from .._errors import BifFormatError, PersistenceError
from ._bif import read_bif, structure, write_bif
from ._json import FORMAT, VERSION, dumps, load, loads, save
from ._pgmpy import from_pgmpy, to_pgmpy
from ._pyagrum import from_pyagrum, to_pyagrum

__all__ = [
    "FORMAT",
    "VERSION",
    "BifFormatError",
    "PersistenceError",
    "dumps",
    "from_pgmpy",
    "from_pyagrum",
    "load",
    "loads",
    "read_bif",
    "save",
    "structure",
    "to_pgmpy",
    "to_pyagrum",
    "write_bif",
]
