# queue: Queue, LifoQueue, PriorityQueue, SimpleQueue, Empty, Full, with CPython 3.11's methods,
# errors and order (PriorityQueue by heapq). A job has one thread, so nothing can come to wait
# for: a `get` from an empty queue (or a `put` to a full one, or `join` with unfinished tasks)
# that would block without a timeout raises RuntimeError saying so instead of hanging forever;
# with a timeout it raises Empty (Full) at once, as CPython would once the time had passed.
import heapq


class Empty(Exception):
    pass


class Full(Exception):
    pass


def _forever(what):
    return RuntimeError(what + ' would wait forever: a job has one thread, so nothing else '
                        'can change the queue (use a timeout, the _nowait form, or a Kappa '
                        'queue between tasks)')


def _check_timeout(timeout):
    if timeout is not None and timeout < 0:
        raise ValueError("'timeout' must be a non-negative number")


class Queue:
    def __init__(self, maxsize=0):
        self.maxsize = maxsize
        self._init(maxsize)
        self.unfinished_tasks = 0

    def _init(self, maxsize):
        from collections import deque
        self.queue = deque()

    def _qsize(self):
        return len(self.queue)

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.popleft()

    def task_done(self):
        unfinished = self.unfinished_tasks - 1
        if unfinished < 0:
            raise ValueError('task_done() called too many times')
        self.unfinished_tasks = unfinished

    def join(self):
        if self.unfinished_tasks:
            raise _forever('Queue.join() with unfinished tasks')

    def qsize(self):
        return self._qsize()

    def empty(self):
        return not self._qsize()

    def full(self):
        return 0 < self.maxsize <= self._qsize()

    def put(self, item, block=True, timeout=None):
        if 0 < self.maxsize <= self._qsize():
            if not block:
                raise Full
            _check_timeout(timeout)
            if timeout is None:
                raise _forever('Queue.put() on a full queue')
            raise Full
        self._put(item)
        self.unfinished_tasks += 1

    def get(self, block=True, timeout=None):
        if not self._qsize():
            if not block:
                raise Empty
            _check_timeout(timeout)
            if timeout is None:
                raise _forever('Queue.get() on an empty queue')
            raise Empty
        return self._get()

    def put_nowait(self, item):
        return self.put(item, block=False)

    def get_nowait(self):
        return self.get(block=False)


class PriorityQueue(Queue):
    def _init(self, maxsize):
        self.queue = []

    def _qsize(self):
        return len(self.queue)

    def _put(self, item):
        heapq.heappush(self.queue, item)

    def _get(self):
        return heapq.heappop(self.queue)


class LifoQueue(Queue):
    def _init(self, maxsize):
        self.queue = []

    def _qsize(self):
        return len(self.queue)

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.pop()


class SimpleQueue:
    def __init__(self):
        from collections import deque
        self._queue = deque()

    def put(self, item, block=True, timeout=None):
        self._queue.append(item)

    def put_nowait(self, item):
        self._queue.append(item)

    def get(self, block=True, timeout=None):
        if not self._queue:
            if not block:
                raise Empty
            _check_timeout(timeout)
            if timeout is None:
                raise _forever('SimpleQueue.get() on an empty queue')
            raise Empty
        return self._queue.popleft()

    def get_nowait(self):
        return self.get(False)

    def empty(self):
        return len(self._queue) == 0

    def qsize(self):
        return len(self._queue)
