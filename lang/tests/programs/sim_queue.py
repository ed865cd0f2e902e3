class Queue:
    def __init__(self):
        self.inbox, self.outbox = [], []
    def put(self, x):
        self.inbox.append(x)
    def get(self):
        if not self.outbox:
            while self.inbox:
                self.outbox.append(self.inbox.pop())
        if not self.outbox:
            raise IndexError("get from empty queue")
        return self.outbox.pop()
    def __len__(self):
        return len(self.inbox) + len(self.outbox)

q = Queue()
for i in range(5):
    q.put(i)
print(q.get(), q.get(), len(q))
q.put(99)
print([q.get() for _ in range(len(q))])
try:
    q.get()
except IndexError as e:
    print("error:", e)

def round_robin(tasks):
    queue = Queue()
    for t in tasks:
        queue.put(t)
    order = []
    while len(queue):
        name, left = queue.get()
        order.append(name)
        if left > 1:
            queue.put((name, left - 1))
    return order
print(round_robin([("a", 3), ("b", 1), ("c", 2)]))
