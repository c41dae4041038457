"""Scoring briefings against hand-written gold files (rules: evals/README.md).

In data-flow order: :mod:`~summarizer.eval.gold` loads gold files; :mod:`~summarizer.eval.runner`
summarizes each case; :mod:`~summarizer.eval.scoring` scores one case with
:mod:`~summarizer.eval.matching` and :mod:`~summarizer.eval.similarity`;
:mod:`~summarizer.eval.aggregation` counts and pools into :mod:`~summarizer.eval.results`;
:mod:`~summarizer.eval.runfile` writes and reads the run file; :mod:`~summarizer.eval.report`
renders it.
"""
