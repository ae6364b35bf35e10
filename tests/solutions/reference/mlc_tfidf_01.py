"""Reference solution for mlc-tfidf-01 (checked against its hidden tests by tests/test_coderun.py)."""
import math
import re
from collections import Counter


def tfidf(docs):
    tokenised = [re.findall(r"[a-z0-9]+", doc.lower()) for doc in docs]
    n_docs = len(docs)
    df = Counter()
    for tokens in tokenised:
        df.update(set(tokens))  # each term counted once per document
    idf = {t: math.log((1 + n_docs) / (1 + c)) + 1 for t, c in df.items()}
    vectors = []
    for tokens in tokenised:
        weights = {t: c * idf[t] for t, c in Counter(tokens).items()}
        norm = math.sqrt(sum(v * v for v in weights.values()))
        vectors.append({t: v / norm for t, v in weights.items()} if norm > 0 else {})
    return vectors
