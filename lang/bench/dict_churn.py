# A sliding window: every step adds the newest key and removes the oldest (an LRU cache's
# pattern), in a dict and in a set.
window = {}
seen = set()
total = 0
for i in range(300000):
    window[i] = i
    seen.add(i)
    if i >= 1000:
        total += window.pop(i - 1000)
        seen.discard(i - 1000)
print(len(window), len(seen), total)
