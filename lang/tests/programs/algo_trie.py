class Trie:
    def __init__(self):
        self.root = {}
    def insert(self, word):
        node = self.root
        for ch in word:
            node = node.setdefault(ch, {})
        node['$'] = True
    def find(self, prefix):
        node = self.root
        for ch in prefix:
            if ch not in node:
                return []
            node = node[ch]
        out = []
        def walk(n, acc):
            for k in sorted(n):
                if k == '$':
                    out.append(prefix + acc)
                else:
                    walk(n[k], acc + k)
        walk(node, '')
        return out
t = Trie()
for w in ['car', 'card', 'care', 'cart', 'cat', 'dog', 'dot', 'do']:
    t.insert(w)
print(t.find('car'), t.find('do'), t.find('x'), t.find(''))
