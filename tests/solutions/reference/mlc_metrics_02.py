"""Reference solution for mlc-metrics-02 (checked against its hidden tests by tests/test_coderun.py)."""
def precision_recall_f1(y_true, scores, threshold):
    tp = fp = fn = 0
    for label, score in zip(y_true, scores):
        predicted = score >= threshold
        if predicted and label == 1:
            tp += 1
        elif predicted:
            fp += 1
        elif label == 1:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
