"""How `interviewer eval` should turn a reference answer into rubric points, measured.

Four constructions, each scored by the product's own scorer (`interviewer eval`'s pipeline) on the
SemEval-2013 `train` questions held out from the verifier (read from ../shared/eval; never a test
split) and the dev questions of our CS short-answer set: one point holding the whole reference; one
point per sentence (scorer 2.1); a point per sentence plus a point per clause, each set holding half
the weight (2.2-2.3); the same with each clause cut again where its reason begins, "because",
"since"... (shipped: interviewer.evaluate.reference_question). Prints ROC AUC and Pearson r per
dataset.

Run: .venv/bin/python -m benchmarks.reference_rubric   (about 3 minutes on 2 cores)
"""
from __future__ import annotations

import dataclasses
import functools
import sys

from interviewer import evaluate
from interviewer.records import Question

from .common import CS_SET, reference_point_question
from .compare import semeval_items


def whole_reference(qid: str, prompt: str, reference: str) -> Question:
    return reference_point_question(prompt, reference).model_copy(update={"id": qid})


def sentences_only(qid: str, prompt: str, reference: str) -> Question:
    q = evaluate.reference_question(qid, prompt, reference)
    return q.model_copy(update={"points": [p for p in q.points if p.id.startswith("r")]})


CONSTRUCTIONS: dict[str, evaluate.Rubric] = {
    "whole reference, one point": whole_reference,
    "a point per sentence (2.1)": sentences_only,
    "sentences + clauses (2.3)": functools.partial(evaluate.reference_question, cut_reasons=False),
    "+ reasons cut apart (shipped)": evaluate.reference_question,
}


def held_out_items() -> list[evaluate.Item]:
    """The held-out train questions as `interviewer eval` reads them, with the dataset as the split, and
    the CS short-answer dev questions."""
    return ([dataclasses.replace(it, split=group.split()[0])
             for group, items in semeval_items("val", None).items() for it in items]
            + [dataclasses.replace(it, split="cs dev") for it in evaluate.load_dataset(CS_SET) if it.split == "dev"])


def main() -> int:
    items = held_out_items()
    print(f"{'rubric from the reference':<32}{'dataset':<14}{'n':>6}{'AUC':>8}{'pearson':>9}")
    for name, rubric in CONSTRUCTIONS.items():
        result = evaluate.report(items, evaluate.predict(items, rubric=rubric, progress=False))
        for split in ("beetle", "scientsbank", "cs dev"):
            m = result["splits"][split]["scorer"]
            print(f"{name:<32}{split:<14}{result['split_sizes'][split]:>6}{m['auc']:>8.3f}{m['pearson']:>9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
