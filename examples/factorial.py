"""The exact digits of 20000! by an iterative big-integer loop, checkpointing as it goes: on a
cluster with a 1 s timeout the task is cut off and resumes from its checkpoints many times."""
import rt


def factorial(n):
    result = 1
    for i in range(2, n + 1):
        result *= i
        if i % 500 == 0:
            rt.maybe_pause()
    return result


def main():
    digits = str(factorial(20000))
    print(len(digits), digits[:20], digits[-20:])
    return len(digits)
