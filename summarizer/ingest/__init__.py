"""Reading an article: bounded bytes → decoded text → cleaned text (HTML → article text) → ``Article``."""

from summarizer.ingest.article import DEFAULT_MAX_BYTES, Article, article_from_text, load_article
from summarizer.ingest.decoding import decode_bytes

__all__ = ["DEFAULT_MAX_BYTES", "Article", "article_from_text", "decode_bytes", "load_article"]
