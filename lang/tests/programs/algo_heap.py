class MinHeap:
    def __init__(self):
        self.items = []
    def push(self, x):
        self.items.append(x)
        i = len(self.items) - 1
        while i > 0:
            parent = (i - 1) // 2
            if self.items[parent] <= self.items[i]:
                break
            self.items[parent], self.items[i] = self.items[i], self.items[parent]
            i = parent
    def pop(self):
        items = self.items
        top = items[0]
        last = items.pop()
        if items:
            items[0] = last
            i = 0
            while True:
                smallest = i
                for child in (2 * i + 1, 2 * i + 2):
                    if child < len(items) and items[child] < items[smallest]:
                        smallest = child
                if smallest == i:
                    break
                items[i], items[smallest] = items[smallest], items[i]
                i = smallest
        return top
    def __len__(self):
        return len(self.items)

h = MinHeap()
for x in [5, 3, 8, 1, 9, 2, 7]:
    h.push(x)
print([h.pop() for _ in range(len(h))])
h2 = MinHeap()
for word in "the quick brown fox jumps over the lazy dog".split():
    h2.push((len(word), word))
out = []
while h2:
    out.append(h2.pop())
print(out)
