from collections import namedtuple
import json
Row = namedtuple('Row', ['id', 'city', 'temp'])
rows = [Row(1, 'Oslo', -3.5), Row(2, 'Lima', 19.0), Row(3, 'Cairo', 27.25)]
print(rows[1], rows[1].city, [r.temp for r in rows])
print(json.dumps(rows), json.dumps(rows[0]._asdict()))
hot = [r._replace(temp=r.temp + 1) for r in rows if r.temp > 0]
print(hot)
print(sorted(rows, key=lambda r: r.temp, reverse=True)[0].city)
Pair = namedtuple('Pair', 'left right', defaults=(None,))
print(Pair(1), Pair(1, 2), Pair._field_defaults, len(Pair._fields))
by_id = {r.id: r for r in rows}
print(by_id[3].temp, sum(r.temp for r in rows) / len(rows))
