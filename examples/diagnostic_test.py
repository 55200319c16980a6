"""A diagnostic test as string diagrams: prior, channel, joint through copy, marginals.

Run: python examples/diagnostic_test.py
"""

from fractions import Fraction

import markovcat as mc

Disease = mc.Obj("Disease", ("healthy", "ill"))
Test = mc.Obj("Test", ("negative", "positive"))

prior = mc.state(Disease, [Fraction(99, 100), Fraction(1, 100)], name="prior")
test = mc.kernel(
    Disease,
    Test,
    [[Fraction(19, 20), Fraction(1, 20)], [Fraction(1, 10), Fraction(9, 10)]],
    name="test",
)


@mc.program(mc.I, Disease @ Test)
def screening():
    d = prior()
    return d, test(d)


print("diagram:", screening)
print("joint:", screening.array.tolist())
evidence = mc.marginal(screening, [1])
print("P(positive) =", evidence.array[1])
assert evidence.array[1] == Fraction(117, 2000)
assert mc.allclose(mc.marginal(screening, [0]), prior)
