# A small task scheduler in the spirit of the Richards benchmark (written anew): tasks with
# priorities pass packets through a work queue until every packet is processed.
from collections import deque
class Packet:
    def __init__(self, kind, dest, datum=0):
        self.kind = kind
        self.dest = dest
        self.datum = datum
class Task:
    def __init__(self, ident, priority, handler):
        self.ident = ident
        self.priority = priority
        self.handler = handler
        self.inbox = deque()
        self.held = False
        self.handled = 0
class Scheduler:
    def __init__(self):
        self.tasks = {}
        self.log = []
    def add(self, task):
        self.tasks[task.ident] = task
    def send(self, packet):
        self.tasks[packet.dest].inbox.append(packet)
    def run(self, limit):
        steps = 0
        while steps < limit:
            ready = [t for t in self.tasks.values() if t.inbox and not t.held]
            if not ready:
                break
            task = max(ready, key=lambda t: (t.priority, -t.ident))
            packet = task.inbox.popleft()
            task.handled += 1
            task.handler(self, task, packet)
            steps += 1
        return steps
def idle(s, t, p):
    if p.datum < 40:
        s.send(Packet('work', 2, p.datum + 1))
def worker(s, t, p):
    dest = 3 if p.datum % 2 else 4
    s.send(Packet('dev', dest, p.datum * 3 % 17))
    if p.datum % 5 == 0:
        s.send(Packet('idle', 1, p.datum + 1))
def device(s, t, p):
    s.log.append((t.ident, p.datum))
    if p.datum > 10:
        s.send(Packet('idle', 1, p.datum))
s = Scheduler()
s.add(Task(1, 1, idle)); s.add(Task(2, 5, worker)); s.add(Task(3, 3, device)); s.add(Task(4, 4, device))
s.send(Packet('idle', 1, 0))
print(s.run(10000), [(t.ident, t.handled) for t in s.tasks.values()], len(s.log), s.log[:8])
