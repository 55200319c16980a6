"""Ready-made model diagrams built from kernels.

>>> import markovcat as mc
>>> from markovcat.models import hidden_markov_model
>>> H, O = mc.Obj("H", 2), mc.Obj("O", 2)
>>> init = mc.state(H, [0.5, 0.5])
>>> step = mc.kernel(H, H, [[0.9, 0.1], [0.2, 0.8]])
>>> emit = mc.kernel(H, O, [[0.7, 0.3], [0.1, 0.9]])
>>> hmm = hidden_markov_model(init, step, emit, 3)
>>> print(hmm.cod)
H ⊗ O ⊗ H ⊗ O ⊗ H ⊗ O
"""

from ._bayesian_network import bayesian_network
from ._hmm import hidden_markov_model
from ._lai_choi import Chain as Chain  # the result type of the builders
from ._lai_choi import bernoulli_laplace, curie_weiss

__all__ = ["bayesian_network", "bernoulli_laplace", "curie_weiss", "hidden_markov_model"]
