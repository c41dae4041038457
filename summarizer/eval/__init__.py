"""Scoring briefings against hand-written gold files.

:mod:`summarizer.eval.gold` loads and validates gold files; :mod:`summarizer.eval.scoring`
compares a briefing with one gold case (pure functions, no model) and aggregates a suite.
"""
