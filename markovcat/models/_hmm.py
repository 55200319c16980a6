"""The hidden Markov model ``I → H ⊗ O ⊗ H ⊗ O ⊗ …`` unrolled for a number of steps."""

from __future__ import annotations

from .._config import config
from .._diagram import Diagram
from .._errors import MemoryLimitError, TypeMismatchError
from .._objects import I, product
from .._program import program


def hidden_markov_model(init: Diagram, step: Diagram, emit: Diagram, length: int) -> Diagram:
    """The joint state ``I → H ⊗ O ⊗ H ⊗ O ⊗ …`` of a hidden Markov model of ``length`` steps.

    ``init : I → H`` is the initial state, ``step : H → H`` the transition and
    ``emit : H → O`` the observation channel. Hidden states sit at even factor positions,
    observations at odd ones, so ``{2 * t + 1: o}`` observes step ``t``.

    >>> import markovcat as mc
    >>> H, O = mc.Obj("H", 2), mc.Obj("O", 2)
    >>> hmm = hidden_markov_model(
    ...     mc.state(H, [1.0, 0.0]), mc.identity(H), mc.kernel(H, O, [[0.8, 0.2], [0.5, 0.5]]), 2
    ... )
    >>> mc.marginal(hmm, [3]).array.tolist()
    [0.8, 0.2]
    """
    for d, what in ((init, "init"), (step, "step"), (emit, "emit")):
        if not isinstance(d, Diagram):
            raise TypeMismatchError(
                f"hidden_markov_model: {what} must be a kernel or diagram, given {d!r:.80}"
            )
    if init.dom != I or init.cod != step.dom or step.cod != step.dom or emit.dom != step.cod:
        raise TypeMismatchError(
            "hidden_markov_model expects init : I → H, step : H → H and emit : H → O; given "
            f"init : {init.dom} → {init.cod}, step : {step.dom} → {step.cod}, "
            f"emit : {emit.dom} → {emit.cod}"
        )
    if isinstance(length, int) and length > config.max_elements:
        raise MemoryLimitError(
            f"hidden_markov_model: {length:,} steps is over mc.config.max_elements"
        )
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        raise TypeMismatchError(
            f"hidden_markov_model: length must be an int >= 1, given {length!r}"
        )
    H, O = step.cod, emit.cod

    def wires(x: object) -> tuple:
        return x if isinstance(x, tuple) else (x,)

    @program(I, product(*[H, O] * length))
    def hmm():  # traced by @program: wires, not values
        h = wires(init())
        out: list = []
        for t in range(length):
            if t:
                h = wires(step(*h))
            out += [*h, *wires(emit(*h))]
        return tuple(out)

    return hmm


__all__ = ["hidden_markov_model"]
