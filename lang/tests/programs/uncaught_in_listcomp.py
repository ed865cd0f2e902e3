def parse(rows):
    return [[int(x) for x in row.split(",")] for row in rows]

print(parse(["1,2", "3,4"]))
print({k: 10 // v for k, v in {"a": 1}.items()})
parse(["1,2", "3,x"])
