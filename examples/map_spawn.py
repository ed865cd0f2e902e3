"""map_spawn over range(5) with a future as an extra argument: each child receives its
element and the future's value. 0+1+2+3+4 + 5*3 = 25."""
import rt


def three():
    return 3


def plus(x, k):
    return x + k


def main():
    k = rt.spawn(three)
    futures = rt.map_spawn(plus, range(5), extra_args=(k,))
    return sum(f.wait() for f in futures)
