from collections import Counter, defaultdict
words = ['listen', 'silent', 'enlist', 'google', 'gooegl', 'cat', 'act', 'tac', 'dog']
groups = defaultdict(list)
for w in words:
    groups[''.join(sorted(w))].append(w)
for key in sorted(groups):
    print(key, groups[key])
def is_anagram(a, b):
    return Counter(a) == Counter(b)
print(is_anagram('listen', 'silent'), is_anagram('abc', 'abd'))
votes = ['b', 'a', 'c', 'b', 'a', 'b', 'd', 'c', 'a', 'a']
tally = Counter(votes)
winner, count = tally.most_common(1)[0]
print(winner, count, tally.most_common())
inv = Counter({'apple': 3, 'pear': 0, 'plum': 2})
print([k for k, v in inv.items() if v], sum(inv.values()))
del inv['pear']; print(inv)
