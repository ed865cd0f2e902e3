"""External calls that must happen exactly once: the root and four children each call the
`counter` service (register it with `slnode service add counter --url http://…`) several times,
with CPU work between the calls, so a worker killed or timed out mid-way resumes in the middle.
Each call carries an idempotency key (task, seq); nothing is re-issued under a new key."""
import rt

CALLS = 5


def busy(n):
    total = 0
    for k in range(n):
        total += k % 7
    return total


def caller(who, work):
    answers = []
    for i in range(CALLS):
        busy(work)
        answer = rt.external("counter", {"who": who, "i": i})
        answers.append(answer["n"])
    return answers


def main():
    children = [rt.spawn(caller, ("child-" + str(c), 150_000)) for c in range(4)]
    mine = caller("root", 12_000_000)
    every = mine + [n for f in children for n in f.wait()]
    print("calls:", len(every), "distinct answers:", len(set(every)))
    return len(set(every))
