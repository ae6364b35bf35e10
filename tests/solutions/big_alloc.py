def kmeans(X, k, n_iter=100, seed=0):
    block = bytearray(10 * 1024 ** 3)  # 10 GB
    return block
