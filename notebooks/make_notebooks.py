"""Write the gallery notebooks from their cell sources (keeps them reviewable as code).

Run: python notebooks/make_notebooks.py
"""

import pathlib

import nbformat

HERE = pathlib.Path(__file__).parent
NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}


def notebook(name: str, cells: list[tuple[str, str]]) -> None:
    NOTEBOOKS[name] = cells


notebook("01_tour.ipynb", [
    ("md", "# 1. A tour of markovcat\n\nObjects are finite sets, morphisms are Markov kernels. "
           "`>>` composes (first, then), `@` runs side by side; `copy`, `delete` and `swap` "
           "move wires. Every diagram compiles to one tensor contraction."),
    ("code", "import markovcat as mc\nfrom fractions import Fraction\n\n"
             "Disease = mc.Obj('Disease', ('healthy', 'ill'))\nTest = mc.Obj('Test', ('negative', 'positive'))\n"
             "prior = mc.state(Disease, [Fraction(99, 100), Fraction(1, 100)], name='prior')\n"
             "test = mc.kernel(Disease, Test, [[Fraction(19, 20), Fraction(1, 20)], [Fraction(1, 10), Fraction(9, 10)]], name='test')\n"
             "test"),
    ("md", "Composition pushes the prior through the test: the probability of a positive result."),
    ("code", "evidence = mc.evaluate(prior >> test)\nassert evidence.array[1] == Fraction(117, 2000)\nevidence"),
    ("md", "Copying the disease wire before testing gives the joint state; deleting a wire marginalises it."),
    ("code", "joint = prior >> mc.copy(Disease) >> (mc.identity(Disease) @ test)\nprint(joint)\nmc.evaluate(joint)"),
    ("code", "assert mc.allclose(mc.marginal(joint, [0]), prior)\nmc.marginal(joint, [1])"),
    ("md", "The same model as a program: a wire used twice is copied, one unused is deleted."),
    ("code", "@mc.program(mc.I, Disease @ Test)\ndef screening():\n    d = prior()\n    return d, test(d)\n\n"
             "print(screening)\nassert screening == joint"),
])


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src) for kind, src in cells]
        nbformat.write(nb, HERE / name)


if __name__ == "__main__":
    main()
