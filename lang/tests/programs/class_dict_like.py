class DefaultDict:
    def __init__(self, factory):
        self.factory = factory
        self.data = {}
    def __getitem__(self, key):
        if key not in self.data:
            self.data[key] = self.factory()
        return self.data[key]
    def __setitem__(self, key, value):
        self.data[key] = value
    def __contains__(self, key):
        return key in self.data
    def __len__(self):
        return len(self.data)
    def __iter__(self):
        return iter(self.data)
    def items(self):
        return self.data.items()

groups = DefaultDict(list)
for word in "apple avocado banana blueberry cherry".split():
    groups[word[0]].append(word)
print(len(groups), "a" in groups, "z" in groups, sorted(groups))
for k, v in groups.items():
    print(k, v)
counter = DefaultDict(int)
for ch in "mississippi":
    counter[ch] += 1
print(sorted(counter.items()))
