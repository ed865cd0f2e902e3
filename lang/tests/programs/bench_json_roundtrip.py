# JSON dump/load round trips (pyperformance json_dumps/json_loads style), written for the corpus.
import json
EMPTY = ({}, 2000)
SIMPLE = ({'key1': 0, 'key2': True, 'key3': 'value', 'key4': 'foo', 'key5': 'string'}, 200)
NESTED = ({'key1': 0, 'key2': SIMPLE[0], 'key3': 'value', 'key4': [1, 2, 3], 'key5': {'a': [None, 1.5]}}, 100)
HUGE = ([NESTED[0]] * 50, 4)
total = 0
for obj, reps in (EMPTY, SIMPLE, NESTED, HUGE):
    for _ in range(reps):
        text = json.dumps(obj)
        back = json.loads(text)
        total += len(text)
    print(len(text), back == obj)
print(total)
