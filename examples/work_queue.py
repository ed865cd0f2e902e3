"""Ten workers drain one queue of numbers until each sees a sentinel; the root sums their sums."""
import rt

WORKERS = 10


def worker(queue):
    total = 0
    while True:
        item = queue.dequeue()
        if item is None:
            return total
        total += item


def main():
    queue = rt.create_queue(16)
    futures = [rt.spawn(worker, (queue,)) for _ in range(WORKERS)]
    for i in range(1000):
        queue.enqueue(i)
    for _ in range(WORKERS):
        queue.enqueue(None)
    return sum(f.wait() for f in futures)
