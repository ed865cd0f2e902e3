from collections import OrderedDict
class LRU:
    def __init__(self, capacity):
        self.capacity = capacity
        self.data = OrderedDict()
    def get(self, key):
        if key not in self.data:
            return -1
        self.data.move_to_end(key)
        return self.data[key]
    def put(self, key, value):
        if key in self.data:
            self.data.move_to_end(key)
        self.data[key] = value
        if len(self.data) > self.capacity:
            self.data.popitem(last=False)
cache = LRU(2)
cache.put(1, 1); cache.put(2, 2); print(cache.get(1))
cache.put(3, 3); print(cache.get(2))
cache.put(4, 4); print(cache.get(1), cache.get(3), cache.get(4))
print(cache.data)
od = OrderedDict.fromkeys('abcde', 0)
od.move_to_end('b'); od.move_to_end('e', last=False)
print(list(od.keys()), od.popitem(), od.popitem(last=False), od)
print(OrderedDict(a=1, b=2) == OrderedDict(b=2, a=1), OrderedDict(a=1, b=2) == {'b': 2, 'a': 1})
print(list(reversed(OrderedDict(x=1, y=2, z=3))), OrderedDict())
