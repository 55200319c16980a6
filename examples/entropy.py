"""Entropy is distance from determinism.

A kernel f is deterministic exactly when copy∘f == (f ⊗ f)∘copy. The divergence between the
two sides measures how far f is from deterministic; with KL it is Shannon entropy, with the
Rényi divergence of order a it is Rényi entropy of order 2 − a, with total variation the
Gini–Simpson index. Run: python examples/entropy.py
"""

import itertools
import math

import sympy

import markovcat as mc
from markovcat.backends import ops

Weather = mc.Obj("Weather", ("sun", "cloud", "rain"))
p = mc.state(Weather, [0.5, 0.25, 0.25], name="p")

# the two sides of the determinism equation, as diagrams
lhs = p >> mc.copy(Weather)  # copy∘p: the diagonal
rhs = p @ p  # (p ⊗ p)∘copy(I) = p ⊗ p
print("copy∘p =", lhs.array.tolist())
print("p ⊗ p  =", rhs.array.tolist())

# entropy = divergence between them, for three divergences
for D, closed, name in (
    (mc.KL, mc.shannon_entropy(p), "Shannon"),
    (mc.Renyi(0), mc.renyi_entropy(p, 2), "Rényi of order 2"),
    (mc.TotalVariation, mc.gini_simpson(p), "Gini–Simpson"),
):
    value = mc.entropy(p, divergence=D)
    print(f"entropy(p, {D!r}) = {value:.6f}   ({name}: {closed:.6f})")
    assert abs(value - closed) < 1e-12
    assert abs(D(lhs, rhs) - value) < 1e-12  # literally the divergence of the two diagrams

print("Shannon entropy in bits:", mc.entropy(p, base=2))
assert mc.entropy(p, base=2) == 1.5

# exact arithmetic: on the sympy backend (0.5 and 0.25 are exact binary fractions)
exact = mc.entropy(p.to("sympy"))
print("exact:", exact, "=", sympy.N(exact, 12), "nats")
assert sympy.expand(exact - 3 * sympy.log(2) / 2) == 0

# Rényi entropy against its order: non-increasing, from log 3 (order 0) to log 2 (order ∞)
orders = (0, 0.5, 1, 2, 10, math.inf)
values = [mc.renyi_entropy(p, b) for b in orders]
print("Rényi entropy by order:", [f"{b}: {v:.4f}" for b, v in zip(orders, values)])
assert all(a >= b - 1e-12 for a, b in itertools.pairwise(values))

# a kernel's entropy is the sup over inputs; with a prior it is the conditional entropy
Season = mc.Obj("Season", ("summer", "winter"))
climate = mc.kernel(
    Season, Weather, {"summer": {"sun": 0.8, "cloud": 0.2}, "winter": {"cloud": 0.5, "rain": 0.5}}
)
seasons = mc.state(Season, [0.5, 0.5])
print("entropy(climate) (sup over seasons) =", round(mc.entropy(climate, base=2), 4), "bits")
print("H(Weather | Season) =", round(mc.conditional_entropy(climate, seasons, base=2), 4), "bits")

# mutual information: divergence of a joint from the product of its marginals
joint = seasons >> mc.copy(Season) >> (mc.identity(Season) @ climate)
mi = mc.mutual_information(joint, base=2)
print("I(Season; Weather) =", round(mi, 4), "bits")
weather = joint >> (mc.delete(Season) @ mc.identity(Weather))
assert (
    abs(mi - (mc.entropy(weather, base=2) - mc.conditional_entropy(climate, seasons, base=2)))
    < 1e-12
)


# your own divergence: squared Hellinger distance, a SumDivergence
class Hellinger2(mc.SumDivergence):
    name, logarithmic, off_diagonal = "Hellinger²", False, 0.5

    def term(self, a, b):
        return (ops.power(a, 0.5) - ops.power(b, 0.5)) ** 2 / 2


h = mc.entropy(p, divergence=Hellinger2())
print(
    "Hellinger² entropy =",
    round(h, 6),
    "= 1 − Σ p^(3/2):",
    round(1 - sum(x**1.5 for x in (0.5, 0.25, 0.25)), 6),
)
assert abs(h - (1 - sum(x**1.5 for x in (0.5, 0.25, 0.25)))) < 1e-12
