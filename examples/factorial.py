"""The exact digits of 20000! by an iterative big-integer loop written in Python itself (limbs of
fourteen decimal digits, least significant first), checkpointing as it goes. It runs for several
seconds: on a cluster with a 1 s timeout the task is cut off and resumes from its checkpoints
many times, and still prints every digit."""
import rt

BASE = 10**14


def multiply(limbs, k):
    carry = 0
    for i in range(len(limbs)):
        carry += limbs[i] * k
        limbs[i] = carry % BASE
        carry //= BASE
    while carry:
        limbs.append(carry % BASE)
        carry //= BASE


def factorial_digits(n):
    limbs = [1]
    for k in range(2, n + 1):
        multiply(limbs, k)
        rt.maybe_pause()
    top = str(limbs[-1])
    return top + "".join(str(limb).zfill(14) for limb in reversed(limbs[:-1]))


def main():
    digits = factorial_digits(20000)
    print(digits)
    return len(digits)
