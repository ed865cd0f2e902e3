from itertools import cycle, islice, groupby, accumulate, chain, product
workers = ['ann', 'bob', 'cy']
jobs = ['j%d' % i for i in range(8)]
assignment = list(zip(jobs, cycle(workers)))
print(assignment)
by_worker = {w: [j for j, x in assignment if x == w] for w in workers}
print(by_worker)
durations = [3, 1, 4, 1, 5, 9, 2, 6]
ends = list(accumulate(durations))
print(ends, list(zip([0] + ends, ends))[:3])
shifts = list(product(['mon', 'tue'], ['am', 'pm']))
print(shifts, list(islice(cycle(shifts), 5, 7)))
log = sorted(['b:2', 'a:1', 'a:3', 'c:1', 'b:5'])
for key, entries in groupby(log, key=lambda s: s[0]):
    print(key, sum(int(e[2:]) for e in entries))
print(list(chain(*[[w] * 2 for w in workers])))
