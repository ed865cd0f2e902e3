# Compiled patterns used across many snapshots (the automaton is rebuilt after each restore).
import re
word = re.compile(r'[a-z]+')
num = re.compile(r'\d+')
counts = {'w': 0, 'n': 0}
for i in range(300):
    line = 'item%d costs %d coins' % (i, i * 7 % 13)
    counts['w'] += len(word.findall(line))
    counts['n'] += sum(int(x) for x in num.findall(line))
print(counts, word.pattern, num.sub('#', 'a1b22'))
