"""How to talk to a model: Instructor over the openai SDK, with retries, the compact grammar, scrubbing, usage and a cache."""

from summarizer.llm.client import LLM, MODES, ReplyFailed
from summarizer.llm.grammar import JSON_LAYOUT, compact_grammar
from summarizer.llm.retry import RetryPolicy
from summarizer.llm.secrets import redact
from summarizer.llm.usage import CallLog, CallRecord

__all__ = ["JSON_LAYOUT", "LLM", "MODES", "CallLog", "CallRecord", "ReplyFailed", "RetryPolicy", "compact_grammar", "redact"]
