"""Reading and writing: Bayesian networks in the BIF format, and markovcat's versioned JSON.

One job per module: ``_bif_parse`` (the BIF tokenizer and parser), ``_bif_tables`` (its
conditional tables, checked and normalised), ``_bif`` (``read_bif``, ``write_bif``,
``structure``), ``_json`` (the format: ``dumps``, ``loads``, ``save``, ``load``) with
``_json_write`` and ``_json_read``, and ``_sympy_codec`` (exact sympy entries as JSON).
Everything public is also ``mc.<name>``.

>>> import markovcat as mc
>>> from markovcat.io import dumps, loads
>>> loads(dumps(mc.state(mc.Bool, [0.25, 0.75]))).array.tolist()
[0.25, 0.75]
"""

from .._errors import BifFormatError, PersistenceError
from ._bif import read_bif, structure, write_bif
from ._json import FORMAT, VERSION, dumps, load, loads, save

__all__ = [
    "FORMAT",
    "VERSION",
    "BifFormatError",
    "PersistenceError",
    "dumps",
    "load",
    "loads",
    "read_bif",
    "save",
    "structure",
    "write_bif",
]
