"""Recursive Fibonacci where every call is a task: spawn both halves, wait on both."""
import rt


def fib(n):
    if n < 2:
        return n
    a = rt.spawn(fib, (n - 1,))
    b = rt.spawn(fib, (n - 2,))
    return a.wait() + b.wait()


def handler(event, context):
    return fib(event.get("n", 6))
